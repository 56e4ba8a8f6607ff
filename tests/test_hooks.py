"""Around Quarto's render: the notebooks put beside the pages, and when the PDF is made again."""
import os
import shutil
import subprocess

import nbformat
import pytest

from lib.book import freeze, hooks
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
    hooks.reader_notebook(tmp_path / "executed.ipynb", tmp_path / "a.ipynb")
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
    for name in ("Makefile", "_quarto.yml", "lib/book/engine.js", "assets/formats.js", "assets/solutions.lua"):
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

    for name in ("Makefile", "_quarto.yml", "lib/book/engine.js", "assets/formats.js", "assets/solutions.lua",
                 "_notebooks/chapters/a.ipynb"):
        touch(name, 1_000)
    touch("_pdf/made", 2_000)
    assert up_to_date()
    touch("_notebooks/chapters/a.ipynb", 3_000)  # a chapter executed again
    assert not up_to_date()
    touch("_pdf/made", 4_000)
    assert up_to_date()
    touch("_quarto.yml", 5_000)
    assert not up_to_date()
    touch("_pdf/made", 6_000)
    assert up_to_date()
    touch("assets/solutions.lua", 7_000)  # where the solutions go in the PDF
    assert not up_to_date()


def test_module_scripts_become_classic_ones_that_a_page_from_disk_runs(tmp_path):
    """Chromium runs no ES module in a page opened from disk: post writes each module script of a
    page as a classic one, what it imports inlined in a scope of its own, and search's index as a
    script; the page loads them, deferred as modules are, and no longer the imported module."""
    (tmp_path / "_quarto.yml").write_text("book:\n  chapters: [index.qmd]\n")
    (tmp_path / "index.qmd").write_text("# A\n")
    freeze.notebook_path("index.qmd", tmp_path).parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(executed_notebook(), freeze.notebook_path("index.qmd", tmp_path))
    book = tmp_path / "_book"
    (book / "lib" / "parts").mkdir(parents=True)
    (book / "lib" / "parts" / "tabs.js").write_text("const n = 2;\nexport function init() { return n; }\n"
                                                   "export const twice = (x) => 2 * x;\n")
    (book / "lib" / "main.js").write_text('import * as tabs from "./parts/tabs.js";\nconst n = 1;\n'
                                          "window.seen = [n, tabs.init(), tabs.twice(3)];\n")
    (book / "search.json").write_text('[{"href": "index.html", "title": "A"}]')
    page = '<script src="lib/main.js" type="module"></script>\n<script src="lib/parts/tabs.js" type="module"></script>\n'
    (book / "index.html").write_text(f"<html><head>{page}</head></html>")
    assert hooks.post([book / "index.html"], tmp_path) == 0
    html = (book / "index.html").read_text()
    assert html == '<html><head><script src="lib/main.js" defer></script>\n</head></html>'.replace(
        "main.js", "main.offline.js")
    script = (book / "lib" / "main.offline.js").read_text()
    assert "import" not in script and "export" not in script and "function init()" in script
    assert "const tabs = (() => {" in script and "return { init, twice };" in script
    assert script.startswith('(function () {\n"use strict";\n') and script.endswith("})();\n")
    if shutil.which("node"):  # run it: both `n`s live in scopes of their own
        done = subprocess.run(["node", "-e", f"globalThis.window = globalThis;\n{script}\nconsole.log(seen.join())"],
                              capture_output=True, text=True)
        assert done.stdout.strip() == "1,2,6", done.stderr
    assert (book / "search.json.js").read_text() == \
        'window.quartoSearchIndex = [{"href": "index.html", "title": "A"}];\n'


def test_a_module_post_cannot_make_classic_is_refused_by_name(tmp_path):
    (tmp_path / "m.js").write_text("export default 3;\n")
    (tmp_path / "a.html").write_text('<script src="m.js" type="module"></script>')
    with pytest.raises(ValueError, match="m.js"):
        hooks.classic_scripts(tmp_path / "a.html")
