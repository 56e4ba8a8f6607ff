"""Every chapter as a notebook to download, executed, outputs included.

Quarto executes each chapter as a notebook and, with `keep-ipynb: true`, leaves it beside the
chapter (`chapters/conv.quarto_ipynb`, sometimes with a suffix `_1`, `_2`). After a render,
`collect` moves the one it executed to `_freeze/notebooks/`, where it stays while the chapter's
frozen results hold (the PDF is made from these), and `publish` writes beside each page a
notebook a reader can open: the numbers Quarto computed for the prose filled in, a first cell
that finds the book's root and sets the figure defaults, no PDF copies of the figures, stable
cell ids.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat

from lib.book import freeze
from lib.book.qmd import read_qmd
from lib.book.run import figure_options, plain_value, setup_source

INLINE = re.compile(r"`\{python\}\s+(?P<expr>[^`]+?)\s*`")
DROP = ("application/pdf",)  # a vector copy of each figure, for the PDF only


def kept(chapter: Path) -> list[Path]:
    """The notebooks Quarto kept for a chapter."""
    return sorted(chapter.parent.glob(f"{chapter.stem}.quarto_ipynb*"))


def executed(path: Path) -> bool:
    """True if the notebook holds outputs (Quarto also keeps the unexecuted one of a frozen chapter)."""
    nb = nbformat.read(path, as_version=4)
    return any(c.get("outputs") for c in nb.cells if c.cell_type == "code")


def reader_notebook(nb: nbformat.NotebookNode, setup: str) -> nbformat.NotebookNode:
    """A kept notebook made for readers: inline values filled in, a setup cell first."""
    out = nbformat.v4.new_notebook(metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"}})
    out.cells.append(nbformat.v4.new_code_cell(setup))
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            out.cells.append(nbformat.v4.new_markdown_cell(_fill_inline(cell)))
        elif cell.cell_type == "code":
            new = nbformat.v4.new_code_cell(cell.source, execution_count=cell.get("execution_count"))
            new.outputs = [_without(o, DROP) for o in cell.outputs]
            out.cells.append(new)
    for k, cell in enumerate(out.cells, start=1):
        cell.id = f"cell-{k}"
    return out


def _fill_inline(cell) -> str:
    """The cell's text with each `{python} expr` replaced by the value Quarto computed."""
    values = {}
    for item in cell.get("metadata", {}).get("user_expressions", []):
        result = item.get("result", {})
        if result.get("status") == "ok":
            values[item["expression"].strip()] = plain_value(result["data"]["text/plain"])
    return INLINE.sub(lambda m: values.get(m["expr"].strip(), m[0]), cell.source)


def _without(output, mimetypes):
    if "data" in output:
        output = nbformat.from_dict(dict(output))
        output["data"] = {k: v for k, v in output["data"].items() if k not in mimetypes}
    return output


def collect(chapters: list[Path], root: Path) -> list[Path]:
    """After a render: keep the notebook of each chapter Quarto executed, and remove Quarto's
    copies. Returns the chapters whose notebook is new."""
    fresh = []
    for chapter in chapters:
        done = [p for p in kept(chapter) if executed(p)]
        if done:
            store = freeze.notebook_path(str(chapter.relative_to(root)), root)
            store.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(max(done, key=lambda p: p.stat().st_mtime), store)
            fresh.append(chapter)
        for path in kept(chapter):
            path.unlink()
    return fresh


def publish(chapters: list[Path], root: Path, output_dir: Path) -> list[Path]:
    """Write each chapter's notebook, made for readers, beside its page in `output_dir`."""
    written = []
    for chapter in chapters:
        name = str(chapter.relative_to(root))
        store = freeze.notebook_path(name, root)
        if not (store.is_file() and output_dir.is_dir()):
            continue
        setup = setup_source(figure_options(read_qmd(chapter, root), root))
        target = output_dir / Path(name).with_suffix(".ipynb")
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(reader_notebook(nbformat.read(store, as_version=4), setup), target)
        written.append(target)
    return written
