"""Timing a render from what Quarto prints, and copying the checkout a render starts from."""
import subprocess
import sys

from lib.book import render

ESC = "\x1b"
QUARTO_SAYS = [  # lines Quarto 1.10.16 printed rendering this book, colour codes and all,
    # in order, each with a pause (seconds) after it
    (f"{ESC}[1m{ESC}[34mRunning script 'lib/book/hooks.py'{ESC}[39m{ESC}[22m", 0.3),
    ("executing 1 chapters in 1 workers: e", 0.0),
    (f"{ESC}[1m{ESC}[34m\r[ 1/2] index.qmd{ESC}[39m{ESC}[22m", 0.1),
    (f"{ESC}[1m{ESC}[34m\r[ 2/2] chapters/e.qmd{ESC}[39m{ESC}[22m", 0.0),
    ("Executing 'e.quarto_ipynb'", 0.4),
    (f"{ESC}[1m{ESC}[34mRunning script 'lib/book/hooks.py'{ESC}[39m{ESC}[22m", 0.1),
    (f"{ESC}[1m{ESC}[34m\r[ 1/2] index.ipynb{ESC}[39m{ESC}[22m", 0.0),
    (f"{ESC}[1m{ESC}[34m", 0.0),
    (f"Rendering PDF{ESC}[39m{ESC}[22m", 0.2),
    ("Output created: _book/index.html", 0.0),
]


def test_finish_times_each_step_from_its_mark_to_the_next():
    script = "import sys, time\n" + "".join(
        f"print({line!r}, flush=True); time.sleep({pause})\n" for line, pause in QUARTO_SAYS)
    process = subprocess.Popen([sys.executable, "-c", script], text=True, bufsize=1,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    r = render.finish(process)
    assert r.returncode == 0 and r.log == "".join(f"{line}\n" for line, _ in QUARTO_SAYS).replace("\r", "\n")
    assert list(r.steps) == ["pre-render", "index.qmd", "chapters/e.qmd", "executing e",
                             "post-render", "LaTeX (PDF)"]
    assert r.chapters.keys() == {"index.qmd", "chapters/e.qmd"}
    # each pause is a lower limit on its step (a busy machine only adds), and nothing is
    # counted twice: the steps fit inside the wall time
    assert r.steps["pre-render"] >= 0.3 and r.executions["e"] >= 0.4 and r.steps["LaTeX (PDF)"] >= 0.2
    assert sum(r.steps.values()) <= r.seconds


def test_a_render_of_named_files_has_its_post_render_step_too():
    """Files named on the command line (a worker's render) get no "[ 1/2]" marks."""
    says = [QUARTO_SAYS[0], ("Executing 'e.quarto_ipynb'", 0.1), QUARTO_SAYS[5]]
    script = "import sys, time\n" + "".join(
        f"print({line!r}, flush=True); time.sleep({pause})\n" for line, pause in says)
    process = subprocess.Popen([sys.executable, "-c", script], text=True, bufsize=1,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert list(render.finish(process).steps) == ["pre-render", "executing e", "post-render"]


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
