"""2-D cross-correlation (deep learning's "convolution") and pooling, vectorised.

Shapes: an image is (H, W), (C, H, W) with channels, or (N, C, H, W) for a batch.
A kernel is (kh, kw) for a (H, W) image, or (F, C, kh, kw): F filters over C channels.
No Python loop runs over pixels: windows come from `sliding_window_view`, sums from `einsum`.
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

MODES = ("valid", "same", "full")


def _check_int(name: str, value, low: int = 1) -> int:
    if not (isinstance(value, (int, np.integer)) and value >= low):
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    return int(value)


def _check_finite(name: str, a) -> np.ndarray:
    a = np.asarray(a, dtype=float)
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must be finite, got NaN or inf")
    return a


def pad_for(mode: str, kh: int, kw: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """Zero padding (before, after) for rows and columns, matching scipy.signal.correlate2d."""
    if mode == "valid":
        return (0, 0), (0, 0)
    if mode == "same":  # for an even kernel the extra row and column of zeros go after, as in SciPy
        return ((kh - 1) // 2, kh // 2), ((kw - 1) // 2, kw // 2)
    return (kh - 1, kh - 1), (kw - 1, kw - 1)


def conv2d(x, w, *, stride: int = 1, padding: str = "valid") -> np.ndarray:
    """Cross-correlate image(s) x with kernel(s) w: out[.., r, c] = Σ x[.., r*s + i, c*s + j] w[i, j].

    (H, W) with (kh, kw) -> (H', W');  (C, H, W) with (F, C, kh, kw) -> (F, H', W');
    (N, C, H, W) with (F, C, kh, kw) -> (N, F, H', W').  H' = (H + pads - kh) // stride + 1.
    """
    x, w = _check_finite("x", x), _check_finite("w", w)
    stride = _check_int("stride", stride)
    if padding not in MODES:
        raise ValueError(f"padding must be one of {MODES}, got {padding!r}")
    if x.ndim == 2 and w.ndim != 2:
        raise ValueError(f"a 2-D image needs a 2-D kernel (kh, kw), got kernel shape {w.shape}")
    if x.ndim in (3, 4) and (w.ndim != 4 or w.shape[1] != x.shape[-3]):
        raise ValueError(f"an image with {x.shape[-3]} channels needs a kernel (F, {x.shape[-3]}, kh, kw), "
                         f"got {w.shape}")
    if x.ndim not in (2, 3, 4):
        raise ValueError(f"x must be (H, W), (C, H, W) or (N, C, H, W), got shape {x.shape}")
    kh, kw = w.shape[-2:]
    if kh == 0 or kw == 0 or x.shape[-1] == 0 or x.shape[-2] == 0:
        raise ValueError(f"image and kernel must not be empty, got {x.shape} and {w.shape}")
    rows, cols = pad_for(padding, kh, kw)
    if rows != (0, 0) or cols != (0, 0):
        x = np.pad(x, [(0, 0)] * (x.ndim - 2) + [rows, cols])
    if kh > x.shape[-2] or kw > x.shape[-1]:
        raise ValueError(f"kernel {kh}x{kw} is larger than the image {x.shape[-2]}x{x.shape[-1]} "
                         f"with padding '{padding}'")
    windows = sliding_window_view(x, (kh, kw), axis=(-2, -1))[..., ::stride, ::stride, :, :]
    if x.ndim == 2:
        return np.einsum("hwij,ij->hw", windows, w)  # (H', W', kh, kw) . (kh, kw) -> (H', W')
    if x.ndim == 3:
        return np.einsum("chwij,fcij->fhw", windows, w)  # -> (F, H', W')
    return np.einsum("nchwij,fcij->nfhw", windows, w)  # -> (N, F, H', W')


def _pool_windows(x, size: int, stride: int | None):
    x = _check_finite("x", x)
    size = _check_int("size", size)
    stride = size if stride is None else _check_int("stride", stride)
    if x.ndim < 2 or size > x.shape[-2] or size > x.shape[-1]:
        raise ValueError(f"x must be at least 2-D and {size}x{size} or larger, got shape {x.shape}")
    return sliding_window_view(x, (size, size), axis=(-2, -1))[..., ::stride, ::stride, :, :]


def max_pool(x, size: int = 2, stride: int | None = None) -> np.ndarray:
    """Maximum over each size x size window of the last two axes (stride defaults to size)."""
    return _pool_windows(x, size, stride).max(axis=(-2, -1))


def avg_pool(x, size: int = 2, stride: int | None = None) -> np.ndarray:
    """Mean over each size x size window of the last two axes (stride defaults to size)."""
    return _pool_windows(x, size, stride).mean(axis=(-2, -1))


def max_pool_backward(x: np.ndarray, d_out: np.ndarray, size: int = 2) -> np.ndarray:
    """Gradient of max_pool(x, size) (non-overlapping windows) with respect to x, given d_out.

    Each window's gradient goes to the first position holding its maximum.
    """
    *lead, H, W = x.shape
    h, w = H // size, W // size
    blocks = x[..., : h * size, : w * size].reshape(*lead, h, size, w, size)
    blocks = np.moveaxis(blocks, -3, -2).reshape(*lead, h, w, size * size)  # (..., h, w, size²)
    first = blocks.argmax(axis=-1)
    d_blocks = np.zeros_like(blocks)
    np.put_along_axis(d_blocks, first[..., None], d_out[..., None], axis=-1)
    d_blocks = np.moveaxis(d_blocks.reshape(*lead, h, w, size, size), -2, -3).reshape(*lead, h * size, w * size)
    dx = np.zeros_like(x)
    dx[..., : h * size, : w * size] = d_blocks
    return dx
