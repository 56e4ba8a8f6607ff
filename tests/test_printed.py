"""The explorables in print (lib/printed/): each figure draws the numbers an independent
computation gives (a closed form, SciPy, a hand-written forward pass), from an explorable's data."""
from __future__ import annotations

import base64
from dataclasses import asdict

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import scipy.signal  # noqa: E402
import scipy.special  # noqa: E402
import scipy.stats  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from lib.printed import (  # noqa: E402
    conv, deep, dropout, dropout_measured, learning, perceptron, seeing, spiking, transformers, watching,
)
from lib.printed import e as gibbs  # noqa: E402
from lib.explorable import image, page_masks, photo, seeded  # noqa: E402

sigmoid = scipy.special.expit


def titles(fig):
    return [ax.get_title() for ax in fig.axes]


def test_spiking_draws_each_currents_trace_and_the_closed_form_rate():
    from lib.spiking import LIF, firing_rate, rheobase

    p = LIF()
    curve = np.linspace(0, 60, 241)
    data = {"p": asdict(p), "dt": 0.01, "steps": 10_000, "currents": curve, "rates": firing_rate(curve, p)}
    fig = spiking.draw(Figure(), data, [10, 20, 60])
    assert titles(fig)[0] == "10 nA: 0 spikes" and 10 < rheobase(p)
    for ax, I in zip(fig.axes[1:3], (20, 60)):
        t, V = ax.lines[1].get_data()
        # before the first spike, V follows the exact solution V∞ + (V_rest - V∞) e^(-t/tau)
        v_inf = p.v_rest + p.R * I
        rising = t < 0.9 * p.tau * np.log((v_inf - p.v_rest) / (v_inf - p.v_th))
        assert np.allclose(V[rising], v_inf + (p.v_rest - v_inf) * np.exp(-t[rising] / p.tau), atol=1e-9)
        rate = float(ax.get_title().split(", ")[1].split(" Hz")[0])
        assert rate == pytest.approx(float(firing_rate(I, p)), rel=0.01)  # dt = 0.01 ms: within 1 %
    dots = fig.axes[-1].lines[1].get_ydata()
    assert dots[0] == 0 and len(dots) == 3


def xor_weights(w11, w21, w12, w22, b1, b2, v1, v2, c):
    return dict(zip(perceptron.WEIGHTS, (w11, w21, w12, w22, b1, b2, v1, v2, c)))


def test_perceptron_draws_the_output_a_hand_forward_pass_gives():
    X, y = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float), np.array([0, 1, 1, 0])
    other = xor_weights(6, 6, -6, -6, -3, 9, 6, 6, -9)  # OR and NAND, then AND
    broken = xor_weights(6, 6, -6, -6, 3, 9, 6, 6, -9)  # h1 on at (0, 0) too
    fig = perceptron.draw(Figure(), {"X": X, "y": y}, {"band": other, "broken": broken})
    g = np.linspace(-0.5, 1.5, 101)
    x1, x2 = np.meshgrid(g, g)
    h1, h2 = sigmoid(6 * x1 + 6 * x2 - 3), sigmoid(-6 * x1 - 6 * x2 + 9)
    assert np.allclose(fig.axes[0].images[0].get_array(), sigmoid(6 * h1 + 6 * h2 - 9), atol=1e-12)
    assert "4 of 4 right" in titles(fig)[0] and "3 of 4 right" in titles(fig)[1]
    line = fig.axes[0].lines[0].get_ydata()  # h1 is 1/2 on 6 x1 + 6 x2 - 3 = 0
    assert np.allclose(line, [1.0, -1.0])
    with pytest.raises(ValueError, match="weights"):
        perceptron.xor_net({"w11": 1.0})


