"""A square wave as a sum of rotations: its Fourier partial sums and the Gibbs overshoot."""
from __future__ import annotations

import numpy as np

from lib import check


def _check_terms(n_terms) -> int:
    n_terms = check.integer("n_terms", n_terms)
    check.fits("n_terms", n_terms, 16 * n_terms)
    return n_terms


def square_wave(t) -> np.ndarray:
    """The square wave of amplitude 1 and period 2π: sign(sin t)."""
    t = check.array("t", t, empty=True, dtype=None)
    return np.sign(np.sin(t))


def harmonics(n_terms: int) -> tuple[np.ndarray, np.ndarray]:
    """Frequencies k = 1, 3, 5, … and amplitudes 4/(πk) of the square wave's first n_terms terms."""
    k = 2 * np.arange(_check_terms(n_terms)) + 1
    return k, 4 / (np.pi * k)


def partial_sum(t, n_terms: int) -> np.ndarray:
    """Σ over the first n_terms odd k of (4/πk) sin(kt): the square wave's Fourier partial sum."""
    k, a = harmonics(n_terms)
    t = check.array("t", t, empty=True)
    check.fits("n_terms", n_terms, 16 * t.size * len(k))
    return np.sin(t[..., None] * k) @ a  # (..., n_terms) @ (n_terms,) -> (...)


def fejer_sum(t, n_terms: int) -> np.ndarray:
    """The partial sum with the k-th term weighted by 1 - k/(2 n_terms): the Fejér mean (Fejér 1900),
    the average of the partial sums up to frequency 2 n_terms - 1, which never overshoots |1|."""
    k, a = harmonics(n_terms)
    t = check.array("t", t, empty=True)
    check.fits("n_terms", n_terms, 16 * t.size * len(k))
    return np.sin(t[..., None] * k) @ (a * (1 - k / (2 * len(k))))  # (..., n_terms) @ (n_terms,) -> (...)


def sine_series(t, b) -> np.ndarray:
    """Σ_k b_k sin(kt) for k = 1, 2, …, len(b): a sine series with coefficients b (b[0] for k = 1)."""
    t = check.array("t", t, empty=True)
    b = check.array("b", b, ndim=1, axes="(one coefficient per frequency k = 1, 2, ...)")
    check.fits("b", len(b), 16 * t.size * len(b))
    k = np.arange(1, len(b) + 1)
    return np.sin(t[..., None] * k) @ b  # (..., K) @ (K,) -> (...)


def phasors(t: float, n_terms: int) -> np.ndarray:
    """Tips of the chained rotating vectors a_k e^(ikt), (n_terms + 1,) complex, starting at 0."""
    t = check.number("t", t)
    k, a = harmonics(n_terms)
    return np.concatenate([[0], np.cumsum(a * np.exp(1j * k * t))])


def gibbs_overshoot(n_terms: int, samples: int = 4001) -> float:
    """Maximum of the partial sum on a grid of `samples` points over [0, π/n_terms], which holds the
    first peak at π/(2 n_terms): an odd number of samples puts a point on it and gives the peak
    exactly, an even number a lower bound."""
    n, samples = _check_terms(n_terms), check.integer("samples", samples, low=3)  # 3 holds the peak, pi / 2n
    check.fits("samples", samples, 16 * samples * n)
    t = np.linspace(0, np.pi / n, samples)
    return float(partial_sum(t, n).max())
