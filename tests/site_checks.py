"""Checks of a rendered site (`_book/`) that reading the sources can't make: the site tests'
oracle, and the report `make book` prints at the end (standard library only).

    python tests/site_checks.py _book      # page weights, sizes, and every problem found

Each check returns its problems as strings (none when all is well), so a test can assert on it
and the report says what is wrong where. HTML is read with the standard library's parser.
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
FETCHED_LINKS = {"stylesheet", "icon", "preload", "modulepreload", "prefetch", "manifest",
                 "apple-touch-icon", "mask-icon"}  # <link rel=...> a browser fetches
CSS_URL = re.compile(r"""(?:@import\s*(?:url\()?|url\()\s*['"]?([^'")\s;]+)""")  # minified too
HIDDEN = {"pre", "script", "style", "textarea"}  # elements whose text is code or data, not prose
PAGE_LIMIT = 1_500_000  # bytes: a chapter page with its figures and films, site_libs aside


@dataclass
class Page(HTMLParser):
    """What one HTML page holds: the URLs it loads and links, ids, images, videos, styles, text."""

    path: Path
    loads: list[tuple[str, str, str]] = field(default_factory=list)  # (tag, attribute, url)
    links: list[str] = field(default_factory=list)  # <a href>
    ids: set[str] = field(default_factory=set)
    images: list[dict] = field(default_factory=list)
    videos: list[dict] = field(default_factory=list)
    styles: list[str] = field(default_factory=list)  # <style> and style=
    modules: list[str] = field(default_factory=list)  # <script type="module">: src, or "inline"
    text: str = ""
    prose: str = ""  # the text outside <pre>, <script> and <style>

    def __post_init__(self):
        super().__init__(convert_charrefs=True)
        self._tag, self._hidden = "", 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.ids |= {v for k, v in a.items() if v and (k == "id" or (k == "name" and tag == "a"))}
        self.styles += [a["style"]] if a.get("style") else []
        fetched = tag != "link" or set((a.get("rel") or "").lower().split()) & FETCHED_LINKS
        for attribute in LOADS.get(tag, ()) if fetched else ():
            value = a.get(attribute) or ""
            urls = [p.strip().split(" ")[0] for p in value.split(",")] if attribute == "srcset" else [value]
            self.loads += [(tag, attribute, url) for url in urls if url]
        self.links += [a["href"]] if tag == "a" and a.get("href") else []
        {"img": self.images, "video": self.videos}.get(tag, []).append(a)
        self.modules += [a.get("src") or "inline"] if tag == "script" and a.get("type") == "module" else []
        self._tag, self._hidden = tag, self._hidden + (tag in HIDDEN)

    def handle_endtag(self, tag):
        self._tag, self._hidden = "", max(0, self._hidden - (tag in HIDDEN))

    def handle_data(self, data):
        self.styles += [data] if self._tag == "style" else []
        self.text += data
        self.prose += data if not self._hidden else ""


def read_page(path: Path | str) -> Page:
    page = Page(Path(path))
    page.feed(page.path.read_text(encoding="utf-8"))
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
    return (target / "index.html" if parts.path.endswith("/") else target), parts.fragment


def pages(book: Path | str) -> list[Path]:
    """Every HTML page of the site, site_libs aside."""
    return sorted(p for p in Path(book).rglob("*.html") if "site_libs" not in p.relative_to(book).parts)


def outside_loads(book: Path | str) -> list[str]:
    """Everything a page or a stylesheet of the site would fetch from another host."""
    book, problems = Path(book), []
    for path in pages(book):
        page, name = read_page(path), path.relative_to(book)
        problems += [f"{name}: <{tag} {attr}> {url}" for tag, attr, url in page.loads if is_outside(url)]
        problems += [f"{name}: CSS {url}" for css in page.styles for url in CSS_URL.findall(css) if is_outside(url)]
    for css in sorted(book.rglob("*.css")):
        text = css.read_text(encoding="utf-8", errors="replace")
        problems += [f"{css.relative_to(book)}: {url}" for url in CSS_URL.findall(text) if is_outside(url)]
    return problems


def broken_links(book: Path | str) -> list[str]:
    """Local links and loads whose file is missing, and #fragments no element carries."""
    book, problems, cache = Path(book).resolve(), [], {}

    def parsed(path: Path) -> Page:  # each page parsed once (a long page takes seconds)
        if path not in cache:
            cache[path] = read_page(path)
        return cache[path]

    for path in pages(book):
        page = parsed(path)
        for url in [u for _, _, u in page.loads] + page.links:
            target, fragment = _local_target(path, url)
            if target is not None and not target.is_file():
                problems.append(f"{path.relative_to(book)}: {url} (no such file)")
            elif target is not None and fragment and target.suffix == ".html" \
                    and unquote(fragment) not in parsed(target).ids:
                problems.append(f"{path.relative_to(book)}: {url} (no #{fragment} there)")
    return problems


def unresolved_references(book: Path | str) -> list[str]:
    """Cross-references Quarto could not resolve: it prints them as `?@fig-name`."""
    return [f"{p.relative_to(book)}: {m}" for p in pages(book) for m in re.findall(r"\?@[\w-]+", read_page(p).text)]


def unevaluated_code(book: Path | str) -> list[str]:
    """Inline code left as written (`{python} expr` shown instead of its value) in the prose."""
    return [f"{p.relative_to(book)}: inline code left unevaluated: {m[:80]}" for p in pages(book)
            for m in re.findall(r"\{python\}[^\n]*", read_page(p).prose)]


def missing_alt_text(book: Path | str) -> list[str]:
    """Images without alt text and videos without a label."""
    book, problems = Path(book), []
    for path in pages(book):
        page = read_page(path)
        problems += [f"{path.relative_to(book)}: <img src={a.get('src')}> has no alt text" for a in page.images
                     if not (a.get("alt") or "").strip() and "site_libs" not in (a.get("src") or "")]
        problems += [f"{path.relative_to(book)}: <video> has no aria-label" for a in page.videos
                     if not (a.get("aria-label") or "").strip()]
    return problems


def module_scripts(book: Path | str) -> list[str]:
    """ES module scripts: Chromium runs none in a page opened from disk (a file:// URL), so the
    page would lose what they do (lib/book/hooks.py makes Quarto's classic)."""
    return [f"{p.relative_to(book)}: <script type=module> {src} does not run opened from disk"
            for p in pages(book) for src in read_page(p).modules]


def page_weight(path: Path | str) -> int:
    """Bytes of one page plus every local file it loads, except the shared site_libs."""
    path = Path(path).resolve()
    targets = {_local_target(path, url)[0] for _, _, url in read_page(path).loads}
    files = {path} | {t for t in targets if t is not None and t.is_file() and "site_libs" not in t.parts}
    return sum(f.stat().st_size for f in files)


def pdf_facts(path: Path | str) -> dict:
    """A PDF's bytes, pages and images (the images each page draws, as poppler's pdfimages lists
    them); pages and images are None without poppler-utils' pdfinfo and pdfimages."""
    import shutil
    import subprocess

    path, facts = Path(path), {"bytes": Path(path).stat().st_size, "pages": None, "images": None}
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
        facts["pages"] = int(m[1]) if (m := re.search(r"^Pages:\s+(\d+)", info, re.M)) else None
    if shutil.which("pdfimages"):
        listed = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True)
        facts["images"] = len(listed.stdout.splitlines()[2:]) if listed.returncode == 0 else None
    return facts


def describe_pdf(path: Path) -> str:
    facts = pdf_facts(path)
    counts = (f"{facts['pages']} pages, " if facts["pages"] is not None else "") + f"{facts['bytes'] / 1e6:.2f} MB"
    counts += f", {facts['images']} images" if facts["images"] is not None else ""
    missing = facts["pages"] is None or facts["images"] is None
    return f"PDF {path.name}: {counts}" + (" (pages and images: install poppler-utils)" if missing else "")


def size(directory: Path | str) -> int:
    return sum(f.stat().st_size for f in Path(directory).rglob("*") if f.is_file())


def report(book: Path | str) -> tuple[str, list[str]]:
    """A printable report of page weights and sizes, and every problem found."""
    book = Path(book)
    weights = {p: page_weight(p) for p in pages(book)}
    lines = ["page weights (the page and what it loads, site_libs aside):"]
    lines += [f"  {str(p.relative_to(book)):32} {w / 1e6:6.2f} MB" + ("  over the limit" if w > PAGE_LIMIT else "")
              for p, w in weights.items()]
    lines += [describe_pdf(p) for p in sorted(book.glob("*.pdf"))]
    lines.append(f"site_libs: {size(book / 'site_libs') / 1e6:.2f} MB; whole {book}/: {size(book) / 1e6:.2f} MB")
    problems = (outside_loads(book) + broken_links(book) + unresolved_references(book) + unevaluated_code(book)
                + missing_alt_text(book) + module_scripts(book) + [f"{p.relative_to(book)}: {w:,} bytes > {PAGE_LIMIT:,}"
                                            for p, w in weights.items() if w > PAGE_LIMIT])
    return "\n".join(lines), problems


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    book = Path(args[0] if args else "_book")
    if not (book / "index.html").is_file():
        print(f"error: {book}/index.html does not exist: render the book first", file=sys.stderr)
        return 2
    text, problems = report(book)
    print(text + "".join(f"\nproblem: {p}" for p in problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
