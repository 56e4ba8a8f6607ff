"""The spiking neuron's explorable in print: the membrane potential at a few currents."""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from lib import check
from lib.printed import _small, _start
from lib.spiking import LIF, simulate
from lib.style import OKABE_ITO


@_small
def draw(fig: Figure, data: dict, currents) -> Figure:
    """The membrane potential over the explorable's run at each current (nA), and each rate on the f–I curve."""
    data = _start(fig, data, "p", "dt", "steps", "currents", "rates")
    currents = check.array("currents", currents, ndim=1, low=0, high=float(np.max(data["currents"])))
    if len(currents) > 5:
        raise ValueError(f"currents must hold 1 to 5 currents, got {len(currents)}")
    p, dt, steps = LIF(**data["p"]), data["dt"], data["steps"]
    run = simulate(currents, dt=dt, steps=steps, p=p)  # a neuron per current, as the page runs each
    rates = run.steady_rates()  # the page's rate: spikes - 1 over the time from the first to the last
    axes = fig.subplots(2, 3).ravel()
    for ax, I, V, n, r in zip(axes, currents, run.V, run.counts, rates):
        ax.axhline(p.v_th, color="black", ls="--", lw=0.8)
        ax.plot(run.t, V, lw=1, color=OKABE_ITO["blue"])
        ax.set(ylim=(-68, -45), yticks=[-65, -50], xticks=[0, steps * dt / 2, steps * dt])
        ax.set_title(f"{I:g} nA: {n} spike{'s' * int(n != 1)}" + (f", {r:.1f} Hz" if n >= 2 else ""))
    for ax in axes[len(currents):-1]:
        ax.set_axis_off()
    axes[0].set_ylabel("V (mV)")
    axes[3].set(xlabel="time (ms)", ylabel="V (mV)")
    axes[-1].plot(data["currents"], data["rates"], color=OKABE_ITO["orange"], lw=1.5)
    axes[-1].plot(currents, rates, "o", color=OKABE_ITO["vermillion"], ms=4)
    axes[-1].set(xlabel="input current (nA)", ylabel="rate (Hz)", title="the rates on the f–I curve")
    return fig
