"""Rosenblatt's perceptron, logic gates, XOR and n-bit parity."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

from lib import check, mlp

GATES = {
    "and": [0, 0, 0, 1],
    "or": [0, 1, 1, 1],
    "nand": [1, 1, 1, 0],
    "xor": [0, 1, 1, 0],
}
CORNERS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)


def neuron(x, w, b: float, f=np.tanh) -> float:
    """One neuron's output y = f(Σ w_i x_i + b)."""
    x, w = check.array("x", x), check.array("w", w)
    if x.ndim != 1 or x.shape != w.shape:
        raise ValueError(f"x and w must be 1-D of equal length, got shapes {x.shape} and {w.shape}")
    b, f = check.number("b", b), check.function("f", f)
    return float(f(x @ w + b))


def gate(name: str) -> tuple[np.ndarray, np.ndarray]:
    """The truth table of a two-input gate: X (4, 2) in {0, 1}, y (4,)."""
    check.choice("name", name, sorted(GATES))
    return CORNERS.copy(), np.array(GATES[name])


def step(z: np.ndarray) -> np.ndarray:
    """Heaviside step, 1 where z > 0, else 0."""
    return (check.array("z", z, dtype=None, empty=True) > 0).astype(int)


def train_perceptron(X: np.ndarray, y: np.ndarray, *, lr: float = 1.0, epochs: int = 20):
    """Perceptron rule from zero weights, one point at a time, in order.

    Returns (w (d,), b, errors) where errors[k] counts points misclassified after epoch k.
    Training stops early once an epoch leaves no point misclassified.
    """
    X, y = check.array("X", X), np.asarray(y)
    if X.ndim != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"X must be (n, d) and y (n,), got shapes {X.shape} and {y.shape}")
    if not np.all(np.isin(y, (0, 1))):
        raise ValueError("y must hold 0 or 1")
    lr, epochs = check.number("lr", lr, low=0, low_open=True), check.integer("epochs", epochs)
    w, b = np.zeros(X.shape[1]), 0.0
    errors = []
    for _ in range(epochs):
        for x_i, y_i in zip(X, y):
            update = lr * (y_i - step(x_i @ w + b))  # zero when the point is already right
            w, b = w + update * x_i, b + update
        errors.append(int(np.sum(step(X @ w + b) != y)))
        if errors[-1] == 0:
            break
    return w, b, np.array(errors)


def linearly_separable(X: np.ndarray, y: np.ndarray) -> bool:
    """Whether some line (hyperplane) w·x + b puts every 1 on one side and every 0 on the other.

    Decided exactly by a linear programme: find w, b with (2y - 1)(w·x + b) >= 1 for all points.
    """
    X, y = check.array("X", X), np.asarray(y)
    if X.ndim != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"X must be (n, d) and y (n,), got shapes {X.shape} and {y.shape}")
    if not np.all(np.isin(y, (0, 1))):
        raise ValueError("y must hold 0 or 1")
    s = 2 * y.astype(int) - 1  # labels as ±1
    A_ub = -s[:, None] * np.column_stack([X, np.ones(len(X))])  # -(s_i)(x_i, 1)·(w, b) <= -1
    result = linprog(np.zeros(X.shape[1] + 1), A_ub=A_ub, b_ub=-np.ones(len(X)),
                     bounds=[(None, None)] * (X.shape[1] + 1), method="highs")
    return result.status == 0  # 0: a feasible (w, b) exists; 2: infeasible


XOR_TRAINING = {"lr": 2.0, "momentum": 0.9}  # gradient descent settings for the XOR nets


def train_xor(rng: np.random.Generator, *, hidden: int = 2, epochs: int = 3000,
              stack: int | None = None):
    """A 2-hidden-1 sigmoid net trained on XOR by backprop; returns (net, loss per epoch)."""
    hidden = check.integer("hidden", hidden)
    check.fits("hidden and stack", (hidden, stack), 64 * hidden * (1 if stack is None else check.integer("stack", stack)))
    X, y = gate("xor")
    net = mlp.init_mlp((2, hidden, 1), rng, scale=1.0, stack=stack)
    return mlp.train(net, X, y, epochs=epochs, **XOR_TRAINING)


def parity(v: np.ndarray) -> np.ndarray:
    """Parity of the set bits of each non-negative integer: 1 if their count is odd."""
    v = np.asarray(v)
    if not np.issubdtype(v.dtype, np.integer):
        raise TypeError(f"v must hold integers, got dtype {v.dtype}")
    if np.any(v < 0):
        raise ValueError("v must be non-negative")
    return (np.bitwise_count(v) & 1).astype(int)  # bitwise_count gives uint8; keep labels signed


