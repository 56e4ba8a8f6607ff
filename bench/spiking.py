"""Benchmark: LIF simulation of 10,000 neurons x 1,000 steps, counting spikes, measured in one run:
lib.spiking.simulate recording only the counts, against the floor (a plain vectorised NumPy loop
with the exact update and in-place arrays, the least a step can do) and against a plain Python
loop (per neuron-step, on a subset: it is slow). Targets: lib <= 1.3x the floor, <= 0.05 s.

    .venv/bin/python bench/spiking.py
"""
import math
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.timing import best_of, blas, row  # noqa: E402
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


def numpy_floor(currents, dt, steps, p):
    """The same model as a bare vectorised loop: in-place arrays, spike counts only."""
    n = len(currents)
    decay, ref_steps = math.exp(-dt / p.tau), round(p.t_ref / dt)
    drive = (1 - decay) * (p.v_rest + p.R * currents)
    V, ref = np.full(n, p.v_rest), np.zeros(n, dtype=np.int16)  # narrow ints cast least
    held, fired, counts = np.zeros(n, bool), np.zeros(n, bool), np.zeros(n, dtype=np.int32)
    for _ in range(steps):
        V *= decay
        V += drive
        np.greater(ref, 0, out=held)
        np.copyto(V, p.v_reset, where=held)
        ref -= held
        np.greater_equal(V, p.v_th, out=fired)
        np.copyto(V, p.v_reset, where=fired)
        np.copyto(ref, ref_steps, where=fired)
        counts += fired
    return counts


if __name__ == "__main__":
    p, dt, steps, neurons, subset = LIF(), 0.1, 1000, 10_000, 200
    I = np.random.default_rng(0).uniform(10, 40, neurons)
    count = lambda **record: simulate(I, dt=dt, steps=steps, p=p, **record)
    t_lib, run = best_of(7, lambda: count(record_v=False, record_spikes=False))
    t_floor, floor_counts = best_of(7, lambda: numpy_floor(I, dt, steps, p))
    t_spikes, _ = best_of(3, lambda: count(record_v=False))
    t_both, _ = best_of(3, lambda: count())
    t_loop, loop_spikes = best_of(1, lambda: python_loop(I[:subset], dt, steps, p))
    assert np.array_equal(run.counts, floor_counts), "lib and the floor disagree"
    assert loop_spikes == run.counts[:subset].sum(), "lib and the Python loop disagree"
    print(f"{neurons:,} LIF neurons x {steps:,} steps, exact update; {blas()}")
    print(row("floor: bare vectorised loop, counts", t_floor))
    print(row("lib simulate, counts only", t_lib, t_floor, 1.3)
          + f"; {'within' if t_lib <= 0.05 else 'over'} the 0.05 s target")
    print(row("lib simulate, + spike matrix", t_spikes, t_floor))
    print(row("lib simulate, + spike matrix + V trace", t_both, t_floor))
    per_lib, per_loop = t_lib / (neurons * steps), t_loop / (subset * steps)
    print(f"per neuron-step: lib {per_lib * 1e9:.1f} ns, plain Python loop {per_loop * 1e9:.0f} ns "
          f"({per_loop / per_lib:.0f}x slower)")
