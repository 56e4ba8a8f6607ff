// Seeing the data: every image as a dot. Point at a dot (or step through them with the slider)
// and see the image it stands for; switch between the three pictures of the chapter.
"use strict";
Explore.define("seeing", ({ announce, axes, ink, live, show, TEN_CLASSES, value }) => {

const SYMBOLS = "0123456789abcdefghijklmnopqrstuvwxyz";

/** Grey levels in [0, 1] of image i from the page's data: one symbol per pixel (0 .. levels - 1),
 *  or a capital letter for a run of blank pixels, A one, B two, ... Z twenty-six. */
function image(pixels, i, side, levels) {
  const out = [];
  for (const ch of pixels[i]) {
    if (ch >= "A" && ch <= "Z") for (let k = ch.charCodeAt(0) - 64; k > 0; k--) out.push(0);
    else out.push(SYMBOLS.indexOf(ch) / (levels - 1));
  }
  if (out.length !== side * side) throw new Error(`image ${i} has ${out.length} pixels, not ${side * side}`);
  return out;
}

/** Index of the dot nearest to (x, y), in the picture's own coordinates. */
function nearest(points, x, y) {
  let best = 0, d = Infinity;
  points.forEach(([px, py], i) => {
    const e = (px - x) ** 2 + (py - y) ** 2;
    if (e < d) { d = e; best = i; }
  });
  return best;
}

function draw(ex) {
  const { pictures, labels, pixels, side, levels } = ex.data;
  let frame = null;
  const redraw = live(ex, (ctx, w, h) => {
    const which = value(ex.controls.picture), points = pictures[which], i = value(ex.controls.dot);
    show(ex.controls.dot, `#${i}`);
    const xs = points.map((p) => p[0]), ys = points.map((p) => p[1]);
    const pad = (lo, hi) => [lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo)];
    const xlim = pad(Math.min(...xs), Math.max(...xs)), ylim = pad(Math.min(...ys), Math.max(...ys));
    const plot = Math.min(w - 150, h - 40), box = [40, 8, plot, plot];
    const a = axes(ctx, box, xlim, ylim, { colour: ink(ex.canvas) });
    frame = { a, box, points, xlim, ylim };
    points.forEach(([x, y], k) => {
      ctx.fillStyle = TEN_CLASSES[labels[k]];
      ctx.fillRect(a.sx(x) - 1.5, a.sy(y) - 1.5, 3, 3);
    });
    const [x, y] = points[i];
    ctx.strokeStyle = ink(ex.canvas); ctx.lineWidth = 2;
    ctx.beginPath(); ctx.arc(a.sx(x), a.sy(y), 7, 0, 2 * Math.PI); ctx.stroke();
    const cell = Math.min(12, (w - plot - 70) / side), x0 = 40 + plot + 20, pixel = image(pixels, i, side, levels);
    for (let r = 0; r < side; r++) for (let c = 0; c < side; c++) {
      const g = Math.round(255 * (1 - pixel[r * side + c]));
      ctx.fillStyle = `rgb(${g},${g},${g})`; ctx.fillRect(x0 + c * cell, 8 + r * cell, cell, cell);
    }
    ctx.strokeStyle = TEN_CLASSES[labels[i]]; ctx.strokeRect(x0, 8, side * cell, side * cell);
    announce(ex, `Dot #${i} is a ${labels[i]}, at (${x.toFixed(2)}, ${y.toFixed(2)}) in the ${which} picture.`);
  });
  ex.canvas.addEventListener("pointermove", (event) => {
    if (!frame) return;
    const rect = ex.canvas.getBoundingClientRect(), { a, box, xlim, ylim } = frame;
    const X = event.clientX - rect.left, Y = event.clientY - rect.top;
    if (X < box[0] || X > box[0] + box[2] || Y < box[1] || Y > box[1] + box[3]) return;
    const x = xlim[0] + ((X - box[0]) / box[2]) * (xlim[1] - xlim[0]);
    const y = ylim[1] - ((Y - box[1]) / box[3]) * (ylim[1] - ylim[0]);
    const k = nearest(frame.points, x, y);
    if (k !== value(ex.controls.dot)) { ex.controls.dot.value = k; redraw(); }
  });
}

return { image, nearest, draw };
});
