// Is the lead real? Choose a training-set size and how many of the five runs to look at; the
// paired verdict is computed again, live, with lib/trials.py's rule: a method is called better
// only when the mean of the paired differences is larger than their standard deviation.
import { axes, ink, line, live, PALETTE, setup, show, value } from "./common.js";

/** Mean and sample standard deviation (ddof = 1) of the paired differences a - b, and the
 *  verdict "A", "B" or "neither", as lib.trials.compare. */
export function compare(a, b) {
  const d = a.map((v, i) => v - b[i]), n = d.length;
  const gap = d.reduce((s, v) => s + v, 0) / n;
  const sd = Math.sqrt(d.reduce((s, v) => s + (v - gap) ** 2, 0) / (n - 1));
  return { gap, sd, verdict: gap > sd ? "A" : -gap > sd ? "B" : "neither" };
}

const ex = document.getElementById("explore-dropout-measured") ? setup("dropout-measured") : null;
if (ex) {
  const { sizes, dropout, plain } = ex.data;  // accuracies [size][seed]
  live(ex, (ctx, w, h) => {
    const k = Number(value(ex.controls.size)), n = value(ex.controls.runs);
    show(ex.controls.runs, `${n} runs`);
    const a = dropout[k].slice(0, n), b = plain[k].slice(0, n), c = compare(a, b), colour = ink(ex.canvas);
    const d = a.map((v, i) => 100 * (v - b[i]));
    const lim = Math.max(8, ...dropout.flat().map((v, i) => 100 * Math.abs(v - plain.flat()[i])));
    const box = [60, 10, w - 80, h - 50];
    const ax = axes(ctx, box, [0.5, 5.5], [-lim, lim], { xticks: [1, 2, 3, 4, 5], yticks: [-5, 0, 5],
      xlabel: "run (training set and start)", ylabel: "dropout lead (points)", colour });
    line(ctx, [0.5, 5.5], [0, 0], ax.sx, ax.sy, colour, 1);
    ctx.fillStyle = "rgba(0,114,178,0.15)";  // the band mean ± sd of the runs looked at
    ctx.fillRect(ax.sx(0.5), ax.sy(100 * (c.gap + c.sd)), ax.sx(5.5) - ax.sx(0.5), ax.sy(100 * (c.gap - c.sd)) - ax.sy(100 * (c.gap + c.sd)));
    line(ctx, [0.5, 5.5], [100 * c.gap, 100 * c.gap], ax.sx, ax.sy, PALETTE[0], 2);
    dropout[k].forEach((v, i) => {
      ctx.beginPath(); ctx.arc(ax.sx(i + 1), ax.sy(100 * (v - plain[k][i])), 6, 0, 2 * Math.PI);
      ctx.fillStyle = i < n ? PALETTE[1] : "rgba(127,127,127,0.4)"; ctx.fill();
    });
    const said = { A: "dropout is better", B: "dropout is worse", neither: "no verdict: the lead is within its spread" };
    ex.root.querySelector(".explorable-readout").textContent =
      `${sizes[k]} per class, ${n} runs: dropout leads by ${(100 * c.gap).toFixed(1)} ± ${(100 * c.sd).toFixed(1)} points; ${said[c.verdict]}.`;
  });
}
