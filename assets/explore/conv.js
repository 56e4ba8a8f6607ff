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

function draw(ex) {
  const { side, photo, kernels } = ex.data;
  const x = decode(photo);
  const grey = (v) => [Math.round(255 * v), Math.round(255 * v), Math.round(255 * v)];
  live(ex, (ctx, w, h) => {
    const name = value(ex.controls.kernel), k = kernels[name];
    const fm = conv2d(x, side, side, k), n = side - 2;
    // the colour scale ends at the 99.5th percentile of |value|, as the chapter's figures do
    const sorted = Float64Array.from(fm, Math.abs).sort();
    const top = sorted[Math.floor(0.995 * (sorted.length - 1))];
    const gap = 110, s = Math.min((w - gap) / 2, h - 10), flip = (a, rows) => {  // row 0 on top, as imshow
      const out = new Float64Array(a.length);
      for (let r = 0; r < rows; r++) out.set(a.subarray(r * rows, (r + 1) * rows), (rows - 1 - r) * rows);
      return out;
    };
    paint(ctx, flip(x, side), side, side, grey, 0, 0, s, s);
    paint(ctx, flip(fm, n), n, n, (v) => rdbu(top ? v / top : 0), s + gap, 0, s, s);
    ctx.fillStyle = ink(ex.canvas); ctx.font = "13px system-ui, sans-serif"; ctx.textAlign = "center";
    const number = (v) => (Number.isInteger(v) ? String(v) : v.toFixed(2));
    k.forEach((row, i) => row.forEach((v, j) => ctx.fillText(number(v), s + gap / 2 + 34 * (j - 1), s / 2 - 16 + 18 * i)));
    announce(ex, `${name}: the feature map is ${n} × ${n}; its values run from ${Math.min(...fm).toFixed(2)} to ` +
      `${Math.max(...fm).toFixed(2)} (red positive, blue negative).`);
  });
}

return { conv2d, decode, draw };
});
