"""(1 + x/N)^N against e, its asymptote e/(2N), and the bootstrap's 1/e."""
import math

import numpy as np
import pytest

from lib.growth import bootstrap_misses, compound, compound_error, grey_spectrum, never_drawn


def test_compound_by_hand_and_limit():
    assert compound(1) == 2.0 and compound(2) == 2.25 and compound(4) == pytest.approx(625 / 256)
    assert compound(10**12) == pytest.approx(math.e, rel=1e-12)
    assert compound(10**9, x=-2.0) == pytest.approx(math.exp(-2.0), rel=1e-8)


def test_error_times_2N_over_e_tends_to_one():
    N = np.array([10**3, 10**5, 10**7])
    ratio = compound_error(N) * 2 * N / math.e
    # the next term of the expansion: e - (1 + 1/N)^N = e/(2N) - 11e/(24N^2) + ..., so ratio = 1 - 11/(12N)
    assert np.allclose(ratio, 1 - 11 / (12 * N), rtol=1e-6)
    assert np.all(np.diff(np.abs(ratio - 1)) < 0)


def test_grey_spectrum_rows_converge_to_exp():
    x = np.linspace(0, 2, 9)
    image = grey_spectrum(500, x)
    assert image.shape == (500, 9)
    assert np.allclose(image[0], 1 + x) and np.allclose(image[1], (1 + x / 2) ** 2)
    assert grey_spectrum(3, [-1.0])[:, 0].tolist() == [0.0, 0.25, pytest.approx(8 / 27)]
    gaps = np.abs(image - np.exp(x)).max(axis=1)
    assert np.all(np.diff(gaps) < 0)  # every row is closer to e^x than the one before
    # e^x - (1 + x/N)^N ≈ e^x x^2 / (2N): at x = 2, N = 500 that is 4 e^2 / 1000
    assert gaps[-1] == pytest.approx(4 * np.exp(2) / 1000, rel=0.01)


def test_never_drawn_and_bootstrap():
    assert never_drawn(1) == 0.0 and never_drawn(2) == 0.25
    assert never_drawn(10**9) == pytest.approx(1 / math.e, rel=1e-8)
    rng = np.random.default_rng(0)
    N = 100_000
    missed = bootstrap_misses(N, rng).mean()
    # each item is missed with probability (1 - 1/N)^N; the count's std is below sqrt(N)/2
    assert abs(missed - never_drawn(N)) < 4 * 0.5 / math.sqrt(N)


@pytest.mark.parametrize("call", [
    lambda: compound(0), lambda: compound([]), lambda: compound(np.nan), lambda: compound(5, np.inf),
    lambda: compound_error(-3), lambda: grey_spectrum(0, [1.0]), lambda: grey_spectrum(5, []),
    lambda: grey_spectrum(5, [-1.5]), lambda: bootstrap_misses(0, np.random.default_rng()),
])
def test_bad_input_is_refused_clearly(call):
    with pytest.raises(ValueError, match="N|x"):
        call()
