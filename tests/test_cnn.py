"""The small CNN: gradients against finite differences, and it really reads digits."""
from dataclasses import fields, replace

import numpy as np
import pytest

from lib import cnn, data


def test_gradients_match_finite_differences():
    rng = np.random.default_rng(0)
    net = cnn.init_cnn(rng, filters=3, kernel=3, image=6, classes=4)
    X, y = rng.normal(size=(5, 6, 6)), np.array([0, 3, 1, 2, 3])
    _, grads = cnn.loss_and_gradients(net, X, y)
    h = 1e-6
    for f in fields(cnn.CNN):
        P, G = getattr(net, f.name), getattr(grads, f.name)
        assert G.shape == P.shape
        for idx in np.ndindex(P.shape):
            up, down = P.copy(), P.copy()
            up[idx] += h
            down[idx] -= h
            fd = (cnn.loss_and_gradients(replace(net, **{f.name: up}), X, y)[0]
                  - cnn.loss_and_gradients(replace(net, **{f.name: down}), X, y)[0]) / (2 * h)
            assert G[idx] == pytest.approx(fd, rel=1e-5, abs=1e-8), (f.name, idx)


def test_reads_held_out_digits_above_90_percent():
    X, y = data.digits()
    X_train, y_train, X_test, y_test = data.split(X, y, 0.25, np.random.default_rng(0))
    net, history = cnn.train(cnn.init_cnn(np.random.default_rng(1)), X_train, y_train,
                             np.random.default_rng(2), epochs=10)
    accuracy = (cnn.predict(net, X_test).argmax(axis=1) == y_test).mean()
    assert accuracy >= 0.90 and history[-1] < history[0]


def test_top_k():
    probs = np.array([[0.1, 0.5, 0.15, 0.25], [0.4, 0.3, 0.2, 0.1]])
    classes, values = cnn.top_k(probs, 3)
    assert classes.tolist() == [[1, 3, 2], [0, 1, 2]]
    assert np.allclose(values, [[0.5, 0.25, 0.15], [0.4, 0.3, 0.2]])


@pytest.mark.parametrize("call, error, words", [
    (lambda: cnn.init_cnn(0), TypeError, "Generator"),
    (lambda: cnn.init_cnn(np.random.default_rng(), kernel=8, image=8), ValueError, "nothing to pool"),
    (lambda: cnn.predict(cnn.init_cnn(np.random.default_rng()), np.ones((8, 8))), ValueError, r"\(N, H, W\)"),
    (lambda: cnn.top_k(np.ones((2, 4)), 5), ValueError, "k must be"),
    (lambda: cnn.train(cnn.init_cnn(np.random.default_rng()), np.ones((2, 8, 8)), np.array([0, 1]),
                       np.random.default_rng(), lr=0), ValueError, "lr"),
])
def test_bad_input_is_refused_clearly(call, error, words):
    with pytest.raises(error, match=words):
        call()
