"""The PDF's own small project, and keeping the last PDF when nothing it is made from changed."""
import subprocess
import sys

import pytest
import yaml

from lib.book import freeze, pdf


@pytest.fixture
def book(tmp_path):
    """A book of two chapters whose executed notebooks are kept, as after an HTML render."""
    (tmp_path / "chapters" / "films").mkdir(parents=True)
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "pdf.yml").write_text("documentclass: scrbook\n")
    (tmp_path / "_quarto.yml").write_text(
        "project:\n  type: book\nbook:\n  title: T\n  site-url: https://example.org\n"
        "  chapters: [index.qmd, chapters/a.qmd]\n")
    for chapter in ("index.qmd", "chapters/a.qmd"):
        (tmp_path / chapter).write_text("# A\n")
        kept = freeze.notebook_path(chapter, tmp_path)
        kept.parent.mkdir(parents=True, exist_ok=True)
        kept.write_text('{"cells": []}')
    (tmp_path / "chapters" / "films" / "a.png").write_bytes(b"poster")
    (tmp_path / "chapters" / "films" / "a.mp4").write_bytes(b"film")
    return tmp_path


@pytest.fixture
def quarto(monkeypatch):
    """Stands in for `quarto render --to pdf`: writes a PDF naming its render, counts renders."""
    calls = []

    def run(args, cwd, env, check):
        assert args[1:] == ["render", "--to", "pdf"]
        calls.append(cwd)
        (cwd / "_book").mkdir(exist_ok=True)
        (cwd / "_book" / "T.pdf").write_text(f"render {len(calls)}")
        return subprocess.CompletedProcess(args, 0)

    monkeypatch.setattr(pdf, "quarto_command", lambda: "quarto")
    monkeypatch.setattr(pdf.subprocess, "run", run)
    return calls


def test_the_project_has_the_book_title_notebooks_posters_and_pdf_settings(book):
    dest = pdf.write_project(book)
    config = yaml.safe_load((dest / "_quarto.yml").read_text())
    assert config["book"] == {"title": "T", "chapters": ["index.ipynb", "chapters/a.ipynb"]}
    assert config["format"] == {"pdf": {"documentclass": "scrbook"}}
    assert (dest / "chapters" / "a.ipynb").read_text() == '{"cells": []}'
    assert (dest / "chapters" / "films" / "a.png").read_bytes() == b"poster"
    assert not (dest / "chapters" / "films" / "a.mp4").exists()


def test_a_chapter_never_executed_is_named(book):
    freeze.notebook_path("chapters/a.qmd", book).unlink()
    with pytest.raises(FileNotFoundError, match="chapters/a.qmd"):
        pdf.write_project(book)


def test_the_pdf_is_made_again_only_when_its_inputs_change(book, quarto):
    said = []
    target = pdf.build(book, echo=said.append)
    assert target == book / "_book" / "T.pdf" and target.read_text() == "render 1"
    assert pdf.build(book, echo=said.append).read_text() == "render 1"  # nothing changed
    assert len(quarto) == 1 and "unchanged" in said[0]
    assert not (book / "_freeze" / "pdf.next").exists()
    freeze.notebook_path("chapters/a.qmd", book).write_text('{"cells": [1]}')  # a chapter re-ran
    assert pdf.build(book).read_text() == "render 2"
    (book / "chapters" / "films" / "a.png").write_bytes(b"new poster")
    assert pdf.build(book).read_text() == "render 3"
    (book / "assets" / "pdf.yml").write_text("documentclass: scrreprt\n")
    assert pdf.build(book).read_text() == "render 4"
    (book / "_freeze" / "pdf" / "_book" / "T.pdf").unlink()  # the PDF itself is gone
    assert pdf.build(book).read_text() == "render 5"


def test_a_failed_render_is_retried_next_time(book, quarto, monkeypatch):
    pdf.build(book)
    freeze.notebook_path("index.qmd", book).write_text('{"cells": [2]}')

    def fail(args, cwd, env, check):
        raise subprocess.CalledProcessError(1, args)

    with monkeypatch.context() as m:
        m.setattr(pdf.subprocess, "run", fail)
        with pytest.raises(subprocess.CalledProcessError):
            pdf.build(book)
    assert pdf.build(book).read_text() == "render 2"


# --- the PDF made beside the pages, in a process of its own ---------------------------------

FAKE_QUARTO = """import os, pathlib, sys, time
gate = pathlib.Path(os.environ["FAKE_QUARTO_GATE"])
waited = time.monotonic()
while not gate.exists():  # the render waits until the test lets it finish
    if time.monotonic() - waited > 120:  # a test that failed first never will
        sys.exit("the gate never opened")
    time.sleep(0.02)
print("Rendering PDF", flush=True)
if os.environ.get("FAKE_QUARTO_FAIL"):
    print("! LaTeX Error: a test said so", flush=True)
    sys.exit(1)
pathlib.Path("_book").mkdir(exist_ok=True)
pathlib.Path("_book/T.pdf").write_text("made by the job")
"""


@pytest.fixture
def slow_quarto(tmp_path, monkeypatch):
    """A `quarto` executable that makes the PDF only once the returned gate file exists."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    exe = bin_dir / "quarto"
    exe.write_text(f"#!{sys.executable}\n{FAKE_QUARTO}")
    exe.chmod(0o755)
    gate = tmp_path / "gate"
    monkeypatch.setenv("QUARTO_BIN_PATH", str(bin_dir))
    monkeypatch.setenv("FAKE_QUARTO_GATE", str(gate))
    return gate


def test_the_pdf_is_made_beside_the_pages_and_waited_for(book, slow_quarto):
    pdf.start(book)  # returns while the job's render still waits at the gate
    assert not (book / "_book" / "T.pdf").exists()
    assert not (book / "_freeze" / "pdf" / "_book" / "T.pdf").exists()
    slow_quarto.touch()
    said = []
    target = pdf.finish(book, echo=said.append)
    assert target == book / "_book" / "T.pdf" and target.read_text() == "made by the job"
    assert "Rendering PDF" in said[0] and "PDF: made in" in said[0]  # the job's output, passed on
    assert not (book / pdf.JOB).exists()
    said.clear()
    pdf.start(book)  # nothing changed: the job keeps the PDF
    target = pdf.finish(book, echo=said.append)
    assert "inputs are unchanged" in said[0] and target.read_text() == "made by the job"


def test_a_failed_job_fails_the_step_that_waits_for_it(book, slow_quarto, monkeypatch):
    monkeypatch.setenv("FAKE_QUARTO_FAIL", "1")
    slow_quarto.touch()
    pdf.start(book)
    with pytest.raises(RuntimeError, match="(?s)exit status was 1.*a test said so"):
        pdf.finish(book, echo=lambda s: None)
    assert not (book / "_book" / "T.pdf").exists()


def test_a_job_left_by_an_interrupted_render_is_stopped_by_the_next(book, slow_quarto):
    pdf.start(book)
    first = int((book / pdf.JOB / pdf.PID).read_text())
    assert pdf._running(first)
    pdf.start(book)  # the first never finished: it is stopped, and a new one begun
    assert not pdf._running(first)
    slow_quarto.touch()
    assert pdf.finish(book, echo=lambda s: None).read_text() == "made by the job"


def test_with_no_job_begun_the_pdf_is_made_when_asked(book, quarto):
    assert pdf.finish(book, echo=lambda s: None).read_text() == "render 1"
    assert len(quarto) == 1
