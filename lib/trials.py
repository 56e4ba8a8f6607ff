"""Repeated experiments: a comparison measured over several seeds, and reported with its spread.

    scores = repeat(lambda setting, seed: accuracy(setting, seed), ["a", "b"], seeds=range(5))
    print(table(scores))               # a   72.1 % ± 1.3 %  (n = 5)
    verdict = compare(scores["a"], scores["b"])

A claim that A beats B is a statement about the mean paired difference, so `compare` pairs the
runs seed by seed (same data, same start), gives that mean with a 95 % confidence interval from
Student's t distribution with n - 1 degrees of freedom (the paired t interval), and calls a winner
only when the interval excludes zero. The interval narrows as runs are added, as a test's
power grows; it assumes the paired differences are roughly normal, which five runs cannot check.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from scipy import stats

from lib import check


@dataclass(frozen=True)
class Summary:
    """Mean, sample standard deviation (ddof = 1) and number of runs."""

    mean: float
    sd: float
    n: int

    def format(self, spec: str = ".1%") -> str:
        _check_spec(spec)
        return f"{self.mean:{spec}} ± {self.sd:{spec}} (n = {self.n})"


@dataclass(frozen=True)
class Comparison:
    """A against B, seed by seed: the mean paired difference A - B (`gap`), the sample sd of the
    differences, n, the `level` confidence interval [low, high] of the mean difference (paired t),
    and the verdict "A" (interval above 0), "B" (below 0) or "neither" (it contains 0)."""

    gap: float
    sd: float
    n: int
    low: float
    high: float
    verdict: str
    level: float = 0.95

    def format(self, spec: str = ".1f", scale: float = 1.0, unit: str = "") -> str:
        """E.g. "+2.3 points (95 % CI +0.4 to +4.2, n = 5)" with scale=100, unit=" points"."""
        _check_spec(spec), check.number("scale", scale, low=0, low_open=True), check.text("unit", unit)
        g, lo, hi = (scale * v for v in (self.gap, self.low, self.high))
        return (f"{g:+{spec}}{unit} ({100 * self.level:g} % CI {lo:+{spec}} to {hi:+{spec}}, "
                f"n = {self.n})")


def _check_spec(spec: str) -> None:
    try:
        format(0.5, check.text("spec", spec))
    except ValueError:
        raise ValueError(f"spec must be a format specification for a number, such as '.1%', got {spec!r}") from None


def _values(values, name: str = "values") -> np.ndarray:
    v = check.array(name, values, finite=False, empty=True)
    if v.ndim != 1 or len(v) < 2:
        raise ValueError(f"{name} must be a 1-D sequence of at least two runs, got shape {v.shape}")
    if not np.all(np.isfinite(v)):
        raise ValueError(f"{name} must be finite, got NaN or inf")
    return v


def summarise(values) -> Summary:
    """Mean, sample standard deviation and count of one measurement over runs."""
    v = _values(values)
    return Summary(float(v.mean()), float(v.std(ddof=1)), len(v))



def sd_with_se(samples, axis: int = 0):
    """The sample standard deviation (ddof = 1) of `samples` along `axis`, and its standard error
    as an estimate from those n independent draws: (sd, se), each of the shape without `axis`
    (floats for 1-D samples). By the delta method, se = sqrt(m4 - s^4) / (2 s sqrt(n)), with m4
    the fourth central moment: no normality assumed (for normal draws it is near s / sqrt(2 n)).
    A sample with no spread has sd = se = 0."""
    x = check.array("samples", samples, ndim=range(1, 33))
    axis = check.integer("axis", axis, low=-x.ndim, high=x.ndim - 1)
    n = x.shape[axis]
    if n < 3:
        raise ValueError(f"samples must hold at least 3 draws along axis {axis}, got {n}")
    d = x - x.mean(axis=axis, keepdims=True)
    s = d.std(axis=axis, ddof=1)
    m4 = np.mean(d**4, axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        se = np.where(s > 0, np.sqrt(np.maximum(m4 - s**4, 0)) / (2 * s * np.sqrt(n)), 0.0)
    return (float(s), float(se)) if x.ndim == 1 else (s, se)

def repeat(trial, settings, seeds) -> dict:
    """{setting: (runs,) array of trial(setting, seed) for each seed}, seeds in the given order."""
    check.function("trial", trial)
    for name, v in (("settings", settings), ("seeds", seeds)):
        if isinstance(v, (str, bytes)) or not hasattr(v, "__iter__"):
            raise TypeError(f"{name} must be a sequence, got {v!r}")
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds must not be empty")
    runs = {s: np.array([float(trial(s, seed)) for seed in seeds]) for s in settings}
    for s, v in runs.items():
        if not np.all(np.isfinite(v)):
            raise ValueError(f"trial returned NaN or inf for setting {s!r}: {v}")
    return runs


def t_quantile(n: int, level: float = 0.95) -> float:
    """The two-sided `level` quantile of Student's t with n - 1 degrees of freedom (2.776 for n = 5)."""
    n = check.integer("n", n, low=2)
    level = check.number("level", level, 0, 1, low_open=True, high_open=True)
    return float(stats.t.ppf(0.5 + level / 2, int(n) - 1))


