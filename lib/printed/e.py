"""The e chapter's explorable in print: the square wave's partial sums at a few numbers of terms."""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from lib import check
from lib.fourier import gibbs_overshoot, partial_sum
from lib.printed import _settings, _small, _start
from lib.style import OKABE_ITO


@_small
def draw(fig: Figure, data: dict, terms) -> Figure:
    """The square wave's partial sum over a period (top) and next to the jump (bottom), for each number of terms."""
    data = _start(fig, data, "limit")
    terms = [check.integer("terms", n) for n in _settings("terms", terms, 6)]
    axes = fig.subplots(2, len(terms), squeeze=False)
    t = np.linspace(-np.pi, np.pi, 801)  # the page's grids
    for (whole, zoom), n in zip(axes.T, terms):
        whole.plot(t, np.sign(np.sin(t)), color="grey", lw=0.8)
        whole.plot(t, partial_sum(t, n), color=OKABE_ITO["blue"], lw=1)
        whole.set(ylim=(-1.4, 1.4), xticks=[-3, 0, 3], yticks=[-1, 0, 1])
        whole.set_title(f"{n} term{'s' * (n > 1)}\npeak {gibbs_overshoot(n, 801):.4f}")
        near = np.linspace(0, 3 * np.pi / n, 400)
        zoom.axhline(data["limit"], color="black", ls="--", lw=0.8)
        zoom.axhline(1, color="grey", lw=0.8)
        zoom.plot(near, partial_sum(near, n), color=OKABE_ITO["blue"], lw=1)
        zoom.set(ylim=(0.9, 1.3), xlim=(0, near[-1]), xticks=[0, round(near[-1], 2 if n > 10 else 1)])
    axes[0, 0].set_xlabel("t")
    axes[1, 0].set_xlabel("t near the jump")
    return fig
