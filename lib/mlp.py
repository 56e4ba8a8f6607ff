"""A multi-layer perceptron in NumPy: forward pass, backpropagation, gradient descent.

One network has weights W[l] of shape (d_in, d_out) and biases b[l] of shape (d_out,).
A *stack* of S independent networks has W[l] of shape (S, d_in, d_out) and b[l] of shape
(S, d_out): the same code trains all of them at once (matmul broadcasts over the leading
axis), which is how the perceptron chapter trains 100 seeds in one go. A stack sees the same
data, X (n, d) and y (n,), or each network its own, X (S, n, d) and y (S, n).

Outputs: "sigmoid" (one unit, binary cross-entropy, y in {0, 1}), "softmax" (cross-entropy,
y an integer class per row), or "bernoulli" (every output unit an independent probability, y
an (n, k) matrix in [0, 1], the mean binary cross-entropy over units: an autoencoder's output).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from scipy.special import expit, log_softmax, softmax

from lib import check
from lib.optim import Adam

ACTIVATIONS = {
    "sigmoid": (expit, lambda a: a * (1 - a)),  # derivative written in terms of a = f(z)
    "tanh": (np.tanh, lambda a: 1 - a**2),
    "relu": (lambda z: np.maximum(z, 0), lambda a: (a > 0).astype(a.dtype)),
}
OUTPUTS = ("sigmoid", "softmax", "bernoulli")


@dataclass(frozen=True)
class MLP:
    W: tuple[np.ndarray, ...]
    b: tuple[np.ndarray, ...]
    hidden: str = "sigmoid"
    output: str = "sigmoid"

    @property
    def sizes(self) -> tuple[int, ...]:
        return (self.W[0].shape[-2],) + tuple(w.shape[-1] for w in self.W)

    @property
    def stacked(self) -> bool:
        return self.W[0].ndim == 3


def init_mlp(sizes, rng: np.random.Generator, *, hidden: str = "sigmoid",
             output: str = "sigmoid", scale: float = 1.0, stack: int | None = None) -> MLP:
    """Random MLP with layer widths `sizes`; W ~ N(0, scale²/fan_in), b = 0; `stack` nets at once."""
    sizes = check.shape("sizes", sizes)
    if len(sizes) < 2 or any(not isinstance(s, (int, np.integer)) or s < 1 for s in sizes):
        raise ValueError(f"sizes must be at least two positive integers, got {sizes}")
    stack = None if stack is None else check.integer("stack", stack)
    check.fits("sizes and stack", (sizes, stack), 16 * (stack or 1) * sum(m * n + n for m, n in zip(sizes, sizes[1:])))
    _check_choice("hidden", hidden, ACTIVATIONS)
    _check_choice("output", output, OUTPUTS)
    if output == "sigmoid" and sizes[-1] != 1:
        raise ValueError(f"a sigmoid output has one unit, got sizes[-1] = {sizes[-1]}")
    rng, scale = check.generator("rng", rng), check.number("scale", scale, low=0, low_open=True)
    lead = () if stack is None else (int(stack),)
    W = tuple(rng.normal(0, scale / np.sqrt(m), lead + (m, n)) for m, n in zip(sizes, sizes[1:]))
    b = tuple(np.zeros(lead + (n,)) for n in sizes[1:])
    return MLP(W, b, hidden, output)


def forward(net: MLP, X: np.ndarray, masks=None) -> list[np.ndarray]:
    """Activations of every layer, input first: [X, h1, ..., y_hat]; each (n, d) or (S, n, d).

    masks: optional, one array per hidden layer, multiplied into its activations (dropout);
    the activations returned are the masked ones, as the next layer sees them.
    """
    X = _check_X(check.instance("net", net, MLP), X)
    return _forward(net, X, _check_masks(net, masks, X.shape[-2]))


def _forward(net: MLP, X: np.ndarray, masks=None) -> list[np.ndarray]:
    f = ACTIVATIONS[net.hidden][0]
    A = [X]
    for l, (W, b) in enumerate(zip(net.W, net.b)):
        Z = A[-1] @ W + b[..., None, :]  # (…, n, d_in) @ (…, d_in, d_out) -> (…, n, d_out)
        last = l == len(net.W) - 1
        A.append(_output(net, Z) if last else f(Z) * (1 if masks is None else masks[l]))
    return A


def predict(net: MLP, X: np.ndarray) -> np.ndarray:
    """Output probabilities: (n,) for a sigmoid net, (n, units) otherwise; stacked: (S, …)."""
    out = forward(net, X)[-1]
    return out[..., 0] if net.output == "sigmoid" else out


def loss_and_gradients(net: MLP, X: np.ndarray, y: np.ndarray, masks=None):
    """Mean cross-entropy (scalar, or (S,) for a stack) and its gradients (dW, db) by backprop,
    with the hidden activations multiplied by `masks` if given (see `forward`)."""
    X = _check_X(check.instance("net", net, MLP), X)
    masks = _check_masks(net, masks, X.shape[-2])
    return _loss_and_gradients(net, X, _check_y(net, y, X.shape[-2]), masks)


def _loss_and_gradients(net: MLP, X: np.ndarray, y: np.ndarray, masks=None):
    A = _forward(net, X, masks)
    n = A[0].shape[-2]
    logits = A[-2] @ net.W[-1] + net.b[-1][..., None, :]
    if net.output in ("sigmoid", "bernoulli"):
        t = y[..., None].astype(float) if net.output == "sigmoid" else y  # (…, n, 1) or (n, k)
        loss = np.mean(np.logaddexp(0, logits) - t * logits, axis=(-2, -1))  # stable BCE
        delta = (A[-1] - t) / (n * t.shape[-1])  # d loss / d logits, (…, n, k)
    else:
        loss = -np.mean(np.take_along_axis(log_softmax(logits, axis=-1),
                                           np.broadcast_to(y[..., None], logits.shape[:-1] + (1,)),
                                           axis=-1), axis=(-2, -1))
        one_hot = np.eye(logits.shape[-1], dtype=logits.dtype)[y]
        delta = (A[-1] - one_hot) / n  # softmax minus one-hot, (…, n, k)
    dW, db = [], []
    df = ACTIVATIONS[net.hidden][1]
    for l in range(len(net.W) - 1, -1, -1):
        dW.append(np.swapaxes(A[l], -1, -2) @ delta)  # (…, d_in, n) @ (…, n, d_out)
        db.append(delta.sum(axis=-2))
        if l:
            delta = delta @ np.swapaxes(net.W[l], -1, -2)
            if masks is None:
                delta = delta * df(A[l])
            else:  # A[l] = f(Z) * mask: undo the mask to get f(Z) for the derivative
                m = masks[l - 1]
                delta = delta * m * df(np.divide(A[l], m, out=np.zeros_like(A[l]), where=m != 0))
    return loss, tuple(dW[::-1]), tuple(db[::-1])


def loss(net: MLP, X: np.ndarray, y: np.ndarray):
    """Mean cross-entropy of `net` on (X, y): a float, or (S,) for a stack. Forward pass only."""
    A = forward(net, X)
    y = _check_y(net, y, A[0].shape[-2])
    p = A[-1]
    if net.output == "bernoulli":
        q = np.clip(1 - p, 1e-300, 1.0)
        return -np.mean(y * np.log(np.clip(p, 1e-300, 1.0)) + (1 - y) * np.log(q), axis=(-2, -1))
    if net.output == "sigmoid":
        p = np.clip(p[..., 0], 1e-300, 1.0)
        q = np.clip(1 - A[-1][..., 0], 1e-300, 1.0)
        return -np.mean(np.where(y == 1, np.log(p), np.log(q)), axis=-1)
    picked = np.take_along_axis(p, np.broadcast_to(y[..., None], p.shape[:-1] + (1,)), axis=-1)[..., 0]
    return -np.mean(np.log(np.clip(picked, 1e-300, 1.0)), axis=-1)


def train(net: MLP, X: np.ndarray, y: np.ndarray, *, lr: float, epochs: int,
          momentum: float = 0.0) -> tuple[MLP, np.ndarray]:
    """Full-batch gradient descent; returns the trained net and the loss per epoch, (epochs,) or (epochs, S)."""
    lr, epochs = check.number("lr", lr, low=0, low_open=True), check.integer("epochs", epochs)
    momentum, net = check.number("momentum", momentum, 0, 1, high_open=True), check.instance("net", net, MLP)
    X = _check_X(net, X)
    y = _check_y(net, y, X.shape[-2])
    check.fits("epochs", epochs, 8 * epochs * (net.W[0].shape[0] if net.stacked else 1))
    W, b = list(net.W), list(net.b)
    vW, vb = [np.zeros_like(w) for w in W], [np.zeros_like(c) for c in b]
    history = []
    for _ in range(epochs):
        L, dW, db = _loss_and_gradients(replace(net, W=tuple(W), b=tuple(b)), X, y)
        history.append(L)
        for l in range(len(W)):
            vW[l] = momentum * vW[l] - lr * dW[l]
            vb[l] = momentum * vb[l] - lr * db[l]
            W[l] = W[l] + vW[l]
            b[l] = b[l] + vb[l]
    return replace(net, W=tuple(W), b=tuple(b)), np.array(history)


def train_minibatch(net: MLP, X, y, rng: np.random.Generator, *, epochs: int, lr: float = 1e-3,
                    batch_size: int = 32, p_drop: float = 0.0, p_input: float = 0.0,
                    callback=None) -> tuple[MLP, list]:
    """Adam on shuffled minibatches, with inverted dropout of probability p_drop on every hidden
    layer and p_input on the inputs.

    After each epoch, callback(epoch, net) is called if given and its return value kept;
    returns the trained net and the list of those values.
    """
    from lib.dropout import dropout, dropout_masks  # dropout builds on this module

    net, epochs, rng = check.instance("net", net, MLP), check.integer("epochs", epochs), check.generator("rng", rng)
    batch_size, X = check.integer("batch_size", batch_size), _check_X(net, X)
    p_drop, p_input = check.number("p_drop", p_drop, 0, 1, high_open=True), check.number("p_input", p_input, 0, 1, high_open=True)
    callback = None if callback is None else check.function("callback", callback)
    y = _check_y(net, y, X.shape[-2])
    # the examples' axes: X is (n, d), or (S, n, d) for a stack with one X per network; y likewise
    n, x_axis, y_axis = X.shape[-2], X.ndim - 2, int(net.output != "bernoulli" and y.ndim == 2)
    params = list(net.W) + list(net.b)
    adam, log, L = Adam(params, lr), [], len(net.W)
    for epoch in range(1, epochs + 1):
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            batch = order[start:start + batch_size]
            current = replace(net, W=tuple(params[:L]), b=tuple(params[L:]))
            masks = dropout_masks(current, len(batch), p_drop, rng) if p_drop > 0 else None
            X_batch = np.take(X, batch, axis=x_axis)
            X_batch = dropout(X_batch, p_input, rng) if p_input > 0 else X_batch
            _, dW, db = _loss_and_gradients(current, X_batch, np.take(y, batch, axis=y_axis), masks)
            params = adam.step(params, dW + db)
        net = replace(net, W=tuple(params[:L]), b=tuple(params[L:]))
        if callback is not None:
            log.append(callback(epoch, net))
    return net, log


def pick(net: MLP, index) -> MLP:
    """Network `index` (an int) of a stack as a single MLP, or a smaller stack (a mask or index array)."""
    if not check.instance("net", net, MLP).stacked:
        raise ValueError("pick needs a stacked MLP net (made with stack=S)")
    S = net.W[0].shape[0]
    if np.ndim(index) == 0:
        index = check.integer("index", index, low=-S, high=S - 1)
    elif not _indexes(check.array("index", index, ndim=1, dtype=None), S):
        raise ValueError(f"index must be an integer from {-S} to {S - 1}, an array of them, or {S} booleans")
    index = index if isinstance(index, (int, np.integer)) else np.asarray(index)
    return replace(net, W=tuple(w[index] for w in net.W), b=tuple(c[index] for c in net.b))


def _indexes(i: np.ndarray, S: int) -> bool:
    """Whether i picks networks of a stack of S: S booleans, or integers in -S..S-1."""
    return len(i) == S if i.dtype == bool else i.dtype.kind in "iu" and bool(np.all((i >= -S) & (i < S)))


def _output(net: MLP, Z: np.ndarray) -> np.ndarray:
    return softmax(Z, axis=-1) if net.output == "softmax" else expit(Z)


def _check_choice(name, value, options):
    if value not in options:
        raise ValueError(f"{name} must be one of {sorted(options)}, got {value!r}")


def _check_X(net: MLP, X) -> np.ndarray:
    X = check.array("X", X, dtype=None, finite=False)
    X = X if X.dtype in (np.float32, np.float64) else X.astype(float)  # single precision stays
    own = net.stacked and X.ndim == 3 and X.shape[0] == net.W[0].shape[0]  # one X per network
    if not (X.ndim == 2 or own) or X.shape[-1] != net.sizes[0]:
        stack = f" or ({net.W[0].shape[0]}, n, {net.sizes[0]})" if net.stacked else ""
        raise ValueError(f"X must have shape (n, {net.sizes[0]}){stack}, got {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("X must be finite, got NaN or inf")
    return X


def _check_masks(net: MLP, masks, n: int):
    if masks is None:
        return None
    check.instance("masks", masks, (list, tuple))
    widths = net.sizes[1:-1]
    if len(masks) != len(widths):
        raise ValueError(f"masks must hold one array per hidden layer ({len(widths)}), got {len(masks)}")
    for m, width in zip(masks, widths):
        if np.shape(m)[-2:] != (n, width):
            raise ValueError(f"each mask must have shape ({n}, layer width), got {np.shape(m)} for width {width}")
    return masks


def _check_y(net: MLP, y, n: int) -> np.ndarray:
    if net.output == "bernoulli":
        y = check.array("y", y)
        if y.shape != (n, net.sizes[-1]) or not np.all((y >= 0) & (y <= 1)):
            raise ValueError(f"y must be targets in [0, 1] of shape ({n}, {net.sizes[-1]}), got {y.shape}")
        return y
    y = np.asarray(y)
    own = net.stacked and y.shape == (net.W[0].shape[0], n)  # one y per network
    if y.shape != (n,) and not own:
        raise ValueError(f"y must have shape ({n},), one target per row of X, got {y.shape}")
    classes = 2 if net.output == "sigmoid" else net.sizes[-1]
    if not np.all(np.isin(y, np.arange(classes))):
        raise ValueError(f"y must hold integer classes 0..{classes - 1}, got values {np.unique(y)[:5]}")
    return y.astype(int)
