"""The square wave's Fourier series against SciPy's sine integral and hand values."""
import numpy as np
import pytest
from scipy.special import sici

from lib.fourier import fejer_sum, gibbs_overshoot, harmonics, partial_sum, phasors, square_wave

GIBBS = 2 / np.pi * sici(np.pi)[0]  # (2/π) Si(π) ≈ 1.17898


def test_first_terms_by_hand():
    assert partial_sum(np.pi / 2, 1) == pytest.approx(4 / np.pi)
    assert partial_sum(np.pi / 2, 2) == pytest.approx(4 / np.pi * (1 - 1 / 3))
    k, a = harmonics(3)
    assert k.tolist() == [1, 3, 5] and np.allclose(a, 4 / (np.pi * np.array([1, 3, 5])))


def test_partial_sums_converge_away_from_the_jumps():
    t = np.linspace(0.3, np.pi - 0.3, 50)
    assert np.abs(partial_sum(t, 2000) - square_wave(t)).max() < 2e-3
    assert partial_sum(0.0, 50) == 0.0  # the midpoint of the jump


def test_gibbs_overshoot_tends_to_the_sine_integral_not_to_one():
    assert abs(gibbs_overshoot(2000) - GIBBS) < 1e-3
    assert gibbs_overshoot(100) > 1.17  # it does not shrink as terms are added


@pytest.mark.parametrize("n", [5, 50, 500])
def test_the_first_peak_is_at_pi_over_2n_and_is_a_midpoint_sum_of_si(n):
    # S_n'(t) = (2/π) sin(2nt) / sin t vanishes first at π/(2n); there S_n is (2/π) times the midpoint
    # Riemann sum of sin(u)/u over [0, π] with n strips, which tends to (2/π) Si(π)
    t = np.linspace(1e-3, np.pi - 1e-3, 7)
    h = 1e-6
    slope = (partial_sum(t + h, n) - partial_sum(t - h, n)) / (2 * h)
    assert np.allclose(slope, 2 / np.pi * np.sin(2 * n * t) / np.sin(t), atol=1e-5 * n)
    u = (2 * np.arange(n) + 1) * np.pi / (2 * n)
    midpoint = 2 / np.pi * (np.pi / n) * np.sum(np.sin(u) / u)
    assert partial_sum(np.pi / (2 * n), n) == pytest.approx(midpoint, rel=1e-12)
    assert gibbs_overshoot(n) == pytest.approx(midpoint, rel=1e-12)  # 4001 samples: the peak is one
    assert gibbs_overshoot(n, samples=400) <= midpoint  # an even grid misses it


@pytest.mark.parametrize("n", [1, 4, 25])
def test_fejer_sum_is_the_mean_of_the_partial_sums_and_never_overshoots(n):
    t = np.linspace(-np.pi, np.pi, 2001)
    # the partial sum up to frequency m holds the odd k <= m: (m + 1) // 2 terms (none for m = 0)
    sums = [partial_sum(t, (m + 1) // 2) if m else np.zeros_like(t) for m in range(2 * n)]
    assert np.allclose(fejer_sum(t, n), np.mean(sums, axis=0), atol=1e-12)
    assert np.abs(fejer_sum(t, n)).max() < 1  # a positive kernel: no overshoot
    assert partial_sum(t, n).max() > 1.08 or n == 1


def test_phasors_chain_to_the_partial_sum():
    for t in (0.2, 1.0, 2.5):
        tips = phasors(t, 7)
        assert tips[0] == 0 and tips[-1].imag == pytest.approx(partial_sum(t, 7))


@pytest.mark.parametrize("call", [lambda: partial_sum(1.0, 0), lambda: gibbs_overshoot(-2),
                                  lambda: harmonics(2.5), lambda: fejer_sum(1.0, 0)])
def test_bad_input_is_refused_clearly(call):
    with pytest.raises(ValueError, match="n_terms"):
        call()


def test_sine_series_against_closed_forms():
    from lib.fourier import sine_series
    t = np.linspace(0.1, 3.0, 7)
    n = 12  # Σ sin(kt), k = 1..n, = sin(nt/2) sin((n + 1)t/2) / sin(t/2) (Lagrange)
    lagrange = np.sin(n * t / 2) * np.sin((n + 1) * t / 2) / np.sin(t / 2)
    assert np.allclose(sine_series(t, np.ones(n)), lagrange, atol=1e-12)
    k = np.arange(1, 2001)  # the sawtooth t on (-π, π) at π/2: 2(1 - 1/3 + 1/5 ...) -> π/2
    sawtooth = 2 * (-1.0) ** (k + 1) / k
    assert abs(sine_series(np.pi / 2, sawtooth) - np.pi / 2) < 1e-3
    odd = np.where(k[:60] % 2 == 1, 4 / (np.pi * k[:60]), 0.0)  # the square wave's
    assert np.allclose(sine_series(t, odd), partial_sum(t, 30), atol=1e-12)
    assert sine_series(np.zeros((2, 3)), [1.0, 2.0]).shape == (2, 3)
