"""Execute the book's chapters: the one executor, for the pages, the PDF and the tests.

    python -m lib.book.run                     # every stale chapter, two at a time (the pre-render step)
    python -m lib.book.run chapters/conv.qmd   # the chapters named, stale or not
    python -m lib.book.run --all               # every chapter
    python -m lib.book.run --explain           # why each chapter is stale, and what it depends on

A chapter runs in a fresh Jupyter kernel from the project root into `_notebooks/<chapter>.ipynb`,
whole or not at all, which Quarto converts into the page and the PDF; README.md says more.
"""
from __future__ import annotations

import argparse
import ast
import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from lib.book import freeze, project
from lib.book.qmd import Cell, Prose, QmdError, read_qmd

ROOT = project.ROOT
TIMEOUT = 600  # seconds a cell may run (--timeout)
MAX_OUTPUT = 5_000_000  # bytes of output a cell may make: more would not fit a page
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# Two chapters at once on a small machine: kernels whose BLAS use every core fight; one thread
# each is faster overall (measured: the whole book 78 s -> 51 s on 2 cores).
ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


class ChapterError(Exception):
    """A chapter that could not run: `str()` is the report; `notebook` what it executed so far."""

    def __init__(self, report: str, notebook=None):
        super().__init__(report)
        self.notebook = notebook


def setup_source(options: dict) -> str:
    """The first cell of every chapter (Quarto shows none of it): the figure settings of _quarto.yml.
    (_setup.qmd, which every chapter includes, finds the book's root and sets the figure formats.)"""
    return (f"#| include: false\nimport matplotlib.pyplot as plt\nplt.rcParams['figure.figsize'] = "
            f"({options['fig-width']}, {options['fig-height']})\n"
            f"plt.rcParams['figure.dpi'] = plt.rcParams['savefig.dpi'] = {options['fig-dpi']}")


def run_chapter(path: Path | str, root: Path = ROOT, echo=print, timeout: int = TIMEOUT,
                log=None) -> nbformat.NotebookNode:
    """Execute one chapter in a fresh kernel and return its notebook. Each cell's time goes to
    `echo`, and to `log` (an open file) with the whole traceback of a failure and the kernel's output."""
    path, root = Path(path).resolve(), Path(root).resolve()
    doc = read_qmd(path, root)
    name, cells = _relative(path, root), doc.cells
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                           "language": "python"}, "language_info": {"name": "python"}})
    nb.cells.append(nbformat.v4.new_code_cell(setup_source(project.figure_options(doc, root))))
    client = NotebookClient(nb, kernel_name="python3", timeout=timeout, record_timing=False,  # same bytes each run
                            resources={"metadata": {"path": str(root)}})
    start = time.perf_counter()
    with contextlib.nullcontext(log) if log else open(os.devnull, "w") as log, \
            client.setup_kernel(stderr=log):  # the kernel's own messages go to the log
        say = lambda line: print(line, file=log, flush=True) or echo(line)  # to the log and the console
        client.execute_cell(nb.cells[0], 0)
        for block in doc.blocks:
            if isinstance(block, Prose):
                nb.cells.append(nbformat.v4.new_markdown_cell(_fill_inline(client, block, root, nb)))
                continue
            number, cell, t0 = cells.index(block) + 1, nbformat.v4.new_code_cell(block.source), time.perf_counter()
            nb.cells.append(cell)
            where = f"{_relative(block.file, root)}:{block.line}: cell {number} ({_title(block)})"
            run = block.options.get("eval", True) is not False
            try:
                if run:
                    client.execute_cell(cell, len(nb.cells) - 1)
            except CellExecutionError as e:
                if block.options.get("error") is not True:  # `#| error: true`: show the error, go on
                    print(ANSI.sub("", e.traceback or ""), file=log, flush=True)
                    raise ChapterError(_report(e, block, number, root), nb) from None
            except CellTimeoutError:
                raise ChapterError(f"{where} was still running after {timeout} s (--timeout)", nb) from None
            except DeadKernelError as e:
                raise ChapterError(f"{where}: the kernel died ({e})", nb) from None
            if (size := len(json.dumps(cell.outputs))) > MAX_OUTPUT:
                cell.outputs = []
                raise ChapterError(f"{where} made {size / 1e6:.1f} MB of output, more than a page can "
                                   f"carry ({MAX_OUTPUT / 1e6:.0f} MB)", nb)
            say(f"  {name} cell {number}/{len(cells)} {_title(block)}  "
                + (f"{time.perf_counter() - t0:.2f} s" if run else "not run (eval: false)"))
        say(f"{name}: {len(cells)} cells in {time.perf_counter() - start:.1f} s")
    for k, cell in enumerate(nb.cells, start=1):  # ids in page order: the same bytes every run
        cell.id = f"cell-{k}"
    return nb


