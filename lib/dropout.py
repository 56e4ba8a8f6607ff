"""Inverted dropout: during training each unit is zeroed independently with probability p and
the survivors are scaled by 1 / (1 - p), so every unit keeps its expected value; at test time
nothing is dropped. And the ensemble view: averaging many random masks (MC dropout)."""
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
    keeps W's expected value; a unit loses some of its connections but is never silenced whole."""
    W = check.array("W", W, dtype=None, empty=True)
    return mask(np.shape(W), p, rng)


def dropout_masks(net: mlp.MLP, n: int, p: float, rng: np.random.Generator) -> list[np.ndarray]:
    """One inverted-dropout mask per hidden layer of `net`, for a batch of n examples."""
    net, n, p = check.instance("net", net, mlp.MLP), check.integer("n", n), _check_p(p)
    check.fits("n", n, 16 * n * sum(net.sizes[1:-1]))
    return [mask((n, width), p, rng) for width in net.sizes[1:-1]]


def mc_predict(net: mlp.MLP, X: np.ndarray, p: float, rng: np.random.Generator,
               samples: int = 100) -> np.ndarray:
    """Monte Carlo dropout: the mean of the predictions of `samples` random masks, (n, classes)."""
    net, samples, p = check.instance("net", net, mlp.MLP), check.integer("samples", samples), _check_p(p)
    rng, X = check.generator("rng", rng), check.array("X", X, ndim=(2, 3), dtype=None)
    total = 0.0
    for _ in range(samples):
        total = total + mlp.forward(net, X, dropout_masks(net, len(X), p, rng))[-1]
    return total / samples
