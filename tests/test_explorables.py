"""The explorables' JavaScript in a real browser: what it recomputes agrees with lib, and moving a
control redraws without an error, at a desktop width and a phone's, over HTTP and opened from
disk (file://); every control is reached with Tab and has a name. The pages are written here,
from the same Markdown the chapters emit, so these tests need chromium but not Quarto."""
from __future__ import annotations

import json
import re
import shutil
from dataclasses import asdict

import numpy as np
import pytest

from browser import CANVAS_TEXT, Visit, accessibility, browser, needs_chromium, serve
from lib.book.run import ROOT
from lib.explorable import Choice, Predict, Slider, markdown

pytestmark = needs_chromium


def raw_html(md: str) -> str:
    """The HTML block of an explorable's Markdown, as the web page gets it."""
    return re.search(r"```\{=html\}\n(.*?)\n```", md, re.S)[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A tiny site: the book's explorable modules, and pages written by the tests."""
    root = tmp_path_factory.mktemp("site")
    shutil.copytree(ROOT / "assets" / "explore", root / "assets" / "explore")
    (root / "chapters").mkdir()
    with serve(root) as base, browser() as b:
        yield root, base, b


def open_page(site, md: str, width: int = 900, disk: bool = False):
    """Write a page holding the explorable, open it at `width` pixels, over HTTP or from disk; a Visit."""
    root, base, b = site
    name = re.search(r'id="explore-([a-z0-9-]+)"', md)[1]
    path = root / "chapters" / f"{name}.html"
    path.write_text(
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><meta name='viewport' "
        f"content='width=device-width'><link rel='icon' href='data:,'><title>{name}</title></head><body style='margin:8px'>"
        f"<main>{raw_html(md)}</main></body></html>")
    page = b.new_page(viewport={"width": width, "height": 900})
    return Visit(page, path.as_uri() if disk else f"{base}chapters/{name}.html")


def module(visit: Visit, name: str, call: str):
    """Evaluate `call` with the explorable's functions bound to m (loading its file if the page has not)."""
    if not visit.page.evaluate(f"() => {json.dumps(name)} in window.Explore.modules"):
        visit.page.add_script_tag(url=f"../assets/explore/{name}.js")
    return visit.page.evaluate(f"() => {{ const m = window.Explore.modules[{json.dumps(name)}]; return {call}; }}")


def canvas(visit: Visit) -> str:
    return visit.page.evaluate("() => document.querySelector('canvas.explorable-canvas').toDataURL()")


def move(visit: Visit, control: str, presses: int = 5, key: str = "ArrowRight"):
    """Move a control with the keyboard, as a reader without a mouse would."""
    visit.page.focus(f"#{control}")
    for _ in range(presses):
        visit.page.keyboard.press(key)
    visit.page.wait_for_timeout(50)


def check_interaction(site, md: str, control: str, key: str = "ArrowRight"):
    """The control moves the drawing and the readout, with no error, at 900 and 375 pixels over
    HTTP and at 900 from disk; every control is reached with Tab, in order, and has a name."""
    seen = []
    for width, disk in ((900, False), (375, False), (900, True)):
        visit = open_page(site, md, width, disk)
        before = canvas(visit), visit.page.inner_text(".explorable-readout")
        assert before[1].strip(), "the readout is empty: the explorable did not run"
        move(visit, control, key=key)
        after = canvas(visit), visit.page.inner_text(".explorable-readout")
        assert before[0] != after[0], "moving the control did not redraw"
        assert visit.errors == [], visit.errors
        overflow = visit.page.evaluate("() => document.documentElement.scrollWidth")
        assert overflow <= width, f"the page is {overflow} px wide at a {width}-pixel window"
        seen.append((before[1], after[1]))
        if not disk:
            check_keyboard_and_names(visit)
        visit.page.close()
    assert seen[2] == seen[0], "opened from disk, the explorable said something else"
    return seen[0]


def check_keyboard_and_names(visit: Visit):
    """Tab goes through the controls in order; each has an accessible name (its label), a slider
    tells its value in words, the drawing is an image with a name, and the readout is live."""
    page = visit.page
    ids = page.evaluate("() => [...document.querySelectorAll('figure.explorable :is(input, select, button)')].map(e => e.id)")
    page.evaluate("() => { const p = document.querySelector('.explorable-try'); p.tabIndex = -1; p.focus(); }")
    reached = []
    for _ in ids:
        page.keyboard.press("Tab")
        reached.append(page.evaluate("() => document.activeElement.id"))
    assert reached == ids, f"Tab reached {reached}, not the controls {ids}"
    nodes = accessibility(page, "figure.explorable :is(input, select, button, canvas)")
    for node in nodes:
        assert node["name"].strip() and not node["ignored"], f"a control or the drawing has no name: {node}"
    assert [n["role"] for n in nodes if n["tag"] == "canvas"] == ["image"], nodes
    sliders = page.evaluate("() => [...document.querySelectorAll('figure.explorable input[type=range]')]"
                            ".map(e => e.getAttribute('aria-valuetext'))")
    assert all(v and v.strip() for v in sliders), f"a slider without its value in words: {sliders}"
    assert page.get_attribute(".explorable-readout", "aria-live") == "polite"


# --- the spiking neuron -------------------------------------------------------------------------

def spiking_md(predict=None):
    from lib.spiking import LIF, firing_rate

    curve = np.linspace(0, 60, 241)
    return markdown("spiking", data={"p": asdict(LIF()), "dt": 0.01, "steps": 10_000, "currents": curve,
                                     "rates": firing_rate(curve, LIF())},
                    controls=[Slider("current", "Input current", 0, 60, 0.5, 20)],
                    alt="A trace and a curve.", try_this="Slide it.", caption="A LIF neuron.", predict=predict)


def test_spiking_recomputes_what_lib_computes(site):
    from lib.spiking import LIF, firing_rate, simulate

    visit = open_page(site, spiking_md())
    p = asdict(LIF())
    for I in (12.0, 20.0, 37.5):
        js = module(visit, "spiking", f"Array.from(m.simulate({I}, {p!r}.valueOf(), 0.01, 2000).V)".replace("'", '"'))
        lib = simulate([I], dt=0.01, steps=2000, p=LIF()).V[0]
        assert np.allclose(js, lib, rtol=0, atol=1e-9)
        rate = module(visit, "spiking", f"m.firingRate({I}, {p!r})".replace("'", '"'))
        assert rate == pytest.approx(float(firing_rate(I, LIF())), abs=1e-9)
    below = asdict(LIF(v_reset=-70.0))  # a reset below rest: the general formula, not the R I one
    for I in (17.0, 30.0):
        rate = module(visit, "spiking", f"m.firingRate({I}, {below!r})".replace("'", '"'))
        assert rate == pytest.approx(float(firing_rate(I, LIF(v_reset=-70.0))), abs=1e-9)
    visit.page.close()


def test_spiking_control_redraws(site):
    before, after = check_interaction(site, spiking_md(), "explore-spiking-current")
    assert "spikes" in after and before != after


def js(value) -> str:
    """A Python value as a JavaScript literal (JSON)."""
    import json
    return json.dumps(value.tolist() if isinstance(value, np.ndarray) else value)


def quick(name, data, controls, predict=None):
    return markdown(name, data=data, controls=controls, alt="An explorable.", try_this="Move it.",
                    caption="A test of the explorable.", predict=predict)


# --- the perceptron -----------------------------------------------------------------------------

def perceptron_md(net, X, y):
    (W1, W2), (b1, b2) = net.W, net.b
    weights = {"w11": W1[0, 0], "w21": W1[1, 0], "w12": W1[0, 1], "w22": W1[1, 1], "b1": b1[0],
               "b2": b1[1], "v1": W2[0, 0], "v2": W2[1, 0], "c": b2[0]}
    return quick("perceptron", {"X": X, "y": y},
                 [Slider(k, k, -10, 10, 0.1, round(float(v), 1)) for k, v in weights.items()])


def test_perceptron_forward_pass_equals_lib(site):
    from lib import mlp
    from lib.perceptron import gate
    from lib.plots import grid

    net = mlp.init_mlp((2, 2, 1), np.random.default_rng(3), scale=4.0)
    X, y = gate("xor")
    visit = open_page(site, perceptron_md(net, X, y))
    (W1, W2), (b1, b2) = net.W, net.b
    arg = js({"W1": W1.tolist(), "b1": b1.tolist(), "W2": W2[:, 0].tolist(), "b2": float(b2[0])})
    surface = module(visit, "perceptron", f"Array.from(m.surface({arg}, -0.5, 1.5, 11))")
    assert np.allclose(surface, mlp.predict(net, grid((-0.5, 1.5, -0.5, 1.5), 11)), rtol=0, atol=1e-12)
    got = module(visit, "perceptron", f"m.loss({arg}, {js(X.astype(float))}, {js(y.astype(int))})")
    assert got == pytest.approx(float(mlp.loss(net, X, y)), rel=1e-12)
    visit.page.close()
    check_interaction(site, perceptron_md(net, X, y), "explore-perceptron-b1")


# --- e ------------------------------------------------------------------------------------------

def test_fourier_partial_sums_and_overshoot_equal_lib(site):
    from lib.fourier import gibbs_overshoot, partial_sum

    md = quick("e", {"limit": 1.1789797}, [Slider("terms", "Terms", 1, 150, 1, 5)])
    visit = open_page(site, md)
    t = np.linspace(-3, 3, 61)
    for n in (1, 7, 40):
        got = module(visit, "e", f"{js(t)}.map((s) => m.partialSum(s, {n}))")
        assert np.allclose(got, partial_sum(t, n), rtol=0, atol=1e-12)
        assert module(visit, "e", f"m.gibbsOvershoot({n})") == pytest.approx(gibbs_overshoot(n), abs=1e-12)
    visit.page.close()
    before, after = check_interaction(site, md, "explore-e-terms")
    assert before.startswith("5 terms") and after.startswith("10 terms")


# --- convolution --------------------------------------------------------------------------------

def test_feature_map_equals_lib_conv2d(site):
    import base64

    from lib.conv import conv2d

    rng = np.random.default_rng(4)
    grey = rng.integers(0, 256, (20, 20), dtype=np.uint8)
    kernels = {"a": rng.normal(size=(3, 3)), "b": np.eye(3)}
    md = quick("conv", {"side": 20, "kernels": kernels, "photo": base64.b64encode(grey.tobytes()).decode()},
               [Choice("kernel", "Kernel", (("a", "a"), ("b", "b")), "a")])
    visit = open_page(site, md)
    x = grey / 255
    decoded = module(visit, "conv", f"Array.from(m.decode({js(base64.b64encode(grey.tobytes()).decode())}))")
    assert np.array_equal(decoded, x.ravel())
    got = module(visit, "conv", f"Array.from(m.conv2d(m.decode({js(base64.b64encode(grey.tobytes()).decode())}), "
                                f"20, 20, {js(kernels['a'])}))")
    assert np.allclose(got, conv2d(x, kernels["a"]).ravel(), rtol=0, atol=1e-12)
    visit.page.close()
    check_interaction(site, md, "explore-conv-kernel", key="ArrowDown")


# --- the 250-layer network ----------------------------------------------------------------------

def test_layers_equal_lib_sparse(site):
    from lib.sparse import Plane, class_map, four_classes, initial_scores, propagate

    plane = Plane(size=16, extent=3.5)
    X, y = four_classes(6, np.random.default_rng(5))
    rows, cols = plane.cells(X)
    Xt, yt = four_classes(20, np.random.default_rng(6))
    trows, tcols = plane.cells(Xt)
    md = quick("deep", {"G": 16, "K": 4, "layers": 12, "train": {"rows": rows, "cols": cols, "y": y},
                        "test": {"rows": trows, "cols": tcols, "y": yt}},
               [Slider("gamma", "γ", 1, 1.5, 0.05, 1.1), Slider("layer", "Layer", 0, 12, 1, 2)])
    visit = open_page(site, md)
    S0, clamped, labels = initial_scores(plane, X, y, 4)
    for gamma in (1.0, 1.3):
        S, maps = propagate(S0, 12, gamma=gamma, clamped=clamped, labels=labels)
        got_S, got_maps = module(
            visit, "deep", f"(() => {{ const s = m.initial({js(rows)}, {js(cols)}, {js(y)}, 4, 16); "
                           f"const [S, maps] = m.propagate(s, {gamma}, 12, 4, 16); "
                           f"return [Array.from(S), maps.map((a) => Array.from(a))]; }})()")
        assert np.allclose(got_S, S.ravel(), rtol=0, atol=1e-12)
        assert np.array_equal(np.array(got_maps), maps.reshape(13, -1))
        assert np.array_equal(got_maps[-1], class_map(S).ravel())
    visit.page.close()
    check_interaction(site, md, "explore-deep-layer")


# --- dropout ------------------------------------------------------------------------------------

def test_thinned_network_output_equals_lib(site):
    from lib import mlp
    from lib.dropout import mask

    rng = np.random.default_rng(7)
    h = np.abs(rng.normal(size=(2, 64)))  # hidden activations: ReLU outputs are >= 0
    W2, b2 = rng.normal(size=(64, 4)), rng.normal(size=4)
    md = quick("dropout", {"hidden": h, "W2": W2, "b2": b2, "y": [0, 2], "classes": list("abcd"),
                           "images": rng.random((2, 256))},
               [Slider("p", "Dropout p", 0, 0.9, 0.05, 0.5), Slider("mask", "Mask", 1, 50, 1, 1),
                Choice("example", "Test shape", ((0, "a"), (1, "c")), "0")])
    visit = open_page(site, md)
    # the same numbers through lib: the hidden layer as the identity on h, then the last layer
    net = mlp.MLP(W=(np.eye(64), W2), b=(np.zeros(64), b2), hidden="relu", output="softmax")
    for p in (0.0, 0.5):
        m = mask((1, 64), p, rng)
        got = module(visit, "dropout", f"m.output({js(h[1])}, {js(m[0])}, {js(W2)}, {js(b2)})")
        assert np.allclose(got, mlp.forward(net, h[1:2], [m])[-1][0], rtol=0, atol=1e-12)
    drawn = module(visit, "dropout", "(() => { const r = m.mask(20000, 0.3, Math.random); "
                                     "return [r.filter((v) => v === 0).length, Math.max(...r)]; })()")
    assert abs(drawn[0] / 20000 - 0.3) < 0.02 and drawn[1] == pytest.approx(1 / 0.7)
    visit.page.close()
    check_interaction(site, md, "explore-dropout-p")


# --- transformers -------------------------------------------------------------------------------

def test_attention_weights_equal_lib(site):
    from lib.attention import attention, causal_mask

    rng = np.random.default_rng(8)
    Q, K = rng.normal(size=(2, 4, 6, 8)), rng.normal(size=(2, 4, 6, 8))  # (layer, head, word, feature)
    md = quick("transformers", {"words": list("abcdef"), "Q": Q, "K": K},
               [Choice("word", "Word", tuple(enumerate("abcdef")), "5"),
                Choice("layer", "Layer", ((0, "1"), (1, "2")), "0"),
                Choice("head", "Head", tuple((h, str(h + 1)) for h in range(4)), "0")])
    visit = open_page(site, md)
    _, A = attention(Q[1, 2], K[1, 2], np.eye(6), causal_mask(6))
    for t in (0, 3, 5):
        got = module(visit, "transformers", f"m.weights({js(Q[1, 2])}, {js(K[1, 2])}, {t})")
        assert np.allclose(got, A[t], rtol=0, atol=1e-12)
    visit.page.close()
    check_interaction(site, md, "explore-transformers-head", key="ArrowDown")


# --- watching a network learn -------------------------------------------------------------------

def test_every_layer_over_the_plane_equals_lib(site):
    from lib import mlp
    from lib.plots import grid

    nets = [mlp.init_mlp((2, 16, 16, 8, 1), np.random.default_rng(s), hidden="tanh") for s in (9, 10)]
    snapshots = [{"epoch": 10 * k, "W": list(n.W), "b": list(n.b)} for k, n in enumerate(nets)]
    md = quick("watching", {"snapshots": snapshots, "n": 20, "curve": [[0.5, 0.5, 0.5, 0.5]] * 10},
               [Slider("epoch", "Epoch", 0, 10, 10, 0), Choice("layer", "Layer", ((1, "1"), (2, "2"), (3, "3")), "1")])
    visit = open_page(site, md)
    P = grid((-1, 1, -1, 1), 6)
    got = module(visit, "watching", f"m.forward({js([W.tolist() for W in nets[1].W])}, "
                                    f"{js([b.tolist() for b in nets[1].b])}, m.grid(6))")
    for layer, A in enumerate(mlp.forward(nets[1], P)):
        assert np.allclose(got[layer], A, rtol=0, atol=1e-12)
    visit.page.close()
    check_interaction(site, md, "explore-watching-epoch")


# --- seeing the data ----------------------------------------------------------------------------

def test_the_dot_pointed_at_is_the_nearest_and_its_image_is_drawn(site):
    rng = np.random.default_rng(11)
    points = rng.normal(size=(30, 2))
    pixels = ["".join("0123456789abcdefg"[v] for v in rng.integers(0, 17, 64)) for _ in range(30)]
    md = quick("seeing", {"pictures": {"autoencoder": points, "PCA": points[::-1], "naive": points * 2},
                          "labels": rng.integers(0, 10, 30), "side": 8, "levels": 17, "pixels": pixels},
               [Choice("picture", "Picture", (("autoencoder", "a"), ("PCA", "p"), ("naive", "n")), "autoencoder"),
                Slider("dot", "Image", 0, 29, 1, 0)])
    visit = open_page(site, md)
    for x, y in ((0.1, -0.3), (2.0, 2.0)):
        got = module(visit, "seeing", f"m.nearest({js(points)}, {x}, {y})")
        assert got == int(np.argmin(((points - [x, y]) ** 2).sum(1)))
    image = module(visit, "seeing", f"m.image({js(pixels)}, 4, 8, 17)")
    assert np.allclose(image, ["0123456789abcdefg".index(ch) / 16 for ch in pixels[4]])
    # runs of blank pixels as capital letters (A one, B two, ...), decoded by hand
    runs = ["C" + "g" + "Z" + "Z" + "G" + "8", "A" * 63 + "g"]  # 3+1+26+26+7+1 and 63+1 pixels
    by_hand = [[0, 0, 0, 1] + [0] * 59 + [0.5], [0] * 63 + [1]]
    for i, expected in enumerate(by_hand):
        side = int(np.sqrt(len(expected)))
        assert len(expected) == side * side
        assert np.allclose(module(visit, "seeing", f"m.image({js(runs)}, {i}, {side}, 17)"), expected)
    visit.page.mouse.move(*visit.page.evaluate(  # point at the canvas: the readout follows the pointer
        "() => { const r = document.querySelector('canvas').getBoundingClientRect(); "
        "return [r.left + 120, r.top + 100]; }"))
    visit.page.wait_for_timeout(100)
    assert "Dot #" in visit.page.inner_text(".explorable-readout") and visit.errors == []
    visit.page.close()
    check_interaction(site, md, "explore-seeing-dot")


# --- does dropout work? -------------------------------------------------------------------------

def test_the_verdict_rule_equals_lib_trials(site):
    from lib.trials import compare, t_quantile

    rng = np.random.default_rng(12)
    dropout, plain = rng.uniform(0.6, 0.9, (3, 5)), rng.uniform(0.6, 0.9, (3, 5))
    dropout[1] = plain[1] + [0.02, 0.03, 0.04, 0.03, 0.025]  # a clear lead
    dropout[2] = plain[2] + [0.03, -0.01, 0.025, 0.02, 0.015]  # a lead: called with 5 runs, not 2
    t = [t_quantile(n) for n in range(2, 6)]
    md = quick("dropout-measured", {"sizes": [10, 50, 200], "dropout": dropout, "plain": plain, "t": t},
               [Choice("size", "Size", ((0, "10"), (1, "50"), (2, "200")), "1"), Slider("runs", "Runs", 2, 5, 1, 5)])
    visit = open_page(site, md)
    verdicts = set()
    for k in range(3):
        for n in (2, 3, 5):
            got = module(visit, "dropout-measured", f"m.compare({js(dropout[k][:n])}, {js(plain[k][:n])}, {t[n - 2]})")
            want = compare(dropout[k][:n], plain[k][:n])
            assert got["verdict"] == want.verdict
            verdicts.add(want.verdict)
            for key in ("gap", "sd", "low", "high"):
                assert got[key] == pytest.approx(getattr(want, key), abs=1e-12), key
    assert {"A", "neither"} <= verdicts  # both branches of the rule are exercised
    visit.page.close()
    before, after = check_interaction(site, md, "explore-dropout-measured-runs", key="ArrowLeft")
    assert "95 % interval" in before and "5 runs" in before and "2 runs" in after
    assert "uncorrected" in before and "taken alone" in before  # one interval of many


# --- how a network learns -----------------------------------------------------------------------

def learning_md(x, t, predict=None):
    A = np.column_stack([x, np.ones(len(x))])
    H = A.T @ A / len(x)
    theta_star = np.linalg.solve(H, A.T @ t / len(x))
    from lib.descent import mse

    return quick("learning", {"x": x, "t": t, "theta_star": theta_star, "L_star": mse(theta_star, A, t),
                              "lam_max": np.linalg.eigvalsh(H)[-1], "steps": 60,
                              "extent": [-1, 3.5, -3.5, 3]},
                 [Slider("w0", "Start w", -1, 3.5, 0.05, -0.5), Slider("b0", "Start b", -3.5, 3, 0.05, 2),
                  Slider("lr", "Learning rate", 0.01, 1.2, 0.01, 0.4),
                  Slider("momentum", "Momentum", 0, 0.95, 0.05, 0)], predict)


def test_descent_path_equals_lib(site):
    from lib.descent import descend, mse, mse_gradient

    rng = np.random.default_rng(13)
    x = rng.uniform(0, 3, 40)
    t = 1.5 * x - 1 + rng.normal(0, 0.5, 40)
    A = np.column_stack([x, np.ones(40)])
    md = learning_md(x, t)
    visit = open_page(site, md)
    for w, b in ((0.3, -0.2), (2.0, 1.0)):
        got = module(visit, "learning", f"m.loss({js(x)}, {js(t)}, {w}, {b})")
        assert got == pytest.approx(float(mse(np.array([w, b]), A, t)), rel=1e-12)
    grad = lambda theta: mse_gradient(theta, A, t)
    for lr, mu in ((0.05, 0.0), (0.4, 0.0), (0.3, 0.9), (0.6, 0.0)):  # the last one diverges
        got = np.array(module(visit, "learning", f"m.descend({js(x)}, {js(t)}, -0.5, 2, {lr}, 60, {mu})"))
        want = descend(grad, np.array([-0.5, 2.0]), lr=lr, steps=60, momentum=mu)
        assert np.allclose(got, want, rtol=1e-9, atol=1e-9)
    assert np.abs(want).max() > 1e3  # the diverging path was compared too
    visit.page.close()
    before, after = check_interaction(site, md, "explore-learning-lr")
    assert "η = 0.40" in before and "η = 0.45" in after and "after 60 steps" in after


def test_a_click_on_the_bowl_moves_the_start(site):
    rng = np.random.default_rng(14)
    x = rng.uniform(0, 3, 40)
    md = learning_md(x, 1.5 * x - 1 + rng.normal(0, 0.5, 40))
    visit = open_page(site, md)
    before = visit.page.input_value("#explore-learning-w0"), canvas(visit)
    box = visit.page.evaluate("() => { const r = document.querySelector('canvas').getBoundingClientRect(); "
                              "return [r.left, r.top]; }")
    visit.page.mouse.click(box[0] + 62, box[1] + 18)  # inside the bowl at any canvas size
    visit.page.wait_for_timeout(100)
    assert visit.page.input_value("#explore-learning-w0") != before[0] and canvas(visit) != before[1]
    assert visit.errors == []
    visit.page.close()


# --- the site test's oracle for text on a canvas -------------------------------------------------

def test_canvas_text_contrast_is_measured_as_wcag_defines_it(site):
    """CANVAS_TEXT (tests/browser.py), which the site test runs on every explorable: its ratio
    for text drawn on a transparent canvas over the page, and over a painted patch, against
    the WCAG 2 formula worked by hand: #777 on white is 4.48:1, white on #0072B2 5.19:1."""
    root, base, b = site
    (root / "canvas.html").write_text("<!DOCTYPE html><html><body style='background: #fff'><canvas width=300 "
                                      "height=100></canvas></body></html>")
    page = b.new_page()
    page.add_init_script(CANVAS_TEXT)
    page.goto(base + "canvas.html")
    records = page.evaluate("""() => { const ctx = document.querySelector('canvas').getContext('2d');
        ctx.font = '16px sans-serif'; ctx.fillStyle = '#777777'; ctx.fillText('grey on white', 10, 30);
        ctx.fillStyle = '#0072B2'; ctx.fillRect(150, 0, 150, 100);
        ctx.fillStyle = '#ffffff'; ctx.fillText('white on blue', 160, 60);
        return window.canvasText.map((t) => [t.text, t.ratio]); }""")
    page.close()
    assert [t for t, _ in records] == ["grey on white", "white on blue"]
    assert records[0][1] == pytest.approx(4.48, abs=0.01) and records[1][1] == pytest.approx(5.19, abs=0.01)
# --- the print edition: what lib/printed/ draws is what the page computes ----------------------

def test_lib_reads_the_pages_data_and_random_numbers_as_the_page_does(site):
    """The random numbers, masks, photo and images the print edition's figures use (lib/explorable.py)
    are the ones the page's modules draw and decode."""
    import base64
    import re

    from lib.explorable import image, page_masks, photo, seeded

    rng = np.random.default_rng(15)
    grey = rng.integers(0, 256, (6, 6), dtype=np.uint8)
    levels = rng.integers(0, 17, (2, 49)) * (rng.random((2, 49)) < 0.4)
    pixels = [re.sub("0{1,26}", lambda m: chr(64 + len(m[0])), "".join("0123456789abcdefg"[v] for v in row))
              for row in levels]
    data = {"side": 6, "kernels": {"a": np.eye(3)}, "photo": base64.b64encode(grey.tobytes()).decode()}
    visit = open_page(site, quick("conv", data, [Choice("kernel", "Kernel", (("a", "a"),), "a")]))
    assert np.array_equal(module(visit, "conv", f"Array.from(m.decode({js(data['photo'])}))"), photo(data).ravel())
    numbers = module(visit, "conv", "(() => { const r = window.Explore.seeded(2024); "
                                    "return Array.from({length: 50}, r); })()")
    r = seeded(2024)
    assert numbers == [r() for _ in range(50)]  # exactly: the same 32-bit integer arithmetic
    for p, seed in ((0.5, 1), (0.9, 1003)):
        masks = module(visit, "dropout", f"(() => {{ const r = window.Explore.seeded({seed}); "
                                         f"return [0, 1, 2].map(() => m.mask(64, {p}, r)); }})()")
        assert np.array_equal(masks, page_masks(64, p, seed, count=3))
    seeing = {"side": 7, "levels": 17, "pixels": pixels}
    for i in range(2):
        got = module(visit, "seeing", f"m.image({js(pixels)}, {i}, 7, 17)")
        assert np.allclose(got, image(seeing, i).ravel(), rtol=0, atol=1e-15)
    visit.page.close()


# --- predict first ------------------------------------------------------------------------------

def guess_by_keyboard(visit: Visit, guess) -> list[str]:
    """Answer the question as a keyboard user: Tab from the figure to the guess, type a number
    (guess a str) or step to option `guess` (an int: Space on the first, arrow keys to the
    others), Tab to the button, Enter. Returns the ids Tab reached."""
    page, reached = visit.page, []
    page.evaluate("() => { const f = document.querySelector('figure.explorable'); f.tabIndex = -1; f.focus(); }")
    page.keyboard.press("Tab")
    reached.append(page.evaluate("() => document.activeElement.id"))
    if isinstance(guess, str):
        page.keyboard.type(guess)
    elif guess == 0:
        page.keyboard.press("Space")
    else:
        for _ in range(guess):
            page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    reached.append(page.evaluate("() => document.activeElement.id"))
    page.keyboard.press("Enter")
    page.wait_for_timeout(100)
    return reached


def check_predict(site, md: str, guess, said: str, answer: str, setting: dict) -> str:
    """Predict first, at 900 and 375 pixels over HTTP and at 900 from disk: before a guess the
    explorable (controls, drawing, readout) is hidden and the button asks for a guess; a guess
    by keyboard shows `said` beside the answer `answer` in a live region, the explorable at the
    question's setting, focus on "Guess again", which hides it all again. Nothing is stored,
    sent or loaded on the way. Returns the verdict."""
    name = re.search(r'id="explore-([a-z0-9-]+)"', md)[1]
    verdicts = []
    for width, disk in ((900, False), (375, False), (900, True)):
        visit = open_page(site, md, width, disk)
        page, loaded = visit.page, len(visit.requests)
        hidden = ("() => ['.explorable-controls', 'canvas.explorable-canvas', '.explorable-readout']"
                  ".map((s) => document.querySelector(s).checkVisibility())")
        assert page.evaluate(hidden) == [False] * 3, "the explorable shows before a guess"
        page.click(f"#explore-{name}-reveal")  # no guess yet: it asks for one, and shows nothing
        assert "first" in page.inner_text(".explorable-verdict") and page.evaluate(hidden) == [False] * 3
        first = page.evaluate("() => document.querySelector('.explorable-predict input').id")
        assert guess_by_keyboard(visit, guess) == [first, f"explore-{name}-reveal"]
        verdict = page.inner_text(".explorable-verdict")
        assert page.inner_text(".explorable-guess") == said and page.inner_text(".explorable-answer") == answer
        assert verdict.startswith(f"You guessed {said}; the answer is {answer}")
        assert page.evaluate(hidden) == [True] * 3 and page.inner_text(".explorable-readout").strip()
        assert page.evaluate("() => { const c = document.querySelector('canvas.explorable-canvas'), "
                             "b = document.createElement('canvas'); b.width = c.width; b.height = c.height; "
                             "return c.width > 100 && c.toDataURL() !== b.toDataURL(); }"), "the explorable drew nothing"
        assert not page.is_visible(f"#explore-{name}-reveal")  # answered: no second answer to ask for
        for control, value in setting.items():
            assert float(page.input_value(f"#explore-{name}-{control}")) == pytest.approx(float(value)) \
                if not isinstance(value, str) else page.input_value(f"#explore-{name}-{control}") == value
        assert page.evaluate("() => document.activeElement.id") == f"explore-{name}-again"
        assert page.get_attribute(".explorable-verdict", "aria-live") == "polite"
        [live] = accessibility(page, ".explorable-verdict")
        assert not live["ignored"], live  # a screen reader hears the verdict
        for node in accessibility(page, ".explorable-predict :is(input, button:not([hidden]), fieldset)"):
            assert node["name"].strip() and not node["ignored"], node
        wide = page.evaluate("() => document.documentElement.scrollWidth")
        assert wide <= width, f"the page is {wide} px wide at a {width}-pixel window"
        page.keyboard.press("Enter")  # Guess again: all hidden, the guess cleared, focus on it
        page.wait_for_timeout(50)
        assert page.evaluate(hidden) == [False] * 3 and page.inner_text(".explorable-verdict") == ""
        assert page.evaluate("() => document.activeElement.id") == first
        assert page.evaluate("() => [...document.querySelectorAll('.explorable-predict input')]"
                             ".every((i) => !i.checked && (i.type !== 'number' || i.value === ''))")
        assert visit.requests[loaded:] == []  # nothing sent or fetched
        assert page.evaluate("() => localStorage.length + sessionStorage.length + document.cookie.length") == 0
        assert visit.errors == [], visit.errors
        verdicts.append(verdict)
        page.close()
    assert verdicts[2] == verdicts[0], "opened from disk, the explorable said something else"
    return verdicts[0]


def test_predict_the_rate_at_twice_the_rheobase(site):
    from lib.spiking import LIF, firing_rate, rheobase

    I = 2 * rheobase(LIF())
    rate = float(firing_rate(I, LIF()))  # lib's answer, and by hand: 1 / (t_ref + tau ln 2)
    assert rate == pytest.approx(1000 / (2 + 10 * np.log(2)), rel=1e-12)
    question = Predict("How fast at twice the rheobase?", rate, "Halfway: τ ln 2.", {"current": I},
                       unit="Hz", tolerance=15)
    verdict = check_predict(site, spiking_md(question), "100", "100 Hz", f"{rate:.1f} Hz", {"current": 30})
    assert verdict == f"You guessed 100 Hz; the answer is {rate:.1f} Hz, within 15 Hz of it. Halfway: τ ln 2."
    far = check_predict(site, spiking_md(question), "12.5", "12.5 Hz", f"{rate:.1f} Hz", {"current": 30})
    assert far.endswith(f"{rate:.1f} Hz. Halfway: τ ln 2.")  # not within 15 Hz: no "within"


def test_predict_whether_momentum_brings_back_a_diverging_path(site):
    from lib.descent import descend, mse, mse_gradient

    rng = np.random.default_rng(16)
    x = rng.uniform(0, 3, 40)
    t = 1.5 * x - 1 + rng.normal(0, 0.5, 40)
    A = np.column_stack([x, np.ones(40)])
    lam_max = np.linalg.eigvalsh(A.T @ A / 40)[-1]
    past = float(np.ceil(200 / lam_max + 1) / 100)  # just past 2 / lam_max, on the slider's steps
    setting = {"w0": -0.5, "b0": 2.0, "lr": past, "momentum": 0.5}
    answers = {}
    for mu in (0.0, 0.5):  # lib: nearer the minimum after 60 steps than at the start, or not
        path = descend(lambda th: mse_gradient(th, A, t), np.array([-0.5, 2.0]), lr=past, steps=60, momentum=mu)
        with np.errstate(over="ignore", invalid="ignore"):
            excess = mse(path, A, t) - mse(np.linalg.lstsq(A, t, rcond=None)[0], A, t)
        answers[mu] = "converges" if np.isfinite(excess[-1]) and excess[-1] < excess[0] else "diverges"
    assert answers == {0.0: "diverges", 0.5: "converges"}
    options = (("converges", "It reaches the minimum"), ("diverges", "It flies apart"))
    labels = dict(options)
    for mu in (0.0, 0.5):
        question = Predict("Does it converge?", answers[mu], "The limit moves.", {**setting, "momentum": mu},
                           options=options)
        verdict = check_predict(site, learning_md(x, t, question), 1, labels["diverges"], labels[answers[mu]],
                                {**setting, "momentum": mu})
        assert verdict.endswith(": right. The limit moves.") == (answers[mu] == "diverges")


def test_predict_which_picture_a_kernel_makes(site):
    import base64

    from lib.conv import conv2d
    from lib.explorable import photo

    rng = np.random.default_rng(17)
    grey = rng.integers(0, 256, (24, 24), dtype=np.uint8)
    kernels = {"sobel": np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]]), "sharpen": np.array(
        [[0, -1, 0], [-1, 5, -1], [0, -1, 0]]), "laplacian": np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]])}
    data = {"side": 24, "kernels": kernels, "photo": base64.b64encode(grey.tobytes()).decode()}
    options = (("sobel", "A", "Lines"), ("sharpen", "B", "The photo"), ("laplacian", "C", "Outlines"))
    question = Predict("Which is the sharpen kernel's map?", "sharpen", "Its weights sum to 1.",
                       {"kernel": "sharpen"}, options=options, pictures=True)
    md = quick("conv", data, [Choice("kernel", "Kernel", tuple((k, k) for k in kernels), "sobel")], question)
    verdict = check_predict(site, md, 2, "C", "B", {"kernel": "sharpen"})
    assert verdict == "You guessed C; the answer is B. Its weights sum to 1."
    visit = open_page(site, md)
    guess_by_keyboard(visit, 1)
    assert visit.page.inner_text(".explorable-verdict").startswith("You guessed B; the answer is B: right.")
    # the right option framed; each option's picture drawn, and the answer's is lib's feature map
    framed = visit.page.evaluate("() => [...document.querySelectorAll('.explorable-option')]"
                                 ".map((o) => o.classList.contains('explorable-right'))")
    assert framed == [False, True, False]
    blank = "() => [...document.querySelectorAll('canvas.explorable-picture')].map((c) => { " \
            "const b = document.createElement('canvas'); b.width = c.width; b.height = c.height; " \
            "return c.width > 40 && c.toDataURL() !== b.toDataURL(); })"
    assert visit.page.evaluate(blank) == [True] * 3
    got = module(visit, "conv", "Array.from(m.featureMap(JSON.parse(document.querySelector("
                                "'script.explorable-data').textContent), 'sharpen'))")
    assert np.allclose(got, conv2d(photo(data), kernels["sharpen"]).ravel(), rtol=0, atol=1e-12)
    assert visit.errors == []
    visit.page.close()


