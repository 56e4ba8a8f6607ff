"""The book as `make book` renders it with Quarto, HTML and PDF, from copies of this checkout.

Needs `quarto` on PATH, LuaLaTeX for the PDF, poppler's pdftotext and Debian's chromium; skips,
saying which is missing, without them. The book is rendered twice, side by side, so the second
render also proves the bytes repeat; then a copy is rendered again after edits, to see which
chapters execute again and what a failing chapter leaves; and `quarto preview` shows an edit.
In Chromium, every page works opened from disk (file://) as over HTTP, passes axe-core in both
themes, and its explorable, films and figures reach keyboard and screen-reader users.
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest
import yaml
from nbclient import NotebookClient

import site_checks
from browser import CANVAS_TEXT, Visit, accessibility, axe, browser, file_url, needs_chromium, serve, set_theme
from lib.book import freeze, project
from lib.book.run import ROOT
from shared import copy_sources, once

QUARTO = shutil.which("quarto")
pytestmark = pytest.mark.skipif(QUARTO is None, reason="quarto is not on PATH: install Quarto from "
                                "https://quarto.org (or `pip install quarto-cli`) to run the site tests")
WINDOW = {"width": 1280, "height": 900}
CHAPTERS = project.chapters(ROOT)


def render(book: Path) -> tuple[int, str]:
    """`make render` in `book`, as `make book` does it: (exit code, everything it printed)."""
    done = subprocess.run(["make", "--no-print-directory", "render", f"QUARTO={QUARTO}", f"PY={sys.executable}"],
                          cwd=book, capture_output=True, text=True)
    return done.returncode, done.stdout + done.stderr


def notebook_times(book: Path) -> dict[str, int]:
    """When each chapter's executed notebook was last written (ns), by the chapter's stem."""
    paths = {c.stem: freeze.notebook_path(c.relative_to(ROOT), book) for c in CHAPTERS}
    return {stem: p.stat().st_mtime_ns for stem, p in paths.items() if p.exists()}


@pytest.fixture(scope="module")
def renders(tmp_path_factory):
    """Two renders of a clean copy of this checkout, run at once: (project dir, log) each.
    Done once per session, whichever test worker gets here first."""
    def both(folder):
        books = [copy_sources(folder / name) for name in ("first", "second")]
        with ThreadPoolExecutor(2) as pool:
            done = list(pool.map(render, books))
        return [(str(book), code, log) for book, (code, log) in zip(books, done)]

    results = once(tmp_path_factory, "renders", both)
    for book, code, log in results:
        assert code == 0, f"the render failed in {book}:\n{log[-4000:]}"
    return [(Path(book), log) for book, _, log in results]


@pytest.fixture(scope="module")
def book(renders):
    return renders[0][0] / "_book"


def test_render_log_has_no_warning(renders):
    for _, log in renders:
        warnings = [line for line in log.splitlines() if re.search(r"\bWARN(ING)?\b", line)]
        assert not warnings, "\n".join(warnings)
        assert "maximum number of runs" not in log


def test_pdf_has_no_missing_glyph(renders):
    log = renders[0][0] / "index.log"  # LuaLaTeX's log, kept (latex-clean: false)
    missing = [line for line in log.read_text(errors="replace").splitlines() if "Missing character" in line]
    assert not missing, "\n".join(missing[:20])


def test_every_chapter_has_a_page(book):
    for chapter in CHAPTERS:
        assert (book / chapter.relative_to(ROOT).with_suffix(".html")).is_file(), chapter


def test_nothing_comes_from_another_host(book):
    assert site_checks.outside_loads(book) == []


def test_links_resolve_and_images_are_described(book):
    assert site_checks.broken_links(book) == []
    assert site_checks.unresolved_references(book) == []
    assert site_checks.unevaluated_code(book) == []
    assert site_checks.missing_alt_text(book) == []


def test_every_chapter_page_is_light(book):
    heavy = {str(p.relative_to(book)): site_checks.page_weight(p) for p in site_checks.pages(book)
             if site_checks.page_weight(p) > site_checks.PAGE_LIMIT}
    assert heavy == {}


def test_two_renders_give_the_same_bytes(renders):
    first, second = (book / "_book" for book, _ in renders)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    differ = [str(f) for f in files if (first / f).read_bytes() != (second / f).read_bytes()]
    assert differ == []


def figure_numbers(text: str) -> list[str]:
    return sorted(set(re.findall(r"Figure\s+(\d+\.\d+):", text)), key=lambda n: tuple(map(int, n.split("."))))


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_pdf_holds_every_figure_and_says_where_films_move(book):
    pdfs = list(book.glob("*.pdf"))
    assert len(pdfs) == 1
    text = subprocess.run(["pdftotext", "-layout", str(pdfs[0]), "-"], capture_output=True,
                          text=True, check=True).stdout
    html = " ".join(re.sub(r"<[^>]+>", " ", p.read_text()).replace("&nbsp;", " ") for p in site_checks.pages(book))
    in_html = figure_numbers(html)
    explorables = sum(len(re.findall(r'<figure class="explorable[ "]', p.read_text())) for p in site_checks.pages(book))
    # the PDF has each figure of the pages, and a figure for each explorable (numbered among them)
    assert len(in_html) >= 40 and len(figure_numbers(text)) == len(in_html) + explorables
    films = sum(p.read_text().count("<video") for p in site_checks.pages(book))
    assert films >= 5 and text.count("moves in the HTML version") == films
    raster = subprocess.run(["pdfimages", "-list", str(pdfs[0])], capture_output=True, text=True)
    if raster.returncode == 0:  # every film still is an image in the PDF
        assert len(raster.stdout.splitlines()) - 2 >= films


def pdf_text(book: Path) -> str:
    return subprocess.run(["pdftotext", str(next(book.glob("*.pdf"))), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_the_pdf_prints_each_explorable_as_a_figure_and_no_folded_code(renders, book):
    """The print edition (lib/book/engine.js, lib/printed/): a figure captioned as the web
    version's explorable for each explorable of the pages, no stand-in sentence, the preface's line
    saying where the code is, no code the pages fold, and the code they do not fold."""
    text = " ".join(pdf_text(book).split())  # words, whatever the line breaks
    explorables = sum(len(re.findall(r'<figure class="explorable[ "]', p.read_text())) for p in site_checks.pages(book))
    assert explorables >= 10 and len(re.findall(r"Figure \d+\.\d+: The web version.s explorable", text)) == explorables
    assert "has an explorable here" not in text
    asking = sum(len(re.findall(r'class="explorable-predict"', p.read_text())) for p in site_checks.pages(book))
    assert asking >= 5 and len(re.findall(r"Predict first\. ", text)) == asking  # the print reader guesses too
    assert "@fig-" not in text  # the line's reference to its figure resolved
    assert re.search(r"all the code is in the web version and in each chapter.s notebook", text)
    folded, shown = [], []
    for chapter in CHAPTERS:
        nb = nbformat.read(freeze.notebook_path(chapter.relative_to(ROOT), renders[0][0]), as_version=4)
        for cell in nb.cells:
            lines = cell.source.splitlines() if cell.cell_type == "code" else []
            code = [line for line in lines if line.strip() and not line.startswith("#")]
            if code and len(code[0]) > 30 and "#| include: false" not in lines and "#| echo: false" not in lines:
                (folded if "#| code-fold: true" in lines else shown).append(" ".join(code[0].split()))
    assert len(folded) >= 50 and len(shown) >= 50
    assert [line for line in folded if line in text] == []
    assert len([line for line in shown if line in text]) >= 0.9 * len(shown)  # a few break across pages


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_pdf_lines_fit_and_latex_asks_for_no_rerun(renders, book):
    log = (renders[0][0] / "index.log").read_text(errors="replace")  # LuaLaTeX's log of its last pass
    assert re.findall(r"Overfull \\hbox.*", log) == []
    assert re.findall(r".*(?:Rerun to get|rerun LaTeX|may have changed).*", log) == []
    # no word of code, output or prose past the right edge of the text, where justified lines end
    html = subprocess.run(["pdftotext", "-bbox", str(next(book.glob("*.pdf"))), "-"], capture_output=True,
                          text=True, check=True).stdout
    words = [(float(x), page) for page, body in enumerate(re.findall(r"<page .*?</page>", html, re.S), 1)
             for x in re.findall(r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)"', body)]
    edge = Counter(round(x) for x, _ in words).most_common(1)[0][0]
    assert [(page, x) for x, page in words if x > edge + 3] == []


@needs_chromium
def test_pages_in_a_browser_load_only_local_files_and_fit_the_column(book):
    """Every page at a 1280-pixel window: no request off 127.0.0.1, no console error, no code
    block that scrolls sideways, and every film sized to the column and playable."""
    config = yaml.safe_load((ROOT / "_quarto.yml").read_text())
    assert config["format"]["html"]["html-math-method"] == "mathml"
    with serve(book) as base, browser() as b:
        context = b.new_context(viewport=WINDOW)
        for path in site_checks.pages(book):
            page = context.new_page()
            visit = Visit(page, base + str(path.relative_to(book)))
            name = path.relative_to(book)
            outside = [u for u in visit.requests if urlsplit(u).netloc != urlsplit(base).netloc
                       and not u.startswith("data:")]
            assert outside == [], name
            assert visit.errors == [], name
            scrolling = page.evaluate("""() => [...document.querySelectorAll('pre')]
                .filter(p => p.scrollWidth > p.clientWidth + 1)
                .map(p => p.innerText.split('\\n').sort((a, b) => b.length - a.length)[0])""")
            assert scrolling == [], f"{name}: code scrolls sideways: {scrolling}"
            films = page.evaluate("""() => [...document.querySelectorAll('video')].map(v => ({
                src: v.currentSrc, width: v.getBoundingClientRect().width,
                column: v.closest('main').getBoundingClientRect().width,
                duration: v.duration, controls: v.controls, muted: v.muted, loop: v.loop}))""")
            for film in films:
                assert film["width"] <= film["column"] + 0.5, f"{name}: {film}"
                assert film["duration"] > 0 and film["controls"] and film["loop"], f"{name}: {film}"
            page.close()
        context.close()


@needs_chromium
def test_every_explorable_answers_its_control_at_desktop_and_phone_widths(book):
    """Each chapter's explorable, on the rendered page: moving its first control (by keyboard)
    redraws the canvas and the readout, with no console error, and a phone-wide window (375
    pixels) needs no sideways scrolling; in the dark theme the canvas draws again in the page's
    new colours."""
    pages = [p for p in site_checks.pages(book) if re.search(r'class="explorable[ "]', p.read_text())]
    assert len(pages) >= 9
    with serve(book) as base, browser() as b:
        for width in (1280, 375):
            context = b.new_context(viewport={"width": width, "height": 900})
            for path in pages:
                page = context.new_page()
                visit = Visit(page, base + str(path.relative_to(book)))
                name = path.relative_to(book)
                assert answer_first(page) in (None, True), f"{name}: its question does not show the answer"
                control = page.locator("figure.explorable .explorable-controls :is(input, select)").first
                canvas = lambda: page.evaluate("() => document.querySelector('figure.explorable canvas.explorable-canvas').toDataURL()")
                readout = lambda: page.inner_text("figure.explorable .explorable-readout")
                before = canvas(), readout()
                control.focus()
                key = control.evaluate(STEP)
                for _ in range(3):
                    page.keyboard.press(key)
                page.wait_for_timeout(300)
                assert canvas() != before[0] and readout() != before[1], f"{name} at {width} px"
                assert visit.errors == [], f"{name}: {visit.errors}"
                wide = page.evaluate("() => document.documentElement.scrollWidth")
                assert wide <= width + 1, f"{name} is {wide} px wide in a {width}-pixel window"
                shape = page.evaluate("""() => { const c = document.querySelector('figure.explorable canvas.explorable-canvas');
                    const phone = c.style.getPropertyValue('--phone-aspect');
                    return [c.clientWidth / c.clientHeight, phone ? Number(phone) : null]; }""")
                if width <= 600 and shape[1] is not None:  # the theme: a taller canvas to stack in
                    assert shape[0] == pytest.approx(shape[1], rel=0.02), f"{name}: {shape}"
                if width == 1280:  # the dark theme: the canvas draws again in the page's colours
                    ink = "getComputedStyle(document.querySelector('figure.explorable canvas.explorable-canvas')).color"
                    light, light_ink = canvas(), page.evaluate(f"() => {ink}")
                    assert page.evaluate("() => typeof window.quartoToggleColorScheme === 'function'")
                    page.evaluate("() => window.quartoToggleColorScheme()")
                    page.wait_for_function(f"() => {ink} !== {light_ink!r}")  # dark styles apply
                    page.wait_for_timeout(300)
                    assert canvas() != light, f"{name}: the canvas did not redraw in the dark theme"
                    assert visit.errors == [], f"{name}: {visit.errors}"
                    page.evaluate("() => window.quartoToggleColorScheme()")  # the next page: light
                page.close()
            context.close()


# The key that moves a control: a slider steps right (left from its last step: a question may
# have set it there), a list down (up from its last option).
STEP = """e => e.tagName === 'INPUT' ? (Number(e.value) >= Number(e.max) ? 'ArrowLeft' : 'ArrowRight')
    : e.selectedIndex === e.options.length - 1 ? 'ArrowUp' : 'ArrowDown'"""


def answer_first(page) -> bool | None:
    """If the page's explorable asks a question first (predict, then see), answer it (the first
    option, or 1) and show the answer: whether the answer is shown beside the guess and the
    explorable appeared (None when it asks nothing)."""
    if not page.locator("figure.explorable .explorable-predict").count():
        return None
    number = page.locator(".explorable-predict input[type=number]")
    if number.count():
        number.fill("1")
    else:
        page.locator(".explorable-predict input[type=radio]").first.check()
    page.locator(".explorable-predict button").first.click()
    page.wait_for_timeout(300)  # the explorable shows itself and draws
    shown = page.evaluate("() => document.querySelector('figure.explorable canvas.explorable-canvas').checkVisibility()")
    verdict = page.inner_text("figure.explorable .explorable-verdict")
    return shown and verdict.startswith("You guessed ") and "; the answer is " in verdict


def what_works(page) -> dict[str, bool]:
    """Try what a reader does on the page just loaded; for each part the page has, whether it
    worked: its explorable draws and answers a key, its films play, the theme toggles, the table
    of contents follows the scrolling, code is copied, search finds pages, and the book's title
    and a search result open pages of the book. Leaves the page elsewhere."""
    works = {}
    if page.locator("figure.explorable .explorable-predict").count():
        works["explorable asks first"] = answer_first(page)
    if page.locator("figure.explorable").count():
        state = "() => [document.querySelector('figure.explorable canvas.explorable-canvas').toDataURL(), " \
                "document.querySelector('figure.explorable .explorable-readout').textContent]"
        blank = page.evaluate("() => { const c = document.querySelector('figure.explorable canvas.explorable-canvas'), "
                              "b = document.createElement('canvas'); b.width = c.width; b.height = c.height; "
                              "return b.toDataURL(); }")
        before = page.evaluate(state)
        works["explorable draws"] = before[0] != blank and before[1].strip() != ""
        control = page.locator("figure.explorable .explorable-controls :is(input, select)").first
        control.focus()
        key = control.evaluate(STEP)
        for _ in range(3):
            page.keyboard.press(key)
        page.wait_for_timeout(300)
        after = page.evaluate(state)
        works["explorable answers"] = after[0] != before[0] and after[1] != before[1]
    if page.locator("video").count():
        works["films play"] = page.evaluate("""async () => { const played = [];
            for (const v of document.querySelectorAll('video')) {
                await v.play(); await new Promise((r) => setTimeout(r, 600)); played.push(v.currentTime > 0); v.pause(); }
            return played.every(Boolean); }""")
    toggle, scheme = page.locator(".quarto-color-scheme-toggle").first, "() => document.body.className"
    toggle.click()
    dark = "quarto-dark" in page.evaluate(scheme)
    toggle.click()
    works["theme toggles"] = dark and "quarto-light" in page.evaluate(scheme)
    # the table of contents marks the section in view: the first one, then (at the bottom) the last
    targets = page.evaluate("() => [...document.querySelectorAll('#TOC a[data-scroll-target]')]"
                            ".map((a) => a.dataset.scrollTarget)")
    seen = []
    for top in (f"document.querySelector({targets[0]!r}).offsetTop", "document.body.scrollHeight"):
        page.evaluate(f"() => window.scrollTo({{ top: {top}, behavior: 'instant' }})")
        page.wait_for_timeout(400)
        seen += page.evaluate("() => [...document.querySelectorAll('#TOC a.active')].map((a) => a.dataset.scrollTarget)")
    works["contents follow"] = len(targets) >= 2 and seen == [targets[0], targets[-1]]
    copy = page.locator(".code-copy-button").first
    if copy.count():
        copy.scroll_into_view_if_needed()
        copy.click()
        works["code copies"] = page.locator(".code-copy-button-checked").count() == 1
    home = page.evaluate("() => document.querySelector('.sidebar-title a').href")
    page.locator("#quarto-search input.aa-Input").click()
    page.keyboard.type("neuron")
    page.wait_for_timeout(1000)
    works["search finds"] = page.locator(".aa-Item a").count() > 0
    book_page = "() => document.querySelector('main#quarto-document-content') !== null"
    if works["search finds"]:
        page.locator(".aa-Item a").first.click()
        page.wait_for_load_state()
        works["a search result opens"] = page.evaluate(book_page)
    page.goto(home)
    works["the title opens the preface"] = page.evaluate(book_page) and page.title().startswith("Working Neurons")
    return works


@needs_chromium
def test_every_page_works_opened_from_disk_as_over_http(book):
    """Each page opened as a file:// URL (a downloaded copy) and served over HTTP: the same
    things work both ways (what_works), all of them, with no console error and no alert.
    Chromium refuses a page from disk its ES modules and fetch: the post-render step makes
    Quarto's modules classic and search reads its index from a script (lib/book/hooks.py)."""
    with serve(book) as base, browser() as b:
        found = {}
        for way in ("http", "disk"):
            context = b.new_context(viewport=WINDOW)
            for path in site_checks.pages(book):
                name = str(path.relative_to(book))
                page, alerts = context.new_page(), []
                page.on("dialog", lambda d: (alerts.append(d.message), d.dismiss()))
                visit = Visit(page, base + name if way == "http" else file_url(path))
                found[way, name] = what_works(page)
                assert visit.errors == [] and alerts == [], f"{name} ({way}): {visit.errors + alerts}"
                assert all(found[way, name].values()), f"{name} ({way}): {found[way, name]}"
                page.close()
            context.close()
    for path in site_checks.pages(book):
        name = str(path.relative_to(book))
        assert found["disk", name] == found["http", name], name
    assert sum("explorable answers" in works for works in found.values()) >= 2 * 9
    assert sum("explorable asks first" in works for works in found.values()) >= 2 * 5


