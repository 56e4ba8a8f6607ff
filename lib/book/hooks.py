"""Quarto's two project scripts (`_quarto.yml`), run by path from the project root with Quarto's
Python, on every render, preview's too. Between them Quarto converts each chapter's executed
notebook into its page and its part of the PDF (lib/book/engine.js); nothing executes twice.

    pre-render: lib/book/hooks.py pre    # execute every stale chapter, and wait: a failure stops the render
    post-render: lib/book/hooks.py post  # beside each page written, its chapter as a notebook to download

A step that changes the pages Quarto wrote belongs in `post`.
"""
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def post(outputs: list[Path], root: Path = ROOT) -> int:
    from lib.book import freeze, project, run
    pages = {p.resolve() for p in outputs if p.suffix == ".html"}  # the pages this render wrote
    for chapter in project.chapters(root):
        page = (project.output_dir(root) / chapter.relative_to(root).with_suffix(".html")).resolve()
        if page in pages:
            run.reader_notebook(freeze.notebook_path(chapter.relative_to(root), root), page.with_suffix(".ipynb"))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))  # run by its path: make `lib` importable
    if sys.argv[1:] == ["pre"]:
        from lib.book import run
        sys.exit(run.main([]))
    if sys.argv[1:] == ["post"]:  # Quarto lists the files it wrote in a variable, or a file when long
        listing = os.environ.get("QUARTO_USE_FILE_FOR_PROJECT_OUTPUT_FILES")
        text = Path(listing).read_text() if listing else os.environ.get("QUARTO_PROJECT_OUTPUT_FILES", "")
        sys.exit(post([ROOT / line for line in text.splitlines() if line.strip()]))
    sys.exit("usage: lib/book/hooks.py pre|post")
