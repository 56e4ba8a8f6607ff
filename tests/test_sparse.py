"""The 250 layers of lib.sparse: each layer is the convolution it claims, with gamma = 1 it is label
propagation on the grid graph, its sharpening is a softmax, and scores stay distributions."""
import numpy as np
import pytest
from scipy.signal import correlate2d
from scipy.special import softmax
from sklearn.neighbors import KNeighborsClassifier

from lib.knn import knn_predict
from lib.sparse import (
    BINOMIAL3, Plane, class_map, four_classes, initial_scores, layer, layer_cost, propagate,
)

PLANE = Plane(size=32, extent=3.5)


def small_problem(seed=0, n=10):
    X, y = four_classes(n, np.random.default_rng(seed))
    return (X, y) + initial_scores(PLANE, X, y, 4)


def test_one_layer_is_a_convolution_per_class():
    rng = np.random.default_rng(1)
    S = rng.random((4, 16, 16))
    S /= S.sum(axis=0)
    kernel = rng.random((5, 5))
    mixed = np.stack([correlate2d(S[k], kernel, mode="same") for k in range(4)])  # SciPy, class by class
    assert np.allclose(layer(S, kernel, gamma=1.0), mixed / mixed.sum(axis=0))
    sharpened = mixed**1.5
    assert np.allclose(layer(S, kernel, gamma=1.5), sharpened / sharpened.sum(axis=0))


def test_scores_stay_distributions_and_training_points_keep_their_label():
    X, y, S, clamped, labels = small_problem()
    rows, cols = PLANE.cells(X)
    for _ in range(60):
        S = layer(S, BINOMIAL3, gamma=1.1, clamped=clamped, labels=labels)
        assert np.all(S >= 0) and np.allclose(S.sum(axis=0), 1)
        single = labels.max(axis=0)[rows, cols] == 1  # pixels holding points of one class only
        assert np.array_equal(class_map(S)[rows[single], cols[single]], y[single])


def test_the_plane_fills_and_stays_filled():
    _, _, S, clamped, labels = small_problem()
    _, maps = propagate(S, 80, clamped=clamped, labels=labels)
    unassigned = (maps == -1).mean(axis=(1, 2))
    assert unassigned[0] > 0.9 and unassigned[-1] == 0 and np.all(np.diff(unassigned) <= 0)
    # the signal moves one pixel per layer with a 3x3 kernel: after l layers, every pixel within
    # Chebyshev distance l of a labelled pixel is assigned, and no pixel farther away
    r, c = np.nonzero(clamped)
    gr, gc = np.mgrid[:32, :32]
    distance = np.min(np.maximum(np.abs(gr[..., None] - r), np.abs(gc[..., None] - c)), axis=-1)
    for l in (1, 3, 7):
        assert np.array_equal(maps[l] >= 0, distance <= l)


def test_one_class_is_that_class_everywhere():
    X = np.array([[0.0, 0.0], [1.0, -2.0]])
    S, clamped, labels = initial_scores(PLANE, X, np.array([0, 0]), 1)
    S, maps = propagate(S, 5, clamped=clamped, labels=labels)
    assert np.all(maps == 0) and np.allclose(S, 1)


def test_layer_cost_by_hand():
    cost = layer_cost(size=96, classes=4, k=3)
    assert cost["width"] == 36_864 and cost["sparse_params"] == 9 and cost["sparse_macs"] == 331_776
    assert cost["local_params"] == cost["local_macs"] == 36_864 * 9
    assert cost["dense_macs"] == 36_864**2 and cost["dense_params"] == 36_864**2 + 36_864


def grid_graph(G, kernel):
    """The weight matrix (G*G, G*G) of the pixel grid: pixel p to pixel q with the kernel's weight
    for their offset, zero beyond the border; built pixel by pixel, independently of conv2d."""
    W = np.zeros((G * G, G * G))
    r = kernel.shape[0] // 2
    for i in range(G):
        for j in range(G):
            for di in range(-r, r + 1):
                for dj in range(-r, r + 1):
                    if 0 <= i + di < G and 0 <= j + dj < G:
                        W[i * G + j, (i + di) * G + j + dj] = kernel[di + r, dj + r]
    return W


