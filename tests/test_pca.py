"""PCA in float32 against float64 and scikit-learn; principal angles against SciPy."""
import numpy as np
import pytest
from scipy.linalg import subspace_angles
from sklearn.decomposition import PCA as SkPCA

from lib.pca import fit_pca, pca, principal_angles


def test_fit_pca_equals_scikit_learn_and_round_trips():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 8)) @ rng.normal(size=(8, 8))
    fit = fit_pca(X, 3)
    sk = SkPCA(3).fit(X)
    assert np.allclose(np.abs(fit.components), np.abs(sk.components_), atol=1e-8)
    assert np.allclose(fit.explained, sk.explained_variance_ratio_)
    assert np.allclose(fit.scores(X), pca(X, 3)[0])
    full = fit_pca(X, 8)
    assert np.allclose(full.back(full.scores(X)), X)  # all directions: nothing is lost


def test_float32_stays_float32_and_agrees_with_float64():
    X = np.random.default_rng(1).random((2000, 30)).astype(np.float32)
    fit32, fit64 = fit_pca(X, 4), fit_pca(X.astype(float), 4)
    assert fit32.components.dtype == np.float32 and fit32.scores(X).dtype == np.float32
    assert np.allclose(fit32.components, fit64.components, atol=1e-4)
    assert np.allclose(fit32.explained, fit64.explained, rtol=1e-4)
    assert np.allclose(fit32.cov, np.cov(X.astype(float), rowvar=False), rtol=1e-4, atol=1e-7)
    assert np.allclose(fit64.cov, np.cov(X.astype(float), rowvar=False))


def test_float32_directions_do_not_depend_on_the_blas_thread_count():
    from threadpoolctl import threadpool_limits

    X = np.random.default_rng(2).random((20_000, 300)).astype(np.float32)
    with threadpool_limits(1, user_api="blas"):
        one = fit_pca(X, 5)
    with threadpool_limits(2, user_api="blas"):
        two = fit_pca(X, 5)
    assert np.array_equal(one.cov, two.cov) and np.array_equal(one.components, two.components)


@pytest.mark.parametrize("k, m", [(2, 2), (2, 3), (3, 1)])
def test_principal_angles_equal_scipy(k, m):
    rng = np.random.default_rng(k * 10 + m)
    A, B = rng.normal(size=(k, 9)), rng.normal(size=(m, 9))
    assert np.allclose(principal_angles(A, B), subspace_angles(A.T, B.T), atol=1e-10)
    assert np.allclose(principal_angles(A, 3 * A + rng.normal(size=(k, k)) @ A), 0, atol=1e-7)


def test_the_angle_between_two_lines_by_hand():
    angle = principal_angles([[1, 0, 0]], [[1, 1, 0]])
    assert np.degrees(angle) == pytest.approx([45.0])


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="same length"):
        principal_angles(np.ones((1, 3)), np.ones((1, 4)))
    with pytest.raises(ValueError, match="independent"):
        principal_angles(np.ones((2, 3)), np.eye(3)[:1])
    with pytest.raises(ValueError, match="k must be"):
        fit_pca(np.ones((5, 3)), 4)
