"""Explorables: a control the reader moves, in the browser, with no kernel and no network.

    explorable("spiking", data={...}, controls=[Slider("current", "Input current (nA)", 0, 60,
               0.5, 20)], alt="...", try_this="Slide the current past 15 nA.")

The chapter computes the data with `lib` and hands it over as JSON; a plain JavaScript file,
`assets/explore/<name>.js`, draws it and recomputes live what the controls change (a classic
script, not an ES module, so that a page opened from disk runs it too; assets/explore/common.js
says how one is written). Controls are the browser's own inputs, each with its label: a range
input moves with arrow keys and with a finger, and tells a screen reader its value with its
unit; the readout under the drawing is a live region, read out when it changes. The page
gets all of it as Markdown holding raw HTML, never as an HTML output (which would make Quarto
load jquery and requirejs from a CDN); in the PDF a line says the web version has it.
"""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass

import numpy as np

from lib import check

SCRIPTS = "../assets/explore"  # from a page in chapters/ to the scripts
NAME = r"[a-z][a-z0-9-]*"  # an explorable's name: its module assets/explore/<name>.js
ID = r"[A-Za-z][A-Za-z0-9_-]*"  # a control's id, part of an HTML id


@dataclass(frozen=True)
class Slider:
    """A range input: id, label, min, max, step and starting value."""

    id: str
    label: str
    min: float
    max: float
    step: float
    value: float

    def __post_init__(self):
        check.text("id", self.id, pattern=ID), check.text("label", self.label, empty=False)
        for field in ("min", "max", "step", "value"):
            object.__setattr__(self, field, check.number(field, getattr(self, field)))
        if not self.min < self.max:
            raise ValueError(f"min must be below max, got min={self.min:g}, max={self.max:g}")
        check.number("step", self.step, low=0, low_open=True), check.number("value", self.value, self.min, self.max)

    def html(self, name: str) -> str:
        check.text("name", name, pattern=NAME)
        i = f"explore-{name}-{self.id}"
        return (f'<label for="{i}">{html.escape(self.label)}</label>'
                f'<input type="range" id="{i}" min="{self.min:g}" max="{self.max:g}" '
                f'step="{self.step:g}" value="{self.value:g}">'
                # the slider itself says its value (aria-valuetext): the output beside it keeps quiet
                f'<output for="{i}" aria-live="off">{self.value:g}</output>')


@dataclass(frozen=True)
class Choice:
    """A select: id, label, options as (value, text) pairs, and the chosen value."""

    id: str
    label: str
    options: tuple
    value: str

    def __post_init__(self):
        check.text("id", self.id, pattern=ID), check.text("label", self.label, empty=False)
        if not (isinstance(self.options, (tuple, list)) and self.options
                and all(isinstance(o, (tuple, list)) and len(o) == 2 for o in self.options)):
            raise TypeError(f"options must be a non-empty sequence of (value, text) pairs, got {self.options!r}")
        if str(self.value) not in [str(v) for v, _ in self.options]:
            raise ValueError(f"value must be one of the options' values, got {self.value!r}")

    def html(self, name: str) -> str:
        check.text("name", name, pattern=NAME)
        i = f"explore-{name}-{self.id}"
        options = "".join(f'<option value="{html.escape(str(v))}"'
                          f'{" selected" if str(v) == str(self.value) else ""}>{html.escape(str(t))}</option>'
                          for v, t in self.options)
        return f'<label for="{i}">{html.escape(self.label)}</label><select id="{i}">{options}</select>'


