"""exp and ln at work in a network: sigmoid, softmax, log-sum-exp and cross-entropy."""
from __future__ import annotations

import numpy as np

from lib import check


def _check_logits(z, name: str = "z") -> np.ndarray:
    return check.array(name, z)  # finite, not empty


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
    """ln Σ e^z along `axis`, shifted by the maximum so that no exponential overflows.
    Entries of -inf (impossible outcomes) add nothing; a row of them all gives -inf, as SciPy's."""
    z = check.array("z", z, finite=False)
    if np.isnan(z).any() or np.isposinf(z).any():
        raise ValueError("z must be finite or -inf, got NaN or +inf")
    axis = _check_axis(axis, z)
    m = z.max(axis=axis, keepdims=True)
    m[~np.isfinite(m)] = 0  # a row of -inf: shift by 0, and exp(-inf) = 0 gives ln 0 = -inf
    with np.errstate(divide="ignore"):
        return np.squeeze(m, axis=axis) + np.log(np.exp(z - m).sum(axis=axis))


def softmax(z, axis: int = -1, temperature: float = 1.0) -> np.ndarray:
    """e^(z/T) / Σ e^(z/T) along `axis`: the stable form, exact for any finite logits."""
    temperature = check.number("temperature", temperature, low=0, low_open=True)
    z = _check_logits(z)
    axis = _check_axis(axis, z)
    with np.errstate(over="ignore"):  # z - max below -1.8e308 is -inf: its weight is 0 all the same
        e = np.exp((z - z.max(axis=axis, keepdims=True)) / temperature)  # the log-sum-exp shift, then 1/T
    return e / e.sum(axis=axis, keepdims=True)


def naive_softmax(z, axis: int = -1) -> np.ndarray:
    """e^z / Σ e^z as written on the blackboard: overflows for logits above ~709."""
    z = _check_logits(z)
    axis = _check_axis(axis, z)
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
    z = check.array("z", z, ndim=2)
    y = check.labels("y", y, n=len(z), classes=z.shape[1])
    p = softmax(z, axis=1)
    p[np.arange(len(y)), y] -= 1
    return p / len(y)


def _check_axis(axis, z: np.ndarray):
    if axis is not None and not -z.ndim <= check.integer("axis", axis, low=None) < z.ndim:
        raise ValueError(f"axis must be an axis of z (from {-z.ndim} to {z.ndim - 1}), got {axis}")
    return axis
