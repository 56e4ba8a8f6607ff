"""Figure helpers shared by the chapters. Each takes an Axes, draws, and returns it."""
from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib import colormaps
from matplotlib.colors import Colormap, to_rgba
from matplotlib.patches import Circle, FancyArrowPatch

from lib import check
from lib.style import DIVERGING_CMAP, FIELD_CMAP, OKABE_ITO, TEN_CLASSES


def grid(extent=(-0.5, 1.5, -0.5, 1.5), n: int = 201) -> np.ndarray:
    """(n*n, 2) points covering `extent` = (x0, x1, y0, y1), row-major from the bottom row."""
    x0, x1, y0, y1 = _check_extent(extent)
    n = check.integer("n", n)
    check.fits("n", n, 48 * n * n)
    xx, yy = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    return np.column_stack([xx.ravel(), yy.ravel()])


def plot_surface(ax: Axes, predict, *, extent=(-0.5, 1.5, -0.5, 1.5), n: int = 201,
                 X=None, y=None, cmap: str = FIELD_CMAP, vmin=0.0, vmax=1.0, colorbar=True):
    """Colour the plane by `predict` ((m, 2) points -> (m,) values); optionally the points X by y."""
    check.instance("ax", ax, Axes), check.function("predict", predict), check.flag("colorbar", colorbar)
    check.choice("cmap", cmap, list(colormaps)) if isinstance(cmap, str) else check.instance("cmap", cmap, Colormap)
    vmin, vmax = (None if v is None else check.number(k, v) for k, v in (("vmin", vmin), ("vmax", vmax)))
    if X is not None:
        X = check.array("X", X, shape=(None, 2), dtype=None)
        y = check.labels("y", y, n=len(X))
    values = np.asarray(predict(grid(extent, n)))
    if values.size != n * n:
        raise ValueError(f"predict must return one value per point: {n * n} for {n * n} points, got {values.size}")
    values = values.reshape(n, n)
    im = ax.imshow(values, origin="lower", extent=extent, cmap=cmap, vmin=vmin, vmax=vmax,
                   interpolation="bilinear", aspect="equal")
    if np.nanmin(values) < 0.5 < np.nanmax(values):
        ax.contour(values, levels=[0.5], extent=extent, colors="white", linewidths=1.5)
    if X is not None:
        ax.scatter(X[:, 0], X[:, 1], c=[OKABE_ITO["orange"] if t else OKABE_ITO["black"] for t in y],
                   s=90, edgecolors="white", linewidths=1.5, zorder=3)
    ax.set(xlabel="$x_1$", ylabel="$x_2$")
    if colorbar:
        ax.figure.colorbar(im, ax=ax, shrink=0.8)
    return ax


