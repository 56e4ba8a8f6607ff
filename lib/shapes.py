"""Hand-drawn-looking shapes: circles, squares, triangles and scribbles, as small grey images.

Each shape is a polyline with a smooth wobble (a few random low-frequency sine terms, as a
hand that does not quite hold the pen still), random size, position, rotation and stroke
width, and strokes that need not close exactly. It is rasterised by the distance from each
pixel centre to the polyline. All randomness comes from the `rng` passed in.
"""
from __future__ import annotations

import numpy as np

from lib import check

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
    name, rng, points = check.choice("name", name, CLASSES), check.generator("rng", rng), check.integer("points", points, low=2)
    check.fits("points", points, 64 * points)
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


def rasterise(xy: np.ndarray, size: int, width) -> np.ndarray:
    """Draw the polyline `xy` (pixel coordinates, (points, 2)) as a stroke of `width` pixels:
    (size, size) in [0, 1]. Many strokes at once: xy (N, points, 2), width (N,) -> (N, size, size)."""
    xy, size = check.array("xy", xy, ndim=(2, 3), dtype=None), check.integer("size", size)
    width = check.array("width", width, ndim=(0, 1), dtype=None, low=0)
    if xy.shape[-1] != 2 or xy.shape[-2] < 2 or (width.ndim and width.shape != xy.shape[:1]) or np.any(width <= 0):
        raise ValueError(f"xy must be (points >= 2, 2) or (N, points, 2) with one width > 0 per stroke, got xy "
                         f"{xy.shape} and width {width}")
    n, segments = (len(xy) if xy.ndim == 3 else 1), xy.shape[-2] - 1
    check.fits("size", size, 4 * size * size * (5 * min(n, 64) * segments + 3 * n))  # temporaries, out, images
    xy = np.asarray(xy, dtype=np.float32)  # single precision is plenty for pixels, and faster
    one = xy.ndim == 2
    xy, width = np.atleast_3d(xy[None] if one else xy), np.atleast_1d(np.asarray(width, np.float32))
    py, px = (np.mgrid[:size, :size].astype(np.float32) + 0.5).reshape(2, 1, -1, 1)  # pixel centres
    out = np.empty((len(xy), size * size), dtype=np.float32)
    for start in range(0, len(xy), 64):  # 64 strokes at a time keep the temporaries small
        s = xy[start:start + 64, None]  # (n, 1, points, 2)
        ax, ay = s[..., :-1, 0], s[..., :-1, 1]  # segment starts, (n, 1, segments)
        bx, by = s[..., 1:, 0] - ax, s[..., 1:, 1] - ay  # segment directions
        apx, apy = px - ax, py - ay  # (n, pixels, segments), x and y apart: no size-2 axis to sum
        t = np.clip((apx * bx + apy * by) / np.maximum(bx * bx + by * by, 1e-12), 0, 1)
        apx -= t * bx  # from the closest point of each segment to the pixel
        apy -= t * by
        d = np.sqrt((apx * apx + apy * apy).min(axis=-1))  # (n, pixels)
        out[start:start + 64] = width[start:start + 64, None] / 2 + 0.5 - d
    images = np.clip(out, 0, 1).reshape(-1, size, size).astype(float)  # a one-pixel soft edge
    return images[0] if one else images


def _placed(name: str, rng: np.random.Generator, size: int) -> tuple[np.ndarray, float]:
    """One shape's stroke in pixel coordinates, rotated, scaled and moved at random, and its width."""
    xy = outline(name, rng)
    angle = rng.uniform(0, 2 * np.pi)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    scale = size * rng.uniform(0.22, 0.36)
    centre = size / 2 + rng.uniform(-0.05, 0.05, 2) * size
    return xy @ rotation.T * scale + centre, rng.uniform(1.0, 2.2)


def draw(name: str, rng: np.random.Generator, size: int = 28) -> np.ndarray:
    """One hand-drawn shape as a (size, size) grey image in [0, 1], ink = 1."""
    size, name, rng = check.integer("size", size, low=8), check.choice("name", name, CLASSES), check.generator("rng", rng)
    xy, width = _placed(name, rng, size)
    return rasterise(xy, size, width)


def dataset(n_per_class: int, rng: np.random.Generator, size: int = 28, classes=CLASSES):
    """n_per_class images of each class, shuffled: X (n, size, size) in [0, 1], y (n,) class indices."""
    n_per_class, size, rng = check.integer("n_per_class", n_per_class), check.integer("size", size, low=8), check.generator("rng", rng)
    if not (isinstance(classes, (tuple, list)) and classes):
        raise TypeError(f"classes must be a non-empty tuple of class names from {CLASSES}, got {classes!r}")
    for name in classes:
        if name not in CLASSES:
            raise ValueError(f"unknown class {name!r}; the classes are {CLASSES}")
    check.fits("n_per_class and size", (n_per_class, size), len(classes) * n_per_class * 12 * size * size)
    y = np.repeat([CLASSES.index(c) for c in classes], n_per_class)
    y = y[rng.permutation(len(y))]
    strokes = [_placed(CLASSES[k], rng, size) for k in y]  # the same draws, in the same order, as draw()
    X = rasterise(np.stack([xy for xy, _ in strokes]), size, np.array([w for _, w in strokes]))
    return X, y