def test_learning_draws_the_closed_form_descent_path():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 3, 30)
    t = 1.5 * x - 1 + rng.normal(0, 0.5, 30)
    A = np.column_stack([x, np.ones(30)])
    H = A.T @ A / 30
    star = np.linalg.solve(H, A.T @ t / 30)
    L_star = 0.5 * np.mean((A @ star - t) ** 2)
    lam = np.linalg.eigvalsh(H)
    data = {"x": x, "t": t, "theta_star": star, "L_star": L_star, "lam_max": lam[-1], "steps": 60,
            "extent": [-1, 3.5, -3.5, 3]}
    slow, fast = 0.5 / lam[-1], 2.1 / lam[-1]  # below and above 2 / lambda_max
    fig = learning.draw(Figure(), data, [dict(w0=-0.5, b0=2, lr=slow, momentum=0),
                                            dict(w0=-0.5, b0=2, lr=fast, momentum=0),
                                            dict(w0=-0.5, b0=2, lr=fast, momentum=0.5)])
    bowls = [ax for ax in fig.axes if ax.images]
    w, b = bowls[0].lines[0].get_data()
    k = np.arange(61)
    # gradient descent on a quadratic: theta_k - theta* = (I - lr H)^k (theta_0 - theta*)
    want = star + np.array([np.linalg.matrix_power(np.eye(2) - slow * H, j) @ ([-0.5, 2] - star) for j in k])
    assert np.allclose(np.column_stack([w, b]), want, atol=1e-9)
    assert [ax.get_title().split(": ")[1] for ax in bowls] == ["converges", "diverges", "converges"]


def test_watching_draws_a_hand_forward_pass_and_the_pages_scores():
    rng = np.random.default_rng(1)
    sizes = (2, 4, 4, 2, 1)
    def snapshot(epoch):
        return {"epoch": epoch, "W": [rng.normal(size=(m, n)) for m, n in zip(sizes, sizes[1:])],
                "b": [rng.normal(size=n) for n in sizes[1:]]}
    snaps = [snapshot(e) for e in (0, 10, 20)]
    curve = [[0.5, 0.04 * e, 0.5, 0.01 * e] for e in range(1, 21)]  # train and test share after epoch e
    fig = watching.draw(Figure(), {"snapshots": snaps, "n": 5, "curve": curve}, epochs=[0, 20], layers=(1, 3))
    g = np.linspace(-1, 1, 5)
    x1, x2 = np.meshgrid(g, g)
    a = np.stack([x1.ravel(), x2.ravel()], 1)
    W, b = snaps[2]["W"], snaps[2]["b"]
    for l in range(3):
        a = np.tanh(a @ W[l] + b[l])
        if l == 0:
            first = a
    fit = sigmoid(a @ W[3] + b[3])[:, 0].reshape(5, 5)
    images = [ax.images[0].get_array() for ax in fig.axes]
    assert np.allclose(images[1], fit, atol=1e-12)  # columns: epoch 0, epoch 20; rows: fit, layer 1, layer 3
    tiles = np.asarray(images[3].filled(np.nan))  # layer 1 at epoch 20: four maps in a row, top row first
    assert np.allclose(tiles[:, :5], first[:, 0].reshape(5, 5), atol=1e-12)
    assert np.allclose(tiles[:, 6:11], first[:, 1].reshape(5, 5), atol=1e-12) and np.isnan(tiles[:, 5]).all()
    assert titles(fig)[1] == "epoch 20\n80% / 20% right"  # the page reads curve[epoch - 1]
    with pytest.raises(ValueError, match="epochs"):
        watching.draw(Figure(), {"snapshots": snaps, "n": 5, "curve": curve}, epochs=[5])


def test_gibbs_draws_the_partial_sums_and_their_peak():
    fig = gibbs.draw(Figure(), {"limit": 2 / np.pi * scipy.special.sici(np.pi)[0]}, terms=[1, 150])
    t, s = fig.axes[0].lines[1].get_data()
    assert np.allclose(s, 4 / np.pi * np.sin(t), atol=1e-12)  # one term: (4/pi) sin t
    assert titles(fig)[0].endswith("peak 1.2732")  # 4/pi at t = pi/2
    peak = float(titles(fig)[1].split("peak ")[1])
    assert peak == pytest.approx(2 / np.pi * scipy.special.sici(np.pi)[0], abs=2e-4)


