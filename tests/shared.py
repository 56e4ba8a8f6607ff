"""Work done once per test session, whichever test worker (pytest -n 2) asks for it first."""
from __future__ import annotations

import fcntl
import json
import os
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
