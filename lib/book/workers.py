"""Execute the chapters that must run two at a time, before Quarto's render reaches them.

Quarto executes a book's chapters one after another, so a machine with two cores idles one of
them for most of a cold render. The pre-render step hands the stale chapters to two worker
processes instead: each copies the book to a folder of its own, runs `quarto render` on its
share of the chapters there (an explicitly named file is always executed), and brings back
what the execution left: the frozen results, the films, the executed notebook. The main render
then finds every chapter frozen and only converts. Shares are balanced by each chapter's time
in the last run (`_freeze/timings.json`).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from lib.book import freeze
from lib.book.render import copy_checkout, finish, start
from lib.book.run import ONE_THREAD

WORKER = "WORKING_NEURONS_WORKER"  # set in a worker's environment: its hooks do only their part
TIMINGS = "timings.json"           # in _freeze/: seconds per chapter, last measured
GUESS = 10.0                       # seconds, for a chapter never timed


def shares(chapters: list[str], seconds: dict[str, float], workers: int = 2) -> list[list[str]]:
    """Split chapters into `workers` lists of nearly equal total time: longest first, each to
    the least loaded worker. Every list keeps the book's order of its chapters."""
    loads = [[0.0, []] for _ in range(workers)]
    for chapter in sorted(chapters, key=lambda c: -seconds.get(c, GUESS)):
        lightest = min(loads, key=lambda load: load[0])
        lightest[0] += seconds.get(chapter, GUESS)
        lightest[1].append(chapter)
    return [[c for c in chapters if c in share] for _, share in loads if share]


def execute(chapters: list[str], root: Path, quarto: str, echo=print) -> dict[str, float]:
    """Execute `chapters` (paths relative to root) in parallel workers; return seconds per chapter."""
    root = Path(root)
    known = _load_timings(root)
    groups = shares(chapters, known)
    echo(f"executing {len(chapters)} chapters in {len(groups)} workers: "
         + " | ".join(", ".join(Path(c).stem for c in g) for g in groups))
    with ThreadPoolExecutor(len(groups)) as pool:
        results = list(pool.map(lambda g: _work(g, root, quarto), groups))
    for k, (wall, seconds) in enumerate(results, start=1):
        echo(f"worker {k}: {wall:.1f} s, of which executing "
             + ", ".join(f"{Path(c).stem} {s:.1f} s" for c, s in seconds.items()))
    measured = {c: s for _, r in results for c, s in r.items()}
    _save_timings(root, {**known, **measured})
    return measured


def _work(chapters: list[str], root: Path, quarto: str) -> tuple[float, dict[str, float]]:
    with tempfile.TemporaryDirectory(prefix="wn-worker-") as tmp:
        copy = copy_checkout(Path(tmp) / "book", root)
        if (root / "data").is_dir():  # data downloaded by the reader is ignored by git, but used
            shutil.copytree(root / "data", copy / "data", dirs_exist_ok=True)
        env = {**os.environ, **ONE_THREAD, WORKER: "1",
               "QUARTO_PYTHON": os.environ.get("QUARTO_PYTHON", sys.executable)}
        env = {k: v for k, v in env.items() if not k.startswith("QUARTO_PROJECT_")}
        t0 = time.perf_counter()
        result = finish(start(copy, *chapters, "--to", "html", quarto=quarto, env=env))
        if result.returncode != 0:
            raise RuntimeError(f"a worker failed on {', '.join(chapters)}:\n{result.log[-4000:]}")
        for chapter in chapters:
            _bring_back(chapter, copy, root)
        seconds = result.executions  # by stem, as Quarto names the notebook it executes
        wall = time.perf_counter() - t0
        return wall, {c: seconds.get(Path(c).stem, wall / len(chapters)) for c in chapters}


def _bring_back(chapter: str, copy: Path, root: Path) -> None:
    """Copy what executing `chapter` produced in the worker's copy into the book."""
    src = freeze.frozen_dir(chapter, copy)
    if not (src / "execute-results").is_dir():
        raise RuntimeError(f"the worker left no frozen results for {chapter}")
    dest = freeze.frozen_dir(chapter, root)
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(src, dest)
    shutil.copy2(freeze.notebook_path(chapter, copy), _ensure_parent(freeze.notebook_path(chapter, root)))
    films = (copy / chapter).parent / "films"
    for f in sorted(films.glob("*")) if films.is_dir() else []:
        shutil.copy2(f, _ensure_parent(root / f.relative_to(copy)))


def _ensure_parent(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _load_timings(root: Path) -> dict[str, float]:
    try:
        return json.loads((root / freeze.FREEZE / TIMINGS).read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def _save_timings(root: Path, seconds: dict[str, float]) -> None:
    path = root / freeze.FREEZE / TIMINGS
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps({k: round(v, 2) for k, v in sorted(seconds.items())}, indent=1) + "\n")


def in_worker() -> bool:
    """True inside a worker's render, whose hooks only keep the executed notebooks."""
    return os.environ.get(WORKER) == "1"
