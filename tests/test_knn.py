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
