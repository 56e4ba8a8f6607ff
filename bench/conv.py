"""Benchmark: cross-correlating a 256 x 256 image, measured in one run: lib.conv.conv2d against
SciPy (scipy.signal.correlate with its fastest method, and correlate2d) and a floor (a bare
NumPy FFT for the large kernel, a bare matrix product of the windows for the small one).
Targets: 10 x 10 kernel, lib <= 1.5x SciPy's fastest; 3 x 3 kernel, lib no slower than
correlate2d. Also the naive double loop over output pixels, for scale.

    .venv/bin/python bench/conv.py
"""
import sys
from pathlib import Path

import numpy as np
from scipy.signal import correlate, correlate2d

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.timing import best_of, blas, row  # noqa: E402
from lib.conv import choose_method, conv2d  # noqa: E402


def naive(x, w):
    kh, kw = w.shape
    out = np.empty((x.shape[0] - kh + 1, x.shape[1] - kw + 1))
    for r in range(out.shape[0]):
        for c in range(out.shape[1]):
            out[r, c] = np.sum(x[r:r + kh, c:c + kw] * w)
    return out


def fft_floor(x, w):
    """A 'valid' correlation as bare FFTs: no checks, no padding choices."""
    kh, kw = w.shape
    spectrum = np.fft.rfft2(x) * np.fft.rfft2(w[::-1, ::-1], x.shape)
    return np.fft.irfft2(spectrum, x.shape)[kh - 1:, kw - 1:]


def direct_floor(x, w):
    """A 'valid' correlation as bare shifted multiply-adds, one per kernel entry."""
    kh, kw = w.shape
    Ho, Wo = x.shape[0] - kh + 1, x.shape[1] - kw + 1
    out = np.zeros((Ho, Wo))
    for i in range(kh):
        for j in range(kw):
            out += w[i, j] * x[i:i + Ho, j:j + Wo]
    return out


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    x = rng.random((256, 256))
    print(f"256 x 256 image; {blas()}")
    floors = ((10, fft_floor, "floor: bare FFTs", 1.5),
              (3, direct_floor, "floor: bare shifted multiply-adds", None))
    for k, floor, floor_name, target in floors:
        w = rng.random((k, k))
        t_lib, ours = best_of(20, lambda: conv2d(x, w))
        t_fft, ref = best_of(20, lambda: correlate(x, w, mode="valid", method="fft"))
        t_direct, _ = best_of(5, lambda: correlate(x, w, mode="valid", method="direct"))
        t_2d, ref2d = best_of(10, lambda: correlate2d(x, w, mode="valid"))
        t_floor, _ = best_of(20, lambda: floor(x, w))
        assert np.allclose(ours, ref) and np.allclose(ours, ref2d), "implementations disagree"
        fastest = min(t_fft, t_direct, t_2d)
        print(f"\n{k} x {k} kernel (lib chooses {choose_method(x.shape, w.shape)}):")
        print(row(floor_name, t_floor))
        print(row("lib conv2d, against SciPy's fastest", t_lib, fastest, target))
        print(row("lib conv2d, against correlate2d", t_lib, t_2d, 1.0 if k == 3 else None))
        print(row("scipy.signal.correlate, method='fft'", t_fft))
        print(row("scipy.signal.correlate, method='direct'", t_direct))
        print(row("scipy.signal.correlate2d", t_2d))
        print(row("lib conv2d, against the floor", t_lib, t_floor))
    w = rng.random((10, 10))
    t_naive, _ = best_of(1, lambda: naive(x, w))
    t_lib, _ = best_of(20, lambda: conv2d(x, w))
    print(f"\nnaive double loop, 10 x 10: {t_naive * 1e3:.0f} ms, {t_naive / t_lib:.0f}x lib")
