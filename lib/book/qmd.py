"""Read a Quarto `.qmd` file as the runner needs it: YAML front matter; ```` ```{python} ```` cells
and their `#|` options; `{{< include >}}` shortcodes, expanded as Quarto does (`/` is the project
root); inline `` `{python} expr` `` in prose. Any other fenced block is prose. Each line keeps the
file and line it came from, so errors (`QmdError`) read `file:line: message`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import takewhile
from pathlib import Path

import yaml

FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`]*?)\s*$")
PYTHON_CELL = re.compile(r"^\{python(?:\s[^}]*)?\}$")
INCLUDE = re.compile(r"^\s*\{\{<\s*include\s+(?P<path>\S+)\s*>\}\}\s*$")
INLINE = re.compile(r"`\{python\}\s+(?P<expr>[^`]+?)\s*`")
# Two inline expressions touching: Pandoc reads the "``" between them as one code span (unevaluated).
TOUCHING = re.compile(r"`\{python\}[^`]*``\{python\}")


class QmdError(ValueError):
    """A malformed .qmd (or _quarto.yml); `str()` reads `file:line: message`."""

    def __init__(self, file: Path | str, line: int, message: str):
        self.file, self.line, self.message = Path(file), line, message
        super().__init__(f"{file}:{line}: {message}")


@dataclass(frozen=True)
class Cell:
    """One ```` ```{python} ```` cell: its source as written, option lines included."""

    source: str
    options: dict
    file: Path
    line: int  # of the first source line in `file`, 1-based


@dataclass(frozen=True)
class Prose:
    """Markdown between cells; `inline`: (expression, file, line, start, end in `text`) per `{python} x`."""

    text: str
    inline: tuple[tuple[str, Path, int, int, int], ...] = field(default=())


@dataclass(frozen=True)
class Document:
    front_matter: dict
    blocks: tuple[Cell | Prose, ...]
    files: frozenset[Path]  # the chapter and every file it includes

    @property
    def cells(self) -> list[Cell]:
        return [b for b in self.blocks if isinstance(b, Cell)]


def read_qmd(path: Path | str, root: Path | str | None = None) -> Document:
    """Parse the .qmd at `path`; `root` is the project root that `/`-includes start from."""
    path = Path(path)
    if not path.is_file():
        raise QmdError(path, 0, "no such file")
    lines = _lines(path)
    front_matter = {}
    if lines and lines[0][0].strip() == "---":
        end = next((k for k in range(1, len(lines)) if lines[k][0].strip() in ("---", "...")), None)
        if end is None:
            raise QmdError(path, 1, "front matter opened with '---' is never closed")
        front_matter = parse_yaml("\n".join(t for t, _, _ in lines[1:end]), path, 2, "front matter") or {}
        lines = lines[end + 1:]
    body = _expand_includes(lines, Path(root) if root is not None else path.parent, (path.resolve(),))
    return Document(front_matter, tuple(_blocks(body)), frozenset({path} | {f for _, f, _ in body}))


def _lines(path: Path) -> list[tuple[str, Path, int]]:
    return [(text, path, n) for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)]


def parse_yaml(text: str, file: Path, first_line: int, what: str) -> dict | None:
    """A YAML mapping (or None) read from `file` at `first_line`; a QmdError saying where, if not."""
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark, last = getattr(e, "problem_mark", None), first_line + max(len(text.splitlines()) - 1, 0)
        line = min(first_line + (mark.line if mark else 0), last)  # an error at the end: the last line
        raise QmdError(file, line, f"invalid YAML in {what}: {getattr(e, 'problem', None) or e}") from None
    if value is not None and not isinstance(value, dict):
        raise QmdError(file, first_line, f"{what} must be a YAML mapping, got {type(value).__name__}")
    return value


def _expand_includes(lines, root: Path, seen: tuple[Path, ...]):
    """Replace each include shortcode outside a fenced block by the lines of the file it names."""
    out, fence = [], None  # the fence of the block open, if any
    for text, file, n in lines:
        if m := FENCE.match(text):
            fence = m["fence"] if fence is None else None if _closes(m, fence) else fence
        if fence is not None or not (m := INCLUDE.match(text)):
            out.append((text, file, n))
            continue
        target = root / m["path"].lstrip("/") if m["path"].startswith("/") else file.parent / m["path"]
        if not target.is_file():
            raise QmdError(file, n, f"included file {m['path']} does not exist")
        if target.resolve() in seen:
            raise QmdError(file, n, f"{m['path']} includes itself")
        out += _expand_includes(_lines(target), root, seen + (target.resolve(),))
    return out


def _closes(m, fence: str) -> bool:
    return m["fence"][0] == fence[0] and len(m["fence"]) >= len(fence) and not m["info"]


def _blocks(lines):
    prose, inline, i = [], [], 0
    while i < len(lines):
        text, file, n = lines[i]
        m = FENCE.match(text)
        if m is None:
            if TOUCHING.search(text):
                raise QmdError(file, n, "two inline `{python} ...` expressions touch: Quarto reads them as one "
                                        "code span and shows it unevaluated; put a space between them or join them")
            at = sum(len(t) + 1 for t, _, _ in prose)  # where this line starts in the prose's text
            prose.append(lines[i])
            inline += [(e["expr"], file, n, at + e.start(), at + e.end()) for e in INLINE.finditer(text)]
            i += 1
            continue
        end = next((j for j in range(i + 1, len(lines)) if lines[j][1] == file
                    and (c := FENCE.match(lines[j][0])) and _closes(c, m["fence"])), None)
        if end is None or any(f != file for _, f, _ in lines[i:end]):
            raise QmdError(file, n, f"code block opened with {m['fence']} is never closed")
        if PYTHON_CELL.match(m["info"]):
            if prose:
                yield Prose("\n".join(t for t, _, _ in prose), tuple(inline))
                prose, inline = [], []
            yield _cell(lines[i + 1:end], file, n)
        else:
            prose += lines[i:end + 1]
        i = end + 1
    if prose:
        yield Prose("\n".join(t for t, _, _ in prose), tuple(inline))


def _cell(body, file: Path, fence_line: int) -> Cell:
    options = [text[2:].removeprefix(" ") for text, _, _ in takewhile(lambda ln: ln[0].startswith("#|"), body)]
    return Cell("\n".join(t for t, _, _ in body), parse_yaml("\n".join(options), file, fence_line + 1, "cell options")
                or {}, file, fence_line + 1)
