"""The freeze: what each chapter depends on, and when its executed notebook no longer holds.
Notebooks are written here as the runner writes them (no kernel needed), then things change."""
import json
import re
import textwrap

import nbformat
import pytest

from lib.book import freeze, project, run
from lib.book.qmd import QmdError
from lib.book.run import ROOT


def deps_of(name, root=ROOT):
    return {str(p.relative_to(root)) for p in freeze.dependencies(root / name, root)}


def test_the_book_chapters_depend_on_what_they_import_directly_and_through_other_modules():
    conv, deep, spiking = deps_of("chapters/conv.qmd"), deps_of("chapters/deep.qmd"), deps_of("chapters/spiking.qmd")
    assert {"chapters/conv.qmd", "lib/conv.py", "lib/cnn.py", "lib/data.py"} <= conv
    assert "lib/conv.py" in deep and "lib/sparse.py" in deep  # sparse.py imports conv
    assert "lib/conv.py" not in spiking and "lib/spiking.py" in spiking
    for chapter in project.chapters(ROOT):  # the shared setup, and through it the style
        assert {"_setup.qmd", "lib/style.py", "lib/__init__.py", "requirements.txt"} <= deps_of(
            str(chapter.relative_to(ROOT)))


FILES = {  # a.qmd imports lib.x (which imports .y relatively), b.qmd lib.z (which reads data/)
    "_quarto.yml": "book:\n  chapters: [a.qmd, b.qmd]\nfig-dpi: 100\n",
    "_setup.qmd": "```{python}\nimport numpy as np\n```\n",
    "a.qmd": "# A\n\n{{< include /_setup.qmd >}}\n\n```{python}\nfrom lib.x import f\nf()\n```\n",
    "b.qmd": "# B\n\n```{python}\nimport lib.z as z\n```\n\n```python\nimport lib.never  # not executed\n```\n",
    "lib/__init__.py": "",
    "lib/x.py": "from .y import g\n\ndef f():\n    from lib import w  # inside a function counts too\n    return g()\n",
    "lib/y.py": "def g():\n    return 1\n",
    "lib/w.py": "",
    "lib/z.py": "from pathlib import Path\nDATA = Path(__file__).parent.parent / 'data'\n",
    "lib/unused.py": "",
    "data/table.csv": "1,2\n",
    "data/README.md": "notes\n",
    "requirements.txt": "numpy\n",
}


@pytest.fixture
def book(tmp_path):
    for name, text in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


AS_RUN = "as the runner records it"


def executed(book, chapter, outputs="", record=AS_RUN):
    """Write the chapter's notebook as lib/book/run.py does once it has run; `outputs` is the
    Markdown its one cell printed (a film's, say)."""
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x = 1")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/markdown": outputs})]
    nb.cells = [cell]
    nb.metadata[freeze.RECORD] = record if record != AS_RUN else {
        "dependencies": freeze.fingerprint(book / chapter, book), "outputs": freeze.outputs(nb, chapter, book),
        "cells": freeze.cells_hash(json.loads(nbformat.writes(nb)))}
    path = freeze.notebook_path(chapter, book)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def reasons(book):
    return {c: freeze.stale_reasons(book / c, book) for c in ("a.qmd", "b.qmd")}


def test_dependencies_follow_includes_relative_and_inner_imports_and_data(book):
    assert deps_of("a.qmd", book) == {"a.qmd", "_setup.qmd", "lib/__init__.py", "lib/x.py", "lib/y.py",
                                      "lib/w.py", "requirements.txt"}
    assert deps_of("b.qmd", book) == {"b.qmd", "lib/__init__.py", "lib/z.py", "data/table.csv", "requirements.txt"}


def test_a_chapter_is_stale_exactly_when_something_it_depends_on_changed(book):
    assert reasons(book) == {"a.qmd": ["never executed"], "b.qmd": ["never executed"]}
    executed(book, "a.qmd"), executed(book, "b.qmd")
    assert reasons(book) == {"a.qmd": [], "b.qmd": []}
    (book / "lib" / "y.py").write_text("def g():\n    return 2\n")  # reached only from a.qmd
    (book / "lib" / "unused.py").write_text("# nobody imports this\n")
    assert reasons(book) == {"a.qmd": ["lib/y.py changed"], "b.qmd": []}
    executed(book, "a.qmd")
    (book / "data" / "table.csv").write_text("3,4\n")
    (book / "data" / "README.md").write_text("notes are not data\n")
    assert reasons(book) == {"a.qmd": [], "b.qmd": ["data/table.csv changed"]}


