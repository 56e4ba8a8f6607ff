"""Timing a render from what Quarto prints, and copying the checkout a render starts from."""
import subprocess
import sys

from lib.book import render

QUARTO_SAYS = [  # the lines Quarto 1.10 prints, in order, with a pause (seconds) after each
    ("Running script 'lib/book/hooks.py pre'", 0.3),
    ("[ 1/2] index.qmd", 0.1),
    ("[ 2/2] chapters/e.qmd", 0.0),
    ("Executing 'e.quarto_ipynb'", 0.4),
    ("Output created: _book/index.html", 0.0),
    ("Running script 'lib/book/hooks.py post'", 0.1),
    ("Rendering PDF", 0.2),
]


def test_finish_times_each_step_from_its_mark_to_the_next():
    script = "import sys, time\n" + "".join(
        f"print({line!r}, flush=True); time.sleep({pause})\n" for line, pause in QUARTO_SAYS)
    process = subprocess.Popen([sys.executable, "-c", script], text=True, bufsize=1,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    r = render.finish(process)
    assert r.returncode == 0 and r.log.splitlines() == [line for line, _ in QUARTO_SAYS]
    assert list(r.steps) == ["pre-render", "index.qmd", "chapters/e.qmd", "executing e",
                             "post-render", "LaTeX (PDF)"]
    assert r.chapters.keys() == {"index.qmd", "chapters/e.qmd"}
    # each pause is a lower limit on its step (a busy machine only adds), and nothing is
    # counted twice: the steps fit inside the wall time
    assert r.steps["pre-render"] >= 0.3 and r.executions["e"] >= 0.4 and r.steps["LaTeX (PDF)"] >= 0.2
    assert sum(r.steps.values()) <= r.seconds


def test_copy_checkout_takes_sources_and_leaves_outputs(tmp_path):
    src = tmp_path / "src"
    for name in ("a.qmd", "lib/x.py", "_freeze/a/x.json", "chapters/films/f.mp4", "_book/a.html"):
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_text(name)
    dest = render.copy_checkout(tmp_path / "dest", src)  # not a git checkout
    copied = sorted(str(p.relative_to(dest)) for p in dest.rglob("*") if p.is_file())
    assert copied == ["a.qmd", "lib/x.py"]


def test_executed_names_chapters_run_in_the_render_and_in_its_workers():
    log = "\n".join(["executing 3 chapters in 2 workers: deep, seeing | conv",
                     "worker 1: 20.1 s, of which executing deep 9.0 s, seeing 8.2 s",
                     "Executing 'dropout-measured.quarto_ipynb'", "[ 3/11] chapters/e.qmd"])
    assert render.executed(log) == {"deep", "seeing", "conv", "dropout-measured"}
    assert render.executed("[ 3/11] chapters/e.qmd\nOutput created: _book/index.html") == set()
