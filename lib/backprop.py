"""Backpropagation, in the classic 2-2-1 XOR loop: its forward and backward numbers by name,
and the loop itself run for many starts at once (a leading axis of runs on every array).

The networks are those of the classic loop: 2 inputs, 2 sigmoid hidden units, 1 sigmoid output,
no biases unless asked, the loss *summed* over the four corners, every weight moved by
W -= lr * dE/dW after each pass over all four (full batch).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lib.perceptron import gate

LOSSES = ("squared", "cross-entropy")
INITS = ("uniform", "normal")


def sigmoid(z):
    """σ(z) = 1 / (1 + e^−z), written as the classic loop writes it (same rounding)."""
    with np.errstate(over="ignore"):  # e^−z = inf for z < −709 gives 1/inf = 0, the limit
        return 1 / (1 + np.exp(-z))


def xor_start(seed: int, init: str = "uniform") -> tuple[np.ndarray, np.ndarray]:
    """The classic loop's starting weights for `seed`: W1 (2, 2), then W2 (2, 1), drawn from
    default_rng(seed), uniform on [0, 1) or standard normal."""
    _check_choice("init", init, INITS)
    rng = np.random.default_rng(seed)
    draw = (lambda shape: rng.uniform(size=shape)) if init == "uniform" else rng.standard_normal
    W1 = draw((2, 2))
    return W1, draw((2, 1))


def xor_starts(seeds, init: str = "uniform") -> tuple[np.ndarray, np.ndarray]:
    """`xor_start` for every seed, stacked: W1 (S, 2, 2), W2 (S, 2, 1)."""
    W1, W2 = zip(*(xor_start(int(s), init) for s in seeds))
    return np.array(W1), np.array(W2)


@dataclass(frozen=True)
class Backprop:
    """Every number of one forward and one backward pass, named as in the chapter; shapes for
    n examples and h hidden units (a stack of S networks adds a leading axis)."""

    z1: np.ndarray       # (n, h) hidden pre-activations, X W1 + b1
    h: np.ndarray        # (n, h) hidden activations, σ(z1)
    z2: np.ndarray       # (n, 1) output pre-activation, h W2 + b2
    y_hat: np.ndarray    # (n, 1) output, σ(z2)
    E: np.ndarray        # () the loss, summed over the examples
    dE_dy_hat: np.ndarray
    dE_dz2: np.ndarray
    dE_dW2: np.ndarray   # (h, 1)
    dE_db2: np.ndarray   # (1,)
    dE_dh: np.ndarray
    dE_dz1: np.ndarray
    dE_dW1: np.ndarray   # (d, h)
    dE_db1: np.ndarray   # (h,)


def backprop(W1, W2, X, y, *, b1=None, b2=None, loss: str = "squared") -> Backprop:
    """Forward pass and the chain rule backwards for a d-h-1 sigmoid network; E is
    ½ Σ (ŷ − y)² ("squared") or −Σ [y ln ŷ + (1 − y) ln(1 − ŷ)] ("cross-entropy")."""
    _check_choice("loss", loss, LOSSES)
    W1, W2 = np.asarray(W1, dtype=float), np.asarray(W2, dtype=float)
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    if W1.ndim < 2 or W2.shape[-2:] != (W1.shape[-1], 1) or W2.shape[:-2] != W1.shape[:-2]:
        raise ValueError(f"W1 must be (…, d, h) and W2 (…, h, 1), got {W1.shape} and {W2.shape}")
    if X.ndim != 2 or X.shape[1] != W1.shape[-2] or y.shape != (len(X),):
        raise ValueError(f"X must be (n, {W1.shape[-2]}) and y (n,), got {X.shape} and {y.shape}")
    b1 = np.zeros(W1.shape[:-2] + W1.shape[-1:]) if b1 is None else np.asarray(b1, dtype=float)
    b2 = np.zeros(W2.shape[:-2] + (1,)) if b2 is None else np.asarray(b2, dtype=float)
    swap = lambda A: np.swapaxes(A, -1, -2)
    z1 = X @ W1 + b1[..., None, :]    # (n, d) @ (…, d, h) -> (…, n, h)
    h = sigmoid(z1)
    z2 = h @ W2 + b2[..., None, :]    # (…, n, h) @ (…, h, 1) -> (…, n, 1)
    y_hat = sigmoid(z2)
    t = y[:, None]
    if loss == "squared":
        E = 0.5 * np.sum((y_hat - t) ** 2, axis=(-2, -1))
        dE_dy_hat = y_hat - t
        dE_dz2 = dE_dy_hat * y_hat * (1 - y_hat)  # σ'(z2) = ŷ (1 − ŷ)
    else:
        E = np.sum(np.logaddexp(0, z2) - t * z2, axis=(-2, -1))  # the same, stably
        with np.errstate(divide="ignore"):
            dE_dy_hat = (y_hat - t) / (y_hat * (1 - y_hat))
        dE_dz2 = y_hat - t  # the ŷ (1 − ŷ) of σ' cancels
    dE_dh = dE_dz2 @ swap(W2)         # (…, n, 1) @ (…, 1, h) -> (…, n, h)
    dE_dz1 = dE_dh * h * (1 - h)
    return Backprop(z1, h, z2, y_hat, E, dE_dy_hat, dE_dz2,
                    dE_dW2=swap(h) @ dE_dz2, dE_db2=dE_dz2.sum(axis=-2),
                    dE_dh=dE_dh, dE_dz1=dE_dz1,
                    dE_dW1=X.T @ dE_dz1, dE_db1=dE_dz1.sum(axis=-2))


@dataclass(frozen=True)
class XorRuns:
    """S runs of the XOR loop: final weights, outputs on the four corners (S, 4), the first
    epoch at which all four were right (−1 if never), and whether all four were right at
    epochs 0, every, 2·every, …, epochs: right (K, S)."""

    W1: np.ndarray
    W2: np.ndarray
    b1: np.ndarray
    b2: np.ndarray
    y_hat: np.ndarray
    first: np.ndarray
    right: np.ndarray
    every: int

    @property
    def learned(self) -> np.ndarray:
        """(S,) True where all four corners are on the right side of 1/2 at the end."""
        return self.right[-1]

    @property
    def relapsed(self) -> np.ndarray:
        """(S,) True where a run had all four right and, at a later recorded epoch, had not."""
        epochs = np.arange(len(self.right))[:, None] * self.every  # (K, 1)
        later = (self.first >= 0) & (epochs > self.first)          # (K, S)
        return np.any(later & ~self.right, axis=0)

    def take(self, index) -> XorRuns:
        """The runs `index` (a slice, mask or index array) of this stack."""
        return XorRuns(self.W1[index], self.W2[index], self.b1[index], self.b2[index],
                       self.y_hat[index], self.first[index], self.right[:, index], self.every)


def train_xor(W1, W2, *, biases=False, loss="squared", lr: float = 0.5,
              epochs: int = 10_000, every: int = 10) -> XorRuns:
    """The classic loop for a stack of starts W1 (S, 2, 2), W2 (S, 2, 1), all at once; biases
    start at 0 and learn where `biases` is True; `biases` and `loss` may differ per run."""
    W1, W2 = np.asarray(W1, dtype=float), np.asarray(W2, dtype=float)
    if W1.ndim != 3 or W1.shape[1:] != (2, 2) or W2.shape != (len(W1), 2, 1):
        raise ValueError(f"W1 must be (S, 2, 2) and W2 (S, 2, 1), got {W1.shape} and {W2.shape}")
    S = len(W1)
    biases = np.broadcast_to(np.asarray(biases, dtype=bool), (S,))
    losses = np.broadcast_to(np.asarray(loss), (S,))
    for name in np.unique(losses):
        _check_choice("loss", str(name), LOSSES)
    if not (np.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be a finite number > 0, got {lr}")
    if not (isinstance(epochs, (int, np.integer)) and epochs >= 1):
        raise ValueError(f"epochs must be a positive integer, got {epochs}")
    if not (isinstance(every, (int, np.integer)) and 1 <= every <= epochs and epochs % every == 0):
        raise ValueError(f"every must be a positive divisor of epochs ({epochs}), got {every}")
    X, y = gate("xor")
    # Networks along the last axis, so every operation is one pass over contiguous memory:
    # w (2 inputs, 2 hidden, S), v (2 hidden, S), b (2 hidden, S), c (S,).
    w, v = W1.transpose(1, 2, 0).copy(), W2[:, :, 0].T.copy()
    b, c = np.zeros((2, S)), np.zeros(S)
    learn_b = biases.astype(float)
    squared = losses == "squared"
    x = X[:, :, None, None]           # (4, 2, 1, 1)
    t = y[:, None].astype(float)      # (4, 1)
    first = np.full(S, -1)
    right = np.zeros((epochs // every + 1, S), dtype=bool)

    def forward():
        h = sigmoid(x[:, 0] * w[0] + x[:, 1] * w[1] + b)  # (4, 2, S)
        return h, sigmoid(h[:, 0] * v[0] + h[:, 1] * v[1] + c)  # (4, S)

    for epoch in range(epochs + 1):
        h, y_hat = forward()
        ok = np.all((y_hat > 0.5) == (t > 0.5), axis=0)
        first[(first < 0) & ok] = epoch
        if epoch % every == 0:
            right[epoch // every] = ok
        if epoch == epochs:
            break
        error = t - y_hat
        d_out = np.where(squared, error * y_hat * (1 - y_hat), error)  # −dE/dz2, (4, S)
        d_hidden = d_out[:, None] * v * h * (1 - h)                     # −dE/dz1, (4, 2, S)
        v += lr * np.sum(h * d_out[:, None], axis=0)
        w += lr * np.sum(x * d_hidden[:, None], axis=0)
        b += lr * learn_b * d_hidden.sum(axis=0)
        c += lr * learn_b * d_out.sum(axis=0)
    return XorRuns(W1=w.transpose(2, 0, 1), W2=v.T[:, :, None], b1=b.T, b2=c[:, None],
                   y_hat=y_hat.T, first=first, right=right, every=every)


def xor_variants(seeds, *, inits=INITS, biases=(False, True), losses=LOSSES, **train) -> dict:
    """The loop from every seed's start, for every (init, biases, loss), all in one stack, and
    again from the same starts moved by one unit in the last place (np.nextafter). Returns
    {(init, biases, loss): (runs, flips)}, flips (S,) True where the two verdicts differ."""
    seeds = list(seeds)
    keys = [(i, b, l) for i in inits for b in biases for l in losses]
    starts = {i: xor_starts(seeds, i) for i in inits}
    S = len(seeds)
    W1 = np.concatenate([starts[i][0] for i, _, _ in keys])
    W2 = np.concatenate([starts[i][1] for i, _, _ in keys])
    runs = train_xor(np.concatenate([W1, np.nextafter(W1, np.inf)]), np.concatenate([W2, W2]),
                     biases=np.repeat([b for _, b, _ in keys] * 2, S),
                     loss=np.repeat([l for _, _, l in keys] * 2, S), **train)
    half = len(keys) * S
    out = {}
    for k, key in enumerate(keys):
        these = runs.take(slice(k * S, (k + 1) * S))
        nudged = runs.learned[half + k * S: half + (k + 1) * S]
        out[key] = (these, these.learned != nudged)
    return out


def seed_table(results: dict, S: int) -> str:
    """The table of `xor_variants` results: per variant and start, runs that learned XOR (with
    a 95 % Clopper–Pearson interval) and the median epoch at which those first got all four."""
    from scipy.stats import binomtest

    inits = list(dict.fromkeys(i for i, _, _ in results))
    names = {"uniform": "start U[0, 1)", "normal": "start N(0, 1)"}
    lines = [" " * 15 + "".join(f"{names[i]:^27}" for i in inits),
             " " * 15 + f"{'learned':>9}{'95 % CI':>10}{'epoch':>8}" * len(inits)]
    for loss in LOSSES:
        for biases in (False, True):
            name = "squared error" if loss == "squared" else loss
            row = f"{name if not biases else '  with biases':<15}"
            for init in inits:
                runs, _ = results[(init, biases, loss)]
                k = int(runs.learned.sum())
                ci = binomtest(k, S).proportion_ci(0.95)
                interval = f"{100 * ci.low:.0f}–{100 * ci.high:.0f} %"
                epoch = f"{np.median(runs.first[runs.learned]):.0f}" if k else "-"
                row += f"{k:>9}{interval:>10}{epoch:>8}"
            lines.append(row)
    return "\n".join(line.rstrip() for line in lines)


def xor_sharpness(runs: XorRuns, *, biases=False, loss: str = "squared", step: float = 1e-5):
    """(S,) the largest eigenvalue of the Hessian of E over the weights the loop trains (the
    biases too if `biases`), by central differences of the backpropagated gradient."""
    params = [runs.W1, runs.W2] + ([runs.b1, runs.b2] if biases else [])

    X, y = gate("xor")

    def gradient(p):
        b1, b2 = (p[2], p[3]) if biases else (runs.b1, runs.b2)
        g = backprop(p[0], p[1], X, y, b1=b1, b2=b2, loss=loss)
        grads = [g.dE_dW1, g.dE_dW2] + ([g.dE_db1, g.dE_db2] if biases else [])
        return np.concatenate([a.reshape(len(a), -1) for a in grads], axis=1)  # (S, P)

    columns = []
    for k, a in enumerate(params):
        for index in np.ndindex(a.shape[1:]):
            up, down = [q.copy() for q in params], [q.copy() for q in params]
            up[k][(slice(None),) + index] += step
            down[k][(slice(None),) + index] -= step
            columns.append((gradient(up) - gradient(down)) / (2 * step))
    H = np.stack(columns, axis=2)  # (S, P, P)
    return np.linalg.eigvalsh((H + np.swapaxes(H, 1, 2)) / 2)[:, -1]


def finite_difference(f, W, h: float = 1e-6) -> np.ndarray:
    """∂f/∂W by central differences, (f(W + h e_i) − f(W − h e_i)) / 2h for every entry i;
    the check of every gradient in the chapter. W is not changed."""
    W = np.asarray(W, dtype=float)
    g = np.zeros_like(W)
    for i in np.ndindex(W.shape):
        e = np.zeros_like(W)
        e[i] = h
        g[i] = (f(W + e) - f(W - e)) / (2 * h)
    return g


def _check_choice(name, value, options):
    if value not in options:
        raise ValueError(f"{name} must be one of {list(options)}, got {value!r}")
