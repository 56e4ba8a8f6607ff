"""Run `quarto render` on a copy of the book and time it, chapter by chapter.

Used by the site tests and by `bench/build.py`. The copy holds what a clean clone would
(tracked files, and new files that are not ignored), so a render here sees no `_freeze/`,
`_book/` or films left from earlier runs.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Quarto announces each file of a project as it starts on it, "[ 4/10] chapters/e.qmd", and
# each phase around them: a project script ("Running script 'lib/book/hooks.py'", with no
# arguments: the pre-render one first, the post-render one after the files, or after the
# executions when files are named), the PDF's LaTeX runs ("Rendering PDF").
FILE_MARK = re.compile(r"\[\s*\d+/\d+\]\s+(\S+\.qmd)")
# When files are named on the command line there are no such marks, but each execution says so.
EXECUTING = re.compile(r"Executing '([\w.-]+)\.quarto_ipynb")
SCRIPT = re.compile(r"Running script ")
LATEX = re.compile(r"Rendering PDF")


@dataclass
class Render:
    """One `quarto render`: exit code, output, wall time, seconds per chapter and per phase."""

    returncode: int
    log: str
    seconds: float
    steps: dict[str, float] = field(default_factory=dict)  # chapter file or phase -> seconds

    @property
    def chapters(self) -> dict[str, float]:
        """Seconds per chapter file, as Quarto announced each."""
        return {k: v for k, v in self.steps.items() if k.endswith(".qmd")}

    @property
    def executions(self) -> dict[str, float]:
        """Seconds from each "Executing 'stem'" to the next step, by the chapter's stem."""
        return {k.split(" ", 1)[1]: v for k, v in self.steps.items() if k.startswith("executing ")}


# What a render or a test makes, never part of the sources (as in .gitignore).
OUTPUTS = {".git", ".venv", "_book", "_freeze", "_notebooks", ".quarto", "__pycache__",
           ".pytest_cache", ".hypothesis", "films"}


def copy_checkout(dest: Path | str, root: Path = ROOT) -> Path:
    """Copy the book's sources into `dest`: what git tracks (or would: new, not ignored), or,
    outside a git checkout, every file but the outputs."""
    dest, root = Path(dest), Path(root)
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=root,
                            capture_output=True, text=True)
    if listed.returncode == 0:
        names = [n for n in listed.stdout.split("\0") if n and (root / n).is_file()]
    else:
        names = [str(p.relative_to(root)) for p in sorted(root.rglob("*")) if p.is_file()
                 and not OUTPUTS & set(p.relative_to(root).parts) and ".quarto_ipynb" not in p.name]
    for name in names:
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, dest / name)
    return dest


def quarto_command() -> str:
    """The `quarto` that is running this process (QUARTO_BIN_PATH), else the one on PATH."""
    bin_path = os.environ.get("QUARTO_BIN_PATH")
    if bin_path and (Path(bin_path) / "quarto").is_file():
        return str(Path(bin_path) / "quarto")
    found = shutil.which("quarto")
    if found is None:
        raise FileNotFoundError("quarto is not on PATH")
    return found


def start(book: Path | str, *args: str, quarto: str = "quarto", env: dict | None = None) -> subprocess.Popen:
    """Start `quarto render ARGS` in `book`, with this Python as the kernel's Python unless
    `env` (the whole environment) says otherwise."""
    env = env if env is not None else {**os.environ, "QUARTO_PYTHON": sys.executable}
    return subprocess.Popen([quarto, "render", *args], cwd=book, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, bufsize=1)


def finish(process: subprocess.Popen) -> Render:
    """Read a started render to its end, timing each step from Quarto's own announcements."""
    t0, lines, marks = time.perf_counter(), [], []
    with process:  # closes the pipe
        for line in process.stdout:
            lines.append(line)
            m, e = FILE_MARK.search(line), EXECUTING.search(line)
            phase = (("post-render" if marks else "pre-render")  # the first script is pre-render
                     if SCRIPT.search(line) else "LaTeX (PDF)" if LATEX.search(line) else None)
            if m or e or phase:
                marks.append((m[1] if m else f"executing {e[1]}" if e else phase, time.perf_counter()))
    returncode = process.wait()
    end = time.perf_counter()
    steps: dict[str, float] = {}
    for (name, t), (_, t_next) in zip(marks, marks[1:] + [("", end)]):
        steps[name] = steps.get(name, 0.0) + t_next - t
    return Render(returncode, "".join(lines), end - t0, steps)


def executed(log: str) -> set[str]:
    """The chapters (by stem) a render's log says were executed: in the render itself, by
    Quarto's announcement, or in the workers of the pre-render step, by the line naming them."""
    names = set(EXECUTING.findall(log))
    for line in re.findall(r"executing \d+ chapters in \d+ workers: (.*)", log):
        names |= {name.strip() for name in re.split(r"[|,]", line)}
    return names


def render(book: Path | str, *args: str, quarto: str = "quarto") -> Render:
    """`quarto render ARGS` in `book`, timed."""
    return finish(start(book, *args, quarto=quarto))
