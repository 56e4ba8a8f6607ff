"""Data sources: shapes, ranges, and a deterministic split."""
import numpy as np
import pytest

from lib import data


def test_photo_is_a_grey_256_crop():
    image = data.photo()
    assert image.shape == (256, 256) and 0 <= image.min() < image.max() <= 1
    assert image.std() > 0.1  # a real photo, not a flat field
    with pytest.raises(ValueError, match="does not fit"):
        data.photo(size=500)


def test_digits():
    X, y = data.digits()
    assert X.shape == (1797, 8, 8) and y.shape == (1797,)
    assert X.min() == 0 and X.max() == 1 and set(y) == set(range(10))


def test_split_is_deterministic_and_disjoint():
    X, y = np.arange(20)[:, None], np.arange(20)
    a = data.split(X, y, 0.25, np.random.default_rng(3))
    b = data.split(X, y, 0.25, np.random.default_rng(3))
    assert all(np.array_equal(p, q) for p, q in zip(a, b))
    assert len(a[3]) == 5 and set(a[1]) | set(a[3]) == set(range(20)) and not set(a[1]) & set(a[3])
    with pytest.raises(ValueError, match="test_fraction"):
        data.split(X, y, 1.0, np.random.default_rng())


def test_costa_corpus_follows_its_grammar_and_odds():
    corpus = data.costa_corpus(3000, np.random.default_rng(0))
    assert all(len(s) == 7 and s[2] == "costa" and s[-1] in data.REGIONS[s[3]] for s in corpus)
    brava = [s[-1] for s in corpus if s[3] == "brava"]
    for place, p in data.REGIONS["brava"].items():  # frequencies within 4 binomial standard errors
        assert abs(brava.count(place) / len(brava) - p) < 4 * np.sqrt(p * (1 - p) / len(brava))
    assert data.vocabulary([["b", "a"], ["a", "c"]]) == ["a", "b", "c"]
    with pytest.raises(ValueError, match="n must be"):
        data.costa_corpus(0, np.random.default_rng())


def test_two_moons_lie_on_scikit_learns_half_circles():
    from sklearn.datasets import make_moons

    from lib.data import two_moons
    X, y = two_moons(200, np.random.default_rng(1), noise=0.0)
    upper, lower = X[y == 0], X[y == 1]
    assert len(upper) == len(lower) == 200
    for Z in (X[:200], make_moons(100, noise=0.0, shuffle=False)[0][:50]):  # scikit-learn's own, too
        assert np.allclose(np.hypot(*Z.T), 1) and np.all(Z[:, 1] >= 0)
    for Z in (lower, make_moons(100, noise=0.0, shuffle=False)[0][50:]):
        assert np.allclose(np.hypot(Z[:, 0] - 1, Z[:, 1] - 0.5), 1) and np.all(Z[:, 1] <= 0.5)
    noisy, _ = two_moons(200, np.random.default_rng(1), noise=0.1)
    assert abs(np.std(noisy - X) - 0.1) < 0.01  # the same angles, then the noise
    again = two_moons(200, np.random.default_rng(1), noise=0.1)[0]
    assert np.array_equal(noisy, again)