def compare(a, b, level: float = 0.95) -> Comparison:
    """A against B over paired runs (run i of each used the same seed): the paired t interval."""
    a, b = _values(a, "a"), _values(b, "b")
    level = check.number("level", level, 0, 1, low_open=True, high_open=True)
    if a.shape != b.shape:
        raise ValueError(f"a and b must hold the same number of paired runs, got {len(a)} and {len(b)}")
    d = a - b
    n = len(d)
    gap, sd = float(d.mean()), float(d.std(ddof=1))
    half = t_quantile(n, level) * sd / np.sqrt(n)
    low, high = gap - half, gap + half
    verdict = "A" if low > 0 else "B" if high < 0 else "neither"
    return Comparison(gap, sd, n, float(low), float(high), verdict, level)


def paired_p(a, b) -> float:
    """Two-sided p-value of the paired t test of A against B (the test behind `compare`'s
    interval: the 95 % interval excludes 0 exactly when p < 0.05). 1.0 if every difference is 0."""
    a, b = _values(a, "a"), _values(b, "b")
    if a.shape != b.shape:
        raise ValueError(f"a and b must hold the same number of paired runs, got {len(a)} and {len(b)}")
    d = a - b
    sd = d.std(ddof=1)
    if sd == 0:
        return 1.0 if d.mean() == 0 else 0.0
    t = d.mean() / (sd / np.sqrt(len(d)))
    return float(2 * stats.t.sf(abs(t), len(d) - 1))


def sign_flip_p(a, b) -> float:
    """Two-sided p-value of the exact sign-flip (paired permutation) test of A against B: the
    share of all 2^n ways of flipping the signs of the paired differences whose mean is at least
    as far from 0 as the one observed. It assumes only that, if A and B do not differ, each
    difference is as likely to be positive as negative; its smallest possible value is 2 / 2^n."""
    a, b = _values(a, "a"), _values(b, "b")
    if a.shape != b.shape:
        raise ValueError(f"a and b must hold the same number of paired runs, got {len(a)} and {len(b)}")
    d = a - b
    if len(d) > 20:
        raise ValueError(f"a and b: the exact test enumerates 2^n sign patterns, n = {len(d)} > 20 is too many")
    signs = 1 - 2 * ((np.arange(2 ** len(d))[:, None] >> np.arange(len(d))) & 1)  # (2^n, n) of ±1
    means = np.abs(signs @ d) / len(d)
    return float(np.mean(means >= abs(d.mean()) * (1 - 1e-12)))


def welch_interval(a, b, level: float = 0.95) -> tuple[float, float]:
    """The `level` confidence interval (low, high) of mean(a) - mean(b) when the runs of A and B
    are *not* paired: two independent samples with unequal variances (Welch 1947), with
    Welch–Satterthwaite's degrees of freedom. Runs that are paired are compared with `compare`."""
    a, b = _values(a, "a"), _values(b, "b")
    level = check.number("level", level, 0, 1, low_open=True, high_open=True)
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)  # squared standard errors
    gap, se = float(a.mean() - b.mean()), float(np.sqrt(va + vb))
    if se == 0:
        return gap, gap
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    half = float(stats.t.ppf(0.5 + level / 2, df)) * se
    return gap - half, gap + half


