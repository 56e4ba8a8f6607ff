"""Benchmark: rendering the book with `quarto render`, as an author meets it.

Three renders of one clean copy of this checkout (no _freeze/, no films), one after another:

  cold             the first render: every chapter executes (in two workers), then the pages,
                   and beside them the PDF; then the notebooks to download
  nothing changed  the same command again: every chapter is frozen, the PDF is kept
  one lib edit     after a comment is added to lib/knn.py: the chapters importing it re-execute

beside the floor every chapter pays: a fresh kernel that imports NumPy and Matplotlib and
draws one figure. Each chapter's execution time is the one its worker measured.

    .venv/bin/python bench/build.py      # needs quarto on PATH, and LuaLaTeX for the PDF
"""
import json
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from lib.book import render  # noqa: E402
from lib.book.run import run_chapter  # noqa: E402

EDITED = "lib/knn.py"
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


def renders(book: Path) -> tuple[dict[str, render.Render], dict[str, float]]:
    """The three renders, and each chapter's execution time in the cold one."""
    runs = {"cold": render.render(book)}
    executing = json.loads((book / "_freeze" / "timings.json").read_text())
    runs["nothing changed"] = render.render(book)
    with open(book / EDITED, "a") as f:
        f.write("\n# an edit\n")
    runs[f"one lib edit ({EDITED})"] = render.render(book)
    for name, r in runs.items():
        if r.returncode:
            sys.exit(f"quarto render ({name}) failed:\n{r.log[-3000:]}")
    return runs, executing


def main() -> None:
    if shutil.which("quarto") is None:
        sys.exit("quarto is not on PATH: build it (DEVELOPERS.md) to run this benchmark")
    floor = kernel_floor()
    with tempfile.TemporaryDirectory() as d:
        book = render.copy_checkout(Path(d) / "book")
        runs, executing = renders(book)
    print(f"kernel floor (fresh kernel, numpy, matplotlib, one figure): {floor:.1f} s\n")
    names = list(runs)
    print(f"{'step':28}" + "".join(f"{n[:18]:>20}" for n in names))
    steps = list(dict.fromkeys(k for r in runs.values() for k in r.steps if not k.endswith(".qmd")))
    for step in ["pages (all chapters)"] + steps:
        cells = []
        for r in runs.values():
            s = sum(r.chapters.values()) if step.startswith("pages") else r.steps.get(step)
            cells.append(f"{s:19.1f}s" if s is not None else " " * 20)
        print(f"{step:28}" + "".join(cells))
    print(f"{'total (wall clock)':28}" + "".join(f"{r.seconds:19.1f}s" for r in runs.values()))
    print(f"{'chapters executed':28}" + "".join(f"{len(render.executed(r.log)):>20}" for r in runs.values()))
    cold = runs["cold"].chapters
    print(f"\n{'chapter (cold render)':28}{'executed (worker)':>20}{'page (Quarto)':>20}")
    for chapter, seconds in sorted(cold.items()):
        stem = Path(chapter).stem
        ran = next((v for k, v in executing.items() if Path(k).stem == stem), None)
        print(f"{chapter:28}" + (f"{ran:19.1f}s" if ran is not None else f"{'frozen':>20}")
              + f"{seconds:19.1f}s")
    print("\nthe cold render's workers:")
    for line in re.findall(r"^.*worker \d+: .*$", runs["cold"].log, flags=re.M):
        print("  " + line.strip())
    print("\nthe PDF (made beside the pages once every chapter is executed):")
    for name, r in runs.items():
        for line in re.findall(r"^PDF: (?!_book).*$", r.log, flags=re.M):
            print(f"  {name}: {line.strip()}")
    print(f"\nexecution, summed over chapters: {sum(executing.values()):.1f} s for {len(executing)} "
          f"chapters, of which the floor is {len(executing) * floor:.1f} s")
    print(f"{EDITED} re-executed: {', '.join(sorted(render.executed(runs[names[2]].log)))}")


if __name__ == "__main__":
    main()
