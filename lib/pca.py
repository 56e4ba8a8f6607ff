"""Principal component analysis, from the eigenvectors of the covariance matrix."""
from __future__ import annotations

import numpy as np


def pca(X: np.ndarray, k: int = 2) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Project X (n, d) on its k directions of largest variance.

    Returns scores (n, k), components (k, d) (orthonormal rows; each signed so that its largest
    entry is positive) and the fraction of the variance each explains (k,).
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[0] < 2:
        raise ValueError(f"X must be (n, d) with n >= 2, got shape {X.shape}")
    if not (isinstance(k, (int, np.integer)) and 1 <= k <= X.shape[1]):
        raise ValueError(f"k must be an integer from 1 to {X.shape[1]}, got {k}")
    if not np.all(np.isfinite(X)):
        raise ValueError("X must be finite")
    centred = X - X.mean(axis=0)
    cov = centred.T @ centred / (len(X) - 1)  # (d, d)
    values, vectors = np.linalg.eigh(cov)  # ascending
    order = np.argsort(values)[::-1][:k]
    components = vectors[:, order].T  # (k, d)
    signs = np.sign(components[np.arange(k), np.abs(components).argmax(axis=1)])
    components *= signs[:, None]
    return centred @ components.T, components, values[order] / values.sum()
