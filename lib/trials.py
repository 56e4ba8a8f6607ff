"""Repeated experiments: a comparison measured over several seeds, and reported with its spread.

    scores = repeat(lambda setting, seed: accuracy(setting, seed), ["a", "b"], seeds=range(5))
    print(table(scores))               # a   72.1 % ± 1.3 %  (n = 5)
    verdict = compare(scores["a"], scores["b"])

A claim that A beats B is made only when the gap is larger than its spread: `compare` pairs the
runs seed by seed (same data, same start) and calls a winner only when the mean paired
difference is larger than the standard deviation of those differences.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes


@dataclass(frozen=True)
class Summary:
    """Mean, sample standard deviation (ddof = 1) and number of runs."""

    mean: float
    sd: float
    n: int

    def format(self, spec: str = ".1%") -> str:
        return f"{self.mean:{spec}} ± {self.sd:{spec}} (n = {self.n})"


@dataclass(frozen=True)
class Comparison:
    """A against B, seed by seed: mean and sd of the paired differences A - B, and the verdict
    "A", "B", or "neither" when the gap is not larger than the spread."""

    gap: float
    sd: float
    n: int
    verdict: str


def _values(values, name: str = "values") -> np.ndarray:
    v = np.asarray(values, dtype=float)
    if v.ndim != 1 or len(v) < 2:
        raise ValueError(f"{name} must be a 1-D sequence of at least two runs, got shape {v.shape}")
    if not np.all(np.isfinite(v)):
        raise ValueError(f"{name} must be finite, got NaN or inf")
    return v


def summarise(values) -> Summary:
    """Mean, sample standard deviation and count of one measurement over runs."""
    v = _values(values)
    return Summary(float(v.mean()), float(v.std(ddof=1)), len(v))


def repeat(trial, settings, seeds) -> dict:
    """{setting: (runs,) array of trial(setting, seed) for each seed}, seeds in the given order."""
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds must not be empty")
    return {s: np.array([float(trial(s, seed)) for seed in seeds]) for s in settings}


def compare(a, b) -> Comparison:
    """A against B over paired runs (run i of each used the same seed)."""
    a, b = _values(a, "a"), _values(b, "b")
    if a.shape != b.shape:
        raise ValueError(f"a and b must hold the same number of paired runs, got {len(a)} and {len(b)}")
    d = a - b
    gap, sd = float(d.mean()), float(d.std(ddof=1))
    verdict = "A" if gap > sd else "B" if -gap > sd else "neither"
    return Comparison(gap, sd, len(d), verdict)


def table(results: dict, spec: str = ".1%") -> str:
    """One line per setting: name, mean ± sd, and the number of runs."""
    width = max(len(str(k)) for k in results)
    return "\n".join(f"{str(k):<{width}}  {summarise(v).format(spec)}" for k, v in results.items())


def plot_spread(ax: Axes, x, runs, *, label: str | None = None, color=None, offset: float = 0.0):
    """Every run as a small dot and their mean ± sd as a line with error bars.

    x: (m,) positions; runs: (m, r) values, r runs at each position; offset shifts the points
    sideways (in units of x) so that several settings can share an axis.
    """
    x, runs = np.asarray(x, dtype=float), np.asarray(runs, dtype=float)
    if runs.ndim != 2 or runs.shape[0] != len(x) or runs.shape[1] < 2:
        raise ValueError(f"runs must be (len(x), runs >= 2) = ({len(x)}, r), got {runs.shape}")
    mean, sd = runs.mean(axis=1), runs.std(axis=1, ddof=1)
    line = ax.errorbar(x + offset, mean, yerr=sd, marker="o", ms=5, capsize=3, label=label, color=color)
    colour = line[0].get_color()
    ax.scatter(np.repeat(x + offset, runs.shape[1]), runs.ravel(), s=8, color=colour, alpha=0.45,
               linewidths=0, zorder=3)
    return ax
