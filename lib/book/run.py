"""Run the book's chapters without Quarto: each in a fresh Jupyter kernel, through nbclient.

    python -m lib.book.run chapters/perceptron.qmd      # one chapter
    python -m lib.book.run --all --jobs 2 --out _notebooks

Cells execute in order with the project root as working directory, as `quarto render`
runs them (`execute-dir: project`). Before the first cell the runner sets the figure size,
dpi and format from `_quarto.yml`, as Quarto's own setup cell does, and inline
`{python} expr` in the prose are evaluated where they stand, so a chapter behaves the same
with and without Quarto. A failing cell is reported as `file:line` in the .qmd.
"""
from __future__ import annotations

import argparse
import ast
import contextlib
import os
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, DeadKernelError

from lib.book.qmd import Cell, Document, Prose, QmdError, read_qmd

ROOT = Path(__file__).resolve().parents[2]
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
CELL_LINE = re.compile(r"Cell In\[\d+\], line (\d+)")
FILE_LINE = re.compile(r"File (\S+?):(\d+)")
# With several chapters at once on a small machine, each kernel's BLAS using every core makes
# them fight: one thread each is faster overall (measured: the whole book 78 s -> 51 s on 2 cores).
ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
# Quarto's defaults for HTML figures, overridden by _quarto.yml and the chapter's front matter.
FIGURE_DEFAULTS = {"fig-width": 7, "fig-height": 5, "fig-dpi": 96, "fig-format": "png"}


class ChapterError(Exception):
    """A chapter that could not run; `str()` is the one report the reader needs."""


@dataclass
class Result:
    path: Path
    seconds: float
    notebook: nbformat.NotebookNode


def book_chapters(root: Path = ROOT) -> list[Path]:
    """Every chapter `_quarto.yml` lists under `book:`, in reading order; each must exist."""
    config = root / "_quarto.yml"
    try:
        node = yaml.compose(config.read_text(encoding="utf-8"))
        book = yaml.safe_load(config.read_text(encoding="utf-8")).get("book", {})
    except yaml.YAMLError as e:
        raise QmdError(config, getattr(e, "problem_mark", None) and e.problem_mark.line + 1 or 0,
                       f"invalid YAML: {e}") from None
    chapters = []
    for entry in _flatten(book.get("chapters", [])):
        path = root / entry
        if not path.is_file():
            raise QmdError(config, _line_of(node, entry), f"listed chapter {entry} does not exist")
        chapters.append(path)
    if not chapters:
        raise QmdError(config, 0, "lists no chapters under book: chapters:")
    return chapters


def project_output_dir(root: Path = ROOT) -> Path:
    """Where `quarto render` writes the book: `project: output-dir:` in _quarto.yml."""
    config = yaml.safe_load((root / "_quarto.yml").read_text(encoding="utf-8")) or {}
    return root / ((config.get("project") or {}).get("output-dir") or "_book")


def _flatten(entries):
    for entry in entries:
        if isinstance(entry, str):
            yield entry
        elif isinstance(entry, dict):  # a part: {part: ..., chapters: [...]} or {href: ...}
            if isinstance(entry.get("part"), str) and entry["part"].endswith(".qmd"):
                yield entry["part"]
            yield from _flatten(entry.get("chapters", []))
            if "href" in entry:
                yield entry["href"]


def _line_of(node, value: str) -> int:
    """1-based line of the first YAML scalar equal to `value`, 0 if none."""
    if isinstance(node, yaml.ScalarNode):
        return node.start_mark.line + 1 if node.value == value else 0
    children = node.value if isinstance(node, yaml.SequenceNode) else [
        c for pair in getattr(node, "value", []) for c in pair]
    return next((line for c in children if (line := _line_of(c, value))), 0)


def figure_options(doc: Document, root: Path = ROOT) -> dict:
    """The figure options Quarto would use for this chapter's HTML page."""
    project = yaml.safe_load((root / "_quarto.yml").read_text(encoding="utf-8")) or {}
    options = dict(FIGURE_DEFAULTS)
    for source in (project, doc.front_matter):
        options.update({k: v for k, v in source.items() if k in FIGURE_DEFAULTS})
        html = (source.get("format") or {}).get("html") if isinstance(source.get("format"), dict) else None
        options.update({k: v for k, v in (html or {}).items() if k in FIGURE_DEFAULTS})
    return options


