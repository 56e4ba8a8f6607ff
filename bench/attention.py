"""Benchmark: multi-head attention forward, measured in one run at two sizes (512 tokens, 8 heads,
d_model 512; and the tiny model's batch: 64 sequences of 8 tokens, 4 heads, d_model 32):
lib.attention.mha_forward against its peer, an explicit Python loop over heads, and a floor
made of the same matmuls plus one in-place row softmax and nothing else (no checks, no cache).
Targets: lib no slower than the loop, and <= 1.2x the floor. Also: training the chapter's tiny
reversal model (600 Adam steps), whose target is <= 30 s.

    .venv/bin/python bench/attention.py
"""
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.timing import best_of, blas, row  # noqa: E402
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


def floor(X, Wq, Wk, Wv, Wo, heads):
    """The matmuls attention must do and one in-place row softmax: nothing else."""
    B, T, d = X.shape
    Q, K, V = ((X @ W).reshape(B, T, heads, d // heads).transpose(0, 2, 1, 3) for W in (Wq, Wk, Wv))
    S = Q @ K.swapaxes(-1, -2)
    S *= 1 / np.sqrt(d // heads)
    S -= S.max(axis=-1, keepdims=True)
    np.exp(S, out=S)
    S /= S.sum(axis=-1, keepdims=True)
    return (S @ V).transpose(0, 2, 1, 3).reshape(B, T, d) @ Wo


if __name__ == "__main__":
    print(f"multi-head attention, forward; {blas()}")
    rng = np.random.default_rng(0)
    for B, T, d, heads, repeats in ((1, 512, 512, 8, 10), (64, 8, 32, 4, 200)):
        X = rng.normal(size=(B, T, d))
        W = [rng.normal(0, d**-0.5, (d, d)) for _ in range(4)]
        t_lib, ours = best_of(repeats, lambda: mha_forward(X, *W, heads)[0])
        t_loop, looped = best_of(repeats, lambda: loop_over_heads(X, *W, heads))
        t_floor, bare = best_of(repeats, lambda: floor(X, *W, heads))
        assert np.allclose(ours, looped) and np.allclose(ours, bare), "implementations disagree"
        print(f"\n{B} x {T} tokens, d = {d}, {heads} heads:")
        print(row("floor: matmuls + in-place softmax", t_floor))
        print(row("lib mha_forward, against the floor", t_lib, t_floor, 1.2))
        print(row("lib mha_forward, against the loop", t_lib, t_loop, 1.0))
        print(row("loop over heads", t_loop))
    cfg = Config(vocab=10, d=32, heads=4, ffn=64, max_len=8)
    t0 = time.perf_counter()
    train(init_model(cfg, np.random.default_rng(3)), cfg, lambda r: reversal_batch(r, 64, 8),
          np.random.default_rng(4), steps=600)
    print(f"\ntraining the tiny reversal model, 600 steps: {time.perf_counter() - t0:.1f} s (target <= 30 s)")
