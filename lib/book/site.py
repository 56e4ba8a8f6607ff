"""Checks of a rendered site (`_book/`) that reading the sources can't make.

    python -m lib.book.site _book      # page weights, whole size, and every problem found

Each check returns a list of problems as strings (empty when all is well), so a test can
assert on it and a reader of the report sees what is wrong where. Only the standard library:
HTML is read with `html.parser`.
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

# Attributes whose URL the browser loads by itself, without the reader clicking anything.
LOADS = {"img": ("src", "srcset"), "script": ("src",), "link": ("href",), "source": ("src", "srcset"),
         "video": ("src", "poster"), "audio": ("src",), "iframe": ("src",), "embed": ("src",),
         "object": ("data",), "track": ("src",), "image": ("href",)}
CSS_URL = re.compile(r"""(?:@import\s*(?:url\()?|url\()\s*['"]?([^'")\s;]+)""")  # minified too
PAGE_LIMIT = 1_500_000  # bytes: a chapter page with its figures and films, site_libs aside


@dataclass
class Page:
    """What one HTML page holds: every tag's URLs, ids, images and videos."""

    path: Path
    loads: list[tuple[str, str, str]] = field(default_factory=list)   # (tag, attribute, url)
    links: list[str] = field(default_factory=list)                    # <a href>
    ids: set[str] = field(default_factory=set)
    images: list[dict] = field(default_factory=list)
    videos: list[dict] = field(default_factory=list)
    styles: list[str] = field(default_factory=list)                   # inline <style> and style=
    text: str = ""
    prose: str = ""  # the text a reader reads: outside <pre>, <script> and <style>


HIDDEN = {"pre", "script", "style", "textarea"}  # elements whose text is code or data


class _Reader(HTMLParser):
    def __init__(self, page: Page):
        super().__init__(convert_charrefs=True)
        self.page, self._in_style, self._hidden = page, False, 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.page.ids.add(a["id"])
        if "name" in a and tag == "a":
            self.page.ids.add(a["name"])
        if a.get("style"):
            self.page.styles.append(a["style"])
        for attribute in LOADS.get(tag, ()):
            value = a.get(attribute)
            if not value:
                continue
            urls = [part.strip().split(" ")[0] for part in value.split(",")] if attribute == "srcset" else [value]
            if tag == "link" and not _loads_link(a):
                continue
            self.page.loads += [(tag, attribute, url) for url in urls]
        if tag == "a" and a.get("href"):
            self.page.links.append(a["href"])
        if tag == "img":
            self.page.images.append(a)
        if tag == "video":
            self.page.videos.append(a)
        self._in_style = tag == "style"
        self._hidden += tag in HIDDEN

    def handle_endtag(self, tag):
        self._in_style = False
        if tag in HIDDEN:
            self._hidden = max(0, self._hidden - 1)

    def handle_data(self, data):
        if self._in_style:
            self.page.styles.append(data)
        self.page.text += data
        if not self._hidden:
            self.page.prose += data


def _loads_link(attrs: dict) -> bool:
    """A <link> the browser fetches (stylesheet, icon, preload, ...), not a plain relation."""
    rel = set((attrs.get("rel") or "").lower().split())
    return bool(rel & {"stylesheet", "icon", "preload", "modulepreload", "prefetch", "manifest",
                       "apple-touch-icon", "mask-icon"})


def read_page(path: Path | str) -> Page:
    """Parse one HTML file."""
    page = Page(Path(path))
    _Reader(page).feed(page.path.read_text(encoding="utf-8"))
    return page


def is_outside(url: str) -> bool:
    """True for a URL on another host (http:, https:, protocol-relative //host)."""
    parts = urlsplit(url.strip())
    return bool(parts.netloc) or parts.scheme in ("http", "https", "ftp")


def _local_target(page: Path, url: str) -> tuple[Path | None, str]:
    """The file a relative URL names (None for data:, mailto:, outside URLs...), and its #fragment."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None, ""
    target = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
    if parts.path.endswith("/"):
        target = target / "index.html"
    return target, parts.fragment


def pages(book: Path | str) -> list[Path]:
    """Every HTML page of the site, site_libs aside."""
    book = Path(book)
    return sorted(p for p in book.rglob("*.html") if "site_libs" not in p.relative_to(book).parts)


def outside_loads(book: Path | str) -> list[str]:
    """Everything a page or a stylesheet of the site would fetch from another host."""
    book, problems = Path(book), []
    for path in pages(book):
        page = read_page(path)
        problems += [f"{path.relative_to(book)}: <{tag} {attr}> {url}"
                     for tag, attr, url in page.loads if is_outside(url)]
        problems += [f"{path.relative_to(book)}: CSS {url}"
                     for css in page.styles for url in CSS_URL.findall(css) if is_outside(url)]
    for css in sorted(book.rglob("*.css")):
        text = css.read_text(encoding="utf-8", errors="replace")
        problems += [f"{css.relative_to(book)}: {url}" for url in CSS_URL.findall(text) if is_outside(url)]
    return problems


def broken_links(book: Path | str) -> list[str]:
    """Local links and loads whose file is missing, and #fragments no element carries."""
    book, problems, cache = Path(book).resolve(), [], {}
    for path in pages(book):
        page = cache.setdefault(path, read_page(path))
        for url in [u for _, _, u in page.loads] + page.links:
            target, fragment = _local_target(path, url)
            if target is None:
                continue
            if not target.is_file():
                problems.append(f"{path.relative_to(book)}: {url} (no such file)")
            elif fragment and target.suffix == ".html":
                ids = cache.setdefault(target, read_page(target)).ids
                if unquote(fragment) not in ids:
                    problems.append(f"{path.relative_to(book)}: {url} (no #{fragment} there)")
    return problems


def unresolved_references(book: Path | str) -> list[str]:
    """Cross-references Quarto could not resolve: it prints them as `?@fig-name`."""
    book = Path(book)
    return [f"{p.relative_to(book)}: {m}" for p in pages(book)
            for m in re.findall(r"\?@[\w-]+", read_page(p).text)]


def unevaluated_code(book: Path | str) -> list[str]:
    """Inline code Quarto left as it was written (`{python} expr` shown instead of its value:
    e.g. two inline expressions written back to back, which Pandoc reads as one span)."""
    book = Path(book)
    return [f"{p.relative_to(book)}: inline code left unevaluated: {m[:80]}" for p in pages(book)
            for m in re.findall(r"\{python\}[^\n]*", read_page(p).prose)]


def missing_alt_text(book: Path | str) -> list[str]:
    """Images without alt text and videos without a label."""
    book, problems = Path(book), []
    for path in pages(book):
        page = read_page(path)
        problems += [f"{path.relative_to(book)}: <img src={a.get('src')}> has no alt text"
                     for a in page.images if not (a.get("alt") or "").strip()
                     and "site_libs" not in (a.get("src") or "")]
        problems += [f"{path.relative_to(book)}: <video> has no aria-label"
                     for a in page.videos if not (a.get("aria-label") or "").strip()]
    return problems


def page_weight(path: Path | str) -> int:
    """Bytes of one page plus every local file it loads, except the shared site_libs."""
    path = Path(path).resolve()
    files = {path}
    for _, _, url in read_page(path).loads:
        target, _ = _local_target(path, url)
        if target is not None and target.is_file() and "site_libs" not in target.parts:
            files.add(target)
    return sum(f.stat().st_size for f in files)


def size(directory: Path | str) -> int:
    """Bytes of every file under `directory`."""
    return sum(f.stat().st_size for f in Path(directory).rglob("*") if f.is_file())


def report(book: Path | str) -> tuple[str, list[str]]:
    """A printable report of page weights and sizes, and every problem found."""
    book = Path(book)
    lines = ["page weights (the page and what it loads, site_libs aside):"]
    for path in pages(book):
        weight = page_weight(path)
        flag = "  over the limit" if weight > PAGE_LIMIT else ""
        lines.append(f"  {str(path.relative_to(book)):32} {weight / 1e6:6.2f} MB{flag}")
    pdfs = sorted(book.glob("*.pdf"))
    lines += [f"PDF {p.name}: {p.stat().st_size / 1e6:.2f} MB" for p in pdfs]
    lines.append(f"site_libs: {size(book / 'site_libs') / 1e6:.2f} MB; "
                 f"whole {book}/: {size(book) / 1e6:.2f} MB")
    problems = (outside_loads(book) + broken_links(book) + unresolved_references(book)
                + unevaluated_code(book) + missing_alt_text(book)
                + [f"{p.relative_to(book)}: {page_weight(p):,} bytes > {PAGE_LIMIT:,}"
                   for p in pages(book) if page_weight(p) > PAGE_LIMIT])
    return "\n".join(lines), problems


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    book = Path(args[0] if args else "_book")
    if not (book / "index.html").is_file():
        print(f"error: {book}/index.html does not exist: render the book first", file=sys.stderr)
        return 2
    text, problems = report(book)
    print(text)
    for problem in problems:
        print(f"problem: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
