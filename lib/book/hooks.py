"""Quarto's pre- and post-render steps for this book, as `_quarto.yml` names them:

    pre-render: lib/book/hooks.py pre     # unfreeze chapters whose dependencies changed, and
                                          # execute them two at a time (lib/book/workers.py)
    post-render: lib/book/hooks.py post   # notebooks to download, the PDF, stable bytes

The PDF is made only when the whole book is rendered (`quarto render`), not when `quarto
preview` re-renders one page: once the pre-render step has executed every chapter, in a
process of its own while Quarto writes the pages (lib/book/pdf.py); if one chapter is left
for Quarto to execute, in the post-render step. In a worker's render the hooks only keep
the notebooks.

Quarto runs this file by its path, with its own Python (QUARTO_PYTHON), from the project root.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path


def outputs() -> list[Path]:
    """The files Quarto says this render wrote, relative to the project root."""
    listing = os.environ.get("QUARTO_USE_FILE_FOR_PROJECT_OUTPUT_FILES")  # long lists go in a file
    text = Path(listing).read_text() if listing else os.environ.get("QUARTO_PROJECT_OUTPUT_FILES", "")
    return [Path(line) for line in text.splitlines() if line.strip()]


def main(argv: list[str]) -> int:
    from lib.book import freeze, notebooks, pdf, stable, workers
    from lib.book.render import quarto_command
    from lib.book.run import ROOT, book_chapters, project_output_dir

    if argv == ["pre"]:
        if workers.in_worker():  # the worker's chapters are named on its command line
            return 0
        for chapter in book_chapters(ROOT):  # notebooks left by a render that did not finish
            for path in notebooks.kept(chapter):
                path.unlink()
        to_run = [s.chapter for s in freeze.prepare(ROOT) if s.state != "fresh"]
        if os.environ.get("QUARTO_PROJECT_RENDER_ALL") == "1" and len(to_run) != 1:
            if to_run:
                workers.execute(to_run, ROOT, quarto_command())
            pdf.start(ROOT)  # every chapter is executed now: the PDF is made beside the pages
    elif argv == ["post"]:
        chapters = book_chapters(ROOT)
        notebooks.collect(chapters, ROOT)
        if workers.in_worker():
            return 0
        written = notebooks.publish(chapters, ROOT, project_output_dir(ROOT))
        pages = [ROOT / p for p in outputs() if p.suffix == ".html"]
        print(f"{len(written)} notebooks; stable cell ids in {stable.stabilise(pages)} pages")
        if os.environ.get("QUARTO_PROJECT_RENDER_ALL") == "1":
            print(f"PDF: {pdf.finish(ROOT).relative_to(ROOT)}")
    else:
        print("usage: lib/book/hooks.py pre|post", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run by path: make `lib` importable
    sys.exit(main(sys.argv[1:]))
