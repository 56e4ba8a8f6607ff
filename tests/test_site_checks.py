"""The site checks, on small sites written here (no Quarto needed)."""
from pathlib import Path

import site_checks

PAGE = """<!DOCTYPE html><html><head>
<link href="../site_libs/bootstrap/bootstrap.min.css" rel="stylesheet">
<link rel="canonical" href="https://example.org/book/">
{head}</head><body><main>
<h2 id="sec-a">A</h2>
<a href="https://quarto.org">Quarto</a> <a href="other.html#sec-b">b</a>
{body}
</main></body></html>"""


def write_site(root: Path, head: str = "", body: str = "", css: str = "body{}") -> Path:
    (root / "chapters").mkdir(parents=True)
    (root / "site_libs" / "bootstrap").mkdir(parents=True)
    (root / "site_libs" / "bootstrap" / "bootstrap.min.css").write_text(css)
    (root / "chapters" / "a.html").write_text(PAGE.format(head=head, body=body))
    (root / "chapters" / "other.html").write_text(PAGE.format(head="", body='<p id="sec-b">b</p>'))
    index = PAGE.format(head="", body="").replace("other.html", "chapters/other.html")
    (root / "index.html").write_text(index.replace("../site_libs", "site_libs"))
    return root


def test_a_clean_site_has_no_problems(tmp_path):
    book = write_site(tmp_path, body='<img src="a_files/f.png" alt="A plot of y against x.">')
    (book / "chapters" / "a_files").mkdir()
    (book / "chapters" / "a_files" / "f.png").write_bytes(b"x" * 1000)
    _, problems = site_checks.report(book)
    assert problems == []
    assert site_checks.page_weight(book / "chapters" / "a.html") == (book / "chapters" / "a.html").stat().st_size + 1000


def test_loads_from_other_hosts_are_found_in_html_and_css(tmp_path):
    book = write_site(
        tmp_path,
        head='<script src="https://cdn.jsdelivr.net/npm/jquery@3.5.1/dist/jquery.min.js"></script>'
             '<link rel="stylesheet" href="//maxcdn.bootstrapcdn.com/fa.css">',
        body='<video poster="http://x.org/p.png"></video><div style="background: url(https://x.org/b.png)"></div>',
        css='@import"https://fonts.googleapis.com/css2?family=Lato";body{}')  # minified, as Quarto writes it
    found = "\n".join(site_checks.outside_loads(book))
    for host in ("cdn.jsdelivr.net", "maxcdn.bootstrapcdn.com", "x.org/p.png", "x.org/b.png",
                 "fonts.googleapis.com"):
        assert host in found
    assert "quarto.org" not in found and "example.org" not in found  # a link is not a load


def test_broken_links_missing_anchors_and_unresolved_references(tmp_path):
    book = write_site(tmp_path, body='<a href="other.html#sec-c">c</a> <img src="gone.png" alt="x"> '
                                     '<p>see ?@fig-missing</p>')
    broken = "\n".join(site_checks.broken_links(book))
    assert "other.html#sec-c (no #sec-c there)" in broken and "gone.png (no such file)" in broken
    assert "other.html#sec-b" not in broken
    assert site_checks.unresolved_references(book) == ["chapters/a.html: ?@fig-missing"]


def test_inline_code_left_unevaluated_is_found_in_prose_only(tmp_path):
    book = write_site(tmp_path, body='<p>ahead of <code>{python} said(x)``{python} y</code>.</p>'
                                     '<pre><code>`{python} f"{a:.1f}"` in the page source</code></pre>'
                                     '<script>const s = "{python}";</script><p>fine: 0.5</p>')
    found = site_checks.unevaluated_code(book)
    assert len(found) == 1 and found[0].startswith("chapters/a.html: inline code left unevaluated: {python} said(x)")


def test_images_and_videos_need_a_description(tmp_path):
    book = write_site(tmp_path, body='<img src="f.png"><img src="g.png" alt="  "><img src="h.png" alt="ok">'
                                     '<video controls></video><video aria-label="A film."></video>')
    missing = site_checks.missing_alt_text(book)
    assert len(missing) == 3 and sum("video" in m for m in missing) == 1


def test_page_weight_counts_films_and_posters_but_not_site_libs(tmp_path):
    book = write_site(tmp_path, body='<video poster="films/f.png"><source src="films/f.mp4"></video>')
    (book / "chapters" / "films").mkdir()
    (book / "chapters" / "films" / "f.png").write_bytes(b"p" * 300)
    (book / "chapters" / "films" / "f.mp4").write_bytes(b"v" * 2_000_000)
    page = book / "chapters" / "a.html"
    assert site_checks.page_weight(page) == page.stat().st_size + 2_000_300
    _, problems = site_checks.report(book)
    assert any("> 1,500,000" in p for p in problems)


def test_module_scripts_are_found_they_do_not_run_from_disk(tmp_path):
    book = write_site(tmp_path, head='<script src="../site_libs/q.js" type="module"></script>'
                                     '<script src="../site_libs/c.js" defer></script>',
                      body='<script type="module">import "./x.js";</script>')
    assert site_checks.module_scripts(book) == [
        "chapters/a.html: <script type=module> ../site_libs/q.js does not run opened from disk",
        "chapters/a.html: <script type=module> inline does not run opened from disk"]


def test_a_pdfs_pages_size_and_images_are_counted(tmp_path, monkeypatch):
    import shutil

    import matplotlib
    import numpy as np
    import pytest

    matplotlib.use("Agg")
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    pdf = tmp_path / "book.pdf"
    with PdfPages(pdf) as pages:  # two pages, one image (imshow), one line
        for draw in (lambda ax: ax.imshow(np.eye(3)), lambda ax: ax.plot([0, 1])):
            fig = Figure()
            draw(fig.add_subplot())
            pages.savefig(fig)
    facts = site_checks.pdf_facts(pdf)
    assert facts["bytes"] == pdf.stat().st_size
    if shutil.which("pdfinfo") is None or shutil.which("pdfimages") is None:
        pytest.skip("poppler-utils (pdfinfo, pdfimages) is not installed")
    assert (facts["pages"], facts["images"]) == (2, 1)
    assert site_checks.describe_pdf(pdf) == f"PDF book.pdf: 2 pages, {facts['bytes'] / 1e6:.2f} MB, 1 images"
    monkeypatch.setattr(shutil, "which", lambda name: None)  # without poppler: the size, and what to install
    assert site_checks.describe_pdf(pdf).endswith("MB (pages and images: install poppler-utils)")
