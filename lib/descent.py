"""Gradient descent made visible: the loss of one linear neuron (an exact quadratic bowl), plain
descent with heavy-ball or Nesterov momentum, mini-batches and Adam on it, the largest stable
learning rate measured and in closed form, and the size of the gradient layer by layer in a deep
network.
"""
from __future__ import annotations

import numpy as np

from lib import check, mlp
from lib.optim import Adam


def mse(W, A, y):
    """½ mean (A w − y)² for every row w of W: (…, 2) -> (…); A (n, 2) holds [x, 1]."""
    W, A, y = _check_fit(W, A, y)
    r = W @ A.T - y                   # (…, 2) @ (2, n) -> (…, n)
    return 0.5 * np.mean(r * r, axis=-1)


def mse_gradient(W, A, y):
    """Aᵀ (A w − y) / n for every row w of W: (…, 2) -> (…, 2)."""
    return _mse_gradient(*_check_fit(W, A, y))


def _mse_gradient(W, A, y):
    return (W @ A.T - y) @ A / len(A)   # (…, n) @ (n, 2) -> (…, 2)


def descend(gradient, w0, *, lr, steps: int, momentum: float = 0.0,
            nesterov: bool = False) -> np.ndarray:
    """Gradient descent with (heavy-ball) momentum, as lib.mlp.train: v ← μ v − lr g(w),
    w ← w + v; with `nesterov`, g is taken at the look-ahead point w + μ v (Nesterov's
    momentum in the form of Sutskever et al. 2013). The path, (steps + 1, d); w0 (K, d) with
    lr (K,) runs K descents at once."""
    gradient = check.function("gradient", gradient)
    nesterov = check.flag("nesterov", nesterov)
    w = check.array("w0", w0, ndim=(1, 2)).copy()
    if np.ndim(lr) == 0:
        lr = check.number("lr", lr, low=0, low_open=True)
    else:
        lr = check.array("lr", lr, shape=(len(w),) if w.ndim == 2 else (), low=0)[:, None]
        if not np.all(lr > 0):
            raise ValueError("lr must be > 0, got a zero")
    momentum = check.number("momentum", momentum, 0, 1, high_open=True)
    steps = check.integer("steps", steps)
    _check_gradient(gradient, w)
    velocity, path = np.zeros_like(w), [w]
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging path may reach inf
        for _ in range(steps):
            ahead = w + momentum * velocity if nesterov else w
            velocity = momentum * velocity - lr * gradient(ahead)
            w = w + velocity
            path.append(w)
    return np.array(path)


def minibatch_descent(A, y, w0, rng: np.random.Generator, *, lr: float, epochs: int,
                      batch_size: int) -> np.ndarray:
    """Gradient descent on the mean squared error of one batch at a time: each epoch visits
    the n examples in a new random order, batch_size at a time. The path, (steps + 1, 2)."""
    w, A, y = _check_fit(w0, A, y, w_name="w0", ndim=1)
    batch_size = check.integer("batch_size", batch_size, 1, len(A))
    rng, lr = check.generator("rng", rng), check.number("lr", lr, low=0, low_open=True)
    epochs = check.integer("epochs", epochs)
    path = [w]
    for _ in range(epochs):
        order = rng.permutation(len(A))
        for start in range(0, len(A), batch_size):
            batch = order[start:start + batch_size]
            w = w - lr * _mse_gradient(w, A[batch], y[batch])
            path.append(w)
    return np.array(path)


def adam_path(gradient, w0, *, lr: float, steps: int, **betas) -> np.ndarray:
    """The path of lib.optim.Adam (the book's optimiser) from w0, (steps + 1, d)."""
    gradient, steps = check.function("gradient", gradient), check.integer("steps", steps)
    w = [check.array("w0", w0, ndim=1).copy()]
    _check_gradient(gradient, w[0])
    adam, path = Adam(w, lr, **betas), [w[0]]
    for _ in range(steps):
        w = adam.step(w, [gradient(w[0])])
        path.append(w[0])
    return np.array(path)


