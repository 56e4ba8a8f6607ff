"""Benchmarks for the chapter "Seeing the data", measured in one run:

- drawing 60,000 points in ten colours with lib.plots.scatter_classes and saving the PNG
  (target <= 3 s);
- training the chapter's autoencoder on the embedded default data, scikit-learn's digits
  (target <= 15 s).

    .venv/bin/python bench/seeing.py
"""
import io
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from lib.autoencoder import autoencoder, train  # noqa: E402
from lib.data import digits  # noqa: E402
from lib.plots import scatter_classes  # noqa: E402
from lib.style import use_style  # noqa: E402

if __name__ == "__main__":
    use_style()
    rng = np.random.default_rng(0)
    y = rng.integers(0, 10, 60_000)
    Z = rng.normal(size=(60_000, 2)) + 3 * np.column_stack([np.cos(y), np.sin(y)])
    t0 = time.perf_counter()
    fig, ax = plt.subplots(figsize=(4, 3.6), dpi=110)
    scatter_classes(ax, Z, y, size=0.3)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    t_draw = time.perf_counter() - t0
    print(f"60,000 points drawn and saved as PNG: {t_draw:.2f} s (target <= 3 s), {len(buffer.getvalue()) / 1e3:.0f} kB")
    X, _ = digits()
    X = X.reshape(len(X), -1)
    t0 = time.perf_counter()
    train(autoencoder(64, np.random.default_rng(5), hidden=32), X, np.random.default_rng(1994), epochs=150)
    print(f"autoencoder on {len(X):,} digits, 150 epochs: {time.perf_counter() - t0:.1f} s (target <= 15 s)")
