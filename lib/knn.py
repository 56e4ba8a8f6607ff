"""k-nearest-neighbour classification: the reference a learned classifier is measured against."""
from __future__ import annotations

import numpy as np
from scipy import sparse as sp
from scipy.spatial import cKDTree
from scipy.spatial.distance import cdist

from lib import check


def knn_predict(X_train, y_train, X, k: int = 9, classes: int | None = None, *,
                method: str = "brute") -> np.ndarray:
    """Majority label of the k nearest training points (Euclidean) for each row of X; ties go to the smaller label.

    method "brute" forms every distance, (m, n) at once; "tree" asks a k-d tree (SciPy's cKDTree,
    Bentley 1975), for many points in few dimensions (60,000 dots in 2-D). Both find the same
    neighbours unless two training points are exactly as far from a query.
    """
    X_train = check.array("X_train", X_train, ndim=2)
    y_train = check.labels("y_train", y_train, n=len(X_train), per="X_train")
    X, k = check.array("X", X, shape=(None, X_train.shape[1])), check.integer("k", k, high=len(X_train))
    method = check.choice("method", method, ("brute", "tree"))
    least = int(y_train.max()) + 1  # the labels are 0 .. least - 1
    classes = least if classes is None else check.integer("classes", classes, low=least)
    if method == "tree":
        from scipy.spatial import cKDTree

        check.fits("X", X.shape, 8 * (3 * X_train.size + len(X) * (2 * k + classes)))  # the tree, its answers, votes
        nearest = cKDTree(X_train).query(X, k=k)[1].reshape(len(X), k)  # (m, k)
    else:
        check.fits("X", X.shape, 8 * len(X) * (3 * len(X_train) + classes))
        d2 = (X**2).sum(1)[:, None] - 2 * X @ X_train.T + (X_train**2).sum(1)[None, :]  # (m, n)
        nearest = np.argpartition(d2, k - 1, axis=1)[:, :k]  # (m, k), any order
    votes = np.zeros((len(X), classes), dtype=int)
    np.add.at(votes, (np.arange(len(X))[:, None], y_train[nearest]), 1)
    return votes.argmax(axis=1)


def knn_graph(X, k: int = 10) -> sp.csr_array:
    """The symmetric k-nearest-neighbour graph of the rows of X: W (n, n) sparse, W[i, j] = 1 if j
    is among the k nearest points of i (Euclidean, i itself excluded) or i among those of j, else 0."""
    X = check.array("X", X, ndim=2)
    k = check.integer("k", k, high=len(X) - 1) if len(X) > 1 else check.integer("k", k, high=0)
    check.fits("X", X.shape, 8 * 6 * len(X) * (k + 1))
    n = len(X)
    _, idx = cKDTree(X).query(X, k + 1)  # (n, k + 1), nearest first, usually i itself first
    idx = idx.reshape(n, k + 1)
    # drop i from its own row (among equal points it need not come first); else the farthest
    key = np.where(idx == np.arange(n)[:, None], k + 1, np.arange(k + 1))
    nearest = np.take_along_axis(idx, np.argsort(key, axis=1, kind="stable")[:, :k], axis=1)
    A = sp.csr_array((np.ones(n * k), (np.repeat(np.arange(n), k), nearest.ravel())), shape=(n, n))
    return ((A + A.T) > 0).astype(float)


def neighbours_kept(high, low, k: int = 10) -> np.ndarray:
    """For each point, the fraction of its k nearest neighbours among the rows of `high` (n, d)
    that are also among its k nearest among the rows of `low` (n, d'), the same points drawn in
    fewer dimensions: (n,), 1 where a picture keeps a point's neighbourhood, about k / (n - 1)
    for a picture unrelated to the data. Euclidean distances, each point itself excluded; among
    equally far points the earlier row counts as nearer."""
    high, low = check.array("high", high, ndim=2), check.array("low", low, ndim=2)
    if len(low) != len(high):
        raise ValueError(f"low must hold one row per row of high ({len(high)}), got {len(low)}")
    k = check.integer("k", k, high=max(len(high) - 1, 1))
    if len(high) < 2:
        raise ValueError(f"high must hold at least 2 points, got {len(high)}")
    check.fits("high", high.shape, 8 * 3 * len(high) ** 2)
    n = len(high)
    rows = np.arange(n)[:, None]
    mine = np.zeros((n, n), dtype=bool)
    mine[rows, _nearest(high, k)] = True  # (n, n): j is a near neighbour of i in high
    return mine[rows, _nearest(low, k)].sum(axis=1) / k


def _nearest(X: np.ndarray, k: int) -> np.ndarray:
    """(n, k) indices of each row's k nearest other rows; ties to the earlier row."""
    d = cdist(X, X)  # exact pairwise differences: no BLAS, the same bits on any machine
    np.fill_diagonal(d, np.inf)
    return np.argsort(d, axis=1, kind="stable")[:, :k]
