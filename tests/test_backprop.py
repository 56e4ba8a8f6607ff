"""lib.backprop against finite differences, lib.mlp and the classic loop written out."""
from dataclasses import replace

import numpy as np
import pytest
from gradcheck import numerical_gradient

from lib import backprop, mlp
from lib.perceptron import gate

X, Y = gate("xor")


def classic(W1, W2, *, epochs, biases=False, loss="squared", lr=0.5):
    """The loop as the chapter shows it, one network, with the two variants written in."""
    W1, W2 = W1.copy(), W2.copy()
    b1, b2 = np.zeros((1, 2)), np.zeros((1, 1))
    y = Y[:, None]
    first = -1

    def forward():
        h = 1 / (1 + np.exp(-(X @ W1 + b1)))
        return h, 1 / (1 + np.exp(-(h @ W2 + b2)))

    for epoch in range(epochs):
        h, y_hat = forward()
        if first < 0 and np.all((y_hat[:, 0] > 0.5) == Y):
            first = epoch
        error = y - y_hat
        d_out = error * y_hat * (1 - y_hat) if loss == "squared" else error
        d_hidden = d_out @ W2.T * h * (1 - h)
        W2 += lr * h.T @ d_out
        W1 += lr * X.T @ d_hidden
        if biases:
            b2 += lr * d_out.sum(axis=0)
            b1 += lr * d_hidden.sum(axis=0)
    return W1, W2, b1[0], b2[0], forward()[1][:, 0], first


# Cross-entropy without biases reaches the edge of stability, where the last bit of rounding
# grows (the chapter measures it), so it is compared before it gets there.
@pytest.mark.parametrize("biases, loss, epochs", [(False, "squared", 3000), (True, "squared", 1500),
                                                  (False, "cross-entropy", 300),
                                                  (True, "cross-entropy", 1500)])
def test_the_stacked_loop_is_the_classic_loop(biases, loss, epochs):
    seeds = [0, 7, 42]
    W1, W2 = backprop.xor_starts(seeds)
    runs = backprop.train_xor(W1, W2, biases=biases, loss=loss, epochs=epochs, every=10)
    for k, seed in enumerate(seeds):
        w1, w2, b1, b2, y_hat, first = classic(*backprop.xor_start(seed), epochs=epochs, biases=biases,
                                               loss=loss)
        for got, want in ((runs.W1[k], w1), (runs.W2[k], w2), (runs.b1[k], b1), (runs.b2[k], b2),
                          (runs.y_hat[k], y_hat)):
            assert np.allclose(got, want, rtol=0, atol=1e-11)
        assert runs.first[k] == first


def test_starts_are_the_classic_draws():
    rng = np.random.default_rng(42)
    W1, W2 = backprop.xor_start(42)
    assert np.array_equal(W1, rng.uniform(size=(2, 2))) and np.array_equal(W2, rng.uniform(size=(2, 1)))
    rng = np.random.default_rng(3)
    W1, W2 = backprop.xor_start(3, "normal")
    assert np.array_equal(W1, rng.standard_normal((2, 2))) and np.array_equal(W2, rng.standard_normal((2, 1)))
    stacked = backprop.xor_starts([3, 42], "normal")
    assert np.array_equal(stacked[0][0], W1) and stacked[1].shape == (2, 2, 1)


