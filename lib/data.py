"""Every data source of the book. Nothing here touches the network: the images and digits
ship inside scikit-learn, the rest is generated from an explicit generator."""
from __future__ import annotations

import numpy as np

from lib import check

LUMA = np.array([0.299, 0.587, 0.114])  # ITU-R BT.601 weights for R, G, B


def photo(size: int = 256, corner: tuple[int, int] = (60, 110)) -> np.ndarray:
    """A real greyscale photo, (size, size) in [0, 1]: a crop of scikit-learn's bundled 'china.jpg'."""
    from sklearn.datasets import load_sample_image

    size, corner = check.integer("size", size), check.shape("corner", corner)
    if len(corner) != 2:
        raise ValueError(f"corner must be (row, column), got {corner}")
    rgb = load_sample_image("china.jpg")  # (427, 640, 3) uint8, shipped with scikit-learn
    r, c = corner
    if r < 0 or c < 0 or r + size > rgb.shape[0] or c + size > rgb.shape[1]:
        raise ValueError(f"a crop of size {size} at corner {corner} does not fit in the {rgb.shape[:2]} photo")
    return rgb[r:r + size, c:c + size] @ LUMA / 255.0


def digits() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's bundled handwritten digits: X (1797, 8, 8) in [0, 1], y (1797,) in 0..9."""
    from sklearn.datasets import load_digits

    bunch = load_digits()
    return bunch.images / 16.0, bunch.target


def split(X: np.ndarray, y: np.ndarray, test_fraction: float, rng: np.random.Generator):
    """Shuffle once with `rng` and split: (X_train, y_train, X_test, y_test)."""
    test_fraction = check.number("test_fraction", test_fraction, 0, 1, low_open=True, high_open=True)
    rng, X, y = check.generator("rng", rng), np.asarray(X), np.asarray(y)
    if X.ndim == 0 or y.ndim == 0:
        raise TypeError(f"X and y must be arrays with one row per example, got shapes {X.shape} and {y.shape}")
    if len(X) != len(y):
        raise ValueError(f"X and y must have the same length, got {len(X)} and {len(y)}")
    order = rng.permutation(len(X))
    n_test = int(round(test_fraction * len(X)))
    test, train = order[:n_test], order[n_test:]
    return X[train], y[train], X[test], y[test]


# A tiny language: where to go on the Spanish coast. The place depends on the region named
# three words earlier, so predicting it needs attention back to that word.
REGIONS = {
    "brava": {"cadaqués": 0.5, "tossa": 0.3, "begur": 0.2},
    "dorada": {"sitges": 0.6, "salou": 0.25, "cambrils": 0.15},
    "blanca": {"altea": 0.45, "jávea": 0.35, "dénia": 0.2},
}
TEMPLATES = (("the", "best", "costa", "{region}", "spot", "is"),
             ("the", "quietest", "costa", "{region}", "beach", "is"),
             ("my", "favourite", "costa", "{region}", "town", "is"))


def costa_corpus(n: int, rng: np.random.Generator) -> list[list[str]]:
    """n seven-word sentences 'the best costa <region> spot is <place>', places drawn by REGIONS' odds."""
    n, rng = check.integer("n", n), check.generator("rng", rng)
    check.fits("n", n, 500 * n)  # a sentence: a list of seven words, about 500 bytes
    regions = sorted(REGIONS)
    sentences = []
    for _ in range(n):
        region = regions[rng.integers(len(regions))]
        template = TEMPLATES[rng.integers(len(TEMPLATES))]
        places, odds = zip(*REGIONS[region].items())
        place = places[rng.choice(len(places), p=odds)]
        sentences.append([w.format(region=region) for w in template] + [place])
    return sentences


def vocabulary(sentences) -> list[str]:
    """Every word of the sentences, sorted: a word's index is its token."""
    if not (isinstance(sentences, (list, tuple))
            and all(isinstance(s, (list, tuple)) and all(isinstance(w, str) for w in s) for s in sentences)):
        raise TypeError("sentences must be a list of sentences, each a list of words (strings)")
    return sorted({w for s in sentences for w in s})


