"""The book's PDF, made from the notebooks executed for the web pages: no chapter runs twice.

Once every chapter is executed, `_freeze/pdf/` becomes a small book project of its own: the book's title and chapters from `_quarto.yml`, each chapter as the notebook Quarto
executed for it (`_freeze/notebooks/`), the films' posters, and the `format: pdf` settings of
`assets/pdf.yml`. `quarto render` there only converts (Quarto does not execute an .ipynb); the
figures are the vector PDFs each notebook holds beside its PNGs, and the inline numbers are
the values Quarto stored in the notebook. The PDF is then copied into the site. In a whole
render it is made beside the web pages, in a process the pre-render step starts (start) and
the post-render step waits for (finish).
"""
from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
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


def make(root: Path = ROOT, echo=print) -> Path:
    """Make the PDF from the executed notebooks in `_freeze/pdf/`; return its path there. If the
    PDF made last time came from the same inputs, it is kept instead."""
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
    return made[0]


def publish(made: Path, root: Path = ROOT) -> Path:
    """Copy the PDF into the site; return its path there."""
    output = project_output_dir(Path(root))
    output.mkdir(exist_ok=True)
    target = output / made.name
    shutil.copyfile(made, target)
    return target


def build(root: Path = ROOT, echo=print) -> Path:
    """Make the PDF (or keep the last one) and copy it into the site; return its path there."""
    return publish(make(root, echo), root)


# Beside the pages. Once the pre-render step has executed every chapter, the PDF needs nothing
# more from the render: start() makes it in a process of its own while Quarto writes the web
# pages (LaTeX and Quarto each keep one core busy), and the post-render step's finish() waits
# for it and copies it into the site.
JOB = Path(freeze.FREEZE) / "pdf-job"  # its process id, its output, and its exit status
PID, LOG, STATUS = "pid", "log", "status"
_STARTED: dict[int, subprocess.Popen] = {}  # jobs started by this process, to wait on them


def start(root: Path = ROOT) -> None:
    """Begin making the PDF in a separate process (see finish); a job left running is stopped."""
    job = Path(root) / JOB
    _stop(job)
    job.mkdir(parents=True)
    here = str(Path(__file__).resolve().parents[2])  # where `lib` is, whatever the book
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [here, os.environ.get("PYTHONPATH")]))}
    with open(job / LOG, "w") as log:
        process = subprocess.Popen([sys.executable, "-m", "lib.book.pdf", "--make", str(root)],
                                   cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    _STARTED[process.pid] = process
    (job / PID).write_text(str(process.pid))


def finish(root: Path = ROOT, echo=print, poll: float = 0.2) -> Path:
    """Wait for the PDF begun by start(), say what making it printed, and copy it into the site;
    with no job begun, make it now. Return its path in the site."""
    root = Path(root)
    job = root / JOB
    if not (job / PID).is_file():
        return build(root, echo)
    pid = int((job / PID).read_text())
    while not (job / STATUS).is_file() and _running(pid):
        time.sleep(poll)
    status = (job / STATUS).read_text().strip() if (job / STATUS).is_file() else None
    said = (job / LOG).read_text(errors="replace")
    echo(said.rstrip())
    shutil.rmtree(job)
    if status != "0":
        ending = "it stopped without a word" if status is None else f"its exit status was {status}"
        raise RuntimeError(f"making the PDF beside the pages failed ({ending}); its output ends:\n"
                           + said[-3000:])
    return publish(next((root / PDF_DIR / "_book").glob("*.pdf")), root)


def _running(pid: int) -> bool:
    """True while process `pid` exists and is not a zombie (no init may reap it here)."""
    if pid in _STARTED:
        return _STARTED[pid].poll() is None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    try:
        return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True  # no /proc (macOS): the process exists


def _stop(job: Path) -> None:
    """Stop the job in `job` if it still runs (a render that stopped before its end), remove it."""
    if (job / PID).is_file():
        pid = int((job / PID).read_text())
        if not (job / STATUS).is_file() and _running(pid):
            try:
                os.killpg(pid, signal.SIGTERM)
            except (ProcessLookupError, PermissionError):
                pass
            for _ in range(50):
                if not _running(pid):
                    break
                time.sleep(0.1)
    if job.exists():
        shutil.rmtree(job)


def _job_main(root: Path) -> int:
    """The separate process of start(): make the PDF, timed, and leave its exit status."""
    status, said = 1, []
    t0 = time.perf_counter()
    try:
        make(root, echo=lambda line: (said.append(line), print(line, flush=True)))
        if not said:  # not kept: made
            print(f"PDF: made in {time.perf_counter() - t0:.1f} s, beside the pages", flush=True)
        status = 0
    except Exception as error:  # noqa: BLE001 - the status and the message are the report
        print(f"PDF: failed: {error!r}", flush=True)
    finally:
        status_file = Path(root) / JOB / STATUS
        status_file.with_suffix(".tmp").write_text(str(status))
        status_file.with_suffix(".tmp").rename(status_file)  # whole, or not at all
    return status


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "--make":
        sys.exit("usage: python -m lib.book.pdf --make ROOT   (the PDF job of lib.book.pdf.start)")
    sys.exit(_job_main(Path(sys.argv[2])))
