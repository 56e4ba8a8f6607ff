"""Tracing a trained MLP backwards: which unit contributes most to the one after it.

The contribution of unit j (activation a_j) to unit k of the next layer, at input x, is
a_j(x) · W[j, k]: what j adds to k's weighted sum. A negative weight flips the sign, so a
picture of the contribution is the activation colour-inverted. "Most contributing" is the
largest mean |a_j(x) · W[j, k]| over the inputs given.
"""
from __future__ import annotations

import numpy as np

from lib import check, mlp


def contributions(net: mlp.MLP, X: np.ndarray, layer: int, unit: int) -> np.ndarray:
    """a_j(x) · W[layer][j, unit] for every unit j feeding `unit` of layer + 1: (n, units of layer).

    layer 0 is the input, layer len(net.W) - 1 the last hidden layer.
    """
    layer = check.integer("layer", layer, 0, len(check.instance("net", net, mlp.MLP).W) - 1)
    unit = check.integer("unit", unit, 0, net.W[layer].shape[1] - 1)
    A = mlp.forward(net, X)[layer]  # (n, units of layer)
    return A * net.W[layer][:, unit]


def trace_back(net: mlp.MLP, X: np.ndarray, output_unit: int = 0):
    """From the output unit back to the input: at each layer the unit with the largest mean
    |contribution| to the unit chosen after it. Returns [(layer, chosen unit, mean |contribution|
    of every unit of that layer)], last hidden layer first, the input layer last."""
    check.integer("output_unit", output_unit, 0, check.instance("net", net, mlp.MLP).W[-1].shape[1] - 1)
    steps, unit = [], output_unit
    for layer in range(len(net.W) - 1, -1, -1):
        strength = np.abs(contributions(net, X, layer, unit)).mean(axis=0)
        chosen = int(np.argmax(strength))
        steps.append((layer, chosen, strength))
        unit = chosen
    return steps
