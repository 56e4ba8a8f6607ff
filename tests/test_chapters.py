"""Every chapter of the book runs in a fresh kernel, reruns to the same bytes, and labels its figures."""
import re

import pytest

from lib.book.project import chapters
from lib.book.qmd import Cell, read_qmd
from lib.book.run import ROOT, run_chapter

CHAPTERS = chapters(ROOT)
# Characters of code a reader sees without scrolling: the HTML text column holds 74 at a
# 1280-pixel window (measured in Chromium), the PDF page about 86 (DejaVu Sans Mono at 0.82).
CODE_WIDTH = 72
FILM = re.compile(r'<source src="(films/[^"]+\.mp4)"')


def outputs(nb):
    """Every code cell's outputs, without the run-dependent execution counts."""
    return [[{k: v for k, v in o.items() if k != "execution_count"} for o in c.outputs]
            for c in nb.cells if c.cell_type == "code"]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_runs_and_reruns_to_the_same_bytes(chapter):
    first = run_chapter(chapter, ROOT, echo=lambda s: None)
    films = {name: (ROOT / "chapters" / name).read_bytes() for name in FILM.findall(str(outputs(first)))}
    second = run_chapter(chapter, ROOT, echo=lambda s: None)
    assert outputs(first) == outputs(second)
    for name, data in films.items():  # the films the chapter wrote, encoded again
        assert (ROOT / "chapters" / name).read_bytes() == data, f"{name} changed on a rerun"
    for cell in (c for c in first.cells if c.cell_type == "code"):  # no warning reaches the reader
        assert not any(o.get("name") == "stderr" for o in cell.outputs), cell.source.splitlines()[0]
        text = str([o.get("data", {}).get("text/plain", "") for o in cell.outputs])
        assert " at 0x" not in text, f"an object's repr (a memory address) is shown: {cell.source.splitlines()[-1]}"
        for output in cell.outputs:  # printed lines fit the column, as code does
            text = output.get("text", "") + str(output.get("data", {}).get("text/plain", ""))
            for line in text.splitlines():
                assert len(line) <= CODE_WIDTH, f"printed line of {len(line)} characters: {line}"
    figure_cells = [c for c in first.cells if c.cell_type == "code" and "#| label: fig-" in c.source]
    for cell in figure_cells:  # each figure cell shows exactly one image, or one film
        images = [o for o in cell.outputs if "image/png" in o.get("data", {})]
        films = [o for o in cell.outputs if "<video" in o.get("data", {}).get("text/markdown", "")]
        assert len(images) + len(films) == 1, cell.source.splitlines()[0]
        assert not any("text/html" in o.get("data", {}) for o in cell.outputs), \
            "an HTML output makes Quarto load jquery and requirejs from a CDN"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_figures_have_label_caption_alt_text_and_a_reference(chapter):
    doc = read_qmd(chapter, ROOT)
    text = chapter.read_text()
    labels = [c.options["label"] for c in doc.blocks if isinstance(c, Cell) and
              str(c.options.get("label", "")).startswith("fig-")]
    for cell in (c for c in doc.blocks if isinstance(c, Cell) and c.options.get("label") in labels):
        assert cell.options.get("fig-cap"), cell.options["label"]
        film = re.search(r"\.show\(alt=((?:\s*\"[^\"]*\")+)\)", cell.source)  # a film's alt text
        alt = "".join(re.findall(r'"([^"]*)"', film[1])) if film else cell.options.get("fig-alt", "")
        assert len(str(alt)) > 40, cell.options["label"]
    for label in labels:
        assert f"@{label}" in text, f"{label} is never referenced"
    for reference in re.findall(r"@(fig-[\w-]+)", text):
        assert reference in labels, f"@{reference} has no figure"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_code_fits_the_page_without_scrolling(chapter):
    """No code line longer than CODE_WIDTH in a cell the reader sees (option lines are hidden)."""
    shown = [c for c in read_qmd(chapter, ROOT).cells
             if c.options.get("include", True) and c.options.get("echo", True)]
    long = [f"{c.file.name}:{c.line + i}: {len(line)} characters" for c in shown
            for i, line in enumerate(c.source.splitlines())
            if not line.startswith("#|") and len(line) > CODE_WIDTH]
    assert not long, "lines longer than the page is wide:\n" + "\n".join(long)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_each_page_links_its_notebook(chapter):
    links = read_qmd(chapter, ROOT).front_matter.get("code-links", [])
    assert [link["href"] for link in links] == [f"{chapter.stem}.ipynb"]


def test_every_chapter_file_is_in_the_book():
    listed = {p.relative_to(ROOT) for p in CHAPTERS}
    on_disk = {p.relative_to(ROOT) for p in (ROOT / "chapters").glob("*.qmd")}
    assert on_disk <= listed and (ROOT / "index.qmd").relative_to(ROOT) in listed


def test_every_section_reference_resolves():
    texts = {p: p.read_text() for p in CHAPTERS}
    anchors = {a for t in texts.values() for a in re.findall(r"\{#(sec-[\w-]+)\}", t)}
    for path, text in texts.items():
        for reference in re.findall(r"@(sec-[\w-]+)", text):
            assert reference in anchors, f"{path.name}: @{reference} names no section"
