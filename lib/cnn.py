"""A small convolutional network, conv -> ReLU -> 2x2 max-pool -> dense -> softmax, by hand.

Two ways to the same numbers, chosen by the net's dtype. A float64 net runs the reference path,
built on lib/conv.py (and checked against finite differences). A float32 net runs the fast
path, for 28 x 28 digits by the thousand: every k x k window of every image copied into one
matrix (im2col), so the convolution and its kernel gradient are each one BLAS matrix product,
with maps laid out (F, N, H, W) so that pooling is three maxima of strided views. The tests
check that both give the same probabilities and gradients.
"""
from __future__ import annotations

import math
from contextlib import nullcontext
from dataclasses import dataclass, fields

import numpy as np
from threadpoolctl import threadpool_limits

from lib import check
from lib.conv import conv2d, max_pool, max_pool_backward
from lib.softmax import cross_entropy, cross_entropy_gradient, softmax


@dataclass(frozen=True)
class CNN:
    K: np.ndarray  # (F, 1, k, k) convolution kernels
    c: np.ndarray  # (F,) their biases
    W: np.ndarray  # (F * p * p, classes) dense weights, p = pooled side, rows in (F, p, p) order
    b: np.ndarray  # (classes,)

    @property
    def fast(self) -> bool:
        return self.K.dtype == np.float32


def init_cnn(rng: np.random.Generator, *, filters: int = 8, kernel: int = 3, image: int = 8,
             classes: int = 10, dtype=np.float64) -> CNN:
    """Random CNN for (image x image) inputs: He-scaled kernels, small dense weights, zero biases.
    dtype float32 gives the fast path (the same draws, rounded)."""
    rng, dtype = check.generator("rng", rng), check.float_dtype("dtype", dtype)
    filters, kernel = check.integer("filters", filters), check.integer("kernel", kernel)
    image, classes = check.integer("image", image), check.integer("classes", classes)
    check.fits("filters, image and classes", (filters, image, classes), 16 * filters * image**2 * classes)
    pooled = (image - kernel + 1) // 2
    if pooled < 1:
        raise ValueError(f"a {kernel}x{kernel} kernel leaves nothing to pool in a {image}x{image} image")
    net = CNN(K=rng.normal(0, np.sqrt(2 / kernel**2), (filters, 1, kernel, kernel)), c=np.zeros(filters),
              W=rng.normal(0, np.sqrt(1 / (filters * pooled**2)), (filters * pooled**2, classes)),
              b=np.zeros(classes))
    return CNN(*(getattr(net, f.name).astype(dtype) for f in fields(CNN)))


