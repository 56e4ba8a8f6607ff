// What every explorable of the book shares: its data, its controls, a canvas that keeps its
// shape at any width and redraws for the dark theme, a readout read out to screen readers, and
// a few colour maps. Plain JavaScript, no library, nothing loaded from outside the site.
//
// Classic scripts, not ES modules, so that a page opened from disk (file://) runs them too:
// this file defines window.Explore; each explorable's file (assets/explore/<name>.js) calls
//   Explore.define(name, (E) => ({ ...its functions, draw(ex) { ... } }))
// which keeps its functions in Explore.modules[name] (the tests call them there) and, when the
// page holds the figure #explore-<name>, calls draw with what setup(name) returns.
//
// Predict, then see: a figure that opens with a question (lib.explorable.Predict) keeps the
// explorable hidden until the reader commits a guess; then predict() below sets the controls to
// the question's setting, shows the explorable, and says the guess beside the answer, which
// the module computes from its data with answer(data, setting) (and, for a choice among
// pictures, draws each with picture(ctx, width, height, value, data)). Nothing is stored or sent.
(() => {
"use strict";
if (window.Explore) return;  // two explorables on a page both load this file

/** Register explorable `name`: make(Explore) returns its functions and draw(ex). */
function define(name, make) {
  const made = make(Explore);
  Explore.modules[name] = made;
  if (document.getElementById(`explore-${name}`) && made.draw) {
    const ex = setup(name);
    made.draw(ex);
    if (ex.root.querySelector(".explorable-predict")) predict(ex, made, name);
  }
}

/** The explorable's figure, its data (from the chapter's Python), its controls by id (every
 *  input, select and button among them: a control of any kind), and its readout. */
function setup(name) {
  const root = document.getElementById(`explore-${name}`);
  const data = JSON.parse(root.querySelector("script.explorable-data").textContent);
  const controls = {};
  for (const input of root.querySelectorAll(".explorable-controls :is(input, select, button)")) {
    controls[input.id.replace(`explore-${name}-`, "")] = input;
  }
  return { root, data, controls, canvas: root.querySelector("canvas.explorable-canvas"),
           readout: root.querySelector(".explorable-readout") };
}

/** The current value of a control, as a number unless it is a choice. */
function value(input) {
  return input.tagName === "SELECT" ? input.value : Number(input.value);
}

/** Show a control's value beside it, and give it to screen readers as the slider's value. */
function show(input, text) {
  const out = input.closest(".explorable").querySelector(`output[for="${input.id}"]`);
  if (out) out.textContent = text;
  if (input.type === "range") input.setAttribute("aria-valuetext", text);
}

/** Put text in the readout, a polite live region: a screen reader says it when it changes (and
 *  only then: a redraw for a resize or the theme leaves it alone). */
function announce(ex, text) {
  if (ex.readout.textContent !== text) ex.readout.textContent = text;
}

/** Call draw() now, whenever a control moves, the canvas is resized, or the theme changes.
 *  Controls named in `slow` redraw when let go (or stepped with a key), not while dragged:
 *  for recomputations too long to repeat at every pixel of a drag. A button redraws when
 *  pressed (by click, Enter or Space). */
function live(ex, draw, { slow = [] } = {}) {
  const redraw = () => {
    if (!ex.canvas.clientWidth) return;  // hidden (a question first): drawn when it shows
    const ctx = fit(ex.canvas);
    draw(ctx, ex.canvas.clientWidth, ex.canvas.clientHeight);
  };
  for (const [name, input] of Object.entries(ex.controls)) {
    const event = input.tagName === "BUTTON" ? "click" : slow.includes(name) ? "change" : "input";
    input.addEventListener(event, redraw);
  }
  new ResizeObserver(redraw).observe(ex.canvas);
  new MutationObserver(redraw).observe(document.body, { attributes: true, attributeFilter: ["class"] });
  // The theme's class changes at once but its stylesheet may apply a moment later (a busy
  // machine parses it after the switch): draw again when a stylesheet has loaded.
  document.addEventListener("load", (e) => { if (e.target instanceof HTMLLinkElement) redraw(); }, true);
  redraw();
  ex.redraw = redraw;
  return redraw;
}

/** The question before the explorable: a guess (a number, or one of the options), then the
 *  explorable at the question's setting, and in the verdict (a polite live region) "You
 *  guessed X; the answer is Y" with the sentence on why; "Guess again" starts over. */
function predict(ex, made, name) {
  const box = ex.root.querySelector(".explorable-predict"), body = ex.root.querySelector(".explorable-body");
  const q = JSON.parse(box.querySelector("script.explorable-predict-data").textContent);
  const fieldset = box.querySelector("fieldset"), verdict = box.querySelector(".explorable-verdict");
  const again = box.querySelector(`#explore-${name}-again`), reveal = box.querySelector(`#explore-${name}-reveal`);
  const number = box.querySelector("input[type=number]"), radios = [...box.querySelectorAll("input[type=radio]")];
  for (const radio of radios) {  // the pictures to choose among, drawn from the data
    const picture = radio.parentElement.querySelector("canvas");
    if (picture) {
      const paint = () => made.picture(fit(picture), picture.clientWidth, picture.clientHeight, radio.value, ex.data);
      new ResizeObserver(paint).observe(picture);
      paint();
    }
  }
  const unit = q.unit ? ` ${q.unit}` : "";
  const said = (v) => (number ? `${v}${unit}` : q.labels[v]);
  function guess() {
    if (number) return number.value.trim() !== "" && Number.isFinite(Number(number.value)) ? Number(number.value) : null;
    const chosen = radios.find((r) => r.checked);
    return chosen ? chosen.value : null;
  }
  function show() {
    const g = guess();
    if (g === null) {
      verdict.textContent = number ? "Type a number first, then show the answer." : "Choose one first, then show the answer.";
      return;
    }
    const a = made.answer(ex.data, q.setting);
    const agrees = number ? Math.abs(a - q.answer) <= 1e-9 * Math.max(1, Math.abs(q.answer)) : String(a) === String(q.answer);
    if (!agrees) console.error(`explorable ${name}: the page's answer ${a} is not lib's ${q.answer}`);
    const shown = number ? a.toFixed(q.digits) : a;
    const close = number && q.tolerance !== null && Math.abs(g - a) <= q.tolerance;
    verdict.replaceChildren("You guessed ", strong("explorable-guess", said(g)), "; the answer is ",
      strong("explorable-answer", said(shown)),
      close ? `, within ${q.tolerance}${unit} of it. ` : number || g !== String(a) ? ". " : ": right. ", q.why);
    for (const r of radios) r.parentElement.classList.toggle("explorable-right", r.value === String(a));
    fieldset.disabled = true;
    reveal.hidden = true;
    again.hidden = false;
    body.hidden = false;
    for (const [id, v] of Object.entries(q.setting)) ex.controls[id].value = String(v);
    ex.redraw();
    again.focus();
  }
  function strong(cls, text) {
    const s = document.createElement("strong");
    s.className = cls;
    s.textContent = text;
    return s;
  }
  reveal.addEventListener("click", show);
  for (const input of [number, ...radios]) {
    if (input) input.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); show(); } });
  }
  again.addEventListener("click", () => {
    fieldset.disabled = false;
    if (number) number.value = "";
    for (const r of radios) { r.checked = false; r.parentElement.classList.remove("explorable-right"); }
    verdict.textContent = "";
    reveal.hidden = false;
    again.hidden = true;
    body.hidden = true;
    (number || radios[0]).focus();
  });
}

