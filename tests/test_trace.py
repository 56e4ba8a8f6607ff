"""Tracing contributions backwards, PCA, and the star data, each against an independent computation."""
import itertools
import statistics

import numpy as np
import pytest
from matplotlib.path import Path
from sklearn.decomposition import PCA

from lib import mlp
from lib.data import distance_to_polygon, inside, star, star_polygon
from lib.pca import pca
from lib.trace import (ablate_each, contributions, interval_bounds, rearrange, strength, trace_back,
                       without_unit)


@pytest.mark.parametrize("measure", ["sd", "mean_abs"])
def test_trace_back_picks_the_strongest_contribution_recomputed_by_hand(measure):
    rng = np.random.default_rng(0)
    net = mlp.init_mlp((2, 6, 5, 4, 1), rng, hidden="tanh", scale=2.0)
    X = rng.uniform(-1, 1, (300, 2))
    steps = trace_back(net, X, measure=measure)
    assert [layer for layer, _, _ in steps] == [3, 2, 1, 0]
    # recompute every step with explicit loops over units, from the weights and a fresh forward pass
    H = [X]
    for W, b in zip(net.W[:-1], net.b[:-1]):
        H.append(np.tanh(H[-1] @ W + b))
    unit = 0
    for layer, chosen, s in steps:
        by_hand = []
        for j in range(net.W[layer].shape[0]):
            c = [H[layer][i, j] * net.W[layer][j, unit] for i in range(len(X))]
            by_hand.append(statistics.pstdev(c) if measure == "sd" else np.mean(np.abs(c)))
        assert np.allclose(s, by_hand) and chosen == int(np.argmax(by_hand))
        unit = chosen


def test_a_constant_unit_is_strong_by_mean_abs_and_zero_by_sd():
    C = np.column_stack([np.full(50, 3.0), np.linspace(-1, 1, 50)])  # a constant offset, a signal
    assert np.argmax(strength(C, "mean_abs")) == 0 and np.argmax(strength(C, "sd")) == 1
    assert strength(C, "sd")[0] == 0
    with pytest.raises(ValueError, match="measure"):
        strength(C, "max")


def test_without_unit_is_the_network_with_that_unit_held_constant():
    rng = np.random.default_rng(5)
    net = mlp.init_mlp((2, 6, 5, 1), rng, hidden="tanh")
    X = rng.uniform(-1, 1, (40, 2))
    for layer, unit, value in ((1, 2, 0.3), (2, 4, -0.7)):
        # by hand: the forward pass with that activation overwritten
        A = X
        for l, (W, b) in enumerate(zip(net.W, net.b)):
            Z = A @ W + b
            A = np.tanh(Z) if l < len(net.W) - 1 else 1 / (1 + np.exp(-Z[:, 0]))
            if l + 1 == layer:
                A = A.copy()
                A[:, unit] = value
        assert np.allclose(mlp.predict(without_unit(net, layer, unit, value), X), A)
    assert np.array_equal(net.W[1], mlp.init_mlp((2, 6, 5, 1), np.random.default_rng(5), hidden="tanh").W[1])
    for bad in ((0, 0), (3, 0), (1, 6)):
        with pytest.raises(ValueError, match="layer|unit"):
            without_unit(net, *bad, 0.0)


def _held_by_hand(net, X, layer, unit, value):
    """The forward pass written out, with one activation overwritten: the output probabilities."""
    A = X
    for l, (W, b) in enumerate(zip(net.W, net.b)):
        Z = A @ W + b
        if l < len(net.W) - 1:
            A = np.tanh(Z)
        elif net.output == "sigmoid":
            A = 1 / (1 + np.exp(-Z[:, 0]))
        else:
            A = np.exp(Z - Z.max(axis=1, keepdims=True))
            A = A / A.sum(axis=1, keepdims=True)
        if l + 1 == layer:
            A = A.copy()
            A[:, unit] = value
    return A


