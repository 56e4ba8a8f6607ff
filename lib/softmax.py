"""exp and ln at work in a network: sigmoid, softmax, log-sum-exp and cross-entropy."""
from __future__ import annotations

import numpy as np


def _check_logits(z, name: str = "z") -> np.ndarray:
    z = np.asarray(z, dtype=float)
    if z.size == 0:
        raise ValueError(f"{name} must not be empty")
    if not np.all(np.isfinite(z)):
        raise ValueError(f"{name} must be finite, got NaN or inf")
    return z


def sigmoid(z) -> np.ndarray:
    """1 / (1 + e^-z), evaluated without overflow for large |z|."""
    z = _check_logits(z)
    e = np.exp(-np.abs(z))  # never overflows
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_derivative(z) -> np.ndarray:
    """dσ/dz = σ(z)(1 - σ(z))."""
    s = sigmoid(z)
    return s * (1 - s)


def logsumexp(z, axis: int = -1) -> np.ndarray:
    """ln Σ e^z along `axis`, shifted by the maximum so that no exponential overflows."""
    z = _check_logits(z)
    m = z.max(axis=axis, keepdims=True)
    return np.squeeze(m, axis=axis) + np.log(np.exp(z - m).sum(axis=axis))


def softmax(z, axis: int = -1, temperature: float = 1.0) -> np.ndarray:
    """e^(z/T) / Σ e^(z/T) along `axis`: the stable form, exact for any finite logits."""
    if not (np.isfinite(temperature) and temperature > 0):
        raise ValueError(f"temperature must be a finite number > 0, got {temperature}")
    z = _check_logits(z) / temperature
    e = np.exp(z - z.max(axis=axis, keepdims=True))  # the log-sum-exp shift
    return e / e.sum(axis=axis, keepdims=True)


def naive_softmax(z, axis: int = -1) -> np.ndarray:
    """e^z / Σ e^z as written on the blackboard: overflows for logits above ~709."""
    z = np.asarray(z, dtype=float)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


def cross_entropy(z, y) -> float:
    """Mean of -ln softmax(z)[y] over rows: z (n, classes) logits, y (n,) integer classes."""
    z = _check_logits(z)
    y = np.asarray(y)
    if z.ndim != 2 or y.shape != (z.shape[0],):
        raise ValueError(f"z must be (n, classes) and y (n,), got shapes {z.shape} and {y.shape}")
    if not np.issubdtype(y.dtype, np.integer) or np.any((y < 0) | (y >= z.shape[1])):
        raise ValueError(f"y must hold integer classes 0..{z.shape[1] - 1}")
    log_p = z - logsumexp(z, axis=1)[:, None]  # ln softmax, without forming tiny probabilities
    return float(-log_p[np.arange(len(y)), y].mean())


def cross_entropy_gradient(z, y) -> np.ndarray:
    """d cross_entropy / dz = (softmax(z) - onehot(y)) / n, shape (n, classes)."""
    z = _check_logits(z)
    p = softmax(z, axis=1)
    p[np.arange(len(y)), y] -= 1
    return p / len(y)
