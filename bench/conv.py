"""Benchmark: cross-correlating a 256 x 256 image, measured in one run: lib.conv.conv2d against
SciPy (scipy.signal.correlate with its fastest method, and correlate2d) and a floor (a bare
NumPy FFT for the large kernel, a bare matrix product of the windows for the small one).
Targets: 10 x 10 kernel, lib <= 1.5x SciPy's fastest; 3 x 3 kernel, lib no slower than
correlate2d. Also the naive double loop over output pixels, for scale.

With MNIST in data/mnist/: one epoch of the chapter's CNN on 10,000 digits, by lib's fast path
(float32, im2col) and its reference path (float64), beside a floor (the epoch's matrix products
alone, with one and with two BLAS threads); and the step-size search the chapter cites (Adam,
three passes over 10,000 training digits, scored on 10,000 other training digits).

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


def photo_conv():
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


# --- the CNN on MNIST (chapters/conv.qmd) -------------------------------------------------------

def mnist_cnn():
    """Training times of the chapter's CNN beside a floor, and the step-size search it cites."""
    from threadpoolctl import threadpool_limits

    from lib import cnn, mlp, mnist

    digits = mnist.book_digits()
    if not digits.mnist:
        print(f"\nMNIST part skipped: {digits.note} (python -m lib.mnist fetches it)")
        return
    X, y = digits.X_train, digits.y_train
    rng = np.random.default_rng(100)
    order = rng.permutation(len(X))
    train, valid = order[:10_000], order[-10_000:]  # disjoint: the search never sees the test set
    print("\nMNIST, the chapter's CNN (8 kernels 3 x 3, pool 2, dense 1352 -> 10), batches of 64:")
    net = cnn.init_cnn(np.random.default_rng(0), image=28, dtype=np.float32)
    X_k, y_k = X[train], y[train]
    t_fast, _ = best_of(3, lambda: cnn.train(net, X_k, y_k, np.random.default_rng(1), epochs=1, lr=3e-3,
                                             batch_size=64, optimizer="adam"))
    reference = cnn.CNN(*(a.astype(float) for a in (net.K, net.c, net.W, net.b)))
    t_ref, _ = best_of(1, lambda: cnn.train(reference, X_k[:2000], y_k[:2000], np.random.default_rng(1),
                                            epochs=1, lr=3e-3, batch_size=64, optimizer="adam"))
    t_ref *= len(X_k) / 2000

    def floor():  # the products of one epoch and nothing else: im2col, conv, kernel and dense gradients
        K, W = net.K.reshape(8, 9), net.W
        for start in range(0, len(X_k), 64):
            x = X_k[start:start + 64]
            cols = np.stack([x[:, i:i + 26, j:j + 26] for i in range(3) for j in range(3)]).reshape(9, -1)
            Z = K @ cols
            flat = Z.reshape(8, len(x), 26, 26)[..., ::2, ::2].transpose(1, 0, 2, 3).reshape(len(x), -1)
            logits = flat @ W
            d = logits @ W.T
            _ = Z @ cols.T, flat.T @ logits, d
    with threadpool_limits(1, user_api="blas"):
        t_floor, _ = best_of(3, floor)
    print(row("floor: the epoch's matrix products alone", t_floor))
    print(row("lib fast path (float32, im2col), one epoch", t_fast, t_floor))
    print(row("lib reference path (float64), one epoch", t_ref, t_fast))
    with threadpool_limits(2, user_api="blas"):
        t_floor2, _ = best_of(3, floor)
    print(row("floor with two BLAS threads", t_floor2, t_floor)
          + "   (cnn.train uses one: these products are small)")
    print("\nStep sizes (Adam, batches of 64, 3 passes over 10,000 training digits), accuracy on 10,000"
          " other training digits:")
    for model in ("CNN", "dense network", "logistic regression"):
        results = {}
        for lr in (1e-3, 3e-3, 1e-2):
            r = np.random.default_rng(0)
            if model == "CNN":
                m, _ = cnn.train(cnn.init_cnn(r, image=28, dtype=np.float32), X_k, y_k, r, epochs=3, lr=lr,
                                 batch_size=64, optimizer="adam")
                p = cnn.predict(m, X[valid])
            else:
                hidden = (16,) if model == "dense network" else ()
                m = mlp.init_mlp((784, *hidden, 10), r, hidden="relu", output="softmax")
                with threadpool_limits(1, user_api="blas"):
                    m, _ = mlp.train_minibatch(m, X_k.reshape(-1, 784), y_k, r, epochs=3, lr=lr, batch_size=64)
                p = mlp.predict(m, X[valid].reshape(-1, 784))
            results[lr] = np.mean(p.argmax(1) == y[valid])
        best = max(results, key=results.get)
        print(f"  {model:<20} " + "  ".join(f"{lr:g}: {a:.2%}" for lr, a in results.items()) + f"   best {best:g}")


if __name__ == "__main__":
    photo_conv()
    mnist_cnn()