@needs_chromium
@pytest.mark.filterwarnings("default:axe")
def test_axe_finds_nothing_serious_on_any_page_in_either_theme(book):
    """axe-core on every page, light and dark: no violation of impact serious or critical; the
    others (moderate, minor) are listed in a warning, in the test's output."""
    found = {}
    with serve(book) as base, browser() as b:
        for dark in (False, True):
            context = b.new_context(viewport=WINDOW)
            for path in site_checks.pages(book):
                page = context.new_page()
                Visit(page, base + str(path.relative_to(book)))
                set_theme(page, dark)
                found[str(path.relative_to(book)), "dark" if dark else "light"] = axe(page)
                page.close()
            context.close()
    listing = [f"{name} ({theme}): {v['impact']} {v['id']} ({v['help']}) at {', '.join(v['nodes'][:5])}"
               for (name, theme), violations in sorted(found.items()) for v in violations]
    print("\n".join(["axe-core, per page and theme:"] + [
        f"  {name:34} {theme:5} " + (", ".join(f"{v['impact']} {v['id']} x{len(v['nodes'])}" for v in vs) or "none")
        for (name, theme), vs in sorted(found.items())]))
    serious = [line for line in listing if re.search(r"\): (serious|critical) ", line)]
    assert serious == [], "\n".join(serious)
    if listing:
        warnings.warn("axe: violations left (moderate or minor):\n" + "\n".join(listing))


