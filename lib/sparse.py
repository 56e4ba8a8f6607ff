"""One fixed local layer applied again and again: label propagation with a sharpening step.

The state is a class-score map S of shape (classes, size, size): a probability distribution
over the classes at every pixel (or a batch of independent maps, (..., classes, size, size),
each with its own training points: several draws of the data run at once). It starts uniform
(no information) except at the pixels of the labelled training points. Every layer is the same
fixed operation, nothing in it is trained: each pixel combines its k x k neighbourhood (a small
convolution per class, lib.conv.conv2d, one kernel shared by every pixel and class), the scores
are sharpened by a power gamma >= 1 and renormalised to sum to 1, and the training pixels are
clamped back to their labels. With gamma = 1 this is one step of label propagation (Zhu and
Ghahramani 2002) on the pixel grid, whose fixed point, the harmonic solution (Zhu, Ghahramani and
Lafferty 2003), `harmonic` solves for directly; the sharpening s^g / sum s^g is a softmax of ln s
at temperature 1/g.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import sparse as sp
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import eigsh, spsolve

from lib import check
from lib.conv import conv2d

CENTRES = np.array([[-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0], [1.0, 1.0]])
BINOMIAL3 = np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]], dtype=float) / 16  # a 3x3 blur, weights sum to 1


@dataclass(frozen=True)
class Plane:
    """A square grid of size x size pixels covering [-extent, extent]^2."""

    size: int = 96
    extent: float = 3.5

    def __post_init__(self):
        object.__setattr__(self, "size", check.integer("size", self.size))
        object.__setattr__(self, "extent", check.number("extent", self.extent, low=0, low_open=True))
        check.fits("size", self.size, 8 * self.size**2)

    def cells(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(row, col) pixel indices of points X (n, 2); row follows the second coordinate."""
        X = check.array("X", X, shape=(None, 2))
        if np.any(np.abs(X) >= self.extent):
            raise ValueError(f"every point must lie inside the grid, |x| < {self.extent}")
        ij = ((X + self.extent) / (2 * self.extent) * self.size).astype(int)
        return ij[:, 1], ij[:, 0]


def four_classes(n_per_class: int, rng: np.random.Generator, *, spread: float = 1.0,
                 extent: float = 3.5) -> tuple[np.ndarray, np.ndarray]:
    """Four overlapping Gaussian classes centred at (±1, ±1): X (n, 2), y (n,); points outside
    |x| < extent are drawn again, so every point lies on the grid."""
    n_per_class, rng = check.integer("n_per_class", n_per_class), check.generator("rng", rng)
    spread, extent = check.number("spread", spread, low=0, low_open=True), check.number("extent", extent, low=1, low_open=True)
    inside = math.erf((extent - 1) / (spread * math.sqrt(2))) / 2 + math.erf((extent + 1) / (spread * math.sqrt(2))) / 2
    if inside**2 < 0.01:  # the chance that a draw lands on the grid: below it the redrawing would take for ever
        raise ValueError(f"spread = {spread:g} is too wide for extent = {extent:g}: only {inside**2:.1e} of the points "
                         "would fall on the grid")
    check.fits("n_per_class", n_per_class, 4 * 8 * 6 * n_per_class)
    y = np.repeat(np.arange(4), n_per_class)
    X = CENTRES[y] + spread * rng.standard_normal((len(y), 2))
    while np.any(outside := np.any(np.abs(X) >= extent, axis=1)):
        X[outside] = CENTRES[y[outside]] + spread * rng.standard_normal((outside.sum(), 2))
    return X, y


def initial_scores(plane: Plane, X, y, classes: int):
    """Uniform scores, and at each training pixel the label distribution of its points.

    Returns (S (classes, size, size), clamped (size, size) bool mask, labels (classes, size, size)).
    """
    plane, classes = check.instance("plane", plane, Plane), check.integer("classes", classes)
    X, y = check.array("X", X, shape=(None, 2)), np.asarray(y)
    if y.shape != (len(X),) or not np.issubdtype(y.dtype, np.integer) or np.any((y < 0) | (y >= classes)):
        raise ValueError(f"y must hold one integer label in 0..{classes - 1} per point of X")
    check.fits("classes", classes, 32 * classes * plane.size**2)
    rows, cols = plane.cells(X)
    counts = np.zeros((classes, plane.size, plane.size))
    np.add.at(counts, (y, rows, cols), 1)
    clamped = counts.sum(axis=0) > 0
    labels = counts / np.maximum(counts.sum(axis=0), 1)
    S = np.full_like(counts, 1 / classes)
    S[:, clamped] = labels[:, clamped]
    return S, clamped, labels


