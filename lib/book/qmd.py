"""Read a Quarto ``.qmd`` file into front matter, executable cells and prose.

Only what the book's runner needs: YAML front matter, ```` ```{python} ```` cells with
their ``#|`` option lines, ``{{< include >}}`` shortcodes (expanded the way Quarto does,
so a chapter runs the same with and without Quarto), and inline `` `{python} expr` ``
expressions in prose. Every other fenced block (```` ```python ````, ```` ```{ojs} ````,
```` ```{{python}} ````) is prose to us and is left alone.

Errors are ``QmdError`` and name the file and the 1-based line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`]*?)\s*$")
PYTHON_CELL = re.compile(r"^\{python(?:\s[^}]*)?\}$")
INCLUDE = re.compile(r"^\s*\{\{<\s*include\s+(?P<path>\S+)\s*>\}\}\s*$")
INLINE = re.compile(r"`\{python\}\s+(?P<expr>[^`]+?)\s*`")
# Two inline expressions with nothing between them: Pandoc reads the "``" in the middle as
# part of one code span, so Quarto shows the source of both instead of their values.
TOUCHING = re.compile(r"`\{python\}[^`]*``\{python\}")


class QmdError(ValueError):
    """A malformed .qmd; ``str()`` reads ``file:line: message``."""

    def __init__(self, file: Path | str, line: int, message: str):
        self.file, self.line, self.message = Path(file), line, message
        super().__init__(f"{file}:{line}: {message}")


@dataclass(frozen=True)
class Cell:
    """One executable ```` ```{python} ```` cell: its source as written (option lines included)."""

    source: str
    options: dict
    file: Path
    line: int  # line of the first source line in `file`, 1-based


@dataclass(frozen=True)
class Prose:
    """Markdown between cells; `inline` holds (expression, file, line) per `{python} expr`."""

    text: str
    file: Path
    line: int
    inline: tuple[tuple[str, Path, int], ...] = field(default=())


@dataclass(frozen=True)
class Document:
    path: Path
    front_matter: dict
    blocks: tuple[Cell | Prose, ...]

    @property
    def cells(self) -> list[Cell]:
        return [b for b in self.blocks if isinstance(b, Cell)]


def read_qmd(path: Path | str, root: Path | str | None = None) -> Document:
    """Parse the .qmd at `path`; `root` is the project root that `/`-includes start from."""
    path = Path(path)
    root = Path(root) if root is not None else path.parent
    if not path.is_file():
        raise QmdError(path, 0, "no such file")
    lines = [(text, path, i + 1) for i, text in enumerate(_read_lines(path))]
    front_matter, body = _split_front_matter(lines, path)
    body = _expand_includes(body, root, seen=(path.resolve(),))
    return Document(path, front_matter, tuple(_blocks(body)))


def _read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def _split_front_matter(lines, path):
    if not lines or lines[0][0].strip() != "---":
        return {}, lines
    for end in range(1, len(lines)):
        if lines[end][0].strip() in ("---", "..."):
            text = "\n".join(t for t, _, _ in lines[1:end])
            return _load_yaml(text, path, first_line=2, what="front matter") or {}, lines[end + 1:]
    raise QmdError(path, 1, "front matter opened with '---' is never closed")


def _load_yaml(text: str, file: Path, first_line: int, what: str):
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        last = first_line + max(len(text.splitlines()) - 1, 0)
        line = min(first_line + (mark.line if mark else 0), last)  # errors at stream end: last line
        problem = getattr(e, "problem", None) or str(e)
        raise QmdError(file, line, f"invalid YAML in {what}: {problem}") from None
    if value is not None and not isinstance(value, dict):
        raise QmdError(file, first_line, f"{what} must be a YAML mapping, got {type(value).__name__}")
    return value


def _expand_includes(lines, root: Path, seen: tuple[Path, ...]):
    """Replace include shortcodes outside code fences with the lines they name."""
    out, fence = [], None
    for text, file, n in lines:
        fence = _track_fence(text, fence)
        m = INCLUDE.match(text) if fence is None else None
        if m is None:
            out.append((text, file, n))
            continue
        target = m["path"]
        target_path = root / target.lstrip("/") if target.startswith("/") else file.parent / target
        if not target_path.is_file():
            raise QmdError(file, n, f"included file {target} does not exist")
        if target_path.resolve() in seen:
            raise QmdError(file, n, f"{target} includes itself")
        included = [(t, target_path, i + 1) for i, t in enumerate(_read_lines(target_path))]
        out += _expand_includes(included, root, seen + (target_path.resolve(),))
    return out


def _track_fence(text: str, fence: str | None) -> str | None:
    """The open fence after `text` (None outside any fenced block)."""
    m = FENCE.match(text)
    if m is None:
        return fence
    if fence is None:
        return m["fence"]
    closes = m["fence"][0] == fence[0] and len(m["fence"]) >= len(fence) and not m["info"]
    return None if closes else fence


def _blocks(lines):
    prose: list[tuple[str, Path, int]] = []
    inline: list[tuple[str, Path, int]] = []
    i = 0
    while i < len(lines):
        text, file, n = lines[i]
        m = FENCE.match(text)
        if m is None:
            prose.append(lines[i])
            if TOUCHING.search(text):
                raise QmdError(file, n, "two inline `{python} ...` expressions touch: Quarto reads "
                                        "them as one code span and shows it unevaluated; put a "
                                        "space between them or join them into one")
            inline += [(e["expr"], file, n) for e in INLINE.finditer(text)]
            i += 1
            continue
        end = _closing_fence(lines, i, m["fence"])
        if PYTHON_CELL.match(m["info"]):
            if prose:
                yield _prose(prose, inline)
                prose, inline = [], []
            yield _cell(lines[i + 1:end], file, n)
        else:
            prose += lines[i:end + 1]
        i = end + 1
    if prose:
        yield _prose(prose, inline)


def _closing_fence(lines, start, fence):
    for j in range(start + 1, len(lines)):
        text, file, _ = lines[j]
        if file != lines[start][1]:
            break
        m = FENCE.match(text)
        if m and m["fence"][0] == fence[0] and len(m["fence"]) >= len(fence) and not m["info"]:
            return j
    _, file, n = lines[start]
    raise QmdError(file, n, f"code block opened with {fence} is never closed")


def _cell(body, file: Path, fence_line: int) -> Cell:
    option_lines = []
    for text, _, _ in body:
        if not text.startswith("#|"):
            break
        option_lines.append(text[2:].removeprefix(" "))
    options = _load_yaml("\n".join(option_lines), file, fence_line + 1, "cell options") or {}
    source = "\n".join(t for t, _, _ in body)
    return Cell(source=source, options=options, file=file, line=fence_line + 1)


def _prose(lines, inline) -> Prose:
    _, file, n = lines[0]
    return Prose("\n".join(t for t, _, _ in lines), file, n, tuple(inline))
