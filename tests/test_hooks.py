"""Around Quarto's render: the notebooks put beside the pages, and when the PDF is made again."""
import os
import shutil
import subprocess

import nbformat
import pytest

from lib.book import freeze, hooks, run
from lib.book.run import ROOT


def executed_notebook():
    """A notebook as lib/book/run.py leaves it: a figure as PNG and PDF, and its record."""
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("plot()", id="cell-1")
    code.outputs = [nbformat.v4.new_output("display_data", data={
        "image/png": "iVBOR", "application/pdf": "JVBER", "text/plain": "<Figure>"})]
    nb.cells = [code]
    nb.metadata[freeze.RECORD] = {"dependencies": {"a.qmd": "0" * 64}, "outputs": {}}
    return nb


def test_the_reader_notebook_has_no_pdf_figures_and_no_record(tmp_path):
    nbformat.write(executed_notebook(), tmp_path / "executed.ipynb")
    run.reader_notebook(tmp_path / "executed.ipynb", tmp_path / "a.ipynb")
    nb = nbformat.read(tmp_path / "a.ipynb", as_version=4)
    assert nb.cells[0].outputs[0]["data"] == {"image/png": "iVBOR", "text/plain": "<Figure>"}
    assert freeze.RECORD not in nb.metadata and nb.cells[0].id == "cell-1"
    nbformat.validate(nb)


def test_after_a_render_each_page_written_gets_its_notebook_beside_it(tmp_path):
    (tmp_path / "_quarto.yml").write_text("book:\n  chapters: [index.qmd, chapters/a.qmd]\n")
    for chapter in ("index.qmd", "chapters/a.qmd"):
        (tmp_path / chapter).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / chapter).write_text("# A\n")
        freeze.notebook_path(chapter, tmp_path).parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(executed_notebook(), freeze.notebook_path(chapter, tmp_path))
    page = tmp_path / "_book" / "chapters" / "a.html"
    page.parent.mkdir(parents=True)
    page.write_text("<html></html>")
    assert hooks.post([page, tmp_path / "_book" / "search.json"], tmp_path) == 0
    assert (tmp_path / "_book" / "chapters" / "a.ipynb").is_file()
    assert not (tmp_path / "_book" / "index.ipynb").exists()  # its page was not in this render


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_the_pdf_is_made_again_only_when_a_notebook_or_the_settings_are_newer(tmp_path):
    for name in ("Makefile", "_quarto.yml", "lib/book/engine.js"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / name, tmp_path / name)
    (tmp_path / "_notebooks" / "chapters").mkdir(parents=True)
    (tmp_path / "_notebooks" / "chapters" / "a.ipynb").write_text("{}")
    (tmp_path / "_pdf").mkdir()
    (tmp_path / "_pdf" / "made").write_text("")

    def up_to_date():  # make -q: exit 0 if the target needs nothing done
        return subprocess.run(["make", "-q", "_pdf/made"], cwd=tmp_path).returncode == 0

    def touch(name, seconds):
        os.utime(tmp_path / name, (seconds, seconds))

    for name in ("Makefile", "_quarto.yml", "lib/book/engine.js", "_notebooks/chapters/a.ipynb"):
        touch(name, 1_000)
    touch("_pdf/made", 2_000)
    assert up_to_date()
    touch("_notebooks/chapters/a.ipynb", 3_000)  # a chapter executed again
    assert not up_to_date()
    touch("_pdf/made", 4_000)
    assert up_to_date()
    touch("_quarto.yml", 5_000)
    assert not up_to_date()
