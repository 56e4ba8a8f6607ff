"""When a chapter must execute again. Its notebook (`_notebooks/chapters/conv.ipynb`) records a
hash of each thing its results depend on: the chapter and its includes; `requirements.txt`; the
figure settings; the project's modules it imports (from `lib/` or the root), those they import,
and each package's `__init__.py` (what can't be followed, as an import by a computed name, is
refused); every file under `data/` when one of those names it in a path; and each film or poster it
wrote for its page. It is fresh while all are unchanged and the notebook is as it was written
(`python -m lib.book.run --explain` says why a chapter is stale, and what it depends on).
"""
from __future__ import annotations

import ast
import hashlib
import importlib.util
import json
import re
from pathlib import Path

from IPython.core.inputtransformer2 import TransformerManager

from lib.book import project
from lib.book.qmd import QmdError, read_qmd

RECORD = "working-neurons"  # the notebook's metadata key for what it was made from
SETTINGS = "figure settings"  # the dependency standing for project.figure_options
OUTPUT = re.compile(r"films/[\w.-]+\.(?:mp4|png|jpg)")  # files a chapter writes for its page


def notebook_path(chapter: Path | str, root: Path = project.ROOT) -> Path:
    """Where a chapter's executed notebook is kept: chapters/conv.qmd -> _notebooks/chapters/conv.ipynb."""
    return Path(root) / "_notebooks" / Path(chapter).with_suffix(".ipynb")


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def python_source(source: str) -> str:
    """A cell as Python, line for line: IPython magics become the calls they make (`%config x`: get_ipython()
    ...); the body of `%%time` (`timeit`, `capture`, `prun`) is Python, that of `%%bash` or `%%html` is not read."""
    if source.lstrip().startswith("%%"):
        magic, _, body = source.lstrip()[2:].partition("\n")
        source = "\n" + body if magic.split()[:1] in (["time"], ["timeit"], ["capture"], ["prun"]) else ""
    return TransformerManager().transform_cell(source)


def _imports(tree: ast.AST, current: str | None, file: Path, first_line: int) -> set[str]:
    """Dotted names a module or a cell imports; `current` is its own name, for relative imports.
    What the freeze cannot follow is refused, saying where: an import by a computed name, code run
    from a string (exec, eval, %run), an import function under another name."""
    found, dynamic = set(), {"import_module", "__import__"} | {  # and `from importlib import x as y`: y
        a.asname or a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module == "importlib"
        for a in n.names}
    for node in ast.walk(tree):
        where = first_line + getattr(node, "lineno", 1) - 1
        call = isinstance(node, ast.Call)
        func, args = _name(node.func) if call else "", [getattr(a, "value", None) for a in node.args] if call else []
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and (current or not node.level):
            module = ".".join(current.split(".")[:-node.level] + [node.module or ""]).strip(".") \
                if node.level else node.module
            found |= {module} | {f"{module}.{a.name}" for a in node.names}  # `from lib import mlp`
        elif isinstance(node, ast.Assign) and _name(node.value).split(".")[-1] in dynamic:
            raise QmdError(file, where, f"{_name(node.value)} under another name: the freeze cannot follow it")
        elif func in ("exec", "eval") or (func.endswith(".run_line_magic") and args[:1] == ["run"]):
            raise QmdError(file, where, f"{'%run' if args[:1] == ['run'] else func + '()'}: the freeze cannot "
                           "follow what it runs; import it by name")
        elif func.split(".")[-1] in dynamic:
            try:  # import_module(".y", "lib") is lib.y
                found.add(importlib.util.resolve_name(args[0], args[1] if len(args) > 1 else None))
            except (IndexError, TypeError, AttributeError, ImportError, ValueError):
                raise QmdError(file, where, f"{func}() of a computed name: the freeze cannot tell which "
                               "module is used; import it by name") from None
    return found


def _name(node: ast.AST) -> str:
    return f"{_name(node.value)}.{node.attr}" if isinstance(node, ast.Attribute) else getattr(node, "id", "")


def _names_data(tree: ast.AST) -> bool:
    """A path into data/: a string, or an f-string's text, with "data/" at its start or after a "/";
    or "data" itself joined by `/` or `+`, passed to Path(), open() or os.path.join(), or given a
    name; not an argument named "data" in a message."""
    for parent in ast.walk(tree):
        path_call = isinstance(parent, ast.Call) and _name(parent.func).split(".")[-1] in ("Path", "open", "join")
        joined = isinstance(parent, (ast.BinOp, ast.Assign))
        for n in ast.iter_child_nodes(parent):
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and (
                    re.search(r"(^|/)data/", n.value) or (n.value == "data" and (path_call or joined))):
                return True
    return False