def stable_lr(H, momentum: float = 0.0, nesterov: bool = False) -> float:
    """The largest learning rate for which gradient descent (with heavy-ball momentum μ)
    converges on a quadratic with Hessian H, from a generic start: 2 (1 + μ) / λ_max; with
    Nesterov's momentum (`descend`'s nesterov=True), 2 (1 + μ) / ((1 + 2μ) λ_max)."""
    H = check.array("H", H, ndim=2)
    momentum = check.number("momentum", momentum, 0, 1, high_open=True)
    nesterov = check.flag("nesterov", nesterov)
    if H.shape[0] != H.shape[1] or not np.allclose(H, H.T):
        raise ValueError(f"H must be a symmetric square matrix, got shape {H.shape}")
    lam_max = np.linalg.eigvalsh(H)[-1]
    if lam_max <= 0:
        raise ValueError(f"H must have a positive eigenvalue (else any rate is stable), "
                         f"got λ_max = {lam_max:g}")
    # Along an eigenvector, e_{k+1} = (1 + μ) a e_k − μ a e_{k−1} with a = 1 − lr λ for
    # Nesterov (the heavy ball has 1 + μ − lr λ and μ): a root leaves the unit circle at −1.
    return 2 * (1 + momentum) / ((1 + 2 * momentum if nesterov else 1) * lam_max)


def measured_stable_lr(gradient, w0, w_star, *, lo: float, hi: float, momentum: float = 0.0,
                       nesterov: bool = False, steps: int = 4000, rounds: int = 4,
                       k: int = 33) -> float:
    """The largest learning rate in [lo, hi] at which descent from w0 converges to w_star:
    after `steps` steps it is within 1e-8 of its first distance, or still closing in over the
    second half (where only the slowest mode is left). Found by trying k rates at a time,
    `rounds` times, each time within the gap where the answer flips; momentum and nesterov
    as in `descend`."""
    gradient = check.function("gradient", gradient)
    lo, hi = check.number("lo", lo, low=0, low_open=True), check.number("hi", hi, low=0, low_open=True)
    if not lo < hi:
        raise ValueError(f"need lo < hi, got lo={lo}, hi={hi}")
    momentum = check.number("momentum", momentum, 0, 1, high_open=True)
    nesterov = check.flag("nesterov", nesterov)
    steps, rounds, k = (check.integer(n, v) for n, v in (("steps", steps), ("rounds", rounds), ("k", k)))
    if k < 2:
        raise ValueError(f"k must be at least 2 (rates tried at a time), got {k}")
    w0 = check.array("w0", w0, ndim=1)
    w_star = check.array("w_star", w_star, shape=w0.shape)
    for _ in range(rounds):
        lrs = np.linspace(lo, hi, k)
        path = descend(gradient, np.tile(w0, (k, 1)), lr=lrs, steps=steps, momentum=momentum,
                       nesterov=nesterov)
        with np.errstate(over="ignore", invalid="ignore"):  # diverged: inf or nan, never closer
            start, half, end = (np.linalg.norm(path[i] - w_star, axis=1)
                                for i in (0, steps // 2, -1))
            closing = (end < half) | (end < 1e-8 * start)
        if closing.all() or not closing.any():
            raise ValueError(f"descent converges for all or none of the rates from lo={lo:g} to hi={hi:g}: "
                             "widen them")
        last = np.flatnonzero(closing)[-1]
        lo, hi = lrs[last], lrs[min(last + 1, k - 1)]
    return float(lo)


def layer_gradient_norms(net: mlp.MLP, X, y) -> np.ndarray:
    """‖∂L/∂W‖ (Frobenius) for every layer of `net`, input side first: (layers,) or
    (layers, S) for a stack; L is lib.mlp's mean cross-entropy."""
    _, dW, _ = mlp.loss_and_gradients(check.instance("net", net, mlp.MLP), X, y)
    return np.array([np.sqrt(np.sum(g * g, axis=(-2, -1))) for g in dW])


def _check_fit(W, A, y, *, w_name="W", ndim=None):
    """W (…, 2) as floats, A (n, 2), y (n,): the checks of every function on the bowl."""
    A = check.array("A", A, shape=(None, 2), axes="(n, 2) rows [x, 1]")
    y = check.array("y", y, shape=(len(A),), axes="(n,) targets, one per row of A")
    # W may be inf or NaN: a diverging descent passes through them, and its loss is inf
    W = check.array(w_name, W, ndim=ndim if ndim else range(1, 99), finite=ndim is not None)
    if W.shape[-1] != 2:
        raise ValueError(f"{w_name} must have 2 entries (w, b) on its last axis, got {W.shape}")
    return W, A, y


def _check_gradient(gradient, w):
    """The first call of gradient, checked: one finite number per entry of w."""
    g = gradient(w)
    try:
        finite = np.all(np.isfinite(np.asarray(g, dtype=float)))
    except (TypeError, ValueError):
        finite = False
    if np.shape(g) != np.shape(w) or not finite:
        raise ValueError(f"gradient must return finite numbers of shape {np.shape(w)}, got "
                         f"{np.shape(g)}")
