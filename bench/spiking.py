"""Benchmark: LIF simulation of 10,000 neurons x 1,000 steps, vectorised vs a plain Python loop.

    .venv/bin/python bench/spiking.py

The Python loop runs on a subset of neurons (it is slow); the ratio compares time per
neuron-step, both measured in this one run. Target for the vectorised run: <= 0.2 s.
"""
import math
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.timing import best_of  # noqa: E402
from lib.spiking import LIF, simulate  # noqa: E402


def python_loop(currents, dt, steps, p):
    """The same exact-update LIF, one neuron and one step at a time, in plain Python."""
    decay, ref_steps, spikes = math.exp(-dt / p.tau), round(p.t_ref / dt), 0
    for I in currents:
        v, ref, v_inf = p.v_rest, 0, p.v_rest + p.R * I
        for _ in range(steps):
            v = p.v_reset if ref > 0 else v_inf + (v - v_inf) * decay
            ref = max(ref - 1, 0)
            if v >= p.v_th:
                v, ref, spikes = p.v_reset, ref_steps, spikes + 1
    return spikes



if __name__ == "__main__":
    p, dt, steps, neurons, subset = LIF(), 0.1, 1000, 10_000, 200
    I = np.random.default_rng(0).uniform(10, 40, neurons)
    t_vec, run = best_of(5, lambda: simulate(I, dt=dt, steps=steps, p=p, record_v=False))
    t_rec, _ = best_of(3, lambda: simulate(I, dt=dt, steps=steps, p=p, record_v=True))
    t_loop, loop_spikes = best_of(1, lambda: python_loop(I[:subset], dt, steps, p))
    assert loop_spikes == run.spikes[:subset].sum(), "the two implementations disagree"
    per_vec, per_loop = t_vec / (neurons * steps), t_loop / (subset * steps)
    print(f"vectorised, {neurons} neurons x {steps} steps: {t_vec:.3f} s "
          f"(target <= 0.2 s); recording V as well: {t_rec:.3f} s")
    print(f"Python loop, {subset} neurons x {steps} steps: {t_loop:.3f} s")
    print(f"per neuron-step: vectorised {per_vec * 1e9:.1f} ns, loop {per_loop * 1e9:.1f} ns, "
          f"ratio {per_loop / per_vec:.0f}x")
