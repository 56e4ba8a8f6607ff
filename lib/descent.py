"""Gradient descent made visible: the loss of one linear neuron (an exact quadratic bowl), plain
descent with heavy-ball momentum, mini-batches and Adam on it, the largest stable learning rate
measured and in closed form, and the size of the gradient layer by layer in a deep network.
"""
from __future__ import annotations

import numpy as np

from lib import mlp
from lib.optim import Adam


def mse(W, A, y):
    """½ mean (A w − y)² for every row w of W: (…, 2) -> (…); A (n, 2) holds [x, 1]."""
    r = np.asarray(W) @ A.T - y       # (…, 2) @ (2, n) -> (…, n)
    return 0.5 * np.mean(r * r, axis=-1)


def mse_gradient(W, A, y):
    """Aᵀ (A w − y) / n for every row w of W: (…, 2) -> (…, 2)."""
    return (np.asarray(W) @ A.T - y) @ A / len(A)   # (…, n) @ (n, 2) -> (…, 2)


def descend(gradient, w0, *, lr, steps: int, momentum: float = 0.0) -> np.ndarray:
    """Gradient descent with (heavy-ball) momentum, as lib.mlp.train: v ← μ v − lr g,
    w ← w + v. The path, (steps + 1, d); w0 (K, d) with lr (K,) runs K descents at once."""
    w = np.array(w0, dtype=float)
    lr = np.asarray(lr, dtype=float)
    if not (np.all(np.isfinite(lr)) and np.all(lr > 0)):
        raise ValueError(f"lr must be finite and > 0, got {lr}")
    if not 0 <= momentum < 1:
        raise ValueError(f"momentum must be in [0, 1), got {momentum}")
    _check_steps(steps)
    lr = lr[..., None] if lr.ndim else lr
    velocity, path = np.zeros_like(w), [w]
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging path may reach inf
        for _ in range(steps):
            velocity = momentum * velocity - lr * gradient(w)
            w = w + velocity
            path.append(w)
    return np.array(path)


def minibatch_descent(A, y, w0, rng: np.random.Generator, *, lr: float, epochs: int,
                      batch_size: int) -> np.ndarray:
    """Gradient descent on the mean squared error of one batch at a time: each epoch visits
    the n examples in a new random order, batch_size at a time. The path, (steps + 1, 2)."""
    if not (isinstance(batch_size, (int, np.integer)) and 1 <= batch_size <= len(A)):
        raise ValueError(f"batch_size must be an integer in [1, {len(A)}], got {batch_size}")
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    _check_steps(epochs, "epochs")
    w, path = np.array(w0, dtype=float), []
    path.append(w)
    for _ in range(epochs):
        order = rng.permutation(len(A))
        for start in range(0, len(A), batch_size):
            batch = order[start:start + batch_size]
            w = w - lr * mse_gradient(w, A[batch], y[batch])
            path.append(w)
    return np.array(path)


def adam_path(gradient, w0, *, lr: float, steps: int, **betas) -> np.ndarray:
    """The path of lib.optim.Adam (the book's optimiser) from w0, (steps + 1, d)."""
    _check_steps(steps)
    w = [np.array(w0, dtype=float)]
    adam, path = Adam(w, lr, **betas), [w[0]]
    for _ in range(steps):
        w = adam.step(w, [gradient(w[0])])
        path.append(w[0])
    return np.array(path)


def stable_lr(H, momentum: float = 0.0) -> float:
    """The largest learning rate for which gradient descent (with heavy-ball momentum μ)
    converges on a quadratic with Hessian H, from a generic start: 2 (1 + μ) / λ_max."""
    H = np.asarray(H, dtype=float)
    if H.ndim != 2 or H.shape[0] != H.shape[1] or not np.allclose(H, H.T):
        raise ValueError(f"H must be a symmetric square matrix, got shape {H.shape}")
    return 2 * (1 + momentum) / np.linalg.eigvalsh(H)[-1]


def measured_stable_lr(gradient, w0, w_star, *, lo: float, hi: float, momentum: float = 0.0,
                       steps: int = 4000, rounds: int = 4, k: int = 33) -> float:
    """The largest learning rate in [lo, hi] at which descent from w0 converges to w_star:
    after `steps` steps it is within 1e-8 of its first distance, or still closing in over the
    second half (where only the slowest mode is left). Found by trying k rates at a time,
    `rounds` times, each time within the gap where the answer flips."""
    if not 0 < lo < hi:
        raise ValueError(f"need 0 < lo < hi, got lo={lo}, hi={hi}")
    _check_steps(steps)
    w0, w_star = np.asarray(w0, dtype=float), np.asarray(w_star, dtype=float)
    for _ in range(rounds):
        lrs = np.linspace(lo, hi, k)
        path = descend(gradient, np.tile(w0, (k, 1)), lr=lrs, steps=steps, momentum=momentum)
        with np.errstate(over="ignore", invalid="ignore"):  # diverged: inf or nan, never closer
            start, half, end = (np.linalg.norm(path[i] - w_star, axis=1)
                                for i in (0, steps // 2, -1))
            closing = (end < half) | (end < 1e-8 * start)
        if closing.all() or not closing.any():
            raise ValueError(f"descent converges for all or none of [{lo}, {hi}]: widen it")
        last = np.flatnonzero(closing)[-1]
        lo, hi = lrs[last], lrs[min(last + 1, k - 1)]
    return float(lo)


def layer_gradient_norms(net: mlp.MLP, X, y) -> np.ndarray:
    """‖∂L/∂W‖ (Frobenius) for every layer of `net`, input side first: (layers,) or
    (layers, S) for a stack; L is lib.mlp's mean cross-entropy."""
    _, dW, _ = mlp.loss_and_gradients(net, X, y)
    return np.array([np.sqrt(np.sum(g * g, axis=(-2, -1))) for g in dW])


def _check_steps(steps, name="steps"):
    if not (isinstance(steps, (int, np.integer)) and steps >= 1):
        raise ValueError(f"{name} must be a positive integer, got {steps}")
