"""The square wave's Fourier series against SciPy's sine integral and hand values."""
import numpy as np
import pytest
from scipy.special import sici

from lib.fourier import gibbs_overshoot, harmonics, partial_sum, phasors, square_wave

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


def test_phasors_chain_to_the_partial_sum():
    for t in (0.2, 1.0, 2.5):
        tips = phasors(t, 7)
        assert tips[0] == 0 and tips[-1].imag == pytest.approx(partial_sum(t, 7))


@pytest.mark.parametrize("call", [lambda: partial_sum(1.0, 0), lambda: gibbs_overshoot(-2),
                                  lambda: harmonics(2.5)])
def test_bad_input_is_refused_clearly(call):
    with pytest.raises(ValueError, match="n_terms"):
        call()