@needs_chromium
def test_explorables_films_and_figures_reach_keyboard_and_screen_reader_users(book):
    """In both themes: every explorable control is reached with Tab, in order, shows a focus
    ring of at least 3:1 against the page, and has a name; the readout is a live region; text
    drawn on a canvas has 4.5:1 against what lies under it; every film and figure has a
    description a screen reader reads."""
    with serve(book) as base, browser() as b:
        context = b.new_context(viewport=WINDOW)
        context.add_init_script(CANVAS_TEXT)
        for path in site_checks.pages(book):
            name, page = str(path.relative_to(book)), context.new_page()
            visit = Visit(page, base + name)
            answer_first(page)  # an explorable that asks first shows itself, its canvas text to measure
            for node in accessibility(page, "main video, main img:not(video img), main canvas"):
                assert not node["ignored"] and len(node["name"].split()) >= 5, f"{name}: {node}"
            for dark in (False, True):
                set_theme(page, dark)
                page.evaluate("() => { window.canvasText.length = 0; window.dispatchEvent(new Event('resize')); "
                              "document.querySelectorAll('canvas').forEach((c) => { c.style.width = '99.9%'; }); }")
                page.wait_for_timeout(500)  # every canvas redraws at its new width
                faint = page.evaluate("() => window.canvasText.filter((t) => t.ratio < 4.5)")
                assert faint == [], f"{name} ({'dark' if dark else 'light'}): faint canvas text {faint[:5]}"
                page.evaluate("() => document.querySelectorAll('canvas').forEach((c) => { c.style.width = ''; })")
                if page.locator("figure.explorable").count():
                    assert keyboard_problems(page) == [], f"{name} ({'dark' if dark else 'light'})"
            assert visit.errors == [], f"{name}: {visit.errors}"
            page.close()
        context.close()


