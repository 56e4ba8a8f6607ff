// One fixed layer, 250 times: choose the sharpening power gamma (1: no sharpening, the first 250
// steps of label propagation) and look at any layer. The layers are computed again, live, as
// lib/sparse.py computes them: a 3 x 3 blur of each class's scores, the power gamma,
// renormalised, the labelled pixels clamped back.
"use strict";
Explore.define("deep", ({ announce, clipped, ink, live, PALETTE, show, value }) => {

const KERNEL = [[1, 2, 1], [2, 4, 2], [1, 2, 1]].map((row) => row.map((v) => v / 16));

/** Initial scores (K x G x G), the clamped pixels and their label distributions, from the
 *  training points' pixels (rows, cols) and classes y, as lib.sparse.initial_scores. */
function initial(rows, cols, y, K, G) {
  const counts = new Float64Array(K * G * G), total = new Float64Array(G * G);
  rows.forEach((r, i) => { counts[y[i] * G * G + r * G + cols[i]] += 1; total[r * G + cols[i]] += 1; });
  const S = new Float64Array(K * G * G).fill(1 / K), labels = new Float64Array(K * G * G);
  const clamped = new Uint8Array(G * G);
  for (let p = 0; p < G * G; p++) {
    if (total[p] > 0) {
      clamped[p] = 1;
      for (let k = 0; k < K; k++) labels[k * G * G + p] = S[k * G * G + p] = counts[k * G * G + p] / Math.max(total[p], 1);
    }
  }
  return { S, clamped, labels };
}

/** One layer, as lib.sparse.layer: blur ('same', zero padding), power gamma, renormalise, clamp. */
function layer(S, clamped, labels, gamma, K, G) {
  const mixed = new Float64Array(K * G * G);
  for (let k = 0; k < K; k++) {
    const o = k * G * G;
    for (let i = 0; i < 3; i++) {  // kernel rows, then columns: lib's order of the sum
      for (let j = 0; j < 3; j++) {
        const w = KERNEL[i][j];
        for (let r = 0; r < G; r++) {
          const rr = r + i - 1;
          if (rr < 0 || rr >= G) continue;
          for (let c = 0; c < G; c++) {
            const cc = c + j - 1;
            if (cc >= 0 && cc < G) mixed[o + r * G + c] += w * S[o + rr * G + cc];
          }
        }
      }
    }
  }
  const out = new Float64Array(K * G * G);
  for (let p = 0; p < G * G; p++) {
    let total = 0;
    for (let k = 0; k < K; k++) { out[k * G * G + p] = mixed[k * G * G + p] ** gamma; total += out[k * G * G + p]; }
    for (let k = 0; k < K; k++) out[k * G * G + p] = clamped[p] ? labels[k * G * G + p] : out[k * G * G + p] / total;
  }
  return out;
}

/** The class of every pixel, -1 where the scores are all equal (to 1e-12), as lib.sparse.class_map. */
function classMap(S, K, G) {
  const map = new Int8Array(G * G);
  for (let p = 0; p < G * G; p++) {
    let best = 0, hi = -Infinity, lo = Infinity;
    for (let k = 0; k < K; k++) {
      const v = S[k * G * G + p];
      if (v > hi) { hi = v; best = k; }
      lo = Math.min(lo, v);
    }
    map[p] = hi - lo > 1e-12 ? best : -1;
  }
  return map;
}

/** Scores after `layers` layers, and the class map after each: [S, maps (layers + 1)]. */
function propagate(start, gamma, layers, K, G) {
  let S = start.S;
  const maps = [classMap(S, K, G)];
  for (let l = 0; l < layers; l++) {
    S = layer(S, start.clamped, start.labels, gamma, K, G);
    maps.push(classMap(S, K, G));
  }
  return [S, maps];
}

function draw(ex) {
  const { G, K, train, test, layers } = ex.data;
  const start = initial(train.rows, train.cols, train.y, K, G);
  let cached = { gamma: null, maps: null };
  live(ex, (ctx, w, h) => {
    const gamma = value(ex.controls.gamma), at = value(ex.controls.layer);
    show(ex.controls.gamma, gamma.toFixed(2));
    show(ex.controls.layer, String(at));
    if (cached.gamma !== gamma) cached = { gamma, maps: propagate(start, gamma, layers, K, G)[1] };
    const map = cached.maps[at], side = Math.min(w, h), image = new ImageData(G, G);
    const colours = ["#ffffff", ...PALETTE.slice(0, K)].map((hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)));
    for (let r = 0; r < G; r++) {
      for (let c = 0; c < G; c++) {
        const [R, Gr, B] = colours[map[r * G + c] + 1], q = 4 * ((G - 1 - r) * G + c);
        image.data.set([R, Gr, B, 255], q);
      }
    }
    const off = new OffscreenCanvas(G, G);
    off.getContext("2d").putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = false;
    const box = [(w - side) / 2, 0, side, side];
    clipped(ctx, box, () => ctx.drawImage(off, ...box));
    ctx.strokeStyle = ink(ex.canvas); ctx.strokeRect(...box);
    let unassigned = 0, right = 0;
    for (let p = 0; p < G * G; p++) unassigned += map[p] < 0;
    test.rows.forEach((r, i) => { right += map[r * G + test.cols[i]] === test.y[i]; });
    announce(ex, `γ = ${gamma.toFixed(2)}, layer ${at}: ${(100 * unassigned / (G * G)).toFixed(1)} % of the plane unassigned; ` +
      `${(100 * right / test.y.length).toFixed(1)} % of ${test.y.length} held-out points classified right.`);
  }, { slow: ["gamma"] });
}

return { initial, layer, classMap, propagate, draw };
});
