"""An autoencoder: an MLP trained to reproduce its input through a narrow middle layer, the code."""
from __future__ import annotations

import numpy as np

from lib import mlp


def autoencoder(d: int, rng: np.random.Generator, *, hidden: int = 32, code: int = 2) -> mlp.MLP:
    """d -> hidden -> code -> hidden -> d, tanh inside, one sigmoid probability per output feature."""
    return mlp.init_mlp((d, hidden, code, hidden, d), rng, hidden="tanh", output="bernoulli")


def train(net: mlp.MLP, X: np.ndarray, rng: np.random.Generator, *, epochs: int, lr: float = 3e-3,
          batch_size: int = 32) -> mlp.MLP:
    """Train `net` to reproduce X (n, d) in [0, 1] (its own target), with Adam."""
    return mlp.train_minibatch(net, X, X, rng, epochs=epochs, lr=lr, batch_size=batch_size)[0]


def encode(net: mlp.MLP, X: np.ndarray) -> np.ndarray:
    """The code of each row of X: the activations of the middle (narrowest) layer, (n, code)."""
    middle = int(np.argmin(net.sizes[1:-1])) + 1
    return mlp.forward(net, X)[middle]


def reconstruct(net: mlp.MLP, X: np.ndarray) -> np.ndarray:
    """The network's reproduction of X, (n, d)."""
    return mlp.predict(net, X)
