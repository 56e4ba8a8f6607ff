"""k-nearest-neighbour classification: the reference a learned classifier is measured against."""
from __future__ import annotations

import numpy as np


def knn_predict(X_train, y_train, X, k: int = 9, classes: int | None = None, *,
                method: str = "brute") -> np.ndarray:
    """Majority label of the k nearest training points (Euclidean) for each row of X; ties go to the smaller label.

    method "brute" forms every distance, (m, n) at once; "tree" asks a k-d tree (SciPy's cKDTree,
    Bentley 1975), for many points in few dimensions (60,000 dots in 2-D). Both find the same
    neighbours unless two training points are exactly as far from a query.
    """
    X_train, X = np.asarray(X_train, dtype=float), np.asarray(X, dtype=float)
    y_train = np.asarray(y_train)
    if X_train.ndim != 2 or X.ndim != 2 or X.shape[1] != X_train.shape[1] or len(y_train) != len(X_train):
        raise ValueError(f"need X_train (n, d), y_train (n,), X (m, d); got {X_train.shape}, "
                         f"{y_train.shape}, {X.shape}")
    if not (isinstance(k, (int, np.integer)) and 1 <= k <= len(X_train)):
        raise ValueError(f"k must be an integer from 1 to {len(X_train)}, got {k}")
    if method not in ("brute", "tree"):
        raise ValueError(f"method must be 'brute' or 'tree', got {method!r}")
    classes = int(y_train.max()) + 1 if classes is None else classes
    if method == "tree":
        from scipy.spatial import cKDTree

        nearest = cKDTree(X_train).query(X, k=k)[1].reshape(len(X), k)  # (m, k)
    else:
        d2 = (X**2).sum(1)[:, None] - 2 * X @ X_train.T + (X_train**2).sum(1)[None, :]  # (m, n)
        nearest = np.argpartition(d2, k - 1, axis=1)[:, :k]  # (m, k), any order
    votes = np.zeros((len(X), classes), dtype=int)
    np.add.at(votes, (np.arange(len(X))[:, None], y_train[nearest]), 1)
    return votes.argmax(axis=1)
