"""lib.descent against finite differences, closed forms, lib.mlp and the classic loop written out."""
from dataclasses import replace

import numpy as np
import pytest
from gradcheck import numerical_gradient
from hypothesis import given, settings
from hypothesis import strategies as st

from lib import descent, mlp
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
    W1, W2 = descent.xor_starts(seeds)
    runs = descent.train_xor(W1, W2, biases=biases, loss=loss, epochs=epochs, every=10)
    for k, seed in enumerate(seeds):
        w1, w2, b1, b2, y_hat, first = classic(*descent.xor_start(seed), epochs=epochs, biases=biases,
                                               loss=loss)
        for got, want in ((runs.W1[k], w1), (runs.W2[k], w2), (runs.b1[k], b1), (runs.b2[k], b2),
                          (runs.y_hat[k], y_hat)):
            assert np.allclose(got, want, rtol=0, atol=1e-11)
        assert runs.first[k] == first


def test_starts_are_the_classic_draws():
    rng = np.random.default_rng(42)
    W1, W2 = descent.xor_start(42)
    assert np.array_equal(W1, rng.uniform(size=(2, 2))) and np.array_equal(W2, rng.uniform(size=(2, 1)))
    rng = np.random.default_rng(3)
    W1, W2 = descent.xor_start(3, "normal")
    assert np.array_equal(W1, rng.standard_normal((2, 2))) and np.array_equal(W2, rng.standard_normal((2, 1)))
    stacked = descent.xor_starts([3, 42], "normal")
    assert np.array_equal(stacked[0][0], W1) and stacked[1].shape == (2, 2, 1)


@pytest.mark.parametrize("loss", descent.LOSSES)
@pytest.mark.parametrize("with_biases", [False, True])
def test_backprop_matches_finite_differences(loss, with_biases):
    rng = np.random.default_rng(1)
    W1, W2 = rng.normal(size=(2, 3)), rng.normal(size=(3, 1))
    b1, b2 = (rng.normal(size=3), rng.normal(size=1)) if with_biases else (None, None)
    g = descent.backprop(W1, W2, X, Y, b1=b1, b2=b2, loss=loss)
    E = lambda: descent.backprop(W1, W2, X, Y, b1=b1, b2=b2, loss=loss).E
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
    g = descent.backprop(*net.W, X, Y, b1=net.b[0], b2=net.b[1], loss="cross-entropy")
    assert g.E == pytest.approx(4 * L, rel=1e-12)
    for mine, theirs in ((g.dE_dW1, dW[0]), (g.dE_dW2, dW[1]), (g.dE_db1, db[0]), (g.dE_db2, db[1])):
        assert np.allclose(mine, 4 * theirs, rtol=1e-12, atol=1e-15)


def test_backprop_of_a_stack_is_each_network_alone():
    W1, W2 = descent.xor_starts(range(4), "normal")
    stacked = descent.backprop(W1, W2, X, Y)
    for k in range(4):
        alone = descent.backprop(W1[k], W2[k], X, Y)
        assert np.allclose(stacked.dE_dW1[k], alone.dE_dW1) and stacked.E[k] == pytest.approx(alone.E)


def test_first_right_and_relapses_are_read_from_the_record():
    right = np.array([[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0], [1, 1, 1]], dtype=bool)  # (K, S)
    runs = descent.XorRuns(*[np.zeros(3)] * 5, first=np.array([10, 20, 40]), right=right, every=10)
    assert list(runs.learned) == [True, True, True]
    assert list(runs.relapsed) == [True, False, False]
    assert list(runs.take(np.array([True, False, True])).first) == [10, 40]


def test_sharpness_is_the_hessians_largest_eigenvalue():
    """Against a Hessian of E from second differences of the loss itself (no gradient used)."""
    W1, W2 = descent.xor_starts([5, 6], "normal")
    runs = descent.train_xor(W1, W2, epochs=300, every=300)
    got = descent.xor_sharpness(runs)
    for k in range(2):
        theta = np.concatenate([runs.W1[k].ravel(), runs.W2[k].ravel()])
        E = lambda p: descent.backprop(p[:4].reshape(2, 2), p[4:].reshape(2, 1), X, Y).E
        h, P = 1e-4, len(theta)
        H = np.zeros((P, P))
        for i in range(P):
            for j in range(P):
                ei, ej = np.eye(P)[i] * h, np.eye(P)[j] * h
                H[i, j] = (E(theta + ei + ej) - E(theta + ei - ej) - E(theta - ei + ej)
                           + E(theta - ei - ej)) / (4 * h * h)
        assert got[k] == pytest.approx(np.linalg.eigvalsh(H)[-1], rel=1e-5)


