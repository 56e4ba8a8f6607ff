"""Helpers the tests share: work done once per session, whichever test worker (pytest -n 2) asks
for it first, and a copy of the book's sources to build in."""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
from pathlib import Path


def session_dir(tmp_path_factory) -> Path:
    """A folder every worker of this session sees (and no other session)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def once(tmp_path_factory, name: str, compute):
    """compute(folder) the first time any worker asks, under a lock; its JSON-able result is
    kept in a file and read back by everyone after."""
    folder = session_dir(tmp_path_factory) / name
    folder.mkdir(exist_ok=True)
    result = folder / "result.json"
    with open(folder / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not result.exists():
            result.write_text(json.dumps(compute(folder)))
        return json.loads(result.read_text())


# What builds and tests make, never part of the sources (as in .gitignore).
OUTPUTS = {".git", ".venv", ".quarto", "_book", "_notebooks", "_pdf", "films", "__pycache__", ".pytest_cache"}


def copy_sources(dest: Path | str, root: Path | None = None) -> Path:
    """Copy the book's sources into `dest`, as a fresh clone would have them: what git tracks and
    the new files it does not ignore (outside a git checkout: every file but the outputs)."""
    dest, root = Path(dest), root or Path(__file__).resolve().parents[1]
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=root,
                            capture_output=True, text=True)
    if listed.returncode == 0:
        names = [n for n in listed.stdout.split("\0") if n and (root / n).is_file()]
    else:
        names = [str(p.relative_to(root)) for p in sorted(root.rglob("*"))
                 if p.is_file() and not OUTPUTS & set(p.relative_to(root).parts)]
    for name in names:
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, dest / name)
    return dest
