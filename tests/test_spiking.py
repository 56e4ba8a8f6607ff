"""The LIF neuron against its closed forms, scipy.integrate.solve_ivp and hand counts."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import solve_ivp

from lib.spiking import (
    LIF, first_spike_time, firing_rate, poisson_spikes, rheobase, simulate, synaptic_current,
)

P = LIF()  # tau 10 ms, R 1 MΩ, rest = reset -65 mV, threshold -50 mV, t_ref 2 ms


def test_rheobase_and_classic_parameters():
    assert rheobase(P) == 15.0  # (-50 - -65) mV / 1 MΩ, by hand
    run = simulate([1.5], dt=1.0, steps=500, method="euler")
    assert not run.spikes.any()
    assert run.V[0, -1] == pytest.approx(-63.5, abs=1e-9)  # V∞ = -65 + 1 * 1.5


@pytest.mark.parametrize("I", [16.0, 20.0, 35.0, 80.0])
def test_first_spike_and_steady_rate_match_closed_forms(I):
    dt = 0.002
    run = simulate([I], dt=dt, steps=int(200 / dt), record_v=False)
    t_first = (np.flatnonzero(run.spikes[0])[0] + 1) * dt
    # Closed forms written out here: V(t) = V∞ + (V0 - V∞) e^(-t/tau) reaches v_th at
    # t* = tau ln((V∞ - V0) / (V∞ - v_th)); the period adds t_ref.
    v_inf = -65.0 + I
    t_star = 10.0 * np.log((v_inf + 65.0) / (v_inf + 50.0))
    assert t_first == pytest.approx(t_star, rel=0.01)
    assert run.steady_rates()[0] == pytest.approx(1000.0 / (2.0 + t_star), rel=0.01)
    assert first_spike_time(I) == pytest.approx(t_star) and firing_rate(I) == pytest.approx(1000 / (2 + t_star))


def test_exact_update_equals_the_analytic_solution():
    dt, I = 0.1, 12.0  # below rheobase: no spike interrupts the relaxation
    run = simulate([I], dt=dt, steps=400, v0=-70.0)
    v_inf = -65.0 + I
    assert np.max(np.abs(run.V[0] - (v_inf + (-70.0 - v_inf) * np.exp(-run.t / 10.0)))) < 1e-9


def test_exact_update_equals_solve_ivp_for_piecewise_constant_input():
    dt, steps = 0.25, 120
    I = np.repeat(np.array([3.0, 14.0, 8.0, 0.0, 11.0, 14.9]), steps // 6)[None, :]  # stays subthreshold
    run = simulate(I, dt=dt)
    v, t0 = -65.0, 0.0
    for k in range(steps):  # integrate the ODE step by step with SciPy
        sol = solve_ivp(lambda t, v: (-(v + 65.0) + I[0, k]) / 10.0, (t0, t0 + dt), [v],
                        method="DOP853", rtol=1e-13, atol=1e-13)
        v, t0 = sol.y[0, -1], t0 + dt
        assert abs(run.V[0, k + 1] - v) < 1e-9
    assert not run.spikes.any()


def test_euler_is_first_order():
    errors = []
    for dt in (0.1, 0.05, 0.025):
        V = simulate([12.0], dt=dt, steps=int(round(20 / dt)), method="euler").V[0, -1]
        errors.append(abs(V - (-53.0 + (-65.0 + 53.0) * np.exp(-2.0))))
    assert errors[0] / errors[1] == pytest.approx(2, rel=0.05)
    assert errors[1] / errors[2] == pytest.approx(2, rel=0.05)


@settings(max_examples=25, deadline=None)
@given(st.floats(0, 14.999))
def test_below_rheobase_never_spikes(I):
    run = simulate([I], dt=0.1, steps=5000, record_v=False)
    assert not run.spikes.any()


def test_rest_stays_at_rest():
    run = simulate(np.zeros(3), dt=0.1, steps=1000)
    assert np.all(run.V == -65.0)


def test_refractory_period_by_hand():
    # dt = 1 ms, I = 40 nA: V∞ = -25 mV; from -65 the threshold is crossed during step 3
    # (t* = 10 ln(40/25) = 4.70 ms -> step index 4, ending at 5 ms); then V is held for 2 steps.
    run = simulate([40.0], dt=1.0, steps=20)
    spike_steps = np.flatnonzero(run.spikes[0])
    assert spike_steps[0] == 4
    assert np.all(run.V[0, spike_steps[0] + 1: spike_steps[0] + 4] == -65.0)
    assert np.all(np.diff(spike_steps) == 2 + 5)  # 2 held steps, then 5 steps to threshold again


def test_vectorised_equals_one_at_a_time():
    rng = np.random.default_rng(0)
    I = 16 + 8 * rng.standard_normal((6, 800))
    together = simulate(I, dt=0.1)
    for n in range(6):
        alone = simulate(I[n:n + 1], dt=0.1)
        assert np.array_equal(alone.spikes[0], together.spikes[n])
        assert np.array_equal(alone.V[0], together.V[n])


def test_poisson_spikes_have_the_asked_rate():
    rng = np.random.default_rng(1)
    spikes = poisson_spikes(np.array([20.0, 80.0]), steps=100_000, dt=0.1, rng=rng)
    p = np.array([0.002, 0.008])  # spike probability per step
    counts = spikes.sum(axis=1)
    bound = 4 * np.sqrt(100_000 * p * (1 - p))  # four binomial standard deviations
    assert np.all(np.abs(counts - 100_000 * p) < bound)


def test_synaptic_current_by_hand():
    spikes = np.array([[1, 0, 1], [0, 0, 1]], dtype=bool)
    assert np.allclose(synaptic_current(spikes, [2.0, -1.0], dt=0.5), [4.0, 0.0, 2.0])


@pytest.mark.parametrize("call, words", [
    (lambda: simulate([20.0], dt=0, steps=10), "dt must be"),
    (lambda: simulate([20.0], dt=-0.1, steps=10), "dt must be"),
    (lambda: LIF(tau=0), "tau must be"),
    (lambda: LIF(tau=-5), "tau must be"),
    (lambda: LIF(R=np.nan), "R must be"),
    (lambda: LIF(v_th=-70.0), "v_th must be above v_reset"),
    (lambda: LIF(t_ref=-1), "t_ref"),
    (lambda: simulate([np.nan], dt=0.1, steps=10), "finite"),
    (lambda: simulate([20.0], dt=0.1), "steps must be"),
    (lambda: simulate(np.ones((2, 10)), dt=0.1, steps=5), "does not match"),
    (lambda: simulate(np.ones((2, 2, 2)), dt=0.1), "shape"),
    (lambda: simulate(np.ones(3), dt=0.1, steps=5, v0=np.zeros(2)), "v0"),
    (lambda: simulate(np.ones(3), dt=0.1, steps=5, method="rk4"), "method"),
    (lambda: poisson_spikes(np.array([-1.0]), 10, 0.1, np.random.default_rng()), "rates"),
    (lambda: poisson_spikes(np.array([20_000.0]), 10, 0.1, np.random.default_rng()), "dt"),
    (lambda: synaptic_current(np.ones((3, 4), bool), [1.0, 2.0], 0.1), "one weight per input"),
])
def test_bad_input_is_refused_clearly(call, words):
    with pytest.raises(ValueError, match=words):
        call()


def plain_lif(I, dt, p, method):
    """The plain path: a fresh array each step, as the model is written down."""
    n, steps = I.shape
    V, refractory = np.full(n, p.v_rest), np.zeros(n, dtype=int)
    decay, ref_steps = np.exp(-dt / p.tau), int(round(p.t_ref / dt))
    trace, spikes = [V], []
    for k in range(steps):
        v_inf = p.v_rest + p.R * I[:, k]
        new = v_inf + (V - v_inf) * decay if method == "exact" else V + dt * (v_inf - V) / p.tau
        V = np.where(refractory > 0, p.v_reset, new)
        refractory = np.maximum(refractory - 1, 0)
        fired = V >= p.v_th
        V = np.where(fired, p.v_reset, V)
        refractory = np.where(fired, ref_steps, refractory)
        trace.append(V)
        spikes.append(fired)
    return np.array(trace).T, np.array(spikes).T


@pytest.mark.parametrize("method", ["exact", "euler"])
@pytest.mark.parametrize("t_ref, constant", [(2.0, True), (2.0, False), (0.0, False), (30.0, True)])
def test_the_fast_path_equals_the_plain_path(method, t_ref, constant):
    rng = np.random.default_rng(int(t_ref) + constant)
    p, dt, steps = LIF(t_ref=t_ref), 0.1, 400
    I = rng.uniform(0, 40, 50)
    I = np.broadcast_to(I[:, None], (50, steps)) if constant else I[:, None] + rng.normal(0, 8, (50, steps))
    V, spikes = plain_lif(np.asarray(I), dt, p, method)
    full = simulate(I if not constant else I[:, 0], dt=dt, steps=steps, p=p, method=method)
    assert np.allclose(full.V, V, atol=1e-9) and np.array_equal(full.spikes, spikes)
    counts = simulate(I if not constant else I[:, 0], dt=dt, steps=steps, p=p, method=method,
                      record_v=False, record_spikes=False)
    assert counts.V is None and counts.spikes is None
    assert np.array_equal(counts.counts, spikes.sum(axis=1)) and np.allclose(counts.rates(), full.rates())
    with pytest.raises(ValueError, match="record_spikes"):
        counts.steady_rates()
    # first and last spike at the end of the steps the plain path marks
    k_first = np.where(spikes.any(1), np.argmax(spikes, axis=1), -1)
    k_last = np.where(spikes.any(1), steps - 1 - np.argmax(spikes[:, ::-1], axis=1), -1)
    assert np.allclose(full.first, np.where(k_first >= 0, (k_first + 1) * dt, np.nan), equal_nan=True)
    assert np.allclose(full.last, np.where(k_last >= 0, (k_last + 1) * dt, np.nan), equal_nan=True)
    n_spikes = spikes.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        by_hand = np.where(n_spikes >= 2, 1000 * (n_spikes - 1) / ((k_last - k_first) * dt), 0.0)
    assert np.allclose(full.steady_rates(), by_hand)


def test_f_I_with_a_reset_below_rest():
    # the period is t_ref + tau ln((V∞ - v_reset) / (V∞ - v_th)), V∞ = v_rest + R I, by hand
    p = LIF(v_reset=-70.0)
    I, hand = np.array([17.0, 30.0]), 2 + 10 * np.log(np.array([22 / 2, 35 / 15]))
    assert np.allclose(firing_rate(I, p), 1000 / hand, rtol=1e-12)
    run = simulate(I, dt=0.005, steps=80_000, p=p, record_v=False)  # 400 ms
    assert np.allclose(run.steady_rates(), 1000 / hand, rtol=0.005)
    # the form with R I alone, tau ln(RI / (RI - (v_th - v_reset))), is wrong here: 77 Hz, not 95.5
    assert 1000 / (2 + 10 * np.log(30 / (30 - 20))) < 0.85 * firing_rate(30.0, p)


def test_grid_rates_are_first_order_in_dt_for_both_methods():
    # a spike is registered at the end of its step, so each interval is rounded up to whole steps
    I = np.linspace(16, 60, 12)
    f = firing_rate(I)
    mean_error = {}
    for method in ("exact", "euler"):
        for dt in (0.1, 0.01):
            rates = simulate(I, dt=dt, steps=int(round(500 / dt)), method=method, record_v=False).steady_rates()
            mean_error[method, dt] = np.mean(np.abs(rates / f - 1))
        assert 5 < mean_error[method, 0.1] / mean_error[method, 0.01] < 20  # second order: 100
    # with the exact update the interval is exactly (t_ref + ceil(t* / dt) dt) for t_ref a whole number of steps
    dt = 0.1
    run = simulate(I, dt=dt, steps=5000, record_v=False)
    t_star = 10.0 * np.log((I + 0.0) / (I - 15.0))
    assert np.allclose(run.steady_rates(), 1000 / (2.0 + np.ceil(t_star / dt) * dt), rtol=1e-9)


@pytest.mark.parametrize("p", [LIF(), LIF(v_reset=-70.0, t_ref=0.0), LIF(t_ref=0.35)])
@pytest.mark.parametrize("dt", [1.0, 0.37, 0.1])
def test_interpolated_crossings_give_the_closed_form_at_any_dt(p, dt):
    I = np.array([15.2, 17.0, 25.0, 40.0, 60.0])
    run = simulate(I, dt=dt, steps=int(round(600 / dt)), p=p, record_v=False, interpolate=True)
    assert np.allclose(run.first, first_spike_time(I, p), rtol=1e-9)
    assert np.allclose(run.steady_rates(), firing_rate(I, p), rtol=1e-9)


def test_interpolated_below_threshold_is_the_exact_update():
    I = np.linspace(0, 14.9, 7)
    a = simulate(I, dt=0.3, steps=300)
    b = simulate(I, dt=0.3, steps=300, interpolate=True)
    assert np.allclose(a.V, b.V, rtol=0, atol=1e-10) and b.counts.sum() == 0


def event_driven(I, dt, p):
    """Spike times (ms) of one LIF neuron for input I[k] held over step k, by scipy's solve_ivp with
    the threshold as a terminal event: an oracle independent of the step-by-step formulas."""
    V, t, free_at, times = p.v_rest, 0.0, 0.0, []
    crossing = lambda s, v: v[0] - p.v_th  # noqa: E731
    crossing.terminal, crossing.direction = True, 1
    for k, current in enumerate(I):
        end = (k + 1) * dt
        while t < end:
            if free_at > t:  # held at v_reset
                t = min(free_at, end)
                continue
            sol = solve_ivp(lambda s, v: (-(v - p.v_rest) + p.R * current) / p.tau, (t, end), [V],
                            method="DOP853", rtol=1e-12, atol=1e-12, events=crossing)
            if sol.t_events[0].size:
                t = sol.t_events[0][0]
                times.append(t)
                V, free_at = p.v_reset, t + p.t_ref
            else:
                V, t = sol.y[0, -1], end
    return np.array(times)


@pytest.mark.parametrize("p", [LIF(), LIF(v_reset=-68.0, t_ref=0.55)])
def test_interpolated_spikes_equal_an_event_driven_solve_ivp(p):
    rng = np.random.default_rng(3)
    dt = 0.25
    I = rng.uniform(5, 45, 600)  # changes every step
    times = event_driven(I, dt, p)
    run = simulate(I[None, :], dt=dt, p=p, interpolate=True)
    assert len(times) > 10 and run.counts[0] == len(times)
    assert np.array_equal(np.flatnonzero(run.spikes[0]), np.floor(times / dt).astype(int))
    assert run.first[0] == pytest.approx(times[0], abs=1e-7) and run.last[0] == pytest.approx(times[-1], abs=1e-7)
    rate = 1000 * (len(times) - 1) / (times[-1] - times[0])
    assert run.steady_rates()[0] == pytest.approx(rate, rel=1e-7)


def test_interpolate_refuses_what_it_cannot_do():
    with pytest.raises(ValueError, match="interpolate needs method='exact'"):
        simulate([20.0], dt=0.1, steps=10, method="euler", interpolate=True)
    with pytest.raises(ValueError, match="dt"):  # t* = 10 ln(200/185) = 0.78 ms: several spikes a step
        simulate([200.0], dt=5.0, steps=10, p=LIF(t_ref=0.0), interpolate=True)
    with pytest.raises(ValueError, match="v0"):
        simulate([20.0], dt=0.1, steps=10, v0=-40.0, interpolate=True)
