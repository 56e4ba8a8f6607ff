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


@pytest.mark.parametrize("kernel, image", [(3, 12), (5, 13)])  # an even and an odd map side
def test_the_fast_float32_path_equals_the_reference_path(kernel, image):
    rng = np.random.default_rng(3)
    reference = cnn.init_cnn(np.random.default_rng(4), filters=5, kernel=kernel, image=image, classes=7)
    fast = cnn.init_cnn(np.random.default_rng(4), filters=5, kernel=kernel, image=image, classes=7,
                        dtype=np.float32)
    assert fast.fast and not reference.fast
    for f in fields(cnn.CNN):  # the same draws, rounded to float32
        assert np.array_equal(getattr(fast, f.name), getattr(reference, f.name).astype(np.float32))
    reference = cnn.CNN(*(getattr(fast, f.name).astype(float) for f in fields(cnn.CNN)))
    X, y = rng.random((9, image, image)), rng.integers(0, 7, 9)
    X[0, :4, :4] = 0  # ties in the pooling windows: both paths send the gradient to the first maximum
    assert np.allclose(cnn.predict(fast, X), cnn.predict(reference, X), rtol=1e-5, atol=1e-6)
    loss, grads = cnn.loss_and_gradients(fast, X, y)
    loss_ref, grads_ref = cnn.loss_and_gradients(reference, X, y)
    assert loss == pytest.approx(loss_ref, rel=1e-5)
    for f in fields(cnn.CNN):
        g, g_ref = getattr(grads, f.name), getattr(grads_ref, f.name)
        assert g.dtype == np.float32 and g.shape == g_ref.shape
        assert np.allclose(g, g_ref, rtol=1e-4, atol=1e-6 * np.abs(g_ref).max()), f.name


def test_fast_training_stays_float32_and_batched_prediction_is_the_same():
    X, y = data.digits()
    net = cnn.init_cnn(np.random.default_rng(1), dtype=np.float32)
    for optimizer, lr in (("momentum", 0.05), ("adam", 3e-3)):
        trained, history = cnn.train(net, X[:300], y[:300], np.random.default_rng(2), epochs=3,
                                     lr=lr, optimizer=optimizer)
        assert all(getattr(trained, f.name).dtype == np.float32 for f in fields(cnn.CNN))
        assert history[-1] < history[0]
        # every row, in order (BLAS may round differently for another batch size)
        assert np.allclose(cnn.predict(trained, X, batch=100), cnn.predict(trained, X, batch=5000),
                           rtol=0, atol=1e-6)


def test_fast_prediction_does_not_depend_on_the_blas_thread_count():
    from threadpoolctl import threadpool_limits

    net = cnn.init_cnn(np.random.default_rng(5), image=28, dtype=np.float32)
    X = np.random.default_rng(6).random((3000, 28, 28))
    with threadpool_limits(1, user_api="blas"):
        one = cnn.predict(net, X)
    with threadpool_limits(2, user_api="blas"):
        two = cnn.predict(net, X)
    assert np.array_equal(one, two)


def test_stages_of_one_image():
    net = cnn.init_cnn(np.random.default_rng(0), filters=4, kernel=3, image=9, classes=3)
    x = np.random.default_rng(1).random((9, 9))
    s = cnn.stages(net, x)
    assert s["conv"].shape == (4, 7, 7) and s["pool"].shape == (4, 3, 3)
    assert np.array_equal(s["relu"], np.maximum(s["conv"], 0))
    assert np.array_equal(s["pool"][:, 0, 0], s["relu"][:, :2, :2].max(axis=(1, 2)))
    k0 = net.K[0, 0]  # one entry of one map, by hand
    assert s["conv"][0, 2, 3] == pytest.approx(np.sum(x[2:5, 3:6] * k0) + net.c[0])


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
    (lambda: cnn.init_cnn(np.random.default_rng(), dtype=np.int32), ValueError, "dtype"),
    (lambda: cnn.stages(cnn.init_cnn(np.random.default_rng()), np.ones((1, 8, 8))), ValueError, "one"),
    (lambda: cnn.train(cnn.init_cnn(np.random.default_rng()), np.ones((2, 8, 8)), np.array([0, 1]),
                       np.random.default_rng(), optimizer="sgd"), ValueError, "optimizer"),
    (lambda: cnn.train(cnn.init_cnn(np.random.default_rng()), np.ones((2, 8, 8)), np.array([0, 1]),
                       np.random.default_rng(), lr=0), ValueError, "lr"),
])
def test_bad_input_is_refused_clearly(call, error, words):
    with pytest.raises(error, match=words):
        call()