@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
def test_ablate_each_holds_every_unit_in_turn(output):
    rng = np.random.default_rng(6)
    net = mlp.init_mlp((2, 6, 5, 4, 1 if output == "sigmoid" else 3), rng, hidden="tanh",
                       output=output, scale=2.0)
    X = rng.uniform(-1, 1, (60, 2))
    for layer in (1, 2, 3):
        values = rng.normal(size=net.sizes[layer])
        got = ablate_each(net, X, layer, values)
        assert got.shape[0] == net.sizes[layer] and got.shape[1] == len(X)
        for j, v in enumerate(values):
            assert np.allclose(got[j], _held_by_hand(net, X, layer, j, v), rtol=0, atol=1e-12)
    with pytest.raises(ValueError, match="values"):
        ablate_each(net, X, 1, np.zeros(5))  # layer 1 has 6 units
    with pytest.raises(ValueError, match="layer"):
        ablate_each(net, X, 4, np.zeros(3))


def test_mean_ablation_of_the_last_layer_moves_the_logit_by_the_spread_of_the_contribution():
    # the identity the chapter states: sd over X of a_j w_j = RMS over X of the change in the
    # output's weighted input when unit j is held at its mean over X
    rng = np.random.default_rng(8)
    net = mlp.init_mlp((2, 7, 5, 1), rng, hidden="tanh", scale=2.0)
    X = rng.uniform(-1, 1, (500, 2))
    A = mlp.forward(net, X)
    logit = lambda n: mlp.forward(n, X)[-2] @ n.W[-1][:, 0] + n.b[-1][0]
    rms = [np.sqrt(np.mean((logit(without_unit(net, 2, j, m)) - logit(net)) ** 2))
           for j, m in enumerate(A[2].mean(axis=0))]
    assert np.allclose(strength(contributions(net, X, 2, 0), "sd"), rms, rtol=1e-10)


def test_a_stack_is_refused_not_misread():
    net = mlp.init_mlp((2, 4, 3, 1), np.random.default_rng(0), hidden="tanh", stack=2)
    X = np.zeros((5, 2))
    for call in (lambda: contributions(net, X, 1, 0), lambda: trace_back(net, X),
                 lambda: without_unit(net, 1, 0, 0.0), lambda: ablate_each(net, X, 1, np.zeros(4))):
        with pytest.raises(ValueError, match="net .*stack"):
            call()


def test_contributions_sum_to_the_weighted_input():
    rng = np.random.default_rng(1)
    net = mlp.init_mlp((2, 4, 3, 1), rng, hidden="tanh")
    X = rng.normal(size=(10, 2))
    A = mlp.forward(net, X)
    z = contributions(net, X, 1, 2).sum(axis=1) + net.b[1][2]
    assert np.allclose(np.tanh(z), A[2][:, 2])  # the contributions add up to unit 2's weighted sum
    with pytest.raises(ValueError, match="layer"):
        contributions(net, X, 5, 0)
    with pytest.raises(ValueError, match="unit"):
        contributions(net, X, 1, 9)


def test_pca_equals_svd_and_scikit_learn_up_to_sign():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(200, 6)) @ rng.normal(size=(6, 6))  # correlated features
    scores, components, explained = pca(X, 3)
    _, S, Vt = np.linalg.svd(X - X.mean(axis=0), full_matrices=False)
    for k in range(3):
        assert np.isclose(abs(components[k] @ Vt[k]), 1)  # same direction, up to sign
    assert np.allclose(explained, S[:3] ** 2 / np.sum(S**2))
    reference = PCA(n_components=3).fit(X)
    assert np.allclose(np.abs(scores), np.abs(reference.transform(X)))
    assert np.allclose(components @ components.T, np.eye(3))
    for bad, words in ((np.ones(5), "shape"), (np.full((3, 2), np.nan), "finite")):
        with pytest.raises(ValueError, match=words):
            pca(bad, 1)
    with pytest.raises(ValueError, match="k must"):
        pca(X, 7)


def test_inside_the_star_agrees_with_matplotlib():
    P = np.random.default_rng(3).uniform(-1, 1, (5000, 2))
    assert np.array_equal(inside(P, star_polygon()), Path(star_polygon()).contains_points(P))
    X, y = star(2000, np.random.default_rng(4))
    assert 0.15 < y.mean() < 0.5 and set(np.unique(y)) == {0, 1}


def test_distance_to_polygon_by_hand():
    square = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    P = np.array([[0.5, 0.5], [2.0, 0.5], [0.5, 0.1], [2.0, 2.0]])
    assert np.allclose(distance_to_polygon(P, square), [0.5, 1.0, 0.1, np.sqrt(2)])


