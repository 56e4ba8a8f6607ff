"""k-nearest-neighbour classification: the reference a learned classifier is measured against."""
from __future__ import annotations

import numpy as np
from scipy import sparse as sp
from scipy.spatial import cKDTree

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