def star_polygon(points: int = 5, outer: float = 0.9, inner: float = 0.38) -> np.ndarray:
    """Vertices (2 * points, 2) of a star centred at 0 with one point straight up."""
    points, outer = check.integer("points", points, low=2), check.number("outer", outer, low=0, low_open=True)
    inner = check.number("inner", inner, low=0, low_open=True)
    check.fits("points", points, 64 * points)
    angles = np.pi / 2 + np.pi * np.arange(2 * points) / points
    radii = np.where(np.arange(2 * points) % 2 == 0, outer, inner)
    return np.column_stack([radii * np.cos(angles), radii * np.sin(angles)])


def inside(P: np.ndarray, polygon: np.ndarray) -> np.ndarray:
    """Whether each point of P (n, 2) lies inside the polygon (m, 2): even-odd ray casting."""
    P, polygon = check.array("P", P, shape=(None, 2)), _check_polygon(polygon)
    a, b = polygon, np.roll(polygon, -1, axis=0)  # edges a -> b
    x, y = P[:, :1], P[:, 1:]  # (n, 1)
    straddles = (a[:, 1] > y) != (b[:, 1] > y)  # (n, m): the edge crosses the horizontal through P
    with np.errstate(divide="ignore", invalid="ignore"):
        x_cross = a[:, 0] + (y - a[:, 1]) * (b[:, 0] - a[:, 0]) / (b[:, 1] - a[:, 1])
    return (straddles & (x < x_cross)).sum(axis=1) % 2 == 1


def star(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """n points uniform in [-1, 1]^2, X (n, 2), and y (n,): 1 inside a five-pointed star, else 0."""
    n, rng = check.integer("n", n), check.generator("rng", rng)
    check.fits("n", n, 8 * 2 * n * 12)  # the points and inside()'s (n, 10) temporaries
    X = rng.uniform(-1, 1, (n, 2))
    return X, inside(X, star_polygon()).astype(int)


def two_moons(n_per_class: int, rng: np.random.Generator, *, noise: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half circles of radius 1, as scikit-learn's make_moons draws them: class 0
    on (cos θ, sin θ), class 1 on (1 - cos θ, 1/2 - sin θ), θ uniform in [0, π], plus Gaussian
    noise of standard deviation `noise` on each coordinate. X (2n, 2), y (2n,), class 0 first."""
    n_per_class, rng = check.integer("n_per_class", n_per_class), check.generator("rng", rng)
    noise = check.number("noise", noise, low=0)
    check.fits("n_per_class", n_per_class, 8 * 2 * n_per_class * 6)
    theta = rng.uniform(0, np.pi, (2, n_per_class))
    upper = np.column_stack([np.cos(theta[0]), np.sin(theta[0])])
    lower = np.column_stack([1 - np.cos(theta[1]), 0.5 - np.sin(theta[1])])
    X = np.vstack([upper, lower]) + noise * rng.standard_normal((2 * n_per_class, 2))
    return X, np.repeat([0, 1], n_per_class)


def digits_to_embed():
    """The data to draw as dots: all 60,000 MNIST training digits if they are in data/mnist/,
    else scikit-learn's bundled 1,797 digits. Returns (X (n, pixels) in [0, 1], y, description)."""
    from lib import mnist

    if mnist.available():
        images, labels = mnist.load("train")
        return images.reshape(len(images), -1) / 255.0, labels.astype(int), "the 60,000 MNIST training digits (28 × 28)"
    X, y = digits()
    return X.reshape(len(X), -1), y, "scikit-learn's 1,797 bundled digits (8 × 8), as MNIST is not downloaded"


def distance_to_polygon(P: np.ndarray, polygon: np.ndarray) -> np.ndarray:
    """Distance from each point of P (n, 2) to the nearest edge of the polygon (m, 2), (n,)."""
    P, polygon = check.array("P", P, shape=(None, 2)), _check_polygon(polygon)
    a, b = polygon, np.roll(polygon, -1, axis=0)
    ab = b - a  # (m, 2)
    t = np.clip(((P[:, None] - a) * ab).sum(-1) / (ab**2).sum(-1), 0, 1)  # (n, m)
    return np.sqrt(((P[:, None] - (a + t[..., None] * ab)) ** 2).sum(-1)).min(axis=1)


def _check_polygon(polygon) -> np.ndarray:
    polygon = check.array("polygon", polygon, shape=(None, 2), dtype=None)
    if len(polygon) < 3:
        raise ValueError(f"polygon must have at least 3 vertices, got {len(polygon)}")
    return polygon
