"""Softmax, log-sum-exp and cross-entropy against SciPy and finite differences."""
import numpy as np
import pytest
import scipy.special
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lib.softmax import (
    cross_entropy, cross_entropy_gradient, logsumexp, naive_softmax, sigmoid, sigmoid_derivative, softmax,
)

logit_arrays = arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 8)),
                      elements=st.floats(-1000, 1000))


@given(logit_arrays)
def test_softmax_and_logsumexp_equal_scipy(z):
    assert np.allclose(softmax(z, axis=1), scipy.special.softmax(z, axis=1), rtol=1e-12, atol=1e-300)
    assert np.allclose(logsumexp(z, axis=1), scipy.special.logsumexp(z, axis=1), rtol=1e-12)


@given(logit_arrays, st.floats(0.05, 20))
def test_softmax_rows_are_distributions(z, temperature):
    p = softmax(z, axis=1, temperature=temperature)
    assert np.all(p >= 0) and np.allclose(p.sum(axis=1), 1)


def test_near_plus_and_minus_1000():
    for z in ([1000.0, 1001.0, 1002.0], [-1000.0, -1001.0, -1002.0]):
        assert np.allclose(softmax(z), scipy.special.softmax(z))
        assert logsumexp(z) == pytest.approx(scipy.special.logsumexp(z))
    with np.errstate(over="ignore", invalid="ignore"):
        assert np.all(np.isnan(naive_softmax([1000.0, 1001.0, 1002.0])))  # what the shift prevents


def test_temperature_by_hand():
    # T = 2 halves the logits: softmax([0, ln 4] / 2) = softmax([0, ln 2]) = [1/3, 2/3]
    assert np.allclose(softmax([0.0, np.log(4)], temperature=2.0), [1 / 3, 2 / 3])


def test_sigmoid_and_its_derivative():
    z = np.array([-800.0, -3.0, 0.0, 2.5, 800.0])
    assert np.allclose(sigmoid(z), scipy.special.expit(z), rtol=1e-15, atol=0)
    h = 1e-6
    zs = np.linspace(-6, 6, 25)
    fd = (scipy.special.expit(zs + h) - scipy.special.expit(zs - h)) / (2 * h)
    assert np.allclose(sigmoid_derivative(zs), fd, atol=1e-9)


def test_cross_entropy_and_its_gradient():
    rng = np.random.default_rng(0)
    z, y = rng.normal(size=(4, 5)) * 3, np.array([0, 3, 4, 1])
    p = scipy.special.softmax(z, axis=1)
    assert cross_entropy(z, y) == pytest.approx(-np.mean(np.log(p[np.arange(4), y])))
    grad, h = np.zeros_like(z), 1e-6
    for idx in np.ndindex(z.shape):
        up, down = z.copy(), z.copy()
        up[idx] += h
        down[idx] -= h
        grad[idx] = (cross_entropy(up, y) - cross_entropy(down, y)) / (2 * h)
    assert np.allclose(cross_entropy_gradient(z, y), grad, atol=1e-9)
    onehot = np.eye(5)[y]
    assert np.allclose(cross_entropy_gradient(z, y), (p - onehot) / 4)  # the closed form p - y


def test_cross_entropy_of_confident_wrong_answers_stays_finite():
    assert cross_entropy(np.array([[1000.0, -1000.0]]), np.array([1])) == pytest.approx(2000.0)


@pytest.mark.parametrize("call, words", [
    (lambda: softmax([]), "empty"),
    (lambda: softmax([1.0, np.nan]), "finite"),
    (lambda: softmax([1.0, np.inf]), "finite"),
    (lambda: softmax([1.0, 2.0], temperature=0), "temperature"),
    (lambda: softmax([1.0, 2.0], temperature=-1), "temperature"),
    (lambda: logsumexp([]), "empty"),
    (lambda: sigmoid([np.nan]), "finite"),
    (lambda: cross_entropy(np.zeros((2, 3)), np.array([0, 3])), "classes"),
    (lambda: cross_entropy(np.zeros((2, 3)), np.array([0])), "shapes"),
])
def test_bad_input_is_refused_clearly(call, words):
    with pytest.raises(ValueError, match=words):
        call()