def test_predict_where_a_head_looks(site):
    from lib.attention import attention, causal_mask

    rng = np.random.default_rng(18)
    Q, K = rng.normal(size=(2, 4, 6, 8)), 2 * rng.normal(size=(2, 4, 6, 8))
    words = ["the", "best", "costa", "brava", "spot", "is"]
    _, A = attention(Q[1, 3], K[1, 3], np.eye(6), causal_mask(6))
    best = int(np.argmax(A[5]))  # lib's answer: the word "is" attends to most in layer 2, head 4
    others = [j for j in range(6) if j != best][:3]
    options = tuple((j, words[j]) for j in sorted([best, *others]))
    md = quick("transformers", {"words": words, "Q": Q, "K": K},
               [Choice("word", "Word", tuple(enumerate(words)), "2"),
                Choice("layer", "Layer", ((0, "1"), (1, "2")), "0"),
                Choice("head", "Head", tuple((h, str(h + 1)) for h in range(4)), "0")],
               Predict("Where does it look?", best, "A sink.", {"word": 5, "layer": 1, "head": 3}, options=options))
    wrong = next(k for k, (j, _) in enumerate(options) if j != best)
    verdict = check_predict(site, md, wrong, options[wrong][1], words[best], {"word": "5", "layer": "1", "head": "3"})
    assert verdict.endswith(f"the answer is {words[best]}. A sink.")