/** Size the canvas's pixels to its box on screen (sharp on any display); a context in CSS px. */
function fit(canvas) {
  const ratio = window.devicePixelRatio || 1;
  const w = canvas.clientWidth, h = canvas.clientHeight;
  if (canvas.width !== Math.round(w * ratio) || canvas.height !== Math.round(h * ratio)) {
    canvas.width = Math.round(w * ratio);
    canvas.height = Math.round(h * ratio);
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, w, h);
  return ctx;
}

/** Text and line colour of the page (dark or light theme). */
function ink(canvas) {
  return getComputedStyle(canvas).color;
}

// Okabe & Ito's colour-blind-safe palette, as in lib/style.py.
const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"];
const TEN_CLASSES = ["#332288", "#88CCEE", "#44AA99", "#117733", "#999933",
                            "#DDCC77", "#CC6677", "#882255", "#AA4499", "#BBBBBB"];

// viridis and RdBu_r at a few stops, interpolated: the book's field and signed colour maps.
const VIRIDIS = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
const RDBU = [[5, 48, 97], [67, 147, 195], [247, 247, 247], [214, 96, 77], [103, 0, 31]];

function ramp(stops, t) {
  t = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(t)), f = t - i;
  return stops[i].map((a, k) => Math.round(a + f * (stops[i + 1][k] - a)));
}

