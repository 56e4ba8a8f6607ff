"""The 250 layers of lib.sparse: each layer is the convolution it claims, with gamma = 1 it is label
propagation on the grid graph and converges to the harmonic solution, its sharpening is a softmax,
and scores stay distributions."""
import numpy as np
import pytest
from scipy import sparse as sp
from scipy.signal import correlate2d
from scipy.special import softmax
from sklearn.neighbors import KNeighborsClassifier, kneighbors_graph

from lib.knn import knn_graph, knn_predict
from lib.sparse import (
    BINOMIAL3, Plane, class_map, fixed_point, four_classes, grid_graph, harmonic, initial_scores, layer,
    layer_cost, propagate,
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
    assert cost["width"] == 36_864 and cost["shared_params"] == 9 and cost["shared_macs"] == 331_776
    assert cost["local_reads"] == 36 and cost["local_params"] == cost["local_macs"] == 36_864 * 36
    assert cost["per_class_reads"] == 9 and cost["per_class_params"] == cost["per_class_macs"] == 36_864 * 9
    # no bias anywhere: the layer has none
    assert cost["dense_reads"] == 36_864 and cost["dense_macs"] == cost["dense_params"] == 36_864**2
    assert cost["dense_macs"] // cost["local_macs"] == 1024 and cost["local_macs"] // cost["shared_macs"] == 4


def grid_graph_by_hand(G, kernel):
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
    W = grid_graph_by_hand(12, BINOMIAL3)
    T = W / W.sum(axis=1, keepdims=True)
    Y = S.reshape(4, -1).T  # (pixels, classes)
    for _ in range(15):
        Y = T @ Y
        Y[clamped.ravel()] = labels.reshape(4, -1).T[clamped.ravel()]
        S = layer(S, BINOMIAL3, gamma=1.0, clamped=clamped, labels=labels)
        assert np.allclose(S.reshape(4, -1).T, Y, rtol=0, atol=1e-13)


def test_grid_graph_is_the_graph_built_pixel_by_pixel():
    rng = np.random.default_rng(2)
    for kernel in (BINOMIAL3, rng.random((5, 5))):  # symmetric, and not
        W = grid_graph(7, kernel)
        assert sp.issparse(W) and np.array_equal(W.toarray(), grid_graph_by_hand(7, kernel))


def test_harmonic_between_two_walls_is_a_straight_line():
    # left column class 0, right column class 1: the solution depends on the column alone, and with
    # the separable [1, 2, 1] kernel a column's score is the mean of its two neighbours': a straight
    # line from 0 to 1 across the G columns
    G = 9
    clamped = np.zeros((G, G), bool)
    clamped[:, [0, -1]] = True
    labels = np.zeros((2, G, G))
    labels[0, :, 0] = labels[1, :, -1] = 1
    H = fixed_point(clamped, labels)
    assert np.allclose(H[1], np.arange(G) / (G - 1), rtol=0, atol=1e-12)
    assert np.allclose(H.sum(axis=0), 1)


def test_harmonic_on_a_path_splits_like_resistors():
    # a path 0 - 1 - ... - 5 with conductances c, ends held at class 0 and class 1: the probability
    # of reaching end 5 first from node i is the resistance from 0 to i over the total resistance
    c = np.array([1.0, 2.0, 0.5, 4.0, 1.0])
    W = np.zeros((6, 6))
    W[np.arange(5), np.arange(1, 6)] = W[np.arange(1, 6), np.arange(5)] = c
    clamped = np.zeros(6, bool)
    clamped[[0, 5]] = True
    labels = np.zeros((6, 2))
    labels[0, 0] = labels[5, 1] = 1
    r = np.concatenate([[0], np.cumsum(1 / c)])
    for w in (W, sp.csr_array(W)):
        assert np.allclose(harmonic(w, clamped, labels)[:, 1], r / r[-1], rtol=0, atol=1e-12)


def test_harmonic_is_the_random_walk_that_first_hits_a_label():
    # Monte Carlo on a 5-node graph: walks from node 2, absorbed at the labelled nodes 0 and 4
    rng = np.random.default_rng(11)
    W = np.array([[0, 1, 0, 0, 0], [1, 0, 2, 1, 0], [0, 2, 0, 1, 3], [0, 1, 1, 0, 1], [0, 0, 3, 1, 0.]])
    clamped = np.array([True, False, False, False, True])
    labels = np.zeros((5, 2))
    labels[0, 0] = labels[4, 1] = 1
    F = harmonic(W, clamped, labels)
    T = W / W.sum(axis=1, keepdims=True)
    hits = 0
    for _ in range(20_000):
        node = 2
        while not clamped[node]:
            node = rng.choice(5, p=T[node])
        hits += node == 4
    assert abs(hits / 20_000 - F[2, 1]) < 4 * np.sqrt(F[2, 1] * (1 - F[2, 1]) / 20_000)


def test_fixed_point_is_where_the_layers_with_gamma_one_go():
    _, _, S, clamped, labels = small_problem(seed=3)
    H = fixed_point(clamped, labels)
    assert np.allclose(layer(H, gamma=1.0, clamped=clamped, labels=labels), H, rtol=0, atol=1e-12)
    assert np.all(H >= 0) and np.allclose(H.sum(axis=0), 1) and np.array_equal(H[:, clamped], labels[:, clamped])
    gaps = [np.abs(propagate(S, n, gamma=1.0, clamped=clamped, labels=labels)[0] - H).max() for n in (50, 3000)]
    assert gaps[1] < 1e-6 < gaps[0]
    # a batch of maps is solved map by map
    two = fixed_point(np.stack([clamped, clamped]), np.stack([labels, labels]))
    assert np.allclose(two, np.stack([H, H]))


@pytest.mark.parametrize("call, words", [
    (lambda: harmonic(np.array([[0.0, 1.0], [2.0, 0.0]]), np.array([True, False]), np.eye(2)), "symmetric"),
    (lambda: harmonic(np.zeros((3, 3)), np.array([True, False, False]), np.eye(3)), "joined to a clamped"),
    (lambda: harmonic(np.ones((2, 2)), np.array([True, False]), np.full((2, 2), 0.3)), "distributions"),
    (lambda: harmonic(np.ones((2, 2)), np.array([1, 0]), np.eye(2)), "clamped must be a bool"),
    (lambda: fixed_point(np.zeros((4, 4), bool), np.ones((2, 4, 4)) / 2), "at least one pixel"),
    (lambda: knn_graph(np.zeros((3, 2)), k=3), "k must be"),
])
def test_harmonic_refuses_what_has_no_solution(call, words):
    with pytest.raises(ValueError, match=words):
        call()


def test_knn_graph_agrees_with_scikit_learn():
    X, _ = four_classes(40, np.random.default_rng(12))
    for k in (1, 5, 10):
        A = kneighbors_graph(X, k, include_self=False)
        assert np.array_equal(knn_graph(X, k).toarray(), (A + A.T).toarray() > 0)
    # equal points: a point is never its own neighbour, and the graph stays symmetric
    W = knn_graph(np.zeros((4, 2)), k=2).toarray()
    assert np.all(np.diag(W) == 0) and np.array_equal(W, W.T) and np.all(W.sum(axis=1) >= 2)


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


def test_decay_factor_is_the_slowest_mode_of_the_layer_itself():
    from lib.sparse import decay_factor
    rng = np.random.default_rng(5)
    size = 7
    clamped = rng.random((size, size)) < 0.15
    clamped[0, 0] = True
    free = np.flatnonzero(~clamped.ravel())
    # the layer's matrix on the free pixels, built from `layer` itself (gamma = 1), column by
    # column: class 0 holds a unit at one free pixel, class 1 the rest, the clamped pixels 0
    labels = np.zeros((2, size, size))
    labels[1] = 1.0
    P = np.zeros((len(free), len(free)))
    for j, q in enumerate(free):
        S = np.zeros((2, size * size))
        S[0, q] = 1.0
        S[1] = 1 - S[0]
        out = layer(S.reshape(2, size, size), gamma=1.0, clamped=clamped, labels=labels)
        P[:, j] = out[0].ravel()[free]
    rho = np.abs(np.linalg.eigvals(P)).max()
    assert decay_factor(clamped) == pytest.approx(rho, rel=1e-10)
    both = decay_factor(np.stack([clamped, clamped.T]))
    assert both.shape == (2,) and both[0] == pytest.approx(rho, rel=1e-10)


def test_decay_factor_by_hand_and_as_observed():
    from lib.sparse import decay_factor
    one_free = np.ones((5, 5), dtype=bool)
    one_free[2, 2] = False  # the walk stays put with the kernel's centre weight, 4/16
    assert decay_factor(one_free) == pytest.approx(0.25)
    assert decay_factor(np.ones((3, 3), dtype=bool)) == 0.0
    # far from its start, the distance to the fixed point shrinks by the factor per layer
    clamped = np.zeros((16, 16), dtype=bool)
    clamped[3, 4] = clamped[12, 10] = True
    labels = np.zeros((2, 16, 16))
    labels[0, 3, 4] = labels[1, 12, 10] = 1.0
    S = np.where(clamped, labels, 0.5)
    H = fixed_point(clamped, labels)
    gaps = []  # the second slowest part dies out only after some 1,000 layers here
    for _ in range(2000):
        S = layer(S, gamma=1.0, clamped=clamped, labels=labels)
        gaps.append(np.abs(S - H).max())
    assert gaps[-1] / gaps[-2] == pytest.approx(decay_factor(clamped), rel=1e-6)
