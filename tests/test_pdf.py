"""The PDF's own small project, and keeping the last PDF when nothing it is made from changed."""
import subprocess

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
