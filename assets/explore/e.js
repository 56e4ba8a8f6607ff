// A square wave from rotations: choose the number of terms; the partial sum and its overshoot
// next to the jump are computed again, live, as lib/fourier.py computes them.
"use strict";
Explore.define("e", ({ announce, axes, clipped, ink, line, live, PALETTE, show, value }) => {

/** The square wave's Fourier partial sum with n terms, (4/pi) sum over odd k of sin(kt)/k. */
function partialSum(t, n) {
  let s = 0;
  for (let j = 0; j < n; j++) {
    const k = 2 * j + 1;
    s += Math.sin(t * k) * (4 / (Math.PI * k));
  }
  return s;
}

/** The first peak of the partial sum: its maximum on a grid over (0, pi/n), as lib does. */
function gibbsOvershoot(n, samples = 4001) {
  let peak = -Infinity;
  for (let i = 0; i < samples; i++) peak = Math.max(peak, partialSum((Math.PI / n) * i / (samples - 1), n));
  return peak;
}

function draw(ex) {
  const { limit } = ex.data;
  live(ex, (ctx, w, h) => {
    const n = value(ex.controls.terms);
    show(ex.controls.terms, `${n} term${n > 1 ? "s" : ""}`);
    const colour = ink(ex.canvas), narrow = w < 520, gap = 50;
    const whole = narrow ? [gap, 10, w - gap - 10, h / 2 - 50] : [gap, 10, (w - 2 * gap) * 0.6, h - 56];
    const zoom = narrow ? [gap, h / 2 + 14, w - gap - 10, h / 2 - 60]
                        : [2 * gap + (w - 2 * gap) * 0.6, 10, (w - 2 * gap) * 0.4 - 10, h - 56];
    const t = Array.from({ length: 801 }, (_, i) => -Math.PI + (2 * Math.PI * i) / 800);
    const a = axes(ctx, whole, [-Math.PI, Math.PI], [-1.4, 1.4], { xticks: [-3, 0, 3], yticks: [-1, 0, 1],
      xlabel: "t", colour });
    // the wave with its jumps at -pi, 0 and pi, where every partial sum passes through 0
    line(ctx, [-Math.PI, -Math.PI, 0, 0, Math.PI, Math.PI], [1, -1, -1, 1, 1, -1], a.sx, a.sy, "grey", 1);
    clipped(ctx, whole, () => line(ctx, t, t.map((s) => partialSum(s, n)), a.sx, a.sy, PALETTE[0], 1.5));
    // near the jump at 0: the first peak and the limit it settles at
    const right = 3 * Math.PI / n, tz = Array.from({ length: 400 }, (_, i) => (right * i) / 399);
    const b = axes(ctx, zoom, [0, right], [0.9, 1.3], { yticks: [1, limit.toFixed(3) * 1], xlabel: "t near the jump", colour });
    ctx.setLineDash([4, 4]);
    line(ctx, [0, right], [limit, limit], b.sx, b.sy, colour, 1);
    ctx.setLineDash([]);
    line(ctx, [0, right], [1, 1], b.sx, b.sy, "grey", 1);
    clipped(ctx, zoom, () => line(ctx, tz, tz.map((s) => partialSum(s, n)), b.sx, b.sy, PALETTE[0], 1.5));
    const peak = gibbsOvershoot(n, 801);
    announce(ex, `${n} terms: the first peak is ${peak.toFixed(4)}, ${((peak - 1) / 2 * 100).toFixed(1)} % of the jump above the wave; ` +
      `the limit (2/π) Si(π) is ${limit.toFixed(4)}.`);
  });
}

return { partialSum, gibbsOvershoot, draw };
});