# A chapter runs from the book's root, where `lib` is; a notebook may be opened anywhere in a
# clone, so its first cell finds the root and moves there (a no-op for the runner and Quarto).
FIND_ROOT = """\
# Chapters run from the root of the book's repository, where `lib` is:
# open this notebook anywhere inside a clone of it.
import os, sys
from pathlib import Path

book_root = next((p for p in (Path.cwd(), *Path.cwd().parents)
                  if (p / "lib" / "__init__.py").is_file()), None)
if book_root is not None:
    os.chdir(book_root)
    sys.path.insert(0, str(book_root))
"""


def setup_source(options: dict) -> str:
    """The cell run before a chapter: find the book's root, then figure size, dpi and format
    as Quarto's own setup cell sets them."""
    w, h, dpi, fmt = (options[k] for k in ("fig-width", "fig-height", "fig-dpi", "fig-format"))
    return FIND_ROOT + "\n" + "\n".join([
        "# Set by the runner as by Quarto before the first cell: figure defaults from _quarto.yml.",
        "import matplotlib.pyplot as plt",
        "from matplotlib_inline.backend_inline import set_matplotlib_formats",
        f"plt.rcParams['figure.figsize'] = ({w}, {h})",
        f"plt.rcParams['figure.dpi'] = plt.rcParams['savefig.dpi'] = {dpi}",
        f"set_matplotlib_formats({fmt!r})",
    ])


def run_chapter(path: Path | str, root: Path = ROOT, out: Path | None = None,
                echo=print, timeout: int = 900) -> Result:
    """Execute one chapter in a fresh kernel; raise ChapterError naming file, cell and line."""
    path, root = Path(path).resolve(), Path(root).resolve()
    doc = read_qmd(path, root)
    name = _relative(path, root)
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {
        "name": "python3", "display_name": "Python 3", "language": "python"}})
    nb.cells.append(nbformat.v4.new_code_cell(setup_source(figure_options(doc, root)),
                                              metadata={"tags": ["quarto-setup"]}))
    cells = [b for b in doc.blocks if isinstance(b, Cell)]
    client = NotebookClient(nb, kernel_name="python3", timeout=timeout, record_timing=False,
                            resources={"metadata": {"path": str(root)}})
    start = time.perf_counter()
    # The kernel's own stderr is start-up chatter; kept in a file, shown only if the kernel dies.
    with tempfile.TemporaryFile(mode="w+") as kernel_log, _kernel_died(kernel_log), \
            client.setup_kernel(stderr=kernel_log):
        client.execute_cell(nb.cells[0], 0)
        for block in doc.blocks:
            if isinstance(block, Prose):
                nb.cells.append(nbformat.v4.new_markdown_cell(_fill_inline(client, block, root)))
                continue
            number = cells.index(block) + 1
            cell = nbformat.v4.new_code_cell(block.source)
            nb.cells.append(cell)
            if block.options.get("eval", True) is False:
                echo(f"  {name} cell {number}/{len(cells)} {_title(block)}  skipped (eval: false)")
                continue
            t0 = time.perf_counter()
            try:
                client.execute_cell(cell, len(nb.cells) - 1)
            except CellExecutionError as e:
                raise ChapterError(_report(e, block, number, root)) from None
            echo(f"  {name} cell {number}/{len(cells)} {_title(block)}  {time.perf_counter() - t0:.2f} s")
    seconds = time.perf_counter() - start
    echo(f"{name}: {len(cells)} cells in {seconds:.1f} s")
    if out is not None:
        target = Path(out) / Path(name).with_suffix(".ipynb")
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, target)
    return Result(path, seconds, nb)


@contextlib.contextmanager
def _kernel_died(log):
    try:
        yield
    except DeadKernelError as e:
        log.seek(0)
        raise ChapterError(f"the kernel died: {e}\n{log.read()[-2000:]}") from None


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.resolve()))
    except ValueError:
        return str(path)


