"""The perceptron's explorable in print: XOR's network at a few sets of its nine numbers."""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from lib import check, mlp
from lib.plots import grid
from lib.printed import _settings, _small, _start
from lib.style import OKABE_ITO


WEIGHTS = ("w11", "w21", "w12", "w22", "b1", "b2", "v1", "v2", "c")  # the explorable's nine sliders


def xor_net(weights: dict) -> mlp.MLP:
    """The 2-2-1 sigmoid network of the perceptron's explorable, from its nine slider values."""
    check.instance("weights", weights, dict)
    if sorted(weights) != sorted(WEIGHTS):
        raise ValueError(f"weights must hold exactly {', '.join(WEIGHTS)}, got {sorted(weights)}")
    w = {k: check.number(f"weights[{k!r}]", v) for k, v in weights.items()}
    return mlp.MLP(W=(np.array([[w["w11"], w["w12"]], [w["w21"], w["w22"]]]), np.array([[w["v1"]], [w["v2"]]])),
                   b=(np.array([w["b1"], w["b2"]]), np.array([w["c"]])), hidden="sigmoid", output="sigmoid")


@_small
def draw(fig: Figure, data: dict, settings: dict) -> Figure:
    """The output over the plane, each hidden unit's line and the corners, for each named set of nine weights."""
    data = _start(fig, data, "X", "y")
    settings = check.instance("settings", settings, dict)
    _settings("settings", list(settings), 6)
    X, y = check.array("data['X']", data["X"], shape=(4, 2)), check.labels("data['y']", data["y"], n=4, classes=2)
    axes = fig.subplots(1, len(settings), squeeze=False)[0]
    for ax, (name, weights) in zip(axes, settings.items()):
        net = xor_net(weights)
        out = mlp.predict(net, grid((-0.5, 1.5, -0.5, 1.5), 101)).reshape(101, 101)  # the page's grid
        ax.imshow(out, origin="lower", extent=(-0.5, 1.5, -0.5, 1.5), vmin=0, vmax=1)
        ends = np.array([-0.5, 1.5])
        for j, style in ((0, "-"), (1, "--")):  # hidden unit j is 1/2 where w1j x1 + w2j x2 + bj = 0
            (p, q), b = net.W[0][:, j], net.b[0][j]
            if abs(q) > 1e-9:
                ax.plot(ends, -(p * ends + b) / q, style, color="white", lw=1.5)
            else:
                ax.plot([-b / p] * 2, ends, style, color="white", lw=1.5)
        ax.scatter(X[:, 0], X[:, 1], c=[OKABE_ITO["orange"] if t else "black" for t in y], s=40,
                   edgecolors="white", linewidths=1.2, zorder=3)
        ax.set(xlim=(-0.5, 1.5), ylim=(-0.5, 1.5), xticks=[0, 1], yticks=[0, 1], xlabel="$x_1$")
        right = int(np.sum((mlp.predict(net, X) > 0.5) == (y == 1)))
        ax.set_title(f"{name}\n{right} of 4 right, loss {float(mlp.loss(net, X, y)):.3g}")
    axes[0].set_ylabel("$x_2$")
    return fig
