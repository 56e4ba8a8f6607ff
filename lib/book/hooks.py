"""Quarto's pre- and post-render steps for this book, as `_quarto.yml` names them:

    pre-render: lib/book/hooks.py pre     # unfreeze chapters whose dependencies changed
    post-render: lib/book/hooks.py post   # notebooks to download, the PDF, stable bytes

The PDF is made only when the whole book was rendered (`quarto render`), not when `quarto
preview` re-renders one page.

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
    from lib.book import freeze, notebooks, pdf, stable
    from lib.book.run import ROOT, book_chapters, project_output_dir

    if argv == ["pre"]:
        for chapter in book_chapters(ROOT):  # notebooks left by a render that did not finish
            for path in notebooks.kept(chapter):
                path.unlink()
        freeze.prepare(ROOT)
    elif argv == ["post"]:
        chapters = book_chapters(ROOT)
        notebooks.collect(chapters, ROOT)
        written = notebooks.publish(chapters, ROOT, project_output_dir(ROOT))
        pages = [ROOT / p for p in outputs() if p.suffix == ".html"]
        print(f"{len(written)} notebooks; stable cell ids in {stable.stabilise(pages)} pages")
        if os.environ.get("QUARTO_PROJECT_RENDER_ALL") == "1":
            print(f"PDF: {pdf.build(ROOT).relative_to(ROOT)}")
    else:
        print("usage: lib/book/hooks.py pre|post", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run by path: make `lib` importable
    sys.exit(main(sys.argv[1:]))
