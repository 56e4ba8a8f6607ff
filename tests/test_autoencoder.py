"""The autoencoder: its gradients, and a reconstruction far better than the mean image."""
from dataclasses import replace

import numpy as np
import pytest

from lib import mlp
from lib.autoencoder import autoencoder, encode, reconstruct, train
from lib.data import digits


def test_gradients_match_finite_differences():
    rng = np.random.default_rng(0)
    net = autoencoder(6, rng, hidden=4, code=2)
    X = rng.random((5, 6))
    _, dW, db = mlp.loss_and_gradients(net, X, X)
    h = 1e-6
    for l in range(len(net.W)):
        for idx in np.ndindex(net.b[l].shape):
            up, down = list(net.b), list(net.b)
            up[l], down[l] = net.b[l].copy(), net.b[l].copy()
            up[l][idx] += h
            down[l][idx] -= h
            fd = (mlp.loss(replace(net, b=tuple(up)), X, X) - mlp.loss(replace(net, b=tuple(down)), X, X)) / (2 * h)
            assert db[l][idx] == pytest.approx(fd, abs=1e-8)
        for idx in list(np.ndindex(net.W[l].shape))[::3]:
            up, down = list(net.W), list(net.W)
            up[l], down[l] = net.W[l].copy(), net.W[l].copy()
            up[l][idx] += h
            down[l][idx] -= h
            fd = (mlp.loss(replace(net, W=tuple(up)), X, X) - mlp.loss(replace(net, W=tuple(down)), X, X)) / (2 * h)
            assert dW[l][idx] == pytest.approx(fd, abs=1e-8)


def test_reconstruction_beats_the_mean_image_by_far():
    X, _ = digits()
    X = X.reshape(len(X), -1)
    net = train(autoencoder(64, np.random.default_rng(1)), X, np.random.default_rng(2), epochs=60)
    error = np.mean((reconstruct(net, X) - X) ** 2)
    baseline = np.mean((X.mean(axis=0) - X) ** 2)  # predict the mean image for every digit
    assert error < 0.6 * baseline
    codes = encode(net, X)
    assert codes.shape == (len(X), 2) and np.all(np.abs(codes) <= 1)  # tanh codes
