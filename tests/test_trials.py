"""Repeated experiments: summaries against the statistics module, verdicts by hand."""
import math
import statistics

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from scipy import stats  # noqa: E402
from hypothesis import given, strategies as st  # noqa: E402

from lib import trials  # noqa: E402


@given(st.lists(st.floats(-1e6, 1e6), min_size=2, max_size=30))
def test_summary_matches_the_statistics_module(values):
    s = trials.summarise(values)
    assert s.n == len(values)
    assert s.mean == pytest.approx(statistics.fmean(values), rel=1e-9, abs=1e-6)
    assert s.sd == pytest.approx(statistics.stdev(values), rel=1e-6, abs=1e-6)


def test_repeat_runs_every_setting_on_every_seed_in_order():
    calls = []
    out = trials.repeat(lambda s, seed: calls.append((s, seed)) or 10 * seed + len(s), ["a", "bb"], seeds=[3, 1])
    assert calls == [("a", 3), ("a", 1), ("bb", 3), ("bb", 1)]
    assert {k: v.tolist() for k, v in out.items()} == {"a": [31.0, 11.0], "bb": [32.0, 12.0]}


@given(st.lists(st.floats(-100, 100), min_size=2, max_size=30), st.floats(-5, 5),
       st.sampled_from([0.9, 0.95, 0.99]))
def test_the_interval_is_scipys_paired_t_interval(b, shift, level):
    rng = np.random.default_rng(len(b))
    a = np.array(b) + shift + rng.normal(0, 1, len(b))  # noisy differences, so sd > 0
    c = trials.compare(a, b, level=level)
    ci = stats.ttest_rel(a, b).confidence_interval(level)
    assert (c.low, c.high) == pytest.approx((ci.low, ci.high), rel=1e-9, abs=1e-9)
    assert c.verdict == ("A" if ci.low > 0 else "B" if ci.high < 0 else "neither")


def test_the_t_quantile_matches_the_printed_table():
    # Student's t, two-sided 95 %: 12.706 (1 df), 2.776 (4 df), 2.262 (9 df); any statistics table
    assert [round(trials.t_quantile(n), 3) for n in (2, 5, 10)] == [12.706, 2.776, 2.262]


def test_a_winner_is_called_only_when_the_interval_excludes_zero():
    # paired differences 2, 3, 4: mean 3, sd 1, half-width 4.303 / sqrt(3) = 2.484 -> [0.52, 5.48]
    c = trials.compare([12, 13, 14], [10, 10, 10])
    assert (c.gap, c.sd, c.n, c.verdict) == (3.0, 1.0, 3, "A")
    assert (c.low, c.high) == pytest.approx((3 - 4.302653 / 3 ** 0.5, 3 + 4.302653 / 3 ** 0.5))
    # differences 1, 2, 6: mean 3, sd 2.65 -> [-3.57, 9.57]: no verdict, though every run of A is ahead
    c = trials.compare([11, 12, 16], [10, 10, 10])
    assert c.verdict == "neither" and c.low < 0
    assert trials.compare([10, 10, 10], [12, 13, 14]).verdict == "B"
    # unpaired spreads would hide this: each method varies by 10 across seeds, the gap is steady
    a, b = np.array([50, 60, 70.0]), np.array([49, 59, 69.0])
    assert trials.compare(a, b).verdict == "A" and trials.summarise(a).sd == 10


def test_more_runs_of_the_same_spread_give_a_verdict():
    # the same mean lead and spread: undecided with 3 runs, decided with 12 (the interval narrows)
    d = np.array([3.0, -1.0, 2.0])
    assert trials.compare(10 + d, np.full(3, 10.0)).verdict == "neither"
    d12 = np.tile(d, 4)
    assert trials.compare(10 + d12, np.full(12, 10.0)).verdict == "A"


def test_comparison_format():
    c = trials.compare([0.52, 0.53, 0.54], [0.50, 0.50, 0.50])
    assert c.format(".1f", scale=100, unit=" points") == "+3.0 points (95 % CI +0.5 to +5.5, n = 3)"


def test_table_lists_mean_sd_and_runs():
    text = trials.table({"dropout": [0.8, 0.9], "none": [0.7, 0.7]})
    assert text.splitlines() == ["dropout  85.0% ± 7.1% (n = 2)", "none     70.0% ± 0.0% (n = 2)"]


