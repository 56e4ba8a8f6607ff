"""A freeze that knows what each chapter depends on.

Quarto's `freeze: auto` re-executes a chapter only when the chapter's own `.qmd` changes
(quarto-cli#6793). Here every chapter's dependencies are worked out from its code: the files it
includes, the `lib` modules it imports and, transitively, the modules those import; all the
files under `data/` when one of those modules reads from there; and `requirements.txt`. Before
each render (Quarto's pre-render step) the frozen results of exactly the chapters whose
dependencies changed are removed, so Quarto executes those and no others.

    python -m lib.book.freeze --explain   # per chapter: its dependencies, and fresh or stale

The hashes of the last render are kept in `_freeze/dependencies.json`.
"""
from __future__ import annotations

import argparse
import ast
import hashlib
import json
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from lib.book.qmd import Cell, QmdError, read_qmd
from lib.book.run import ROOT, book_chapters

FREEZE = "_freeze"
MANIFEST = "dependencies.json"  # in _freeze/
NOTEBOOKS = "notebooks"         # _freeze/notebooks/<chapter>.ipynb: the executed notebook
ALWAYS = ("requirements.txt",)  # pinned packages: a new version may change any result
FILM = re.compile(r"films/[\w.-]+\.(?:mp4|png|jpg)")


@dataclass(frozen=True)
class Status:
    """Where a chapter stands before a render."""

    chapter: str              # path relative to the root, e.g. "chapters/conv.qmd"
    dependencies: list[str]   # every file its results depend on, sorted
    state: str                # "fresh", "stale" or "not frozen"
    reasons: list[str]        # why it is stale


def imported_modules(source: str, package: str = "lib", current: str | None = None) -> set[str]:
    """Dotted names of the `package` modules that `source` imports (not yet checked to exist).

    `current` is the dotted name of the module the source belongs to, for relative imports.
    """
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == package}
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # from . import x, from .x import y
                if current is None:
                    continue
                base = current.split(".")[:-node.level]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module.split(".")[0] != package:
                continue
            found.add(module)
            found |= {f"{module}.{a.name}" for a in node.names}  # `from lib import mlp` names a module
    return found