def draw_neuron(ax: Axes, x, w, b: float, y: float, *, f_name: str = "tanh"):
    """A neuron as a diagram: inputs x_i, weights w_i on the arrows, bias, sum and output y."""
    check.instance("ax", ax, Axes), check.text("f_name", f_name)
    x, b, y = check.array("x", x, ndim=1, dtype=None), check.number("b", b), check.number("y", y)
    w = check.array("w", w, shape=x.shape, dtype=None, axes="(one weight per entry of x)")
    n = len(x)
    heights = np.linspace(0.85, 0.15, n) if n > 1 else np.array([0.5])
    cx, cy, r = 0.6, 0.5, 0.12
    ax.add_patch(Circle((cx, cy), r, facecolor=OKABE_ITO["sky"], edgecolor="black", lw=1.5))
    ax.text(cx, cy, f"Σ + b\n{f_name}", ha="center", va="center", fontsize=11)
    w_max = max(float(np.abs(w).max()), 1e-9)
    for i, (x_i, w_i, h) in enumerate(zip(x, w, heights), start=1):
        ax.text(0.06, h, f"$x_{i}$ = {x_i:g}", ha="center", va="center", fontsize=11,
                bbox=dict(boxstyle="round", fc="white", ec="grey"))
        colour = OKABE_ITO["blue"] if w_i >= 0 else OKABE_ITO["vermillion"]
        end = (cx - r * 0.95, cy + (h - cy) * 0.35)
        ax.add_patch(FancyArrowPatch((0.15, h), end, arrowstyle="-|>", mutation_scale=14,
                                     color=colour, lw=1 + 2.5 * abs(w_i) / w_max))
        mid = (0.15 + 0.45 * (end[0] - 0.15), h + 0.45 * (end[1] - h))
        ax.text(mid[0], mid[1] + 0.05, f"$w_{i}$ = {w_i:+g}", ha="center", va="bottom",
                fontsize=10, color=colour)
    ax.text(cx, cy - r - 0.05, f"b = {b:+g}\nz = {float(np.dot(x, w) + b):+.2f}",
            ha="center", va="top", fontsize=10)
    ax.add_patch(FancyArrowPatch((cx + r, cy), (0.83, cy), arrowstyle="-|>", mutation_scale=16,
                                 color="black", lw=1.5))
    ax.text(0.93, cy, f"y = {y:.3f}", ha="center", va="center", fontsize=11,
            bbox=dict(boxstyle="round", fc=OKABE_ITO["yellow"], ec="grey"))
    ax.set(xlim=(-0.02, 1.02), ylim=(0.02, 0.98))
    ax.axis("off")
    return ax


def draw_network(ax: Axes, weights, activations, *, dropped=None, cut=None, labels=None,
                 node_size: float = 40):
    """A layered network from its weight matrices.

    weights: matrices (d_in, d_out) between consecutive drawn layers; activations: one vector per
    drawn layer (len(weights) + 1), coloured 0 (dark) to its layer's maximum (bright); dropped:
    optional boolean vector per layer, True for a dropped unit, drawn hollow with its edges
    removed; cut: optional boolean matrix per weight matrix, True for a removed connection
    (DropConnect); labels: optional names for the last layer's units. Edges: blue positive,
    vermillion negative, thicker and darker for larger |w|.
    """
    from matplotlib.collections import LineCollection
    from matplotlib import colormaps

    check.instance("ax", ax, Axes), check.number("node_size", node_size, low=0, low_open=True)
    weights = [check.array(f"weights[{l}]", W, ndim=2, dtype=None)
               for l, W in enumerate(check.instance("weights", weights, (list, tuple)))]
    activations = [check.array(f"activations[{l}]", a, ndim=1, dtype=None)
                   for l, a in enumerate(check.instance("activations", activations, (list, tuple)))]
    if len(activations) != len(weights) + 1:
        raise ValueError(f"activations must hold one vector per layer, len(weights) + 1 = {len(weights) + 1}, "
                         f"got {len(activations)}")
    for l, W in enumerate(weights):
        if W.shape != (len(activations[l]), len(activations[l + 1])):
            raise ValueError(f"weights[{l}] has shape {W.shape}, activations say "
                             f"({len(activations[l])}, {len(activations[l + 1])})")
    for name, given, shapes in (("dropped", dropped, [a.shape for a in activations]),
                                ("cut", cut, [W.shape for W in weights])):
        if given is not None and not (isinstance(given, (list, tuple)) and [np.shape(g) for g in given] == shapes):
            raise ValueError(f"{name} must be None or one boolean array per layer, of shapes {shapes}")
    if labels is not None and not (isinstance(labels, (list, tuple)) and len(labels) == len(activations[-1])):
        raise ValueError(f"labels must be None or one name per unit of the last layer ({len(activations[-1])})")
    dropped = dropped or [np.zeros(len(a), dtype=bool) for a in activations]
    ys = [np.linspace(0.95, 0.05, len(a)) if len(a) > 1 else np.array([0.5]) for a in activations]
    limit = max(float(np.abs(W).max()) for W in weights) or 1.0
    for l, W in enumerate(weights):
        kept = ~dropped[l][:, None] & ~dropped[l + 1][None, :]
        if cut is not None:
            kept &= ~np.asarray(cut[l], dtype=bool)
        i, j = np.nonzero(kept)
        w = W[i, j]
        segments = np.stack([np.column_stack([np.full(len(i), l), ys[l][i]]),
                             np.column_stack([np.full(len(j), l + 1), ys[l + 1][j]])], axis=1)
        colours = np.array([to_rgba(OKABE_ITO["blue"] if v > 0 else OKABE_ITO["vermillion"]) for v in w])
        if len(w):
            colours[:, 3] = np.clip(0.1 + 0.9 * np.abs(w) / limit, 0, 1)  # rounding can pass 1
        ax.add_collection(LineCollection(segments, colors=colours, linewidths=0.3 + 1.5 * np.abs(w) / limit,
                                         zorder=1))
    cmap = colormaps[FIELD_CMAP]
    for l, (a, off) in enumerate(zip(activations, dropped)):
        a = np.asarray(a, dtype=float)
        top = a.max() if a.max() > 0 else 1.0
        ax.scatter(np.full((~off).sum(), l), ys[l][~off], s=node_size, c=cmap(np.clip(a[~off] / top, 0, 1)),
                   edgecolors="black", linewidths=0.5, zorder=2)
        ax.scatter(np.full(off.sum(), l), ys[l][off], s=node_size, facecolors="white",
                   edgecolors="grey", linewidths=0.8, linestyle=":", zorder=2)
    if labels is not None:
        for y, name in zip(ys[-1], labels):
            ax.text(len(weights) + 0.12, y, name, va="center", fontsize=9)
    ax.set(xlim=(-0.2, len(weights) + (0.9 if labels is not None else 0.2)), ylim=(0, 1))
    ax.axis("off")
    return ax


