"""The hand-drawn shape generator, and a network that learns to tell the shapes apart."""
import numpy as np
import pytest

from lib import mlp
from lib.shapes import CLASSES, dataset, draw, rasterise


def test_deterministic_for_a_seed_and_different_across_seeds():
    a = dataset(5, np.random.default_rng(7))
    b = dataset(5, np.random.default_rng(7))
    c = dataset(5, np.random.default_rng(8))
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1]) and not np.array_equal(a[0], c[0])


def test_every_class_appears_and_images_are_in_unit_range():
    X, y = dataset(6, np.random.default_rng(0))
    assert X.shape == (24, 28, 28) and sorted(np.bincount(y)) == [6, 6, 6, 6]
    assert X.min() >= 0 and X.max() <= 1
    ink = X.reshape(24, -1).sum(axis=1)
    assert np.all(ink > 10)  # every image has a visible stroke


def test_rasterise_by_hand():
    # a horizontal stroke through the pixel centres of row 2, two pixels wide, with a one-pixel
    # soft edge: intensity = clip(width/2 + 1/2 - distance) = 1, 0.5, 0 at distances 0, 1, 2
    image = rasterise(np.array([[0.0, 2.5], [10.0, 2.5]]), 5, width=2.0)
    assert np.allclose(image[2], 1) and np.allclose(image[[1, 3]], 0.5) and np.allclose(image[[0, 4]], 0)


def test_a_trained_net_beats_chance_on_held_out_shapes():
    rng = np.random.default_rng(1)
    X, y = dataset(60, rng)
    X_test, y_test = dataset(40, rng)
    net = mlp.init_mlp((784, 64, 4), np.random.default_rng(2), hidden="relu", output="softmax", scale=np.sqrt(2))
    net, _ = mlp.train_minibatch(net, X.reshape(len(X), -1), y, rng, epochs=30, lr=2e-3)
    accuracy = (mlp.predict(net, X_test.reshape(len(X_test), -1)).argmax(axis=1) == y_test).mean()
    assert accuracy > 0.25 + 0.30  # chance is 1/4; we ask for 30 points more


@pytest.mark.parametrize("call, words", [
    (lambda: draw("hexagon", np.random.default_rng()), "name must be one of"),
    (lambda: dataset(3, np.random.default_rng(), classes=("circle", "star")), "unknown class"),
    (lambda: dataset(0, np.random.default_rng()), "n_per_class"),
    (lambda: draw("circle", np.random.default_rng(), size=4), "size"),
])
def test_bad_input_is_refused_clearly(call, words):
    with pytest.raises(ValueError, match=words):
        call()


def test_many_strokes_at_once_equal_one_at_a_time():
    rng = np.random.default_rng(4)
    X, y = dataset(20, rng, size=20)
    again = np.random.default_rng(4)
    again.permutation(80)  # dataset shuffles the labels first
    one_by_one = np.stack([draw(CLASSES[k], again, size=20) for k in y])
    assert np.array_equal(X, one_by_one)
