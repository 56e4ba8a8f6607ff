"""Benchmarks for the chapter "Seeing the data", each beside a floor, measured in one run:

- drawing 60,000 dots in ten colours with lib.plots.scatter_classes (one pixel each, as the
  chapter draws them) and saving PNG and PDF; floor: the same figure saved with no dots;
- PCA of the 60,000 training images (lib.pca.fit_pca, float32); floor: the Gram matrix alone
  by BLAS syrk on one thread, as fit_pca computes it;
- one training of the chapter's autoencoder (2,400 Adam steps of 256 images on 50 principal
  coordinates); floor: the matrix products of those steps alone;
- the linear autoencoder's 1,000 full-batch steps from the covariance; floor: their products.

With MNIST absent (python -m lib.mnist fetches it) the same runs use random data of MNIST's
shapes, and say so.

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
from scipy.linalg.blas import get_blas_funcs  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.timing import best_of, blas, row  # noqa: E402
from lib import autoencoder as ae  # noqa: E402
from lib import mnist  # noqa: E402
from lib.pca import fit_pca  # noqa: E402
from lib.plots import scatter_classes  # noqa: E402
from lib.style import use_style  # noqa: E402


def data():
    digits = mnist.book_digits()
    if digits.mnist:
        return digits.X_train.reshape(60_000, -1), digits.y_train, "MNIST's 60,000 training digits"
    rng = np.random.default_rng(0)
    X = (rng.random((60_000, 784)) ** 4).astype(np.float32)
    return X, rng.integers(0, 10, 60_000), f"random data of MNIST's shapes ({digits.note})"


def draw(Z, y, dots: bool):
    fig, ax = plt.subplots(figsize=(4, 3.6), dpi=110)
    if dots:
        scatter_classes(ax, Z, y, size=0.3)
        ax.collections[0].set_antialiased(False)
    else:
        ax.set(xlim=(Z[:, 0].min(), Z[:, 0].max()), ylim=(Z[:, 1].min(), Z[:, 1].max()))
    sizes = []
    for fmt in ("png", "pdf"):
        buffer = io.BytesIO()
        fig.savefig(buffer, format=fmt, bbox_inches="tight")
        sizes.append(len(buffer.getvalue()))
    plt.close(fig)
    return sizes


if __name__ == "__main__":
    use_style()
    X, y, what = data()
    print(f"{what}; {blas()}")
    t, pc = best_of(1, lambda: fit_pca(X, 50))
    centred = X - pc.mean
    with threadpool_limits(1, user_api="blas"):  # as fit_pca runs it: the same bytes on any machine
        t_floor, _ = best_of(1, lambda: get_blas_funcs("syrk", (centred,))(1.0, centred.T))
    print(row("\nfloor: the Gram matrix alone (syrk, one thread)", t_floor))
    print(row("PCA, 50 directions (fit_pca)", t, t_floor))

    Z = pc.scores(X)[:, :2]
    t_draw, (png, pdf) = best_of(1, lambda: draw(Z, y, True))
    t_empty, _ = best_of(1, lambda: draw(Z, y, False))
    print(row("\nfloor: the figure saved without dots", t_empty))
    print(row("60,000 dots drawn, saved as PNG and PDF", t_draw, t_empty)
          + f"   PNG {png / 1e3:.0f} kB, PDF {pdf / 1e3:.0f} kB")

    S = pc.scores(X)
    net = ae.autoencoder(50, np.random.default_rng(0), hidden=(64, 64))
    t_ae, _ = best_of(1, lambda: ae.train(net, S, np.random.default_rng(1), steps=2400))

    def products():  # forward and backward products of 2,400 steps, nothing else
        for step in range(2400):
            A = [S[(step * 256) % 59_904:][:256]]
            for W in net.W:
                A.append(A[-1] @ W)
            delta = A[-1]
            for W, a in zip(net.W[::-1], A[-2::-1]):
                _ = a.T @ delta
                delta = delta @ W.T
    with threadpool_limits(1, user_api="blas"):
        t_products, _ = best_of(1, products)
    print(row("\nfloor: the autoencoder's products, 2,400 steps", t_products))
    print(row("one autoencoder training (chapter: five)", t_ae, t_products))

    C = pc.cov
    t_lin, _ = best_of(1, lambda: ae.train_linear(C, np.random.default_rng(2), steps=1000))
    E, D = np.ones((784, 2)), np.ones((2, 784))

    def linear_products():
        for _ in range(1000):
            CE = C @ E
            _ = CE @ (D @ D.T), C @ D.T, (E.T @ CE) @ D
    with threadpool_limits(1, user_api="blas"):
        t_lin_floor, _ = best_of(1, linear_products)
    print(row("\nfloor: the linear autoencoder's products", t_lin_floor))
    print(row("linear autoencoder, 1,000 steps", t_lin, t_lin_floor))
    print(f"\n(process CPU time so far: {time.process_time():.1f} s)")
