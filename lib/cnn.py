"""A small convolutional network, conv -> ReLU -> 2x2 max-pool -> dense -> softmax, by hand."""
from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from lib import check
from lib.conv import conv2d, max_pool, max_pool_backward
from lib.softmax import cross_entropy, cross_entropy_gradient, softmax


@dataclass(frozen=True)
class CNN:
    K: np.ndarray  # (F, 1, k, k) convolution kernels
    c: np.ndarray  # (F,) their biases
    W: np.ndarray  # (F * p * p, classes) dense weights, p = pooled side
    b: np.ndarray  # (classes,)


def init_cnn(rng: np.random.Generator, *, filters: int = 8, kernel: int = 3, image: int = 8,
             classes: int = 10) -> CNN:
    """Random CNN for (image x image) inputs: He-scaled kernels, small dense weights, zero biases."""
    rng, filters, kernel = check.generator("rng", rng), check.integer("filters", filters), check.integer("kernel", kernel)
    image, classes = check.integer("image", image), check.integer("classes", classes)
    check.fits("filters, image and classes", (filters, image, classes), 8 * filters * image**2 * classes)
    pooled = (image - kernel + 1) // 2
    if pooled < 1:
        raise ValueError(f"a {kernel}x{kernel} kernel leaves nothing to pool in a {image}x{image} image")
    return CNN(K=rng.normal(0, np.sqrt(2 / kernel**2), (filters, 1, kernel, kernel)), c=np.zeros(filters),
               W=rng.normal(0, np.sqrt(1 / (filters * pooled**2)), (filters * pooled**2, classes)),
               b=np.zeros(classes))


def forward(net: CNN, X: np.ndarray):
    """Class probabilities (N, classes) for images X (N, H, W), and what backprop needs."""
    net, X = check.instance("net", net, CNN), check.array("X", X, ndim=3, axes="(N, H, W) images")
    F, _, k, _ = net.K.shape
    if F * ((X.shape[1] - k + 1) // 2) * ((X.shape[2] - k + 1) // 2) != net.W.shape[0]:
        raise ValueError(f"X must be images of the size net was made for, got shape {X.shape}")
    Z = conv2d(X[:, None], net.K) + net.c[:, None, None]  # (N, 1, H, W) -> (N, F, H', W')
    A = np.maximum(Z, 0)
    P = max_pool(A, 2)  # (N, F, p, p)
    logits = P.reshape(len(X), -1) @ net.W + net.b  # (N, F p p) @ (F p p, classes)
    return softmax(logits, axis=1), (X, Z, A, P, logits)


def predict(net: CNN, X: np.ndarray) -> np.ndarray:
    """Class probabilities, (N, classes)."""
    return forward(net, X)[0]


def loss_and_gradients(net: CNN, X: np.ndarray, y: np.ndarray) -> tuple[float, CNN]:
    """Mean cross-entropy on (X, y) and its gradient, as a CNN of the same shapes."""
    X = check.array("X", X, ndim=3)
    y = check.labels("y", y, n=len(X), classes=check.instance("net", net, CNN).b.shape[0])
    _, (X, Z, A, P, logits) = forward(net, X)
    d_logits = cross_entropy_gradient(logits, y)  # (N, classes): (softmax - onehot) / N
    dW = P.reshape(len(X), -1).T @ d_logits
    dP = (d_logits @ net.W.T).reshape(P.shape)
    dZ = max_pool_backward(A, dP, 2) * (Z > 0)  # through the pool, then the ReLU
    windows = np.lib.stride_tricks.sliding_window_view(X, net.K.shape[-2:], axis=(-2, -1))
    # Σ over images and positions, as one matrix product: (N, h, w, i, j) . (N, F, h, w) -> (i, j, F)
    dK = np.moveaxis(np.tensordot(windows, dZ, axes=([0, 1, 2], [0, 2, 3])), -1, 0)[:, None]
    return cross_entropy(logits, y), CNN(K=dK, c=dZ.sum(axis=(0, 2, 3)), W=dW, b=d_logits.sum(axis=0))


def train(net: CNN, X, y, rng: np.random.Generator, *, epochs: int = 20, lr: float = 0.05,
          batch_size: int = 32, momentum: float = 0.9) -> tuple[CNN, np.ndarray]:
    """Minibatch SGD with momentum; returns the trained net and the mean loss of each epoch."""
    lr, epochs = check.number("lr", lr, low=0, low_open=True), check.integer("epochs", epochs)
    batch_size, momentum = check.integer("batch_size", batch_size), check.number("momentum", momentum, 0, 1, high_open=True)
    rng, X = check.generator("rng", rng), check.array("X", X, ndim=3)
    y = check.labels("y", y, n=len(X), classes=check.instance("net", net, CNN).b.shape[0])
    names = [f.name for f in fields(CNN)]
    params = {k: getattr(net, k).copy() for k in names}
    velocity = {k: np.zeros_like(v) for k, v in params.items()}
    history = []
    for _ in range(epochs):
        order, losses = rng.permutation(len(X)), []
        for start in range(0, len(X), batch_size):
            batch = order[start:start + batch_size]
            loss, grads = loss_and_gradients(CNN(**params), X[batch], y[batch])
            losses.append(loss)
            for k in names:
                velocity[k] = momentum * velocity[k] - lr * getattr(grads, k)
                params[k] += velocity[k]
        history.append(np.mean(losses))
    return CNN(**params), np.array(history)


def top_k(probs: np.ndarray, k: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """The k most probable classes of each row, most probable first: (indices, probabilities), (N, k)."""
    probs = check.array("probs", probs, ndim=(1, 2), low=0, high=1, dtype=None)
    k = check.integer("k", k, high=probs.shape[-1])
    order = np.argsort(-probs, axis=-1, kind="stable")[..., :k]
    return order, np.take_along_axis(probs, order, axis=-1)
