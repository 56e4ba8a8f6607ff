"""The 250 layers' explorable in print: the class map at a few layers and sharpening powers."""
from __future__ import annotations

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from lib import check
from lib.printed import _settings, _small, _start
from lib.sparse import Plane, initial_scores, propagate
from lib.style import PALETTE


@_small
def draw(fig: Figure, data: dict, gammas, layers) -> Figure:
    """The class map after each chosen layer (columns), for each sharpening power γ (rows)."""
    data = _start(fig, data, "G", "K", "layers", "train", "test")
    gammas = [check.number("gammas", g, low=1) for g in _settings("gammas", gammas, 3)]
    layers = [check.integer("layers", l, low=0, high=data["layers"]) for l in _settings("layers", layers, 4)]
    G, K, train, test = data["G"], data["K"], data["train"], data["test"]
    # the training pixels' centres: Plane.cells gives back exactly the page's rows and columns
    centres = (np.column_stack([train["cols"], train["rows"]]) + 0.5) / G * 2 - 1
    S0, clamped, labels = initial_scores(Plane(size=G, extent=1.0), centres, np.asarray(train["y"]), K)
    colours = ListedColormap(["#ffffff", *PALETTE[:K]])  # white: still unassigned
    rows, cols, y = (np.asarray(test[k]) for k in ("rows", "cols", "y"))
    axes = fig.subplots(len(gammas), len(layers), squeeze=False)
    for row, gamma in zip(axes, gammas):
        _, maps = propagate(S0, max(layers), gamma=gamma, clamped=clamped, labels=labels)
        for ax, l in zip(row, layers):
            ax.imshow(maps[l] + 1, origin="lower", cmap=colours, vmin=0, vmax=K)
            ax.set(xticks=[], yticks=[])
            ax.spines[:].set_visible(True)
            right = np.mean(maps[l][rows, cols] == y)
            ax.set_title(f"γ = {gamma:g}, layer {l}\n{np.mean(maps[l] < 0):.1%} unassigned, {right:.1%} right")
    return fig