def test_predict_whether_two_runs_call_a_lead(site):
    from lib.trials import compare, t_quantile

    dropout = np.array([[0.8, 0.86, 0.83, 0.84, 0.85]])
    plain = dropout - [[0.03, 0.06, 0.05, 0.04, 0.045]]  # every run a lead
    verdicts = [compare(dropout[0, :n], plain[0, :n]).verdict for n in (2, 5)]
    assert verdicts == ["neither", "A"]  # two runs cannot call it, five can
    options = (("A", "Yes: dropout is ahead"), ("neither", "No verdict"), ("B", "Dropout is behind"))
    md = quick("dropout-measured", {"sizes": [50], "dropout": dropout, "plain": plain,
                                    "t": [t_quantile(n) for n in range(2, 6)]},
               [Choice("size", "Size", ((0, "50"),), "0"), Slider("runs", "Runs", 2, 5, 1, 5)],
               Predict("Do two runs call it?", verdicts[0], "Too wide.", {"size": 0, "runs": 2}, options=options))
    verdict = check_predict(site, md, 0, "Yes: dropout is ahead", "No verdict", {"size": "0", "runs": 2})
    assert verdict == "You guessed Yes: dropout is ahead; the answer is No verdict. Too wide."


def test_predict_the_average_of_200_masks(site):
    from lib import mlp
    from lib.explorable import page_masks

    rng = np.random.default_rng(19)
    h = np.abs(rng.normal(size=(2, 64)))
    W2, b2 = rng.normal(size=(64, 4)), rng.normal(size=4)
    net = mlp.MLP(W=(np.eye(64), W2), b=(np.zeros(64), b2), hidden="relu", output="softmax")
    masks = page_masks(64, 0.9, 1000 + 3, count=200)  # the page's masks for its average at mask #3
    mean = float(mlp.forward(net, np.repeat(h[1:2], 200, axis=0), [masks])[-1][:, 2].mean())
    md = quick("dropout", {"hidden": h, "W2": W2, "b2": b2, "y": [0, 2], "classes": list("abcd"),
                           "images": rng.random((2, 256))},
               [Slider("p", "Dropout p", 0, 0.9, 0.05, 0.5), Slider("mask", "Mask", 1, 50, 1, 1),
                Choice("example", "Test shape", ((0, "a"), (1, "c")), "0")],
               Predict("The mean of 200?", mean, "Thinned.", {"p": 0.9, "mask": 3, "example": 1}, digits=3,
                       tolerance=0.1))
    verdict = check_predict(site, md, "0.99", "0.99", f"{mean:.3f}", {"p": 0.9, "mask": 3, "example": "1"})
    assert f"the answer is {mean:.3f}" in verdict and verdict.endswith("Thinned.")


def test_a_page_whose_answer_is_not_libs_says_so(site):
    """The page computes the answer again and reports a console error when it differs from the
    one the chapter computed with lib (the site test fails on any console error)."""
    from lib.spiking import LIF, firing_rate

    wrong = Predict("How fast?", float(firing_rate(30.0, LIF())) + 1e-6, "Because.", {"current": 30}, unit="Hz")
    visit = open_page(site, spiking_md(wrong))
    guess_by_keyboard(visit, "100")
    assert [e for e in visit.errors if "is not lib's" in e] != [], visit.errors
    visit.page.close()
