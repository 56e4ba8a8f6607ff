"""Principal component analysis, from the eigenvectors of the covariance matrix."""
from __future__ import annotations

import numpy as np

from lib import check


def pca(X: np.ndarray, k: int = 2) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Project X (n, d) on its k directions of largest variance.

    Returns scores (n, k), components (k, d) (orthonormal rows; each signed so that its largest
    entry is positive) and the fraction of the variance each explains (k,).
    """
    X = check.array("X", X, ndim=2)
    if X.shape[0] < 2:
        raise ValueError(f"X must be (n, d) with n >= 2, got shape {X.shape}")
    k = check.integer("k", k, high=X.shape[1])
    if not np.any(X != X[0]):
        raise ValueError("X has no variance: every row is the same, so no direction explains any of it")
    centred = X - X.mean(axis=0)
    cov = centred.T @ centred / (len(X) - 1)  # (d, d)
    values, vectors = np.linalg.eigh(cov)  # ascending
    order = np.argsort(values)[::-1][:k]
    components = vectors[:, order].T  # (k, d)
    signs = np.sign(components[np.arange(k), np.abs(components).argmax(axis=1)])
    components *= signs[:, None]
    return centred @ components.T, components, values[order] / values.sum()