def test_changing_the_figure_settings_makes_every_chapter_stale(book):
    executed(book, "a.qmd"), executed(book, "b.qmd")
    (book / "_quarto.yml").write_text(FILES["_quarto.yml"].replace("fig-dpi: 100", "fig-dpi: 300"))
    assert reasons(book) == {"a.qmd": ["figure settings changed"], "b.qmd": ["figure settings changed"]}
    executed(book, "a.qmd")
    (book / "a.qmd").write_text("---\nfig-width: 3\n---\n" + FILES["a.qmd"])  # the chapter's own
    assert reasons(book)["a.qmd"] == ["a.qmd changed", "figure settings changed"]


def test_an_included_file_of_prose_alone_is_a_dependency(book):
    """Its text is in the executed notebook, so an edit of it must run the chapter again."""
    (book / "note.qmd").write_text("A shared note: prose, no cell.\n")
    (book / "a.qmd").write_text("# A\n\nSome prose.\n\n{{< include note.qmd >}}\n\n```{python}\nx = 1\n```\n")
    executed(book, "a.qmd")
    (book / "note.qmd").write_text("The note, edited.\n")
    assert reasons(book)["a.qmd"] == ["note.qmd changed"]


def test_an_import_at_the_project_root_or_by_a_literal_name_is_followed(book):
    (book / "helper.py").write_text("import lib.w\n")
    (book / "a.qmd").write_text("```{python}\nimport helper\nimport importlib\n"
                                "importlib.import_module('lib.y')\n__import__('lib.unused')\n```\n")
    assert deps_of("a.qmd", book) == {"a.qmd", "helper.py", "lib/__init__.py", "lib/w.py", "lib/y.py",
                                      "lib/unused.py", "requirements.txt"}


def test_an_import_by_a_computed_name_is_refused_where_it_is(book):
    (book / "a.qmd").write_text("# A\n\n```{python}\nimport importlib\nname = 'y'\n"
                                "m = importlib.import_module('lib.' + name)\n```\n")
    with pytest.raises(QmdError, match=r"a\.qmd:6: importlib\.import_module\(\) of a computed name"):
        freeze.dependencies(book / "a.qmd", book)
    (book / "a.qmd").write_text("```{python}\nimport lib.x\n```\n")
    (book / "lib" / "x.py").write_text("\n\nm = __import__(NAME)\n")
    with pytest.raises(QmdError, match=r"lib/x\.py:3: __import__\(\) of a computed name"):
        freeze.dependencies(book / "a.qmd", book)


@pytest.mark.parametrize("cell, says", [
    ("from importlib import import_module as load\nload('lib.' + 'y')", "a.qmd:3: load() of a computed name"),
    ("import importlib as il\nil.import_module(name)", "a.qmd:3: il.import_module() of a computed name"),
    ("load = __import__\nload('lib.y')", "a.qmd:2: __import__ under another name"),
    ("exec('import lib.y')", "a.qmd:2: exec(): the freeze cannot follow what it runs"),
    ("%run lib/y.py", "a.qmd:2: %run: the freeze cannot follow what it runs"),
])
def test_what_the_freeze_cannot_follow_is_refused_whatever_its_spelling(book, cell, says):
    (book / "a.qmd").write_text(f"```{{python}}\n{cell}\n```\n")
    with pytest.raises(QmdError, match=re.escape(says)):
        freeze.dependencies(book / "a.qmd", book)


def test_a_relative_import_module_and_a_cell_magic_that_is_not_python(book):
    (book / "a.qmd").write_text("```{python}\nimport importlib\nimportlib.import_module('.y', 'lib')\n```\n\n"
                                "```{python}\n%%bash\nls data/ | grep -c csv\n```\n")
    assert "lib/y.py" in deps_of("a.qmd", book)  # and %%bash's body is not read as Python


def test_a_broken_module_is_reported_where_it_is(book):
    (book / "lib" / "y.py").write_text("def g(:\n")
    with pytest.raises(QmdError, match=r"lib/y\.py:1: cannot read imports"):
        freeze.dependencies(book / "a.qmd", book)
    (book / "lib" / "y.py").write_bytes(b"x = 'caf\xe9'\n")  # not UTF-8
    with pytest.raises(QmdError, match=r"lib/y\.py:1: cannot read imports"):
        freeze.dependencies(book / "a.qmd", book)


def test_a_notebook_whose_cells_were_changed_since_is_stale(book):
    """Cleared in Jupyter and saved: the record is still there, but the outputs are gone."""
    path = executed(book, "a.qmd", outputs="a table")
    nb = nbformat.read(path, as_version=4)
    nb.cells[0].outputs = []
    nbformat.write(nb, path)
    assert reasons(book)["a.qmd"] == ["_notebooks/a.ipynb was changed since it was made (its cells or their outputs)"]