def module_file(name: str, root: Path) -> Path | None:
    """The file of dotted module `name` under `root`, or None if it is not a module there."""
    path = root.joinpath(*name.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def reads_data(source: str) -> bool:
    """True if the module names the data/ folder: a string "data" or "data/..." in its code."""
    return any(isinstance(n, ast.Constant) and isinstance(n.value, str)
               and (n.value == "data" or n.value.startswith("data/"))
               for n in ast.walk(ast.parse(source)))


def dependencies(chapter: Path | str, root: Path = ROOT) -> list[Path]:
    """Every file the chapter's results depend on, sorted: the chapter and what it includes, the
    `lib` modules it imports (transitively, with the packages' __init__.py), data/ files if one
    of those reads data, and requirements.txt."""
    root = Path(root).resolve()
    doc = read_qmd(Path(chapter).resolve(), root)
    files = {b.file.resolve() for b in doc.blocks} | {Path(chapter).resolve()}
    todo = set()
    for cell in doc.cells:
        try:
            todo |= imported_modules(cell.source)
        except SyntaxError as e:
            raise QmdError(cell.file, cell.line + (e.lineno or 1) - 1, f"cannot read imports: {e.msg}") from None
    seen: set[str] = set()
    data = False
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        path = module_file(name, root)
        if path is None:
            continue
        files.add(path)
        parts = name.split(".")
        for k in range(1, len(parts)):  # importing lib.x runs lib/__init__.py first
            todo.add(".".join(parts[:k]))
        source = path.read_text(encoding="utf-8")
        current = name if path.name != "__init__.py" else f"{name}.__init__"
        todo |= imported_modules(source, current=current)
        data = data or reads_data(source)
    if data:
        files |= {p for p in (root / "data").rglob("*") if p.is_file() and p.suffix != ".md"}
    files |= {root / name for name in ALWAYS if (root / name).is_file()}
    return sorted(files, key=lambda p: str(p.relative_to(root)))


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def frozen_dir(chapter: str, root: Path) -> Path:
    """Quarto's freeze folder for a chapter: chapters/conv.qmd -> _freeze/chapters/conv."""
    return root / FREEZE / Path(chapter).with_suffix("")


def notebook_path(chapter: str, root: Path) -> Path:
    """Where the chapter's executed notebook is kept between renders."""
    return root / FREEZE / NOTEBOOKS / Path(chapter).with_suffix(".ipynb")


def missing_outputs(chapter: str, root: Path) -> list[str]:
    """Files the frozen chapter made that are gone: its films, its executed notebook."""
    folder = frozen_dir(chapter, root) / "execute-results"
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.json")))
    page_dir = (root / chapter).parent
    missing = sorted({f for f in FILM.findall(text) if not (page_dir / f).is_file()})
    if not notebook_path(chapter, root).is_file():
        missing.append(str(notebook_path(chapter, root).relative_to(root)))
    return missing


def status(root: Path = ROOT) -> list[Status]:
    """Each chapter's dependencies and whether its frozen results still hold."""
    root = Path(root).resolve()
    manifest = _load_manifest(root)
    out = []
    for path in book_chapters(root):
        chapter = str(path.relative_to(root))
        deps = dependencies(path, root)
        hashes = {str(p.relative_to(root)): file_hash(p) for p in deps}
        old = manifest.get(chapter)
        if not (frozen_dir(chapter, root) / "execute-results").is_dir():
            state, reasons = "not frozen", []
        else:
            reasons = _changes(old, hashes) + [f"{f} is missing" for f in missing_outputs(chapter, root)]
            state = "stale" if reasons else "fresh"
        out.append(Status(chapter, list(hashes), state, reasons))
    return out


def _changes(old: dict | None, new: dict) -> list[str]:
    if old is None:
        return ["no record of its dependencies"]
    changed = [f"{f} changed" for f in new if f in old and old[f] != new[f]]
    return changed + [f"{f} is new" for f in new if f not in old] + \
        [f"{f} is no longer a dependency" for f in old if f not in new]


def _load_manifest(root: Path) -> dict:
    path = root / FREEZE / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def prepare(root: Path = ROOT, echo=print) -> list[Status]:
    """The pre-render step: unfreeze every stale chapter and record every chapter's hashes."""
    root = Path(root).resolve()
    statuses = status(root)
    manifest = {}
    for s in statuses:
        if s.state == "stale":
            shutil.rmtree(frozen_dir(s.chapter, root))
            notebook_path(s.chapter, root).unlink(missing_ok=True)
            echo(f"{s.chapter}: will execute ({'; '.join(s.reasons)})")
        manifest[s.chapter] = {f: file_hash(root / f) for f in s.dependencies}
    (root / FREEZE).mkdir(exist_ok=True)
    (root / FREEZE / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return statuses


def explain(root: Path = ROOT) -> str:
    """A report, per chapter, of its dependencies and whether it will execute."""
    lines = []
    for s in status(root):
        verdict = {"fresh": "fresh: its frozen results are used",
                   "not frozen": "not frozen: Quarto will execute it",
                   "stale": "stale: will execute, because " + "; ".join(s.reasons)}[s.state]
        lines.append(f"{s.chapter}: {verdict}")
        lines.append("  depends on " + ", ".join(f for f in s.dependencies if f != s.chapter))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lib.book.freeze", description=__doc__.split("\n")[0])
    parser.add_argument("--explain", action="store_true",
                        help="print each chapter's dependencies and whether it is stale; change nothing")
    parser.add_argument("--root", type=Path, default=ROOT, help="project root (default: this book)")
    args = parser.parse_args(argv)
    try:
        if args.explain:
            print(explain(args.root))
        else:
            prepare(args.root)
    except QmdError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
