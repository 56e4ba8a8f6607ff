// Watching a network learn: move through training; the fit over the plane and every neuron of
// a layer are computed again, live, from the weights as they were then (lib/mlp.py's forward).
"use strict";
Explore.define("watching", ({ announce, ink, live, paint, show, value, viridis }) => {

const activation = (v) => viridis((v + 1) / 2);  // -1 purple to +1 yellow, as the book's figures

/** Every layer's activations over points P (n x 2): tanh hidden layers, a sigmoid output;
 *  W[l] is (d_in x d_out), b[l] (d_out). Returns a list of n x d arrays, as lib.mlp.forward. */
function forward(W, b, P) {
  const acts = [P];
  W.forEach((Wl, l) => {
    const A = acts[acts.length - 1], dIn = Wl.length, dOut = Wl[0].length, last = l === W.length - 1;
    const Z = A.map((row) => {
      const z = new Float64Array(dOut);
      for (let j = 0; j < dOut; j++) {
        let s = 0;
        for (let i = 0; i < dIn; i++) s += row[i] * Wl[i][j];
        z[j] = s + b[l][j];
      }
      return Array.from(z, (v) => (last ? 1 / (1 + Math.exp(-v)) : Math.tanh(v)));
    });
    acts.push(Z);
  });
  return acts;
}

/** The n x n grid of [-1, 1]^2, row by row from the bottom, as lib.plots.grid. */
function grid(n) {
  const P = [];
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) P.push([-1 + (2 * c) / (n - 1), -1 + (2 * r) / (n - 1)]);
  return P;
}

function draw(ex) {
  const { snapshots, n, curve } = ex.data, P = grid(n);
  live(ex, (ctx, w, h) => {
    const k = value(ex.controls.epoch) / 10, layer = Number(value(ex.controls.layer));
    const { epoch, W, b } = snapshots[k];
    show(ex.controls.epoch, `epoch ${epoch}`);
    const acts = forward(W, b, P), fit = acts[acts.length - 1].map((row) => row[0]);
    const side = Math.min(w * 0.42, h - 24), colour = ink(ex.canvas);
    paint(ctx, fit, n, n, viridis, 0, 0, side, side);
    ctx.fillStyle = colour; ctx.font = "12px system-ui, sans-serif"; ctx.textAlign = "center";
    ctx.fillText("the fit: P(inside)", side / 2, side + 16);
    const units = acts[layer][0].length, cols = 4, rows = Math.ceil(units / cols);
    const x0 = side + 24, cell = Math.min((w - x0) / cols, side / rows) - 4;  // its label below
    ctx.textAlign = "left"; ctx.textBaseline = "top";
    ctx.font = `${Math.max(8, Math.round(cell / 4))}px system-ui, sans-serif`;
    ctx.lineWidth = 2; ctx.strokeStyle = "black";
    for (let u = 0; u < units; u++) {
      const map = acts[layer].map((row) => row[u]);
      const x = x0 + (u % cols) * (cell + 4), y = Math.floor(u / cols) * (cell + 4);
      paint(ctx, map, n, n, activation, x, y, cell, cell);
      ctx.strokeText(String(u + 1), x + 3, y + 2);  // numbered as in the book's figure
      ctx.fillStyle = "white"; ctx.fillText(String(u + 1), x + 3, y + 2);
    }
    ctx.fillStyle = colour; ctx.font = "12px system-ui, sans-serif"; ctx.textAlign = "center";
    ctx.textBaseline = "alphabetic";
    ctx.fillText(`layer ${layer}: every neuron`, x0 + (cols * (cell + 4)) / 2, rows * (cell + 4) + 12);
    const at = Math.max(0, epoch - 1);
    announce(ex, epoch === 0
      ? "Before training: the fit is nearly flat."
      : `Epoch ${epoch}: ${(100 * curve[at][1]).toFixed(1)} % of the training points and ` +
        `${(100 * curve[at][3]).toFixed(1)} % of the test points right.`);
  });
}

return { forward, grid, draw };
});
