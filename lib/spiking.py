"""The leaky integrate-and-fire (LIF) neuron (Lapicque 1907), vectorised over neurons.

    tau dV/dt = -(V - v_rest) + R I,    tau = R C

Units throughout: time in ms, potential in mV, resistance in MΩ, current in nA (so R·I is in
mV), capacitance in nF (ms / MΩ), rates in Hz. Between spikes, for constant I, the solution is
exponential relaxation to V∞ = v_rest + R I; when V reaches v_th the neuron spikes, V is set to
v_reset and held there for the refractory period t_ref.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lib import check


@dataclass(frozen=True)
class LIF:
    tau: float = 10.0  # membrane time constant, ms
    R: float = 1.0  # membrane resistance, MΩ
    v_rest: float = -65.0  # resting potential, mV
    v_reset: float = -65.0  # potential after a spike, mV
    v_th: float = -50.0  # threshold, mV
    t_ref: float = 2.0  # refractory period, ms

    def __post_init__(self):
        for name in ("tau", "R", "v_rest", "v_reset", "v_th", "t_ref"):  # numbers, NumPy's too, as floats
            object.__setattr__(self, name, check.number(name, getattr(self, name)))
        for name in ("tau", "R"):
            check.number(name, getattr(self, name), low=0, low_open=True)
        check.number("t_ref", self.t_ref, low=0)
        if not self.v_th > self.v_reset:
            raise ValueError(f"v_th must be above v_reset, got v_th={self.v_th}, v_reset={self.v_reset}")
        if not self.v_th > self.v_rest:
            raise ValueError(f"v_th must be above v_rest, got v_th={self.v_th}, v_rest={self.v_rest}")


@dataclass(frozen=True)
class Run:
    """A simulation: V (neurons, steps + 1) in mV and spikes (neurons, steps), each None unless
    recorded, and every neuron's spike count (neurons,)."""

    t: np.ndarray  # (steps + 1,) ms
    V: np.ndarray | None
    spikes: np.ndarray | None  # spikes[:, k]: the neuron spiked during step k, ending at t[k + 1]
    dt: float
    counts: np.ndarray  # (neurons,) spikes of each neuron
    first: np.ndarray | None = None  # (neurons,) ms, each neuron's first spike; NaN if it never fired
    last: np.ndarray | None = None  # (neurons,) ms, its last spike; NaN if it never fired

    def rates(self) -> np.ndarray:
        """Mean firing rate of each neuron over the whole run, (neurons,) in Hz."""
        return self.counts / ((len(self.t) - 1) * self.dt) * 1000.0

    def steady_rates(self) -> np.ndarray:
        """1 / mean interspike interval of each neuron, (neurons,) in Hz; 0 with fewer than two spikes."""
        if self.first is None:
            raise ValueError("steady_rates needs the spike times: simulate with record_spikes=True")
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = 1000.0 * (self.counts - 1) / (self.last - self.first)
        return np.where(self.counts >= 2, rate, 0.0)


def rheobase(p: LIF = LIF()) -> float:
    """The smallest constant current (nA) that ever brings V from rest to threshold."""
    check.instance("p", p, LIF)
    return (p.v_th - p.v_rest) / p.R


def first_spike_time(I, p: LIF = LIF(), v0: float | None = None) -> np.ndarray:
    """Time (ms) for constant current I (nA) to take V from v0 (default v_rest) to threshold; inf below rheobase."""
    I, p = check.array("I", I, empty=True), check.instance("p", p, LIF)
    v0 = p.v_rest if v0 is None else check.number("v0", v0)
    v_inf = p.v_rest + p.R * I
    with np.errstate(divide="ignore", invalid="ignore"):
        t = p.tau * np.log((v_inf - v0) / (v_inf - p.v_th))
    return np.where(v_inf > p.v_th, t, np.inf)


def firing_rate(I, p: LIF = LIF()) -> np.ndarray:
    """Steady firing rate (Hz) for constant current I (nA): 1 / (t_ref + time from reset to threshold),
    1000 / (t_ref + tau ln((V∞ - v_reset) / (V∞ - v_th))) with V∞ = v_rest + R I; 0 below rheobase."""
    check.instance("p", p, LIF)
    return 1000.0 / (p.t_ref + first_spike_time(I, p, v0=p.v_reset))


