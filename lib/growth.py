"""(1 + x/N)^N and its relatives: compound growth converging to e^x."""
from __future__ import annotations

import numpy as np


def _check_N(N) -> np.ndarray:
    N = np.asarray(N)
    if N.size == 0:
        raise ValueError("N must not be empty")
    if not np.issubdtype(N.dtype, np.integer) and not np.all(np.isfinite(N)):
        raise ValueError("N must be finite")
    if np.any(N < 1):
        raise ValueError(f"N must be >= 1, got min {N.min()}")
    return N.astype(float)


def compound(N, x=1.0) -> np.ndarray:
    """(1 + x/N)^N: a unit growing at rate x, compounded N times; broadcasts over N and x."""
    N = _check_N(N)
    x = np.asarray(x, dtype=float)
    if not np.all(np.isfinite(x)):
        raise ValueError("x must be finite")
    with np.errstate(divide="ignore"):  # x = -N gives log1p(-1) = -inf and the right answer, 0
        return np.exp(N * np.log1p(x / N))  # log1p keeps 1 + x/N exact for large N


def compound_error(N) -> np.ndarray:
    """e - (1 + 1/N)^N, computed without cancellation: -e * expm1(N ln(1 + 1/N) - 1)."""
    N = _check_N(N)
    return -np.e * np.expm1(N * np.log1p(1 / N) - 1)


def grey_spectrum(N_max: int, x) -> np.ndarray:
    """(N_max, len(x)) image: row N-1 holds (1 + x/N)^N for every x, approaching e^x down the rows."""
    if not (isinstance(N_max, (int, np.integer)) and N_max >= 1):
        raise ValueError(f"N_max must be a positive integer, got {N_max}")
    x = np.asarray(x, dtype=float)
    if x.ndim != 1 or x.size == 0:
        raise ValueError(f"x must be a non-empty 1-D array, got shape {x.shape}")
    if np.any(x < -1):
        raise ValueError("x must be >= -1 so that 1 + x/N is not negative for N = 1")
    return compound(np.arange(1, N_max + 1)[:, None], x[None, :])  # (N, 1) with (1, X) -> (N, X)


def never_drawn(N) -> np.ndarray:
    """Chance that a given item is missed by N draws with replacement from N items: (1 - 1/N)^N."""
    return compound(N, -1.0)


def bootstrap_misses(N: int, rng: np.random.Generator) -> np.ndarray:
    """One bootstrap sample of N items: (N,) booleans, True where the item was never drawn."""
    if not (isinstance(N, (int, np.integer)) and N >= 1):
        raise ValueError(f"N must be a positive integer, got {N}")
    drawn = np.zeros(N, dtype=bool)
    drawn[rng.integers(0, N, size=N)] = True
    return ~drawn