def layer(S: np.ndarray, kernel: np.ndarray = BINOMIAL3, *, gamma: float = 1.1, clamped=None,
          labels=None) -> np.ndarray:
    """One layer: the same k x k convolution per class, the power gamma, renormalisation, clamping.

    S (..., K, G, G); clamped (..., G, G) and labels (..., K, G, G) as from `initial_scores`."""
    S, kernel = check.array("S", S, ndim=range(3, 64), low=0, dtype=None), check.array("kernel", kernel, ndim=2, low=0)
    gamma = check.number("gamma", gamma, low=1)
    _check_clamp("S", S, clamped, labels)
    G = S.shape[-1]
    flat = S.reshape(-1, 1, G, G)  # every class map of every draw is one image
    mixed = conv2d(flat, kernel[None, None], padding="same").reshape(S.shape)
    sharp = mixed**gamma
    out = sharp / sharp.sum(axis=-3, keepdims=True)
    if clamped is not None:
        out = np.where(clamped[..., None, :, :], labels, out)
    return out


def propagate(S0: np.ndarray, layers: int, kernel: np.ndarray = BINOMIAL3, *, gamma: float = 1.1,
              clamped=None, labels=None):
    """Apply `layers` layers. Returns (final S, class map after each layer (layers + 1, ..., G, G)
    with -1 where a pixel is still unassigned, i.e. its scores are still all equal)."""
    kernel, layers = check.array("kernel", kernel), check.integer("layers", layers)
    S0 = check.array("S0", S0, ndim=range(3, 64), low=0, dtype=None)
    _check_clamp("S0", S0, clamped, labels)
    check.fits("layers", layers, 2 * (layers + 1) * (S0.size // S0.shape[-3]))  # the class maps, int8
    if kernel.ndim != 2 or kernel.shape[0] != kernel.shape[1] or kernel.shape[0] % 2 == 0:
        raise ValueError(f"kernel must be square with an odd size (3x3, 5x5, ...), got {kernel.shape}")
    if np.any(kernel < 0) or kernel.sum() <= 0:
        raise ValueError("kernel weights must be non-negative, and not all zero")
    gamma = check.number("gamma", gamma, low=1)
    S, maps = S0, [class_map(S0)]
    for _ in range(layers):
        S = layer(S, kernel, gamma=gamma, clamped=clamped, labels=labels)
        maps.append(class_map(S))
    return S, np.array(maps)


def class_map(S: np.ndarray, tol: float = 1e-12) -> np.ndarray:
    """The most probable class at each pixel, (..., G, G) int8; -1 where all scores are equal."""
    S, tol = check.array("S", S, ndim=range(3, 64), dtype=None), check.number("tol", tol, low=0)
    if S.shape[-3] == 1:  # with one class every pixel is decided
        return np.zeros(S.shape[:-3] + S.shape[-2:], dtype=np.int8)
    decided = S.max(axis=-3) - S.min(axis=-3) > tol
    return np.where(decided, S.argmax(axis=-3), -1).astype(np.int8)


def grid_graph(size: int, kernel: np.ndarray = BINOMIAL3) -> sp.csr_array:
    """The graph one layer averages over: W (size^2, size^2), pixels numbered row by row,
    W[p, q] = the kernel's weight for the offset of pixel q from pixel p, none past the edge."""
    size = check.integer("size", size)
    kernel = check.array("kernel", kernel, ndim=2, low=0)
    r = kernel.shape[0] // 2
    if kernel.shape[0] != kernel.shape[1] or kernel.shape[0] % 2 == 0:
        raise ValueError(f"kernel must be square with an odd size (3x3, 5x5, ...), got {kernel.shape}")
    check.fits("size", size, 24 * kernel.size * size**2)
    i, j = (a.ravel() for a in np.mgrid[:size, :size])
    rows, cols, weights = [], [], []
    for (di, dj), w in np.ndenumerate(kernel):
        ii, jj = i + di - r, j + dj - r
        inside = (ii >= 0) & (ii < size) & (jj >= 0) & (jj < size) & (w > 0)
        rows.append((i * size + j)[inside]), cols.append((ii * size + jj)[inside])
        weights.append(np.full(inside.sum(), w))
    n = size * size
    return sp.csr_array((np.concatenate(weights), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n))


def harmonic(W, clamped, labels) -> np.ndarray:
    """The fixed point of label propagation on the graph W: F (n, K), equal to `labels` at the
    clamped nodes and, at every other node, the W-weighted mean of its neighbours' F. This is the
    harmonic solution (Zhu, Ghahramani and Lafferty 2003): F[u, c] is the probability that a random
    walk from u, stepping to a neighbour with probability proportional to W, first reaches a clamped
    node in class c. W (n, n) symmetric and non-negative (dense or scipy.sparse); clamped (n,) bool;
    labels (n, K), rows at the clamped nodes distributions (other rows are not read)."""
    if not sp.issparse(W):
        W = check.array("W", W, ndim=2, low=0)
    elif W.ndim != 2 or not np.issubdtype(W.dtype, np.number) or np.iscomplexobj(W):
        raise ValueError(f"W must be a 2-D real matrix, got a sparse {W.dtype} of shape {W.shape}")
    W = sp.csr_array(W, dtype=float)
    n = W.shape[0]
    if W.shape != (n, n) or n == 0:
        raise ValueError(f"W must be a square matrix, got shape {W.shape}")
    if not np.all(np.isfinite(W.data)) or np.any(W.data < 0):
        raise ValueError("W must hold finite, non-negative weights")
    if abs(W - W.T).max() > 1e-12 * max(abs(W).max(), 1e-300):
        raise ValueError("W must be symmetric: an undirected graph")
    clamped = np.asarray(clamped)
    if clamped.shape != (n,) or clamped.dtype != bool:
        raise ValueError(f"clamped must be a bool mask of shape ({n},), got {clamped.dtype} {clamped.shape}")
    labels = check.array("labels", labels, ndim=2, low=0)
    if labels.shape[0] != n:
        raise ValueError(f"labels must have one row per node of W ({n}), got shape {labels.shape}")
    if not np.allclose(labels[clamped].sum(axis=1), 1):
        raise ValueError("labels must be distributions (rows summing to 1) at the clamped nodes")
    _, component = connected_components(W, directed=False)
    if not np.all(np.isin(component, component[clamped])):
        raise ValueError("every node of W must be joined to a clamped node: "
                         "clamped marks none in some part of the graph")
    free = ~clamped
    D = np.asarray(W.sum(axis=1)).ravel()
    W_uu, W_ul = W[free][:, free], W[free][:, clamped]
    # (D_uu - W_uu) F_u = W_ul F_l: each free node's F is the weighted mean of its neighbours'
    F = np.array(labels)
    if free.any():
        L_uu = sp.diags_array(D[free]) - W_uu
        F_u = spsolve(sp.csc_array(L_uu), W_ul @ labels[clamped])
        F[free] = F_u.reshape(free.sum(), -1)
    return F


def fixed_point(clamped, labels, kernel: np.ndarray = BINOMIAL3) -> np.ndarray:
    """The scores the layers with gamma = 1 converge to, (..., K, G, G): the harmonic solution on
    the grid graph of `kernel`, held at `labels` on the clamped pixels (as from `initial_scores`)."""
    labels = check.array("labels", labels, ndim=range(3, 64), low=0)
    clamped = np.asarray(clamped)
    if clamped.dtype != bool or clamped.shape != labels.shape[:-3] + labels.shape[-2:]:
        raise ValueError(f"clamped must be a bool mask of shape {labels.shape[:-3] + labels.shape[-2:]} "
                         f"to match labels {labels.shape}, got {clamped.dtype} {clamped.shape}")
    K, G = labels.shape[-3], labels.shape[-1]
    if labels.shape[-2] != G:
        raise ValueError(f"labels must be square maps (..., K, G, G), got shape {labels.shape}")
    W = grid_graph(G, kernel)
    flat_c, flat_l = clamped.reshape(-1, G * G), labels.reshape(-1, K, G * G)
    if not flat_c.any(axis=1).all():
        raise ValueError("clamped must mark at least one pixel in every map")
    out = [harmonic(W, c, lab.T).T for c, lab in zip(flat_c, flat_l)]
    return np.array(out).reshape(labels.shape)


def decay_factor(clamped, kernel: np.ndarray = BINOMIAL3) -> np.ndarray:
    """How fast the layers with gamma = 1 approach their fixed point: the factor by which the
    slowest part of the distance to it shrinks per layer, for a (..., G, G) mask of clamped pixels
    (one factor per map, shape clamped.shape[:-2]). With gamma = 1 a layer is the random walk
    P = D^-1 W of `grid_graph` (D its row sums), and on the pixels that are not clamped the
    distance to the fixed point is multiplied by P restricted to them, whose largest eigenvalue
    this is; ln(eps) / ln(factor) layers shrink that part by eps."""
    clamped = np.asarray(clamped)
    if clamped.dtype != bool or clamped.ndim < 2 or clamped.shape[-1] != clamped.shape[-2]:
        raise ValueError(f"clamped must be a bool mask of square maps (..., G, G), got {clamped.dtype} {clamped.shape}")
    G = clamped.shape[-1]
    W = grid_graph(G, kernel)
    flat = clamped.reshape(-1, G * G)
    if not flat.any(axis=1).all():
        raise ValueError("clamped must mark at least one pixel in every map")
    D = np.asarray(W.sum(axis=1)).ravel()
    out = []
    for c in flat:
        free = ~c
        if not free.any():  # every pixel clamped: nothing is left to converge
            out.append(0.0)
            continue
        scale = sp.diags_array(1 / np.sqrt(D[free]))
        A = scale @ W[free][:, free] @ scale  # symmetric, with the eigenvalues of P restricted
        if A.shape[0] <= 2:
            out.append(float(np.linalg.eigvalsh(A.toarray()).max()))
        else:
            start = np.ones(A.shape[0])  # not orthogonal to the positive (Perron) eigenvector; and
            # a fixed start, where ARPACK's own random one would change the last bits from call to call
            out.append(float(eigsh(sp.csc_array(A), k=1, which="LA", v0=start, return_eigenvectors=False)[0]))
    return np.array(out).reshape(clamped.shape[:-2])[()]


def layer_cost(size: int, classes: int, k: int) -> dict[str, int]:
    """Weights and multiply-adds of the convolution of one layer, four ways, at equal width.

    dense: every number connected to every number of the layer before;
    local: each number reads its k x k neighbourhood in every class, with weights of its own;
    per_class: each number reads the k x k neighbourhood of its own class only (a depthwise
    convolution), with weights of its own;
    shared: this layer, per class, one k x k kernel shared by every pixel and class.
    No bias anywhere: the layer has none, so none is counted for the others either.
    """
    size, classes, k = check.integer("size", size), check.integer("classes", classes), check.integer("k", k)
    width = classes * size * size  # numbers in one layer's state
    reads = {"dense": width, "local": classes * k * k, "per_class": k * k, "shared": k * k}
    cost = {"width": width}
    for kind, n in reads.items():  # n: the numbers of the layer before that one number reads
        cost[f"{kind}_reads"], cost[f"{kind}_macs"] = n, width * n
        cost[f"{kind}_params"] = k * k if kind == "shared" else width * n
    return cost


def _check_clamp(name: str, S: np.ndarray, clamped, labels) -> None:
    if (clamped is None) != (labels is None):
        raise ValueError("clamped and labels go together: give both or neither")
    if clamped is not None and (np.shape(clamped) != S.shape[:-3] + S.shape[-2:] or np.shape(labels) != S.shape):
        raise ValueError(f"clamped and labels must match {name} {S.shape}: shapes {S.shape[:-3] + S.shape[-2:]} and "
                         f"{S.shape}, got {np.shape(clamped)} and {np.shape(labels)}")