def parity_table(n_bits: int) -> tuple[np.ndarray, np.ndarray]:
    """All 2**n_bits bit patterns, X (2**n, n) most significant bit first, and their parity y."""
    n_bits = check.integer("n_bits", n_bits, 1, 16)
    v = np.arange(2**n_bits)
    X = (v[:, None] >> np.arange(n_bits - 1, -1, -1)) & 1
    return X.astype(float), parity(v)


RULES = {
    # row x is the parity of the bits of y that x selects: every parity function on a subset
    # of bits, one per row (the sign pattern of the Walsh–Hadamard matrix)
    "x & y": lambda x, y: parity(x & y),
    "x ^ y": lambda x, y: parity(x ^ y),
    "x * y": lambda x, y: parity(x * y),
    # the parity of the binomial coefficient C(x + y, x): by Lucas's theorem it is odd exactly
    # when x and y share no set bit, which draws Sierpinski's triangle
    "C(x+y, x)": lambda x, y: ((x & y) == 0).astype(int),
}


def parity_pattern(rule: str, size: int = 256) -> np.ndarray:
    """A (size, size) image of 0/1: pixel [y, x] is the parity of rule(x, y), see RULES."""
    rule, size = check.choice("rule", rule, sorted(RULES)), check.integer("size", size)
    check.fits("size", size, 40 * size * size)
    y, x = np.mgrid[:size, :size]
    return RULES[rule](x, y)


@dataclass(frozen=True)
class ParitySearch:
    """A search over hidden-layer sizes for n-bit parity (see `search_hidden_units`).

    fewest: the fewest hidden units with which at least one start classified every pattern
    right, or None; an upper bound found by search, not the number parity needs.
    solved: (max_hidden,) how many of the `starts` starts did, for 1, 2, ... hidden units.
    nets: the trained stacks, nets[h - 1] with h hidden units, `starts` networks each.
    """

    fewest: int | None
    solved: np.ndarray
    starts: int
    nets: tuple


def search_hidden_units(n_bits: int, rng: np.random.Generator, *, max_hidden: int = 8,
                        seeds: int = 20, epochs: int = 4000, lr: float = 2.0) -> ParitySearch:
    """Train n-bit parity nets with 1..max_hidden sigmoid hidden units, `seeds` random starts
    each (full-batch gradient descent with momentum 0.9 on the cross-entropy), and count the
    starts that classify all 2**n_bits patterns right."""
    X, y = parity_table(n_bits)
    max_hidden, seeds = check.integer("max_hidden", max_hidden), check.integer("seeds", seeds)
    check.fits("max_hidden and seeds", (max_hidden, seeds), 64 * seeds * max_hidden * (n_bits + len(X)))
    solved, nets = [], []
    for h in range(1, max_hidden + 1):
        net = mlp.init_mlp((n_bits, h, 1), rng, scale=2.0, stack=seeds)
        net, _ = mlp.train(net, X, y, lr=lr, epochs=epochs, momentum=0.9)
        right = np.all((mlp.predict(net, X) > 0.5) == y, axis=-1)  # (seeds,)
        solved.append(int(right.sum()))
        nets.append(net)
    fewest = next((h for h, s in enumerate(solved, start=1) if s > 0), None)
    return ParitySearch(fewest, np.array(solved), seeds, tuple(nets))


def parity_network(n_bits: int, *, gain: float = 10.0, steep: float = 20.0) -> mlp.MLP:
    """A sigmoid network with floor(n/2) + 1 hidden units that computes n-bit parity, by hand.

    Every hidden unit sees the count s = x_1 + ... + x_n. Unit 0 is a gentle ramp, a sigmoid
    used in its nearly linear middle; units k = 1 .. floor(n/2) are steep steps at
    s = 2k - 1/2, each subtracting 2. The output's input is then close to gain * (s - 1/2 -
    2 floor(s / 2)) = gain * ((s mod 2) - 1/2): a sawtooth, positive exactly when s is odd.
    """
    if not (isinstance(n_bits, (int, np.integer)) and 2 <= n_bits <= 16):
        raise ValueError(f"n_bits must be an integer from 2 to 16, got {n_bits}")
    eps = 1.0 / n_bits**2  # ramp slope: sigma(eps u) = 1/2 + eps u / 4 - O((eps u)^3)
    centres = 2.0 * np.arange(1, n_bits // 2 + 1) - 0.5  # where the steps sit, (n // 2,)
    slopes = np.concatenate([[eps], np.full(len(centres), steep)])  # (h,)
    W1 = np.ones((n_bits, 1)) * slopes  # every unit sees the count: (n, h)
    b1 = -slopes * np.concatenate([[n_bits / 2], centres])  # (h,)
    W2 = gain * np.concatenate([[4 / eps], np.full(len(centres), -2.0)])[:, None]  # (h, 1)
    b2 = gain * np.array([-2 / eps + n_bits / 2 - 0.5])  # (1,)
    return mlp.MLP((W1, W2), (b1, b2))
