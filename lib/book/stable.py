"""Make a render's bytes depend only on the commit.

Quarto gives every unlabelled cell a random id (`<div id="8ecc1827" class="cell">`, another
one next time), so two renders of one commit differ in every page. Nothing links to those
ids; this renames them `cell-1`, `cell-2`, … in page order (run after each render by
`lib/book/hooks.py`). The PDF needs no step here: its dates and /ID are switched off in
`_quarto.yml` (`\\pdfvariable suppressoptionalinfo`).
"""
from __future__ import annotations

import re
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

