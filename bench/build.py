"""Benchmark: a cold `quarto render` of the whole book, HTML and then PDF, chapter by chapter,
beside the floor every chapter pays (a fresh kernel that imports NumPy and Matplotlib and draws
one figure). Each render starts from a clean copy of this checkout: no _freeze/, no films.

    .venv/bin/python bench/build.py          # needs quarto on PATH (and LuaLaTeX for the PDF)
"""
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from lib.book import render  # noqa: E402
from lib.book.run import run_chapter  # noqa: E402

FLOOR = """```{python}
import numpy as np
import matplotlib.pyplot as plt
fig, ax = plt.subplots()
ax.plot(np.arange(10))
```
"""


def kernel_floor() -> float:
    """Seconds for a fresh kernel + numpy + matplotlib + one figure, through the book's runner."""
    with tempfile.TemporaryDirectory() as d:
        root = render.copy_checkout(d)
        (root / "floor.qmd").write_text(FLOOR)
        t0 = time.perf_counter()
        run_chapter(root / "floor.qmd", root, echo=lambda s: None)
        return time.perf_counter() - t0


def cold(to: str) -> render.Render:
    with tempfile.TemporaryDirectory() as d:
        return render.render(render.copy_checkout(d), "--to", to)


if __name__ == "__main__":
    if shutil.which("quarto") is None:
        sys.exit("quarto is not on PATH: build it (DEVELOPERS.md) to run this benchmark")
    floor = kernel_floor()
    runs = {to: cold(to) for to in ("html", "pdf")}
    for to, r in runs.items():
        if r.returncode:
            sys.exit(f"quarto render --to {to} failed:\n{r.log[-3000:]}")
    print(f"kernel floor (fresh kernel, numpy, matplotlib, one figure): {floor:.1f} s\n")
    print(f"{'step':34} {'html':>8} {'pdf':>8}")
    steps = list(dict.fromkeys(k for r in runs.values() for k in r.steps))
    for step in steps:
        cells = [f"{runs[to].steps[step]:7.1f}s" if step in runs[to].steps else f"{'':8}" for to in runs]
        print(f"{step:34} {cells[0]} {cells[1]}")
    print(f"{'total (wall clock)':34} {runs['html'].seconds:7.1f}s {runs['pdf'].seconds:7.1f}s")
    print(f"\nHTML and PDF, one after the other: {sum(r.seconds for r in runs.values()):.1f} s; "
          f"{len(runs['html'].chapters)} files x floor = {len(runs['html'].chapters) * floor:.1f} s per format")
