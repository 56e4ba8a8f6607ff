"""The runner, the book's one executor, on small books written into a temporary folder: what it
makes of a chapter, and what it reports and leaves behind when a chapter fails or is stopped."""
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from lib.book import freeze, project, run
from lib.book.qmd import QmdError, read_qmd
from lib.book.run import ROOT, ChapterError, run_chapter

QUARTO_YML = """
project:
  type: book
book:
  title: T
  chapters:
    - index.qmd
    - part: "Part one"
      chapters:
        - chapters/a.qmd
fig-width: 4
fig-height: 3
format:
  html:
    fig-dpi: 50
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"))
    return path


@pytest.fixture
def book(tmp_path):
    """A book of a preface and one chapter, with a module at its root."""
    write(tmp_path / "_quarto.yml", QUARTO_YML)
    write(tmp_path / "index.qmd", "# Preface\n\n```{python}\nprint('preface')\n```\n")
    write(tmp_path / "helper.py", "def divide(a, b):\n    return a / b\n")
    return tmp_path


def quiet(line):
    pass


def printed(nb):
    return ["".join(o.text) for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "stream"]


def test_a_chapter_runs_as_written_from_the_project_root(book):
    chapter = write(book / "chapters" / "a.qmd", """
    # A

    ```{python}
    import os
    import matplotlib.pyplot as plt
    print(os.getcwd())
    print(tuple(plt.rcParams["figure.figsize"]), plt.rcParams["figure.dpi"])
    ```

    ```{python}
    #| eval: false
    skipped = True
    ```

    ```{python}
    #| label: check
    print("skipped" in globals())
    ```

    The answer is `{python} 6 * 7`, said `{python} "plainly"`.
    """)
    lines = []
    nb = run_chapter(chapter, book, echo=lines.append)
    setup, *cells = [c for c in nb.cells if c.cell_type == "code"]
    assert setup.source.startswith("#| include: false\n")  # Quarto shows none of it
    assert printed(nb)[0] == f"{book}\n(4.0, 3.0) 50.0\n"  # the root; the figure settings of _quarto.yml
    assert printed(nb)[1] == "False\n"  # the eval: false cell did not run, and is kept
    assert cells[1].source == "#| eval: false\nskipped = True" and not cells[1].outputs
    assert nb.cells[-1].source.strip() == "The answer is 42, said plainly."
    assert [c.id for c in nb.cells] == [f"cell-{k}" for k in range(1, len(nb.cells) + 1)]  # same bytes
    assert all(c.metadata == {} for c in nb.cells)  # no execution times either
    assert [ln.split()[1:4] for ln in lines[:3]] == [["cell", "1/3", "import"], ["cell", "2/3", "skipped"],
                                                   ["cell", "3/3", "check"]]
    assert "not run (eval: false)" in lines[1] and lines[-1].startswith("chapters/a.qmd: 3 cells in ")


def test_a_failing_cell_stops_the_chapter_and_leaves_its_notebook_and_log(book):
    chapter = write(book / "chapters" / "a.qmd", """
    # A

    ```{python}
    x = 1
    print("before")
    ```

    ```{python}
    #| label: divides
    from helper import divide
    y = 2
    divide(x, 0)
    ```
    """)
    with pytest.raises(ChapterError) as caught:
        run.execute(chapter, book, echo=quiet)
    report = str(caught.value)
    # The failing call is on line 12 of a.qmd, counted by hand; it raised in helper.py, line 2.
    assert report.splitlines() == [
        "chapters/a.qmd:12: cell 2 (divides) failed: ZeroDivisionError: division by zero",
        f"  raised at {book}/helper.py:2",
        "  notebook so far: _notebooks/chapters/a.failed.ipynb; log: _notebooks/chapters/a.log"]
    so_far = nbformat.read(book / "_notebooks" / "chapters" / "a.failed.ipynb", as_version=4)
    assert "before\n" in printed(so_far)
    log = (book / "_notebooks" / "chapters" / "a.log").read_text()
    assert "a.qmd cell 1/2" in log and "ZeroDivisionError" in log and "return a / b" in log  # the traceback
    assert freeze.stale_reasons(chapter, book) == ["never executed"]  # nothing to trust


def test_a_syntax_error_names_its_line(book):
    chapter = write(book / "chapters" / "a.qmd", "```{python}\nok = 1\nbad = (\n```\n")
    with pytest.raises(ChapterError, match=r"chapters/a.qmd:3: cell 1 .*SyntaxError"):
        run_chapter(chapter, book, echo=quiet)


def test_inline_expressions_that_fail_or_are_empty_are_refused(book):
    """Quarto 1.10 shows an inline expression whose value is "" as its source (execute-inline.ts)."""
    chapter = write(book / "chapters" / "a.qmd", "```{python}\nx = ''\n```\n\nSee `{python} nope`.\n")
    with pytest.raises(ChapterError, match=r"chapters/a.qmd:5: inline expression `nope` failed: NameError"):
        run_chapter(chapter, book, echo=quiet)
    write(chapter, "```{python}\nx = ''\n```\n\nSee `{python} x`.\n")
    with pytest.raises(ChapterError, match=r"chapters/a.qmd:5: inline expression `x` is empty"):
        run_chapter(chapter, book, echo=quiet)


def test_an_inline_expression_is_replaced_however_it_is_spaced_and_only_where_it_was_found(book):
    chapter = write(book / "chapters" / "a.qmd", "```{python}\nx = 6\n```\n\nSix: `{python}  x `, "
                    "`{python} x`.\n\n```markdown\nWritten as `{python} x`\n```\n")
    prose = [c.source for c in run_chapter(chapter, book, echo=quiet).cells if c.cell_type == "markdown"]
    assert prose == ["\nSix: 6, 6.\n\n```markdown\nWritten as `{python} x`\n```"]


def test_an_inline_expression_that_never_ends_or_kills_the_kernel_is_named(book):
    chapter = write(book / "chapters" / "a.qmd", "```{python}\nimport time\n```\n\nIt: `{python} time.sleep(60)`\n")
    with pytest.raises(ChapterError, match=r"^chapters/a.qmd:5: inline expressions from `time.sleep\(60\)` on did not"):
        run_chapter(chapter, book, echo=quiet, timeout=2)
    write(chapter, "```{python}\nimport os\n```\n\nIt: `{python} os._exit(3)`\n")
    with pytest.raises(ChapterError, match=r"^chapters/a.qmd:5: inline expressions from `os._exit\(3\)` on did not"):
        run_chapter(chapter, book, echo=quiet)


def test_a_failure_names_the_line_in_a_time_cell_and_where_in_the_project_it_was_raised(book):
    write(book / "lib" / "bad.py", "import json\n\ndef parse():\n    return json.loads('{bad')\n")
    chapter = write(book / "chapters" / "a.qmd", "```{python}\n%%time\nx = 1\nfrom lib.bad import parse\nparse()\n```\n")
    with pytest.raises(ChapterError) as caught:
        run_chapter(chapter, book, echo=quiet)
    assert str(caught.value).startswith("chapters/a.qmd:5: cell 1 (%%time) failed: JSONDecodeError")
    assert str(caught.value).endswith(f"raised at {book / 'lib' / 'bad.py'}:4")  # not in json's own code


def test_an_output_that_names_a_film_the_chapter_did_not_write_stops_it(book):
    chapter = write(book / "chapters" / "a.qmd", "```{python}\nprint('see films/nothing.png')\n```\n")
    with pytest.raises(ChapterError, match=r"chapters/a.qmd: its output names chapters/films/nothing.png, which it did not"):
        run.execute(chapter, book, echo=quiet)
    assert (book / "_notebooks" / "chapters" / "a.failed.ipynb").is_file()


def test_a_chapter_outside_the_book_and_a_figure_size_that_is_no_number_are_refused(book, tmp_path_factory):
    elsewhere = write(tmp_path_factory.mktemp("elsewhere") / "c.qmd", "# C\n")
    with pytest.raises(QmdError, match=r"c.qmd:0: is not inside the book"):
        run.execute(elsewhere, book, echo=quiet)
    write(book / "_quarto.yml", QUARTO_YML + "fig-width: 7in\n")
    with pytest.raises(QmdError, match=r"fig-width must be a positive number .* got '7in'"):
        run_chapter(book / "index.qmd", book, echo=quiet)


def test_error_true_shows_the_error_and_goes_on(book):
    chapter = write(book / "chapters" / "a.qmd", """
    ```{python}
    #| error: true
    1 / 0
    ```

    ```{python}
    print("after")
    ```
    """)
    nb = run_chapter(chapter, book, echo=quiet)
    outputs = [c.outputs for c in nb.cells if c.cell_type == "code"]
    assert outputs[1][0]["ename"] == "ZeroDivisionError" and printed(nb) == ["after\n"]


def test_a_cell_that_never_ends_is_stopped_and_named(book):
    chapter = write(book / "chapters" / "a.qmd", "```{python}\n#| label: forever\nimport time\ntime.sleep(600)\n```\n")
    with pytest.raises(ChapterError, match=r"^chapters/a.qmd:2: cell 1 \(forever\) was still running after 2 s"):
        run_chapter(chapter, book, echo=quiet, timeout=2)


def test_a_kernel_that_dies_is_reported_with_its_cell(book):
    chapter = write(book / "chapters" / "a.qmd", "```{python}\nx = 1\n```\n\n```{python}\nimport os\nos._exit(3)\n```\n")
    with pytest.raises(ChapterError, match=r"^chapters/a.qmd:6: cell 2 \(import os\): the kernel died"):
        run_chapter(chapter, book, echo=quiet)


def test_a_cell_whose_output_would_not_fit_a_page_is_refused(book, monkeypatch):
    monkeypatch.setattr(run, "MAX_OUTPUT", 10_000)
    chapter = write(book / "chapters" / "a.qmd", "```{python}\n#| label: chatty\nprint('x' * 20_000)\n```\n")
    with pytest.raises(ChapterError, match=r"^chapters/a.qmd:2: cell 1 \(chatty\) made 0.0 MB of output"):
        run_chapter(chapter, book, echo=quiet)


def test_an_executed_notebook_records_what_it_was_made_from(book):
    chapter = write(book / "chapters" / "a.qmd", "```{python}\nfrom helper import divide\n```\n")
    path = run.execute(chapter, book, echo=quiet)
    assert path == book / "_notebooks" / "chapters" / "a.ipynb"
    record = json.loads(path.read_text())["metadata"][freeze.RECORD]
    assert set(record["dependencies"]) == {"chapters/a.qmd", "helper.py", freeze.SETTINGS}
    assert record["outputs"] == {} and freeze.stale_reasons(chapter, book) == []
    assert not list(path.parent.glob("*.partial"))


def cli(*args):
    return subprocess.run([sys.executable, "-m", "lib.book.run", *args], cwd=ROOT, capture_output=True, text=True)


def test_with_no_chapter_named_the_cli_executes_the_stale_ones_two_at_a_time(book):
    write(book / "chapters" / "a.qmd", "```{python}\nprint('a')\n```\n")
    first = cli("--root", str(book))
    assert first.returncode == 0, first.stderr
    assert "index.qmd: executing (never executed)" in first.stdout and "chapters/a.qmd: 1 cells in" in first.stdout
    assert "Kernel is running over TCP" not in first.stderr  # the kernels' chatter is in the logs
    again = cli("--root", str(book))
    assert again.stdout == "every chapter's notebook is fresh: nothing to execute\n"
    (book / "helper.py").write_text("# an edit\n")  # nothing imports it: still fresh
    write(book / "index.qmd", "# Preface, edited\n")
    assert cli("--root", str(book)).stdout.splitlines()[0] == "index.qmd: executing (index.qmd changed)"


def test_the_cli_reports_a_failing_chapter_and_exits_nonzero(book):
    write(book / "chapters" / "a.qmd", "```{python}\nraise RuntimeError('boom')\n```\n")
    done = cli("--all", "--root", str(book))
    assert done.returncode == 1
    assert "error: chapters/a.qmd:2: cell 1 (raise RuntimeError('boom')) failed: RuntimeError: boom" in done.stderr
    assert "index.qmd: 1 cells in" in done.stdout  # the other chapter ran


def test_the_cli_refuses_a_missing_chapter_and_bad_numbers(book):
    done = cli("--all", "--root", str(book))
    assert done.returncode == 2
    assert f"{book}/_quarto.yml:9: listed chapter chapters/a.qmd does not exist" in done.stderr
    assert cli("--jobs", "0").returncode == 2 and cli("--timeout", "0").returncode == 2


def test_the_cli_says_where_quarto_yml_is_malformed(book):
    (book / "_quarto.yml").write_text("book:\n  chapters: [index.qmd\nfig-dpi: 100\n")
    done = cli("--root", str(book))
    assert done.returncode == 2 and f"error: {book}/_quarto.yml:3: invalid YAML in _quarto.yml" in done.stderr
    (book / "_quarto.yml").write_text("- a list, not a mapping\n")
    assert "_quarto.yml:1: _quarto.yml must be a YAML mapping, got list" in cli("--root", str(book)).stderr


def test_a_stopped_render_leaves_no_chapter_running(book):
    """SIGTERM (Quarto stopped, or `kill`) to the runner executing two chapters: it stops them both."""
    for name in ("a", "b"):
        write(book / "chapters" / f"{name}.qmd", f"```{{python}}\nimport time\nprint('{name} runs', flush=True)\n"
              "time.sleep(600)\n```\n")
    write(book / "_quarto.yml", QUARTO_YML.replace("- chapters/a.qmd", "- chapters/a.qmd\n        - chapters/b.qmd"))
    process = subprocess.Popen([sys.executable, "-m", "lib.book.run", "--root", str(book)], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    logs, waited = [book / "_notebooks" / "chapters" / f"{n}.log" for n in "ab"], time.monotonic()
    while not all(log.exists() for log in logs):  # both chapters started
        assert time.monotonic() - waited < 60
        time.sleep(0.2)
    time.sleep(5)  # their kernels are up and their cells sleep
    process.terminate()
    assert process.wait(timeout=60) != 0
    time.sleep(2)
    left = subprocess.run(["pgrep", "-f", f"lib.book.run .*--root {book}"], capture_output=True, text=True).stdout
    assert left == "", f"chapters still running after the runner was stopped: {left}"


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "killed"])
def test_an_interrupted_run_leaves_nothing_a_later_run_trusts(book, stop):
    chapter = write(book / "chapters" / "a.qmd", "```{python}\nx = 1\n```\n")
    run.execute(chapter, book, echo=quiet)
    old = (book / "_notebooks" / "chapters" / "a.ipynb").read_bytes()
    write(chapter, "```{python}\nx = 2\n```\n\n```{python}\nimport time\ntime.sleep(600)\n```\n")
    process = subprocess.Popen([sys.executable, "-m", "lib.book.run", str(chapter), "--root", str(book)],
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    log = book / "_notebooks" / "chapters" / "a.log"
    waited = time.monotonic()
    while "cell 1/2" not in (log.read_text() if log.exists() else ""):  # x = 2 ran; the sleep runs
        assert time.monotonic() - waited < 60 and process.poll() is None
        time.sleep(0.1)
    process.send_signal(stop)
    try:
        assert process.wait(timeout=60) != 0
    except subprocess.TimeoutExpired:  # say what the runner was doing, then leave no process behind
        status = Path(f"/proc/{process.pid}/status").read_text()
        process.kill()
        process.wait()
        raise AssertionError("the runner did not stop within 60 s of the signal:\n"
                             + "".join(ln for ln in status.splitlines(True) if ln.startswith(("State", "Sig")))) from None
    assert (book / "_notebooks" / "chapters" / "a.ipynb").read_bytes() == old  # the last whole one
    assert freeze.stale_reasons(chapter, book) == ["chapters/a.qmd changed"]  # ... and not trusted
    assert not list(log.parent.glob("*.partial"))
    write(chapter, "```{python}\nx = 2\n```\n")
    assert cli("--root", str(book)).returncode == 0 and freeze.stale_reasons(chapter, book) == []


def test_chapters_are_read_from_parts_and_must_exist(book):
    write(book / "chapters" / "a.qmd", "# A\n")
    assert project.chapters(book) == [book / "index.qmd", book / "chapters" / "a.qmd"]
    (book / "chapters" / "a.qmd").unlink()
    with pytest.raises(QmdError) as caught:
        project.chapters(book)
    assert caught.value.line == 9 and "chapters/a.qmd does not exist" in str(caught.value)


def test_the_setup_every_chapter_includes_finds_the_book_from_a_subfolder_of_a_clone(tmp_path):
    """A reader opens a downloaded notebook in chapters/ of a clone: `import lib` still works, and
    imports this clone's lib (_setup.qmd's cell comes before any other of the chapter's)."""
    shutil.copytree(ROOT / "lib", tmp_path / "lib", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "chapters").mkdir()
    setup = read_qmd(ROOT / "_setup.qmd").cells[0].source
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(setup), nbformat.v4.new_code_cell(
        "import os, lib\nprint(os.getcwd(), lib.__file__)")])
    NotebookClient(nb, kernel_name="python3", resources={"metadata": {"path": str(tmp_path / "chapters")}}).execute()
    assert nb.cells[1].outputs[0]["text"] == f"{tmp_path} {tmp_path / 'lib' / '__init__.py'}\n"
    assert os.getcwd() != str(tmp_path)  # the kernel moved, not this process
    for chapter in project.chapters(ROOT):  # and every chapter runs it first
        assert read_qmd(chapter, ROOT).cells[0].file.name == "_setup.qmd", chapter