def _tiny(w, b, hidden="tanh"):
    """One input layer of len(b) units with incoming weights w (2, units) and biases b, one output."""
    w, b = np.asarray(w, float), np.asarray(b, float)
    return mlp.MLP((w, np.ones((len(b), 1))), (b, np.zeros(1)), hidden=hidden)


def test_interval_bounds_of_one_unit_by_hand():
    # z = x1 - 2 x2 + 0.5 over [-1, 1]^2 runs from 0.5 - 3 to 0.5 + 3, at the corners (-1, 1) and (1, -1)
    low, high = interval_bounds(_tiny([[1.0], [-2.0]], [0.5]), -np.ones(2), np.ones(2))[1]
    assert np.allclose([low[0], high[0]], np.tanh([-2.5, 3.5]), rtol=1e-15)


@pytest.mark.parametrize("hidden", ["tanh", "sigmoid", "relu"])
def test_interval_bounds_hold_every_sample_and_are_reached_in_the_first_layer(hidden):
    rng = np.random.default_rng(3)
    net = mlp.init_mlp((3, 7, 5, 1), rng, hidden=hidden, scale=2.0)
    low, high = np.array([-0.5, 0.0, 1.0]), np.array([0.5, 0.2, 3.0])
    bounds = interval_bounds(net, low, high)
    inside_box = rng.uniform(low, high, (5000, 3))
    for (lo, hi), A in zip(bounds, mlp.forward(net, inside_box)):  # sound at every layer
        assert np.all(A >= lo - 1e-12) and np.all(A <= hi + 1e-12)
    corners = np.array(list(itertools.product(*zip(low, high))))  # the 8 corners of the box
    first = mlp.forward(net, corners)[1]  # a linear function on a box is extreme at a corner
    assert np.allclose(bounds[1][0], first.min(axis=0)) and np.allclose(bounds[1][1], first.max(axis=0))


def test_interval_bounds_of_a_point_are_the_forward_pass():
    net = mlp.init_mlp((2, 4, 3, 1), np.random.default_rng(4), hidden="tanh")
    x = np.array([0.3, -0.7])
    for (lo, hi), A in zip(interval_bounds(net, x, x), mlp.forward(net, x[None])):
        assert np.allclose(lo, A[0], rtol=1e-14) and np.allclose(hi, A[0], rtol=1e-14)


def test_interval_bounds_refuse_an_empty_box_and_a_softmax():
    net = mlp.init_mlp((2, 3, 1), np.random.default_rng(0))
    with pytest.raises(ValueError, match="low"):
        interval_bounds(net, np.array([1.0, 0.0]), np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match="softmax"):
        interval_bounds(mlp.init_mlp((2, 3, 3), np.random.default_rng(0), output="softmax"),
                        np.zeros(2), np.ones(2))


@pytest.mark.parametrize("hidden", ["tanh", "sigmoid", "relu"])
def test_rearranged_network_computes_the_same_function(hidden):
    rng = np.random.default_rng(6)
    net = mlp.init_mlp((2, 6, 5, 1), rng, hidden=hidden, scale=2.0)
    X = rng.uniform(-2, 2, (200, 2))
    order = rng.permutation(5)
    signs = np.ones(5) if hidden == "relu" else np.array([1.0, -1.0, -1.0, 1.0, -1.0])
    turned = rearrange(net, 2, order, signs)
    assert np.allclose(mlp.predict(turned, X), mlp.predict(net, X), rtol=0, atol=1e-12)
    # the layer itself: new unit i is old unit order[i], turned over where signs[i] = -1
    old, new = mlp.forward(net, X)[2], mlp.forward(turned, X)[2]
    flipped = -old[:, order] if hidden == "tanh" else 1 - old[:, order]
    assert np.allclose(new, np.where(signs < 0, flipped, old[:, order]), atol=1e-12)
    assert not np.allclose(turned.W[1], net.W[1])  # the weights did change


