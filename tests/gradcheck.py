"""Central finite differences: the independent oracle for every hand-written gradient."""
import numpy as np


def numerical_gradient(f, x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """d f() / d x by central differences; x is nudged in place, one entry at a time, and restored."""
    g = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        keep = x[idx]
        x[idx] = keep + h
        up = f()
        x[idx] = keep - h
        down = f()
        x[idx] = keep
        g[idx] = (up - down) / (2 * h)
    return g
