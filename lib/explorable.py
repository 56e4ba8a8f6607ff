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

Predict, then see: with `predict=Predict(question, answer, why, setting, ...)` the explorable
first asks its question and stays hidden until the reader commits a guess (a number, or one of
2 to 4 options, pictures the explorable draws among them); then it shows itself at the
question's setting, with "You guessed X; the answer is Y" and the one sentence on why, read
out by screen readers. The page computes the answer from its data (the module's `answer`) and
checks it against `answer`, which the chapter computes with lib. Nothing is stored or sent.
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


@dataclass(frozen=True)
class Predict:
    """A question the reader answers before the explorable shows itself: the question, lib's
    answer, one sentence on why, and the setting of the controls it asks about ({id: value}),
    shown with the answer. A number (its unit, the decimals shown, and `tolerance`: a guess
    this near counts as close) or, with `options`, a choice among 2 to 4 (value, label) pairs;
    with pictures=True the explorable draws each option's picture, and each option is a
    (value, label, description) triple, the description read to screen readers."""

    question: str
    answer: float | str
    why: str
    setting: dict
    unit: str = ""
    digits: int = 1
    tolerance: float | None = None
    options: tuple = ()
    pictures: bool = False

    def __post_init__(self):
        for field in ("question", "why"):
            check.text(field, getattr(self, field), empty=False)
        check.text("unit", self.unit)
        check.instance("setting", self.setting, dict)
        if not self.setting:
            raise ValueError("setting must name the controls' values the question asks about, got {}")
        for k, v in self.setting.items():
            check.text("setting", k, pattern=ID)
            if isinstance(v, (bool, np.bool_)) or not isinstance(v, (str, int, float, np.integer, np.floating)):
                raise TypeError(f"setting[{k!r}] must be a number or an option's value, got {v!r}")
        object.__setattr__(self, "setting", {k: _plain(v) for k, v in self.setting.items()})
        object.__setattr__(self, "digits", check.integer("digits", self.digits, low=0, high=6))
        pictures = check.flag("pictures", self.pictures)
        object.__setattr__(self, "pictures", pictures)
        if not self.options:
            if pictures:
                raise ValueError("pictures=True needs options: the pictures to choose among")
            object.__setattr__(self, "answer", check.number("answer", self.answer))
            if self.tolerance is not None:
                object.__setattr__(self, "tolerance", check.number("tolerance", self.tolerance, low=0, low_open=True))
            return
        if self.tolerance is not None:
            raise ValueError("tolerance is for a number; a choice is right or wrong")
        width = 3 if pictures else 2
        if not (isinstance(self.options, (tuple, list)) and 2 <= len(self.options) <= 4
                and all(isinstance(o, (tuple, list)) and len(o) == width for o in self.options)):
            what = "(value, label, description) triples" if pictures else "(value, label) pairs"
            raise TypeError(f"options must be 2 to 4 {what}, got {self.options!r}")
        for o in self.options:
            for part in o[1:]:
                check.text("options", part, empty=False)
        values = [str(o[0]) for o in self.options]
        if len(set(values)) != len(values):
            raise ValueError(f"options must have distinct values, got {values}")
        if str(self.answer) not in values:
            raise ValueError(f"answer must be one of the options' values {values}, got {self.answer!r}")
        object.__setattr__(self, "options", tuple(tuple(o) for o in self.options))

    def html(self, name: str) -> str:
        """The question's form, its verdict (a live region) and a button to guess again."""
        check.text("name", name, pattern=NAME)
        i = f"explore-{name}"
        if self.options:
            fields = "".join(
                f'<label class="explorable-option{" explorable-pictured" if self.pictures else ""}">'
                f'<input type="radio" name="{i}-guess" id="{i}-guess-{k}" '
                f'value="{html.escape(str(o[0]), quote=True)}">'
                + (f'<canvas class="explorable-picture" width="120" height="120" role="img" '
                   f'aria-label="{html.escape(o[2], quote=True)}">'
                   "</canvas>" if self.pictures else "")
                + f"<span>{html.escape(o[1])}</span></label>" for k, o in enumerate(self.options))
            fields = f'<div class="explorable-options">{fields}</div>'
        else:
            unit = f" ({html.escape(self.unit)})" if self.unit else ""
            fields = (f'<div class="explorable-field"><label for="{i}-guess">Your guess{unit}</label>'
                      f'<input type="number" id="{i}-guess" step="any" inputmode="decimal"></div>')
        config = {"answer": self.answer, "why": self.why, "setting": self.setting, "unit": self.unit,
                  "digits": self.digits, "tolerance": self.tolerance, "pictures": self.pictures,
                  "labels": {str(o[0]): o[1] for o in self.options}}
        payload = json.dumps(config, separators=(",", ":")).replace("</", "<\\/")
        return (f'<div class="explorable-predict"><fieldset>'
                f'<legend><strong>Predict first.</strong> {html.escape(self.question)}</legend>{fields}'
                f'<button type="button" id="{i}-reveal">Show the answer</button></fieldset>'
                '<p class="explorable-verdict" aria-live="polite" aria-atomic="true"></p>'
                f'<button type="button" id="{i}-again" hidden>Guess again</button>'
                f'<script type="application/json" class="explorable-predict-data">{payload}</script></div>')

    def printed(self, then: str, question: str | None = None):
        """The question for the PDF, to stand before the printed figure: "Predict first." and the
        question (or `question`, its form for print, where no option can be hidden), then `then`
        (where the figure answers it), as Markdown for a cell's output."""
        from IPython.display import Markdown

        check.text("then", then, empty=False)
        if question is not None:
            check.text("question", question, empty=False)
        return Markdown(f"**Predict first.** {question or self.question} {then}")


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
             aspect: float = 0.5, phone_aspect: float | None = None, predict: Predict | None = None) -> str:
    """The explorable as Markdown: raw HTML on the web page, a line in the PDF. The canvas is
    `aspect` times as high as it is wide, or `phone_aspect` times in a window at most 600
    pixels wide (a phone), where a drawing laid out side by side is stacked instead. With
    `predict`, the reader answers its question first, and the rest shows only then."""
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
    if predict is not None:
        check.instance("predict", predict, Predict)
        _check_setting(predict.setting, controls)
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
        *([predict.html(name), '<div class="explorable-body" hidden>'] if predict else []),
        f'<p class="explorable-try">{html.escape(try_this)}</p>',
        f'<div class="explorable-controls">{fields}</div>',
        f'<canvas class="explorable-canvas" style="{shape}" role="img" '
        f'aria-label="{html.escape(alt, quote=True)}"></canvas>',
        '<p class="explorable-readout" aria-live="polite" aria-atomic="true"></p>',
        *(["</div>"] if predict else []),
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


def _check_setting(setting: dict, controls) -> None:
    """The predict's setting names controls of this explorable, each at a value it can take."""
    by_id = {c.id: c for c in controls}
    for k, v in setting.items():
        if k not in by_id:
            raise ValueError(f"predict's setting names {k!r}, which is no control of this explorable: {sorted(by_id)}")
        c = by_id[k]
        if isinstance(c, Slider):
            if isinstance(v, str) or not c.min <= v <= c.max:
                raise ValueError(f"predict's setting[{k!r}] must be a number in [{c.min:g}, {c.max:g}], got {v!r}")
        elif str(v) not in [str(o) for o, _ in c.options]:
            raise ValueError(f"predict's setting[{k!r}] must be one of the options' values, got {v!r}")


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
