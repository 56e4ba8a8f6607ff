"""The dropout explorable in print: thinned networks and their average at a few dropout rates."""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from lib import check, mlp
from lib.explorable import page_masks
from lib.plots import draw_network
from lib.printed import _settings, _small, _start
from lib.style import PALETTE


@_small
def draw(fig: Figure, data: dict, ps, mask: int = 1, example: int = 0) -> Figure:
    """For each dropout rate p: the last layer with the page's mask #`mask` on one test shape (top),
    and the mean probability of the true class over 1 to 200 of the page's masks, for every shape (bottom)."""
    data = _start(fig, data, "hidden", "W2", "b2", "y", "classes")
    ps = [check.number("ps", p, low=0, high=0.9) for p in _settings("ps", ps, 4)]
    H, W2, b2 = (np.asarray(data[k], dtype=float) for k in ("hidden", "W2", "b2"))
    mask, example = check.integer("mask", mask), check.integer("example", example, low=0, high=len(H) - 1)
    y, classes, units = np.asarray(data["y"]), data["classes"], H.shape[1]
    last = mlp.MLP((np.eye(units), W2), (np.zeros(units), b2), "relu", "softmax")  # h -> h -> output
    full = mlp.predict(last, H)[np.arange(len(H)), y]
    axes = fig.subplots(2, len(ps), squeeze=False, height_ratios=[1.3, 1])
    for (top, bottom), p in zip(axes.T, ps):
        m = page_masks(units, p, mask)
        P = mlp.forward(last, H[example:example + 1], [m])[-1][0]
        draw_network(top, [W2], [H[example], P], dropped=[m[0] == 0, np.zeros(len(P), bool)],
                     labels=[f"{c} {v:.2f}" for c, v in zip(classes, P)], node_size=8)
        top.set_xlim(-0.2, 2.5)  # room for the labels
        top.set_title(f"p = {p:g}: mask #{mask} drops {int(np.sum(m == 0))}\n"
                      f"P({classes[y[example]]}) = {P[y[example]]:.3f}")
        masks = page_masks(units, p, 1000 + mask, 200)  # the page's masks for the average
        for i in range(len(H)):
            runs = mlp.forward(last, np.repeat(H[i:i + 1], 200, axis=0), [masks])[-1][:, y[i]]
            bottom.plot(np.arange(1, 201), np.cumsum(runs) / np.arange(1, 201), lw=1, color=PALETTE[i],
                        label=classes[y[i]])
            bottom.axhline(full[i], color=PALETTE[i], ls=":", lw=0.8)
        bottom.set(ylim=(0, 1.02), xlabel="masks averaged", xticks=[1, 100, 200])
    axes[1, 0].set_ylabel("P(true class)")
    axes[1, 0].legend(loc="lower right", ncols=2)
    return fig