/** viridis(t) for t in [0, 1], as [r, g, b]. */
const viridis = (t) => ramp(VIRIDIS, t);
/** RdBu_r for v in [-1, 1] (blue negative, red positive), as [r, g, b]. */
const rdbu = (v) => ramp(RDBU, (v + 1) / 2);

/** Paint a field (rows x cols, row 0 at the bottom) into the box (x, y, w, h) with colour(v). */
function paint(ctx, field, rows, cols, colour, x, y, w, h) {
  const image = new ImageData(cols, rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const [R, G, B] = colour(field[r * cols + c]);
      const k = 4 * ((rows - 1 - r) * cols + c);  // row 0 drawn at the bottom, as origin="lower"
      image.data[k] = R; image.data[k + 1] = G; image.data[k + 2] = B; image.data[k + 3] = 255;
    }
  }
  const off = new OffscreenCanvas(cols, rows);
  off.getContext("2d").putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = false;  // pixels stay pixels, as in the book's figures
  ctx.drawImage(off, x, y, w, h);
}

/** A polyline of (xs, ys) in data coordinates, mapped by the box's scales. */
function line(ctx, xs, ys, sx, sy, colour, width = 2) {
  ctx.beginPath();
  for (let i = 0; i < xs.length; i++) {
    const X = sx(xs[i]), Y = sy(ys[i]);
    if (i === 0) ctx.moveTo(X, Y); else ctx.lineTo(X, Y);
  }
  ctx.strokeStyle = colour;
  ctx.lineWidth = width;
  ctx.stroke();
}

/** A linear scale from [d0, d1] to [r0, r1]. */
function scale(d0, d1, r0, r1) {
  return (v) => r0 + ((v - d0) / (d1 - d0)) * (r1 - r0);
}

/** Axes: a frame, ticks with labels, and axis titles, in the page's ink. */
function axes(ctx, box, xlim, ylim, { xticks = [], yticks = [], xlabel = "", ylabel = "", colour }) {
  const [x, y, w, h] = box;
  const sx = scale(xlim[0], xlim[1], x, x + w), sy = scale(ylim[0], ylim[1], y + h, y);
  ctx.strokeStyle = colour; ctx.fillStyle = colour; ctx.lineWidth = 1;
  ctx.beginPath(); ctx.moveTo(x, y); ctx.lineTo(x, y + h); ctx.lineTo(x + w, y + h); ctx.stroke();
  ctx.font = "12px system-ui, sans-serif";
  ctx.textAlign = "center"; ctx.textBaseline = "top";
  for (const t of xticks) { ctx.fillText(String(t), sx(t), y + h + 4); }
  ctx.textAlign = "right"; ctx.textBaseline = "middle";
  for (const t of yticks) { ctx.fillText(String(t), x - 4, sy(t)); }
  ctx.textAlign = "center"; ctx.textBaseline = "bottom";
  if (xlabel) ctx.fillText(xlabel, x + w / 2, y + h + 32);
  if (ylabel) {
    ctx.save(); ctx.translate(x - 36, y + h / 2); ctx.rotate(-Math.PI / 2);
    ctx.textBaseline = "middle"; ctx.fillText(ylabel, 0, 0); ctx.restore();
  }
  return { sx, sy };
}

/** Draw inside box (x, y, w, h) only: what spills over is cut off. */
function clipped(ctx, box, draw) {
  ctx.save();
  ctx.beginPath();
  ctx.rect(...box);
  ctx.clip();
  draw();
  ctx.restore();
}

/** A small seeded random number generator (mulberry32): the same masks for the same seed. */
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const Explore = { modules: {}, define, setup, value, show, announce, live, fit, ink, PALETTE, TEN_CLASSES,
                  viridis, rdbu, paint, line, scale, axes, clipped, seeded };
window.Explore = Explore;
})();
