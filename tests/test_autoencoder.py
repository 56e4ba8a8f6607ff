"""The autoencoders: gradients against finite differences, the linear one's covariance shortcut
against the images themselves, and what each learns (PCA's subspace; better than the mean image)."""
from dataclasses import replace

import numpy as np
import pytest
from scipy.linalg import subspace_angles

from gradcheck import numerical_gradient
from lib import autoencoder as ae
from lib.data import digits
from lib.pca import fit_pca


def test_gradients_match_finite_differences():
    rng = np.random.default_rng(0)
    net = ae.autoencoder(6, rng, hidden=(5, 4), code=2, dtype=np.float64)
    # biases away from 0: with zero biases a row of dead units feeds exactly 0 to the next
    # layer, a kink of the ReLU that central differences straddle
    net = replace(net, b=tuple(rng.normal(0, 0.5, b.shape) for b in net.b))
    X = rng.normal(size=(7, 6))
    _, dW, db = ae.loss_and_gradients(net, X)
    loss = lambda: ae.loss_and_gradients(net, X)[0]
    for analytic, array in zip(dW + db, net.W + net.b):
        assert np.allclose(analytic, numerical_gradient(loss, array), rtol=1e-6, atol=1e-9)


def test_shapes_the_linear_code_and_the_decoder_half():
    rng = np.random.default_rng(1)
    net = ae.autoencoder(10, rng, hidden=(8,), code=3, dtype=np.float64)
    assert net.sizes == (10, 8, 3, 8, 10) and net.code_layer == 2
    X = rng.normal(size=(4, 10))
    A = ae.forward(net, X)
    assert np.allclose(ae.encode(net, X), A[1] @ net.W[1] + net.b[1])  # linear: no ReLU on the code
    assert np.any(ae.encode(net, X) < 0)
    assert np.allclose(ae.decode(net, ae.encode(net, X)), ae.reconstruct(net, X))
    assert ae.autoencoder(10, rng).W[0].dtype == np.float32


def test_reconstruction_beats_the_mean_image_by_far():
    X, _ = digits()
    X = X.reshape(len(X), -1).astype(np.float32)
    net, history = ae.train(ae.autoencoder(64, np.random.default_rng(1)), X, np.random.default_rng(2),
                            steps=600)
    assert all(w.dtype == np.float32 for w in net.W) and history[-50:].mean() < history[:50].mean()
    error = np.mean((ae.reconstruct(net, X) - X) ** 2)
    baseline = np.mean((X.mean(axis=0) - X) ** 2)  # predict the mean image for every digit
    assert error < 0.6 * baseline


def test_the_linear_loss_from_the_covariance_equals_the_loss_on_the_images():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(50, 6)) @ rng.normal(size=(6, 6))
    X -= X.mean(axis=0)
    C = X.T @ X / len(X)
    net = ae.LinearAutoencoder(rng.normal(size=(6, 2)), rng.normal(size=(2, 6)))
    assert ae.linear_loss(net, C) == pytest.approx(np.mean((X @ net.E @ net.D - X) ** 2), rel=1e-12)
    dE, dD = ae.linear_gradients(net, C)
    assert np.allclose(dE, numerical_gradient(lambda: ae.linear_loss(net, C), net.E), atol=1e-8)
    assert np.allclose(dD, numerical_gradient(lambda: ae.linear_loss(net, C), net.D), atol=1e-8)


def test_the_linear_autoencoder_finds_the_principal_subspace():
    X, _ = digits()
    X = X.reshape(len(X), -1)
    centred = X - X.mean(axis=0)
    net, history, log = ae.train_linear(centred.T @ centred / len(X), np.random.default_rng(4),
                                        steps=3000, callback=lambda step, net: step)
    assert log == list(range(3000))
    angles = subspace_angles(net.D.T, fit_pca(X, 2).components.T)  # SciPy as the oracle
    assert np.degrees(angles.max()) < 1 and history[-1] < history[0]
    # and the best rank-2 error, the variance outside the two directions (Eckart & Young 1936)
    values = np.linalg.eigvalsh(centred.T @ centred / len(X))
    assert history[-1] == pytest.approx(values[:-2].sum() / X.shape[1], rel=1e-3)


@pytest.mark.parametrize("call, error, words", [
    (lambda: ae.autoencoder(5, 0), TypeError, "Generator"),
    (lambda: ae.autoencoder(5, np.random.default_rng(), code=0), ValueError, "code must be an integer >= 1"),
    (lambda: ae.forward(ae.autoencoder(5, np.random.default_rng()), np.ones((2, 4))), ValueError, r"X must have shape \(any, 5\)"),
    (lambda: ae.train(ae.autoencoder(5, np.random.default_rng()), np.ones((2, 5)),
                      np.random.default_rng(), steps=0), ValueError, "steps"),
    (lambda: ae.train_linear(np.ones((3, 4)), np.random.default_rng()), ValueError, "symmetric"),
])
def test_bad_input_is_refused_clearly(call, error, words):
    with pytest.raises(error, match=words):
        call()
