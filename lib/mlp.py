"""A multi-layer perceptron in NumPy: forward pass, backpropagation, gradient descent.

One network has weights W[l] of shape (d_in, d_out) and biases b[l] of shape (d_out,).
A *stack* of S independent networks has W[l] of shape (S, d_in, d_out) and b[l] of shape
(S, d_out): the same code trains all of them at once (matmul broadcasts over the leading
axis), which is how the perceptron chapter trains 100 seeds in one go.

Outputs: "sigmoid" (one unit, binary cross-entropy, y in {0, 1}) or "softmax" (cross-entropy,
y an integer class per row).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from scipy.special import expit, log_softmax, softmax

ACTIVATIONS = {
    "sigmoid": (expit, lambda a: a * (1 - a)),  # derivative written in terms of a = f(z)
    "tanh": (np.tanh, lambda a: 1 - a**2),
    "relu": (lambda z: np.maximum(z, 0), lambda a: (a > 0).astype(a.dtype)),
}
OUTPUTS = ("sigmoid", "softmax")


@dataclass(frozen=True)
class MLP:
    W: tuple[np.ndarray, ...]
    b: tuple[np.ndarray, ...]
    hidden: str = "sigmoid"
    output: str = "sigmoid"

    @property
    def sizes(self) -> tuple[int, ...]:
        return (self.W[0].shape[-2],) + tuple(w.shape[-1] for w in self.W)

    @property
    def stacked(self) -> bool:
        return self.W[0].ndim == 3


def init_mlp(sizes, rng: np.random.Generator, *, hidden: str = "sigmoid",
             output: str = "sigmoid", scale: float = 1.0, stack: int | None = None) -> MLP:
    """Random MLP with layer widths `sizes`; W ~ N(0, scale²/fan_in), b = 0; `stack` nets at once."""
    sizes = tuple(sizes)
    if len(sizes) < 2 or any(not isinstance(s, (int, np.integer)) or s < 1 for s in sizes):
        raise ValueError(f"sizes must be at least two positive integers, got {sizes}")
    _check_choice("hidden", hidden, ACTIVATIONS)
    _check_choice("output", output, OUTPUTS)
    if output == "sigmoid" and sizes[-1] != 1:
        raise ValueError(f"a sigmoid output has one unit, got sizes[-1] = {sizes[-1]}")
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    if not scale > 0:
        raise ValueError(f"scale must be > 0, got {scale}")
    lead = () if stack is None else (int(stack),)
    W = tuple(rng.normal(0, scale / np.sqrt(m), lead + (m, n)) for m, n in zip(sizes, sizes[1:]))
    b = tuple(np.zeros(lead + (n,)) for n in sizes[1:])
    return MLP(W, b, hidden, output)


def forward(net: MLP, X: np.ndarray) -> list[np.ndarray]:
    """Activations of every layer, input first: [X, h1, ..., y_hat]; each (n, d) or (S, n, d)."""
    X = _check_X(net, X)
    f = ACTIVATIONS[net.hidden][0]
    A = [X]
    for l, (W, b) in enumerate(zip(net.W, net.b)):
        Z = A[-1] @ W + b[..., None, :]  # (…, n, d_in) @ (…, d_in, d_out) -> (…, n, d_out)
        last = l == len(net.W) - 1
        A.append(_output(net, Z) if last else f(Z))
    return A


def predict(net: MLP, X: np.ndarray) -> np.ndarray:
    """Output probabilities: (n,) for a sigmoid net, (n, classes) for softmax; stacked: (S, …)."""
    out = forward(net, X)[-1]
    return out[..., 0] if net.output == "sigmoid" else out


def loss_and_gradients(net: MLP, X: np.ndarray, y: np.ndarray):
    """Mean cross-entropy (scalar, or (S,) for a stack) and its gradients (dW, db) by backprop."""
    A = forward(net, X)
    y = _check_y(net, y, A[0].shape[-2])
    n = A[0].shape[-2]
    logits = A[-2] @ net.W[-1] + net.b[-1][..., None, :]
    if net.output == "sigmoid":
        t = y[:, None].astype(float)  # (n, 1)
        loss = np.mean(np.logaddexp(0, logits) - t * logits, axis=(-2, -1))  # stable BCE
        delta = (A[-1] - t) / n  # d loss / d logits, (…, n, 1)
    else:
        loss = -np.mean(np.take_along_axis(log_softmax(logits, axis=-1),
                                           np.broadcast_to(y[:, None], logits.shape[:-1] + (1,)),
                                           axis=-1), axis=(-2, -1))
        delta = A[-1].copy()
        delta[..., np.arange(n), y] -= 1
        delta /= n
    dW, db = [], []
    df = ACTIVATIONS[net.hidden][1]
    for l in range(len(net.W) - 1, -1, -1):
        dW.append(np.swapaxes(A[l], -1, -2) @ delta)  # (…, d_in, n) @ (…, n, d_out)
        db.append(delta.sum(axis=-2))
        if l:
            delta = (delta @ np.swapaxes(net.W[l], -1, -2)) * df(A[l])
    return loss, tuple(dW[::-1]), tuple(db[::-1])


def loss(net: MLP, X: np.ndarray, y: np.ndarray):
    """Mean cross-entropy of `net` on (X, y): a float, or (S,) for a stack."""
    return loss_and_gradients(net, X, y)[0]


def train(net: MLP, X: np.ndarray, y: np.ndarray, *, lr: float, epochs: int,
          momentum: float = 0.0) -> tuple[MLP, np.ndarray]:
    """Full-batch gradient descent; returns the trained net and the loss per epoch, (epochs,) or (epochs, S)."""
    if not (np.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be a finite number > 0, got {lr}")
    if not (isinstance(epochs, (int, np.integer)) and epochs >= 1):
        raise ValueError(f"epochs must be a positive integer, got {epochs}")
    if not 0 <= momentum < 1:
        raise ValueError(f"momentum must be in [0, 1), got {momentum}")
    W, b = list(net.W), list(net.b)
    vW, vb = [np.zeros_like(w) for w in W], [np.zeros_like(c) for c in b]
    history = []
    for _ in range(epochs):
        L, dW, db = loss_and_gradients(replace(net, W=tuple(W), b=tuple(b)), X, y)
        history.append(L)
        for l in range(len(W)):
            vW[l] = momentum * vW[l] - lr * dW[l]
            vb[l] = momentum * vb[l] - lr * db[l]
            W[l] = W[l] + vW[l]
            b[l] = b[l] + vb[l]
    return replace(net, W=tuple(W), b=tuple(b)), np.array(history)


def pick(net: MLP, index) -> MLP:
    """Network `index` (an int) of a stack as a single MLP, or a smaller stack (a mask or index array)."""
    if not net.stacked:
        raise ValueError("pick needs a stacked MLP (made with stack=S)")
    index = index if isinstance(index, (int, np.integer)) else np.asarray(index)
    return replace(net, W=tuple(w[index] for w in net.W), b=tuple(c[index] for c in net.b))


def _output(net: MLP, Z: np.ndarray) -> np.ndarray:
    return expit(Z) if net.output == "sigmoid" else softmax(Z, axis=-1)


def _check_choice(name, value, options):
    if value not in options:
        raise ValueError(f"{name} must be one of {sorted(options)}, got {value!r}")


def _check_X(net: MLP, X) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != net.sizes[0]:
        raise ValueError(f"X must have shape (n, {net.sizes[0]}), got {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("X must be finite, got NaN or inf")
    return X


def _check_y(net: MLP, y, n: int) -> np.ndarray:
    y = np.asarray(y)
    if y.shape != (n,):
        raise ValueError(f"y must have shape ({n},), one target per row of X, got {y.shape}")
    classes = 2 if net.output == "sigmoid" else net.sizes[-1]
    if not np.all(np.isin(y, np.arange(classes))):
        raise ValueError(f"y must hold integer classes 0..{classes - 1}, got values {np.unique(y)[:5]}")
    return y.astype(int)
