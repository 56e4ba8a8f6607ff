"""lib.mlp against finite differences, direct formulas and SciPy."""
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import softmax

from lib import mlp


def numeric_gradients(net, X, y, h=1e-6):
    """Central finite differences of the loss for every weight and bias."""
    grads = []
    for group in ("W", "b"):
        arrays = getattr(net, group)
        for l, A in enumerate(arrays):
            G = np.zeros_like(A)
            for idx in np.ndindex(A.shape):
                values = []
                for sign in (1, -1):
                    B = A.copy()
                    B[idx] += sign * h
                    changed = tuple(B if k == l else a for k, a in enumerate(arrays))
                    values.append(mlp.loss(replace(net, **{group: changed}), X, y))
                G[idx] = (values[0] - values[1]) / (2 * h)
            grads.append(G)
    return grads


@pytest.mark.parametrize("sizes, hidden, output", [
    ((2, 2, 1), "sigmoid", "sigmoid"),
    ((3, 4, 3, 1), "tanh", "sigmoid"),
    ((4, 5, 3), "sigmoid", "softmax"),
    ((3, 6, 4, 5), "tanh", "softmax"),
    ((5, 4, 2, 4, 5), "tanh", "bernoulli"),
])
def test_backprop_matches_finite_differences(sizes, hidden, output):
    rng = np.random.default_rng(0)
    net = mlp.init_mlp(sizes, rng, hidden=hidden, output=output, scale=1.5)
    X = rng.normal(size=(7, sizes[0]))
    y = rng.integers(0, 2 if output == "sigmoid" else sizes[-1], size=7)
    if output == "bernoulli":
        y = rng.random((7, sizes[-1]))  # targets anywhere in [0, 1], as grey pixels are
    _, dW, db = mlp.loss_and_gradients(net, X, y)
    for analytic, numeric in zip(dW + db, numeric_gradients(net, X, y)):
        rel = np.abs(analytic - numeric).max() / max(np.abs(numeric).max(), 1e-12)
        assert rel < 1e-6


def test_relu_gradients_away_from_the_kink():
    rng = np.random.default_rng(3)
    net = mlp.init_mlp((3, 8, 1), rng, hidden="relu")
    X = rng.normal(size=(5, 3))
    pre = X @ net.W[0] + net.b[0]
    assert np.abs(pre).min() > 1e-4  # finite differences would straddle the kink otherwise
    y = np.array([0, 1, 1, 0, 1])
    _, dW, db = mlp.loss_and_gradients(net, X, y)
    for analytic, numeric in zip(dW + db, numeric_gradients(net, X, y)):
        assert np.allclose(analytic, numeric, atol=1e-7)