def test_plot_spread_draws_every_run_and_the_mean():
    fig, ax = plt.subplots()
    runs = np.array([[1.0, 2.0, 3.0], [4.0, 4.0, 4.0]])
    assert trials.plot_spread(ax, [10, 20], runs, label="x", offset=1) is ax
    dots = ax.collections[-1].get_offsets()
    assert np.array_equal(np.asarray(dots), [[11, 1], [11, 2], [11, 3], [21, 4], [21, 4], [21, 4]])
    assert np.array_equal(ax.lines[0].get_ydata(), [2.0, 4.0])
    plt.close(fig)


@pytest.mark.parametrize("call, words", [
    (lambda: trials.summarise([1.0]), "at least two"),
    (lambda: trials.summarise([1.0, np.nan]), "finite"),
    (lambda: trials.compare([1, 2], [1, 2, 3]), "same number"),
    (lambda: trials.repeat(lambda s, seed: 0, ["a"], seeds=[]), "seeds"),
    (lambda: trials.t_quantile(1), "n must be"),
    (lambda: trials.compare([1, 2], [0, 0], level=1.5), "level"),
    (lambda: trials.plot_spread(plt.gca(), [1, 2], [[1, 2]]), "runs must be"),
])
def test_bad_input_is_named(call, words):
    with pytest.raises(ValueError, match=words):
        call()
    plt.close("all")


@given(st.lists(st.floats(-100, 100), min_size=2, max_size=20), st.floats(-5, 5))
def test_paired_p_is_scipys_paired_t_test_and_agrees_with_the_interval(b, shift):
    rng = np.random.default_rng(len(b))
    a = np.array(b) + shift + rng.normal(0, 1, len(b))
    p = trials.paired_p(a, b)
    assert p == pytest.approx(stats.ttest_rel(a, b).pvalue, rel=1e-9, abs=1e-12)
    if abs(p - 0.05) > 1e-9:
        assert (p < 0.05) == (trials.compare(a, b).verdict != "neither")


def test_sign_flip_p_is_scipys_exact_permutation_test():
    rng = np.random.default_rng(3)
    for n in (3, 5, 8):
        a, b = rng.normal(1, 1, n), rng.normal(0, 1, n)
        want = stats.permutation_test((a, b), lambda x, y: np.mean(x - y), permutation_type="samples",
                                      n_resamples=np.inf).pvalue
        assert trials.sign_flip_p(a, b) == pytest.approx(want)


def test_with_five_pairs_no_sign_flip_or_signed_rank_test_gets_below_2_in_32():
    # all five differences positive: the most extreme outcome there is
    a, b = np.array([1.0, 2.0, 3.0, 4.0, 5.0]), np.zeros(5)
    assert trials.sign_flip_p(a, b) == 2 / 32 == stats.wilcoxon(a, b).pvalue
    # while the t test, assuming normal differences, can go as low as it likes
    assert trials.paired_p(a + 10, b) < 1e-4


def test_holm_by_hand():
    # m = 4: sorted 0.001 <= 0.05/4, 0.013 <= 0.05/3, 0.03 > 0.05/2: stop; Bonferroni calls one
    p = np.array([0.03, 0.001, 0.2, 0.013])
    assert trials.holm(p).tolist() == [False, True, False, True]
    assert (p <= 0.05 / 4).tolist() == [False, True, False, False]
    assert trials.holm(p, alpha=0.1).tolist() == [True, True, False, True]  # 0.03 <= 0.1/2, 0.2 > 0.1
    assert not trials.holm([0.04, 0.04]).any() and trials.holm([0.02, 0.025]).all()


@pytest.mark.parametrize("n_b, level", [(5, 0.95), (8, 0.9)])
def test_welch_interval_is_scipys(n_b, level):
    rng = np.random.default_rng(n_b)
    a, b = rng.normal(1, 1, 5), rng.normal(0, 3, n_b)
    ci = stats.ttest_ind(a, b, equal_var=False).confidence_interval(level)
    assert trials.welch_interval(a, b, level) == pytest.approx((ci.low, ci.high), rel=1e-10)
    assert trials.welch_interval(np.ones(3), np.zeros(3)) == (1.0, 1.0)  # no spread at all