def keyboard_problems(page) -> list[str]:
    """What stops a keyboard or screen-reader user at the page's explorable (none when all is well):
    its question first, when it asks one, then its controls."""
    problems = []
    if page.locator("figure.explorable .explorable-predict").count():
        if page.locator("figure.explorable .explorable-verdict").inner_text():  # answered before: ask again
            page.locator("figure.explorable .explorable-predict button:not([hidden])").last.click()
        page.evaluate("() => { const f = document.querySelector('figure.explorable'); f.tabIndex = -1; f.focus(); }")
        first = page.evaluate("() => document.querySelector('.explorable-predict input').id")
        button = page.evaluate("() => document.querySelector('.explorable-predict fieldset button').id")
        problems += focus_problems(page, [first])
        number = page.evaluate("() => document.activeElement.type === 'number'")
        page.keyboard.type("1") if number else page.keyboard.press("Space")
        problems += focus_problems(page, [button])
        page.keyboard.press("Enter")
        page.wait_for_timeout(300)
        verdict = page.inner_text("figure.explorable .explorable-verdict")
        if not verdict.startswith("You guessed ") or page.get_attribute(
                "figure.explorable .explorable-verdict", "aria-live") != "polite":
            problems.append(f"the answer is not shown in a live region: {verdict!r}")
        if not page.evaluate("() => document.querySelector('figure.explorable canvas.explorable-canvas').checkVisibility()"):
            problems.append("the explorable did not show itself after the guess")
        for node in accessibility(page, "figure.explorable .explorable-predict :is(input, button:not([hidden]), fieldset)"):
            if not node["name"].strip():
                problems.append(f"no accessible name: {node}")
    controls = page.evaluate("() => [...document.querySelectorAll('figure.explorable .explorable-controls "
                             ":is(input, select, button)')].map((e) => e.id)")
    page.evaluate("() => { const p = document.querySelector('.explorable-try'); p.tabIndex = -1; p.focus(); }")
    problems += focus_problems(page, controls)
    for node in accessibility(page, "figure.explorable :is(.explorable-controls :is(input, select, button), canvas)"):
        if not node["name"].strip() or node["ignored"]:
            problems.append(f"no accessible name: {node}")
    if page.get_attribute("figure.explorable .explorable-readout", "aria-live") != "polite":
        problems.append("the readout is not a live region")
    return problems