def test_variants_are_each_run_alone_and_a_nudge_is_one_ulp():
    out = descent.xor_variants(range(3), inits=("uniform",), epochs=200, every=10)
    assert set(out) == {("uniform", b, l) for b in (False, True) for l in descent.LOSSES}
    W1, W2 = descent.xor_starts(range(3))
    for (_, biases, loss), (runs, flips) in out.items():
        alone = descent.train_xor(W1, W2, biases=biases, loss=loss, epochs=200, every=10)
        assert np.array_equal(runs.W1, alone.W1) and np.array_equal(runs.right, alone.right)
        assert flips.dtype == bool and flips.shape == (3,)


def test_seed_table_counts_and_fits_the_page():
    out = descent.xor_variants(range(4), epochs=100, every=10)
    text = descent.seed_table(out, 4)
    assert all(len(line) <= 72 for line in text.splitlines())
    learned = out[("normal", True, "squared")][0].learned.sum()
    assert text.splitlines()[3].split()[6] == str(learned)  # "  with biases ..." of squared error


# --- the bowl ---------------------------------------------------------------------------------

def bowl(seed=0, n=30):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 3, n)
    A = np.column_stack([x, np.ones(n)])
    return A, 1.5 * x - 1 + rng.normal(0, 0.5, n)


def test_mse_gradient_and_hessian():
    A, t = bowl()
    w = np.array([0.3, -0.2])
    assert np.allclose(descent.mse_gradient(w, A, t), numerical_gradient(lambda: descent.mse(w, A, t), w),
                       atol=1e-8)
    H, w_star = A.T @ A / len(A), np.linalg.lstsq(A, t, rcond=None)[0]
    assert np.allclose(descent.mse_gradient(w, A, t), H @ (w - w_star))  # the gradient of a quadratic
    W = np.array([[0.3, -0.2], [1.0, 2.0]])  # rows at once
    assert np.allclose(descent.mse(W, A, t), [descent.mse(w, A, t) for w in W])


@pytest.mark.parametrize("momentum", [0.0, 0.5, 0.9])
def test_descend_follows_the_closed_form_recursion(momentum):
    """e_{k+1} = ((1 + μ) I − η H) e_k − μ e_{k−1} on a quadratic, by matrix powers."""
    A, t = bowl()
    H, w_star = A.T @ A / len(A), np.linalg.lstsq(A, t, rcond=None)[0]
    lr, w0, steps = 0.2, np.array([-1.0, 2.0]), 40
    path = descent.descend(lambda w: descent.mse_gradient(w, A, t), w0, lr=lr, steps=steps, momentum=momentum)
    M = np.block([[(1 + momentum) * np.eye(2) - lr * H, -momentum * np.eye(2)], [np.eye(2), np.zeros((2, 2))]])
    e0 = w0 - w_star
    state = np.concatenate([e0 - lr * H @ e0, e0])  # after the first step (no velocity yet)
    for k in range(1, steps):
        assert np.allclose(path[k], w_star + state[:2], atol=1e-12)
        state = M @ state


@settings(max_examples=25, deadline=None)
@given(st.floats(0.05, 5.0), st.floats(0.05, 5.0), st.floats(-0.9, 0.9), st.sampled_from([0.0, 0.5, 0.9]))
def test_measured_limit_is_two_one_plus_mu_over_lambda_max(a, c, r, momentum):
    """On any 2 × 2 positive-definite quadratic, the largest stable rate is 2 (1 + μ) / λ_max."""
    b = r * np.sqrt(a * c)
    H = np.array([[a, b], [b, c]])
    w_star = np.array([0.5, -1.0])
    closed = descent.stable_lr(H, momentum)
    measured = descent.measured_stable_lr(lambda w: (w - w_star) @ H, np.array([2.0, 1.0]), w_star,
                                          lo=0.01 * closed, hi=3 * closed, momentum=momentum)
    assert measured == pytest.approx(closed, rel=1e-4)
    assert closed == pytest.approx(2 * (1 + momentum) / max(np.linalg.eigvalsh(H)))


def test_minibatch_descent_with_every_example_is_full_batch():
    A, t = bowl()
    grad = lambda w: descent.mse_gradient(w, A, t)
    full = descent.minibatch_descent(A, t, np.zeros(2), np.random.default_rng(0), lr=0.1, epochs=20,
                                     batch_size=len(A))
    assert np.allclose(full, descent.descend(grad, np.zeros(2), lr=0.1, steps=20), atol=1e-14)


def test_minibatch_epochs_visit_every_example_once():
    """With lr so small that the path is linear in the gradients, one epoch of equal batches moves
    by the sum of the batch means, (1 / B) Σ_i g_i, only if the batches partition the examples."""
    A, t = bowl(n=24)
    per_example = np.array([descent.mse_gradient(np.zeros(2), A[i:i + 1], t[i:i + 1]) for i in range(24)])
    for B in (1, 6):
        path = descent.minibatch_descent(A, t, np.zeros(2), np.random.default_rng(1), lr=1e-9, epochs=1,
                                         batch_size=B)
        assert len(path) == 1 + 24 // B
        assert np.allclose((path[-1] - path[0]) / -1e-9, per_example.sum(axis=0) / B, rtol=1e-6)