def test_a_cell_that_names_the_data_folder_depends_on_it(book):
    (book / "a.qmd").write_text("```{python}\nfrom pathlib import Path\n"
                                "rows = (Path('data') / 'table.csv').read_text()\n```\n")
    assert "data/table.csv" in deps_of("a.qmd", book)
    (book / "a.qmd").write_text("```{python}\nrows = open('data/table.csv').read()\n```\n")
    assert "data/table.csv" in deps_of("a.qmd", book)
    for built in ("name = 'table'\nrows = open(f'data/{name}.csv')", "rows = open('./data/table.csv')",
                  "D = 'data'\nrows = open(D + '/table.csv')"):  # paths built in a cell
        (book / "a.qmd").write_text(f"```{{python}}\n{built}\n```\n")
        assert "data/table.csv" in deps_of("a.qmd", book), built


def test_the_word_data_that_is_not_a_path_is_no_dependency(book):
    # an argument named in a message, matplotlib's coordinates, a dictionary's key: not data/
    (book / "a.qmd").write_text("```{python}\ncheck('data', {})\nax.annotate('x', xycoords='data')\n"
                                "output.get('data', {})\n```\n")
    assert not any(name.startswith("data/") for name in deps_of("a.qmd", book))


def test_magics_are_read_as_the_code_they_run(book):
    (book / "a.qmd").write_text("```{python}\n%config InlineBackend.figure_format = 'png'\nimport lib.y\n"
                                "!echo shell\n```\n\n```{python}\n%%time\nimport lib.w\n```\n")
    assert {"lib/y.py", "lib/w.py"} <= deps_of("a.qmd", book)


@pytest.mark.parametrize("damage, says", [
    (lambda p: p.unlink(), "never executed"),
    (lambda p: p.write_bytes(p.read_bytes()[:100]), "is unreadable"),  # cut short
    (lambda p: p.write_bytes(b"\x89PNG\x00\xff"), "is unreadable"),
])
def test_a_damaged_notebook_is_stale(book, damage, says):
    damage(executed(book, "a.qmd"))
    (only,) = reasons(book)["a.qmd"]
    assert says in only


@pytest.mark.parametrize("record", [[], None, "binary\x00", {"dependencies": []}, {"outputs": {}}])
def test_a_malformed_record_is_stale_with_one_line_saying_so(book, record):
    executed(book, "a.qmd", record=record)
    (only,) = reasons(book)["a.qmd"]
    assert only.startswith("_notebooks/a.ipynb is unreadable or has no record of its dependencies (")


def test_a_film_cut_short_or_gone_makes_its_chapter_stale(book):
    (book / "films").mkdir()
    (book / "films" / "wave.mp4").write_bytes(b"\x00" * 300_000)
    (book / "films" / "wave.png").write_bytes(b"poster")
    executed(book, "a.qmd", outputs='<video poster="films/wave.png"><source src="films/wave.mp4"></video>')
    assert reasons(book)["a.qmd"] == []
    (book / "films" / "wave.mp4").write_bytes(b"\x00" * 48)  # an encoding that stopped early
    assert reasons(book)["a.qmd"] == ["films/wave.mp4 is not the file it wrote (cut short, or changed since)"]
    (book / "films" / "wave.png").unlink()
    assert reasons(book)["a.qmd"][-1] == "films/wave.png is missing"


def test_explain_says_what_each_chapter_depends_on_and_why_it_reruns(book, capsys):
    executed(book, "a.qmd")
    (book / "_setup.qmd").write_text("```{python}\nimport numpy as np  # changed\n```\n")
    text = freeze.explain(book)
    assert "a.qmd: stale: _setup.qmd changed" in text and "b.qmd: stale: never executed" in text
    assert ("  depends on _setup.qmd, lib/__init__.py, lib/w.py, lib/x.py, lib/y.py, requirements.txt, "
            "figure settings") in text
    assert run.main(["--explain", "--root", str(book)]) == 0 and capsys.readouterr().out == text + "\n"


def test_an_unreadable_cell_is_reported_with_its_line(book):
    (book / "a.qmd").write_text("# A\n\n```{python}\nx = (\n```\n")
    with pytest.raises(QmdError, match=r"a\.qmd:4: cannot read imports"):
        freeze.dependencies(book / "a.qmd", book)


def test_every_form_of_import_is_read(book):
    (book / "lib" / "pkg").mkdir()
    (book / "lib" / "pkg" / "__init__.py").write_text("from . import inner\n")
    (book / "lib" / "pkg" / "inner.py").write_text("")
    (book / "a.qmd").write_text("```{python}\n" + textwrap.dedent("""
        import lib.y, numpy
        import lib.w as w
        from lib import unused, pkg
        from lib.x import f
        from numpy import linalg
    """) + "```\n")
    assert deps_of("a.qmd", book) == {
        "a.qmd", "lib/__init__.py", "lib/y.py", "lib/w.py", "lib/unused.py", "lib/x.py", "lib/pkg/__init__.py",
        "lib/pkg/inner.py", "requirements.txt"}
    assert json.loads(json.dumps(freeze.fingerprint(book / "a.qmd", book)))  # plain JSON, for the record