def focus_problems(page, controls: list[str]) -> list[str]:
    """Tab from where the focus is reaches `controls` in order, each with a clear focus ring."""
    problems = []
    for expected in controls:
        page.keyboard.press("Tab")
        ring = page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
            const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
            const lum = (c) => rgb(c).map((v) => v / 255).map((v) => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
                .reduce((a, v, i) => a + v * [0.2126, 0.7152, 0.0722][i], 0);
            const [a, b] = [lum(s.outlineColor), lum(getComputedStyle(document.body).backgroundColor)];
            return { id: e.id, visible: e.matches(':focus-visible'), style: s.outlineStyle,
                     width: parseFloat(s.outlineWidth), ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) }; }""")
        if ring["id"] != expected:
            problems.append(f"Tab reached #{ring['id']}, not #{expected}")
        elif not (ring["visible"] and ring["style"] != "none" and ring["width"] >= 2 and ring["ratio"] >= 3):
            problems.append(f"#{expected} shows no clear focus ring: {ring}")
    return problems


# Each exercise's solution (assets/solutions.lua): closed under it on the page, in an appendix
# of the PDF, linked both ways. The chapters' exercises, by their sources.
EXERCISES = {c.stem: re.findall(r"^::: \{#(exr-[\w-]+)\}", c.read_text(), re.M) for c in CHAPTERS}

RING = """(e) => { const s = getComputedStyle(e);
    const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
    const lum = (c) => rgb(c).map((v) => v / 255).map((v) => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
        .reduce((a, v, i) => a + v * [0.2126, 0.7152, 0.0722][i], 0);
    const [a, b] = [lum(s.outlineColor), lum(getComputedStyle(document.body).backgroundColor)];
    return e.matches(':focus-visible') && s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2
        && (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) >= 3; }"""


@needs_chromium
def test_each_exercise_has_its_solution_closed_under_it_and_the_keyboard_opens_it(book):
    """On every chapter's page, over HTTP and from disk: right after each exercise, and nowhere
    else, one closed solution titled 'Solution to' the exercise's own number, its body hidden;
    Tab from the exercise reaches its title, with a focus ring in both themes; Enter opens it,
    showing its code (none scrolling sideways) and outputs; Space closes it. A screen reader
    hears the title; with every solution open, axe-core finds nothing serious in either theme,
    and in a phone's window nothing in one is wider than the window but what scrolls in its box."""
    with serve(book) as base, browser() as b:
        for way in ("http", "disk"):
            context = b.new_context(viewport=WINDOW)
            for chapter in CHAPTERS:
                path = book / chapter.relative_to(ROOT).with_suffix(".html")
                page = context.new_page()
                visit = Visit(page, base + str(path.relative_to(book)) if way == "http" else file_url(path))
                name = f"{path.name} ({way})"
                found = page.evaluate("""() => [...document.querySelectorAll('div.theorem.exercise')].map((e) => {
                    const s = e.nextElementSibling, body = s && s.querySelector(':scope > .solution-body');
                    return { id: e.id, title: e.querySelector('.theorem-title').textContent,
                             tag: s && s.tagName, cls: s && s.className, sid: s && s.id, open: s && s.open,
                             summary: s && s.querySelector(':scope > summary').textContent,
                             hidden: !!body && !body.checkVisibility() }; })""")
                assert [f["id"] for f in found] == EXERCISES[chapter.stem], name
                assert page.locator("details.solution").count() == len(found), name
                for f in found:
                    number = re.fullmatch(r"Exercise\s(\d+\.\d+)", f["title"].strip())
                    assert number, f"{name}: {f}"
                    assert (f["tag"], f["cls"], f["sid"], f["open"], f["hidden"]) == \
                        ("DETAILS", "solution", f["id"] + "-solution", False, True), f"{name}: {f}"
                    assert " ".join(f["summary"].split()) == f"Solution to Exercise {number[1]}", f"{name}: {f}"
                if way == "http":
                    names = [n["name"] for n in accessibility(page, "details.solution > summary")]
                    assert names == [" ".join(f["summary"].split()) for f in found], name
                for dark in (False, True):
                    set_theme(page, dark)
                    for f in (found if not dark else found[:1]):
                        solution = page.locator(f"#{f['id']}-solution")
                        page.evaluate(f"() => {{ const e = document.getElementById({f['id']!r}); "
                                      "e.tabIndex = -1; e.focus(); }")
                        for _ in range(20):  # past any link in the exercise
                            page.keyboard.press("Tab")
                            if page.evaluate(f"() => document.activeElement.matches('#{f['id']}-solution > summary')"):
                                break
                        else:
                            raise AssertionError(f"{name}: Tab from {f['id']} never reached its solution")
                        assert page.evaluate(f"() => ({RING})(document.activeElement)"), \
                            f"{name}: no clear focus ring on {f['id']}'s solution ({'dark' if dark else 'light'})"
                        page.keyboard.press("Enter")
                        shown = solution.evaluate("""(d) => ({ open: d.open,
                            body: d.querySelector('.solution-body').checkVisibility(),
                            code: [...d.querySelectorAll('pre code')].map((c) => c.checkVisibility()),
                            outputs: [...d.querySelectorAll('.cell-output')].map((c) => c.checkVisibility()),
                            scrolling: [...d.querySelectorAll('pre')].filter((p) => p.scrollWidth > p.clientWidth + 1)
                                .map((p) => p.innerText.split('\\n').sort((a, b) => b.length - a.length)[0]) })""")
                        assert shown["open"] and shown["body"] and all(shown["code"] + shown["outputs"]), f"{name}: {shown}"
                        assert shown["scrolling"] == [], f"{name}: code scrolls sideways in {f['id']}'s solution"
                        page.keyboard.press(" ")
                        assert not solution.evaluate("(d) => d.open"), f"{name}: Space did not close {f['id']}'s solution"
                if way == "http":
                    page.evaluate("() => document.querySelectorAll('details.solution').forEach((d) => { d.open = true; })")
                    for dark in (False, True):
                        set_theme(page, dark)
                        serious = [v for v in axe(page) if v["impact"] in ("serious", "critical")]
                        assert serious == [], f"{name} ({'dark' if dark else 'light'}), solutions open: {serious}"
                    set_theme(page, False)
                    # in a phone's window, nothing in an open solution reaches past the window's
                    # edge but what scrolls in its own box (code, displayed equations)
                    page.set_viewport_size({"width": 375, "height": 800})
                    page.wait_for_timeout(300)
                    wide = page.evaluate("""() => [...document.querySelectorAll('details.solution *')]
                        .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1
                                       && !e.closest('pre, math[display="block"]'))
                        .map((e) => e.tagName + ': ' + e.textContent.slice(0, 60))""")
                    assert wide == [], f"{name}: wider than a phone in a solution: {wide[:3]}"
                assert visit.errors == [], f"{name}: {visit.errors}"
                page.close()
            context.close()
    assert sum(len(e) for e in EXERCISES.values()) >= 3 * len(CHAPTERS)


def pdf_links(reader) -> list[tuple[int, float, str, int]]:
    """Every link to a place in the PDF: (page it is on, its top, the destination's name, the
    page it leads to), pages counted from 0."""
    dests, links = reader.named_destinations, []
    for number, page in enumerate(reader.pages):
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            action = annotation.get("/A")
            target = action.get_object().get("/D") if action is not None else annotation.get("/Dest")
            if annotation.get("/Subtype") == "/Link" and isinstance(target, str) and target in dests:
                links.append((number, float(annotation["/Rect"][3]), target,
                              reader.get_destination_page_number(dests[target])))
    return links


def solution_code_lines(chapter: str) -> list[str]:
    """For each solution of a chapter's source that has one, its first line of code of 30
    characters or more, its comment cut off (pdftotext may set it apart), spaces collapsed, that
    is no import and is found nowhere else in the chapter (a line the exercise quotes)."""
    solution = re.compile(r"^::: \{\.solution\}\n(.*?)^:::$", re.M | re.S)
    elsewhere, found = solution.sub("", chapter), []
    for text in solution.findall(chapter):
        cells = re.findall(r"^```\{python\}\n(.*?)^```$", text, re.M | re.S)
        lines = [line.split("  #")[0].strip() for cell in cells for line in cell.splitlines()]
        lines = [line for line in lines if len(line) >= 30 and line not in elsewhere
                 and not re.match(r"#|from |import ", line)]
        found += [" ".join(lines[0].split())] if lines else []
    return found


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_the_pdf_gathers_the_solutions_in_an_appendix_linked_both_ways(book):
    """No solution in a chapter; after the last chapter an appendix 'Solutions' with one
    'Solution N.k' per exercise, in the exercises' order and with their numbers (as the pages
    number them); each exercise's link 'Solution on page p' leads to its solution's page p, and
    each solution's link 'Exercise N.k, page p' back to where the exercise's text begins, on page p."""
    pypdf = pytest.importorskip("pypdf", reason="pypdf is not installed: pip install -r requirements.txt")
    pdf = next(book.glob("*.pdf"))
    pages = pdf_text(book).split("\f")
    reader = pypdf.PdfReader(pdf)
    label = lambda i: reader.page_labels[i]
    start = max(i for i, text in enumerate(pages) if re.search(r"^A\s+Solutions$", text, re.M))  # not the contents
    exercises = [(n, i) for i, text in enumerate(pages[:start]) for n in re.findall(r"^Exercise (\d+\.\d+)\.", text, re.M)]
    solutions = [(n, i) for i, text in enumerate(pages) for n in re.findall(r"^Solution (\d+\.\d+)$", text, re.M)]
    html = " ".join(p.read_text() for p in site_checks.pages(book))
    ids = dict((n, i) for i, n in re.findall(r'<div id="(exr-[\w-]+)" class="theorem exercise">\s*<p><span '
                                             r'class="theorem-title"><strong>Exercise(?:&nbsp;|\s)(\d+\.\d+)</strong>', html))
    assert sorted(ids.values()) == sorted(i for e in EXERCISES.values() for i in e)
    assert [n for n, _ in exercises] == [n for n, _ in solutions] == sorted(ids, key=lambda n: tuple(map(int, n.split("."))))
    assert all(i >= start for _, i in solutions)
    chapters, appendix = (" ".join(" ".join(pages[a:b]).split()) for a, b in ((0, start), (start, None)))
    first_lines = [line for c in CHAPTERS for line in solution_code_lines(c.read_text())]
    assert len(first_lines) >= len(exercises) * 0.9
    assert [line for line in first_lines if line in chapters] == []
    assert len([line for line in first_lines if line in appendix]) >= 0.9 * len(first_lines)  # a few break across pages
    # each exercise links to its solution's anchor (assets/solutions.lua names it), and back to
    # the anchor where the exercise's text begins; the page each link names is the one it leads to
    links = [(i, target, to) for i, _, target, to in pdf_links(reader) if target.endswith(("-solution", "-start"))]
    assert len(links) == 2 * len(exercises)
    for (n, at), (_, solved_at) in zip(exercises, solutions):
        to_solution = [(i, to) for i, target, to in links if target == f"{ids[n]}-solution"]
        assert len(to_solution) == 1 and at <= to_solution[0][0] <= at + 1 and to_solution[0][1] == solved_at, \
            f"Exercise {n} on page {label(at)}: {to_solution}"
        assert f"Solution on page {label(solved_at)}" in " ".join(pages[to_solution[0][0]].split()), n
        assert [(i, to) for i, target, to in links if target == f"{ids[n]}-start"] == [(solved_at, at)], \
            f"Solution {n} on page {label(solved_at)} does not link back to page {label(at)}"
        assert f"Exercise {n}, page {label(at)}" in pages[solved_at], n


@pytest.fixture(scope="module")
def rerenders(renders, tmp_path_factory):
    """A copy of the first render, rendered again: untouched, then after edits in turn, then with
    a chapter that fails: (the copy, {what changed: (exit code, log, chapters executed, PDF made)})."""
    def again(folder):
        book = folder / "book"
        shutil.copytree(renders[0][0], book, symlinks=True)
        edits = {"nothing changed": None, "lib/conv.py": "\n# an edit\n", "lib/style.py": "\n# an edit\n",
                 "a failing chapter": "\n```{python}\n#| label: fails\nraise ValueError('on purpose')\n```\n"}
        runs = {}
        for name, text in edits.items():
            if text is not None:
                with open(book / (name if name.startswith("lib/") else "index.qmd"), "a") as f:
                    f.write(text)
            notebooks, pdf = notebook_times(book), (book / "_pdf" / "made").stat().st_mtime_ns
            code, log = render(book)
            ran = sorted(stem for stem, t in notebook_times(book).items() if notebooks.get(stem) != t)
            runs[name] = (code, log, ran, (book / "_pdf" / "made").stat().st_mtime_ns != pdf)
        return str(book), runs

    book, runs = once(tmp_path_factory, "rerenders", again)
    for name, (code, log, _, _) in runs.items():
        assert (code != 0) == (name == "a failing chapter"), f"{name}:\n{log[-3000:]}"
    return Path(book), runs


def test_a_render_with_nothing_changed_executes_nothing_and_keeps_the_pdf(rerenders):
    _, _, ran, pdf_made = rerenders[1]["nothing changed"]
    assert ran == [] and not pdf_made


def test_an_edit_to_a_lib_module_reexecutes_exactly_the_chapters_that_import_it(rerenders):
    users = sorted(c.stem for c in CHAPTERS
                   if "lib/conv.py" in {str(p.relative_to(ROOT)) for p in freeze.dependencies(c, ROOT)})
    # conv directly, deep through lib/sparse.py, dropout-measured through lib/cnn.py
    assert users == ["conv", "deep", "dropout-measured"]
    _, _, ran, pdf_made = rerenders[1]["lib/conv.py"]
    assert ran == users and pdf_made


def test_an_edit_to_the_style_reexecutes_every_chapter(rerenders):
    assert rerenders[1]["lib/style.py"][2] == sorted(c.stem for c in CHAPTERS)


def test_a_failing_chapter_stops_the_render_saying_where_and_leaves_its_notebook_and_log(rerenders):
    book, runs = rerenders
    _, log, ran, pdf_made = runs["a failing chapter"]
    line = len((ROOT / "index.qmd").read_text().splitlines()) + 4  # the appended cell's raise
    assert f"error: index.qmd:{line}: cell " in log and " (fails) failed: ValueError: on purpose" in log
    assert "notebook so far: _notebooks/index.failed.ipynb; log: _notebooks/index.log" in log
    assert (book / "_notebooks" / "index.failed.ipynb").is_file()
    assert "ValueError: on purpose" in (book / "_notebooks" / "index.log").read_text()
    assert ran == [] and not pdf_made  # Quarto stopped at its pre-render step


def test_preview_shows_an_authors_edit(renders, tmp_path):
    """`quarto preview` serving a rendered copy: an edit to a chapter's prose reaches its page
    (the chapter executes again, in the pre-render step of the render preview makes)."""
    book = tmp_path / "book"
    shutil.copytree(renders[0][0], book, symlinks=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    preview = subprocess.Popen([QUARTO, "preview", "--no-browser", "--no-render", "--port", str(port)], cwd=book,
                               env={**os.environ, "QUARTO_PYTHON": sys.executable},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/chapters/spiking.html"
    try:
        edit = "A sentence an author added"  # no apostrophe: the page curls it (’)
        assert edit not in get(url, preview)
        chapter = book / "chapters" / "spiking.qmd"
        chapter.write_text(chapter.read_text().replace("\n## ", f"\n{edit}.\n\n## ", 1))
        waited = time.monotonic()
        while edit not in get(url, preview):
            assert time.monotonic() - waited < 300, "the edit never reached the page"
            time.sleep(2)
    finally:
        preview.terminate()
        preview.wait(timeout=30)


def get(url: str, server: subprocess.Popen) -> str:
    """The page at `url`, once the server answers (it may render the page first)."""
    waited = time.monotonic()
    while True:
        try:
            with urllib.request.urlopen(url, timeout=300) as response:
                return response.read().decode()
        except OSError:
            assert server.poll() is None and time.monotonic() - waited < 60, "quarto preview did not start"
            time.sleep(0.5)


def test_each_page_links_its_notebook_and_the_notebooks_rerun_in_a_clone(book, tmp_path):
    clone = copy_sources(tmp_path / "clone")
    notebooks = []
    for chapter in CHAPTERS:
        page = book / chapter.relative_to(ROOT).with_suffix(".html")
        name = chapter.with_suffix(".ipynb").name
        assert f'href="{name}"' in page.read_text(), f"{page.name} does not link {name}"
        downloaded = clone / chapter.relative_to(ROOT).with_suffix(".ipynb")  # beside its .qmd
        shutil.copyfile(page.with_suffix(".ipynb"), downloaded)
        notebooks.append(downloaded)

    def rerun(path):
        nb = nbformat.read(path, as_version=4)
        NotebookClient(nb, kernel_name="python3", timeout=600,
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        return nb

    with ThreadPoolExecutor(2) as pool:
        for path, nb in zip(notebooks, pool.map(rerun, notebooks)):
            errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
            assert errors == [], path.name