def scatter_classes(ax: Axes, Z: np.ndarray, y: np.ndarray, *, size: float = 2, legend: bool = True):
    """Every row of Z (n, 2) as a dot coloured by its class y (0..9); rasterised, so 60,000 dots stay light."""
    check.instance("ax", ax, Axes), check.number("size", size, low=0, low_open=True), check.flag("legend", legend)
    Z = check.array("Z", Z, shape=(None, 2), dtype=None)
    y = check.labels("y", y, n=len(Z), per="Z")
    order = np.argsort((np.arange(len(Z)) * 0.6180339887498949) % 1.0)  # interleave classes, none on top
    colours = np.array(TEN_CLASSES)[y[order] % 10]
    ax.scatter(Z[order, 0], Z[order, 1], c=colours, s=size, linewidths=0, rasterized=True)
    if legend:
        from matplotlib.lines import Line2D

        handles = [Line2D([], [], ls="", marker="o", color=TEN_CLASSES[k], label=str(k)) for k in np.unique(y)]
        ax.legend(handles=handles, loc="center left", bbox_to_anchor=(1.0, 0.5), title="digit", handletextpad=0.1)
    return ax


def plot_weights(ax: Axes, W: np.ndarray, *, title: str | None = None):
    """A weight matrix as a signed heatmap, zero at the middle of the colour scale."""
    check.instance("ax", ax, Axes), title is None or check.text("title", title)
    W = check.array("W", W, ndim=2, dtype=None)
    limit = float(np.abs(W).max()) or 1.0
    im = ax.imshow(W, cmap=DIVERGING_CMAP, vmin=-limit, vmax=limit)
    ax.figure.colorbar(im, ax=ax, shrink=0.8)
    if title:
        ax.set_title(title)
    return ax



def _check_extent(extent) -> tuple[float, float, float, float]:
    if not (isinstance(extent, (tuple, list, np.ndarray)) and len(extent) == 4):
        raise TypeError(f"extent must be (x0, x1, y0, y1), got {extent!r}")
    x0, x1, y0, y1 = (check.number("extent", v) for v in extent)
    if not (x0 < x1 and y0 < y1):
        raise ValueError(f"extent must be (x0, x1, y0, y1) with x0 < x1 and y0 < y1, got {extent}")
    return x0, x1, y0, y1
