"""Scoring rules and calibration, against hand computations and SciPy."""
import numpy as np
import pytest
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax

from lib.calibration import brier, confidence_bins, ece, fit_temperature, nll
from lib.softmax import cross_entropy

P = np.array([[0.7, 0.2, 0.1],
              [0.1, 0.6, 0.3],
              [0.25, 0.25, 0.5],
              [0.9, 0.05, 0.05]])
y = np.array([0, 2, 2, 1])


def test_nll_by_hand_and_as_the_cross_entropy_of_logits():
    assert nll(P, y) == pytest.approx(-(np.log(0.7) + np.log(0.3) + np.log(0.5) + np.log(0.05)) / 4)
    z = np.random.default_rng(0).normal(0, 3, (50, 5))
    labels = np.random.default_rng(1).integers(0, 5, 50)
    assert nll(softmax(z, axis=1), labels) == pytest.approx(cross_entropy(z, labels))
    assert nll(softmax(z, axis=1), labels) == pytest.approx(-log_softmax(z, axis=1)[np.arange(50), labels].mean())
    assert nll(np.array([[1.0, 0.0]]), [1]) == np.inf  # certain and wrong


def test_brier_by_hand():
    rows = [0.3**2 + 0.2**2 + 0.1**2, 0.1**2 + 0.6**2 + 0.7**2, 0.25**2 + 0.25**2 + 0.5**2,
            0.9**2 + 0.95**2 + 0.05**2]
    assert brier(P, y) == pytest.approx(np.mean(rows))
    assert brier(np.eye(3), [0, 1, 2]) == 0 and brier(np.eye(3), [1, 2, 0]) == 2


def test_ece_by_hand():
    # confidences 0.7, 0.6, 0.5, 0.9; right, wrong, right, wrong. Five bins of width 0.2:
    # (0.4, 0.6] holds 0.6 (wrong) and 0.5 (right): mean confidence 0.55, accuracy 0.5;
    # (0.6, 0.8] holds 0.7 (right): 0.7 against 1; (0.8, 1] holds 0.9 (wrong): 0.9 against 0.
    conf, acc, count = confidence_bins(P, y, bins=5)
    assert count.tolist() == [0, 0, 2, 1, 1]
    assert np.allclose(conf[2:], [0.55, 0.7, 0.9]) and np.allclose(acc[2:], [0.5, 1, 0])
    assert np.isnan(conf[0]) and np.isnan(acc[1])
    assert ece(P, y, bins=5) == pytest.approx(2 / 4 * 0.05 + 1 / 4 * 0.3 + 1 / 4 * 0.9)
    # one bin: |mean confidence - accuracy| over everything
    assert ece(P, y, bins=1) == pytest.approx(abs(np.mean([0.7, 0.6, 0.5, 0.9]) - 0.5))


def test_a_calibrated_forecaster_has_a_small_ece_and_an_overconfident_one_does_not():
    rng = np.random.default_rng(2)
    q = rng.uniform(0.5, 1, 20_000)  # the true probability that class 0 is right
    y = (rng.random(20_000) >= q).astype(int)  # class 0 with probability q
    honest = np.column_stack([q, 1 - q])
    sure = np.column_stack([np.full_like(q, 0.99), np.full_like(q, 0.01)])
    assert ece(honest, y) < 0.02 < 0.2 < ece(sure, y)
    # proper scoring rules prefer the honest forecast
    assert nll(honest, y) < nll(sure, y) and brier(honest, y) < brier(sure, y)


@pytest.mark.parametrize("call, words", [
    (lambda: nll(np.array([[0.5, 0.6]]), [0]), "sum to 1"),
    (lambda: brier(np.array([[1.5, -0.5]]), [0]), "P"),
    (lambda: ece(P, y[:3]), "y"),
    (lambda: ece(P, y, bins=0), "bins"),
    (lambda: nll(P, [0, 1, 2, 3]), "y"),
])
def test_bad_input_is_refused_by_name(call, words):
    with pytest.raises(ValueError, match=words):
        call()


def test_fit_temperature_is_scipys_minimum_of_the_nll_and_recovers_a_known_temperature():
    # labels drawn from softmax(z / 2.5): the fitted temperature should be near 2.5, and it
    # should be the minimum SciPy's bounded search finds for the NLL as a function of T
    rng = np.random.default_rng(7)
    z = rng.normal(0, 4, (20_000, 5))
    P_true = softmax(z / 2.5, axis=1)
    labels = (P_true.cumsum(axis=1) > rng.random((20_000, 1))).argmax(axis=1)
    T = fit_temperature(z, labels)
    assert T == pytest.approx(2.5, rel=0.05)
    loss = lambda t: -log_softmax(z / t, axis=1)[np.arange(20_000), labels].mean()
    best = minimize_scalar(loss, bounds=(0.1, 20), method="bounded", options={"xatol": 1e-9})
    assert T == pytest.approx(best.x, rel=1e-5)
    h = 1e-4 * T  # the NLL is flat at T: a central difference
    assert abs(loss(T + h) - loss(T - h)) / (2 * h) < 1e-6


def test_temperature_keeps_the_ranking_and_overconfident_logits_get_t_above_1():
    rng = np.random.default_rng(8)
    z = rng.normal(0, 2, (5_000, 3))
    labels = (softmax(z, axis=1).cumsum(axis=1) > rng.random((5_000, 1))).argmax(axis=1)
    T = fit_temperature(3 * z, labels)  # logits three times too large
    assert T == pytest.approx(3, rel=0.1)
    assert np.array_equal(softmax(3 * z / T, axis=1).argmax(1), z.argmax(1))


def test_no_finite_temperature_is_refused():
    z = np.array([[2.0, 0.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match="Z: every true class"):
        fit_temperature(z, [0, 1])  # all right: the NLL falls as T -> 0
    with pytest.raises(ValueError, match="uniform"):
        fit_temperature(z, [1, 0])  # all wrong: best with T -> infinity