def _relative(path: Path, root: Path) -> str:
    path = Path(path).resolve()
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def _title(cell: Cell) -> str:
    first = next((ln for ln in cell.source.splitlines() if ln.strip() and not ln.startswith("#")), "")
    return str(cell.options.get("label", first[:50]))


def _report(error: CellExecutionError, cell: Cell, number: int, root: Path) -> str:
    """`file:line: cell N (label) failed: Error: message`, and where in the project it was raised."""
    tb = ANSI.sub("", error.traceback or "")
    timed = re.search(r"<timed exec>:(\d+)", tb)  # in a %%time cell, its body's line (the cell's 2nd on)
    m = timed or re.search(r"Cell In\[\d+\], line (\d+)", tb)
    line = cell.line + (int(m[1]) - (not timed) if m else 0)
    report = f"{_relative(cell.file, root)}:{line}: cell {number} ({_title(cell)}) failed: {error.ename}: {error.evalue}"
    frames = [(f, n) for f, n in re.findall(r"File \"?(.+?)\"?:(\d+)", tb) if Path(f).expanduser().is_relative_to(root)
              and "site-packages" not in f]
    return report + (f"\n  raised at {frames[-1][0]}:{frames[-1][1]}" if frames else "")


def _fill_inline(client: NotebookClient, prose: Prose, root: Path, nb) -> str:
    """The prose with each inline expression replaced by its value, evaluated in the kernel."""
    if not prose.inline:
        return prose.text
    try:
        reply = client.wait_for_reply(client.kc.execute("", silent=True, store_history=False, user_expressions={
            str(i): inline[0] for i, inline in enumerate(prose.inline)}))
    except Exception as e:  # still running after --timeout (nbclient raises an AssertionError), or the kernel died
        expr, file, line, *_ = prose.inline[0]
        raise ChapterError(f"{_relative(file, root)}:{line}: inline expressions from `{expr}` on did not finish: "
                           f"{type(e).__name__} {e}".rstrip(), nb) from None
    values = []
    for i, (expr, file, line, *_) in enumerate(prose.inline):
        result = reply["content"]["user_expressions"][str(i)]
        where = f"{_relative(file, root)}:{line}: inline expression `{expr}`"
        if result["status"] != "ok":
            raise ChapterError(f"{where} failed: {result['ename']}: {result['evalue']}", nb)
        value = result["data"]["text/plain"]  # a string's repr is shown as the string, as Quarto does
        values.append(ast.literal_eval(value) if value[:1] in "'\"" and value[-1:] == value[:1] else value)
        if not values[-1]:  # Quarto 1.10 shows an expression whose value is empty as its source
            raise ChapterError(f"{where} is empty: Quarto would show its source; give it some text", nb)
    text = prose.text
    for (*_, start, end), value in reversed(list(zip(prose.inline, values))):  # where qmd.py found each
        text = text[:start] + value + text[end:]
    return text