@pytest.mark.parametrize("loss", backprop.LOSSES)
@pytest.mark.parametrize("with_biases", [False, True])
def test_backprop_matches_finite_differences(loss, with_biases):
    rng = np.random.default_rng(1)
    W1, W2 = rng.normal(size=(2, 3)), rng.normal(size=(3, 1))
    b1, b2 = (rng.normal(size=3), rng.normal(size=1)) if with_biases else (None, None)
    g = backprop.backprop(W1, W2, X, Y, b1=b1, b2=b2, loss=loss)
    E = lambda: backprop.backprop(W1, W2, X, Y, b1=b1, b2=b2, loss=loss).E
    assert np.allclose(g.dE_dW1, numerical_gradient(E, W1), atol=1e-8)
    assert np.allclose(g.dE_dW2, numerical_gradient(E, W2), atol=1e-8)
    if with_biases:
        assert np.allclose(g.dE_db1, numerical_gradient(E, b1), atol=1e-8)
        assert np.allclose(g.dE_db2, numerical_gradient(E, b2), atol=1e-8)
    # the chain rule's intermediate links, each by perturbing the node and running the rest
    z2 = g.z2.copy()
    y_hat_of = lambda z: 1 / (1 + np.exp(-z))
    if loss == "squared":
        E_of_z2 = lambda: 0.5 * np.sum((y_hat_of(z2) - Y[:, None]) ** 2)
    else:
        E_of_z2 = lambda: -np.sum(Y[:, None] * np.log(y_hat_of(z2)) + (1 - Y[:, None]) * np.log(1 - y_hat_of(z2)))
    assert np.allclose(g.dE_dz2, numerical_gradient(E_of_z2, z2), atol=1e-8)
    y_hat = g.y_hat.copy()
    E_of_y_hat = (lambda: 0.5 * np.sum((y_hat - Y[:, None]) ** 2)) if loss == "squared" else \
        (lambda: -np.sum(Y[:, None] * np.log(y_hat) + (1 - Y[:, None]) * np.log(1 - y_hat)))
    assert np.allclose(g.dE_dy_hat, numerical_gradient(E_of_y_hat, y_hat), atol=1e-7)


def test_cross_entropy_gradients_are_four_times_lib_mlps_mean():
    """An independent implementation: lib.mlp averages over the four corners, backprop sums."""
    rng = np.random.default_rng(2)
    net = mlp.init_mlp((2, 2, 1), rng, scale=3.0)
    net = replace(net, b=(rng.normal(size=2), rng.normal(size=1)))
    L, dW, db = mlp.loss_and_gradients(net, X, Y)
    g = backprop.backprop(*net.W, X, Y, b1=net.b[0], b2=net.b[1], loss="cross-entropy")
    assert g.E == pytest.approx(4 * L, rel=1e-12)
    for mine, theirs in ((g.dE_dW1, dW[0]), (g.dE_dW2, dW[1]), (g.dE_db1, db[0]), (g.dE_db2, db[1])):
        assert np.allclose(mine, 4 * theirs, rtol=1e-12, atol=1e-15)


def test_backprop_of_a_stack_is_each_network_alone():
    W1, W2 = backprop.xor_starts(range(4), "normal")
    stacked = backprop.backprop(W1, W2, X, Y)
    for k in range(4):
        alone = backprop.backprop(W1[k], W2[k], X, Y)
        assert np.allclose(stacked.dE_dW1[k], alone.dE_dW1) and stacked.E[k] == pytest.approx(alone.E)


def test_first_right_and_relapses_are_read_from_the_record():
    right = np.array([[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0], [1, 1, 1]], dtype=bool)  # (K, S)
    runs = backprop.XorRuns(*[np.zeros(3)] * 5, first=np.array([10, 20, 40]), right=right, every=10)
    assert list(runs.final) == [True, True, True]
    assert list(runs.relapsed) == [True, False, False]
    assert list(runs.last_lost()) == [30, -1, -1]
    assert list(runs.take(np.array([True, False, True])).first) == [10, 40]
    # shorter than the window: the share right over all checks after epoch 0, 3/4 < 0.9
    assert list(runs.learned) == [False, False, False]


def test_learned_is_a_window_of_the_last_thousand_epochs():
    """Right at 90 of the last 100 checks (every 10 epochs) counts, at 89 it does not, whatever
    the last check says."""
    right = np.ones((1001, 4), dtype=bool)
    right[-10:, 0] = False            # 90 of 100 right, wrong at the end: learned
    right[-11:, 1] = False            # 89 of 100: not learned
    right[:901, 2] = False            # wrong until epoch 9,000, right after: learned
    right[-5:, 3] = False
    right[-1, 3] = True               # right at the end, 96 of 100: learned
    runs = backprop.XorRuns(*[np.zeros(4)] * 5, first=np.zeros(4, int), right=right, every=10)
    assert list(runs.learned) == [True, False, True, True]
    assert list(runs.final) == [False, False, True, True]
    assert backprop.WINDOW == 1000 and backprop.SHARE == 0.9


