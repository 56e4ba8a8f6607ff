"""Autoencoders: networks trained to reproduce their input through a narrow middle layer, the code.

`Autoencoder` is d -> hidden... -> code -> ...hidden -> d with ReLU hidden layers, a linear
code and a linear output, trained on the mean squared error with Adam (Kingma & Ba 2015) and
a cosine-decaying step size (Loshchilov & Hutter 2017). float32 weights keep it float32.

`LinearAutoencoder` is d -> code -> d with no non-linearity at all. Its mean squared error on
centred data depends on the data only through their covariance C, so gradient descent on it
needs C, not the n images: exactly full-batch gradient descent, at the cost of a d x d product
per step. Baldi & Hornik (1989) showed its minima span the leading principal subspace.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from threadpoolctl import threadpool_limits

from lib import check
from lib.optim import Adam


@dataclass(frozen=True)
class Autoencoder:
    W: tuple[np.ndarray, ...]  # (d_in, d_out) per layer
    b: tuple[np.ndarray, ...]  # (d_out,) per layer
    code_layer: int  # index of the code among the activations [X, h1, ..., code, ..., out]

    @property
    def sizes(self) -> tuple[int, ...]:
        return (self.W[0].shape[0],) + tuple(w.shape[1] for w in self.W)


def autoencoder(d: int, rng: np.random.Generator, *, hidden=(128, 128), code: int = 2,
                dtype=np.float32) -> Autoencoder:
    """d -> hidden -> code -> reversed(hidden) -> d, He-initialised weights, zero biases."""
    rng, d, code, dtype = check.generator("rng", rng), check.integer("d", d), check.integer("code", code), check.float_dtype("dtype", dtype)
    hidden = tuple(check.integer(f"hidden[{i}]", h) for i, h in enumerate(check.shape("hidden", hidden)))
    sizes = (d, *hidden, code, *hidden[::-1], d)
    check.fits("d, hidden and code", sizes, 16 * sum(m * n + n for m, n in zip(sizes, sizes[1:])))
    W = tuple((rng.normal(0, np.sqrt(2 / m), (m, n))).astype(dtype) for m, n in zip(sizes, sizes[1:]))
    b = tuple(np.zeros(n, dtype) for n in sizes[1:])
    return Autoencoder(W, b, len(hidden) + 1)


def _check_X(net: Autoencoder, X, rows: int | None = None) -> np.ndarray:
    """X as finite rows (n, d) of net's input width, in net's dtype; the activations of `rows` of
    them at a time (all if None) refused past the memory budget."""
    net = check.instance("net", net, Autoencoder)
    X = check.array("X", X, shape=(None, net.sizes[0]), dtype=net.W[0].dtype)
    n = len(X) if rows is None else min(len(X), rows)
    check.fits("X", X.shape, X.itemsize * n * 3 * sum(net.sizes))  # every layer's activations, and deltas
    return X


def forward(net: Autoencoder, X: np.ndarray) -> list[np.ndarray]:
    """Activations of every layer, input first: [X, h1, ..., code, ..., output], each (n, width)."""
    return _forward(net, _check_X(net, X))


def _forward(net: Autoencoder, X: np.ndarray) -> list[np.ndarray]:
    A = [X]
    for l, (W, b) in enumerate(zip(net.W, net.b), start=1):
        Z = A[-1] @ W + b  # (n, d_in) @ (d_in, d_out)
        A.append(Z if l in (net.code_layer, len(net.W)) else np.maximum(Z, 0))
    return A


def loss_and_gradients(net: Autoencoder, X: np.ndarray):
    """Mean squared error per entry, mean((output - X)²), and its gradients (dW, dB) by backprop."""
    return _loss_and_gradients(net, _check_X(net, X))


def _loss_and_gradients(net: Autoencoder, X: np.ndarray):
    A = _forward(net, X)
    n, d = A[0].shape
    error = A[-1] - A[0]
    delta = (2 / (n * d)) * error  # d loss / d output, (n, d)
    dW, db = [None] * len(net.W), [None] * len(net.W)
    for l in range(len(net.W) - 1, -1, -1):
        dW[l] = A[l].T @ delta
        db[l] = delta.sum(axis=0)
        if l:
            delta = delta @ net.W[l].T
            if l != net.code_layer:  # through the ReLU; the code is linear
                delta *= A[l] > 0
    return float(np.mean(error.astype(float) ** 2)), tuple(dW), tuple(db)


def train(net: Autoencoder, X: np.ndarray, rng: np.random.Generator, *, steps: int,
          lr: float = 5e-3, batch_size: int = 256) -> tuple[Autoencoder, np.ndarray]:
    """`steps` Adam steps on minibatches (shuffled each pass over X), the step size decaying from
    lr to 0 along a half cosine; returns the net and the minibatch loss of every step, (steps,)."""
    rng, steps = check.generator("rng", rng), check.integer("steps", steps)
    batch_size = check.integer("batch_size", batch_size)
    X, lr = _check_X(net, X, batch_size), check.number("lr", lr, low=0, low_open=True)
    check.fits("steps", steps, 8 * steps)
    L = len(net.W)
    params = list(net.W) + list(net.b)
    adam, history = Adam(params, lr), np.empty(steps)
    per_pass = max(len(X) // batch_size, 1)
    with threadpool_limits(limits=1, user_api="blas"):  # small products: as in lib/cnn.py
        for step in range(steps):
            if step % per_pass == 0:
                order = rng.permutation(len(X))
            start = (step % per_pass) * batch_size
            batch = X[order[start:start + batch_size]]
            adam.lr = lr * 0.5 * (1 + np.cos(np.pi * step / steps))
            current = replace(net, W=tuple(params[:L]), b=tuple(params[L:]))
            history[step], dW, db = _loss_and_gradients(current, batch)
            params = adam.step(params, dW + db)
    return replace(net, W=tuple(params[:L]), b=tuple(params[L:])), history


def encode(net: Autoencoder, X: np.ndarray) -> np.ndarray:
    """The code of each row of X, (n, code)."""
    return forward(net, X)[net.code_layer]


def decode(net: Autoencoder, Z: np.ndarray) -> np.ndarray:
    """The output for codes Z (n, code): the decoder half alone, (n, d)."""
    net = check.instance("net", net, Autoencoder)
    half = Autoencoder(net.W[net.code_layer:], net.b[net.code_layer:], 0)
    A = check.array("Z", Z, shape=(None, half.sizes[0]), dtype=net.W[0].dtype)
    check.fits("Z", A.shape, A.itemsize * len(A) * 3 * max(half.sizes))
    for l, (W, b) in enumerate(zip(half.W, half.b), start=1):
        A = A @ W + b
        A = A if l == len(half.W) else np.maximum(A, 0)
    return A


def reconstruct(net: Autoencoder, X: np.ndarray) -> np.ndarray:
    """The network's reproduction of X, (n, d)."""
    return forward(net, X)[-1]


