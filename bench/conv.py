"""Benchmark: 256 x 256 image, 10 x 10 kernel: lib.conv.conv2d vs scipy.signal.correlate2d vs a
naive double loop over output pixels, measured side by side in one run. Target: within 2x of SciPy.

    .venv/bin/python bench/conv.py
"""
import sys
from pathlib import Path

import numpy as np
from scipy.signal import correlate2d

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.timing import best_of  # noqa: E402
from lib.conv import conv2d  # noqa: E402


def naive(x, w):
    kh, kw = w.shape
    out = np.empty((x.shape[0] - kh + 1, x.shape[1] - kw + 1))
    for r in range(out.shape[0]):
        for c in range(out.shape[1]):
            out[r, c] = np.sum(x[r:r + kh, c:c + kw] * w)
    return out



if __name__ == "__main__":
    rng = np.random.default_rng(0)
    x, w = rng.random((256, 256)), rng.random((10, 10))
    t_lib, ours = best_of(20, lambda: conv2d(x, w))
    t_scipy, ref = best_of(20, lambda: correlate2d(x, w, mode="valid"))
    t_naive, slow = best_of(1, lambda: naive(x, w))
    assert np.allclose(ours, ref) and np.allclose(slow, ref), "implementations disagree"
    print(f"lib conv2d:          {t_lib * 1e3:8.2f} ms")
    print(f"scipy correlate2d:   {t_scipy * 1e3:8.2f} ms   lib/scipy = {t_lib / t_scipy:.2f} (target <= 2)")
    print(f"naive double loop:   {t_naive * 1e3:8.2f} ms   naive/lib = {t_naive / t_lib:.0f}x")
