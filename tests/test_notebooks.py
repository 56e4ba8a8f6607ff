"""Chapters as notebooks to download: made from the notebook Quarto executed and kept."""
import nbformat
from nbclient import NotebookClient

from lib.book import freeze, notebooks
from lib.book.run import FIND_ROOT


def quarto_kept_notebook(outputs=True):
    """A notebook shaped as Quarto keeps it: raw prose with `{python}` values in the metadata."""
    nb = nbformat.v4.new_notebook()
    prose = nbformat.v4.new_markdown_cell("# A {#sec-a}\n\nIt is `{python} f'{x:.1f}'` and `{python} name`.")
    prose.metadata["user_expressions"] = [
        {"expression": "f'{x:.1f}'", "result": {"status": "ok", "data": {"text/plain": "'2.5'"}}},
        {"expression": "name", "result": {"status": "ok", "data": {"text/plain": "'ok'"}}}]
    code = nbformat.v4.new_code_cell("x = 2.5\nname = 'ok'\nx", execution_count=1)
    figure = nbformat.v4.new_output("display_data", data={"image/png": "iVBOR", "application/pdf": "JVBER",
                                                          "text/plain": "<Figure>"})
    code.outputs = [figure] if outputs else []
    nb.cells = [prose, code]
    return nb


def test_reader_notebook_fills_in_values_starts_with_setup_and_drops_pdf_figures():
    nb = notebooks.reader_notebook(quarto_kept_notebook(), setup="SETUP")
    assert [c.cell_type for c in nb.cells] == ["code", "markdown", "code"]
    assert nb.cells[0].source == "SETUP"
    assert nb.cells[1].source == "# A {#sec-a}\n\nIt is 2.5 and ok."
    assert nb.cells[2].outputs[0]["data"] == {"image/png": "iVBOR", "text/plain": "<Figure>"}
    assert [c.id for c in nb.cells] == ["cell-1", "cell-2", "cell-3"]
    nbformat.validate(nb)


def test_collect_keeps_the_executed_notebook_and_puts_it_beside_the_page(tmp_path):
    chapter = tmp_path / "chapters" / "a.qmd"
    chapter.parent.mkdir()
    chapter.write_text("# A\n")
    (tmp_path / "_quarto.yml").write_text("book:\n  chapters: [chapters/a.qmd]\n")
    book = tmp_path / "_book"
    (book / "chapters").mkdir(parents=True)
    nbformat.write(quarto_kept_notebook(outputs=True), chapter.parent / "a.quarto_ipynb")
    executed = (chapter.parent / "a.quarto_ipynb").read_bytes()
    nbformat.write(quarto_kept_notebook(outputs=False), chapter.parent / "a.quarto_ipynb_1")  # frozen pass
    assert notebooks.collect([chapter], tmp_path) == [chapter]
    assert not list(chapter.parent.glob("*.quarto_ipynb*"))  # Quarto's copies are gone
    stored = freeze.notebook_path("chapters/a.qmd", tmp_path)
    assert stored.read_bytes() == executed  # as Quarto left it
    written = notebooks.publish([chapter], tmp_path, book)
    assert written == [book / "chapters" / "a.ipynb"]
    first = written[0].read_bytes()
    nb = nbformat.read(written[0], as_version=4)
    assert nb.cells[0].source.startswith(FIND_ROOT) and "It is 2.5" in nb.cells[1].source
    # a later render with the chapter frozen: Quarto keeps only an unexecuted notebook
    nbformat.write(quarto_kept_notebook(outputs=False), chapter.parent / "a.quarto_ipynb")
    written[0].unlink()
    assert notebooks.collect([chapter], tmp_path) == []
    assert notebooks.publish([chapter], tmp_path, book) == written
    assert written[0].read_bytes() == first


def test_the_setup_cell_finds_the_book_from_a_subfolder_of_a_clone(tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "__init__.py").write_text("")
    (tmp_path / "lib" / "where.py").write_text("HERE = 'the book'\n")
    (tmp_path / "chapters").mkdir()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(FIND_ROOT),
                                         nbformat.v4.new_code_cell("from lib.where import HERE\nimport os\nos.getcwd()")])
    # the kernel starts in chapters/, where `import lib` alone would fail
    NotebookClient(nb, kernel_name="python3", resources={"metadata": {"path": str(tmp_path / "chapters")}}).execute()
    assert nb.cells[1].outputs[0]["data"]["text/plain"] == repr(str(tmp_path))
