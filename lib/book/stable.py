"""Quarto post-render step: make a render's bytes depend only on the commit.

Quarto gives every unlabelled cell a random id (`<div id="8ecc1827" class="cell">`, another
one next time), so two renders of one commit differ in every page. Nothing links to those
ids; this renames them `cell-1`, `cell-2`, … in page order. The PDF needs no step here: its
dates and /ID are switched off in `_quarto.yml` (`\\pdfvariable suppressoptionalinfo`).

Runs as `post-render: lib/book/stable.py` in `_quarto.yml`, with Quarto's Python, on the
output files Quarto lists (QUARTO_PROJECT_OUTPUT_FILES); standard library only, so it runs
whatever the working directory and `sys.path`.
"""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path

RANDOM_CELL_ID = re.compile(r'<div id="[0-9a-f]{8}" class="cell"')


def stable_html(text: str) -> str:
    """The page with each random cell id replaced by `cell-N`, N counting from 1 in page order."""
    counter = iter(range(1, 1_000_000))
    return RANDOM_CELL_ID.sub(lambda m: f'<div id="cell-{next(counter)}" class="cell"', text)


def stabilise(paths) -> int:
    """Rewrite every HTML file among `paths` in place; return how many changed."""
    changed = 0
    for path in map(Path, paths):
        if path.suffix != ".html" or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        new = stable_html(text)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed += 1
    return changed


def main() -> int:
    listing = os.environ.get("QUARTO_USE_FILE_FOR_PROJECT_OUTPUT_FILES")  # long lists go in a file
    outputs = Path(listing).read_text() if listing else os.environ.get("QUARTO_PROJECT_OUTPUT_FILES", "")
    files = [line for line in outputs.splitlines() if line.strip()]
    if not files:  # run by hand: every page of the site
        root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("_book")
        files = sorted(root.rglob("*.html"))
    print(f"lib/book/stable.py: stable cell ids in {stabilise(files)} pages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
