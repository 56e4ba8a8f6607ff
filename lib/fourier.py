"""A square wave as a sum of rotations: its Fourier partial sums and the Gibbs overshoot."""
from __future__ import annotations

import numpy as np


def _check_terms(n_terms) -> int:
    if not (isinstance(n_terms, (int, np.integer)) and n_terms >= 1):
        raise ValueError(f"n_terms must be a positive integer, got {n_terms}")
    return int(n_terms)


def square_wave(t) -> np.ndarray:
    """The square wave of amplitude 1 and period 2π: sign(sin t)."""
    return np.sign(np.sin(t))


def harmonics(n_terms: int) -> tuple[np.ndarray, np.ndarray]:
    """Frequencies k = 1, 3, 5, … and amplitudes 4/(πk) of the square wave's first n_terms terms."""
    k = 2 * np.arange(_check_terms(n_terms)) + 1
    return k, 4 / (np.pi * k)


def partial_sum(t, n_terms: int) -> np.ndarray:
    """Σ over the first n_terms odd k of (4/πk) sin(kt): the square wave's Fourier partial sum."""
    k, a = harmonics(n_terms)
    t = np.asarray(t, dtype=float)
    return np.sin(t[..., None] * k) @ a  # (..., n_terms) @ (n_terms,) -> (...)


def phasors(t: float, n_terms: int) -> np.ndarray:
    """Tips of the chained rotating vectors a_k e^(ikt), (n_terms + 1,) complex, starting at 0."""
    k, a = harmonics(n_terms)
    return np.concatenate([[0], np.cumsum(a * np.exp(1j * k * t))])


def gibbs_overshoot(n_terms: int, samples: int = 4001) -> float:
    """Maximum of the partial sum, found on a grid over (0, π/n_terms), which holds the first peak."""
    n = _check_terms(n_terms)
    t = np.linspace(0, np.pi / n, samples)
    return float(partial_sum(t, n).max())
