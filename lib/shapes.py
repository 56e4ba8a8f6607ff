"""Hand-drawn-looking shapes: circles, squares, triangles and scribbles, as small grey images.

Each shape is a polyline with a smooth wobble (a few random low-frequency sine terms, as a
hand that does not quite hold the pen still), random size, position, rotation and stroke
width, and strokes that need not close exactly. It is rasterised by the distance from each
pixel centre to the polyline. All randomness comes from the `rng` passed in.
"""
from __future__ import annotations

import numpy as np

CLASSES = ("circle", "square", "triangle", "unknown")


def _wobble(t: np.ndarray, rng: np.random.Generator, amount: float) -> np.ndarray:
    """A smooth random function of t in [0, 1]: three sine terms of random phase."""
    k = np.arange(1, 4)
    a = rng.normal(0, amount, 3) / k
    phase = rng.uniform(0, 2 * np.pi, 3)
    return np.sin(2 * np.pi * k * t[:, None] + phase) @ a


def _polygon(corners: int, t: np.ndarray) -> np.ndarray:
    """Points along a regular polygon of unit circumradius, t in [0, 1] going once round."""
    angles = 2 * np.pi * np.arange(corners + 1) / corners + np.pi / 2
    vertices = np.column_stack([np.cos(angles), np.sin(angles)])
    s = t * corners
    i = np.minimum(s.astype(int), corners - 1)
    frac = (s - i)[:, None]
    return vertices[i] * (1 - frac) + vertices[i + 1] * frac


def outline(name: str, rng: np.random.Generator, points: int = 48) -> np.ndarray:
    """The stroke of one shape in unit coordinates (centred, size about 1): (points, 2)."""
    if name not in CLASSES:
        raise ValueError(f"name must be one of {CLASSES}, got {name!r}")
    overshoot = rng.uniform(-0.05, 0.12)  # the pen stops a little short of, or past, the start
    t = np.linspace(0, 1 + overshoot, points)
    if name == "circle":
        r = 1 + _wobble(t, rng, 0.06)
        xy = np.column_stack([r * np.cos(2 * np.pi * t), r * np.sin(2 * np.pi * t)])
    elif name in ("square", "triangle"):
        corners = 4 if name == "square" else 3
        xy = _polygon(corners, t % 1.0)
        xy = xy + rng.normal(0, 0.06, (corners + 1, 2))[np.minimum((t % 1 * corners).astype(int), corners)]
        xy = xy * (1 + _wobble(t, rng, 0.04))[:, None]
    else:  # a scribble: a smooth random walk of the pen's direction
        turn = np.cumsum(rng.normal(0, 0.35, points)) + rng.uniform(0, 2 * np.pi)
        xy = np.cumsum(np.column_stack([np.cos(turn), np.sin(turn)]), axis=0)
        xy = (xy - xy.mean(axis=0)) / (np.abs(xy - xy.mean(axis=0)).max() + 1e-9)
    return xy


def rasterise(xy: np.ndarray, size: int, width: float) -> np.ndarray:
    """Draw the polyline `xy` (pixel coordinates) as a stroke of `width` pixels: (size, size) in [0, 1]."""
    py, px = np.mgrid[:size, :size].astype(np.float32) + 0.5
    P = np.column_stack([px.ravel(), py.ravel()])  # (pixels, 2)
    xy = xy.astype(np.float32)  # single precision is plenty for pixels, and twice as fast
    a, b = xy[:-1], xy[1:]  # segment ends, (segments, 2)
    ab = b - a
    t = np.clip(((P[:, None] - a) * ab).sum(-1) / np.maximum((ab**2).sum(-1), 1e-12), 0, 1)
    nearest = a + t[..., None] * ab  # closest point of each segment to each pixel
    d = np.sqrt(((P[:, None] - nearest) ** 2).sum(-1)).min(axis=1)  # (pixels,)
    return np.clip(width / 2 + 0.5 - d, 0, 1).reshape(size, size).astype(float)  # a one-pixel soft edge


def draw(name: str, rng: np.random.Generator, size: int = 28) -> np.ndarray:
    """One hand-drawn shape as a (size, size) grey image in [0, 1], ink = 1."""
    if not (isinstance(size, (int, np.integer)) and size >= 8):
        raise ValueError(f"size must be an integer >= 8, got {size}")
    xy = outline(name, rng)
    angle = rng.uniform(0, 2 * np.pi)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    scale = size * rng.uniform(0.22, 0.36)
    centre = size / 2 + rng.uniform(-0.05, 0.05, 2) * size
    return rasterise(xy @ rotation.T * scale + centre, size, width=rng.uniform(1.0, 2.2))


def dataset(n_per_class: int, rng: np.random.Generator, size: int = 28, classes=CLASSES):
    """n_per_class images of each class, shuffled: X (n, size, size) in [0, 1], y (n,) class indices."""
    if not (isinstance(n_per_class, (int, np.integer)) and n_per_class >= 1):
        raise ValueError(f"n_per_class must be a positive integer, got {n_per_class}")
    for name in classes:
        if name not in CLASSES:
            raise ValueError(f"unknown class {name!r}; the classes are {CLASSES}")
    y = np.repeat([CLASSES.index(c) for c in classes], n_per_class)
    y = y[rng.permutation(len(y))]
    X = np.stack([draw(CLASSES[k], rng, size) for k in y])
    return X, y
