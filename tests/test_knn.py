"""k-NN's k-d tree path against its brute-force path and scikit-learn (the brute path's own
tests are in test_sparse.py, beside the chapter that uses it first)."""
import numpy as np
import pytest
from sklearn.neighbors import KNeighborsClassifier

from lib.knn import knn_predict


@pytest.mark.parametrize("k", [1, 5, 9])
def test_the_tree_finds_the_same_neighbours_as_brute_force(k):
    rng = np.random.default_rng(k)
    X_train, y_train = rng.normal(size=(3000, 2)), rng.integers(0, 10, 3000)
    X = rng.normal(size=(500, 2))
    tree = knn_predict(X_train, y_train, X, k=k, method="tree")
    assert np.array_equal(tree, knn_predict(X_train, y_train, X, k=k))
    # scikit-learn also gives a tied vote to the smaller label
    sk = KNeighborsClassifier(k, algorithm="kd_tree").fit(X_train, y_train).predict(X)
    assert np.array_equal(tree, sk)


def test_a_bad_method_is_refused():
    with pytest.raises(ValueError, match="method"):
        knn_predict(np.zeros((3, 2)), np.zeros(3, int), np.zeros((1, 2)), k=1, method="ball")


def test_neighbours_kept_against_scikit_learn_and_by_construction():
    from sklearn.neighbors import NearestNeighbors

    from lib.knn import neighbours_kept
    rng = np.random.default_rng(3)
    high, low = rng.normal(size=(300, 6)), rng.normal(size=(300, 2))
    k = 7
    sets = [NearestNeighbors(n_neighbors=k + 1).fit(Z).kneighbors(Z)[1][:, 1:] for Z in (high, low)]
    by_hand = [len(set(a) & set(b)) / k for a, b in zip(*sets)]
    assert np.allclose(neighbours_kept(high, low, k), by_hand)
    turn = np.array([[0.6, -0.8], [0.8, 0.6]])
    flat = high[:, :2]
    assert np.all(neighbours_kept(flat, flat @ turn + 5.0, k) == 1)  # an isometry keeps all
    # a picture unrelated to the data keeps k / (n - 1) on average
    chance = neighbours_kept(high, low, k).mean()
    assert abs(chance - k / 299) < 4 * np.sqrt(k / 299 / (300 * k))


def test_neighbours_kept_refuses_pictures_of_other_points():
    from lib.knn import neighbours_kept
    with pytest.raises(ValueError, match="low"):
        neighbours_kept(np.zeros((5, 3)), np.zeros((4, 2)), 2)
    with pytest.raises(ValueError, match="k"):
        neighbours_kept(np.zeros((5, 3)), np.zeros((5, 2)), 5)