def paired_power(gap: float, sd: float, n: int, level: float = 0.95) -> float:
    """The power of the paired t test (`compare`'s interval at `level`) with n pairs: the chance
    that the interval excludes 0 when the true mean difference is `gap` and the differences are
    normal with standard deviation `sd`. From the noncentral t distribution, noncentrality
    gap·√n / sd (both tails, so 1 - level when gap = 0)."""
    gap, sd = check.number("gap", gap), check.number("sd", sd, low=0, low_open=True)
    n = check.integer("n", n, low=2)
    level = check.number("level", level, 0, 1, low_open=True, high_open=True)
    df, shift = n - 1, abs(gap) * np.sqrt(n) / sd
    critical = stats.t.ppf(0.5 + level / 2, df)
    # P(T > c) + P(T < -c) for T ~ nct(df, shift); the second written as an upper tail with
    # -shift, which SciPy evaluates where its lower tail at -c returns NaN
    power = stats.nct.sf(critical, df, shift) + stats.nct.sf(critical, df, -shift)
    if not np.isfinite(power):
        raise ValueError(f"gap, sd and n: the noncentral t could not be evaluated at shift {shift:g}")
    return float(min(power, 1.0))


def repeated_measures_f(values) -> tuple[float, float]:
    """One-way repeated-measures ANOVA: does the mean differ between the k conditions (columns)
    of `values` (n, k), measured on the same n units (rows, e.g. seeds)? The F statistic
    (between conditions, against the condition × unit residual, the units' own levels removed)
    and its p-value on (k - 1, (k - 1)(n - 1)) degrees of freedom. With k = 2 it is the paired
    t test (F = t²). It assumes normal residuals and sphericity (equal variances of every
    difference between two conditions)."""
    v = check.array("values", values, ndim=2, axes="(units, conditions)")
    n, k = v.shape
    if n < 2 or k < 2:
        raise ValueError(f"values must have at least 2 units (rows) and 2 conditions (columns), got {v.shape}")
    residual = v - v.mean(axis=1, keepdims=True) - v.mean(axis=0) + v.mean()  # (n, k)
    between = n * ((v.mean(axis=0) - v.mean()) ** 2).sum() / (k - 1)
    within = (residual**2).sum() / ((k - 1) * (n - 1))
    tiny = (1e-12 * np.abs(v).max()) ** 2  # rounding, not residual variance
    if within <= tiny:  # every unit shows the same differences: as `paired_p` for equal differences
        return (0.0, 1.0) if between <= tiny else (math.inf, 0.0)
    F = between / within
    return float(F), float(stats.f.sf(F, k - 1, (k - 1) * (n - 1)))


def holm(p, alpha: float = 0.05) -> np.ndarray:
    """Holm's (1979) step-down correction for m tests: which of the p-values (m,) are called at
    family-wise error rate alpha. The smallest p is compared with alpha / m, the next with
    alpha / (m - 1), and so on, stopping at the first that fails. Valid under any dependence
    between the tests, and never calls fewer than Bonferroni (every p below alpha / m)."""
    p = check.array("p", p, ndim=1, low=0, high=1)
    alpha = check.number("alpha", alpha, 0, 1, low_open=True, high_open=True)
    m, called = len(p), np.zeros(len(p), dtype=bool)
    for rank, i in enumerate(np.argsort(p, kind="stable")):
        if p[i] > alpha / (m - rank):
            break
        called[i] = True
    return called


def table(results: dict, spec: str = ".1%") -> str:
    """One line per setting: name, mean ± sd, and the number of runs."""
    if not check.instance("results", results, dict):
        raise ValueError("results must hold at least one setting")
    _check_spec(spec)
    width = max(len(str(k)) for k in results)
    return "\n".join(f"{str(k):<{width}}  {summarise(v).format(spec)}" for k, v in results.items())


def plot_spread(ax: Axes, x, runs, *, label: str | None = None, color=None, offset: float = 0.0):
    """Every run as a small dot and their mean ± sd as a line with error bars.

    x: (m,) positions; runs: (m, r) values, r runs at each position; offset shifts the points
    sideways (in units of x) so that several settings can share an axis.
    """
    check.instance("ax", ax, Axes), label is None or check.text("label", label), check.number("offset", offset)
    x, runs = check.array("x", x, ndim=1), check.array("runs", runs, ndim=2)
    if runs.ndim != 2 or runs.shape[0] != len(x) or runs.shape[1] < 2:
        raise ValueError(f"runs must be (len(x), runs >= 2) = ({len(x)}, r), got {runs.shape}")
    mean, sd = runs.mean(axis=1), runs.std(axis=1, ddof=1)
    line = ax.errorbar(x + offset, mean, yerr=sd, marker="o", ms=5, capsize=3, label=label, color=color)
    colour = line[0].get_color()
    ax.scatter(np.repeat(x + offset, runs.shape[1]), runs.ravel(), s=8, color=colour, alpha=0.45,
               linewidths=0, zorder=3)
    return ax
