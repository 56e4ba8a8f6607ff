"""Tracing a trained MLP backwards: which unit contributes most to the one after it, and what the
network loses when a unit is held constant.

The contribution of unit j (activation a_j) to unit k of the next layer, at input x, is
a_j(x) · W[j, k]: what j adds to k's weighted sum. A negative weight flips the sign, so a
picture of the contribution is the activation colour-inverted. A constant part of it could as
well be k's bias, so the strength of j for k is measured by the spread (standard deviation) of
the contribution over the inputs; the mean |contribution|, which counts that constant part too,
is kept for comparison. The causal test is an ablation: hold a unit at its mean and measure the
output (`without_unit` for one unit, `ablate_each` for every unit of a layer in turn).

For the last hidden layer, the sd of the contribution is exactly the root-mean-square change
that mean-ablating the unit makes to the output's weighted input over the same inputs (both are
the RMS of W[j] · (a_j - mean a_j)); accuracy and cross-entropy depend on how that change falls
near the decision boundary, so the sd need not rank units as the ablation does.

Two more ways to look at a trained network: `interval_bounds` bounds every unit over a box of
inputs without evaluating it there (and `certified_radius` finds the largest square box around a
point on which those bounds prove the answer), and `rearrange` reorders and turns over a layer's units,
which changes the weights but not the function (the network's symmetries).
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
from scipy.special import expit

from lib import check, mlp

MEASURES = ("sd", "mean_abs")


def contributions(net: mlp.MLP, X: np.ndarray, layer: int, unit: int) -> np.ndarray:
    """a_j(x) · W[layer][j, unit] for every unit j feeding `unit` of layer + 1: (n, units of layer).

    layer 0 is the input, layer len(net.W) - 1 the last hidden layer.
    """
    layer = check.integer("layer", layer, 0, len(_single(net).W) - 1)
    unit = check.integer("unit", unit, 0, net.W[layer].shape[1] - 1)
    A = mlp.forward(net, X)[layer]  # (n, units of layer)
    return A * net.W[layer][:, unit]


def strength(C: np.ndarray, measure: str = "sd") -> np.ndarray:
    """(units,) strength of each column of contributions C (n, units): its standard deviation
    over the n inputs ("sd"), or its mean absolute value ("mean_abs")."""
    measure = check.choice("measure", measure, MEASURES)
    C = check.array("C", C, ndim=2, axes="(n, units) contributions")
    return C.std(axis=0) if measure == "sd" else np.abs(C).mean(axis=0)


def trace_back(net: mlp.MLP, X: np.ndarray, output_unit: int = 0, *, measure: str = "sd"):
    """From the output unit back to the input: at each layer the unit whose contribution to the
    unit chosen after it is strongest (`strength`, by `measure`). Returns [(layer, chosen unit,
    strength of every unit of that layer)], last hidden layer first, the input layer last."""
    check.integer("output_unit", output_unit, 0, _single(net).W[-1].shape[1] - 1)
    measure = check.choice("measure", measure, MEASURES)
    steps, unit = [], output_unit
    for layer in range(len(net.W) - 1, -1, -1):
        s = strength(contributions(net, X, layer, unit), measure)
        chosen = int(np.argmax(s))
        steps.append((layer, chosen, s))
        unit = chosen
    return steps


def without_unit(net: mlp.MLP, layer: int, unit: int, value: float) -> mlp.MLP:
    """`net` with hidden unit `unit` of hidden layer `layer` (1 = the first) held at `value`.

    A constant activation sends value · W[layer][unit] to the next layer whatever the input, so
    the same network is: that row of weights set to zero and value times it added to the bias.
    """
    net = _single(net)
    layer = check.integer("layer", layer, 1, len(net.W) - 1)
    unit = check.integer("unit", unit, 0, net.W[layer].shape[0] - 1)
    value = check.number("value", value)
    W, b = list(net.W), list(net.b)
    b[layer] = b[layer] + value * W[layer][unit]
    W[layer] = W[layer].copy()
    W[layer][unit] = 0.0
    return replace(net, W=tuple(W), b=tuple(b))


def ablate_each(net: mlp.MLP, X: np.ndarray, layer: int, values) -> np.ndarray:
    """The output at every row of X with each unit j of hidden layer `layer` (1 = the first)
    held at values[j] in turn: (units, n) for a sigmoid output, (units, n, k) otherwise.

    Row j is mlp.predict(without_unit(net, layer, j, values[j]), X); the layers below `layer`
    are computed once for all units.
    """
    net = _single(net)
    layer = check.integer("layer", layer, 1, len(net.W) - 1)
    A = mlp.forward(net, X)[layer]  # (n, units): the layer as the next one sees it
    values = check.array("values", values, shape=(A.shape[1],), axes="(units,) one value per unit")
    tail = replace(net, W=net.W[layer:], b=net.b[layer:])  # its input is this layer
    out = []
    for j, v in enumerate(values):
        held = A.copy()
        held[:, j] = v
        out.append(mlp.predict(tail, held))
    return np.array(out)


def interval_bounds(net: mlp.MLP, low, high) -> list[tuple[np.ndarray, np.ndarray]]:
    """Bounds on every layer's activations over the box low <= x <= high (each (d_in,)):
    [(low, high)] per layer, the input first, each pair (units,). Interval arithmetic: a weighted
    sum of the box's centre c and half-widths r ranges over c·W + b ± r·|W|, and every activation
    here rises with its input. Exact for the first layer (a linear function on a box is extreme
    at a corner); sound but looser deeper, where the units' extremes need not be reached together.
    """
    net = _single(net)
    if net.output == "softmax":
        raise ValueError("net must have a sigmoid or bernoulli output: a softmax output is not bounded unit by unit")
    d = net.sizes[0]
    low = check.array("low", low, shape=(d,), axes="(inputs,) corner of the box")
    high = check.array("high", high, shape=(d,), axes="(inputs,) corner of the box")
    if np.any(low > high):
        raise ValueError("low must not exceed high in any input: the box would be empty")
    f = mlp.ACTIVATIONS[net.hidden][0]
    bounds = [(low, high)]
    for l, (W, b) in enumerate(zip(net.W, net.b)):
        c, r = (low + high) / 2, (high - low) / 2
        z, spread = c @ W + b, r @ np.abs(W)  # (d_in,) @ (d_in, d_out) -> (d_out,)
        g = f if l < len(net.W) - 1 else expit  # the output: sigmoid, unit by unit
        low, high = g(z - spread), g(z + spread)
        bounds.append((low, high))
    return bounds



def certified_radius(net: mlp.MLP, centre, *, threshold: float = 0.5, upper: float = 1.0,
                     tol: float = 1e-9) -> float:
    """The largest half-width r in [0, upper] such that `interval_bounds` proves the output above
    `threshold` on the whole box centre ± r (the same r in every input), to within tol: 0.0 if
    the output at the centre is not above it, `upper` if the box of half-width upper is proved.

    Found by bisection, which is exact for this question: a box inside another gets bounds inside
    the other's (interval arithmetic is inclusion-monotone), so the boxes that are proved are
    those with r below one value. A bound, not the network: the output may stay above the
    threshold on a much larger box than the one the bounds prove.
    """
    net = _single(net)
    if net.sizes[-1] != 1:
        raise ValueError(f"net must have one output unit, got {net.sizes[-1]}")
    d = net.sizes[0]
    centre = check.array("centre", centre, shape=(d,), axes="(inputs,) the box's centre")
    threshold = check.number("threshold", threshold, 0, 1, low_open=True, high_open=True)
    upper = check.number("upper", upper, 0, low_open=True)
    tol = check.number("tol", tol, 0, low_open=True)

    def proved(r: float) -> bool:
        return interval_bounds(net, centre - r, centre + r)[-1][0][0] > threshold

    if not proved(0.0):
        return 0.0
    if proved(upper):
        return upper
    low, high = 0.0, upper  # proved at low, not at high
    while high - low > tol:
        mid = (low + high) / 2
        if not low < mid < high:  # tol below the spacing of floats here: as close as they go
            break
        low, high = (mid, high) if proved(mid) else (low, mid)
    return low

def rearrange(net: mlp.MLP, layer: int, order, signs=None) -> mlp.MLP:
    """`net` with the units of hidden layer `layer` (1 = the first) reordered, new unit i being
    old unit order[i], and turned over where signs[i] = -1; the function it computes is the same.

    Turning a unit over negates its incoming weights and bias, so its activation becomes
    f(-z): -f(z) for tanh, 1 - f(z) for the sigmoid; its outgoing weights are negated to match
    (and, for the sigmoid, added to the next biases). A ReLU unit cannot be turned over.
    """
    net = _single(net)
    layer = check.integer("layer", layer, 1, len(net.W) - 1)
    n = net.W[layer].shape[0]
    order = np.asarray(check.array("order", order, shape=(n,), dtype=None, axes="(units,) a permutation"))
    if order.dtype.kind not in "iu" or not np.array_equal(np.sort(order), np.arange(n)):
        raise ValueError(f"order must be a permutation of 0..{n - 1}")
    signs = np.ones(n) if signs is None else check.array("signs", signs, shape=(n,), axes="(units,) +1 or -1")
    if not np.all(np.isin(signs, (-1.0, 1.0))):
        raise ValueError("signs must hold only +1 and -1")
    if net.hidden == "relu" and np.any(signs < 0):
        raise ValueError("signs: a ReLU unit cannot be turned over (relu(-z) is not a function of relu(z))")
    W, b = list(net.W), list(net.b)
    W[layer - 1] = W[layer - 1][:, order] * signs  # incoming: (d_in, n)
    b[layer - 1] = b[layer - 1][order] * signs
    out = W[layer][order]  # outgoing: (n, d_out)
    if net.hidden == "sigmoid":  # sigmoid(-z) = 1 - sigmoid(z): the 1 moves into the next biases
        b[layer] = b[layer] + out[signs < 0].sum(axis=0)
    W[layer] = out * signs[:, None]
    return replace(net, W=tuple(W), b=tuple(b))


def _single(net) -> mlp.MLP:
    """net, if it is one network (a stack's weights have a leading axis these functions would misread)."""
    if check.instance("net", net, mlp.MLP).stacked:
        raise ValueError("net must be a single network, got a stack (take one with mlp.pick)")
    return net
