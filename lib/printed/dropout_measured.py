"""Does dropout work?, its explorable in print: the verdict from a few numbers of runs."""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from lib import check
from lib.printed import _settings, _small, _start
from lib.style import OKABE_ITO
from lib.trials import compare


@_small
def draw(fig: Figure, data: dict, settings) -> Figure:
    """For each (size index, runs): dropout's lead in every run, the runs looked at in colour, and the
    95 % interval of their mean lead with its verdict (lib.trials.compare)."""
    data = _start(fig, data, "sizes", "dropout", "plain")
    settings = _settings("settings", settings, 6)
    A, B = (np.asarray(data[k], dtype=float) for k in ("dropout", "plain"))  # accuracies, [size][run]
    lim = max(8, 100 * float(np.abs(A - B).max()))  # points, as the page's axis
    axes = fig.subplots(1, len(settings), squeeze=False, sharey=True)[0]
    said = {"A": "alone: dropout ahead", "B": "alone: dropout behind", "neither": "no verdict"}  # one interval, uncorrected
    for ax, setting in zip(axes, settings):
        if not (isinstance(setting, (tuple, list)) and len(setting) == 2):
            raise TypeError(f"settings must hold (size index, runs) pairs, got {setting!r}")
        k = check.integer("settings", setting[0], low=0, high=len(A) - 1)
        n = check.integer("settings", setting[1], low=2, high=A.shape[1])
        c = compare(A[k, :n], B[k, :n])
        gap, low, high = 100 * c.gap, 100 * c.low, 100 * c.high
        ax.axhspan(max(-lim, low), min(lim, high), color=OKABE_ITO["blue"], alpha=0.15, lw=0)
        ax.axhline(gap, color=OKABE_ITO["blue"], lw=1.5)
        ax.axhline(0, color="black", lw=0.8)
        lead = 100 * (A[k] - B[k])
        ax.scatter(np.arange(1, len(lead) + 1), lead, s=18, zorder=3,
                   c=[OKABE_ITO["orange"] if i < n else "#bbbbbb" for i in range(len(lead))])
        ax.set(xlim=(0.5, len(lead) + 0.5), ylim=(-lim, lim), xticks=range(1, len(lead) + 1), xlabel="run")
        ax.set_title(f"{data['sizes'][k]} per class, {n} runs\n{gap:+.1f} ({low:+.1f} to {high:+.1f})\n"
                     f"{said[c.verdict]}")
    axes[0].set_ylabel("dropout's lead (points)")
    return fig
