"""Benchmark: rendering the book as `make book` does (`make render`: Quarto's HTML render, whose
pre-render step executes the stale chapters, then the PDF when a notebook is newer than it).

Three renders of one clean copy of this checkout (with data/mnist/ when this checkout has it, as
`make book` fetches it first), one after another, repeated in fresh copies:

  cold             nothing executed yet: every chapter executes (two at a time), then the
                   pages, then the PDF
  nothing changed  the same command again: nothing executes, the PDF is kept
  one lib edit     after a comment is added to lib/knn.py: the chapters importing it execute
                   again, then the pages, then the PDF

Each render's wall time, and its phases from what Quarto and the runner print as they go
(parsing that output is for this benchmark only; the build itself never does).

    .venv/bin/python bench/build.py            # median of 3; needs quarto on PATH and LuaLaTeX
    .venv/bin/python bench/build.py --repeat 1
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from shared import copy_sources  # noqa: E402  (a copy of the sources, as a fresh clone has them)

EDITED = "lib/knn.py"
MNIST = Path(__file__).resolve().parent.parent / "data" / "mnist"
# (phase, the line that starts it); each phase lasts until the next one starts.
MARKS = [("executing chapters", re.compile(r"Running script 'lib/book/hooks.py'")),
         ("HTML pages", re.compile(r"\[\s*1/\d+\] ")),
         ("post-render", re.compile(r"Running script 'lib/book/hooks.py'")),
         ("PDF pages", re.compile(r"render --to pdf")),
         ("LaTeX", re.compile(r"Rendering PDF")),
         ("copy", re.compile(r"^cp "))]
RAN = re.compile(r"^(\S+\.qmd): \d+ cells in ([\d.]+) s$", re.M)


def render(book: Path) -> dict:
    """`make render` in `book`, timed: wall seconds, seconds per phase, chapters executed."""
    quarto = shutil.which("quarto")
    process = subprocess.Popen(["make", "--no-print-directory", "render", f"QUARTO={quarto}", f"PY={sys.executable}"],
                               cwd=book, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
    t0, lines, marks, todo = time.perf_counter(), [], [], list(MARKS)
    for line in process.stdout:
        lines.append(line)
        k = next((k for k, (_, mark) in enumerate(todo) if mark.search(line)), None)
        if k is not None:  # a phase starts (the ones before it, if any, did not happen)
            marks.append((todo[k][0], time.perf_counter()))
            del todo[:k + 1]
    if process.wait():
        sys.exit(f"make render failed in {book}:\n{''.join(lines)[-3000:]}")
    end = time.perf_counter()
    phases = {name: t_next - t for (name, t), (_, t_next) in zip(marks, marks[1:] + [("", end)])}
    log = "".join(lines)
    return {"seconds": end - t0, "phases": phases,
            "executed": {name: float(s) for name, s in RAN.findall(log)}}


def sequence(folder: Path) -> dict[str, dict]:
    book = copy_sources(folder / "book")
    if MNIST.is_dir():  # not in git: make book fetches it before it renders
        shutil.copytree(MNIST, book / "data" / "mnist")
    runs = {"cold": render(book), "nothing changed": render(book)}
    with open(book / EDITED, "a") as f:
        f.write("\n# an edit\n")
    runs[f"one lib edit ({EDITED})"] = render(book)
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="fresh copies to render (default 3)")
    args = parser.parse_args()
    if shutil.which("quarto") is None:
        sys.exit("quarto is not on PATH: install it from https://quarto.org to run this benchmark")
    results = []
    for k in range(args.repeat):
        with tempfile.TemporaryDirectory() as d:
            results.append(sequence(Path(d)))
        print(f"sequence {k + 1}/{args.repeat}: " + ", ".join(
            f"{name} {r['seconds']:.1f} s" for name, r in results[-1].items()), flush=True)
    names = list(results[0])
    print("\ndata: " + ("MNIST (data/mnist/ copied in)" if MNIST.is_dir() else
                         "no data/mnist/ here: the chapters used scikit-learn's 8 x 8 digits"))
    print(f"load average now: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    print(f"\nmedian of {args.repeat} (seconds)" + "".join(f"{n[:22]:>24}" for n in names))
    for phase in [name for name, _ in MARKS]:
        cells = [statistics.median(r[n]["phases"].get(phase, 0.0) for r in results) for n in names]
        print(f"{phase:22}" + "".join(f"{c:24.1f}" for c in cells))
    print(f"{'total (wall clock)':22}" + "".join(
        f"{statistics.median(r[n]['seconds'] for r in results):24.1f}" for n in names))
    print(f"{'chapters executed':22}" + "".join(f"{len(results[0][n]['executed']):>24}" for n in names))
    print("\neach chapter's execution in the cold render (first sequence, two at a time):")
    for chapter, seconds in results[0]["cold"]["executed"].items():
        print(f"  {chapter:32}{seconds:6.1f} s")
    print(f"{EDITED} executed again: {', '.join(results[0][names[2]]['executed'])}")


if __name__ == "__main__":
    main()
