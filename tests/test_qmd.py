"""The .qmd reader: cells, options, includes, inline expressions, and every malformed case."""
import textwrap

import pytest

from lib.book.qmd import Cell, Prose, QmdError, read_qmd


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"))
    return path


CHAPTER = """
---
title: "A chapter"
format:
  html:
    fig-width: 5
---

# Heading

Some prose with `{python} x` and `{python} f"{y:.2f}"`.

```{python}
#| label: fig-one
#| fig-cap: "A caption"
x = 1
```

```python
not = "executed"
```

```{ojs}
viewof k = Inputs.range([0, 1])
```

Escaped: ```` ```{{python}} ```` stays prose.

````{python}
#| eval: false
s = '''
```
'''
````

```{{python}}
shown_not_run = True
```
"""


def test_cells_options_and_prose(tmp_path):
    doc = read_qmd(write(tmp_path / "c.qmd", CHAPTER))
    assert doc.front_matter == {"title": "A chapter", "format": {"html": {"fig-width": 5}}}
    cells = doc.cells
    assert len(cells) == 2  # ```python, {ojs} and {{python}} blocks are prose
    assert cells[0].options == {"label": "fig-one", "fig-cap": "A caption"}
    assert cells[0].source == '#| label: fig-one\n#| fig-cap: "A caption"\nx = 1'
    assert cells[0].line == 13  # counted by hand: the line after the fence on line 12
    assert cells[1].options == {"eval": False}
    assert cells[1].source.splitlines()[2] == "```"  # a shorter fence inside a longer one
    assert cells[1].line == 29
    prose = [b for b in doc.blocks if isinstance(b, Prose)]
    assert [e for e, *_ in prose[0].inline] == ["x", 'f"{y:.2f}"']
    assert {line for _, _, line, _, _ in prose[0].inline} == {10}
    assert [prose[0].text[start:end] for *_, start, end in prose[0].inline] == ["`{python} x`", '`{python} f"{y:.2f}"`']
    assert "not = \"executed\"" in prose[1].text and "Inputs.range" in prose[1].text
    assert "shown_not_run" in prose[-1].text


def test_no_front_matter_and_empty_options(tmp_path):
    doc = read_qmd(write(tmp_path / "c.qmd", "```{python}\nprint(1)\n```\n"))
    assert doc.front_matter == {}
    assert doc.cells == [Cell("print(1)", {}, tmp_path / "c.qmd", 2)]


def test_include_from_root_and_relative_keeps_origin_lines(tmp_path):
    write(tmp_path / "_setup.qmd", """
    Setup prose.

    ```{python}
    #| include: false
    import math
    ```
    """)
    write(tmp_path / "chapters" / "_part.qmd", "```{python}\ny = 2\n```\n")
    chapter = write(tmp_path / "chapters" / "c.qmd", """
    # Title

    {{< include /_setup.qmd >}}

    {{< include _part.qmd >}}

    ```{python}
    z = 3
    ```
    """)
    cells = read_qmd(chapter, tmp_path).cells
    assert [c.source.splitlines()[-1] for c in cells] == ["import math", "y = 2", "z = 3"]
    assert [(c.file.name, c.line) for c in cells] == [("_setup.qmd", 4), ("_part.qmd", 2), ("c.qmd", 8)]
    assert cells[0].options == {"include": False}


def test_include_inside_a_code_block_is_left_alone(tmp_path):
    chapter = write(tmp_path / "c.qmd", "```markdown\n{{< include /missing.qmd >}}\n```\n")
    assert read_qmd(chapter, tmp_path).cells == []


@pytest.mark.parametrize("text, line, words", [
    ("# T\n\n```{python}\nx = 1\n", 3, "never closed"),
    ("```{python}\nx = 1\n```\n\n````{python}\ny\n```\n", 5, "never closed"),
    ("---\ntitle: a\n", 1, "front matter"),
    ("---\ntitle: [unclosed\n---\n", 2, "invalid YAML in front matter"),
    ("---\n- a list\n---\n", 2, "must be a YAML mapping"),
    ("text\n\n```{python}\n#| label: ok\n#| fig-cap: [oops\nx = 1\n```\n", 5, "invalid YAML in cell options"),
    ("```{python}\n#| just a sentence\n```\n", 2, "must be a YAML mapping"),
    ("intro\n{{< include /nowhere.qmd >}}\n", 2, "does not exist"),
    ("# T\n\nSays `{python} a``{python} b` here.\n", 3, "expressions touch"),
])
def test_malformed_input_names_file_and_line(tmp_path, text, line, words):
    path = tmp_path / "bad.qmd"
    path.write_text(text)
    with pytest.raises(QmdError) as caught:
        read_qmd(path, tmp_path)
    assert caught.value.file == path and caught.value.line == line
    assert words in str(caught.value) and str(caught.value).startswith(f"{path}:{line}:")


def test_self_include_is_refused(tmp_path):
    path = write(tmp_path / "loop.qmd", "{{< include /loop.qmd >}}\n")
    with pytest.raises(QmdError, match="includes itself"):
        read_qmd(path, tmp_path)


def test_missing_file(tmp_path):
    with pytest.raises(QmdError, match="no such file"):
        read_qmd(tmp_path / "absent.qmd")