def test_with_gamma_one_a_layer_is_label_propagation():
    # Zhu and Ghahramani (2002): Y <- T Y with the row-normalised transition matrix T = D^-1 W of
    # the graph, then the labelled points clamped back to their labels.
    X, y = four_classes(5, np.random.default_rng(8))
    plane = Plane(size=12, extent=3.5)
    S, clamped, labels = initial_scores(plane, X, y, 4)
    W = grid_graph(12, BINOMIAL3)
    T = W / W.sum(axis=1, keepdims=True)
    Y = S.reshape(4, -1).T  # (pixels, classes)
    for _ in range(15):
        Y = T @ Y
        Y[clamped.ravel()] = labels.reshape(4, -1).T[clamped.ravel()]
        S = layer(S, BINOMIAL3, gamma=1.0, clamped=clamped, labels=labels)
        assert np.allclose(S.reshape(4, -1).T, Y, rtol=0, atol=1e-13)


def test_sharpening_is_a_softmax_at_temperature_one_over_gamma():
    rng = np.random.default_rng(9)
    S = rng.random((4, 10, 10)) + 0.01
    S /= S.sum(axis=0)
    mixed = np.stack([correlate2d(S[k], BINOMIAL3, mode="same") for k in range(4)])
    for gamma in (1.1, 2.0):
        # s^g / sum s^g = e^(g ln s) / sum e^(g ln s): softmax of ln s at temperature 1/g
        assert np.allclose(layer(S, BINOMIAL3, gamma=gamma), softmax(gamma * np.log(mixed), axis=0))


def test_knn_agrees_with_scikit_learn():
    rng = np.random.default_rng(4)
    X_train, y_train = four_classes(30, rng)
    X_test, _ = four_classes(50, rng)
    for k in (1, 5, 9):
        ours = knn_predict(X_train, y_train, X_test, k=k)
        theirs = KNeighborsClassifier(n_neighbors=k).fit(X_train, y_train).predict(X_test)
        assert np.array_equal(ours, theirs)


def test_four_classes_stay_on_the_grid():
    X, y = four_classes(500, np.random.default_rng(5), spread=2.0)
    assert np.all(np.abs(X) < 3.5) and np.bincount(y).tolist() == [500] * 4


@pytest.mark.parametrize("call, words", [
    (lambda p: propagate(p[2], 5, np.ones((4, 4)), clamped=p[3], labels=p[4]), "odd size"),
    (lambda p: propagate(p[2], 0, clamped=p[3], labels=p[4]), "layers"),
    (lambda p: propagate(p[2], 5, -BINOMIAL3), "non-negative"),
    (lambda p: propagate(p[2], 5, gamma=0.5), "gamma"),
    (lambda p: initial_scores(PLANE, p[0], p[1] + 4, 4), "labels? in 0..3|label in 0..3"),
    (lambda p: initial_scores(PLANE, np.array([[0.0, 4.0]]), np.array([0]), 4), "inside the grid"),
    (lambda p: knn_predict(p[0], p[1], p[0], k=0), "k must be"),
    (lambda p: four_classes(0, np.random.default_rng()), "n_per_class"),
])
def test_bad_input_is_refused_clearly(call, words):
    with pytest.raises(ValueError, match=words):
        call(small_problem())


def test_a_batch_of_draws_propagates_as_each_draw_alone():
    draws = [small_problem(seed=s) for s in (3, 4, 5)]
    S0 = np.stack([d[2] for d in draws])
    clamped, labels = np.stack([d[3] for d in draws]), np.stack([d[4] for d in draws])
    S, maps = propagate(S0, 20, clamped=clamped, labels=labels)
    assert maps.shape == (21, 3, 32, 32)
    for k, (_, _, S0k, ck, lk) in enumerate(draws):
        alone, alone_maps = propagate(S0k, 20, clamped=ck, labels=lk)
        assert np.allclose(S[k], alone) and np.array_equal(maps[:, k], alone_maps)