def _title(cell: Cell) -> str:
    if "label" in cell.options:
        return str(cell.options["label"])
    first = next((ln for ln in cell.source.splitlines() if ln.strip() and not ln.startswith("#")), "")
    return first[:50]


def _report(error: CellExecutionError, cell: Cell, number: int, root: Path) -> str:
    """`file:line: cell N (label): Error: message`, and where in `lib` it was raised."""
    tb = ANSI.sub("", error.traceback or "")
    m = CELL_LINE.search(tb)
    line = cell.line + int(m[1]) - 1 if m else cell.line
    report = f"{_relative(cell.file, root)}:{line}: cell {number} ({_title(cell)}) failed: " \
             f"{error.ename}: {error.evalue}"
    frames = [(f, n) for f, n in FILE_LINE.findall(tb) if "site-packages" not in f]
    if frames:
        report += f"\n  raised at {frames[-1][0]}:{frames[-1][1]}"
    return report


def _fill_inline(client: NotebookClient, prose: Prose, root: Path) -> str:
    """Evaluate the prose's inline expressions in the kernel, as Quarto does, and fill them in."""
    if not prose.inline:
        return prose.text
    expressions = {str(i): expr for i, (expr, _, _) in enumerate(prose.inline)}
    msg_id = client.kc.execute("", silent=True, store_history=False, user_expressions=expressions)
    reply = client.wait_for_reply(msg_id)
    results = reply["content"]["user_expressions"]
    text = prose.text
    for i, (expr, file, line) in enumerate(prose.inline):
        result = results[str(i)]
        if result["status"] != "ok":
            raise ChapterError(f"{_relative(file, root)}:{line}: inline expression `{expr}` failed: "
                               f"{result['ename']}: {result['evalue']}")
        value = plain_value(result["data"]["text/plain"])
        if not value:  # Quarto keeps an expression whose value is empty as its source
            raise ChapterError(f"{_relative(file, root)}:{line}: inline expression `{expr}` is empty: "
                               "Quarto would show its source instead; give it some text")
        text = text.replace(f"`{{python}} {expr}`", value, 1)
    return text


def plain_value(text: str) -> str:
    """A string's repr shown as the string itself, as Quarto shows inline values."""
    if text[:1] in "'\"" and text[-1:] == text[:1]:
        return ast.literal_eval(text)
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lib.book.run", description=__doc__.split("\n")[0])
    parser.add_argument("chapters", nargs="*", type=Path, help=".qmd files to run")
    parser.add_argument("--all", action="store_true", help="run every chapter in _quarto.yml")
    parser.add_argument("--jobs", type=int, default=1, help="chapters to run at once (default 1)")
    parser.add_argument("--out", type=Path, help="write executed notebooks (.ipynb) here")
    parser.add_argument("--root", type=Path, default=ROOT, help="project root (default: this book)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    if args.jobs < 1:
        parser.error(f"--jobs must be at least 1, got {args.jobs}")
    try:
        chapters = book_chapters(root) if args.all else args.chapters
    except QmdError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if not chapters:
        parser.error("name chapters to run, or --all")
    if args.jobs == 1 or len(chapters) == 1:
        return max(_run_one(c, root, args.out) for c in chapters)
    with ThreadPoolExecutor(args.jobs) as pool:
        return max(pool.map(lambda c: _run_in_subprocess(c, root, args.out), chapters))


def _run_one(chapter: Path, root: Path, out: Path | None) -> int:
    try:
        run_chapter(chapter, root, out)
    except (QmdError, ChapterError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


def _run_in_subprocess(chapter: Path, root: Path, out: Path | None) -> int:
    """One chapter in its own process, its output printed whole so chapters don't interleave."""
    cmd = [sys.executable, "-m", "lib.book.run", str(Path(chapter).resolve()), "--root", str(root)]
    cmd += ["--out", str(Path(out).resolve())] if out else []
    env = {**ONE_THREAD, **os.environ}  # a thread count the user set wins
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env)
    print(done.stdout, end="", flush=True)
    print(done.stderr, end="", file=sys.stderr, flush=True)
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
