"""Quarto's pre- and post-render steps (`_quarto.yml`), run by path with Quarto's Python. `pre` executes
every stale chapter and waits (a failure stops the render); `post` puts each chapter's notebook beside its
page and makes its ES module scripts and search's index classic scripts, which a page from disk runs."""
import os
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
MODULE = re.compile(r'<script src="([^"]+)\.js" type="module"></script>\n?')
IMPORT = re.compile(r'^import \* as (\w+) from "(\.[^"]+)";\n', re.M)
EXPORT = re.compile(r"^export (?=(?:async\s+)?(?:function\*?|const|let|class)\s+(\w+))", re.M)


def post(outputs: list[Path], root: Path = ROOT) -> int:
    from lib.book import freeze, project
    pages = {p.resolve() for p in outputs if p.suffix == ".html"}  # the pages this render wrote
    for chapter in project.chapters(root):
        page = (project.output_dir(root) / chapter.relative_to(root).with_suffix(".html")).resolve()
        if page in pages:
            reader_notebook(freeze.notebook_path(chapter.relative_to(root), root), page.with_suffix(".ipynb"))
            classic_scripts(page)
    if (index := project.output_dir(root) / "search.json").is_file():
        index.with_name("search.json.js").write_text(f"window.quartoSearchIndex = {index.read_text('utf-8')};\n", "utf-8")
    return 0


def reader_notebook(executed: Path, target: Path) -> None:
    """The notebook a reader downloads: without the figures' PDF copies and the build's record."""
    from lib.book.freeze import RECORD
    nb = nbformat.read(executed, as_version=4)
    nb.metadata.pop(RECORD, None)
    for output in (o for cell in nb.cells for o in cell.get("outputs", [])):
        output.get("data", {}).pop("application/pdf", None)
    nbformat.write(nb, target)


def classic_scripts(page: Path) -> None:
    """Each module script of the page as a classic one (*.offline.js), with what it imports inlined."""
    html, here, inlined = page.read_text(encoding="utf-8"), page.parent, set()
    for m in (m for m in MODULE.finditer(html) if (here / f"{m[1]}.js").resolve() not in inlined):
        def inline(i):  # `import * as x from "./y.js"`: y in a scope of its own, x its exports
            inlined.add(path := ((here / m[1]).parent / i[2]).resolve())
            text = path.read_text(encoding="utf-8")
            return f"const {i[1]} = (() => {{\n{EXPORT.sub('', text)}\nreturn {{ {', '.join(EXPORT.findall(text))} }};\n}})();\n"
        body = IMPORT.sub(inline, (here / f"{m[1]}.js").read_text(encoding="utf-8"))
        if re.search(r"^\s*(import|export)\b|\bimport\s*\(|import\.meta", body, re.M):
            raise ValueError(f"{m[1]}.js: an import or export that lib/book/hooks.py cannot make classic")
        (here / f"{m[1]}.offline.js").write_text(f'(function () {{\n"use strict";\n{body}\n}})();\n', encoding="utf-8")
    page.write_text(MODULE.sub(lambda m: "" if (here / f"{m[1]}.js").resolve() in inlined
                               else f'<script src="{m[1]}.offline.js" defer></script>\n', html), encoding="utf-8")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))  # run by its path: make `lib` importable
    if sys.argv[1:] == ["pre"]:
        from lib.book import run
        sys.exit(run.main([]))
    if sys.argv[1:] == ["post"]:  # Quarto lists the files it wrote in a variable, or a file when long
        listing = os.environ.get("QUARTO_USE_FILE_FOR_PROJECT_OUTPUT_FILES")
        text = Path(listing).read_text() if listing else os.environ.get("QUARTO_PROJECT_OUTPUT_FILES", "")
        sys.exit(post([ROOT / line for line in text.splitlines() if line.strip()]))
    sys.exit("usage: lib/book/hooks.py pre|post")
