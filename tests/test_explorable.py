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


# --- predict first ------------------------------------------------------------------------------

from lib.explorable import Predict  # noqa: E402


def number_question(**kw):
    return Predict(**({"question": "How fast at 30 nA?", "answer": np.float64(111.97), "why": "Because τ ln 2.",
                       "setting": {"a": np.float64(0.3)}, "unit": "Hz", "tolerance": 15} | kw))


def choice_question(**kw):
    return Predict(**({"question": "Which colour?", "answer": "g", "why": "Green is the one.",
                       "setting": {"c": "g"}, "options": (("r", "Red <1>"), ("g", "Green"))} | kw))


def predict_html(md: str) -> str:
    return re.search(r'<div class="explorable-predict">(.*?)</div>\n<div class="explorable-body" hidden>', md, re.S)[1]


def test_a_number_question_comes_first_and_the_explorable_is_hidden_until_a_guess():
    md = make(predict=number_question())
    part = predict_html(md)
    # the question as a fieldset's legend, a labelled number box, buttons that never submit anything
    assert "<fieldset><legend><strong>Predict first.</strong> How fast at 30 nA?</legend>" in part
    assert '<label for="explore-demo-guess">Your guess (Hz)</label>' in part
    assert '<input type="number" id="explore-demo-guess" step="any" inputmode="decimal">' in part
    assert '<button type="button" id="explore-demo-reveal">Show the answer</button>' in part
    assert '<button type="button" id="explore-demo-again" hidden>Guess again</button>' in part
    assert '<p class="explorable-verdict" aria-live="polite" aria-atomic="true"></p>' in part
    assert "<form" not in md and "action=" not in md and "name=" not in part  # nothing to submit
    config = json.loads(re.search(r'class="explorable-predict-data">(.*?)</script>', part)[1])
    assert config == {"answer": 111.97, "why": "Because τ ln 2.", "setting": {"a": 0.3}, "unit": "Hz", "digits": 1,
                      "tolerance": 15.0, "pictures": False, "labels": {}}
    # the controls, canvas and readout sit in the hidden part, the caption outside it
    body = md.split('<div class="explorable-body" hidden>')[1].split("</div>\n<figcaption>")[0]
    assert 'id="explore-demo-a"' in body and "<canvas" in body and "explorable-readout" in body
    assert "<figcaption>A caption.</figcaption>" in md
    assert "explorable-body" not in make() and "Predict first" not in make()  # only when asked


def test_a_choice_is_a_radio_group_and_pictures_carry_their_description():
    part = predict_html(make(predict=choice_question()))
    assert ('<label class="explorable-option"><input type="radio" name="explore-demo-guess" '
            'id="explore-demo-guess-0" value="r"><span>Red &lt;1&gt;</span></label>') in part
    assert part.count('type="radio" name="explore-demo-guess"') == 2
    pictured = Predict("Which map?", "b", "Its weights sum to 1.", {"c": "g"}, pictures=True,
                       options=(("a", "A", "Thin lines"), ("b", "B", 'The "photo"')))
    part = pictured.html("demo")
    assert ('<label class="explorable-option explorable-pictured"><input type="radio" name="explore-demo-guess" '
            'id="explore-demo-guess-1" value="b"><canvas class="explorable-picture" width="120" height="120" role="img" '
            'aria-label="The &quot;photo&quot;"></canvas><span>B</span></label>') in part
    config = json.loads(re.search(r'class="explorable-predict-data">(.*?)</script>', part)[1])
    assert config["labels"] == {"a": "A", "b": "B"} and config["pictures"] is True and config["tolerance"] is None


def test_the_printed_question_stands_before_the_figure():
    shown = number_question().printed("The 30 nA panel of @fig-x answers it.")
    assert shown._repr_markdown_() == "**Predict first.** How fast at 30 nA? The 30 nA panel of @fig-x answers it."
    other = number_question().printed("Then look.", question="Faster than 100 Hz?")
    assert other._repr_markdown_() == "**Predict first.** Faster than 100 Hz? Then look."
    with pytest.raises(ValueError, match="question"):
        number_question().printed("Then look.", question=" ")


@pytest.mark.parametrize("kw, error, words", [
    (dict(question=" "), ValueError, "question"), (dict(why=""), ValueError, "why"),
    (dict(answer=float("nan")), ValueError, "answer"), (dict(answer="fast"), TypeError, "answer"),
    (dict(tolerance=0), ValueError, "tolerance"), (dict(digits=9), ValueError, "digits"),
    (dict(setting={}), ValueError, "setting"), (dict(setting={"a": None}), TypeError, "setting"),
    (dict(setting={"a b": 1}), ValueError, "setting"), (dict(unit=None), TypeError, "unit"),
    (dict(pictures=True), ValueError, "pictures"), (dict(pictures="yes"), TypeError, "pictures"),
])
def test_a_bad_number_question_is_refused_by_name(kw, error, words):
    with pytest.raises(error, match=words):
        number_question(**kw)


@pytest.mark.parametrize("kw, error, words", [
    (dict(answer="b"), ValueError, "answer"), (dict(options=(("r", "Red"),)), TypeError, "options"),
    (dict(options=(("r", "Red"), ("r", "Rose"))), ValueError, "options"),
    (dict(options=(("r", "Red"), ("g", ""))), ValueError, "options"), (dict(tolerance=1.0), ValueError, "tolerance"),
    (dict(pictures=True), TypeError, "options"),  # pictures need a description each
])
def test_a_bad_choice_is_refused_by_name(kw, error, words):
    with pytest.raises(error, match=words):
        choice_question(**kw)


@pytest.mark.parametrize("setting, words", [
    ({"z": 1}, "'z', which is no control"), ({"a": 2.0}, r"setting\['a'\] must be a number in \[0, 1\]"),
    ({"a": "r"}, r"setting\['a'\]"), ({"c": "b"}, r"setting\['c'\] must be one of"),
])
def test_the_setting_must_be_one_the_controls_can_take(setting, words):
    with pytest.raises(ValueError, match=words):
        make(predict=number_question(setting=setting))
    with pytest.raises(TypeError, match="predict"):
        make(predict="How fast?")
