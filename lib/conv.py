"""2-D cross-correlation (deep learning's "convolution") and pooling, vectorised.

Shapes: an image is (H, W), (C, H, W) with channels, or (N, C, H, W) for a batch.
A kernel is (kh, kw) for a (H, W) image, or (F, C, kh, kw): F filters over C channels.
No Python loop runs over pixels. Two ways to the same numbers, chosen by size as SciPy's
`choose_conv_method` does: directly, every window (from `sliding_window_view`) times the
kernel as one matrix product (BLAS); or through the Fourier transform, where a product of
spectra is a correlation, which wins once kernels are large (the direct way costs
kh·kw multiply-adds per output pixel, the FFT way a few log(H·W)).
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from lib import check

MODES = ("valid", "same", "full")


def _check_int(name: str, value, low: int = 1) -> int:
    return check.integer(name, value, low)


def _check_finite(name: str, a) -> np.ndarray:
    return check.array(name, a, empty=True)


def pad_for(mode: str, kh: int, kw: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """Zero padding (before, after) for rows and columns, matching scipy.signal.correlate2d."""
    mode, kh, kw = check.choice("mode", mode, MODES), check.integer("kh", kh), check.integer("kw", kw)
    if mode == "valid":
        return (0, 0), (0, 0)
    if mode == "same":  # for an even kernel the extra row and column of zeros go after, as in SciPy
        return ((kh - 1) // 2, kh // 2), ((kw - 1) // 2, kw // 2)
    return (kh - 1, kh - 1), (kw - 1, kw - 1)


def conv2d(x, w, *, stride: int = 1, padding: str = "valid", method: str | None = None) -> np.ndarray:
    """Cross-correlate image(s) x with kernel(s) w: out[.., r, c] = Σ x[.., r*s + i, c*s + j] w[i, j].

    (H, W) with (kh, kw) -> (H', W');  (C, H, W) with (F, C, kh, kw) -> (F, H', W');
    (N, C, H, W) with (F, C, kh, kw) -> (N, F, H', W').  H' = (H + pads - kh) // stride + 1.
    method: "direct", "fft", or None to choose by size (`choose_method`).
    """
    x, w = _check_finite("x", x), _check_finite("w", w)
    stride, padding = _check_int("stride", stride), check.choice("padding", padding, MODES)
    if method is not None:
        check.choice("method", method, ("direct", "fft"))
    if x.ndim == 2 and w.ndim != 2:
        raise ValueError(f"a 2-D image x needs a 2-D kernel w (kh, kw), got w of shape {w.shape}")
    if x.ndim in (3, 4) and (w.ndim != 4 or w.shape[1] != x.shape[-3]):
        raise ValueError(f"x with {x.shape[-3]} channels needs a kernel w (F, {x.shape[-3]}, kh, kw), "
                         f"got {w.shape}")
    if x.ndim not in (2, 3, 4):
        raise ValueError(f"x must be (H, W), (C, H, W) or (N, C, H, W), got shape {x.shape}")
    kh, kw = w.shape[-2:]
    if kh == 0 or kw == 0 or x.shape[-1] == 0 or x.shape[-2] == 0:
        raise ValueError(f"x and w must not be empty, got {x.shape} and {w.shape}")
    rows, cols = pad_for(padding, kh, kw)
    if rows != (0, 0) or cols != (0, 0):
        x = np.pad(x, [(0, 0)] * (x.ndim - 2) + [rows, cols])
    if kh > x.shape[-2] or kw > x.shape[-1]:
        raise ValueError(f"kernel w {kh}x{kw} is larger than the image x {x.shape[-2]}x{x.shape[-1]} "
                         f"with padding '{padding}'")
    if method is None:
        method = choose_method(x.shape, w.shape, stride)
    # refused before allocating: the output and the windows BLAS copies, or the complex spectra
    N, C, F = int(np.prod(x.shape[:-3])), (x.shape[-3] if x.ndim > 2 else 1), (w.shape[0] if w.ndim == 4 else 1)
    H, W, pixels = x.shape[-2], x.shape[-1], ((x.shape[-2] - kh) // stride + 1) * ((x.shape[-1] - kw) // stride + 1)
    work = N * C * pixels * kh * kw if method == "direct" else 2 * (N * C + F * C + 2 * N * F) * H * W
    check.fits("x and w", (x.shape, w.shape), 8 * (2 * N * F * pixels + work))
    if method == "fft":
        return _fft(x, w)[..., ::stride, ::stride]
    if x.ndim == 2 or x.shape[-3] == 1:  # one channel: no sum over channels to hand to BLAS
        return _shift_add(x, w, stride)
    windows = sliding_window_view(x, (kh, kw), axis=(-2, -1))[..., ::stride, ::stride, :, :]
    if x.ndim == 2:  # (H', W', kh, kw) . (kh, kw) -> (H', W')
        return np.tensordot(windows, w, axes=([2, 3], [0, 1]))
    if x.ndim == 3:  # (C, H', W', kh, kw) . (F, C, kh, kw) -> (H', W', F) -> (F, H', W')
        return np.moveaxis(np.tensordot(windows, w, axes=([0, 3, 4], [1, 2, 3])), -1, 0)
    # (N, C, H', W', kh, kw) . (F, C, kh, kw) -> (N, H', W', F) -> (N, F, H', W')
    return np.moveaxis(np.tensordot(windows, w, axes=([1, 4, 5], [1, 2, 3])), -1, 1)


def choose_method(x_shape, w_shape, stride: int = 1) -> str:
    """'fft' when it needs fewer operations than the direct sum, else 'direct' (as SciPy decides,
    by a cost model: kh·kw per output for direct, a few n log n for two FFTs and their product)."""
    x_shape, w_shape, stride = check.shape("x_shape", x_shape), check.shape("w_shape", w_shape), check.integer("stride", stride)
    if len(x_shape) < 2 or len(w_shape) < 2:
        raise ValueError(f"x_shape and w_shape must have at least two axes, got {x_shape} and {w_shape}")
    kh, kw = w_shape[-2:]
    H, W = x_shape[-2:]
    if stride != 1 or kh * kw < 25:  # small kernels: the direct sum is cheaper and exact
        return "direct"
    out = (H - kh + 1) * (W - kw + 1)
    fft_size = (H + kh) * (W + kw)
    return "fft" if 3 * fft_size * np.log2(fft_size) < out * kh * kw else "direct"


def _shift_add(x: np.ndarray, w: np.ndarray, stride: int) -> np.ndarray:
    """Direct correlation of one-channel images as kh·kw multiply-adds of whole shifted images:
    a loop over the kernel's entries, never over pixels, with no window copies."""
    kh, kw = w.shape[-2:]
    Ho, Wo = (x.shape[-2] - kh) // stride + 1, (x.shape[-1] - kw) // stride + 1
    if x.ndim == 2:
        out = np.zeros((Ho, Wo))
        weights = w
    else:  # (..., 1, H, W) with (F, 1, kh, kw) -> (..., F, Ho, Wo)
        out = np.zeros(x.shape[:-3] + (w.shape[0], Ho, Wo))
        weights = w[:, 0, :, :, None, None]  # (F, kh, kw, 1, 1): broadcast over positions
    for i in range(kh):
        for j in range(kw):
            shifted = x[..., i:i + stride * (Ho - 1) + 1:stride, j:j + stride * (Wo - 1) + 1:stride]
            out += weights[..., i, j] * shifted if x.ndim == 2 else weights[:, i, j] * shifted
    return out


def _fft(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """'valid' cross-correlation through the FFT (x already padded): correlating with w is
    convolving with w flipped, and a convolution is a product of spectra."""
    kh, kw = w.shape[-2:]
    H, W = x.shape[-2:]
    shape = (H, W)  # x's own size: the circular wrap-around lands only in the discarded border
    X = np.fft.rfft2(x, shape)
    K = np.fft.rfft2(w[..., ::-1, ::-1], shape)
    if x.ndim == 2:
        full = np.fft.irfft2(X * K, shape)
    elif x.ndim == 3:  # (C, ...) with (F, C, ...): sum over channels
        full = np.fft.irfft2(np.einsum("chw,fchw->fhw", X, K), shape)
    else:
        full = np.fft.irfft2(np.einsum("nchw,fchw->nfhw", X, K), shape)
    return full[..., kh - 1:, kw - 1:]


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
    x, size = check.array("x", x, ndim=range(2, 64), dtype=None), check.integer("size", size)
    d_out = check.array("d_out", d_out, shape=x.shape[:-2] + (x.shape[-2] // size, x.shape[-1] // size), dtype=None)
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
