// Convolution: pick a 3 x 3 kernel; the feature map of the photo is computed again, live, as
// lib/conv.py computes it (a 'valid' cross-correlation: the kernel is not flipped).
"use strict";
Explore.define("conv", ({ announce, ink, live, paint, rdbu, value }) => {

/** 'valid' cross-correlation of image (H x W, row-major) with kernel (kh x kw), as lib.conv.conv2d:
 *  out[r][c] = sum over i, j of x[r + i][c + j] w[i][j], summed kernel row by kernel row. */
function conv2d(x, H, W, w) {
  const kh = w.length, kw = w[0].length, Ho = H - kh + 1, Wo = W - kw + 1;
  const out = new Float64Array(Ho * Wo);
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const wij = w[i][j];
      for (let r = 0; r < Ho; r++) {
        const row = (r + i) * W + j;
        for (let c = 0; c < Wo; c++) out[r * Wo + c] += wij * x[row + c];
      }
    }
  }
  return out;
}

/** The photo's grey levels from the page's data: bytes (base64) to values in [0, 1]. */
function decode(base64) {
  const bytes = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
  return Float64Array.from(bytes, (b) => b / 255);
}

/** A square field (rows x rows, row 0 on top, as imshow) flipped for paint(), which puts row 0 at the bottom. */
function flip(a, rows) {
  const out = new Float64Array(a.length);
  for (let r = 0; r < rows; r++) out.set(a.subarray(r * rows, (r + 1) * rows), (rows - 1 - r) * rows);
  return out;
}

/** Paint feature map fm (n x n) into the square (x, y, s), red positive and blue negative, the
 *  colour scale ending at the 99.5th percentile of |value|, as the chapter's figures do. */
function paintMap(ctx, fm, n, x, y, s) {
  const sorted = Float64Array.from(fm, Math.abs).sort();
  const top = sorted[Math.floor(0.995 * (sorted.length - 1))];
  paint(ctx, flip(fm, n), n, n, (v) => rdbu(top ? v / top : 0), x, y, s, s);
}

const photos = new WeakMap();  // the decoded photo of each page's data, decoded once
function photoOf(data) {
  if (!photos.has(data)) photos.set(data, decode(data.photo));
  return photos.get(data);
}

/** Predict first: the picture the question's kernel makes is that kernel's own. */
function answer(data, s) {
  return s.kernel;
}

/** The photo's feature map with the data's kernel `kernel`, (side - 2) x (side - 2). */
function featureMap(data, kernel) {
  return conv2d(photoOf(data), data.side, data.side, data.kernels[kernel]);
}

/** Predict first: option `kernel`'s picture, the photo's feature map with that kernel. */
function picture(ctx, w, h, kernel, data) {
  paintMap(ctx, featureMap(data, kernel), data.side - 2, 0, 0, Math.min(w, h));
}

function draw(ex) {
  const { side, kernels } = ex.data;
  const x = photoOf(ex.data);
  const grey = (v) => [Math.round(255 * v), Math.round(255 * v), Math.round(255 * v)];
  live(ex, (ctx, w, h) => {
    const name = value(ex.controls.kernel), k = kernels[name];
    const fm = conv2d(x, side, side, k), n = side - 2;
    const gap = 110, s = Math.min((w - gap) / 2, h - 10);
    paint(ctx, flip(x, side), side, side, grey, 0, 0, s, s);
    paintMap(ctx, fm, n, s + gap, 0, s);
    ctx.fillStyle = ink(ex.canvas); ctx.font = "13px system-ui, sans-serif"; ctx.textAlign = "center";
    const number = (v) => (Number.isInteger(v) ? String(v) : v.toFixed(2));
    k.forEach((row, i) => row.forEach((v, j) => ctx.fillText(number(v), s + gap / 2 + 34 * (j - 1), s / 2 - 16 + 18 * i)));
    announce(ex, `${name}: the feature map is ${n} × ${n}; its values run from ${Math.min(...fm).toFixed(2)} to ` +
      `${Math.max(...fm).toFixed(2)} (red positive, blue negative).`);
  });
}

return { conv2d, decode, featureMap, answer, picture, draw };
});
