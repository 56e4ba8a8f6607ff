"""Rosenblatt's perceptron, logic gates, XOR and n-bit parity."""
from __future__ import annotations

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


def hidden_units_needed(n_bits: int, rng: np.random.Generator, *, max_hidden: int = 8,
                        seeds: int = 20, epochs: int = 4000, lr: float = 2.0):
    """Train parity nets with 1..max_hidden hidden units, `seeds` random starts each.

    Returns (needed, solved): `needed` is the fewest hidden units for which some start
    classifies every pattern right (None if none did); solved[h - 1] is the fraction of
    starts that did with h hidden units.
    """
    X, y = parity_table(n_bits)
    max_hidden, seeds = check.integer("max_hidden", max_hidden), check.integer("seeds", seeds)
    check.fits("max_hidden and seeds", (max_hidden, seeds), 64 * seeds * max_hidden * (n_bits + len(X)))
    solved = []
    for h in range(1, max_hidden + 1):
        net = mlp.init_mlp((n_bits, h, 1), rng, scale=2.0, stack=seeds)
        net, _ = mlp.train(net, X, y, lr=lr, epochs=epochs, momentum=0.9)
        right = np.all((mlp.predict(net, X) > 0.5) == y, axis=-1)  # (seeds,)
        solved.append(float(right.mean()))
    needed = next((h for h, s in enumerate(solved, start=1) if s > 0), None)
    return needed, np.array(solved)
