"""Rosenblatt's perceptron, logic gates, XOR and n-bit parity."""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from scipy.optimize import linprog, minimize

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
        for w, b in _epoch(X, y, w, b, lr):
            pass
        errors.append(int(np.sum(step(X @ w + b) != y)))
        if errors[-1] == 0:
            break
    return w, b, np.array(errors)


def _epoch(X, y, w, b, lr):
    """One pass of the perceptron rule over (X, y) in order: yields (w, b) after each point."""
    for x_i, y_i in zip(X, y):
        update = lr * (y_i - step(x_i @ w + b))  # zero when the point is already right
        w, b = w + update * x_i, b + update
        yield w, b


def perceptron_path(X: np.ndarray, y: np.ndarray, *, lr: float = 1.0, epochs: int = 20) -> np.ndarray:
    """The perceptron rule's weights after every point it is shown, from zero, for `epochs` passes.

    Returns (epochs * n + 1, d + 1): row 0 is the start (all zeros), row k * n the weights at the
    end of epoch k; each row is (w_1, ..., w_d, b). No early stop: once every point is right,
    the rows stop changing. A row differs from the one before exactly when that point was a
    mistake.
    """
    X = check.array("X", X, ndim=2, axes="(n, d) points")
    y = check.labels("y", y, n=len(X), classes=2)
    lr, epochs = check.number("lr", lr, low=0, low_open=True), check.integer("epochs", epochs)
    check.fits("epochs", epochs, 8.0 * epochs * X.size)
    w, b = np.zeros(X.shape[1]), 0.0
    rows = [np.append(w, b)]
    for _ in range(epochs):
        for w, b in _epoch(X, y, w, b, lr):
            rows.append(np.append(w, b))
    return np.array(rows)


def max_margin(X: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """The largest margin gamma with which one hyperplane separates the classes, and its normal.

    As in the perceptron convergence theorem, the bias is a weight on a constant input 1: each
    point is x~ = (x, 1) and the hyperplane is u . x~ = 0 with |u| = 1, so gamma is
    max over unit u of min_i s_i (u . x~_i), s_i = 2 y_i - 1. Found as the hard-margin problem
    min |v|^2 subject to s_i (v . x~_i) >= 1 (then gamma = 1 / |v|, u = v / |v|), solved by SLSQP
    from the linear programme's feasible point. Returns (gamma, u (d + 1,)).
    """
    X = check.array("X", X, ndim=2, axes="(n, d) points")
    y = check.labels("y", y, n=len(X), classes=2)
    A = (2 * y - 1)[:, None] * np.column_stack([X, np.ones(len(X))])  # rows s_i x~_i, (n, d + 1)
    start = linprog(np.zeros(A.shape[1]), A_ub=-A, b_ub=-np.ones(len(A)),
                    bounds=[(None, None)] * A.shape[1], method="highs")
    if start.status != 0:
        raise ValueError("X and y must be linearly separable: no hyperplane has a positive margin")
    result = minimize(lambda v: v @ v, start.x, jac=lambda v: 2 * v, method="SLSQP",
                      constraints=[{"type": "ineq", "fun": lambda v: A @ v - 1, "jac": lambda v: A}],
                      options={"ftol": 1e-15, "maxiter": 500})
    v = result.x
    return float(np.min(A @ v) / np.linalg.norm(v)), v / np.linalg.norm(v)


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


# Gradient descent settings for the XOR nets: the step size (learning rate) and the momentum,
# the fraction of the previous step kept in the next. With init_mlp's start (weights drawn
# from N(0, scale^2 / fan_in), biases zero) this is the whole recipe of the chapter's runs.
XOR_TRAINING = {"lr": 2.0, "momentum": 0.9}


def train_xor(rng: np.random.Generator, *, hidden: int = 2, epochs: int = 3000,
              stack: int | None = None, scale=1.0):
    """A 2-hidden-1 sigmoid net trained on XOR by backprop; returns (net, loss per epoch).

    Full-batch gradient descent with XOR_TRAINING, one step per epoch. The start has weights
    from N(0, scale^2 / fan_in) and zero biases; for a stack, `scale` may be one number per
    network, a (stack,) array (each network's weights are then drawn at scale 1 and multiplied).
    """
    hidden = check.integer("hidden", hidden)
    check.fits("hidden and stack", (hidden, stack), 64 * hidden * (1 if stack is None else check.integer("stack", stack)))
    if np.ndim(scale) == 0:
        scale, per_net = check.number("scale", scale, low=0, low_open=True), None
    else:
        per_net = check.array("scale", scale, shape=(stack,), axes="one scale per network of the stack")
        if stack is None or np.any(per_net <= 0):
            raise ValueError("scale must be positive, one number per network of a stack (stack=S)")
        scale = 1.0
    X, y = gate("xor")
    net = mlp.init_mlp((2, hidden, 1), rng, scale=scale, stack=stack)
    if per_net is not None:
        net = replace(net, W=tuple(W * per_net[:, None, None] for W in net.W))  # biases stay 0
    return mlp.train(net, X, y, epochs=epochs, **XOR_TRAINING)


def solves(net: mlp.MLP, X: np.ndarray, y: np.ndarray):
    """Whether the sigmoid net answers every row of X right (output > 1/2 exactly where y = 1):
    a bool, or (S,) bools for a stack of S networks."""
    net = check.instance("net", net, mlp.MLP)
    if net.output != "sigmoid":
        raise ValueError(f"net must have a sigmoid output, got {net.output!r}")
    X = check.array("X", X, ndim=2, axes="(n, d) inputs")
    y = check.labels("y", y, n=len(X), classes=2)
    right = np.all((mlp.predict(net, X) > 0.5) == (y == 1), axis=-1)
    return right if net.stacked else bool(right)


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
    # the column above x is the parity of the bits of y that x selects (and the row at y, the
    # bits of x that y selects): every parity function on a subset of the bits, one per column
    # (the sign pattern of the Walsh–Hadamard matrix)
    "x & y": lambda x, y: parity(x & y),
    # x ^ y has as many set bits as x and y together, less twice those they share, so its
    # parity is t(x) xor t(y), t the Thue–Morse sequence (the parity of each number's bits)
    "x ^ y": lambda x, y: parity(x ^ y),
    "x * y": lambda x, y: parity(x * y),
    # the parity of the binomial coefficient C(x + y, x): by Kummer's theorem the power of 2
    # dividing it is the number of carries in the binary sum x + y, so it is odd exactly when
    # x and y share no set bit, which draws Sierpinski's triangle
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
                        seeds: int = 20, epochs: int = 4000, lr: float = 2.0,
                        scale: float = 2.0) -> ParitySearch:
    """Train n-bit parity nets with 1..max_hidden sigmoid hidden units, `seeds` random starts
    each (weights from N(0, scale^2 / fan_in), zero biases; full-batch gradient descent with
    momentum 0.9 on the cross-entropy), and count the starts that classify all 2**n_bits
    patterns right."""
    X, y = parity_table(n_bits)
    rng = check.generator("rng", rng)
    max_hidden, seeds = check.integer("max_hidden", max_hidden), check.integer("seeds", seeds)
    epochs, lr = check.integer("epochs", epochs), check.number("lr", lr, low=0, low_open=True)
    scale = check.number("scale", scale, low=0, low_open=True)
    check.fits("max_hidden and seeds", (max_hidden, seeds), 64 * seeds * max_hidden * (n_bits + len(X)))
    solved, nets = [], []
    for h in range(1, max_hidden + 1):
        net = mlp.init_mlp((n_bits, h, 1), rng, scale=scale, stack=seeds)
        net, _ = mlp.train(net, X, y, lr=lr, epochs=epochs, momentum=0.9)
        solved.append(int(solves(net, X, y).sum()))
        nets.append(net)
    fewest = next((h for h, s in enumerate(solved, start=1) if s > 0), None)
    return ParitySearch(fewest, np.array(solved), seeds, tuple(nets))


