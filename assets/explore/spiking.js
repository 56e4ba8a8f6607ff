// The spiking neuron: move the input current, and the membrane trace and the firing rate are
// computed again, live, with the chapter's exact update (lib/spiking.py).
"use strict";
Explore.define("spiking", ({ announce, axes, ink, line, live, PALETTE, show, value }) => {

/** V over `steps` steps of `dt` ms for constant current I (nA): the exact update of
 *  lib.spiking.simulate, V -> f V + (1 - f) V_inf, held at v_reset for t_ref after a spike. */
function simulate(I, p, dt, steps) {
  const f = Math.exp(-dt / p.tau), refSteps = Math.round(p.t_ref / dt);
  const drive = (1 - f) * (p.v_rest + p.R * I);
  const V = new Float64Array(steps + 1), spikes = [];
  let v = p.v_rest, refractory = 0;
  V[0] = v;
  for (let k = 0; k < steps; k++) {
    v = v * f + drive;
    if (refractory > 0) { v = p.v_reset; refractory -= 1; }
    if (v >= p.v_th) { v = p.v_reset; refractory = refSteps; spikes.push(k); }
    V[k + 1] = v;
  }
  return { V, spikes };
}

/** The closed-form f-I curve, Hz: 1 / (t_ref + tau ln((V_inf - v_reset) / (V_inf - v_th))), V_inf = v_rest + R I;
 *  0 where V_inf does not pass v_th (lib.spiking.firing_rate). */
function firingRate(I, p) {
  const vInf = p.v_rest + p.R * I;
  if (vInf <= p.v_th) return 0;
  return 1000 / (p.t_ref + p.tau * Math.log((vInf - p.v_reset) / (vInf - p.v_th)));
}

/** Predict first: the rate (Hz) the closed form gives at the question's current. */
function answer(data, setting) {
  return firingRate(setting.current, data.p);
}

function draw(ex) {
  const { p, dt, steps, currents, rates } = ex.data;
  live(ex, (ctx, w, h) => {
    const I = value(ex.controls.current);
    show(ex.controls.current, `${I.toFixed(1)} nA`);
    const { V, spikes } = simulate(I, p, dt, steps);
    const colour = ink(ex.canvas), narrow = w < 520;
    const gap = 56, half = narrow ? w - gap - 10 : (w - 2 * gap - 20) / 2;
    const trace = narrow ? [gap, 10, half, h / 2 - 50] : [gap, 10, half, h - 56];
    const fi = narrow ? [gap, h / 2 + 14, half, h / 2 - 60] : [2 * gap + half + 10, 10, half, h - 56];
    const t = Array.from(V, (_, k) => k * dt);
    const a = axes(ctx, trace, [0, steps * dt], [-68, -45], { xticks: [0, 50, 100],
      yticks: [-65, -50], xlabel: "time (ms)", ylabel: "V (mV)", colour });
    ctx.setLineDash([4, 4]);
    line(ctx, [0, steps * dt], [p.v_th, p.v_th], a.sx, a.sy, colour, 1);
    ctx.setLineDash([]);
    line(ctx, t, V, a.sx, a.sy, PALETTE[0]);
    const b = axes(ctx, fi, [0, currents[currents.length - 1]], [0, 250], { xticks: [0, 20, 40, 60],
      yticks: [0, 100, 200], xlabel: "input current (nA)", ylabel: "rate (Hz)", colour });
    line(ctx, currents, rates, b.sx, b.sy, PALETTE[1]);
    const simulated = spikes.length >= 2 ? 1000 * (spikes.length - 1) / ((spikes[spikes.length - 1] - spikes[0]) * dt) : 0;
    ctx.fillStyle = PALETTE[3];
    ctx.beginPath(); ctx.arc(b.sx(I), b.sy(simulated), 5, 0, 2 * Math.PI); ctx.fill();
    announce(ex, `${spikes.length} spikes in ${steps * dt} ms: ${simulated.toFixed(1)} Hz between spikes; ` +
      `the formula says ${firingRate(I, p).toFixed(1)} Hz.`);
  });
}

return { simulate, firingRate, answer, draw };
});