def _plain(value):
    """JSON-ready: arrays as (nested) lists of Python numbers, which round-trip exactly."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (np.floating, np.integer, np.bool_)):
        return value.item()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def markdown(name: str, *, data: dict, controls, alt: str, try_this: str, caption: str,
             aspect: float = 0.5, phone_aspect: float | None = None) -> str:
    """The explorable as Markdown: raw HTML on the web page, a line in the PDF. The canvas is
    `aspect` times as high as it is wide, or `phone_aspect` times in a window at most 600
    pixels wide (a phone), where a drawing laid out side by side is stacked instead."""
    check.text("name", name)
    if not re.fullmatch(NAME, name):
        raise ValueError(f"name must be lowercase letters, digits and hyphens, got {name!r}")
    for text, what in ((alt, "alt"), (try_this, "try_this"), (caption, "caption")):
        if not check.text(what, text).strip():
            raise ValueError(f"{what} must not be empty: a reader needs it")
    check.number("aspect", aspect)
    for value, what in ((aspect, "aspect"), (phone_aspect, "phone_aspect")):
        if value is not None and not 0.1 <= check.number(what, value) <= 3:
            raise ValueError(f"{what} (height / width) must be between 0.1 and 3, got {value}")
    check.instance("data", data, dict), check.instance("controls", controls, (list, tuple))
    for c in controls:
        check.instance("controls", c, (Slider, Choice))
    try:
        payload = json.dumps(_plain(data), separators=(",", ":"), allow_nan=False).replace("</", "<\\/")
    except (TypeError, ValueError) as e:
        raise ValueError(f"data must hold only numbers (no NaN or inf), text, lists and dicts: {e}") from None
    shape = f"aspect-ratio: {1 / aspect:.4g}"
    if phone_aspect is not None:  # applied by assets/theme.scss in a phone's window
        shape += f"; --phone-aspect: {1 / phone_aspect:.4g}"
    fields = "".join(f'<div class="explorable-field">{c.html(name)}</div>' for c in controls)
    return "\n".join([
        '::: {.content-visible when-format="html"}',
        "```{=html}",
        f'<figure class="explorable" id="explore-{name}">',
        f'<p class="explorable-try">{html.escape(try_this)}</p>',
        f'<div class="explorable-controls">{fields}</div>',
        f'<canvas class="explorable-canvas" style="{shape}" role="img" '
        f'aria-label="{html.escape(alt, quote=True)}"></canvas>',
        '<p class="explorable-readout" aria-live="polite" aria-atomic="true"></p>',
        f"<figcaption>{html.escape(caption)}</figcaption>",
        '<noscript><p>This explorable needs JavaScript, which runs in your browser only.</p></noscript>',
        f'<script type="application/json" class="explorable-data">{payload}</script>',
        "</figure>",
        # classic scripts, run in order once the page is read: what all explorables share, then this one
        f'<script src="{SCRIPTS}/common.js" defer></script>',
        f'<script src="{SCRIPTS}/{name}.js" defer></script>',
        "```",
        ":::",
        '::: {.content-hidden when-format="html"}',
        f"*The web version of this chapter has an explorable here: {caption}*",
        ":::",
    ])


def explorable(name: str, **kwargs):
    """The explorable for display in a notebook cell, as Markdown (see `markdown`)."""
    from IPython.display import Markdown

    return Markdown(markdown(name, **kwargs))


# --- What the browser computes from its data, in Python: for the print edition (lib/printed/),
# which draws the explorables with the numbers the page would show. tests/test_explorables.py
# checks each against its JavaScript.

def seeded(seed: int):
    """The page's random numbers (mulberry32, assets/explore/common.js): a function that gives
    the next number in [0, 1) at each call, the same sequence for the same seed as the page."""
    a = check.integer("seed", seed, low=0) & 0xFFFFFFFF

    def random() -> float:
        nonlocal a
        a = (a + 0x6D2B79F5) & 0xFFFFFFFF  # 32-bit unsigned arithmetic, as JavaScript's >>> 0
        t = ((a ^ (a >> 15)) * (a | 1)) & 0xFFFFFFFF
        t ^= (t + (((t ^ (t >> 7)) * (t | 61)) & 0xFFFFFFFF)) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296

    return random


def page_masks(n: int, p: float, seed: int, count: int = 1) -> np.ndarray:
    """`count` inverted-dropout masks of n units, (count, n), drawn one after another from
    seeded(seed) as assets/explore/dropout.js draws them: 0 with probability p, else 1/(1 - p)."""
    n, count = check.integer("n", n), check.integer("count", count)
    p = check.number("p", p, low=0, high=1, high_open=True)
    check.fits("n and count", (n, count), 8 * n * count)
    random = seeded(seed)
    return np.array([[1 / (1 - p) if random() >= p else 0.0 for _ in range(n)] for _ in range(count)])


def photo(data: dict) -> np.ndarray:
    """The conv explorable's photo from its data, (side, side) grey levels in [0, 1]: base64
    bytes over 255, as assets/explore/conv.js decodes it."""
    import base64
    import binascii

    check.instance("data", data, dict)
    side = check.integer("data['side']", data.get("side"))
    try:
        grey = np.frombuffer(base64.b64decode(check.text("data['photo']", data.get("photo")), validate=True),
                             dtype=np.uint8)
    except binascii.Error as e:
        raise ValueError(f"data['photo'] must be base64 text: {e}") from None
    if grey.size != side * side:
        raise ValueError(f"data['photo'] must hold side² = {side * side} bytes, got {grey.size}")
    return grey.reshape(side, side) / 255


SYMBOLS = "0123456789abcdefghijklmnopqrstuvwxyz"  # a grey level per symbol, as assets/explore/seeing.js


def image(data: dict, i: int) -> np.ndarray:
    """Image i of the seeing explorable's data, (side, side) grey levels in [0, 1], as
    assets/explore/seeing.js decodes it: a symbol per pixel, or a capital letter for a run of
    blank pixels (A one, B two, ... Z twenty-six)."""
    check.instance("data", data, dict)
    side, levels = check.integer("data['side']", data.get("side")), check.integer("data['levels']", data.get("levels"))
    pixels = check.instance("data['pixels']", data.get("pixels"), (list, tuple))
    row = check.text(f"data['pixels'][{i}]", pixels[check.integer("i", i, low=0, high=len(pixels) - 1)])
    out = []
    for ch in row:
        if "A" <= ch <= "Z":
            out += [0.0] * (ord(ch) - 64)
        elif ch in SYMBOLS[:levels]:
            out.append(SYMBOLS.index(ch) / (levels - 1))
        else:
            raise ValueError(f"data['pixels'][{i}] holds {ch!r}, which is no grey level of {levels}")
    if len(out) != side * side:
        raise ValueError(f"data['pixels'][{i}] holds {len(out)} pixels, not side² = {side * side}")
    return np.array(out).reshape(side, side)