@dataclass(frozen=True)
class LinearAutoencoder:
    E: np.ndarray  # (d, code) encoder
    D: np.ndarray  # (code, d) decoder: a centred x becomes x E D


def linear_loss(net: LinearAutoencoder, C: np.ndarray) -> float:
    """Mean squared error per entry, mean over rows x and entries of (x E D - x)², for centred
    rows with covariance C = X^T X / n: tr((ED - I)^T C (ED - I)) / d, expanded so that no
    (d, d) product is formed: (tr C - 2 tr(E^T C D^T) + tr(E^T C E D D^T)) / d."""
    return _linear_loss(*_check_linear(net, C))


def _linear_loss(net: LinearAutoencoder, C: np.ndarray) -> float:
    CE = C @ net.E  # (d, code)
    return float((np.trace(C) - 2 * np.sum(CE * net.D.T) + np.sum((net.E.T @ CE) * (net.D @ net.D.T)))
                 / len(C))


def linear_gradients(net: LinearAutoencoder, C: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """d linear_loss / dE (d, code) and / dD (code, d), each a few (d, d) x (d, code) products."""
    return _linear_gradients(*_check_linear(net, C))


def _linear_gradients(net: LinearAutoencoder, C: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    d = len(C)
    CE = C @ net.E  # (d, code)
    dE = (2 / d) * (CE @ (net.D @ net.D.T) - C @ net.D.T)
    dD = (2 / d) * ((net.E.T @ CE) @ net.D - CE.T)
    return dE, dD


def train_linear(C: np.ndarray, rng: np.random.Generator, *, code: int = 2, steps: int = 2000,
                 lr: float = 1e-2, callback=None) -> tuple[LinearAutoencoder, np.ndarray, list]:
    """Full-batch Adam on linear_loss from a small random start, the step size decaying from lr to
    0 along a half cosine; returns the net, the loss before every step (steps,), and
    callback(step, net) before every step if given (else [])."""
    C, rng = _check_covariance(C), check.generator("rng", rng)
    code, steps = check.integer("code", code, high=len(C)), check.integer("steps", steps)
    lr = check.number("lr", lr, low=0, low_open=True)
    callback = None if callback is None else check.function("callback", callback)
    check.fits("steps", steps, 8 * steps)
    d = len(C)
    net = LinearAutoencoder(rng.normal(0, 0.1 / np.sqrt(d), (d, code)), rng.normal(0, 0.1, (code, d)))
    params, adam, history, log = [net.E, net.D], Adam([net.E, net.D], lr), np.empty(steps), []
    with threadpool_limits(limits=1, user_api="blas"):
        for step in range(steps):
            net = LinearAutoencoder(*params)
            history[step] = _linear_loss(net, C)
            if callback is not None:
                log.append(callback(step, net))
            adam.lr = lr * 0.5 * (1 + np.cos(np.pi * step / steps))  # as in train
            params = adam.step(params, list(_linear_gradients(net, C)))
    return LinearAutoencoder(*params), history, log


def _check_covariance(C) -> np.ndarray:
    """C as a float (d, d) matrix that can be a covariance: symmetric, with no negative variance."""
    C = check.array("C", C, ndim=2)
    if C.shape[0] != C.shape[1] or not np.allclose(C, C.T) or np.any(np.diag(C) < 0):
        raise ValueError(f"C must be a symmetric (d, d) covariance matrix with variances >= 0 on its "
                         f"diagonal, got shape {C.shape}")
    return C


def _check_linear(net: LinearAutoencoder, C) -> tuple[LinearAutoencoder, np.ndarray]:
    net, C = check.instance("net", net, LinearAutoencoder), _check_covariance(C)
    if net.E.shape != (len(C), net.D.shape[0]) or net.D.shape != (net.E.shape[1], len(C)):
        raise ValueError(f"net must map {len(C)} coordinates (those of C) through its code and back: "
                         f"E (d, code) and D (code, d), got E {net.E.shape} and D {net.D.shape}")
    return net, C