def test_conv_decodes_the_photo_and_draws_scipys_correlation():
    rng = np.random.default_rng(2)
    grey = rng.integers(0, 256, (12, 12), dtype=np.uint8)
    kernels = {"edge": np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]]), "box": np.full((3, 3), 1 / 9)}
    data = {"side": 12, "kernels": kernels, "photo": base64.b64encode(grey.tobytes()).decode()}
    assert np.array_equal(photo(data), grey / 255)
    fig = conv.draw(Figure(), data, ["edge", "box"])
    want = scipy.signal.correlate2d(grey / 255, kernels["edge"], mode="valid")
    assert np.allclose(fig.axes[1].images[0].get_array(), want, atol=1e-12)
    vmax = fig.axes[1].images[0].get_clim()[1]
    assert vmax == np.sort(np.abs(want).ravel())[int(0.995 * (want.size - 1))]
    assert fig.axes[2].get_xlabel().startswith("0.11  0.11  0.11")
    with pytest.raises(ValueError, match="kernels"):
        conv.draw(Figure(), data, ["nonsense"])


def test_deep_draws_label_propagation_as_scipy_computes_it():
    import scipy.ndimage

    G = 10
    rows, cols, y = np.array([2, 7, 5]), np.array([2, 7, 1]), np.array([0, 1, 1])
    data = {"G": G, "K": 2, "layers": 4, "train": {"rows": rows, "cols": cols, "y": y},
            "test": {"rows": np.array([2, 8]), "cols": np.array([2, 8]), "y": np.array([0, 0])}}
    fig = deep.draw(Figure(), data, gammas=[1], layers=[0, 4])
    # gamma = 1: blur each class's scores (zero padding), renormalise, clamp the labelled pixels
    S = np.full((2, G, G), 0.5)
    S[:, rows, cols] = np.eye(2)[y].T
    kernel = np.outer([1, 2, 1], [1, 2, 1]) / 16
    for _ in range(4):
        S = np.stack([scipy.ndimage.correlate(s, kernel, mode="constant") for s in S])
        S /= S.sum(0)
        S[:, rows, cols] = np.eye(2)[y].T
    decided = np.abs(S[0] - S[1]) > 1e-12
    want = np.where(decided, S.argmax(0), -1)
    assert np.array_equal(fig.axes[1].images[0].get_array() - 1, want)
    start = fig.axes[0].images[0].get_array() - 1
    assert (start >= 0).sum() == 3 and titles(fig)[0].endswith("97.0% unassigned, 50.0% right")


def test_the_pages_random_numbers_and_masks():
    # mulberry32 from assets/explore/common.js, run in Node: seeded(1) and seeded(1001)
    r = seeded(1)
    assert [r() for _ in range(3)] == [0.6270739405881613, 0.002735721180215478, 0.5274470399599522]
    assert seeded(1001)() == 0.14117497857660055
    m = page_masks(5, 0.5, 1)
    assert m.tolist() == [[2.0, 0.0, 2.0, 2.0, 2.0]]  # 0 where the number is below p
    many = page_masks(1000, 0.3, 7, count=20)
    assert abs((many == 0).mean() - 0.3) < 0.01 and np.all((many == 0) | np.isclose(many, 1 / 0.7))