def _parse(source: str | bytes, file: Path, first_line: int) -> ast.AST:
    try:
        return ast.parse(source)
    except SyntaxError as e:  # a bad encoding, too
        raise QmdError(file, first_line + (e.lineno or 1) - 1, f"cannot read imports: {e.msg}") from None


def dependencies(chapter: Path | str, root: Path = project.ROOT) -> list[Path]:
    """Every file the chapter's results depend on (see above), sorted."""
    root, chapter = Path(root).resolve(), Path(chapter).resolve()
    doc = read_qmd(chapter, root)
    files, todo, data = {f.resolve() for f in doc.files}, set(), False
    for cell in doc.cells:
        tree = _parse(python_source(cell.source), cell.file, cell.line)
        todo |= _imports(tree, None, cell.file, cell.line)
        data = data or _names_data(tree)
    seen = set()
    while todo - seen:
        name = (todo - seen).pop()
        seen.add(name)
        base = root.joinpath(*name.split("."))
        path = next((p for p in (base.with_suffix(".py"), base / "__init__.py") if p.is_file()), None)
        if path is None:  # not a module of this project: numpy, or a function imported by name
            continue
        files.add(path)
        todo |= {name.rsplit(".", k)[0] for k in range(1, name.count(".") + 1)}  # lib.x runs lib/__init__.py
        tree = _parse(path.read_bytes(), path, 1)
        todo |= _imports(tree, name + ".__init__" if path.name == "__init__.py" else name, path, 1)
        data = data or _names_data(tree)
    if data:
        files |= {p for p in (root / "data").rglob("*") if p.is_file() and p.suffix != ".md"}
    files |= {root / "requirements.txt"} if (root / "requirements.txt").is_file() else set()
    return sorted(files, key=lambda p: str(p.relative_to(root)))


def fingerprint(chapter: Path | str, root: Path = project.ROOT) -> dict[str, str]:
    """{dependency: hash}: each file of `dependencies`, and the figure settings."""
    root = Path(root).resolve()
    hashes = {str(p.relative_to(root)): file_hash(p) for p in dependencies(chapter, root)}
    options = project.figure_options(read_qmd(Path(chapter).resolve(), root), root)
    hashes[SETTINGS] = hashlib.sha256(json.dumps(options, sort_keys=True).encode()).hexdigest()
    return hashes


def outputs(notebook: dict, chapter: Path | str, root: Path = project.ROOT) -> dict[str, str]:
    """{file: hash} of the files the notebook's outputs name (films, posters)."""
    folder = (Path(root) / chapter).parent
    names = set(OUTPUT.findall(json.dumps([c.get("outputs", []) for c in notebook["cells"]])))
    return {str((folder / n).relative_to(root)): file_hash(folder / n) for n in sorted(names)}


def cells_hash(notebook: dict) -> str:
    """A hash of the notebook's cells, outputs included, as its file holds them."""
    return hashlib.sha256(json.dumps(notebook["cells"], sort_keys=True).encode()).hexdigest()


def stale_reasons(chapter: Path | str, root: Path = project.ROOT) -> list[str]:
    """Why the chapter must execute again; an empty list if its notebook holds."""
    root = Path(root).resolve()
    path = notebook_path(Path(chapter).resolve().relative_to(root), root)
    if not path.is_file():
        return ["never executed"]
    try:
        record = (notebook := json.loads(path.read_bytes()))["metadata"][RECORD]
        old, made, whole = dict(record["dependencies"]), dict(record["outputs"]), record["cells"] == cells_hash(notebook)
    except (ValueError, KeyError, TypeError) as e:  # cut short, not JSON, no record or a malformed one
        return [f"{path.relative_to(root)} is unreadable or has no record of its dependencies "
                f"({type(e).__name__}: {e})"]
    if not whole:
        return [f"{path.relative_to(root)} was changed since it was made (its cells or their outputs)"]
    new = fingerprint(chapter, root)
    reasons = [f"{f} changed" if f in old else f"{f} is new" for f in new if old.get(f) != new[f]]
    reasons += [f"{f} is no longer a dependency" for f in old if f not in new]
    for f, digest in made.items():
        if not (root / f).is_file():
            reasons.append(f"{f} is missing")
        elif file_hash(root / f) != digest:
            reasons.append(f"{f} is not the file it wrote (cut short, or changed since)")
    return reasons


def explain(root: Path = project.ROOT) -> str:
    """Per chapter: fresh or stale (and why), and what it depends on."""
    lines, root = [], Path(root).resolve()
    for chapter in project.chapters(root):
        name, reasons = str(chapter.relative_to(root)), stale_reasons(chapter, root)
        deps = [str(p.relative_to(root)) for p in dependencies(chapter, root)]
        lines += [f"{name}: " + ("stale: " + "; ".join(reasons) if reasons else "fresh"),
                  "  depends on " + ", ".join([d for d in deps if d != name] + [SETTINGS])]
    return "\n".join(lines)
