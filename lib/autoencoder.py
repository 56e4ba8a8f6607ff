"""An autoencoder: an MLP trained to reproduce its input through a narrow middle layer, the code."""
from __future__ import annotations

import numpy as np

from lib import check, mlp


def autoencoder(d: int, rng: np.random.Generator, *, hidden: int = 32, code: int = 2) -> mlp.MLP:
    """d -> hidden -> code -> hidden -> d, tanh inside, one sigmoid probability per output feature."""
    d, hidden, code = check.integer("d", d), check.integer("hidden", hidden), check.integer("code", code)
    check.fits("d, hidden and code", (d, hidden, code), 16 * (d * hidden + hidden * code))
    return mlp.init_mlp((d, hidden, code, hidden, d), rng, hidden="tanh", output="bernoulli")


def train(net: mlp.MLP, X: np.ndarray, rng: np.random.Generator, *, epochs: int, lr: float = 3e-3,
          batch_size: int = 32) -> mlp.MLP:
    """Train `net` to reproduce X (n, d) in [0, 1] (its own target), with Adam."""
    net, X = check.instance("net", net, mlp.MLP), check.array("X", X, ndim=2, dtype=None, low=0, high=1)
    return mlp.train_minibatch(net, X, X, rng, epochs=epochs, lr=lr, batch_size=batch_size)[0]


def encode(net: mlp.MLP, X: np.ndarray) -> np.ndarray:
    """The code of each row of X: the activations of the middle (narrowest) layer, (n, code)."""
    check.instance("net", net, mlp.MLP)
    middle = int(np.argmin(net.sizes[1:-1])) + 1
    return mlp.forward(net, X)[middle]


def reconstruct(net: mlp.MLP, X: np.ndarray) -> np.ndarray:
    """The network's reproduction of X, (n, d)."""
    check.instance("net", net, mlp.MLP)
    return mlp.predict(net, X)
