// XOR's 2-2-1 network with its nine numbers on sliders, starting at the trained ones rounded to
// 0.1: the two hidden lines and the output over the plane are computed again, live, as
// lib/mlp.py does.
"use strict";
Explore.define("perceptron", ({ announce, axes, clipped, ink, live, paint, PALETTE, scale, show, value, viridis }) => {

const sigmoid = (z) => 1 / (1 + Math.exp(-z));

/** The 2-2-1 sigmoid network: W1 (2 x 2, rows = inputs), b1 (2), W2 (2), b2; returns
 *  [hidden activations, output] for the point (x1, x2), as lib.mlp.forward does. */
function forward(net, x1, x2) {
  const h = [0, 1].map((j) => sigmoid(x1 * net.W1[0][j] + x2 * net.W1[1][j] + net.b1[j]));
  return [h, sigmoid(h[0] * net.W2[0] + h[1] * net.W2[1] + net.b2)];
}

/** Mean binary cross-entropy of the network on points X with labels y (0 or 1), computed from
 *  the output's logit z as log(1 + e^z) - y z, stably, as lib.mlp.loss does. */
function loss(net, X, y) {
  const terms = X.map(([x1, x2], i) => {
    const h = forward(net, x1, x2)[0];
    const z = h[0] * net.W2[0] + h[1] * net.W2[1] + net.b2;
    return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - y[i] * z;
  });
  return terms.reduce((a, b) => a + b, 0) / X.length;
}

/** The output over an n x n grid of [x0, x1]^2, row by row from the bottom, as lib.plots.grid. */
function surface(net, lo, hi, n) {
  const out = new Float64Array(n * n);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      out[r * n + c] = forward(net, lo + ((hi - lo) * c) / (n - 1), lo + ((hi - lo) * r) / (n - 1))[1];
    }
  }
  return out;
}

function draw(ex) {
  const { X, y } = ex.data;
  const names = ["w11", "w21", "w12", "w22", "b1", "b2", "v1", "v2", "c"];
  live(ex, (ctx, w, h) => {
    const v = Object.fromEntries(names.map((k) => [k, value(ex.controls[k])]));
    for (const k of names) show(ex.controls[k], v[k].toFixed(1));
    const net = { W1: [[v.w11, v.w12], [v.w21, v.w22]], b1: [v.b1, v.b2], W2: [v.v1, v.v2], b2: v.c };
    const colour = ink(ex.canvas), side = Math.min(w - 60, h - 50), box = [50, 8, side, side];
    paint(ctx, surface(net, -0.5, 1.5, 101), 101, 101, viridis, ...box);
    const a = axes(ctx, box, [-0.5, 1.5], [-0.5, 1.5], { xticks: [0, 1], yticks: [0, 1],
      xlabel: "x₁", ylabel: "x₂", colour });
    clipped(ctx, box, () => {
      for (const j of [0, 1]) {  // hidden unit j is 1/2 on the line w1j x1 + w2j x2 + bj = 0
        const [p, q, b] = [net.W1[0][j], net.W1[1][j], net.b1[j]];
        const ends = Math.abs(q) > 1e-9 ? [-0.5, 1.5].map((x) => [x, -(p * x + b) / q])
                                       : [-0.5, 1.5].map((t) => [-b / p, t]);
        ctx.beginPath(); ctx.moveTo(a.sx(ends[0][0]), a.sy(ends[0][1]));
        ctx.lineTo(a.sx(ends[1][0]), a.sy(ends[1][1]));
        ctx.strokeStyle = "white"; ctx.setLineDash(j ? [6, 4] : []); ctx.lineWidth = 2; ctx.stroke();
      }
      ctx.setLineDash([]);
    });
    const outputs = X.map(([x1, x2]) => forward(net, x1, x2)[1]);
    X.forEach(([x1, x2], i) => {
      ctx.beginPath(); ctx.arc(a.sx(x1), a.sy(x2), 8, 0, 2 * Math.PI);
      ctx.fillStyle = y[i] ? PALETTE[1] : "black"; ctx.fill();
      ctx.strokeStyle = "white"; ctx.lineWidth = 2; ctx.stroke();
    });
    const right = X.filter((_, i) => (outputs[i] > 0.5) === (y[i] === 1)).length;
    announce(ex, `outputs at (0,0), (0,1), (1,0), (1,1): ${outputs.map((o) => o.toFixed(2)).join(", ")}; ` +
      `${right} of 4 corners right; loss ${loss(net, X, y).toPrecision(3)}. ` +
      "White lines: where each hidden unit is 1/2.");
  });
}

return { forward, loss, surface, draw };
});
