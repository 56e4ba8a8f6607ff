"""lib.descent against closed forms: the quadratic bowl, momentum's recursion and limit, Adam."""
from dataclasses import replace

import numpy as np
import pytest
from gradcheck import numerical_gradient
from hypothesis import given, settings
from hypothesis import strategies as st

from lib import descent, mlp


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


@pytest.mark.parametrize("momentum", [0.0, 0.5, 0.9])
def test_nesterov_follows_its_recursion(momentum):
    """Nesterov's step, v ← μ v − η H (e + μ v), e ← e + v, is e_{k+1} = (1 + μ) M e_k − μ M e_{k−1}
    with M = I − η H (the form of Sutskever et al. 2013), by matrix powers; at μ = 0 it is plain descent."""
    A, t = bowl()
    H, w_star = A.T @ A / len(A), np.linalg.lstsq(A, t, rcond=None)[0]
    grad = lambda w: descent.mse_gradient(w, A, t)
    lr, w0, steps = 0.2, np.array([-1.0, 2.0]), 40
    path = descent.descend(grad, w0, lr=lr, steps=steps, momentum=momentum, nesterov=True)
    M = np.eye(2) - lr * H
    step = np.block([[(1 + momentum) * M, -momentum * M], [np.eye(2), np.zeros((2, 2))]])
    e0 = w0 - w_star
    state = np.concatenate([M @ e0, e0])  # the first step is a plain one (no velocity yet)
    for k in range(1, steps):
        assert np.allclose(path[k], w_star + state[:2], atol=1e-12)
        state = step @ state
    if momentum == 0:
        assert np.array_equal(path, descent.descend(grad, w0, lr=lr, steps=steps))


@pytest.mark.parametrize("momentum", [0.3, 0.9])
def test_nesterov_limit_is_where_a_root_leaves_the_unit_circle(momentum):
    """The closed form against the roots of r² − (1 + μ) a r + μ a (a = 1 − η λ_max), found by
    numpy.roots: inside the unit circle just below the limit, one outside just above it."""
    H = np.diag([3.0, 0.5])
    limit = descent.stable_lr(H, momentum, nesterov=True)
    radius = lambda lr: max(abs(np.roots([1, -(1 + momentum) * (1 - lr * 3), momentum * (1 - lr * 3)])))
    assert radius(0.999 * limit) < 1 < radius(1.001 * limit)
    assert limit < descent.stable_lr(H) < descent.stable_lr(H, momentum)  # below plain descent's


@settings(max_examples=25, deadline=None)
@given(st.floats(0.05, 5.0), st.floats(0.05, 5.0), st.floats(-0.9, 0.9), st.sampled_from([0.0, 0.5, 0.9]),
       st.booleans())
def test_measured_limit_is_two_one_plus_mu_over_lambda_max(a, c, r, momentum, nesterov):
    """On any 2 × 2 positive-definite quadratic, the largest stable rate is 2 (1 + μ) / λ_max, and
    2 (1 + μ) / ((1 + 2μ) λ_max) with Nesterov's momentum."""
    b = r * np.sqrt(a * c)
    H = np.array([[a, b], [b, c]])
    w_star = np.array([0.5, -1.0])
    closed = descent.stable_lr(H, momentum, nesterov)
    measured = descent.measured_stable_lr(lambda w: (w - w_star) @ H, np.array([2.0, 1.0]), w_star,
                                          lo=0.01 * closed, hi=3 * closed, momentum=momentum,
                                          nesterov=nesterov)
    assert measured == pytest.approx(closed, rel=1e-4)
    slow = 1 + 2 * momentum if nesterov else 1
    assert closed == pytest.approx(2 * (1 + momentum) / (slow * max(np.linalg.eigvalsh(H))))


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


@pytest.mark.parametrize("call, words", [
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
