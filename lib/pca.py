"""Principal component analysis, from the eigenvectors of the covariance matrix, and the
angles between two subspaces."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.linalg.blas import get_blas_funcs
from threadpoolctl import threadpool_limits

from lib import check


@dataclass(frozen=True)
class PCA:
    """The mean (d,), the k leading directions as orthonormal rows (k, d), the fraction of the
    variance each explains (k,), and the covariance matrix they come from (d, d), float64."""

    mean: np.ndarray
    components: np.ndarray
    explained: np.ndarray
    cov: np.ndarray

    def scores(self, X: np.ndarray) -> np.ndarray:
        """Coordinates of the rows of X (n, d) on the directions, (n, k)."""
        X = check.array("X", X, shape=(None, len(self.mean)), dtype=None, axes="(n, d): rows of the data's width")
        return (X - self.mean) @ self.components.T

    def back(self, S: np.ndarray) -> np.ndarray:
        """Points (n, d) in the data space from their coordinates S (n, k)."""
        S = check.array("S", S, shape=(None, len(self.components)), dtype=None, axes="(n, k): k coordinates a row")
        return self.mean + S @ self.components


def fit_pca(X: np.ndarray, k: int = 2) -> PCA:
    """The k directions of largest variance of X (n, d), each signed so that its largest entry
    is positive. float32 data stay float32 up to the eigendecomposition (done in float64)."""
    X = check.array("X", X, ndim=2, dtype=None)
    X = X if X.dtype == np.float32 else X.astype(float)
    if X.shape[0] < 2:
        raise ValueError(f"X must be (n, d) with n >= 2 rows, got shape {X.shape}")
    k = check.integer("k", k, high=X.shape[1])
    check.fits("X", X.shape, 3 * 8 * X.shape[1] ** 2 + 2 * X.nbytes)  # the (d, d) matrices, X centred
    if not np.any(X != X[0]):
        raise ValueError("X has no variance: every row is the same, so no direction explains any of it")
    mean = X.mean(axis=0, dtype=float).astype(X.dtype)
    centred = X - mean
    if X.dtype == np.float32:  # BLAS syrk: half the work of centred.T @ centred (one triangle)
        # on one thread: with more, OpenBLAS splits the long sums and the last bits change, and
        # so would everything trained on these directions (a rerun must give the same bytes)
        with threadpool_limits(limits=1, user_api="blas"):
            upper = get_blas_funcs("syrk", (centred,))(1.0, centred.T)  # (d, n) F-ordered: no copy
        gram = np.triu(upper) + np.triu(upper, 1).T
    else:
        gram = centred.T @ centred
    cov = gram.astype(float) / (len(X) - 1)  # (d, d)
    values, vectors = np.linalg.eigh(cov)  # ascending
    order = np.argsort(values)[::-1][:k]
    components = vectors[:, order].T  # (k, d)
    signs = np.sign(components[np.arange(k), np.abs(components).argmax(axis=1)])
    components *= signs[:, None]
    return PCA(mean, components.astype(X.dtype), values[order] / values.sum(), cov)


def pca(X: np.ndarray, k: int = 2) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Project X (n, d) on its k directions of largest variance.

    Returns scores (n, k), components (k, d) (orthonormal rows; each signed so that its largest
    entry is positive) and the fraction of the variance each explains (k,).
    """
    fit = fit_pca(X, k)
    X = np.asarray(X)
    X = X if X.dtype == np.float32 else X.astype(float)
    return fit.scores(X), fit.components, fit.explained


def principal_angles(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """The min(k, m) principal angles (radians, largest first) between the subspaces spanned by
    the rows of A (k, d) and of B (m, d): arccos of the singular values of Q_A^T Q_B, with Q_A
    and Q_B orthonormal bases of the two (Björck & Golub 1973)."""
    A, B = (np.atleast_2d(check.array(name, M, ndim=(1, 2))) for name, M in (("A", A), ("B", B)))
    if A.shape[1] != B.shape[1]:
        raise ValueError(f"A and B must have rows of the same length, got {A.shape} and {B.shape}")
    if np.linalg.matrix_rank(A) < len(A) or np.linalg.matrix_rank(B) < len(B):
        raise ValueError("the rows of A and of B must be linearly independent")
    QA, QB = np.linalg.qr(A.T)[0], np.linalg.qr(B.T)[0]  # (d, k), (d, m) orthonormal bases
    cosines = np.clip(np.linalg.svd(QA.T @ QB, compute_uv=False), -1, 1)  # descending
    return np.arccos(cosines)[::-1]  # (accurate to about 1e-8 radian near 0)