def test_rearrange_undone_by_the_inverse_gives_the_weights_back():
    rng = np.random.default_rng(8)
    net = mlp.init_mlp((2, 4, 3, 1), rng, hidden="sigmoid")
    order, signs = np.array([2, 0, 3, 1]), np.array([-1.0, 1.0, -1.0, -1.0])
    back = rearrange(rearrange(net, 1, order, signs), 1, np.argsort(order), signs[np.argsort(order)])
    for a, b in zip(back.W + back.b, net.W + net.b):
        assert np.allclose(a, b, rtol=0, atol=1e-14)


def test_rearrange_refuses_what_is_not_a_symmetry():
    net = mlp.init_mlp((2, 3, 1), np.random.default_rng(0), hidden="relu")
    with pytest.raises(ValueError, match="ReLU"):
        rearrange(net, 1, np.arange(3), np.array([1.0, -1.0, 1.0]))
    with pytest.raises(ValueError, match="order"):
        rearrange(net, 1, np.array([0, 1, 1]))
    with pytest.raises(ValueError, match="signs"):
        rearrange(net, 1, np.arange(3), np.array([1.0, 2.0, 1.0]))


def test_certified_radius_of_one_sigmoid_unit_is_the_closed_form():
    # no hidden layer: the output is expit(w·x + b), least over the box c ± r at w·c + b - r‖w‖₁,
    # so the bound proves "above t" exactly while r < (w·c + b - logit(t)) / ‖w‖₁
    from scipy.special import logit

    from lib.trace import certified_radius
    w, b, c = np.array([1.5, -0.5]), 0.2, np.array([0.4, -0.3])
    net = mlp.MLP((w[:, None],), (np.array([b]),), "tanh")
    for t in (0.5, 0.6, 0.7):  # r = 0.475, 0.27, 0.05
        exact = (w @ c + b - logit(t)) / np.abs(w).sum()
        assert abs(certified_radius(net, c, threshold=t, tol=1e-12) - exact) < 1e-11
    exact = (w @ c + b) / np.abs(w).sum()  # tol below the spacing of floats: it still ends, there
    assert abs(certified_radius(net, c, tol=1e-300) - exact) < 1e-15
    assert certified_radius(net, c, threshold=0.99) == 0.0  # not even the centre
    assert certified_radius(net, c, threshold=0.5, upper=0.1) == 0.1  # all of it


@pytest.mark.parametrize("hidden", ["tanh", "relu"])
def test_certified_radius_matches_bounds_computed_by_hand_and_is_sound(hidden):
    # one hidden layer: its bounds are exact (corners), and the output's lower bound is the sum of
    # the smaller of w_j·low_j and w_j·high_j, written out here without lib.trace
    from scipy.special import expit

    from lib.trace import certified_radius
    rng = np.random.default_rng(11)
    net = mlp.init_mlp((2, 5, 1), rng, hidden=hidden, scale=2.0)
    c = np.array([0.3, 0.1])
    f = np.tanh if hidden == "tanh" else (lambda z: np.maximum(z, 0))
    net = mlp.MLP(net.W, (net.b[0], net.b[1] - mlp.forward(net, c[None])[1][0] @ net.W[1] + 1.0),
                  hidden)  # the output's weighted input is 1 at c: proved near c

    def lowest(r):
        z = c @ net.W[0] + net.b[0]
        spread = r * np.abs(net.W[0]).sum(axis=0)
        lo, hi = f(z - spread), f(z + spread)
        w = net.W[1][:, 0]
        return expit(np.minimum(w * lo, w * hi).sum() + net.b[1][0])

    r = certified_radius(net, c, tol=1e-12, upper=10.0)
    assert 0 < r < 10 and lowest(r * (1 - 1e-9)) > 0.5 > lowest(r * (1 + 1e-9))
    box = rng.uniform(c - r, c + r, (20_000, 2))  # sound: the network is above 0.5 on all of it
    assert mlp.predict(net, box).min() > 0.5


def test_certified_radius_refuses_what_it_cannot_bound():
    from lib.trace import certified_radius
    net = mlp.init_mlp((2, 3, 2), np.random.default_rng(0), output="softmax")
    with pytest.raises(ValueError, match="one output"):
        certified_radius(net, np.zeros(2))
    with pytest.raises(ValueError, match="centre"):
        certified_radius(mlp.init_mlp((2, 3, 1), np.random.default_rng(0)), np.zeros(3))
