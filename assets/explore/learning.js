// Gradient descent, with heavy-ball momentum, on the loss of one linear neuron y = w x + b:
// the reader picks the start (sliders, or a click on the bowl), the learning rate and the
// momentum, and the path is computed again, live, as lib/descent.py's descend does.
"use strict";
Explore.define("learning", ({ announce, axes, clipped, ink, line, live, paint, PALETTE, show, value, viridis }) => {

/** ½ mean (w x + b − t)² over the points, as lib.descent.mse. */
function loss(x, t, w, b) {
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const r = w * x[i] + b - t[i];
    s += r * r;
  }
  return 0.5 * (s / x.length);
}

/** Its gradient [mean r x, mean r] with r = w x + b − t, as lib.descent.mse_gradient. */
function gradient(x, t, w, b) {
  let gw = 0, gb = 0;
  for (let i = 0; i < x.length; i++) {
    const r = w * x[i] + b - t[i];
    gw += r * x[i];
    gb += r;
  }
  return [gw / x.length, gb / x.length];
}

/** The path [[w, b], ...] of `steps` steps from (w0, b0): v ← μ v − η g, θ ← θ + v. */
function descend(x, t, w0, b0, lr, steps, momentum) {
  let w = w0, b = b0, vw = 0, vb = 0;
  const path = [[w, b]];
  for (let k = 0; k < steps; k++) {
    const [gw, gb] = gradient(x, t, w, b);
    vw = momentum * vw - lr * gw;
    vb = momentum * vb - lr * gb;
    w = w + vw;
    b = b + vb;
    path.push([w, b]);
  }
  return path;
}

/** Predict first: "converges" if the path of the question's setting ends nearer the minimum
 *  (in loss) than it started, else "diverges". */
function answer(data, s) {
  const { x, t, L_star: best, steps } = data;
  const path = descend(x, t, s.w0, s.b0, s.lr, steps, s.momentum);
  const excess = ([w, b]) => loss(x, t, w, b) - best, end = excess(path[path.length - 1]);
  return Number.isFinite(end) && end < excess(path[0]) ? "converges" : "diverges";
}

function draw(ex) {
  const { x, t, theta_star: star, L_star: best, lam_max: lamMax, steps, extent } = ex.data;
  const [w0, w1, b0, b1] = extent, n = 90;
  // The bowl, once: log10 of the loss above its minimum on an n x n grid, row 0 at the bottom.
  const field = new Float64Array(n * n);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const w = w0 + ((w1 - w0) * c) / (n - 1), b = b0 + ((b1 - b0) * r) / (n - 1);
      field[r * n + c] = Math.log10(loss(x, t, w, b) - best + 1e-3);
    }
  }
  const low = Math.min(...field), high = Math.max(...field);
  let bowl = null;  // where the bowl was drawn, for clicks: [box, sx, sy]

  const redraw = live(ex, (ctx, width, height) => {
    const c = ex.controls, lr = value(c.lr), mu = value(c.momentum);
    const start = [value(c.w0), value(c.b0)];
    show(c.w0, start[0].toFixed(2)); show(c.b0, start[1].toFixed(2));
    show(c.lr, lr.toFixed(2)); show(c.momentum, mu.toFixed(2));
    const path = descend(x, t, start[0], start[1], lr, steps, mu);
    const colour = ink(ex.canvas), narrow = width < 520, gap = 52;
    // side by side, or on a phone the bowl above the curve (half its height)
    const side = narrow ? Math.min(width - gap - 10, (height - 110) / 1.5) : Math.min(width / 2 - gap - 10, height - 50);
    const box = [gap, 8, side, side];
    const curve = narrow ? [gap, side + 60, width - gap - 10, side / 2]
                         : [2 * gap + side + 20, 8, width - 3 * gap - side - 30, side];
    paint(ctx, field, n, n, (v) => viridis((v - low) / (high - low)), ...box);
    const a = axes(ctx, box, [w0, w1], [b0, b1], { xticks: [-1, 0, 1, 2, 3], yticks: [-3, -2, -1, 0, 1, 2, 3],
      xlabel: "w", ylabel: "b", colour });
    bowl = [box, a];
    clipped(ctx, box, () => {
      line(ctx, path.map((p) => p[0]), path.map((p) => p[1]), a.sx, a.sy, "white", 1.5);
      for (const [w, b] of path) {
        ctx.beginPath(); ctx.arc(a.sx(w), a.sy(b), 2.5, 0, 2 * Math.PI);
        ctx.fillStyle = PALETTE[1]; ctx.fill();
      }
      ctx.beginPath();  // the minimum: a five-pointed star
      for (let k = 0; k < 10; k++) {
        const radius = k % 2 ? 4 : 10, angle = -Math.PI / 2 + (k * Math.PI) / 5;
        ctx.lineTo(a.sx(star[0]) + radius * Math.cos(angle), a.sy(star[1]) + radius * Math.sin(angle));
      }
      ctx.closePath(); ctx.fillStyle = "white"; ctx.fill();
      ctx.beginPath(); ctx.arc(a.sx(start[0]), a.sy(start[1]), 6, 0, 2 * Math.PI);
      ctx.fillStyle = "black"; ctx.fill(); ctx.strokeStyle = "white"; ctx.lineWidth = 2; ctx.stroke();
    });
    // Loss above its minimum, per step, on a log scale (capped where the path has diverged).
    const excess = path.map(([w, b]) => Math.log10(Math.min(Math.max(loss(x, t, w, b) - best, 1e-16), 1e6)));
    const g = axes(ctx, curve, [0, steps], [-16, 6], { xticks: [0, steps / 2, steps],
      yticks: [-10, -5, 0, 5], xlabel: "step", ylabel: "log₁₀ (loss − minimum)", colour });
    line(ctx, excess.map((_, k) => k), excess, g.sx, g.sy, PALETTE[0]);
    const limit = (2 * (1 + mu)) / lamMax, end = path[path.length - 1];
    const last = loss(x, t, end[0], end[1]);
    const from = `From (${start[0].toFixed(2)}, ${start[1].toFixed(2)}), after ${steps} steps `;
    announce(ex, from +
      (Number.isFinite(last) && last < 1e6
        ? `the loss is ${last.toPrecision(4)} (its minimum: ${best.toPrecision(4)}). `
        : "the path has left the bowl: the loss is beyond 10⁶. ") +
      `This surface converges for η < 2(1 + μ)/λmax = ${limit.toFixed(3)}; ` +
      `η = ${lr.toFixed(2)} is ${lr < limit ? "below" : "above"} it.`);
  });

  // A click on the bowl starts the path there.
  ex.canvas.addEventListener("click", (e) => {
    if (!bowl) return;
    const [[bx, by, bw, bh]] = bowl, r = ex.canvas.getBoundingClientRect();
    const px = e.clientX - r.left, py = e.clientY - r.top;
    if (px < bx || px > bx + bw || py < by || py > by + bh) return;
    ex.controls.w0.value = String(w0 + ((px - bx) / bw) * (w1 - w0));
    ex.controls.b0.value = String(b1 - ((py - by) / bh) * (b1 - b0));
    redraw();
  });
}

return { loss, gradient, descend, answer, draw };
});
