"""How a network learns, its explorable in print: descent on the bowl at a few settings."""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from lib import check
from lib.descent import descend, mse, mse_gradient
from lib.printed import _settings, _small, _start
from lib.style import OKABE_ITO, PALETTE


@_small
def draw(fig: Figure, data: dict, settings) -> Figure:
    """The descent path on the bowl for each setting {w0, b0, lr, momentum} (top), and the loss
    above its minimum at every step (bottom)."""
    data = _start(fig, data, "x", "t", "theta_star", "L_star", "lam_max", "steps", "extent")
    settings = _settings("settings", settings, 6)
    x, t = np.asarray(data["x"], dtype=float), np.asarray(data["t"], dtype=float)
    A = np.column_stack([x, np.ones(len(x))])  # (n, 2): [x, 1]
    w0, w1, b0, b1 = data["extent"]
    W = np.stack(np.meshgrid(np.linspace(w0, w1, 90), np.linspace(b0, b1, 90)), axis=-1)  # the page's grid
    bowl = np.log10(mse(W, A, t) - data["L_star"] + 1e-3)
    grid = fig.add_gridspec(2, len(settings), height_ratios=[1, 0.8])
    curves = fig.add_subplot(grid[1, :])
    for k, s in enumerate(settings):
        check.instance(f"settings[{k}]", s, dict)
        w, b, lr, mu = (check.number(f"settings[{k}]['{q}']", s.get(q)) for q in ("w0", "b0", "lr", "momentum"))
        path = descend(lambda theta: mse_gradient(theta, A, t), [w, b], lr=lr, steps=data["steps"], momentum=mu)
        with np.errstate(over="ignore", invalid="ignore"):
            excess = mse(path, A, t) - data["L_star"]
        ax = fig.add_subplot(grid[0, k])
        ax.imshow(bowl, origin="lower", extent=(w0, w1, b0, b1), aspect="auto")
        ax.plot(path[:, 0], path[:, 1], "-o", color="white", mfc=OKABE_ITO["orange"], mec="none", ms=2, lw=0.8)
        ax.plot(w, b, "o", color="black", mec="white", ms=5)
        ax.plot(*data["theta_star"], "*", color="white", ms=8)
        ax.set(xlim=(w0, w1), ylim=(b0, b1), xlabel="w", ylabel="b" if k == 0 else None)
        limit = 2 * (1 + mu) / data["lam_max"]  # the page's readout: the path converges below it
        ax.set_title(f"η = {lr:.2f}, μ = {mu:g}\nlimit {limit:.2f}: {'converges' if lr < limit else 'diverges'}")
        curves.plot(np.log10(np.clip(np.nan_to_num(excess, nan=1e6), 1e-16, 1e6)), lw=1.2, color=PALETTE[k],
                    label=f"η = {lr:.2f}, μ = {mu:g}")  # capped as the page caps it
    curves.set(xlabel="step", ylabel="log₁₀ (loss − minimum)", ylim=(-16.5, 6.5))
    curves.legend(ncols=2, loc="lower left")
    return fig
