"""Watching a network learn, its explorable in print: the fit and the neurons at a few epochs."""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from lib import check, mlp
from lib.plots import grid
from lib.printed import _settings, _small, _start


def _mosaic(maps: np.ndarray, cols: int = 4) -> np.ndarray:
    """Maps (units, n, n) tiled `cols` to a row with a blank (NaN) pixel between them; the first
    row of maps on top when drawn with origin="lower"."""
    units, n, _ = maps.shape
    rows = -(-units // cols)
    out = np.full((rows * (n + 1) - 1, cols * (n + 1) - 1), np.nan)
    for u, m in enumerate(maps):
        r, c = rows - 1 - u // cols, u % cols
        out[r * (n + 1):r * (n + 1) + n, c * (n + 1):c * (n + 1) + n] = m
    return out


@_small
def draw(fig: Figure, data: dict, epochs, layers=(1, 3)) -> Figure:
    """The fit (top row) and every neuron of each chosen layer (a row each), at each chosen epoch."""
    data = _start(fig, data, "snapshots", "n", "curve")
    kept = {int(s["epoch"]): s for s in data["snapshots"]}
    epochs = [check.integer("epochs", e, low=0) for e in _settings("epochs", epochs, 6)]
    if any(e not in kept for e in epochs):
        raise ValueError(f"epochs must be among the snapshots' epochs {sorted(kept)}, got {epochs}")
    hidden = len(data["snapshots"][0]["W"]) - 1
    layers = [check.integer("layers", l, low=1, high=hidden) for l in _settings("layers", layers, 3)]
    n = data["n"]
    P = grid((-1, 1, -1, 1), n)  # the page's grid
    rows = [-(-len(data["snapshots"][0]["b"][l - 1]) // 4) / 4 for l in layers]  # each layer's neurons, 4 a row
    axes = fig.subplots(1 + len(layers), len(epochs), squeeze=False, height_ratios=[1, *rows])
    for column, e in zip(axes.T, epochs):
        s = kept[e]
        net = mlp.MLP(tuple(np.asarray(W, dtype=float) for W in s["W"]),
                      tuple(np.asarray(b, dtype=float) for b in s["b"]), hidden="tanh", output="sigmoid")
        acts = mlp.forward(net, P)
        column[0].imshow(acts[-1].reshape(n, n), origin="lower", vmin=0, vmax=1)
        train, test = data["curve"][max(0, e - 1)][1], data["curve"][max(0, e - 1)][3]  # as the page reads it
        column[0].set_title(f"epoch {e}\n" + ("before training" if e == 0 else f"{train:.0%} / {test:.0%} right"))
        for ax, l in zip(column[1:], layers):
            ax.imshow(_mosaic(acts[l].T.reshape(-1, n, n)), origin="lower", vmin=-1, vmax=1)  # as the chapter: viridis
    for ax in axes.ravel():
        ax.set(xticks=[], yticks=[])
        ax.spines[:].set_visible(False)
    axes[0, 0].set_ylabel("the fit")
    for ax, l in zip(axes[1:, 0], layers):
        ax.set_ylabel(f"layer {l}")
    return fig