def test_lr_per_run_and_a_continued_run_are_the_same_arithmetic():
    W1, W2 = backprop.xor_starts([1, 2, 3], "normal")
    lrs = np.array([0.5, 2.0, 0.125])
    both = backprop.train_xor(W1, W2, biases=True, loss="cross-entropy", lr=lrs, epochs=300)
    for k, lr in enumerate(lrs):
        alone = backprop.train_xor(W1[k:k + 1], W2[k:k + 1], biases=True, loss="cross-entropy", lr=lr,
                                   epochs=300)
        assert np.array_equal(both.W1[k], alone.W1[0]) and np.array_equal(both.b1[k], alone.b1[0])
    half = backprop.train_xor(W1, W2, biases=True, loss="cross-entropy", lr=lrs, epochs=150)
    rest = backprop.train_xor(half.W1, half.W2, b1=half.b1, b2=half.b2, biases=True, loss="cross-entropy",
                              lr=lrs, epochs=150)
    for a, b in ((rest.W1, both.W1), (rest.W2, both.W2), (rest.b1, both.b1), (rest.b2, both.b2)):
        assert np.array_equal(a, b)
    # biases given but not learned stay where they are
    fixed = backprop.train_xor(W1, W2, b1=np.ones((3, 2)), b2=np.ones((3, 1)), epochs=10)
    assert np.array_equal(fixed.b1, np.ones((3, 2))) and np.array_equal(fixed.b2, np.ones((3, 1)))


def test_sharpness_trace_is_the_sharpness_of_runs_stopped_there():
    W1, W2 = backprop.xor_starts([0, 1])
    W1, W2 = np.concatenate([W1, W1]), np.concatenate([W2, W2])
    biases, loss, lr = [False, True, False, True], ["squared", "squared", "cross-entropy", "cross-entropy"], 0.5
    lam, E = backprop.sharpness_trace(W1, W2, biases=biases, loss=loss, lr=lr, epochs=200, every=100)
    assert lam.shape == E.shape == (2, 4)
    for k in range(4):
        runs = backprop.train_xor(W1[k:k + 1], W2[k:k + 1], biases=biases[k], loss=loss[k], lr=lr,
                                  epochs=200, every=10)
        want = backprop.xor_sharpness(runs, biases=biases[k], loss=loss[k])[0]
        assert lam[-1, k] == pytest.approx(want, rel=1e-9)
        g = backprop.backprop(runs.W1, runs.W2, X, Y, b1=runs.b1, b2=runs.b2, loss=loss[k])
        assert E[-1, k] == pytest.approx(g.E[0], rel=1e-12)


@pytest.mark.parametrize("biases, loss", [(False, "squared"), (True, "cross-entropy")])
def test_hessian_is_the_second_differences_of_the_loss(biases, loss):
    """Against a Hessian of E from second differences of the loss itself (no gradient used)."""
    W1, W2 = backprop.xor_starts([5, 6], "normal")
    runs = backprop.train_xor(W1, W2, biases=biases, loss=loss, epochs=300, every=300)
    H = backprop.xor_hessian(runs, biases=biases, loss=loss)
    got = backprop.xor_sharpness(runs, biases=biases, loss=loss)
    for k in range(2):
        parts = [runs.W1[k].ravel(), runs.W2[k].ravel()] + ([runs.b1[k], runs.b2[k]] if biases else [])
        theta = np.concatenate(parts)

        def E(p):
            b1, b2 = (p[6:8], p[8:]) if biases else (None, None)
            return backprop.backprop(p[:4].reshape(2, 2), p[4:6].reshape(2, 1), X, Y, b1=b1, b2=b2,
                                     loss=loss).E

        h, P = 1e-4, len(theta)
        want = np.zeros((P, P))
        for i in range(P):
            for j in range(P):
                ei, ej = np.eye(P)[i] * h, np.eye(P)[j] * h
                want[i, j] = (E(theta + ei + ej) - E(theta + ei - ej) - E(theta - ei + ej)
                              + E(theta - ei - ej)) / (4 * h * h)
        assert H.shape == (2, P, P)
        assert np.allclose(H[k], want, rtol=1e-5, atol=1e-6)
        assert got[k] == pytest.approx(np.linalg.eigvalsh(want)[-1], rel=1e-5)