def simulate(I, *, dt: float, p: LIF = LIF(), steps: int | None = None, v0=None,
             method: str = "exact", record_v: bool = True, record_spikes: bool = True,
             interpolate: bool = False) -> Run:
    """Simulate LIF neurons driven by I (nA): shape (neurons,) held constant, or (neurons, steps).

    method "exact" advances each step with the exact solution for input held constant over the
    step, V∞ + (V - V∞) e^(-dt/tau); "euler" with forward Euler, V + dt (V∞ - V) / tau.
    Either way a spike is registered at the end of the step in which V reaches v_th, so every
    interspike interval is rounded up to whole steps: rates are first order in dt, even with the
    exact update. interpolate=True (method "exact" only) times each crossing within its step
    instead (Hansel et al. 1998), resets V there, holds it for t_ref from that moment and lets it
    relax for the rest of the step: exact for input held constant over each step.
    Spike counts are always kept; the voltage trace and the spike matrix, (neurons, steps) each,
    only when asked for (without them a step is nine in-place operations on arrays of one number
    per neuron); the first and last spike times, for steady_rates, with the spike matrix, or
    with interpolate=True.
    """
    dt, p = check.number("dt", dt, low=0, low_open=True), check.instance("p", p, LIF)  # dt in ms
    if method not in ("exact", "euler"):
        raise ValueError(f"method must be 'exact' or 'euler', got {method!r}")
    if method == "euler" and dt > p.tau:  # then V overshoots V∞ each step, and can fire below rheobase
        raise ValueError(f"dt = {dt:g} ms is longer than tau = {p.tau:g} ms: forward Euler overshoots and fires where "
                         "the neuron would not; use method='exact' or a smaller dt")
    record_v, record_spikes = check.flag("record_v", record_v), check.flag("record_spikes", record_spikes)
    if check.flag("interpolate", interpolate) and method != "exact":
        raise ValueError(f"interpolate needs method='exact' (its crossing times solve the exact update), got {method!r}")
    I = np.atleast_1d(check.array("I", I, ndim=(0, 1, 2)))
    if I.ndim == 1:
        if steps is None:
            raise ValueError(f"steps must be a positive integer when I is constant, got {steps}")
        steps = check.integer("steps", steps)
        check.fits("steps", steps, steps * len(I) * (8 * record_v + record_spikes))
        I = np.broadcast_to(I[:, None], (I.shape[0], steps))
    elif I.ndim == 2:
        if steps is not None and steps != I.shape[1]:
            raise ValueError(f"steps={steps} does not match I of shape {I.shape} (neurons, steps)")
    else:
        raise ValueError(f"I must have shape (neurons,) or (neurons, steps), got {I.shape}")
    if not np.all(np.isfinite(I)):
        raise ValueError("I must be finite, got NaN or inf")
    n, steps = I.shape
    check.fits("I", I.shape, I.size * (8 * record_v + record_spikes + 8 * (I.strides[1] != 0)))
    v0 = None if v0 is None else check.array("v0", v0, empty=True)
    if v0 is not None and np.shape(v0) not in ((), (n,)):
        raise ValueError(f"v0 must be a number or have shape ({n},), got {np.shape(v0)}")
    V = np.full(n, p.v_rest, dtype=float) if v0 is None else np.array(np.broadcast_to(v0, (n,)), dtype=float)
    if interpolate and np.any(V >= p.v_th):  # a crossing time needs a start below threshold
        raise ValueError(f"v0 must be below v_th = {p.v_th:g} mV with interpolate=True, got max {V.max():g}")
    spikes = np.zeros((steps, n), dtype=bool) if record_spikes else None
    trace = np.empty((steps + 1, n)) if record_v else None
    if record_v:
        trace[0] = V
    if interpolate:
        first, last = np.full(n, np.nan), np.full(n, np.nan)  # ms
        counts = _interpolated(V, I, dt, p, spikes, trace, first, last)
        return Run(np.arange(steps + 1) * dt, None if trace is None else trace.T,
                   None if spikes is None else spikes.T, dt, counts, first, last)
    # Each step is V -> f V + (1 - f) V∞, with f = e^(-dt/tau) for the exact update and its
    # first two Taylor terms, 1 - dt/tau, for forward Euler. Every step works in place on
    # arrays of one number per neuron, and a record is written a row per step, (steps, n).
    f = np.exp(-dt / p.tau) if method == "exact" else 1 - dt / p.tau
    constant = I.strides[1] == 0  # a current held constant: (1 - f) V∞ once for all steps
    drive = (1 - f) * (p.v_rest + p.R * I[:, 0])
    rows = None if constant else np.ascontiguousarray(I.T) * ((1 - f) * p.R)  # (steps, n)
    ref_steps = int(round(p.t_ref / dt))
    # the narrowest integers that hold the numbers: bool arithmetic on them casts least
    refractory = np.zeros(n, dtype=np.min_scalar_type(-ref_steps - 1))  # steps left at v_reset
    held, fired = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    counts = np.zeros(n, dtype=np.int32 if steps < 2**31 else np.int64)
    for k in range(steps):
        if not constant:
            np.add(rows[k], (1 - f) * p.v_rest, out=drive)
        V *= f
        V += drive
        if ref_steps:
            np.greater(refractory, 0, out=held)
            np.copyto(V, p.v_reset, where=held)
            refractory -= held
        np.greater_equal(V, p.v_th, out=fired)
        np.copyto(V, p.v_reset, where=fired)
        if ref_steps:
            np.copyto(refractory, ref_steps, where=fired)
        counts += fired
        if record_spikes:
            spikes[k] = fired
        if record_v:
            trace[k + 1] = V
    first = last = None
    if record_spikes:  # each spike is registered at the end of its step
        fired_ever = counts > 0
        first = np.where(fired_ever, (np.argmax(spikes, axis=0) + 1) * dt, np.nan)
        last = np.where(fired_ever, (steps - np.argmax(spikes[::-1], axis=0)) * dt, np.nan)
    return Run(np.arange(steps + 1) * dt, None if trace is None else trace.T,
               None if spikes is None else spikes.T, dt, counts, first, last)


