// Dropout: choose p and a random mask; the thinned network's answer for one test shape, and
// the average over 200 masks (Monte Carlo dropout), are computed again, live, as lib does.
"use strict";
Explore.define("dropout", ({ announce, axes, ink, line, live, PALETTE, seeded, show, value, viridis }) => {

/** Class probabilities of the trained network's last layer for hidden activations h (64),
 *  with the inverted-dropout mask m applied to them: softmax((h * m) W2 + b2), as lib.mlp.forward. */
function output(h, mask, W2, b2) {
  const z = b2.map((b, k) => h.reduce((s, hj, j) => s + hj * mask[j] * W2[j][k], 0) + b);
  const top = Math.max(...z), e = z.map((v) => Math.exp(v - top)), total = e.reduce((a, b) => a + b);
  return e.map((v) => v / total);
}

/** An inverted-dropout mask for n units: 0 with probability p, else 1 / (1 - p). */
function mask(n, p, random) {
  return Array.from({ length: n }, () => (random() >= p ? 1 / (1 - p) : 0));
}

/** Monte Carlo dropout: the running mean of P(class y) over 1..count masks drawn from
 *  seeded(1000 + seed), as the page draws them for mask #seed. */
function average(units, p, seed, W2, b2, y, count = 200) {
  const random = seeded(1000 + seed), runs = [];
  let total = 0;
  for (let s = 1; s <= count; s++) { total += output(units, mask(units.length, p, random), W2, b2)[y]; runs.push(total / s); }
  return runs;
}

/** Predict first: the mean of the 200 masks' P(true class) at the question's p, mask and shape. */
function answer(data, s) {
  const i = Number(s.example);
  return average(data.hidden[i], s.p, s.mask, data.W2, data.b2, data.y[i])[199];
}

function draw(ex) {
  const { hidden, W2, b2, y, classes, images } = ex.data;
  live(ex, (ctx, w, h) => {
    const p = value(ex.controls.p), seed = value(ex.controls.mask), i = Number(value(ex.controls.example));
    show(ex.controls.p, p.toFixed(2));
    show(ex.controls.mask, `#${seed}`);
    const units = hidden[i], n = units.length, colour = ink(ex.canvas);
    const m = mask(n, p, seeded(seed)), P = output(units, m, W2, b2);
    // the network: 64 hidden units, the 4 outputs, the surviving connections; the Monte
    // Carlo plot beside it, or below it in a narrow column (a phone)
    const narrow = w < 480, netW = narrow ? w : Math.min(w * 0.45, 300), top = 14;
    const H = narrow ? h * 0.55 - 20 : h - 30;
    const uy = (j) => top + (H * (j + 0.5)) / n, oy = (k) => top + (H * (k + 0.5)) / 4;
    const ux = 60, ox = netW - 90, hmax = Math.max(...units) || 1;
    const wmax = Math.max(...W2.flat().map(Math.abs));
    for (let j = 0; j < n; j++) {
      if (!m[j]) continue;
      for (let k = 0; k < 4; k++) {
        ctx.strokeStyle = W2[j][k] > 0 ? PALETTE[0] : PALETTE[3];
        ctx.globalAlpha = 0.1 + 0.9 * Math.abs(W2[j][k]) / wmax;
        ctx.lineWidth = 0.3 + 1.5 * Math.abs(W2[j][k]) / wmax;
        ctx.beginPath(); ctx.moveTo(ux, uy(j)); ctx.lineTo(ox, oy(k)); ctx.stroke();
      }
    }
    ctx.globalAlpha = 1;
    for (let j = 0; j < n; j++) {
      ctx.beginPath(); ctx.arc(ux, uy(j), 3, 0, 2 * Math.PI);
      if (m[j]) { const [R, G, B] = viridis(units[j] / hmax); ctx.fillStyle = `rgb(${R},${G},${B})`; ctx.fill(); }
      else { ctx.strokeStyle = "grey"; ctx.lineWidth = 1; ctx.stroke(); }
    }
    ctx.font = "12px system-ui, sans-serif"; ctx.fillStyle = colour; ctx.textBaseline = "middle";
    for (let k = 0; k < 4; k++) {
      ctx.beginPath(); ctx.arc(ox, oy(k), 6, 0, 2 * Math.PI);
      const [R, G, B] = viridis(P[k]); ctx.fillStyle = `rgb(${R},${G},${B})`; ctx.fill();
      ctx.fillStyle = colour; ctx.textAlign = "left";
      ctx.fillText(`${classes[k]} ${P[k].toFixed(2)}`, ox + 10, oy(k));
    }
    // the test shape itself, top left
    const img = images[i], cell = 3;
    for (let r = 0; r < 16; r++) for (let c = 0; c < 16; c++) {
      const g = Math.round(255 * (1 - img[r * 16 + c]));
      ctx.fillStyle = `rgb(${g},${g},${g})`; ctx.fillRect(4 + c * cell, top + r * cell, cell, cell);
    }
    // Monte Carlo dropout: the running mean of P(true class) over 1..200 masks
    const runs = average(units, p, seed, W2, b2, y[i]), full = output(units, units.map(() => 1), W2, b2)[y[i]];
    const box = narrow ? [50, top + H + 24, w - 60, h - H - top - 70] : [netW + 60, top, w - netW - 70, H - 30];
    const a = axes(ctx, box, [1, 200], [0, 1], { xticks: [1, 100, 200], yticks: [0, 0.5, 1],
      xlabel: "masks averaged", ylabel: `P(${classes[y[i]]})`, colour });
    ctx.setLineDash([4, 4]); line(ctx, [1, 200], [full, full], a.sx, a.sy, colour, 1); ctx.setLineDash([]);
    line(ctx, runs.map((_, s) => s + 1), runs, a.sx, a.sy, PALETTE[1]);
    const dropped = m.filter((v) => v === 0).length;
    announce(ex, `p = ${p.toFixed(2)}: this mask drops ${dropped} of ${n} hidden units and gives P(${classes[y[i]]}) = ` +
      `${P[y[i]].toFixed(3)}; the mean of 200 masks is ${runs[199].toFixed(3)}, the full network (dashed) ${full.toFixed(3)}.`);
  });
}

return { output, mask, average, answer, draw };
});
