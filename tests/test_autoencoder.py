"""The autoencoder: its gradients, and a reconstruction far better than the mean image."""
import numpy as np

from gradcheck import numerical_gradient
from lib import mlp
from lib.autoencoder import autoencoder, encode, reconstruct, train
from lib.data import digits


def test_gradients_match_finite_differences():
    rng = np.random.default_rng(0)
    net = autoencoder(6, rng, hidden=4, code=2)
    X = rng.random((5, 6))
    _, dW, db = mlp.loss_and_gradients(net, X, X)
    loss = lambda: mlp.loss(net, X, X)
    for analytic, array in zip(dW + db, net.W + net.b):
        assert np.allclose(analytic, numerical_gradient(loss, array), atol=1e-8)


def test_reconstruction_beats_the_mean_image_by_far():
    X, _ = digits()
    X = X.reshape(len(X), -1)
    net = train(autoencoder(64, np.random.default_rng(1)), X, np.random.default_rng(2), epochs=60)
    error = np.mean((reconstruct(net, X) - X) ** 2)
    baseline = np.mean((X.mean(axis=0) - X) ** 2)  # predict the mean image for every digit
    assert error < 0.6 * baseline
    codes = encode(net, X)
    assert codes.shape == (len(X), 2) and np.all(np.abs(codes) <= 1)  # tanh codes