def _check_images(net: CNN, X, batch: int | None = None, name: str = "X") -> np.ndarray:
    """X as (N, H, H) images of net's dtype, of the size net was made for; im2col's memory refused
    past the budget, for `batch` images at a time if given."""
    X = check.array(name, X, ndim=3, dtype=check.instance("net", net, CNN).K.dtype, axes="(N, H, W) images")
    F, _, k, _ = net.K.shape
    p = math.isqrt(net.W.shape[0] // F)  # the pooled side
    if X.shape[1] != X.shape[2] or (X.shape[1] - k + 1) // 2 != p:
        raise ValueError(f"{name} must be square images of the size net was made for ({2 * p + k - 1} or "
                         f"{2 * p + k} pixels a side), got shape {X.shape}")
    n, o = (len(X) if batch is None else min(len(X), batch)), X.shape[1] - k + 1
    check.fits(name, X.shape, X.itemsize * n * o * o * (k * k + 8 * F))  # im2col, and F maps a few times
    return X


def forward(net: CNN, X: np.ndarray):
    """Class probabilities (N, classes) for images X (N, H, W), and what backprop needs."""
    return _forward(net, _check_images(net, X))


def _forward(net: CNN, X: np.ndarray):
    if net.fast:
        return _forward_fast(net, X)
    Z = conv2d(X[:, None], net.K) + net.c[:, None, None]  # (N, 1, H, W) -> (N, F, H', W')
    A = np.maximum(Z, 0)
    P = max_pool(A, 2)  # (N, F, p, p)
    logits = P.reshape(len(X), -1) @ net.W + net.b  # (N, F p p) @ (F p p, classes)
    return softmax(logits, axis=1), (X, Z, A, P, logits)


def stages(net: CNN, x: np.ndarray) -> dict:
    """One image x (H, W) after each stage: {'conv': (F, H', W'), 'relu': same, 'pool': (F, p, p)}."""
    x = check.array("x", x, ndim=2, axes="(H, W): one image")
    _check_images(net, x[None], name="x")
    reference = CNN(*(getattr(net, f.name).astype(float) for f in fields(CNN)))
    _, (_, Z, A, P, _) = forward(reference, x[None])
    return {"conv": Z[0], "relu": A[0], "pool": P[0]}


def predict(net: CNN, X: np.ndarray, batch: int = 2000) -> np.ndarray:
    """Class probabilities, (N, classes), computed `batch` images at a time (the fast path on one
    BLAS thread, as it trains: with more, the last bits depend on the thread count)."""
    batch = check.integer("batch", batch)
    X = _check_images(net, X, batch)
    with threadpool_limits(limits=1, user_api="blas") if net.fast else nullcontext():
        if len(X) <= batch:
            return _forward(net, X)[0]
        return np.concatenate([_forward(net, X[i:i + batch])[0] for i in range(0, len(X), batch)])


def loss_and_gradients(net: CNN, X: np.ndarray, y: np.ndarray) -> tuple[float, CNN]:
    """Mean cross-entropy on (X, y) and its gradient, as a CNN of the same shapes."""
    X = _check_images(net, X)
    return _loss_and_gradients(net, X, check.labels("y", y, n=len(X), classes=net.b.shape[0]))


def _loss_and_gradients(net: CNN, X: np.ndarray, y: np.ndarray) -> tuple[float, CNN]:
    if net.fast:
        return _loss_and_gradients_fast(net, X, y)
    _, (X, Z, A, P, logits) = _forward(net, X)
    d_logits = cross_entropy_gradient(logits, y)  # (N, classes): (softmax - onehot) / N
    dW = P.reshape(len(X), -1).T @ d_logits
    dP = (d_logits @ net.W.T).reshape(P.shape)
    dZ = max_pool_backward(A, dP, 2) * (Z > 0)  # through the pool, then the ReLU
    windows = np.lib.stride_tricks.sliding_window_view(X, net.K.shape[-2:], axis=(-2, -1))
    # Σ over images and positions, as one matrix product: (N, h, w, i, j) . (N, F, h, w) -> (i, j, F)
    dK = np.moveaxis(np.tensordot(windows, dZ, axes=([0, 1, 2], [0, 2, 3])), -1, 0)[:, None]
    return cross_entropy(logits, y), CNN(K=dK, c=dZ.sum(axis=(0, 2, 3)), W=dW, b=d_logits.sum(axis=0))


def _forward_fast(net: CNN, X: np.ndarray):
    N, F, k = len(X), net.K.shape[0], net.K.shape[-1]
    o = X.shape[1] - k + 1  # (square images) output side
    p = o // 2
    # im2col: row i·k + j holds every image shifted by (i, j), (k k, N o o)
    cols = np.stack([X[:, i:i + o, j:j + o] for i in range(k) for j in range(k)]).reshape(k * k, -1)
    Z = (net.K.reshape(F, k * k) @ cols + net.c[:, None]).reshape(F, N, o, o)  # (F, kk) @ (kk, N o o)
    A = np.maximum(Z, 0)
    corners = [A[..., i:2 * p:2, j:2 * p:2] for i in (0, 1) for j in (0, 1)]  # 4 x (F, N, p, p)
    P = np.maximum(np.maximum(corners[0], corners[1]), np.maximum(corners[2], corners[3]))
    flat = P.transpose(1, 0, 2, 3).reshape(N, -1)  # (N, F p p), the reference path's order
    logits = flat @ net.W + net.b
    return softmax(logits, axis=1), (cols, Z, corners, P, flat, logits)


def _loss_and_gradients_fast(net: CNN, X, y):
    _, (cols, Z, corners, P, flat, logits) = _forward_fast(net, X)
    F, N, p = P.shape[:3]
    d_logits = cross_entropy_gradient(logits, y).astype(np.float32)  # it computes in float64
    dW = flat.T @ d_logits
    dP = (d_logits @ net.W.T).reshape(N, F, p, p).transpose(1, 0, 2, 3)  # (F, N, p, p)
    dZ = np.zeros_like(Z)
    taken = np.zeros(P.shape, dtype=bool)
    for (i, j), corner in zip(((0, 0), (0, 1), (1, 0), (1, 1)), corners):
        first = (corner == P) & ~taken  # the first maximum of each window, as max_pool_backward
        dZ[..., i:2 * p:2, j:2 * p:2] = dP * first
        taken |= first
    dZ *= Z > 0
    dZ = dZ.reshape(F, -1)  # (F, N o o)
    dK = (dZ @ cols.T).reshape(net.K.shape)  # (F, N o o) @ (N o o, k k)
    return (cross_entropy(logits, y),
            CNN(K=dK, c=dZ.sum(axis=1), W=dW, b=d_logits.sum(axis=0)))


def train(net: CNN, X, y, rng: np.random.Generator, *, epochs: int = 20, lr: float = 0.05,
          batch_size: int = 32, momentum: float = 0.9, optimizer: str = "momentum"
          ) -> tuple[CNN, np.ndarray]:
    """Minibatch SGD with momentum (or Adam, optimizer="adam", with lr its step size); returns
    the trained net and the mean loss of each epoch."""
    from lib.optim import Adam

    lr, epochs = check.number("lr", lr, low=0, low_open=True), check.integer("epochs", epochs)
    batch_size, momentum = check.integer("batch_size", batch_size), check.number("momentum", momentum, 0, 1, high_open=True)
    rng, optimizer = check.generator("rng", rng), check.choice("optimizer", optimizer, ("momentum", "adam"))
    X = _check_images(net, X, batch_size)
    y = check.labels("y", y, n=len(X), classes=net.b.shape[0])
    names = [f.name for f in fields(CNN)]
    params = {k: getattr(net, k).copy() for k in names}
    velocity = {k: np.zeros_like(v) for k, v in params.items()}
    adam = Adam(list(params.values()), lr) if optimizer == "adam" else None
    history = []
    # the fast path's products are small: a second BLAS thread gains little (bench/conv.py) and
    # loses much on a busy machine (one training here: 2.7 s on one thread, 24.8 s on two);
    # the reference path is left as it always ran
    with threadpool_limits(limits=1, user_api="blas") if net.fast else nullcontext():
        for _ in range(epochs):
            history.append(_epoch(params, velocity, adam, names, X, y, rng, lr, batch_size, momentum))
    return CNN(**params), np.array(history)


def _epoch(params, velocity, adam, names, X, y, rng, lr, batch_size, momentum) -> float:
    """One pass over X in shuffled minibatches, updating params (a dict) in place; the mean loss."""
    order, losses = rng.permutation(len(X)), []
    for start in range(0, len(X), batch_size):
        batch = order[start:start + batch_size]
        loss, grads = _loss_and_gradients(CNN(**params), X[batch], y[batch])
        losses.append(loss)
        if adam is not None:
            params.update(zip(names, adam.step([params[k] for k in names],
                                               [getattr(grads, k) for k in names])))
            continue
        for k in names:
            velocity[k] = momentum * velocity[k] - lr * getattr(grads, k)
            params[k] += velocity[k]
    return np.mean(losses)


def top_k(probs: np.ndarray, k: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """The k most probable classes of each row, most probable first: (indices, probabilities), (N, k)."""
    probs = check.array("probs", probs, ndim=(1, 2), low=0, high=1, dtype=None)
    k = check.integer("k", k, high=probs.shape[-1])
    order = np.argsort(-probs, axis=-1, kind="stable")[..., :k]
    return order, np.take_along_axis(probs, order, axis=-1)
