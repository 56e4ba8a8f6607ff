// Is the lead real? Choose a training-set size and how many of the five runs to look at; the
// paired verdict is computed again, live, with lib/trials.py's rule: the 95 % confidence
// interval of the mean paired difference (paired t), and a winner only when it excludes zero.
// One interval on its own: the chapter's conclusions correct for the number it looks at.
"use strict";
Explore.define("dropout-measured", ({ announce, axes, ink, line, live, PALETTE, show, value }) => {

/** The mean of the paired differences a - b, their sample standard deviation (ddof = 1), the
 *  interval mean ± t sd / sqrt(n) for the t quantile given, and the verdict "A" (interval above
 *  0), "B" (below 0) or "neither", as lib.trials.compare. */
function compare(a, b, t) {
  const d = a.map((v, i) => v - b[i]), n = d.length;
  const gap = d.reduce((s, v) => s + v, 0) / n;
  const sd = Math.sqrt(d.reduce((s, v) => s + (v - gap) ** 2, 0) / (n - 1));
  const half = (t * sd) / Math.sqrt(n), low = gap - half, high = gap + half;
  return { gap, sd, low, high, verdict: low > 0 ? "A" : high < 0 ? "B" : "neither" };
}

/** Predict first: the verdict ("A", "B" or "neither") from the first `runs` runs at the size. */
function answer(data, s) {
  const k = Number(s.size), n = Number(s.runs);
  return compare(data.dropout[k].slice(0, n), data.plain[k].slice(0, n), data.t[n - 2]).verdict;
}

function draw(ex) {
  const { sizes, dropout, plain, t } = ex.data;  // accuracies [size][seed]; t[n - 2], n = 2..5
  live(ex, (ctx, w, h) => {
    const k = Number(value(ex.controls.size)), n = value(ex.controls.runs);
    show(ex.controls.runs, `${n} runs`);
    const a = dropout[k].slice(0, n), b = plain[k].slice(0, n), c = compare(a, b, t[n - 2]), colour = ink(ex.canvas);
    const lim = Math.max(8, ...dropout.flat().map((v, i) => 100 * Math.abs(v - plain.flat()[i])));
    const box = [60, 10, w - 80, h - 50];
    const ax = axes(ctx, box, [0.5, 5.5], [-lim, lim], { xticks: [1, 2, 3, 4, 5], yticks: [-5, 0, 5],
      xlabel: "run (training set and start)", ylabel: "dropout lead (points)", colour });
    line(ctx, [0.5, 5.5], [0, 0], ax.sx, ax.sy, colour, 1);
    // the band: the 95 % interval of the mean lead, clipped to the axes (with two runs it is wide)
    const top = Math.min(lim, 100 * c.high), bottom = Math.max(-lim, 100 * c.low);
    ctx.fillStyle = "rgba(0,114,178,0.15)";
    ctx.fillRect(ax.sx(0.5), ax.sy(top), ax.sx(5.5) - ax.sx(0.5), ax.sy(bottom) - ax.sy(top));
    line(ctx, [0.5, 5.5], [100 * c.gap, 100 * c.gap], ax.sx, ax.sy, PALETTE[0], 2);
    dropout[k].forEach((v, i) => {
      ctx.beginPath(); ctx.arc(ax.sx(i + 1), ax.sy(100 * (v - plain[k][i])), 6, 0, 2 * Math.PI);
      ctx.fillStyle = i < n ? PALETTE[1] : "rgba(127,127,127,0.4)"; ctx.fill();
    });
    // one interval alone, as if it were the only comparison: the chapter corrects for how many it makes
    const said = { A: "taken alone, dropout is ahead", B: "taken alone, dropout is behind",
      neither: "no verdict: the interval includes zero" };
    const f = (v) => `${v >= 0 ? "+" : ""}${(100 * v).toFixed(1)}`;
    announce(ex, `${sizes[k]} per class, ${n} runs: dropout leads by ${f(c.gap)} points ` +
      `(95 % interval, uncorrected, ${f(c.low)} to ${f(c.high)}); ${said[c.verdict]}.`);
  });
}

return { compare, answer, draw };
});
