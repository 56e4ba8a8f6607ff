"""The dependency-aware freeze: what each chapter depends on, and which frozen results go stale."""
import json
import textwrap

import pytest

from lib.book import freeze
from lib.book.qmd import QmdError
from lib.book.run import ROOT, book_chapters


def deps_of(name, root=ROOT):
    return {str(p.relative_to(root)) for p in freeze.dependencies(root / name, root)}


def test_the_book_chapters_depend_on_what_they_import_directly_and_through_other_modules():
    conv, deep, spiking = deps_of("chapters/conv.qmd"), deps_of("chapters/deep.qmd"), deps_of("chapters/spiking.qmd")
    assert {"chapters/conv.qmd", "lib/conv.py", "lib/cnn.py", "lib/data.py"} <= conv
    assert "lib/conv.py" in deep and "lib/sparse.py" in deep  # sparse.py imports conv
    assert "lib/conv.py" not in spiking and "lib/spiking.py" in spiking
    for chapter in book_chapters(ROOT):  # the shared setup, and through it the style
        deps = deps_of(str(chapter.relative_to(ROOT)))
        assert {"_setup.qmd", "lib/style.py", "lib/__init__.py", "requirements.txt"} <= deps


@pytest.fixture
def book(tmp_path):
    """A two-chapter book: a.qmd imports lib.x (which imports .y relatively), b.qmd lib.z (reads data/)."""
    files = {
        "_quarto.yml": "book:\n  chapters: [a.qmd, b.qmd]\n",
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
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def freeze_as_quarto_would(root, chapter, text="{}"):
    """What a render leaves: Quarto's frozen results, and the book's notebook of the chapter."""
    results = freeze.frozen_dir(chapter, root) / "execute-results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "html.json").write_text(text)
    freeze.notebook_path(chapter, root).parent.mkdir(parents=True, exist_ok=True)
    freeze.notebook_path(chapter, root).write_text("{}")


def test_dependencies_follow_includes_relative_and_inner_imports_and_data(book):
    assert deps_of("a.qmd", book) == {"a.qmd", "_setup.qmd", "lib/__init__.py", "lib/x.py", "lib/y.py",
                                      "lib/w.py", "requirements.txt"}
    assert deps_of("b.qmd", book) == {"b.qmd", "lib/__init__.py", "lib/z.py", "data/table.csv", "requirements.txt"}


def test_only_chapters_whose_dependencies_changed_are_unfrozen(book):
    for chapter in ("a.qmd", "b.qmd"):
        freeze_as_quarto_would(book, chapter)
    assert [s.state for s in freeze.prepare(book, echo=lambda s: None)] == ["stale", "stale"]  # no record yet
    for chapter in ("a.qmd", "b.qmd"):
        freeze_as_quarto_would(book, chapter)  # Quarto executes them and freezes again
    assert [s.state for s in freeze.status(book)] == ["fresh", "fresh"]

    (book / "lib" / "y.py").write_text("def g():\n    return 2\n")  # reached only from a.qmd
    said = []
    statuses = freeze.prepare(book, echo=said.append)
    assert [(s.chapter, s.state) for s in statuses] == [("a.qmd", "stale"), ("b.qmd", "fresh")]
    assert said == ["a.qmd: will execute (lib/y.py changed)"]
    assert not freeze.frozen_dir("a.qmd", book).exists() and not freeze.notebook_path("a.qmd", book).exists()
    assert freeze.frozen_dir("b.qmd", book).exists()
    assert [s.state for s in freeze.status(book)] == ["not frozen", "fresh"]

    (book / "data" / "table.csv").write_text("3,4\n")
    freeze_as_quarto_would(book, "a.qmd")
    assert [s.state for s in freeze.prepare(book, echo=lambda s: None)] == ["fresh", "stale"]


def test_a_chapter_whose_film_or_notebook_is_gone_executes_again(book):
    freeze.prepare(book, echo=lambda s: None)  # records the dependencies; Quarto then executes
    freeze_as_quarto_would(book, "a.qmd", text=json.dumps({"markdown": '<source src="films/wave.mp4">'}))
    freeze_as_quarto_would(book, "b.qmd")
    (book / "films").mkdir()
    (book / "films" / "wave.mp4").write_bytes(b"mp4")
    assert [s.state for s in freeze.status(book)] == ["fresh", "fresh"]
    (book / "films" / "wave.mp4").unlink()
    freeze.notebook_path("b.qmd", book).unlink()
    reasons = {s.chapter: s.reasons for s in freeze.status(book)}
    assert reasons == {"a.qmd": ["films/wave.mp4 is missing"], "b.qmd": ["_freeze/notebooks/b.ipynb is missing"]}


def test_explain_says_what_each_chapter_depends_on_and_why_it_reruns(book):
    freeze_as_quarto_would(book, "a.qmd")
    freeze.prepare(book, echo=lambda s: None)
    freeze_as_quarto_would(book, "a.qmd")
    (book / "_setup.qmd").write_text("```{python}\nimport numpy as np  # changed\n```\n")
    text = freeze.explain(book)
    assert "a.qmd: stale: will execute, because _setup.qmd changed" in text
    assert "b.qmd: not frozen: Quarto will execute it" in text
    assert "depends on _setup.qmd, lib/__init__.py, lib/w.py, lib/x.py, lib/y.py, requirements.txt" in text
    assert freeze.main(["--explain", "--root", str(book)]) == 0
    assert freeze.frozen_dir("a.qmd", book).exists()  # --explain changes nothing


def test_an_unreadable_cell_is_reported_with_its_line(book):
    (book / "a.qmd").write_text("# A\n\n```{python}\nx = (\n```\n")
    with pytest.raises(QmdError, match=r"a\.qmd:4: cannot read imports"):
        freeze.dependencies(book / "a.qmd", book)


def test_imported_modules_reads_every_form_of_import():
    source = textwrap.dedent("""
        import lib.conv, numpy
        import lib.attention as attention
        from lib import mlp, plots
        from lib.spiking import LIF
        from numpy import linalg
    """)
    assert freeze.imported_modules(source) == {
        "lib.conv", "lib.attention", "lib", "lib.mlp", "lib.plots", "lib.spiking", "lib.spiking.LIF"}
    assert freeze.imported_modules("from . import y\nfrom .z import q", current="lib.x") == {
        "lib", "lib.y", "lib.z", "lib.z.q"}