def test_losses_equal_direct_formulas():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(6, 3))
    binary = mlp.init_mlp((3, 4, 1), rng)
    y = np.array([0, 1, 1, 0, 1, 0])
    p = mlp.predict(binary, X)
    assert np.isclose(mlp.loss(binary, X, y), -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    multi = mlp.init_mlp((3, 4, 5), rng, output="softmax")
    y = np.array([0, 4, 2, 2, 1, 3])
    hidden = 1 / (1 + np.exp(-(X @ multi.W[0] + multi.b[0])))  # sigmoid written out
    P = softmax(hidden @ multi.W[1] + multi.b[1], axis=1)
    assert np.allclose(mlp.predict(multi, X), P)
    assert np.isclose(mlp.loss(multi, X, y), -np.mean(np.log(P[np.arange(6), y])))


def test_bernoulli_loss_equals_the_direct_formula():
    rng = np.random.default_rng(6)
    net = mlp.init_mlp((4, 3, 4), rng, output="bernoulli")
    X, Y = rng.normal(size=(5, 4)), rng.random((5, 4))
    P = mlp.predict(net, X)
    direct = -np.mean(Y * np.log(P) + (1 - Y) * np.log(1 - P))
    assert np.isclose(mlp.loss(net, X, Y), direct) and np.isclose(mlp.loss_and_gradients(net, X, Y)[0], direct)
    with pytest.raises(ValueError, match="targets in"):
        mlp.loss(net, X, Y + 1)


def test_a_stack_trains_like_its_networks_one_at_a_time():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([0, 1, 1, 0])
    stack = mlp.init_mlp((2, 3, 1), np.random.default_rng(5), stack=4)
    trained, history = mlp.train(stack, X, y, lr=1.0, epochs=50, momentum=0.5)
    assert history.shape == (50, 4)
    for i in range(4):
        alone, h = mlp.train(mlp.pick(stack, i), X, y, lr=1.0, epochs=50, momentum=0.5)
        assert np.allclose(h, history[:, i])
        assert all(np.allclose(a, b) for a, b in zip(alone.W, mlp.pick(trained, i).W))


@pytest.mark.parametrize("output, k", [("softmax", 4), ("sigmoid", 1)])
def test_a_stack_with_its_own_data_per_network_equals_each_network_alone(output, k):
    rng = np.random.default_rng(11)
    stack = mlp.init_mlp((5, 6, k), rng, hidden="relu", output=output, stack=3)
    X = rng.normal(size=(3, 7, 5))
    y = rng.integers(0, max(k, 2), size=(3, 7))
    masks = [rng.integers(0, 2, size=(3, 7, 6)) * 2.0]
    loss, dW, db = mlp.loss_and_gradients(stack, X, y, masks)
    assert loss.shape == (3,) and np.allclose(mlp.loss(stack, X, y), mlp.loss_and_gradients(stack, X, y)[0])
    for s in range(3):
        alone = mlp.loss_and_gradients(mlp.pick(stack, s), X[s], y[s], [masks[0][s]])
        assert np.isclose(alone[0], loss[s])
        assert all(np.allclose(a, b[s]) for a, b in zip(alone[1] + alone[2], dW + db))
    assert mlp.predict(stack, X).shape == ((3, 7, k) if k > 1 else (3, 7))
    with pytest.raises(ValueError, match="X must have shape"):
        mlp.loss(stack, X[:2], y[:2])  # one X per network, but not as many as networks


@pytest.mark.parametrize("shared_y", [False, True])
def test_minibatches_of_a_stack_with_its_own_data_come_from_each_network_s_examples(shared_y):
    # Each network sees its own X[s]; the minibatches are drawn along the examples' axis (one
    # permutation for all), so each trains as it would alone from a generator in the same state.
    # (They were drawn along the networks' axis: 3 networks took 1 step on each other's data.)
    rng = np.random.default_rng(12)
    stack = mlp.init_mlp((5, 6, 4), rng, hidden="relu", output="softmax", stack=3)
    X = rng.normal(size=(3, 10, 5))
    y = rng.integers(0, 4, size=10 if shared_y else (3, 10))
    trained, _ = mlp.train_minibatch(stack, X, y, np.random.default_rng(13), epochs=2, lr=1e-2, batch_size=4)
    for s in range(3):
        alone, _ = mlp.train_minibatch(mlp.pick(stack, s), X[s], y if shared_y else y[s],
                                       np.random.default_rng(13), epochs=2, lr=1e-2, batch_size=4)
        assert all(np.allclose(a, b, rtol=1e-10, atol=1e-12) for a, b in zip(alone.W + alone.b,
                                                                            mlp.pick(trained, s).W + mlp.pick(trained, s).b))
        assert not np.allclose(alone.W[0], stack.W[0][s])  # it did train


def test_pick_a_sub_stack_by_mask():
    stack = mlp.init_mlp((2, 3, 1), np.random.default_rng(2), stack=5)
    mask = np.array([True, False, True, False, False])
    sub = mlp.pick(stack, mask)
    assert sub.stacked and sub.W[0].shape == (2, 2, 3)
    assert np.array_equal(mlp.pick(sub, 1).W[1], stack.W[1][2])


def test_training_lowers_the_loss():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    net = mlp.init_mlp((2, 2, 1), np.random.default_rng(0))
    _, history = mlp.train(net, X, np.array([0, 0, 0, 1]), lr=1.0, epochs=200)
    assert history[-1] < 0.2 * history[0]


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.integers(2, 6), st.floats(-50, 50))
def test_softmax_outputs_are_distributions(seed, classes, shift):
    rng = np.random.default_rng(seed)
    net = mlp.init_mlp((3, 4, classes), rng, output="softmax", scale=3.0)
    P = mlp.predict(net, rng.normal(size=(5, 3)) + shift)
    assert np.all(P >= 0) and np.allclose(P.sum(axis=1), 1)


@pytest.mark.parametrize("call, words", [
    (lambda n, r: mlp.init_mlp((2,), r), "sizes"),
    (lambda n, r: mlp.init_mlp((2, 0, 1), r), "sizes"),
    (lambda n, r: mlp.init_mlp((2, 2, 1), r, hidden="swish"), "hidden must be one of"),
    (lambda n, r: mlp.init_mlp((2, 2, 2), r), "sigmoid output has one unit"),
    (lambda n, r: mlp.init_mlp((2, 2, 1), r, scale=0), "scale"),
    (lambda n, r: mlp.forward(n, np.ones((4, 3))), r"X must have shape \(n, 2\)"),
    (lambda n, r: mlp.forward(n, np.array([[0.0, np.nan]])), "finite"),
    (lambda n, r: mlp.loss(n, np.ones((4, 2)), np.ones(3)), r"y must have shape \(4,\)"),
    (lambda n, r: mlp.loss(n, np.ones((2, 2)), np.array([0, 2])), "classes 0..1"),
    (lambda n, r: mlp.train(n, np.ones((2, 2)), np.array([0, 1]), lr=0, epochs=1), "lr"),
    (lambda n, r: mlp.train(n, np.ones((2, 2)), np.array([0, 1]), lr=np.nan, epochs=1), "lr"),
    (lambda n, r: mlp.train(n, np.ones((2, 2)), np.array([0, 1]), lr=1, epochs=0), "epochs"),
    (lambda n, r: mlp.pick(n, 0), "stacked"),
])
def test_bad_input_is_refused_clearly(call, words):
    net = mlp.init_mlp((2, 2, 1), np.random.default_rng(0))
    with pytest.raises(ValueError, match=words):
        call(net, np.random.default_rng(0))


def test_rng_must_be_a_generator():
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        mlp.init_mlp((2, 2, 1), 42)
