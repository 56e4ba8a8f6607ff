"""The chapter runner, on small projects written into a temporary folder."""
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from lib.book.qmd import QmdError
from lib.book.run import ROOT, ChapterError, book_chapters, run_chapter

QUARTO_YML = """
project:
  type: book
  execute-dir: project
book:
  title: T
  chapters:
    - index.qmd
    - part: "Part one"
      chapters:
        - chapters/a.qmd
format:
  html:
    fig-width: 4
    fig-height: 3
    fig-dpi: 50
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"))
    return path


@pytest.fixture
def project(tmp_path):
    write(tmp_path / "_quarto.yml", QUARTO_YML)
    write(tmp_path / "index.qmd", "# Preface\n\n```{python}\nprint('preface')\n```\n")
    write(tmp_path / "helper.py", "def divide(a, b):\n    return a / b\n")
    return tmp_path


def outputs(nb):
    return ["".join(o.get("text", "")) for c in nb.cells if c.cell_type == "code" for o in c.outputs]


def test_runs_cells_in_order_from_the_project_root(project):
    chapter = write(project / "chapters" / "a.qmd", """
    # A

    ```{python}
    import os
    import matplotlib.pyplot as plt
    print(os.getcwd())
    print(tuple(plt.rcParams["figure.figsize"]), plt.rcParams["figure.dpi"])
    ```

    ```{python}
    #| eval: false
    skipped = True
    ```

    ```{python}
    #| label: check
    print("skipped" in globals())
    ```

    The answer is `{python} 6 * 7`, said `{python} "plainly"`.
    """)
    lines = []
    result = run_chapter(chapter, project, echo=lines.append)
    printed = outputs(result.notebook)
    assert printed[0] == f"{project}\n(4.0, 3.0) 50.0\n"  # root as cwd; figure size from _quarto.yml
    assert printed[1] == "False\n"  # the eval: false cell did not run
    markdown = [c.source for c in result.notebook.cells if c.cell_type == "markdown"]
    assert "The answer is 42, said plainly." in markdown[-1]
    assert [ln.split()[1:4] for ln in lines[:3]] == [["cell", "1/3", "import"], ["cell", "2/3", "skipped"],
                                                   ["cell", "3/3", "check"]]
    assert "skipped (eval: false)" in lines[1]
    assert lines[-1].startswith("chapters/a.qmd: 3 cells in ")


def test_failing_cell_names_file_cell_line_and_error(project):
    chapter = write(project / "chapters" / "a.qmd", """
    # A

    ```{python}
    x = 1
    ```

    ```{python}
    #| label: divides
    from helper import divide
    y = 2
    divide(x, 0)
    ```
    """)
    with pytest.raises(ChapterError) as caught:
        run_chapter(chapter, project, echo=lambda s: None)
    report = str(caught.value)
    # The failing call is on line 11 of a.qmd, counted by hand.
    assert report.startswith("chapters/a.qmd:11: cell 2 (divides) failed: ZeroDivisionError: division by zero")
    assert f"raised at {project}/helper.py:2" in report.replace("~", str(Path.home()))
    assert "\x1b[" not in report and len(report.splitlines()) <= 2


def test_syntax_error_line(project):
    chapter = write(project / "chapters" / "a.qmd", "```{python}\nok = 1\nbad = (\n```\n")
    with pytest.raises(ChapterError, match=r"chapters/a.qmd:3: cell 1 .*SyntaxError"):
        run_chapter(chapter, project, echo=lambda s: None)


def test_failing_inline_expression(project):
    chapter = write(project / "chapters" / "a.qmd", "```{python}\nx = 1\n```\n\nSee `{python} nope`.\n")
    with pytest.raises(ChapterError, match=r"chapters/a.qmd:5: inline expression `nope` failed: NameError"):
        run_chapter(chapter, project, echo=lambda s: None)


def test_an_inline_expression_must_not_be_empty(project):
    """Quarto 1.10 leaves an inline expression whose value is "" as source (execute-inline.ts)."""
    chapter = write(project / "chapters" / "a.qmd", "```{python}\nx = ''\n```\n\nSee `{python} x`.\n")
    with pytest.raises(ChapterError, match=r"chapters/a.qmd:5: inline expression `x` is empty"):
        run_chapter(chapter, project, echo=lambda s: None)


def test_book_chapters_reads_parts_and_refuses_missing_files(project):
    write(project / "chapters" / "a.qmd", "# A\n")
    assert book_chapters(project) == [project / "index.qmd", project / "chapters" / "a.qmd"]
    (project / "chapters" / "a.qmd").unlink()
    with pytest.raises(QmdError) as caught:
        book_chapters(project)
    assert caught.value.line == 10 and "chapters/a.qmd does not exist" in str(caught.value)


def cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "lib.book.run", *args], cwd=cwd, capture_output=True, text=True)


def test_cli_all_in_parallel_writes_notebooks(project, tmp_path):
    write(project / "chapters" / "a.qmd", "```{python}\nprint('a')\n```\n")
    done = cli("--all", "--jobs", "2", "--root", str(project), "--out", str(tmp_path / "nb"))
    assert done.returncode == 0, done.stderr
    assert "index.qmd: 1 cells in" in done.stdout and "chapters/a.qmd: 1 cells in" in done.stdout
    assert (tmp_path / "nb" / "index.ipynb").is_file() and (tmp_path / "nb" / "chapters" / "a.ipynb").is_file()
    assert "Kernel is running over TCP" not in done.stderr  # no kernel noise


def test_cli_reports_a_failing_chapter_and_exits_nonzero(project):
    write(project / "chapters" / "a.qmd", "```{python}\nraise RuntimeError('boom')\n```\n")
    done = cli("--all", "--jobs", "2", "--root", str(project))
    assert done.returncode == 1
    assert "error: chapters/a.qmd:2: cell 1 (raise RuntimeError('boom')) failed: RuntimeError: boom" in done.stderr


def test_cli_missing_chapter_and_bad_jobs(project):
    done = cli("--all", "--root", str(project))
    assert done.returncode == 2 and f"{project}/_quarto.yml:10: listed chapter chapters/a.qmd does not exist" in done.stderr
    assert cli("--all", "--jobs", "0").returncode == 2
