"""What the build reads from `_quarto.yml`, in one place: the chapters, the figure settings."""
from __future__ import annotations

from pathlib import Path

from lib.book.qmd import Document, QmdError, parse_yaml

ROOT = Path(__file__).resolve().parents[2]
# Quarto's figure defaults for a page, overridden by _quarto.yml, then by the chapter's front matter.
# (The formats, PNG and PDF, are _setup.qmd's: Quarto picks the one each format wants.)
FIGURE_DEFAULTS = {"fig-width": 7, "fig-height": 5, "fig-dpi": 96}


def config(root: Path = ROOT) -> dict:
    if not (path := Path(root) / "_quarto.yml").is_file():
        raise QmdError(path, 0, "no such file: every book has one")
    return parse_yaml(path.read_text(encoding="utf-8"), path, 1, "_quarto.yml") or {}


def chapters(root: Path = ROOT) -> list[Path]:
    """Every chapter `book:` lists (in parts, and appendices too), in reading order; each must exist."""
    root = Path(root)
    book = config(root).get("book") or {}
    listed = list(_flatten((book.get("chapters") or []) + (book.get("appendices") or [])))
    if not listed:
        raise QmdError(root / "_quarto.yml", 0, "lists no chapters under book: chapters:")
    if missing := next((entry for entry in listed if not (root / entry).is_file()), None):
        text = (root / "_quarto.yml").read_text(encoding="utf-8").splitlines()  # the line that lists it
        line = next((n for n, ln in enumerate(text, 1) if missing in ln and not ln.lstrip().startswith("#")), 0)
        raise QmdError(root / "_quarto.yml", line, f"listed chapter {missing} does not exist")
    return [root / entry for entry in listed]


def _flatten(entries):
    for entry in entries:
        if isinstance(entry, str):
            yield entry
        elif isinstance(entry, dict):  # a part: {part: a title or a file, chapters: [...]}
            yield from [entry["part"]] if str(entry.get("part", "")).endswith(".qmd") else []
            yield from _flatten(entry.get("chapters") or [])


def figure_options(doc: Document, root: Path = ROOT) -> dict:
    """A chapter's figure size and dpi (positive numbers), with Quarto's precedence: its defaults, then
    `_quarto.yml` (top level, then `format: html:`), then the chapter's front matter likewise."""
    options = dict(FIGURE_DEFAULTS)
    for source in (config(root), doc.front_matter):
        html = source.get("format", {}).get("html") if isinstance(source.get("format"), dict) else None
        for level in (source, html if isinstance(html, dict) else {}):  # `html: default` sets nothing
            options.update({k: v for k, v in level.items() if k in FIGURE_DEFAULTS})
    if bad := [k for k, v in options.items() if type(v) not in (int, float) or v <= 0]:
        raise QmdError("_quarto.yml", 0, f"{bad[0]} must be a positive number (inches, or dots per inch), "
                       f"got {options[bad[0]]!r} (here or in the chapter's front matter)")
    return options


def output_dir(root: Path = ROOT) -> Path:
    """Where Quarto writes the site (`project: output-dir:`)."""
    return Path(root) / ((config(root).get("project") or {}).get("output-dir") or "_book")
