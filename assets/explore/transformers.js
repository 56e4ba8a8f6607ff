// Attention over the sentence: pick a word, a layer and a head; the attention weights of that
// word are computed again, live, from the trained model's queries and keys, as lib/attention.py:
// softmax(q k^T / sqrt(dk)) over the words up to it (the causal mask).
"use strict";
Explore.define("transformers", ({ announce, ink, live, PALETTE, value, viridis }) => {

/** Attention weights of query row t over the keys (T x dk), causal: positions after t get 0. */
function weights(Q, K, t) {
  const dk = Q[0].length, T = K.length;
  const s = K.map((k, j) => (j <= t ? k.reduce((acc, kj, i) => acc + Q[t][i] * kj, 0) / Math.sqrt(dk) : -Infinity));
  const top = Math.max(...s), e = s.map((v) => Math.exp(v - top)), total = e.reduce((a, b) => a + b);
  return e.map((v) => v / total);
}

/** Predict first: the word (its index, as text) that the question's word attends to most in
 *  the question's layer and head. */
function answer(data, s) {
  const a = weights(data.Q[Number(s.layer)][Number(s.head)], data.K[Number(s.layer)][Number(s.head)], Number(s.word));
  return String(a.indexOf(Math.max(...a)));
}

function draw(ex) {
  const { words, Q, K } = ex.data;  // Q, K: [layer][head][position][feature]
  live(ex, (ctx, w, h) => {
    const t = Number(value(ex.controls.word)), l = Number(value(ex.controls.layer)), hd = Number(value(ex.controls.head));
    const a = weights(Q[l][hd], K[l][hd], t), colour = ink(ex.canvas), T = words.length;
    // the whole 6 x 6 pattern of this head, the chosen row framed; the bars beside it, or
    // below it in a narrow column (a phone)
    const narrow = w < 480, x0 = 70, y0 = 10;
    const cell = narrow ? Math.min((w - 90) / T, (h * 0.55 - y0) / T) : Math.min((w * 0.4) / T, (h - 40) / T);
    ctx.font = "12px system-ui, sans-serif"; ctx.fillStyle = colour;
    for (let r = 0; r < T; r++) {
      const row = weights(Q[l][hd], K[l][hd], r);
      for (let c = 0; c < T; c++) {
        if (c > r) { ctx.fillStyle = "rgba(127,127,127,0.25)"; }
        else { const [R, G, B] = viridis(row[c]); ctx.fillStyle = `rgb(${R},${G},${B})`; }
        ctx.fillRect(x0 + c * cell, y0 + r * cell, cell - 1, cell - 1);
      }
      ctx.fillStyle = colour; ctx.textAlign = "right"; ctx.textBaseline = "middle";
      ctx.fillText(words[r], x0 - 6, y0 + (r + 0.5) * cell);
    }
    ctx.strokeStyle = PALETTE[3]; ctx.lineWidth = 2; ctx.strokeRect(x0 - 1, y0 + t * cell - 1, T * cell + 1, cell + 1);
    // the chosen word's weights as bars over the words
    const bx = narrow ? 10 : x0 + T * cell + 40, bw = w - bx - 10, bar = bw / T;
    const base = narrow ? h - 22 : y0 + T * cell, tall = narrow ? base - (y0 + T * cell + 36) : T * cell - 20;
    a.forEach((v, j) => {
      ctx.fillStyle = j <= t ? PALETTE[0] : "rgba(127,127,127,0.3)";
      ctx.fillRect(bx + j * bar + 3, base - v * tall, bar - 6, v * tall);
      ctx.fillStyle = colour; ctx.textAlign = "center"; ctx.textBaseline = "top";
      ctx.fillText(words[j], bx + (j + 0.5) * bar, base + 4);
      ctx.textBaseline = "bottom";
      if (j <= t) ctx.fillText(v.toFixed(2), bx + (j + 0.5) * bar, base - v * tall - 2);
    });
    const best = a.indexOf(Math.max(...a));
    announce(ex, `Layer ${l + 1}, head ${hd + 1}: "${words[t]}" attends most to "${words[best]}" ` +
      `(${(100 * a[best]).toFixed(0)} %); weights ${a.slice(0, t + 1).map((v) => v.toFixed(3)).join(", ")}.`);
  });
}

return { weights, answer, draw };
});
