"""(1 + x/N)^N and its relatives: compound growth converging to e^x."""
from __future__ import annotations

import numpy as np

from lib import check


def _check_N(N) -> np.ndarray:
    N = check.array("N", N, dtype=None)
    if np.any(N < 1):
        raise ValueError(f"N must be >= 1, got min {N.min()}")
    return N.astype(float)


def compound(N, x=1.0) -> np.ndarray:
    """(1 + x/N)^N: a unit growing at rate x, compounded N times; broadcasts over N and x."""
    N, x = _check_N(N), check.array("x", x, empty=True)
    r = x / N
    below = r < -1  # 1 + x/N < 0: real only for whole N, where its sign is (-1)^N
    if np.any(below & (N != np.round(N))):
        raise ValueError("x must be >= -N where N is not a whole number: (1 + x/N)^N is not real there")
    with np.errstate(divide="ignore"):  # x = -N gives log1p(-1) = -inf and the right answer, 0
        power = np.exp(N * np.log1p(np.where(below, -2 - r, r)))  # log1p keeps 1 + x/N exact for large N
    return np.where(below & (N % 2 == 1), -power, power)[()]  # [()]: a scalar stays a scalar


def compound_error(N) -> np.ndarray:
    """e - (1 + 1/N)^N, computed without cancellation: -e * expm1(N ln(1 + 1/N) - 1)."""
    N = _check_N(N)
    return -np.e * np.expm1(N * np.log1p(1 / N) - 1)


def grey_spectrum(N_max: int, x) -> np.ndarray:
    """(N_max, len(x)) image: row N-1 holds (1 + x/N)^N for every x, approaching e^x down the rows."""
    N_max, x = check.integer("N_max", N_max), check.array("x", x, ndim=1)
    check.fits("N_max", N_max, 32 * N_max * x.size)
    if np.any(x < -1):
        raise ValueError("x must be >= -1 so that 1 + x/N is not negative for N = 1")
    return compound(np.arange(1, N_max + 1)[:, None], x[None, :])  # (N, 1) with (1, X) -> (N, X)


def never_drawn(N) -> np.ndarray:
    """Chance that a given item is missed by N draws with replacement from N items: (1 - 1/N)^N."""
    return compound(N, -1.0)


def bootstrap_misses(N: int, rng: np.random.Generator) -> np.ndarray:
    """One bootstrap sample of N items: (N,) booleans, True where the item was never drawn."""
    N, rng = check.integer("N", N), check.generator("rng", rng)
    check.fits("N", N, 10 * N)
    drawn = np.zeros(N, dtype=bool)
    drawn[rng.integers(0, N, size=N)] = True
    return ~drawn
