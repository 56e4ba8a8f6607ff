"""Backpropagation, in the classic 2-2-1 XOR loop: its forward and backward numbers by name,
and the loop itself run for many starts at once (a leading axis of runs on every array).

The networks are those of the classic loop: 2 inputs, 2 sigmoid hidden units, 1 sigmoid output,
no biases unless asked, the loss *summed* over the four corners, every weight moved by
W -= lr * dE/dW after each pass over all four (full batch).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lib import check
from lib.perceptron import gate

LOSSES = ("squared", "cross-entropy")
INITS = ("uniform", "normal")


def sigmoid(z):
    """σ(z) = 1 / (1 + e^−z), written as the classic loop writes it (same rounding)."""
    return _sigmoid(check.array("z", z, ndim=None, empty=True))


def _sigmoid(z):
    with np.errstate(over="ignore"):  # e^−z = inf for z < −709 gives 1/inf = 0, the limit
        return 1 / (1 + np.exp(-z))


def _sigmoid_in_place(z):
    """_sigmoid's arithmetic, step by step, in z's own memory: the training loop's hot spot
    (a quarter of its time goes to the temporaries otherwise)."""
    with np.errstate(over="ignore"):
        np.negative(z, out=z)
        np.exp(z, out=z)
        z += 1
        return np.divide(1, z, out=z)


def xor_start(seed: int, init: str = "uniform") -> tuple[np.ndarray, np.ndarray]:
    """The classic loop's starting weights for `seed`: W1 (2, 2), then W2 (2, 1), drawn from
    default_rng(seed), uniform on [0, 1) or standard normal."""
    seed, init = check.integer("seed", seed, low=0), check.choice("init", init, INITS)
    rng = np.random.default_rng(seed)
    draw = (lambda shape: rng.uniform(size=shape)) if init == "uniform" else rng.standard_normal
    W1 = draw((2, 2))
    return W1, draw((2, 1))


def xor_starts(seeds, init: str = "uniform") -> tuple[np.ndarray, np.ndarray]:
    """`xor_start` for every seed, stacked: W1 (S, 2, 2), W2 (S, 2, 1)."""
    seeds = _seeds(seeds)
    check.choice("init", init, INITS)
    W1, W2 = zip(*(xor_start(s, init) for s in seeds))
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
    check.choice("loss", loss, LOSSES)
    W1 = check.array("W1", W1, ndim=range(2, 99), axes="(…, d, h)")
    W2 = check.array("W2", W2, ndim=range(2, 99), axes="(…, h, 1)")
    if W2.shape[-2:] != (W1.shape[-1], 1) or W2.shape[:-2] != W1.shape[:-2]:
        raise ValueError(f"W1 must be (…, d, h) and W2 (…, h, 1), got {W1.shape} and {W2.shape}")
    X, y = check.array("X", X, ndim=2), check.array("y", y, ndim=1, low=0, high=1)
    if X.shape[1] != W1.shape[-2] or y.shape != (len(X),):
        raise ValueError(f"X must be (n, {W1.shape[-2]}) and y (n,), got {X.shape} and {y.shape}")
    b1 = _biases("b1", b1, W1.shape[:-2] + W1.shape[-1:])
    b2 = _biases("b2", b2, W2.shape[:-2] + (1,))
    swap = lambda A: np.swapaxes(A, -1, -2)
    z1 = X @ W1 + b1[..., None, :]    # (n, d) @ (…, d, h) -> (…, n, h)
    h = _sigmoid(z1)
    z2 = h @ W2 + b2[..., None, :]    # (…, n, h) @ (…, h, 1) -> (…, n, 1)
    y_hat = _sigmoid(z2)
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


# A run has learned XOR if all four corners are on the right side of ½ at no fewer than SHARE
# of the checks in its last WINDOW epochs: a window, not one snapshot, since a run at the edge
# of stability can be caught in a spike at any single epoch.
WINDOW, SHARE = 1000, 0.9


@dataclass(frozen=True)
class XorRuns:
    """S runs of the XOR loop: final weights and biases, outputs on the four corners (S, 4),
    the first epoch at which all four were right (−1 if never), and whether all four were
    right at epochs 0, every, 2·every, …, epochs: right (K, S)."""

    W1: np.ndarray
    W2: np.ndarray
    b1: np.ndarray
    b2: np.ndarray
    y_hat: np.ndarray
    first: np.ndarray
    right: np.ndarray
    every: int

    @property
    def final(self) -> np.ndarray:
        """(S,) True where all four corners are right at the last epoch (one snapshot)."""
        return self.right[-1]

    @property
    def learned(self) -> np.ndarray:
        """(S,) True where all four corners were right at >= SHARE of the checks in the last
        WINDOW epochs (all checks after epoch 0 if the runs are shorter)."""
        k = max(1, min(len(self.right) - 1, WINDOW // self.every))
        return self.right[-k:].mean(axis=0) >= SHARE

    @property
    def relapsed(self) -> np.ndarray:
        """(S,) True where a run had all four right and, at a later recorded epoch, had not."""
        return self.last_lost() >= 0

    def last_lost(self) -> np.ndarray:
        """(S,) the last recorded epoch at which a run that had had all four right had not
        (−1 if it never lost them)."""
        epochs = np.arange(len(self.right))[:, None] * self.every  # (K, 1)
        lost = (self.first >= 0) & (epochs > self.first) & ~self.right  # (K, S)
        return np.where(lost.any(axis=0), np.max(np.where(lost, epochs, -1), axis=0), -1)

    def take(self, index) -> XorRuns:
        """The runs `index` (a slice, a mask of S booleans or an index array) of this stack."""
        S = len(self.first)
        if not isinstance(index, slice):
            index = check.array("index", index, ndim=1, dtype=None, empty=True)
            ok = (len(index) == S if index.dtype == bool
                  else index.dtype.kind in "iu" and np.all((index >= -S) & (index < S)))
            if not ok:
                raise ValueError(f"index must be a slice, {S} booleans or integers from {-S} to "
                                 f"{S - 1}, got {index.dtype} of shape {index.shape}")
        return XorRuns(self.W1[index], self.W2[index], self.b1[index], self.b2[index],
                       self.y_hat[index], self.first[index], self.right[:, index], self.every)


def train_xor(W1, W2, *, b1=None, b2=None, biases=False, loss="squared", lr=0.5,
              epochs: int = 10_000, every: int = 10) -> XorRuns:
    """The classic loop for a stack of starts W1 (S, 2, 2), W2 (S, 2, 1), all at once. The
    biases b1 (S, 2), b2 (S, 1) start at 0 (or as given) and learn where `biases` is True;
    `biases`, `loss` and `lr` may each be one value or one per run."""
    W1 = check.array("W1", W1, ndim=3)
    W2 = check.array("W2", W2, ndim=3)
    if W1.shape[1:] != (2, 2) or W2.shape != (len(W1), 2, 1):
        raise ValueError(f"W1 must be (S, 2, 2) and W2 (S, 2, 1), got {W1.shape} and {W2.shape}")
    S = len(W1)
    b1 = np.zeros((S, 2)) if b1 is None else check.array("b1", b1, shape=(S, 2))
    b2 = np.zeros((S, 1)) if b2 is None else check.array("b2", b2, shape=(S, 1))
    biases = _per_run("biases", biases, S, bool)
    losses = _per_run("loss", loss, S, str)
    for name in np.unique(losses):
        check.choice("loss", str(name), LOSSES)
    lr = _per_run("lr", lr, S, float)
    if not np.all(np.isfinite(lr) & (lr > 0)):
        raise ValueError(f"lr must be finite and > 0, got values from {lr.min()} to {lr.max()}")
    epochs, every = check.integer("epochs", epochs), check.integer("every", every)
    if every > epochs or epochs % every:
        raise ValueError(f"every must be a positive divisor of epochs ({epochs}), got {every}")
    X, y = gate("xor")
    # Networks along the last axis, so every operation is one pass over contiguous memory:
    # w (2 inputs, 2 hidden, S), v (2 hidden, S), b (2 hidden, S), c (S,).
    w, v = W1.transpose(1, 2, 0).copy(), W2[:, :, 0].T.copy()
    b, c = b1.T.copy(), b2[:, 0].copy()
    learn_b = lr * biases
    squared = losses == "squared"
    x = X[:, :, None, None]           # (4, 2, 1, 1)
    t = y[:, None].astype(float)      # (4, 1)
    first = np.full(S, -1)
    right = np.zeros((epochs // every + 1, S), dtype=bool)

    def forward():
        h = _sigmoid_in_place(x[:, 0] * w[0] + x[:, 1] * w[1] + b)  # (4, 2, S)
        return h, _sigmoid_in_place(h[:, 0] * v[0] + h[:, 1] * v[1] + c)  # (4, S)

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
        b += learn_b * d_hidden.sum(axis=0)
        c += learn_b * d_out.sum(axis=0)
    return XorRuns(W1=w.transpose(2, 0, 1), W2=v.T[:, :, None], b1=b.T, b2=c[:, None],
                   y_hat=y_hat.T, first=first, right=right, every=every)


def xor_variants(seeds, *, inits=INITS, biases=(False, True), losses=LOSSES, lr=0.5,
                 nudge: bool = True, **train) -> dict:
    """The loop from every seed's start, for every (init, biases, loss), all in one stack; `lr`
    is one learning rate or a dict {loss: lr}. With `nudge`, again from the same starts moved
    by one unit in the last place (np.nextafter). Returns {(init, biases, loss): (runs,
    nudged)}, nudged None without `nudge`."""
    seeds = _seeds(seeds)
    inits = [check.choice("inits", i, INITS) for i in _choices("inits", inits)]
    losses = [check.choice("losses", l, LOSSES) for l in _choices("losses", losses)]
    biases = [check.flag("biases", b) for b in _choices("biases", biases)]
    if isinstance(lr, dict):
        if set(lr) != set(losses):
            raise ValueError(f"lr must give one learning rate per loss {losses}, got {lr!r}")
        rate = {l: check.number(f"lr[{l!r}]", r, low=0, low_open=True) for l, r in lr.items()}
    else:
        rate = dict.fromkeys(losses, check.number("lr", lr, low=0, low_open=True))
    nudge = check.flag("nudge", nudge)
    keys = [(i, b, l) for i in inits for b in biases for l in losses]
    starts = {i: xor_starts(seeds, i) for i in inits}
    S, copies = len(seeds), 2 if nudge else 1
    W1 = np.concatenate([starts[i][0] for i, _, _ in keys])
    W2 = np.concatenate([starts[i][1] for i, _, _ in keys])
    runs = train_xor(np.concatenate([W1, np.nextafter(W1, np.inf)][:copies]),
                     np.concatenate([W2] * copies),
                     biases=np.repeat([b for _, b, _ in keys] * copies, S),
                     loss=np.repeat([l for _, _, l in keys] * copies, S),
                     lr=np.repeat([rate[l] for _, _, l in keys] * copies, S), **train)
    half = len(keys) * S
    return {key: (runs.take(slice(k * S, (k + 1) * S)),
                  runs.take(slice(half + k * S, half + (k + 1) * S)) if nudge else None)
            for k, key in enumerate(keys)}


def seed_table(results: dict) -> str:
    """The table of `xor_variants` results: per variant and start, the runs that learned XOR
    (XorRuns.learned, with a 95 % Clopper–Pearson interval) and the median epoch at which
    those first had all four corners right."""
    from scipy.stats import binomtest

    results = check.instance("results", results, dict)
    if not results or any(not (isinstance(v, tuple) and isinstance(v[0], XorRuns))
                          for v in results.values()):
        raise ValueError("results must be xor_variants' answer, {(init, biases, loss): "
                         "(runs, nudged)}, and not empty")
    inits = list(dict.fromkeys(i for i, _, _ in results))
    names = {"uniform": "start U[0, 1)", "normal": "start N(0, 1)"}
    lines = [" " * 15 + "".join(f"{names[i]:^27}" for i in inits),
             " " * 15 + f"{'learned':>9}{'95 % CI':>10}{'epoch':>8}" * len(inits)]
    for loss in LOSSES:
        for biases in (False, True):
            if not any((i, biases, loss) in results for i in inits):
                continue
            name = "squared error" if loss == "squared" else loss
            row = f"{name if not biases else '  with biases':<15}"
            for init in inits:
                runs, _ = results[(init, biases, loss)]
                k, S = int(runs.learned.sum()), len(runs.first)
                ci = binomtest(k, S).proportion_ci(0.95)
                interval = f"{100 * ci.low:.0f}–{100 * ci.high:.0f} %"
                epoch = f"{np.median(runs.first[runs.learned]):.0f}" if k else "-"
                row += f"{k:>9}{interval:>10}{epoch:>8}"
            lines.append(row)
    return "\n".join(line.rstrip() for line in lines)


def xor_hessian(runs: XorRuns, *, biases=False, loss: str = "squared",
                step: float = 1e-5) -> np.ndarray:
    """(S, P, P) the Hessian of E over the weights the loop trains (the biases too if
    `biases`: P = 6 or 9), by central differences of the backpropagated gradient,
    symmetrised."""
    runs = check.instance("runs", runs, XorRuns)
    biases, loss = check.flag("biases", biases), check.choice("loss", loss, LOSSES)
    step = check.number("step", step, low=0, low_open=True)
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
    return (H + np.swapaxes(H, 1, 2)) / 2


def xor_sharpness(runs: XorRuns, *, biases=False, loss: str = "squared", step: float = 1e-5):
    """(S,) the largest eigenvalue of `xor_hessian`: the steepest curvature of E."""
    return np.linalg.eigvalsh(xor_hessian(runs, biases=biases, loss=loss, step=step))[:, -1]


def sharpness_trace(W1, W2, *, biases=False, loss="squared", lr=0.5, epochs: int = 10_000,
                    every: int = 250) -> tuple[np.ndarray, np.ndarray]:
    """The loop (train_xor) for a stack of starts, stopped every `every` epochs to measure
    each run's λ_max (xor_sharpness, over the parameters it trains) and its loss E. Returns
    lam, E, each (K, S), at epochs every, 2·every, …, epochs (K = epochs / every)."""
    W1 = check.array("W1", W1, ndim=3)
    S = len(W1)
    biases, losses = _per_run("biases", biases, S, bool), _per_run("loss", loss, S, str)
    epochs, every = check.integer("epochs", epochs), check.integer("every", every)
    if every > epochs or epochs % every:
        raise ValueError(f"every must be a positive divisor of epochs ({epochs}), got {every}")
    groups = {(b, str(l)): np.flatnonzero((biases == b) & (losses == l))
              for b, l in set(zip(biases.tolist(), losses.tolist()))}
    X, y = gate("xor")
    lam, E = np.zeros((epochs // every, S)), np.zeros((epochs // every, S))
    b1 = b2 = None
    for k in range(epochs // every):  # the same arithmetic as one call of `epochs` epochs
        runs = train_xor(W1, W2, b1=b1, b2=b2, biases=biases, loss=losses, lr=lr,
                         epochs=every, every=every)
        W1, W2, b1, b2 = runs.W1, runs.W2, runs.b1, runs.b2
        for (b, l), index in groups.items():
            these = runs.take(index)
            lam[k, index] = xor_sharpness(these, biases=b, loss=l)
            E[k, index] = backprop(these.W1, these.W2, X, y, b1=these.b1, b2=these.b2,
                                   loss=l).E
    return lam, E


def finite_difference(f, W, h: float = 1e-6) -> np.ndarray:
    """∂f/∂W by central differences, (f(W + h e_i) − f(W − h e_i)) / 2h for every entry i;
    the check of every gradient in the chapter. W is not changed."""
    f, h = check.function("f", f), check.number("h", h, low=0, low_open=True)
    W = check.array("W", W, ndim=None)
    g = np.zeros_like(W)
    for i in np.ndindex(W.shape):
        e = np.zeros_like(W)
        e[i] = h
        up, down = f(W + e), f(W - e)
        try:
            up, down = (check.number("f(W)", v) for v in (up, down))
        except (TypeError, ValueError) as e:
            raise type(e)(f"f must return one finite number: {e}") from None
        g[i] = (up - down) / (2 * h)
    return g


def _seeds(seeds) -> list[int]:
    if isinstance(seeds, (str, bytes)) or not hasattr(seeds, "__iter__"):
        raise TypeError(f"seeds must be a sequence of integers, got {seeds!r}")
    seeds = [check.integer(f"seeds[{k}]", s, low=0) for k, s in enumerate(seeds)]
    if not seeds:
        raise ValueError("seeds must hold at least one seed")
    return seeds


def _choices(name, values) -> list:
    if isinstance(values, (str, bytes, bool)) or not isinstance(values, (list, tuple)) or not values:
        raise TypeError(f"{name} must be a non-empty tuple or list, got {values!r}")
    return list(values)


def _per_run(name, value, S, kind):
    """value as (S,) values of `kind` (bool, str or float): one value, or one per run."""
    a = np.asarray(value)
    want = {bool: "b", str: "U", float: "iuf"}[kind]
    if a.dtype.kind not in want or a.ndim > 1 or (a.ndim == 1 and len(a) != S):
        raise (ValueError if a.dtype.kind in want else TypeError)(
            f"{name} must be one {kind.__name__} or {S} of them, one per run, got {value!r}")
    return np.broadcast_to(a.astype(kind), (S,))


def _biases(name, b, shape):
    if b is None:
        return np.zeros(shape)
    return check.array(name, b, shape=shape)
