"""Seeing the data, its explorable in print: a few images followed through the three pictures."""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from lib import check
from lib.explorable import image
from lib.printed import _settings, _small, _start
from lib.style import TEN_CLASSES


@_small
def draw(fig: Figure, data: dict, dots) -> Figure:
    """Every picture of the images as dots with the chosen dots circled and lettered (top), and their images."""
    data = _start(fig, data, "pictures", "labels", "side", "levels", "pixels")
    labels = np.asarray(data["labels"])
    dots = [check.integer("dots", d, low=0, high=len(labels) - 1) for d in _settings("dots", dots, 6)]
    names = list(data["pictures"])
    grid = fig.add_gridspec(2, len(names) * len(dots), height_ratios=[2.2, 1])  # both rows split evenly
    for k, name in enumerate(names):
        ax = fig.add_subplot(grid[0, k * len(dots):(k + 1) * len(dots)])
        Z = np.asarray(data["pictures"][name], dtype=float)
        ax.scatter(Z[:, 0], Z[:, 1], c=np.array(TEN_CLASSES)[labels % 10], s=2, linewidths=0)
        for n, d in enumerate(dots):
            ax.plot(*Z[d], "o", ms=9, mfc="none", mec="black", mew=1.2)
            ax.annotate("ABCDEF"[n], Z[d], xytext=(-12 if n % 2 == 0 else 6, 4), textcoords="offset points",
                        fontweight="bold")
        ax.set(xticks=[], yticks=[], title=name)
    for n, d in enumerate(dots):
        ax = fig.add_subplot(grid[1, n * len(names):(n + 1) * len(names)])
        ax.imshow(image(data, d), cmap="gray_r", vmin=0, vmax=1)
        ax.set(xticks=[], yticks=[], title=f"{'ABCDEF'[n]}: a {labels[d]}")
        for spine in ax.spines.values():  # framed in its digit's colour, as on the page
            spine.set(visible=True, color=TEN_CLASSES[labels[d] % 10], linewidth=2)
    return fig
