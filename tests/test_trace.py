"""Tracing contributions backwards, PCA, and the star data, each against an independent computation."""
import statistics

import numpy as np
import pytest
from matplotlib.path import Path
from sklearn.decomposition import PCA

from lib import mlp
from lib.data import distance_to_polygon, inside, star, star_polygon
from lib.pca import pca
from lib.trace import ablate_each, contributions, strength, trace_back, without_unit


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