def test_figure_settings_are_quartos_defaults_then_quarto_yml_then_the_chapter(book):
    chapter = write(book / "chapters" / "a.qmd", "---\nfig-height: 2\nformat:\n  html:\n    fig-dpi: 80\n---\n# A\n")
    options = project.figure_options(read_qmd(chapter, book), book)
    assert options == {"fig-width": 4, "fig-height": 2, "fig-dpi": 80}
    write(book / "_quarto.yml", "book:\n  chapters: [index.qmd]\nformat:\n  html: default\n  pdf: default\n")
    assert project.figure_options(read_qmd(book / "index.qmd", book), book) == project.FIGURE_DEFAULTS


def test_a_chapter_computes_with_one_blas_thread_however_it_was_started(tmp_path, monkeypatch):
    # float32 sums split over threads change in their last bits: _setup.qmd pins the BLAS to one
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.delenv(name, raising=False)
    shutil.copytree(ROOT / "lib", tmp_path / "lib", ignore=shutil.ignore_patterns("__pycache__", "book"))
    for name in ("_setup.qmd", "_quarto.yml"):
        shutil.copy(ROOT / name, tmp_path / name)
    chapter = write(tmp_path / "t.qmd", "{{< include /_setup.qmd >}}\n\n```{python}\nimport threadpoolctl\n"
                    "print(max(i['num_threads'] for i in threadpoolctl.threadpool_info()))\n```\n")
    assert printed(run_chapter(chapter, tmp_path, echo=quiet)) == ["1\n"]


def test_the_build_stays_small_enough_to_read_in_one_sitting():
    """lib/book/ holds what executes the chapters and hands them to Quarto (how the pages look is
    in assets/): at most 800 lines, docstrings and comments included."""
    files = [p for p in (ROOT / "lib" / "book").iterdir() if p.suffix in (".py", ".js", ".lua")]
    lines = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in files}
    assert sum(lines.values()) <= 800, f"lib/book/ has {sum(lines.values())} lines: {lines}"