def parity_network(n_bits: int, *, gain: float = 10.0, steep: float = 20.0) -> mlp.MLP:
    """A sigmoid network with floor(n/2) + 1 hidden units that computes n-bit parity, by hand.

    Every hidden unit sees the count s = x_1 + ... + x_n. Unit 0 is a gentle ramp, a sigmoid
    used in its nearly linear middle: with its large output weight it passes s on to the output
    almost linearly, a connection that skips the hidden layer in disguise. Units k = 1 ..
    floor(n/2) are steep steps at s = 2k - 1/2, each subtracting 2. The output's input is then
    close to gain * (s - 1/2 - 2 floor(s / 2)) = gain * ((s mod 2) - 1/2): a sawtooth, positive
    exactly when s is odd.
    """
    n_bits = check.integer("n_bits", n_bits, 2, 16)
    gain = check.number("gain", gain, low=0, low_open=True)
    steep = check.number("steep", steep, low=0, low_open=True)
    eps = 1.0 / n_bits**2  # ramp slope: sigma(eps u) = 1/2 + eps u / 4 - O((eps u)^3)
    centres = 2.0 * np.arange(1, n_bits // 2 + 1) - 0.5  # where the steps sit, (n // 2,)
    slopes = np.concatenate([[eps], np.full(len(centres), steep)])  # (h,)
    W1 = np.ones((n_bits, 1)) * slopes  # every unit sees the count: (n, h)
    b1 = -slopes * np.concatenate([[n_bits / 2], centres])  # (h,)
    W2 = gain * np.concatenate([[4 / eps], np.full(len(centres), -2.0)])[:, None]  # (h, 1)
    b2 = gain * np.array([-2 / eps + n_bits / 2 - 0.5])  # (1,)
    return mlp.MLP((W1, W2), (b1, b2))
