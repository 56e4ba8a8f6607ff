"""lib.perceptron against hand truth tables, Python's own bit operations and SciPy."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.special import comb

from lib import mlp
from lib.perceptron import (
    gate, linearly_separable, neuron, parity, parity_network, parity_pattern, parity_table,
    search_hidden_units, step, train_perceptron, train_xor,
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
    # odd binomial coefficients (exact integers from SciPy) draw Sierpinski's triangle
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
])
def test_bad_input_is_refused_clearly(call, error, words):
    with pytest.raises(error, match=words):
        call()