def test_paired_power_gpower_example_and_the_noncentral_t_against_simulation():
    # G*Power, one-sample t test, d = 1/3, n = 25, two-tailed α = 0.05: power 0.360 (Wuensch's
    # G*Power handout); and the textbook case d_z = 0.5: 34 pairs for power 0.8, 33 too few
    assert trials.paired_power(1 / 3, 1.0, 25) == pytest.approx(0.360, abs=5e-4)
    assert trials.paired_power(0.5, 1.0, 33) < 0.8 < trials.paired_power(0.5, 1.0, 34)
    # simulation: normal differences, the share of paired t intervals that exclude zero
    rng = np.random.default_rng(3)
    for gap, n in ((0.0, 5), (0.03, 5), (0.03, 9)):
        d = rng.normal(gap, 0.02, (20_000, n))
        half = trials.t_quantile(n) * d.std(axis=1, ddof=1) / np.sqrt(n)
        hits = np.mean(np.abs(d.mean(axis=1)) > half)
        power = trials.paired_power(gap, 0.02, n)
        assert abs(hits - power) < 4 * np.sqrt(power * (1 - power) / 20_000) + 1e-3
    assert trials.paired_power(0.0, 1.0, 5) == pytest.approx(0.05)  # its level, with no effect
    assert trials.paired_power(-2.0, 1.0, 6) == trials.paired_power(2.0, 1.0, 6)
    assert trials.paired_power(5.0, 0.1, 40) == 1.0  # where SciPy's lower tail gives NaN


def test_repeated_measures_f_is_the_paired_t_test_for_two_conditions():
    rng = np.random.default_rng(4)
    v = rng.normal(size=(6, 2)) + [0.0, 0.8]
    F, p = trials.repeated_measures_f(v)
    t = stats.ttest_rel(v[:, 1], v[:, 0])
    assert F == pytest.approx(t.statistic**2) and p == pytest.approx(t.pvalue)


def test_repeated_measures_f_against_least_squares_and_unmoved_by_the_units_levels():
    # the F test of the conditions in the additive model unit + condition, by least squares:
    # (RSS without the conditions - RSS with them) / (k - 1) over RSS / ((k - 1)(n - 1))
    rng = np.random.default_rng(5)
    n, k = 5, 4
    v = rng.normal(size=(n, k)) + rng.normal(0, 3, (n, 1)) + [0, 0.5, 1, 0]
    units = np.kron(np.eye(n), np.ones((k, 1)))  # (n k, n): one column per unit
    conditions = np.kron(np.ones((n, 1)), np.eye(k))[:, 1:]  # (n k, k - 1)
    rss = lambda X: np.linalg.lstsq(X, v.ravel(), rcond=None)[1][0]
    small, full = rss(units), rss(np.hstack([units, conditions]))
    F_ls = (small - full) / (k - 1) / (full / ((k - 1) * (n - 1)))
    F, p = trials.repeated_measures_f(v)
    assert F == pytest.approx(F_ls) and p == pytest.approx(stats.f.sf(F_ls, k - 1, (k - 1) * (n - 1)))
    assert trials.repeated_measures_f(v + rng.normal(0, 10, (n, 1)))[0] == pytest.approx(F)
    assert trials.repeated_measures_f(np.ones((3, 3)) + [[0], [1], [2]]) == (0.0, 1.0)
    assert trials.repeated_measures_f(np.zeros((3, 2)) + [0, 1]) == (math.inf, 0.0)


def test_sd_with_se_normal_draws_match_the_textbook_value():
    from lib.trials import sd_with_se
    x = np.random.default_rng(0).normal(3.0, 2.0, 20_000)
    sd, se = sd_with_se(x)
    assert np.isclose(sd, np.std(x, ddof=1), rtol=1e-12)
    assert abs(se / (2.0 / np.sqrt(2 * len(x))) - 1) < 0.05  # sigma / sqrt(2n) for normal draws


def test_sd_with_se_is_the_spread_of_the_sd_over_repeated_samples():
    # exponential draws (kurtosis 9): the normal formula would be far off; the delta method is not
    from lib.trials import sd_with_se
    rng = np.random.default_rng(1)
    X = rng.exponential(1.0, (3000, 400))  # 3000 samples of 400 draws
    sd, se = sd_with_se(X, axis=1)
    assert sd.shape == se.shape == (3000,)
    assert abs(np.median(se) / np.std(sd, ddof=1) - 1) < 0.1
    assert np.median(se) > 1.7 / np.sqrt(2 * 400)  # well above the normal formula's 1 / sqrt(2n)
    sd0, se0 = sd_with_se(X.T)  # axis 0 of the transpose: the same numbers
    assert np.allclose(sd0, sd) and np.allclose(se0, se)


def test_sd_with_se_of_a_constant_and_of_too_few_draws():
    from lib.trials import sd_with_se
    assert sd_with_se(np.full(5, 2.0)) == (0.0, 0.0)
    with pytest.raises(ValueError, match="samples"):
        sd_with_se(np.array([1.0, 2.0]))
