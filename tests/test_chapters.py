"""Every chapter of the book runs in a fresh kernel, reruns to the same bytes, and labels its figures."""
import re
import shutil

import pytest

from lib.qmd import Cell, read_qmd
from lib.run import ROOT, book_chapters, run_chapter

CHAPTERS = book_chapters(ROOT)


def outputs(nb):
    """Every code cell's outputs, without the run-dependent execution counts."""
    return [[{k: v for k, v in o.items() if k != "execution_count"} for o in c.outputs]
            for c in nb.cells if c.cell_type == "code"]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_runs_and_reruns_to_the_same_bytes(chapter):
    first = run_chapter(chapter, ROOT, echo=lambda s: None).notebook
    second = run_chapter(chapter, ROOT, echo=lambda s: None).notebook
    assert outputs(first) == outputs(second)
    for cell in (c for c in first.cells if c.cell_type == "code"):  # no warning reaches the reader
        assert not any(o.get("name") == "stderr" for o in cell.outputs), cell.source.splitlines()[0]
        text = str([o.get("data", {}).get("text/plain", "") for o in cell.outputs])
        assert " at 0x" not in text, f"an object's repr (a memory address) is shown: {cell.source.splitlines()[-1]}"
    figure_cells = [c for c in first.cells if c.cell_type == "code" and "#| label: fig-" in c.source]
    for cell in figure_cells:  # each figure cell shows exactly one image
        images = [o for o in cell.outputs if "image/png" in o.get("data", {})]
        assert len(images) == 1, cell.source.splitlines()[0]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_figures_have_label_caption_alt_text_and_a_reference(chapter):
    doc = read_qmd(chapter, ROOT)
    text = chapter.read_text()
    labels = [c.options["label"] for c in doc.blocks if isinstance(c, Cell) and
              str(c.options.get("label", "")).startswith("fig-")]
    for cell in (c for c in doc.blocks if isinstance(c, Cell) and c.options.get("label") in labels):
        assert cell.options.get("fig-cap"), cell.options["label"]
        assert len(str(cell.options.get("fig-alt", ""))) > 40, cell.options["label"]
    for label in labels:
        assert f"@{label}" in text, f"{label} is never referenced"
    for reference in re.findall(r"@(fig-[\w-]+)", text):
        assert reference in labels, f"@{reference} has no figure"


def test_every_chapter_file_is_in_the_book():
    listed = {p.relative_to(ROOT) for p in CHAPTERS}
    on_disk = {p.relative_to(ROOT) for p in (ROOT / "chapters").glob("*.qmd")}
    assert on_disk <= listed and (ROOT / "index.qmd").relative_to(ROOT) in listed


@pytest.mark.skipif(shutil.which("quarto") is None, reason="quarto is not on PATH (it cannot be installed here)")
def test_quarto_renders_the_book(tmp_path):
    import subprocess
    shutil.copytree(ROOT, tmp_path / "book", ignore=shutil.ignore_patterns(".venv", "_*book", "_freeze", ".git"))
    done = subprocess.run(["quarto", "render", "--to", "html"], cwd=tmp_path / "book", capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    assert (tmp_path / "book" / "_book" / "index.html").is_file()


def test_every_section_reference_resolves():
    texts = {p: p.read_text() for p in CHAPTERS}
    anchors = {a for t in texts.values() for a in re.findall(r"\{#(sec-[\w-]+)\}", t)}
    for path, text in texts.items():
        for reference in re.findall(r"@(sec-[\w-]+)", text):
            assert reference in anchors, f"{path.name}: @{reference} names no section"