def test_adam_path_is_kingma_and_ba():
    A, t = bowl()
    grad = lambda w: descent.mse_gradient(w, A, t)
    w, m, s, path = np.array([-0.5, 2.0]), 0.0, 0.0, []
    path.append(w)
    for k in range(1, 60):
        g = grad(w)
        m, s = 0.9 * m + 0.1 * g, 0.999 * s + 0.001 * g * g
        w = w - 0.05 * (m / (1 - 0.9 ** k)) / (np.sqrt(s / (1 - 0.999 ** k)) + 1e-8)
        path.append(w)
    assert np.allclose(descent.adam_path(grad, [-0.5, 2.0], lr=0.05, steps=59), path, rtol=0, atol=1e-13)


def test_layer_gradient_norms_are_the_frobenius_norms_of_backprop():
    net = mlp.init_mlp((3, 4, 2), np.random.default_rng(4), hidden="relu", output="softmax", stack=2)
    X3, y3 = np.random.default_rng(5).normal(size=(6, 3)), np.array([0, 1, 1, 0, 1, 0])
    norms = descent.layer_gradient_norms(net, X3, y3)
    assert norms.shape == (2, 2)
    one = mlp.pick(net, 1)
    W = [w.copy() for w in one.W]
    L = lambda: mlp.loss(replace(one, W=tuple(W)), X3, y3)
    for l in range(2):
        assert norms[l, 1] == pytest.approx(np.linalg.norm(numerical_gradient(L, W[l])), rel=1e-6)


def test_finite_difference_of_a_closed_form():
    W = np.array([[0.1, -2.0], [1.5, 0.3]])
    assert np.allclose(descent.finite_difference(lambda V: np.sum(np.sin(V) * V[0, 0]), W),
                       np.cos(W) * W[0, 0] + np.eye(2)[0][:, None] * np.eye(2)[0] * np.sum(np.sin(W)),
                       atol=1e-8)
    assert descent.finite_difference(lambda v: v ** 3, 2.0) == pytest.approx(12.0)


@pytest.mark.parametrize("call, words", [
    (lambda: descent.xor_start(1, "zeros"), "init"),
    (lambda: descent.backprop(np.ones((2, 2)), np.ones((2, 1)), X, Y, loss="hinge"), "loss"),
    (lambda: descent.backprop(np.ones((2, 2)), np.ones((3, 1)), X, Y), "W1"),
    (lambda: descent.backprop(np.ones((2, 2)), np.ones((2, 1)), X, Y[:3]), "X"),
    (lambda: descent.train_xor(np.ones((2, 2)), np.ones((2, 1))), "W1"),
    (lambda: descent.train_xor(np.ones((1, 2, 2)), np.ones((1, 2, 1)), lr=0), "lr"),
    (lambda: descent.train_xor(np.ones((1, 2, 2)), np.ones((1, 2, 1)), epochs=0), "epochs"),
    (lambda: descent.train_xor(np.ones((1, 2, 2)), np.ones((1, 2, 1)), epochs=10, every=3), "every"),
    (lambda: descent.train_xor(np.ones((1, 2, 2)), np.ones((1, 2, 1)), loss="hinge"), "loss"),
    (lambda: descent.descend(lambda w: w, np.ones(2), lr=-1, steps=3), "lr"),
    (lambda: descent.descend(lambda w: w, np.ones(2), lr=0.1, steps=3, momentum=1), "momentum"),
    (lambda: descent.descend(lambda w: w, np.ones(2), lr=0.1, steps=0), "steps"),
    (lambda: descent.minibatch_descent(*bowl(), np.zeros(2), np.random.default_rng(0), lr=0.1, epochs=1,
                                       batch_size=0), "batch_size"),
    (lambda: descent.stable_lr(np.array([[1.0, 2.0], [0.0, 1.0]])), "symmetric"),
    (lambda: descent.measured_stable_lr(lambda w: w, np.ones(2), np.zeros(2), lo=1, hi=0.5), "lo"),
    (lambda: descent.measured_stable_lr(lambda w: w, np.ones(2), np.zeros(2), lo=0.1, hi=0.5), "widen"),
])
def test_bad_input_is_named(call, words):
    with pytest.raises(ValueError, match=words):
        call()


def test_minibatch_rng_must_be_a_generator():
    with pytest.raises(TypeError, match="rng"):
        descent.minibatch_descent(*bowl(), np.zeros(2), 0, lr=0.1, epochs=1, batch_size=2)