def test_dropout_draws_the_thinned_softmax_and_its_running_mean():
    rng = np.random.default_rng(3)
    H, W2, b2 = np.abs(rng.normal(size=(2, 8))), rng.normal(size=(8, 3)), rng.normal(size=3)
    data = {"hidden": H, "W2": W2, "b2": b2, "y": np.array([0, 2]), "classes": ["a", "b", "c"],
            "images": rng.random((2, 256))}
    fig = dropout.draw(Figure(), data, ps=[0.5], mask=3)
    m = page_masks(8, 0.5, 3)[0]
    P = scipy.special.softmax((H[0] * m) @ W2 + b2)
    top, bottom = fig.axes
    assert top.get_title().endswith(f"P(a) = {P[0]:.3f}") and f"drops {int((m == 0).sum())}" in top.get_title()
    masks = page_masks(8, 0.5, 1003, 200)
    runs = scipy.special.softmax((H[1] * masks) @ W2 + b2, axis=1)[:, 2]
    assert np.allclose(bottom.lines[2].get_ydata(), np.cumsum(runs) / np.arange(1, 201), atol=1e-12)
    assert bottom.lines[3].get_ydata()[0] == pytest.approx(scipy.special.softmax(H[1] @ W2 + b2)[2])


def test_dropout_measured_draws_scipys_paired_interval():
    rng = np.random.default_rng(4)
    plain = rng.uniform(0.6, 0.8, (2, 5))
    lead = plain + [[0.02, 0.03, 0.04, 0.03, 0.025], [0.05, -0.04, 0.01, 0.0, 0.02]]
    fig = dropout_measured.draw(Figure(), {"sizes": [10, 25], "dropout": lead, "plain": plain},
                                   [(0, 5), (1, 3)])
    for ax, (k, n) in zip(fig.axes, [(0, 5), (1, 3)]):
        ci = scipy.stats.ttest_rel(lead[k, :n], plain[k, :n]).confidence_interval()
        assert f"({100 * ci.low:+.1f} to {100 * ci.high:+.1f})" in ax.get_title()
    assert titles(fig)[0].endswith("alone: dropout ahead") and titles(fig)[1].endswith("no verdict")


def test_transformers_draws_the_causal_softmax_row():
    rng = np.random.default_rng(5)
    Q, K = rng.normal(size=(2, 3, 4, 8)), rng.normal(size=(2, 3, 4, 8))  # (layer, head, word, feature)
    fig = transformers.draw(Figure(), {"words": list("abcd"), "Q": Q, "K": K}, word=2, heads=[(1, 2), (0, 0)])
    for ax, (l, h) in zip(fig.axes, [(1, 2), (0, 0)]):
        heights = [bar.get_height() for bar in ax.patches]
        want = scipy.special.softmax(Q[l, h, 2] @ K[l, h, :3].T / np.sqrt(8))
        assert np.allclose(heights, [*want, 0.0], atol=1e-12)


def test_seeing_decodes_the_pages_images_and_circles_the_dots():
    import re

    rng = np.random.default_rng(6)
    grey = rng.integers(0, 17, (3, 64)) * (rng.random((3, 64)) < 0.3)  # mostly blank
    runs = [re.sub("0{1,26}", lambda m: chr(64 + len(m[0])), "".join("0123456789abcdefg"[v] for v in row))
            for row in grey]  # as the chapter writes them
    points = rng.normal(size=(3, 2))
    data = {"pictures": {"one": points, "two": -points}, "labels": np.array([3, 1, 4]), "side": 8, "levels": 17,
            "pixels": runs}
    for i in range(3):
        assert np.allclose(image(data, i), grey[i].reshape(8, 8) / 16)
    fig = seeing.draw(Figure(), data, [2, 0])
    assert np.allclose(fig.axes[1].lines[0].get_xydata(), [-points[2]])  # A is dot 2, in picture "two"
    assert titles(fig)[2:] == ["A: a 4", "B: a 3"]
    with pytest.raises(ValueError, match="pixels"):
        image({**data, "pixels": ["AB"]}, 0)


def test_a_figure_needs_an_explorables_data():
    with pytest.raises(ValueError, match="data must be the explorable's data"):
        gibbs.draw(Figure(), {"terms": 3}, terms=[1])
    with pytest.raises(TypeError, match="fig"):
        gibbs.draw(None, {"limit": 1.18}, terms=[1])
    with pytest.raises(ValueError, match="terms"):
        gibbs.draw(Figure(), {"limit": 1.18}, terms=list(range(1, 9)))
