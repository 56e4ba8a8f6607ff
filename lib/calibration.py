"""How good are predicted probabilities, not just the predicted class: proper scoring rules and
calibration.

Accuracy looks only at the most probable class. The negative log-likelihood (NLL, the
cross-entropy of the true class, in nats) and the Brier score (Brier 1950: the squared distance
between the predicted distribution and the one-hot truth) are *proper* scoring rules: in
expectation they are best when the predicted probabilities are the true ones, so neither rewards
a forecaster for being surer, or less sure, than the evidence. The expected calibration error
(ECE; Naeini, Cooper and Hauskrecht 2015, Guo et al. 2017) is not proper but easy to read: sort
the predictions into bins by their confidence (their largest probability), and average, weighted
by the bins' sizes, the gap between each bin's mean confidence and its accuracy.

Temperature scaling (Guo et al. 2017) is the simplest remedy for miscalibration: divide the
logits by one number T, chosen to minimise the NLL on held-out data. It never changes which class
is the most probable.

P is (n, classes), each row a probability distribution; y (n,) the true classes.
"""
from __future__ import annotations

import numpy as np
from scipy.optimize import brentq

from lib import check
from lib.softmax import softmax


def _inputs(P, y) -> tuple[np.ndarray, np.ndarray]:
    P = check.array("P", P, ndim=2, low=0, high=1, axes="(n, classes) probabilities")
    if not np.allclose(P.sum(axis=1), 1, atol=1e-6):
        raise ValueError("P must hold probability distributions: every row must sum to 1")
    y = check.labels("y", y, n=len(P), classes=P.shape[1], per="P")
    return P, y


def nll(P, y) -> float:
    """Mean negative log-likelihood of the true classes, -mean ln P[i, y_i], in nats (inf if a
    true class had probability 0)."""
    P, y = _inputs(P, y)
    with np.errstate(divide="ignore"):
        return float(-np.log(P[np.arange(len(y)), y]).mean())


def brier(P, y) -> float:
    """Mean multi-class Brier score, mean over rows of Σ_c (P[i, c] - [y_i = c])², from 0
    (certain and right) to 2 (certain and wrong)."""
    P, y = _inputs(P, y)
    truth = np.eye(P.shape[1])[y]  # (n, classes) one-hot
    return float(((P - truth) ** 2).sum(axis=1).mean())


def confidence_bins(P, y, bins: int = 10) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Predictions sorted by confidence (largest probability) into `bins` equal bins of (0, 1],
    (k/bins, (k+1)/bins]: per bin the mean confidence, the accuracy and the count, (bins,) each
    (mean confidence and accuracy NaN where a bin is empty). The edges are
    np.linspace(0, 1, bins + 1)."""
    P, y = _inputs(P, y)
    bins = check.integer("bins", bins, high=10_000)
    confidence, right = P.max(axis=1), P.argmax(axis=1) == y
    edges = np.linspace(0, 1, bins + 1)  # bin k: edges[k] < confidence <= edges[k + 1]
    which = np.clip(np.searchsorted(edges, confidence, side="left") - 1, 0, bins - 1)
    count = np.bincount(which, minlength=bins)
    with np.errstate(invalid="ignore"):
        mean_conf = np.bincount(which, confidence, bins) / count
        accuracy = np.bincount(which, right, bins) / count
    return mean_conf, accuracy, count


def ece(P, y, bins: int = 10) -> float:
    """Expected calibration error: Σ over confidence bins of (share of predictions in the bin) ×
    |mean confidence - accuracy| (see `confidence_bins`)."""
    mean_conf, accuracy, count = confidence_bins(P, y, bins)
    full = count > 0
    return float(np.sum(count[full] / count.sum() * np.abs(mean_conf[full] - accuracy[full])))


def fit_temperature(Z, y) -> float:
    """The temperature T > 0 that minimises the mean NLL of softmax(Z / T) for the true classes y:
    Z (n, classes) logits. In β = 1/T the NLL is convex, with derivative
    mean(E_softmax(βZ)[z] - z_y) (the softmax's expected logit minus the true one), so T is the
    one root of that derivative. A ValueError if there is none: if every true class already has
    the largest logit (the NLL falls for ever as T -> 0), or if the logits do no better than
    uniform guessing (the best T is infinite)."""
    Z = check.array("Z", Z, ndim=2, axes="(n, classes) logits")
    y = check.labels("y", y, n=len(Z), classes=Z.shape[1], per="Z")
    true = Z[np.arange(len(y)), y]

    def slope(beta: float) -> float:  # d NLL / d beta
        return float(((softmax(beta * Z) * Z).sum(axis=1) - true).mean())

    scale = np.abs(Z).max()
    if (Z.max(axis=1) - true).mean() <= 1e-12 * (1 + scale):
        raise ValueError("Z: every true class already has the largest logit, so the NLL falls as "
                         "T -> 0 and no temperature minimises it")
    if slope(0.0) >= 0:
        raise ValueError("Z: the logits do no better than uniform guessing on y (NLL is smallest as "
                         "T -> infinity)")
    high = 1.0
    while slope(high) <= 0:  # the slope rises towards mean(max z - z_y) > 0
        high *= 2
        if high * scale > 1e300:
            raise ValueError("Z: the logits' gaps are too small for a temperature to be found")
    beta = brentq(slope, 0.0, high, xtol=1e-12, rtol=1e-12)
    return float(1 / beta)