def _interpolated(V, I, dt, p, spikes, trace, first, last) -> np.ndarray:
    """The steps of simulate(interpolate=True), in place on V, spikes, trace, first and last;
    returns the spike counts. A neuron that crosses v_th at time s within a step spikes at s,
    is held at v_reset until s + t_ref, then relaxes exactly for what is left of the step."""
    n, steps = I.shape
    hold = np.zeros(n)  # ms of the refractory period still to come
    counts = np.zeros(n, dtype=np.int64)
    for k in range(steps):
        v_inf = p.v_rest + p.R * I[:, k]
        held = np.minimum(hold, dt)  # ms of this step spent at v_reset
        start = np.where(held > 0, p.v_reset, V)  # V when the neuron starts to move
        V[:] = v_inf + (start - v_inf) * np.exp(-(dt - held) / p.tau)
        hold -= held
        fired = V >= p.v_th
        if fired.any():
            i = np.flatnonzero(fired)
            with np.errstate(divide="ignore"):  # v_inf == v_th only if V rounded onto it
                s = held[i] + p.tau * np.log((v_inf[i] - start[i]) / (v_inf[i] - p.v_th))
            s = np.clip(s, held[i], dt)  # the crossing, ms after the step began
            after = p.t_ref - (dt - s)  # refractory time left at the step's end (< 0: it ended)
            hold[i] = np.maximum(after, 0.0)
            V[i] = v_inf[i] + (p.v_reset - v_inf[i]) * np.exp(np.minimum(after, 0.0) / p.tau)
            if np.any(V[i] >= p.v_th):
                raise ValueError(f"dt = {dt:g} ms is so long that a neuron fires twice within one step; "
                                 "use a smaller dt")
            t = k * dt + s
            first[i] = np.where(np.isnan(first[i]), t, first[i])
            last[i] = t
            counts[i] += 1
        if spikes is not None:
            spikes[k] = fired
        if trace is not None:
            trace[k + 1] = V
    return counts


def poisson_spikes(rates, steps: int, dt: float, rng: np.random.Generator) -> np.ndarray:
    """Independent Poisson spike trains, (len(rates), steps) booleans, for rates in Hz."""
    rates, steps = check.array("rates", rates, ndim=1, low=0), check.integer("steps", steps)  # Hz
    dt, rng = check.number("dt", dt, low=0, low_open=True), check.generator("rng", rng)
    check.fits("steps", steps, 9 * len(rates) * steps)
    if np.any(rates * dt / 1000.0 > 1):
        raise ValueError(f"rates * dt must stay below one spike a step; dt={dt} ms is too long")
    return rng.random((rates.shape[0], steps)) < rates[:, None] * dt / 1000.0


def synaptic_current(spikes: np.ndarray, w, dt: float) -> np.ndarray:
    """Input current (nA), (steps,): each spike of input i delivers charge w_i (pC) within its step."""
    spikes, dt = check.array("spikes", spikes, ndim=2, dtype=None), check.number("dt", dt, low=0, low_open=True)
    w = check.array("w", w, shape=(spikes.shape[0],), axes="(one weight per input)")
    return w @ spikes / dt  # (inputs,) @ (inputs, steps) -> (steps,)
