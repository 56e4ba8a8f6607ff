"""The book's PDF, made from the notebooks executed for the web pages: no chapter runs twice.

After the HTML render (the post-render step), `_freeze/pdf/` becomes a small book project of
its own: the book's title and chapters from `_quarto.yml`, each chapter as the notebook Quarto
executed for it (`_freeze/notebooks/`), the films' posters, and the `format: pdf` settings of
`assets/pdf.yml`. `quarto render` there only converts (Quarto does not execute an .ipynb); the
figures are the vector PDFs each notebook holds beside its PNGs, and the inline numbers are
the values Quarto stored in the notebook. The PDF is then copied into the site.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import yaml

from lib.book import freeze
from lib.book.render import quarto_command
from lib.book.run import ROOT, book_chapters, project_output_dir

PDF_DIR = Path(freeze.FREEZE) / "pdf"
SETTINGS = Path("assets/pdf.yml")
BOOK_KEYS = ("title", "subtitle", "author", "date")


def write_project(root: Path = ROOT, dest: Path | None = None) -> Path:
    """Lay out the PDF's book project in `dest` (default `_freeze/pdf`); return `dest`."""
    root = Path(root)
    dest = Path(dest) if dest is not None else root / PDF_DIR
    config = yaml.safe_load((root / "_quarto.yml").read_text(encoding="utf-8"))
    chapters = [c.relative_to(root) for c in book_chapters(root)]
    missing = [str(c) for c in chapters if not freeze.notebook_path(str(c), root).is_file()]
    if missing:
        raise FileNotFoundError(f"no executed notebook for {', '.join(missing)}: render the book first")
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    book = {k: v for k, v in config["book"].items() if k in BOOK_KEYS}
    book["chapters"] = [str(c.with_suffix(".ipynb")) for c in chapters]
    settings = yaml.safe_load((root / SETTINGS).read_text(encoding="utf-8"))
    project = {"project": {"type": "book", "output-dir": "_book"}, "book": book, "format": {"pdf": settings}}
    (dest / "_quarto.yml").write_text(yaml.safe_dump(project, sort_keys=False, allow_unicode=True))
    for c in chapters:
        (dest / c).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(freeze.notebook_path(str(c), root), dest / c.with_suffix(".ipynb"))
    for films in {(root / c).parent / "films" for c in chapters}:
        for poster in sorted(films.glob("*")) if films.is_dir() else []:
            if poster.suffix in (".png", ".jpg"):  # a film is its poster in the PDF
                target = dest / poster.relative_to(root)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(poster, target)
    return dest


STAMP = "inputs.sha256"  # in _freeze/pdf/: the hash of the inputs its PDF was made from


def inputs_hash(project: Path) -> str:
    """A hash of everything the PDF is made from: each file of its project but the outputs."""
    digest = hashlib.sha256()
    for path in sorted(p for p in Path(project).rglob("*") if p.is_file()):
        rel = path.relative_to(project)
        if rel.parts[0] == "_book" or rel.name == STAMP or path.suffix in (".log", ".aux", ".toc", ".tex"):
            continue
        digest.update(str(rel).encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def build(root: Path = ROOT, echo=print) -> Path:
    """Make the PDF from the executed notebooks and copy it into the site; return its path
    there. If the PDF made last time came from the same inputs, it is kept instead."""
    root = Path(root)
    dest = root / PDF_DIR
    staging = write_project(root, dest.with_name(dest.name + ".next"))
    digest = inputs_hash(staging)
    stamp = dest / STAMP
    if stamp.is_file() and stamp.read_text() == digest and len(list((dest / "_book").glob("*.pdf"))) == 1:
        shutil.rmtree(staging)
        echo("PDF: its inputs are unchanged since the last one was made; keeping it")
    else:
        if dest.exists():
            shutil.rmtree(dest)
        staging.rename(dest)
        env = {k: v for k, v in os.environ.items() if not k.startswith("QUARTO_PROJECT_")}
        subprocess.run([quarto_command(), "render", "--to", "pdf"], cwd=dest, env=env, check=True)
        stamp.write_text(digest)  # only once the PDF is made
    made = sorted((dest / "_book").glob("*.pdf"))
    if len(made) != 1:
        raise RuntimeError(f"expected one PDF in {dest / '_book'}, found {len(made)}")
    output = project_output_dir(root)
    output.mkdir(exist_ok=True)
    target = output / made[0].name
    shutil.copyfile(made[0], target)
    return target
