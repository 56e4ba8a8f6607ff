"""Benchmark: multi-head attention forward, 512 tokens, 8 heads, d_model 512, measured in one run:
lib.attention.mha_forward vs an explicit Python loop over heads vs a floor of the bare matmuls it
must do (projections, Q Kᵀ, A V, output) with no softmax. Also: training the chapter's tiny
reversal model (600 Adam steps), whose target is <= 30 s.

    .venv/bin/python bench/attention.py
"""
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.timing import best_of  # noqa: E402
from lib.attention import mha_forward, softmax_rows  # noqa: E402
from lib.transformer import Config, init_model, reversal_batch, train  # noqa: E402


def loop_over_heads(X, Wq, Wk, Wv, Wo, heads):
    d = X.shape[-1]
    dk = d // heads
    outs = []
    for h in range(heads):  # one head at a time, as a first implementation would
        cols = slice(h * dk, (h + 1) * dk)
        Q, K, V = X @ Wq[:, cols], X @ Wk[:, cols], X @ Wv[:, cols]
        outs.append(softmax_rows(Q @ K.swapaxes(-1, -2) / np.sqrt(dk)) @ V)
    return np.concatenate(outs, axis=-1) @ Wo


def matmul_floor(X, Wq, Wk, Wv, Wo, heads):
    B, T, d = X.shape
    Q, K, V = (np.ascontiguousarray((X @ W).reshape(B, T, heads, d // heads).transpose(0, 2, 1, 3))
               for W in (Wq, Wk, Wv))
    S = Q @ K.swapaxes(-1, -2)
    return ((S @ V).transpose(0, 2, 1, 3).reshape(B, T, d)) @ Wo



if __name__ == "__main__":
    rng = np.random.default_rng(0)
    T, d, heads = 512, 512, 8
    X = rng.normal(size=(1, T, d))
    W = [rng.normal(0, d**-0.5, (d, d)) for _ in range(4)]
    t_lib, ours = best_of(10, lambda: mha_forward(X, *W, heads)[0])
    t_loop, looped = best_of(10, lambda: loop_over_heads(X, *W, heads))
    t_floor, _ = best_of(10, lambda: matmul_floor(X, *W, heads))
    assert np.allclose(ours, looped), "implementations disagree"
    print(f"lib mha_forward:      {t_lib * 1e3:7.1f} ms")
    print(f"loop over heads:      {t_loop * 1e3:7.1f} ms   ({t_loop / t_lib:.2f}x lib)")
    print(f"bare matmuls (floor): {t_floor * 1e3:7.1f} ms   (lib is {t_lib / t_floor:.2f}x the floor)")
    cfg = Config(vocab=10, d=32, heads=4, ffn=64, max_len=8)
    t0 = time.perf_counter()
    train(init_model(cfg, np.random.default_rng(3)), cfg, lambda r: reversal_batch(r, 64, 8),
          np.random.default_rng(4), steps=600)
    print(f"training the tiny reversal model, 600 steps: {time.perf_counter() - t0:.1f} s (target <= 30 s)")