def test_variants_are_each_run_alone_and_a_nudge_is_one_ulp():
    out = backprop.xor_variants(range(3), inits=("uniform",), epochs=200, every=10)
    assert set(out) == {("uniform", b, l) for b in (False, True) for l in backprop.LOSSES}
    W1, W2 = backprop.xor_starts(range(3))
    for (_, biases, loss), (runs, nudged) in out.items():
        alone = backprop.train_xor(W1, W2, biases=biases, loss=loss, epochs=200, every=10)
        assert np.array_equal(runs.W1, alone.W1) and np.array_equal(runs.right, alone.right)
        moved = backprop.train_xor(np.nextafter(W1, np.inf), W2, biases=biases, loss=loss, epochs=200,
                                   every=10)
        assert np.array_equal(nudged.W1, moved.W1)
        assert np.all(np.abs(np.nextafter(W1, np.inf) - W1) <= np.spacing(W1))


def test_variants_take_a_learning_rate_per_loss():
    rates = {"squared": 2.0, "cross-entropy": 0.125}
    out = backprop.xor_variants(range(2), inits=("normal",), biases=(True,), lr=rates, nudge=False,
                                epochs=100, every=10)
    W1, W2 = backprop.xor_starts(range(2), "normal")
    for (_, biases, loss), (runs, nudged) in out.items():
        alone = backprop.train_xor(W1, W2, biases=biases, loss=loss, lr=rates[loss], epochs=100)
        assert nudged is None and np.array_equal(runs.W1, alone.W1)
    with pytest.raises(ValueError, match="lr"):
        backprop.xor_variants(range(2), lr={"squared": 2.0}, epochs=10)


def test_seed_table_counts_and_fits_the_page():
    out = backprop.xor_variants(range(4), epochs=100, every=10)
    text = backprop.seed_table(out)
    assert all(len(line) <= 72 for line in text.splitlines())
    learned = out[("normal", True, "squared")][0].learned.sum()
    assert text.splitlines()[3].split()[6] == str(learned)  # "  with biases ..." of squared error


def test_finite_difference_of_a_closed_form():
    W = np.array([[0.1, -2.0], [1.5, 0.3]])
    assert np.allclose(backprop.finite_difference(lambda V: np.sum(np.sin(V) * V[0, 0]), W),
                       np.cos(W) * W[0, 0] + np.eye(2)[0][:, None] * np.eye(2)[0] * np.sum(np.sin(W)),
                       atol=1e-8)
    assert backprop.finite_difference(lambda v: v ** 3, 2.0) == pytest.approx(12.0)


@pytest.mark.parametrize("call, words", [
    (lambda: backprop.xor_start(1, "zeros"), "init"),
    (lambda: backprop.backprop(np.ones((2, 2)), np.ones((2, 1)), X, Y, loss="hinge"), "loss"),
    (lambda: backprop.backprop(np.ones((2, 2)), np.ones((3, 1)), X, Y), "W1"),
    (lambda: backprop.backprop(np.ones((2, 2)), np.ones((2, 1)), X, Y[:3]), "X"),
    (lambda: backprop.train_xor(np.ones((2, 2)), np.ones((2, 1))), "W1"),
    (lambda: backprop.train_xor(np.ones((1, 2, 2)), np.ones((1, 2, 1)), lr=0), "lr"),
    (lambda: backprop.train_xor(np.ones((1, 2, 2)), np.ones((1, 2, 1)), epochs=0), "epochs"),
    (lambda: backprop.train_xor(np.ones((1, 2, 2)), np.ones((1, 2, 1)), epochs=10, every=3), "every"),
    (lambda: backprop.train_xor(np.ones((1, 2, 2)), np.ones((1, 2, 1)), loss="hinge"), "loss"),
    (lambda: backprop.train_xor(np.ones((2, 2, 2)), np.ones((2, 2, 1)), lr=[0.5, 0.5, 0.5]), "lr"),
    (lambda: backprop.train_xor(np.ones((1, 2, 2)), np.ones((1, 2, 1)), b1=np.ones(2)), "b1"),
    (lambda: backprop.train_xor(np.ones((2, 2, 2)), np.ones((2, 2, 1)), epochs=10).take(np.array([5])),
     "index"),
])
def test_bad_input_is_named(call, words):
    with pytest.raises(ValueError, match=words):
        call()
