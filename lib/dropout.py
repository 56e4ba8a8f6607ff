"""Inverted dropout: during training each unit is zeroed independently with probability p and
the survivors are scaled by 1 / (1 - p), so every unit keeps its expected value; at test time
nothing is dropped. Here p is the probability of *dropping* a unit (Srivastava et al. 2014 write
p for the probability of keeping it). And the ensemble view: the predictions of many randomly
thinned networks, averaged arithmetically (Monte Carlo dropout) or geometrically (the normalised
geometric mean, which the full network equals exactly, each mask weighted by its probability,
when only a softmax layer's inputs are dropped)."""
from __future__ import annotations

import numpy as np

from lib import check, mlp


def _check_p(p) -> float:
    return check.number("p", p, 0, 1, high_open=True)  # a dropout probability


def mask(shape, p: float, rng: np.random.Generator) -> np.ndarray:
    """Inverted-dropout mask: 0 with probability p, else 1 / (1 - p)."""
    p, shape, rng = _check_p(p), check.shape("shape", shape), check.generator("rng", rng)
    check.fits("shape", shape, 16 * np.prod(shape, dtype=float))
    return (rng.random(shape) >= p) / (1 - p)


def dropout(a: np.ndarray, p: float, rng: np.random.Generator, *, training: bool = True) -> np.ndarray:
    """Apply inverted dropout to activations `a` (training), or return them unchanged (test time)."""
    p, rng, training = _check_p(p), check.generator("rng", rng), check.flag("training", training)
    a = check.array("a", a, dtype=None, empty=True)
    if not training or p == 0:
        return np.asarray(a)
    return a * mask(np.shape(a), p, rng)


def dropconnect_mask(W: np.ndarray, p: float, rng: np.random.Generator) -> np.ndarray:
    """DropConnect (Wan et al., 2013): a mask over the weights, not the units. Each weight is
    zeroed independently with probability p and the rest scaled by 1 / (1 - p), so W * mask
    keeps W's expected value. A unit (a row of W) is silenced whole only when all of its k
    outgoing weights are cut at once, with probability p**k (1/16 for p = 0.5, k = 4)."""
    W = check.array("W", W, dtype=None, empty=True)
    return mask(np.shape(W), p, rng)


def dropout_masks(net: mlp.MLP, n: int, p: float, rng: np.random.Generator) -> list[np.ndarray]:
    """One inverted-dropout mask per hidden layer of `net`, for a batch of n examples."""
    net, n, p = check.instance("net", net, mlp.MLP), check.integer("n", n), _check_p(p)
    check.fits("n", n, 16 * n * sum(net.sizes[1:-1]))
    return [mask((n, width), p, rng) for width in net.sizes[1:-1]]


def thinned_predictions(net: mlp.MLP, X: np.ndarray, p: float, rng: np.random.Generator,
                        samples: int = 100, *, p_input: float = 0.0) -> np.ndarray:
    """The outputs of `samples` randomly thinned networks, (samples, n, classes): each with its
    own inverted-dropout masks, p on every hidden unit and p_input on every input, per example."""
    net, samples, p = check.instance("net", net, mlp.MLP), check.integer("samples", samples), _check_p(p)
    rng, X = check.generator("rng", rng), check.array("X", X, ndim=(2, 3), dtype=None)
    p_input = check.number("p_input", p_input, 0, 1, high_open=True)
    check.fits("samples", samples, 8.0 * samples * X.shape[0] * net.sizes[-1])
    out = []
    for _ in range(samples):
        seen = X * mask(X.shape, p_input, rng) if p_input > 0 else X
        out.append(mlp.forward(net, seen, dropout_masks(net, len(X), p, rng))[-1])
    return np.array(out)


def _samples(P, axis) -> tuple[np.ndarray, int]:
    P = check.array("P", P, low=0, axes="(samples, ..., classes) probabilities")
    if P.ndim < 2:
        raise ValueError(f"P must have a sample axis besides its last (class) axis, got shape {P.shape}")
    axis = check.integer("axis", axis, low=-P.ndim, high=P.ndim - 1) % P.ndim
    if axis == P.ndim - 1:
        raise ValueError(f"axis must be a sample axis, not the last (class) axis of P {P.shape}")
    return P, axis


def geometric_mean(P: np.ndarray, axis: int = 0) -> np.ndarray:
    """The normalised geometric mean of probability distributions P (last axis: classes) over
    `axis`: exp(mean log P), rescaled so each distribution sums to 1."""
    P, axis = _samples(P, axis)
    with np.errstate(divide="ignore"):
        L = np.log(P).mean(axis=axis)
    if not np.all(np.isfinite(L.max(axis=-1))):
        raise ValueError("P gives every class a zero probability in some sample: no geometric mean")
    L -= L.max(axis=-1, keepdims=True)  # the largest becomes exp(0) = 1
    G = np.exp(L)
    return G / G.sum(axis=-1, keepdims=True)


def mc_predict(net: mlp.MLP, X: np.ndarray, p: float, rng: np.random.Generator,
               samples: int = 100, *, p_input: float = 0.0) -> np.ndarray:
    """Monte Carlo dropout: the mean of the predictions of `samples` random masks, (n, classes)."""
    return thinned_predictions(net, X, p, rng, samples, p_input=p_input).mean(axis=0)


def geometric_mean_se(P: np.ndarray, axis: int = 0) -> np.ndarray:
    """Standard error of `geometric_mean(P, axis)` as an estimate from M random samples along
    `axis` (the result's shape): by the delta method, with the mean log-probabilities' covariance
    Cov(log P) / M pushed through the softmax's Jacobian diag(g) - g gᵀ. P must be positive."""
    P, axis = _samples(P, axis)
    M = P.shape[axis]
    if M < 2 or not np.all(P > 0):
        raise ValueError(f"P needs at least 2 samples along axis {axis} and no zero probability, "
                         f"got {M} samples, smallest value {P.min():g}")
    L = np.moveaxis(np.log(P), axis, 0)  # (M, ..., K)
    L = L - L.mean(axis=0)
    cov = np.einsum("m...j,m...k->...jk", L, L) / (M - 1) / M  # (..., K, K): of the mean
    g = geometric_mean(P, axis)
    J = g[..., :, None] * (np.eye(g.shape[-1]) - g[..., None, :])  # (..., K, K): dg_i / dL_j
    var = np.einsum("...ij,...jk,...ik->...i", J, cov, J)
    return np.sqrt(np.maximum(var, 0))


def masked_moments(a: np.ndarray, W: np.ndarray, p: float) -> tuple[np.ndarray, np.ndarray]:
    """Mean and variance of (a * m) @ W over inverted-dropout masks m at rate p on the inputs a
    of a linear layer: a @ W, and p / (1 - p) · (a²) @ (W²), each (..., d_out) for a (..., d_in),
    W (d_in, d_out). A mask entry is 0 or 1 / (1 - p): mean 1, variance p / (1 - p); the entries
    are independent, so their terms' variances add. (DropConnect, one mask entry per weight,
    gives each output the same variance; dropout, one per input, makes the outputs covary.)"""
    p = _check_p(p)
    a, W = check.array("a", a, ndim=(1, 2)), check.array("W", W, ndim=2)
    if a.shape[-1] != W.shape[0]:
        raise ValueError(f"a's last axis ({a.shape[-1]}) must match W's rows, W has shape {W.shape}")
    return a @ W, p / (1 - p) * (a * a) @ (W * W)  # (..., d_in) @ (d_in, d_out) -> (..., d_out)
