"""k-nearest-neighbour classification: the reference a learned classifier is measured against."""
from __future__ import annotations

import numpy as np

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