def execute(chapter: Path | str, root: Path = ROOT, echo=print, timeout: int = TIMEOUT) -> Path:
    """Run one chapter and keep its notebook, with the record of what it was made from; return its
    path. On failure, leave the notebook so far and the log, and say where they are."""
    root = Path(root).resolve()
    if not Path(chapter).resolve().is_relative_to(root):
        raise QmdError(chapter, 0, f"is not inside the book at {root} (--root)")
    name = _relative(Path(chapter), root)
    target = freeze.notebook_path(name, root)
    failed, log_path = target.with_suffix(".failed.ipynb"), target.with_suffix(".log")
    target.parent.mkdir(parents=True, exist_ok=True)
    made_from = freeze.fingerprint(chapter, root)  # before it runs: an edit meanwhile leaves it stale
    with open(log_path, "w", encoding="utf-8") as log:
        try:
            nb = run_chapter(chapter, root, echo, timeout, log)
            try:
                made = freeze.outputs(nb, name, root)  # the films it wrote
            except FileNotFoundError as e:
                raise ChapterError(f"{name}: its output names {_relative(e.filename, root)}, which it did not write", nb)
        except ChapterError as e:
            if e.notebook is not None:
                _write(e.notebook, failed)
            print(e, file=log)
            raise ChapterError(f"{e}\n  notebook so far: {_relative(failed, root)}; "
                               f"log: {_relative(log_path, root)}") from None
        except (KeyboardInterrupt, SystemExit):
            print("interrupted: no notebook written", file=log)
            raise
    cells = freeze.cells_hash(json.loads(nbformat.writes(nb)))  # as the file will hold them
    nb.metadata[freeze.RECORD] = {"dependencies": made_from, "outputs": made, "cells": cells}
    _write(nb, target)
    failed.unlink(missing_ok=True)
    return target


def _write(nb, path: Path) -> None:
    """Write under a temporary name, then rename: the notebook is whole, or not there."""
    nbformat.write(nb, path.with_name(path.name + ".partial"))
    os.replace(path.with_name(path.name + ".partial"), path)


def execute_all(chapters: list[Path], root: Path = ROOT, jobs: int = 2, timeout: int = TIMEOUT) -> int:
    """Execute the chapters, `jobs` at a time, each in a process of its own (`python -m
    lib.book.run CHAPTER`, its output printed whole when it ends). After a failure, or Ctrl-C, no
    other chapter starts; those running finish, unless this process is stopped: then they stop too."""
    stop, running = threading.Event(), []

    def one(chapter: Path) -> None:
        if not stop.is_set():
            running.append(done := subprocess.Popen(
                [sys.executable, "-m", "lib.book.run", str(chapter), "--root", str(root), "--timeout", str(timeout)],
                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                env={**ONE_THREAD, **os.environ}))  # a thread count the user set wins
            out, err = done.communicate()
            print(out, end="", flush=True)
            print(err, end="", file=sys.stderr, flush=True)
            if done.returncode:
                stop.set()

    pool = ThreadPoolExecutor(jobs)
    try:
        list(pool.map(one, chapters))
    finally:
        stop.set()
        for process in running:  # Ctrl-C or a kill: no chapter goes on alone (one that ended is left be)
            if process.poll() is None:
                process.terminate()
        pool.shutdown(cancel_futures=True)
    return 1 if any(process.returncode for process in running) else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lib.book.run", description=__doc__.split("\n")[0])
    parser.add_argument("chapters", nargs="*", type=Path, help=".qmd files to run (default: every stale one)")
    parser.add_argument("--all", action="store_true", help="run every chapter in _quarto.yml")
    parser.add_argument("--explain", action="store_true", help="say why each chapter is stale; run nothing")
    parser.add_argument("--jobs", type=int, default=2, help="chapters to run at once (default 2)")
    parser.add_argument("--timeout", type=int, default=TIMEOUT, help=f"seconds a cell may run ({TIMEOUT})")
    parser.add_argument("--root", type=Path, default=ROOT, help="project root (default: this book)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # Ctrl-C stops it, even if its parent ignored it
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # and a kill cleans up as Ctrl-C does
    if args.jobs < 1 or args.timeout < 1:
        parser.error(f"--jobs and --timeout must be at least 1, got {args.jobs} and {args.timeout}")
    root = args.root.resolve()
    try:
        if args.explain:
            print(freeze.explain(root))
            return 0
        if len(args.chapters) == 1:  # in this process
            execute(args.chapters[0].resolve(), root, timeout=args.timeout)
            return 0
        chapters = [c.resolve() for c in args.chapters] or project.chapters(root)
        if not (args.chapters or args.all):
            stale = {c: freeze.stale_reasons(c, root) for c in chapters}
            chapters = [c for c in chapters if stale[c]]
            print("\n".join(f"{_relative(c, root)}: executing ({'; '.join(stale[c])})" for c in chapters)
                  or "every chapter's notebook is fresh: nothing to execute", flush=True)
    except (QmdError, ChapterError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2 if isinstance(e, QmdError) else 1
    return execute_all(chapters, root, args.jobs, args.timeout)


if __name__ == "__main__":
    sys.exit(main())
