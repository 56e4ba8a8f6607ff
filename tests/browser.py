"""A real browser for tests: Playwright driving Debian's chromium, on pages served from 127.0.0.1.

No browser is downloaded: Playwright launches /usr/bin/chromium (`apt-get install chromium`).
Tests that need it skip, saying why, when it is missing.
"""
from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Without the background-networking flags Chromium phones home at start (refused offline).
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--autoplay-policy=no-user-gesture-required"]
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed "
                                    "(apt-get install chromium); Playwright drives it")


@contextlib.contextmanager
def serve(directory: Path):
    """Serve `directory` over HTTP on 127.0.0.1 (a free port); yield the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # no request log on the test's stderr
        pass


@contextlib.contextmanager
def browser():
    """A headless Chromium, closed afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield b
        finally:
            b.close()


class Visit:
    """One page load: every request it made and every console error or page error it raised."""

    def __init__(self, page, url: str):
        self.page, self.requests, self.errors = page, [], []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.goto(url, wait_until="networkidle")


def file_url(path: Path) -> str:
    """The file:// URL of a page on disk, as a reader opening a downloaded copy has it."""
    return Path(path).resolve().as_uri()


def accessibility(page, selector: str) -> list[dict]:
    """What Chromium tells a screen reader about each element matching `selector`: its tag, id,
    role, accessible name and description, and whether it is left out of the accessibility tree."""
    cdp = page.context.new_cdp_session(page)
    try:
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        found = []
        for node in cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": selector})["nodeIds"]:
            element = cdp.send("DOM.describeNode", {"nodeId": node})["node"]
            attributes = dict(zip(element.get("attributes", [])[::2], element.get("attributes", [])[1::2]))
            ax = cdp.send("Accessibility.getPartialAXTree", {"nodeId": node, "fetchRelatives": False})["nodes"][0]
            found.append({"tag": element["localName"], "id": attributes.get("id", ""),
                          "role": ax.get("role", {}).get("value", ""), "name": ax.get("name", {}).get("value", ""),
                          "description": ax.get("description", {}).get("value", ""), "ignored": ax.get("ignored")})
        return found
    finally:
        cdp.detach()


def axe(page) -> list[dict]:
    """axe-core's violations on the page as it is now: [{id, impact, help, nodes: [selector]}].
    axe-core 4.12.1 comes from the axe-playwright-python wheel (requirements.txt); nothing is
    fetched."""
    from axe_playwright_python.base import AXE_SCRIPT

    page.evaluate(AXE_SCRIPT)
    return page.evaluate("""() => axe.run(document, { resultTypes: ["violations"] }).then((r) =>
        r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
                                   nodes: v.nodes.map((n) => n.target.join(" ")) })))""")


def set_theme(page, dark: bool) -> None:
    """Switch the page to Quarto's dark or light theme (the toggle's own function), and wait
    until the page's background has changed."""
    if page.evaluate("() => document.body.classList.contains('quarto-dark')") != dark:
        background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
        page.evaluate("() => window.quartoToggleColorScheme()")
        page.wait_for_function("b => getComputedStyle(document.body).backgroundColor !== b", arg=background)
        page.wait_for_timeout(300)  # the explorables redraw


# Run in a page before its own scripts: every fillText on a canvas records the text, its colour
# and the contrast ratio (WCAG 2) against what lies under it: the canvas's pixels there (the
# median of their luminances) over the page's background. window.canvasText holds the records.
CANVAS_TEXT = """(() => {
  const records = window.canvasText = [];
  const luminance = ([r, g, b]) => [r, g, b].map((c) => c / 255)
    .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4))
    .reduce((s, c, i) => s + c * [0.2126, 0.7152, 0.0722][i], 0);
  const rgba = (colour) => {  // a canvas's fillStyle: #rrggbb, or rgba(r, g, b, a)
    if (colour.startsWith("#")) return [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16)).concat(1);
    const v = colour.match(/[\\d.]+/g).map(Number);
    return v.length === 4 ? v : v.concat(1);
  };
  const background = (element) => {
    for (let e = element; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const over = (top, base) => base.map((b, k) => top[k] * top[3] + b * (1 - top[3]));
  const fillText = CanvasRenderingContext2D.prototype.fillText;
  CanvasRenderingContext2D.prototype.fillText = function (text, x, y, ...rest) {
    const m = this.measureText(text), t = this.getTransform(), page = background(this.canvas);
    const corners = [[x - m.actualBoundingBoxLeft, y - m.actualBoundingBoxAscent],
                     [x + m.actualBoundingBoxRight, y + m.actualBoundingBoxDescent],
                     [x - m.actualBoundingBoxLeft, y + m.actualBoundingBoxDescent],
                     [x + m.actualBoundingBoxRight, y - m.actualBoundingBoxAscent]]
      .map(([px, py]) => [t.a * px + t.c * py + t.e, t.b * px + t.d * py + t.f]);
    const left = Math.max(0, Math.floor(Math.min(...corners.map((c) => c[0]))));
    const top = Math.max(0, Math.floor(Math.min(...corners.map((c) => c[1]))));
    const right = Math.min(this.canvas.width, Math.ceil(Math.max(...corners.map((c) => c[0]))));
    const bottom = Math.min(this.canvas.height, Math.ceil(Math.max(...corners.map((c) => c[1]))));
    if (String(text).trim() && right > left && bottom > top) {
      const pixels = this.getImageData(left, top, right - left, bottom - top).data, under = [];
      for (let i = 0; i < pixels.length; i += 4) {
        under.push(luminance(over([pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3] / 255], page)));
      }
      under.sort((a, b) => a - b);
      const ink = luminance(over(rgba(String(this.fillStyle)), page)), ground = under[under.length >> 1];
      records.push({ text: String(text), colour: String(this.fillStyle), font: this.font,
                     ratio: (Math.max(ink, ground) + 0.05) / (Math.min(ink, ground) + 0.05) });
    }
    return fillText.call(this, text, x, y, ...rest);
  };
})();"""
