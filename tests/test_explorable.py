"""The explorable's Markdown: controls with labels, data that round-trips exactly, no HTML output."""
import json
import re

import numpy as np
import pytest

from lib.explorable import Choice, Slider, explorable, markdown


def make(**kw):
    args = dict(data={"x": np.array([0.1, 1 / 3, 1e-300]), "n": np.int64(3), "tag": "</script>"},
                controls=[Slider("a", "Strength <b>", 0, 1, 0.1, 0.5),
                          Choice("c", "Colour", (("r", "red"), ("g", "green")), "g")],
                alt='A "plot".', try_this="Try it.", caption="A caption.")
    return markdown("demo", **(args | kw))


def test_markdown_holds_labelled_controls_the_data_and_a_pdf_line():
    md = make()
    html = re.search(r"```\{=html\}\n(.*?)\n```", md, re.S)[1]
    assert '<label for="explore-demo-a">Strength &lt;b&gt;</label>' in html
    assert '<input type="range" id="explore-demo-a" min="0" max="1" step="0.1" value="0.5">' in html
    assert '<option value="g" selected>green</option>' in html
    assert '<output for="explore-demo-a" aria-live="off">0.5</output>' in html  # the slider says its value
    assert '<label for="explore-demo-c">Colour</label><select id="explore-demo-c">' in html
    assert 'aria-label="A &quot;plot&quot;."' in html and 'aria-live="polite"' in html
    # classic scripts (a page opened from disk runs no ES module), the shared one first
    assert html.index('<script src="../assets/explore/common.js" defer></script>') \
        < html.index('<script src="../assets/explore/demo.js" defer></script>')
    assert 'type="module"' not in html
    payload = re.search(r'class="explorable-data">(.*?)</script>', html, re.S)[1]
    data = json.loads(payload)  # numbers come back exactly; "</" cannot end the script early
    assert data["x"] == [0.1, 1 / 3, 1e-300] and data["n"] == 3 and data["tag"] == "</script>"
    assert "</script>" not in payload
    assert "web version of this chapter has an explorable here: A caption." in md.split("content-hidden")[1]


def test_the_canvas_keeps_its_shape_and_a_phone_shape_when_given():
    assert 'style="aspect-ratio: 2"' in make(aspect=0.5)
    assert 'style="aspect-ratio: 2; --phone-aspect: 0.8"' in make(aspect=0.5, phone_aspect=1.25)


def test_the_notebook_gets_markdown_never_html():
    shown = explorable("demo", data={}, controls=[], alt="a", try_this="b", caption="c")
    assert not hasattr(shown, "_repr_html_") and "explore-demo" in shown._repr_markdown_()


@pytest.mark.parametrize("kw, words", [
    (dict(alt=" "), "alt"), (dict(caption=""), "caption"), (dict(aspect=5), "aspect"),
    (dict(phone_aspect=0.05), "phone_aspect"),
    (dict(data={"x": float("nan")}), "Out of range float"),
])
def test_bad_input_is_named(kw, words):
    with pytest.raises(ValueError, match=words):
        make(**kw)
    with pytest.raises(ValueError, match="name"):
        markdown("Bad Name", data={}, controls=[], alt="a", try_this="b", caption="c")
