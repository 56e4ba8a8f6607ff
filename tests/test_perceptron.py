"""lib.perceptron against hand truth tables, Python's own bit operations and SciPy."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.special import comb

from lib import mlp
from dataclasses import replace

from lib.perceptron import (
    CORNERS, gate, linearly_separable, max_margin, neuron, parity, parity_network, parity_pattern,
    parity_table, perceptron_path, search_hidden_units, solves, step, train_perceptron, train_xor,
)


def test_neuron_by_hand():
    # 1*0.8 + 0.5*(-0.4) + (-1)*0.3 + 0.1 = 0.4
    assert neuron([1.0, 0.5, -1.0], [0.8, -0.4, 0.3], 0.1) == pytest.approx(np.tanh(0.4))
    assert neuron([2.0], [3.0], -1.0, f=lambda z: z) == 5.0


@pytest.mark.parametrize("name, op", [("and", lambda a, b: a and b), ("or", lambda a, b: a or b),
                                      ("nand", lambda a, b: not (a and b)), ("xor", lambda a, b: a != b)])
def test_gate_truth_tables(name, op):
    X, y = gate(name)
    assert [int(op(bool(a), bool(b))) for a, b in X.astype(int)] == list(y)


@pytest.mark.parametrize("name", ["and", "or", "nand"])
def test_perceptron_learns_separable_gates(name):
    X, y = gate(name)
    w, b, errors = train_perceptron(X, y, epochs=20)
    assert errors[-1] == 0 and len(errors) < 20
    assert np.array_equal(step(X @ w + b), y)


def test_perceptron_never_learns_xor():
    X, y = gate("xor")
    _, _, errors = train_perceptron(X, y, epochs=200)
    assert len(errors) == 200 and errors.min() > 0


def test_perceptron_converges_on_random_separable_data():
    # The convergence theorem: any linearly separable set is learned in finitely many updates.
    rng = np.random.default_rng(4)
    X = rng.uniform(-1, 1, size=(60, 3))
    margin = X @ np.array([1.0, -2.0, 0.5]) + 0.2
    X, y = X[np.abs(margin) > 0.1], (margin[np.abs(margin) > 0.1] > 0).astype(int)
    w, b, errors = train_perceptron(X, y, epochs=500)
    assert errors[-1] == 0 and np.array_equal(step(X @ w + b), y)


def test_linear_separability():
    assert [linearly_separable(*gate(g)) for g in ("and", "or", "nand", "xor")] == [True, True, True, False]
    assert not linearly_separable(*parity_table(3))
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    assert linearly_separable(X, np.array([0, 0, 1, 1]))
    assert not linearly_separable(X, np.array([0, 1, 0, 1]))


def test_documented_seed_learns_xor():
    net, history = train_xor(np.random.default_rng(1))
    X, y = gate("xor")
    assert np.abs(mlp.predict(net, X) - y).mean() < 0.1
    assert history[-1] < history[0]


def test_parity_truth_table():
    # parity of 0..15 written out by hand: count the ones in each 4-bit pattern
    assert list(parity(np.arange(16))) == [0, 1, 1, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0]
    X, y = parity_table(3)
    assert X.tolist() == [[0, 0, 0], [0, 0, 1], [0, 1, 0], [0, 1, 1],
                          [1, 0, 0], [1, 0, 1], [1, 1, 0], [1, 1, 1]]
    assert y.tolist() == [0, 1, 1, 0, 1, 0, 0, 1]


@given(st.lists(st.integers(0, 2**62), min_size=1, max_size=20))
def test_parity_equals_counting_ones(values):
    assert list(parity(np.array(values, dtype=np.int64))) == [bin(v).count("1") % 2 for v in values]


def test_parity_patterns():
    size = 32
    assert np.array_equal(parity_pattern("x & y", size),
                          [[bin(x & y).count("1") % 2 for x in range(size)] for y in range(size)])
    # odd binomial coefficients (exact integers from SciPy) draw Sierpinski's triangle (Kummer)
    assert np.array_equal(parity_pattern("C(x+y, x)", size),
                          [[comb(x + y, x, exact=True) % 2 for x in range(size)] for y in range(size)])


def test_xor_needs_two_hidden_units():
    # With one hidden unit the output is a monotone function of one linear form, so it can only
    # draw one line: XOR (2-bit parity) is out of reach, and two units suffice.
    search = search_hidden_units(2, np.random.default_rng(0), max_hidden=3, seeds=10, epochs=2000)
    assert search.solved[0] == 0 and search.fewest == 2 and search.starts == 10
    assert [net.sizes for net in search.nets] == [(2, 1, 1), (2, 2, 1), (2, 3, 1)]
    X, y = parity_table(2)
    right = np.all((mlp.predict(search.nets[1], X) > 0.5) == y, axis=-1)
    assert right.sum() == search.solved[1]  # the counts are the stored networks' own


@pytest.mark.parametrize("n_bits", range(2, 13))
def test_hand_built_parity_network_has_floor_half_plus_one_units(n_bits):
    # Setiono (1997): floor(n/2) + 1 sigmoid hidden units suffice for n-bit parity.
    X, y = parity_table(n_bits)
    net = parity_network(n_bits)
    assert net.sizes == (n_bits, n_bits // 2 + 1, 1) and net.hidden == "sigmoid"
    p = mlp.predict(net, X)
    assert np.array_equal(p > 0.5, y == 1) and np.abs(p - y).max() < 0.01


def _threshold_functions(n):
    """Every linearly separable Boolean function of n inputs, as truth tables over parity_table."""
    X, _ = parity_table(n)
    tables = ((np.arange(2 ** 2 ** n)[:, None] >> np.arange(2 ** n)) & 1)  # all functions
    return X, [t for t in tables if linearly_separable(X, t)]


def test_three_bit_parity_needs_three_threshold_hidden_units():
    # The minimum for hard-threshold hidden units without skip connections is n for n <= 4
    # ("Minimal feedforward parity networks using threshold gates", Neural Computation 2001).
    # Check n = 3 by exhaustion: 104 threshold functions of 3 inputs (a known count), and no
    # pair of them gives the output unit a code from which parity is linearly separable.
    X, functions = _threshold_functions(3)
    _, y = parity_table(3)
    assert len(functions) == 104
    for h1 in functions:
        for h2 in functions:
            codes = h1 * 2 + h2  # the hidden code of each pattern, 0..3
            label = {}
            if any(label.setdefault(c, t) != t for c, t in zip(codes, y)):
                continue  # two patterns of different parity share a code
            # on {0,1}^2 only XOR and XNOR of all four codes are not linearly separable
            assert len(label) == 4 and label[0] == label[3] != label[1] == label[2]
    # and three threshold units do it: unit k fires when at least k inputs are on
    counts = X.sum(axis=1)
    hidden = (counts[:, None] >= np.arange(1, 4)).astype(int)
    assert linearly_separable(hidden, y)


@pytest.mark.parametrize("call, error, words", [
    (lambda: parity(np.array([1.5])), TypeError, "integers"),
    (lambda: parity(np.array([-1])), ValueError, "non-negative"),
    (lambda: parity_table(0), ValueError, "n_bits"),
    (lambda: parity_pattern("x % y"), ValueError, "rule must be one of"),
    (lambda: parity_pattern("x & y", size=0), ValueError, "size"),
    (lambda: gate("nor"), ValueError, "name must be one of"),
    (lambda: train_perceptron(np.ones((4, 2)), np.ones(3)), ValueError, "shapes"),
    (lambda: train_perceptron(np.full((2, 2), np.nan), np.ones(2)), ValueError, "finite"),
    (lambda: train_perceptron(np.ones((2, 2)), np.array([0, 2])), ValueError, "0 or 1"),
    (lambda: train_perceptron(*gate("and"), lr=0), ValueError, "lr"),
    (lambda: train_perceptron(*gate("and"), epochs=0), ValueError, "epochs"),
    (lambda: neuron([1, 2], [1], 0), ValueError, "equal length"),
    (lambda: linearly_separable(np.ones(4), np.ones(4)), ValueError, "shapes"),
    (lambda: parity_network(1), ValueError, "n_bits"),
    (lambda: parity_network(4, gain=0), ValueError, "gain"),
    (lambda: perceptron_path(*gate("and"), epochs=0), ValueError, "epochs"),
    (lambda: perceptron_path(CORNERS, np.array([0, 1, 2, 1])), ValueError, "y"),
    (lambda: search_hidden_units(2, 0), TypeError, "rng"),
    (lambda: solves(parity_network(2), CORNERS, np.array([0, 1, 1])), ValueError, "y"),
])
def test_bad_input_is_refused_clearly(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_path_ends_where_train_perceptron_does_and_changes_only_on_mistakes():
    for name in ("and", "or", "nand"):
        X, y = gate(name)
        w, b, errors = train_perceptron(X, y, epochs=20)
        path = perceptron_path(X, y, epochs=20)
        assert path.shape == (20 * 4 + 1, 3) and np.all(path[0] == 0)
        assert np.array_equal(path[4 * len(errors)], np.append(w, b))  # where it stopped
        assert np.all(path[4 * len(errors):] == path[-1])  # and stays: no more mistakes
        # replay by hand: a row changes exactly when the point shown was misclassified
        for k in range(1, len(path)):
            x_k, t_k = X[(k - 1) % 4], y[(k - 1) % 4]
            mistake = int(x_k @ path[k - 1, :2] + path[k - 1, 2] > 0) != t_k
            assert np.any(path[k] != path[k - 1]) == mistake


def test_xor_path_cycles_from_the_second_epoch():
    # worked by hand: after epoch 1 (-1, 0, 0); each later epoch updates at (0, 0) -> (-1, 0, 0),
    # (0, 1) -> (-1, 1, 1), (1, 0) -> (0, 1, 2), (1, 1) -> (-1, 0, 1), and round again
    path = perceptron_path(*gate("xor"), epochs=6)
    assert path[4].tolist() == [-1, 0, 0]
    assert all(path[4 * k].tolist() == [-1, 0, 1] for k in range(2, 7))
    assert path[9:13].tolist() == [[-1, 0, 0], [-1, 1, 1], [0, 1, 2], [-1, 0, 1]]


def test_learning_rate_does_not_matter_from_zero_weights():
    for name in ("and", "or"):
        X, y = gate(name)
        paths = [perceptron_path(X, y, lr=lr, epochs=8) for lr in (0.1, 1.0, 7.0)]
        assert np.allclose(paths[0] * 10, paths[1]) and np.allclose(paths[2] / 7, paths[1])


@pytest.mark.parametrize("X, y, gamma", [
    (np.array([[0.0], [1.0]]), np.array([0, 1]), 1 / np.sqrt(5)),  # by hand: v = (2, -1) / sqrt 5
    (CORNERS, np.array([0, 0, 0, 1]), 1 / np.sqrt(17)),  # AND: u = (2, 2, -3) / sqrt 17
    (CORNERS, np.array([0, 1, 1, 1]), 1 / 3),  # OR: u = (2, 2, -1) / 3
])
def test_max_margin_closed_forms(X, y, gamma):
    got, u = max_margin(X, y)
    assert got == pytest.approx(gamma, rel=1e-9) and np.linalg.norm(u) == pytest.approx(1)
    A = (2 * y - 1)[:, None] * np.column_stack([X, np.ones(len(X))])
    assert np.min(A @ u) == pytest.approx(gamma, rel=1e-9)


def test_max_margin_beats_every_other_separator_and_bounds_the_mistakes():
    rng = np.random.default_rng(3)
    X = rng.uniform(-1, 1, size=(30, 2))
    y = (X @ np.array([1.0, -0.5]) + 0.1 > 0).astype(int)
    gamma, _ = max_margin(X, y)
    A = (2 * y - 1)[:, None] * np.column_stack([X, np.ones(len(X))])
    U = rng.normal(size=(20000, 3))
    U /= np.linalg.norm(U, axis=1, keepdims=True)
    assert np.max(np.min(U @ A.T, axis=1)) <= gamma + 1e-12  # no random direction does better
    R2 = np.max(np.sum(A**2, axis=1))
    mistakes = np.any(np.diff(perceptron_path(X, y, epochs=200), axis=0) != 0, axis=1).sum()
    assert mistakes <= R2 / gamma**2  # Novikoff


def test_max_margin_refuses_xor():
    with pytest.raises(ValueError, match="linearly separable"):
        max_margin(*gate("xor"))


def test_train_xor_scale_per_network():
    # a scale of 1 for every network is the default start, bit for bit; a scale of 2 doubles it
    a, _ = train_xor(np.random.default_rng(5), stack=3, epochs=1)
    b, _ = train_xor(np.random.default_rng(5), stack=3, epochs=1, scale=np.ones(3))
    assert all(np.array_equal(u, v) for u, v in zip(a.W + a.b, b.W + b.b))
    start1 = mlp.init_mlp((2, 2, 1), np.random.default_rng(5), stack=3)
    c, _ = train_xor(np.random.default_rng(5), stack=3, epochs=1, scale=np.array([1.0, 2.0, 0.5]))
    d, _ = mlp.train(replace(start1, W=tuple(W * np.array([1.0, 2.0, 0.5])[:, None, None]
                                            for W in start1.W)), *gate("xor"), epochs=1, lr=2.0,
                     momentum=0.9)
    assert all(np.array_equal(u, v) for u, v in zip(c.W + c.b, d.W + d.b))
    with pytest.raises(ValueError, match="scale"):
        train_xor(np.random.default_rng(5), stack=3, scale=np.ones(2))
    with pytest.raises(ValueError, match="scale"):
        train_xor(np.random.default_rng(5), scale=np.ones(1))


def test_solves():
    X4, y4 = parity_table(4)
    net = parity_network(4)
    assert solves(net, X4, y4) is True and solves(net, X4, 1 - y4) is False
    stack = mlp.MLP(tuple(np.stack([w, w]) for w in net.W), tuple(np.stack([c, -c]) for c in net.b))
    right = np.all((mlp.predict(stack, X4) > 0.5) == y4, axis=-1)
    assert solves(stack, X4, y4).tolist() == right.tolist() == [True, False]


def test_hand_built_ramp_is_a_linear_pass_through():
    # the ramp unit times its output weight is s (up to a constant) to within a small error:
    # a connection that skips the hidden layer, in disguise
    for n in (2, 3, 4, 8):
        net = parity_network(n)
        X, _ = parity_table(n)
        ramp = mlp.forward(net, X)[1][:, 0] * net.W[1][0, 0]
        s = X.sum(axis=1)
        slope, intercept = np.polyfit(s, ramp, 1)
        assert slope == pytest.approx(net.W[1][0, 0] * net.W[0][0, 0] / 4, rel=1e-2)
        # off the line by under 1 % of the drop of 2 * gain = 20 that each step makes
        assert np.abs(ramp - (slope * s + intercept)).max() < 0.2
