"""The explorables in print: each one's control at a few telling settings, side by side.

    printed.spiking(plt.figure(figsize=(7, 4.2)), data, currents=[10, 15.5, 20, 40, 60])

One function per explorable. Each takes a Figure and the very `data` its chapter hands to the
explorable (lib/explorable.py), recomputes with `lib` what the page's JavaScript recomputes
(tests/test_explorables.py checks that JavaScript against these same functions of lib), draws
a small panel per setting, titled with the numbers the page's readout would give, and returns
the Figure. In the PDF this figure stands where the web page has the explorable.
"""
from __future__ import annotations

import functools

import matplotlib as mpl
import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from lib import check, mlp
from lib.explorable import image, page_masks, photo
from lib.style import DIVERGING_CMAP, OKABE_ITO, PALETTE, TEN_CLASSES

SMALL = 9  # points: the small panels' titles and labels


def _small(draw):
    """Draw in the book's style with the small panels' type sizes."""
    @functools.wraps(draw)
    def drawn(*args, **kwargs):
        with mpl.rc_context({"font.size": SMALL, "axes.titlesize": SMALL, "axes.labelsize": SMALL,
                             "xtick.labelsize": SMALL - 1, "ytick.labelsize": SMALL - 1,
                             "legend.fontsize": SMALL - 1}):
            return draw(*args, **kwargs)
    return drawn


def _start(fig, data, *keys) -> dict:
    """Check the figure and that data is an explorable's data holding `keys`."""
    check.instance("fig", fig, Figure), check.instance("data", data, dict)
    missing = [k for k in keys if k not in data]
    if missing:
        raise ValueError(f"data must be the explorable's data, with {', '.join(keys)}; it lacks {', '.join(missing)}")
    return data


def _settings(name: str, value, most: int) -> list:
    """value as a list of 1 to `most` settings (a list or a tuple)."""
    value = list(check.instance(name, value, (list, tuple)))
    if not 1 <= len(value) <= most:
        raise ValueError(f"{name} must hold 1 to {most} settings, got {len(value)}")
    return value


# --- the spiking neuron ---------------------------------------------------------------------------

@_small
def spiking(fig: Figure, data: dict, currents) -> Figure:
    """The membrane potential over the explorable's run at each current (nA), and each rate on the f–I curve."""
    from lib.spiking import LIF, simulate

    data = _start(fig, data, "p", "dt", "steps", "currents", "rates")
    currents = check.array("currents", currents, ndim=1, low=0, high=float(np.max(data["currents"])))
    if len(currents) > 5:
        raise ValueError(f"currents must hold 1 to 5 currents, got {len(currents)}")
    p, dt, steps = LIF(**data["p"]), data["dt"], data["steps"]
    run = simulate(currents, dt=dt, steps=steps, p=p)  # a neuron per current, as the page runs each
    rates = run.steady_rates()  # the page's rate: spikes - 1 over the time from the first to the last
    axes = fig.subplots(2, 3).ravel()
    for ax, I, V, n, r in zip(axes, currents, run.V, run.counts, rates):
        ax.axhline(p.v_th, color="black", ls="--", lw=0.8)
        ax.plot(run.t, V, lw=1, color=OKABE_ITO["blue"])
        ax.set(ylim=(-68, -45), yticks=[-65, -50], xticks=[0, steps * dt / 2, steps * dt])
        ax.set_title(f"{I:g} nA: {n} spike{'s' * int(n != 1)}" + (f", {r:.1f} Hz" if n >= 2 else ""))
    for ax in axes[len(currents):-1]:
        ax.set_axis_off()
    axes[0].set_ylabel("V (mV)")
    axes[3].set(xlabel="time (ms)", ylabel="V (mV)")
    axes[-1].plot(data["currents"], data["rates"], color=OKABE_ITO["orange"], lw=1.5)
    axes[-1].plot(currents, rates, "o", color=OKABE_ITO["vermillion"], ms=4)
    axes[-1].set(xlabel="input current (nA)", ylabel="rate (Hz)", title="the rates on the f–I curve")
    return fig


# --- the perceptron -------------------------------------------------------------------------------

WEIGHTS = ("w11", "w21", "w12", "w22", "b1", "b2", "v1", "v2", "c")  # the explorable's nine sliders


def xor_net(weights: dict) -> mlp.MLP:
    """The 2-2-1 sigmoid network of the perceptron's explorable, from its nine slider values."""
    check.instance("weights", weights, dict)
    if sorted(weights) != sorted(WEIGHTS):
        raise ValueError(f"weights must hold exactly {', '.join(WEIGHTS)}, got {sorted(weights)}")
    w = {k: check.number(f"weights[{k!r}]", v) for k, v in weights.items()}
    return mlp.MLP(W=(np.array([[w["w11"], w["w12"]], [w["w21"], w["w22"]]]), np.array([[w["v1"]], [w["v2"]]])),
                   b=(np.array([w["b1"], w["b2"]]), np.array([w["c"]])), hidden="sigmoid", output="sigmoid")


@_small
def perceptron(fig: Figure, data: dict, settings: dict) -> Figure:
    """The output over the plane, each hidden unit's line and the corners, for each named set of nine weights."""
    from lib.plots import grid

    data = _start(fig, data, "X", "y")
    settings = check.instance("settings", settings, dict)
    _settings("settings", list(settings), 6)
    X, y = check.array("data['X']", data["X"], shape=(4, 2)), check.labels("data['y']", data["y"], n=4, classes=2)
    axes = fig.subplots(1, len(settings), squeeze=False)[0]
    for ax, (name, weights) in zip(axes, settings.items()):
        net = xor_net(weights)
        out = mlp.predict(net, grid((-0.5, 1.5, -0.5, 1.5), 101)).reshape(101, 101)  # the page's grid
        ax.imshow(out, origin="lower", extent=(-0.5, 1.5, -0.5, 1.5), vmin=0, vmax=1)
        ends = np.array([-0.5, 1.5])
        for j, style in ((0, "-"), (1, "--")):  # hidden unit j is 1/2 where w1j x1 + w2j x2 + bj = 0
            (p, q), b = net.W[0][:, j], net.b[0][j]
            if abs(q) > 1e-9:
                ax.plot(ends, -(p * ends + b) / q, style, color="white", lw=1.5)
            else:
                ax.plot([-b / p] * 2, ends, style, color="white", lw=1.5)
        ax.scatter(X[:, 0], X[:, 1], c=[OKABE_ITO["orange"] if t else "black" for t in y], s=40,
                   edgecolors="white", linewidths=1.2, zorder=3)
        ax.set(xlim=(-0.5, 1.5), ylim=(-0.5, 1.5), xticks=[0, 1], yticks=[0, 1], xlabel="$x_1$")
        right = int(np.sum((mlp.predict(net, X) > 0.5) == (y == 1)))
        ax.set_title(f"{name}\n{right} of 4 right, loss {float(mlp.loss(net, X, y)):.3g}")
    axes[0].set_ylabel("$x_2$")
    return fig


# --- how a network learns -------------------------------------------------------------------------

@_small
def learning(fig: Figure, data: dict, settings) -> Figure:
    """The descent path on the bowl for each setting {w0, b0, lr, momentum} (top), and the loss
    above its minimum at every step (bottom)."""
    from lib.descent import descend, mse, mse_gradient

    data = _start(fig, data, "x", "t", "theta_star", "L_star", "lam_max", "steps", "extent")
    settings = _settings("settings", settings, 6)
    x, t = np.asarray(data["x"], dtype=float), np.asarray(data["t"], dtype=float)
    A = np.column_stack([x, np.ones(len(x))])  # (n, 2): [x, 1]
    w0, w1, b0, b1 = data["extent"]
    W = np.stack(np.meshgrid(np.linspace(w0, w1, 90), np.linspace(b0, b1, 90)), axis=-1)  # the page's grid
    bowl = np.log10(mse(W, A, t) - data["L_star"] + 1e-3)
    grid = fig.add_gridspec(2, len(settings), height_ratios=[1, 0.8])
    curves = fig.add_subplot(grid[1, :])
    for k, s in enumerate(settings):
        check.instance(f"settings[{k}]", s, dict)
        w, b, lr, mu = (check.number(f"settings[{k}]['{q}']", s.get(q)) for q in ("w0", "b0", "lr", "momentum"))
        path = descend(lambda theta: mse_gradient(theta, A, t), [w, b], lr=lr, steps=data["steps"], momentum=mu)
        with np.errstate(over="ignore", invalid="ignore"):
            excess = mse(path, A, t) - data["L_star"]
        ax = fig.add_subplot(grid[0, k])
        ax.imshow(bowl, origin="lower", extent=(w0, w1, b0, b1), aspect="auto")
        ax.plot(path[:, 0], path[:, 1], "-o", color="white", mfc=OKABE_ITO["orange"], mec="none", ms=2, lw=0.8)
        ax.plot(w, b, "o", color="black", mec="white", ms=5)
        ax.plot(*data["theta_star"], "*", color="white", ms=8)
        ax.set(xlim=(w0, w1), ylim=(b0, b1), xlabel="w", ylabel="b" if k == 0 else None)
        limit = 2 * (1 + mu) / data["lam_max"]  # the page's readout: the path converges below it
        ax.set_title(f"η = {lr:.2f}, μ = {mu:g}\nlimit {limit:.2f}: {'converges' if lr < limit else 'diverges'}")
        curves.plot(np.log10(np.clip(np.nan_to_num(excess, nan=1e6), 1e-16, 1e6)), lw=1.2, color=PALETTE[k],
                    label=f"η = {lr:.2f}, μ = {mu:g}")  # capped as the page caps it
    curves.set(xlabel="step", ylabel="log₁₀ (loss − minimum)", ylim=(-16.5, 6.5))
    curves.legend(ncols=2, loc="lower left")
    return fig


# --- watching a network learn ---------------------------------------------------------------------

def _mosaic(maps: np.ndarray, cols: int = 4) -> np.ndarray:
    """Maps (units, n, n) tiled `cols` to a row with a blank (NaN) pixel between them; the first
    row of maps on top when drawn with origin="lower"."""
    units, n, _ = maps.shape
    rows = -(-units // cols)
    out = np.full((rows * (n + 1) - 1, cols * (n + 1) - 1), np.nan)
    for u, m in enumerate(maps):
        r, c = rows - 1 - u // cols, u % cols
        out[r * (n + 1):r * (n + 1) + n, c * (n + 1):c * (n + 1) + n] = m
    return out


@_small
def watching(fig: Figure, data: dict, epochs, layers=(1, 3)) -> Figure:
    """The fit (top row) and every neuron of each chosen layer (a row each), at each chosen epoch."""
    from lib.plots import grid

    data = _start(fig, data, "snapshots", "n", "curve")
    kept = {int(s["epoch"]): s for s in data["snapshots"]}
    epochs = [check.integer("epochs", e, low=0) for e in _settings("epochs", epochs, 6)]
    if any(e not in kept for e in epochs):
        raise ValueError(f"epochs must be among the snapshots' epochs {sorted(kept)}, got {epochs}")
    hidden = len(data["snapshots"][0]["W"]) - 1
    layers = [check.integer("layers", l, low=1, high=hidden) for l in _settings("layers", layers, 3)]
    n = data["n"]
    P = grid((-1, 1, -1, 1), n)  # the page's grid
    rows = [-(-len(data["snapshots"][0]["b"][l - 1]) // 4) / 4 for l in layers]  # each layer's neurons, 4 a row
    axes = fig.subplots(1 + len(layers), len(epochs), squeeze=False, height_ratios=[1, *rows])
    for column, e in zip(axes.T, epochs):
        s = kept[e]
        net = mlp.MLP(tuple(np.asarray(W, dtype=float) for W in s["W"]),
                      tuple(np.asarray(b, dtype=float) for b in s["b"]), hidden="tanh", output="sigmoid")
        acts = mlp.forward(net, P)
        column[0].imshow(acts[-1].reshape(n, n), origin="lower", vmin=0, vmax=1)
        train, test = data["curve"][max(0, e - 1)][1], data["curve"][max(0, e - 1)][3]  # as the page reads it
        column[0].set_title(f"epoch {e}\n" + ("before training" if e == 0 else f"{train:.0%} / {test:.0%} right"))
        for ax, l in zip(column[1:], layers):
            ax.imshow(_mosaic(acts[l].T.reshape(-1, n, n)), origin="lower", cmap=DIVERGING_CMAP, vmin=-1, vmax=1)
    for ax in axes.ravel():
        ax.set(xticks=[], yticks=[])
        ax.spines[:].set_visible(False)
    axes[0, 0].set_ylabel("the fit")
    for ax, l in zip(axes[1:, 0], layers):
        ax.set_ylabel(f"layer {l}")
    return fig


# --- e, exp and ln --------------------------------------------------------------------------------

@_small
def gibbs(fig: Figure, data: dict, terms) -> Figure:
    """The square wave's partial sum over a period (top) and next to the jump (bottom), for each number of terms."""
    from lib.fourier import gibbs_overshoot, partial_sum

    data = _start(fig, data, "limit")
    terms = [check.integer("terms", n) for n in _settings("terms", terms, 6)]
    axes = fig.subplots(2, len(terms), squeeze=False)
    t = np.linspace(-np.pi, np.pi, 801)  # the page's grids
    for (whole, zoom), n in zip(axes.T, terms):
        whole.plot(t, np.sign(np.sin(t)), color="grey", lw=0.8)
        whole.plot(t, partial_sum(t, n), color=OKABE_ITO["blue"], lw=1)
        whole.set(ylim=(-1.4, 1.4), xticks=[-3, 0, 3], yticks=[-1, 0, 1])
        whole.set_title(f"{n} term{'s' * (n > 1)}\npeak {gibbs_overshoot(n, 801):.4f}")
        near = np.linspace(0, 3 * np.pi / n, 400)
        zoom.axhline(data["limit"], color="black", ls="--", lw=0.8)
        zoom.axhline(1, color="grey", lw=0.8)
        zoom.plot(near, partial_sum(near, n), color=OKABE_ITO["blue"], lw=1)
        zoom.set(ylim=(0.9, 1.3), xlim=(0, near[-1]), xticks=[0, round(near[-1], 2 if n > 10 else 1)])
    axes[0, 0].set_xlabel("t")
    axes[1, 0].set_xlabel("t near the jump")
    return fig


# --- convolution ----------------------------------------------------------------------------------

@_small
def conv(fig: Figure, data: dict, kernels) -> Figure:
    """The photo, then its feature map with each named kernel (red positive, blue negative), the kernel below it."""
    from lib.conv import conv2d

    data = _start(fig, data, "side", "photo", "kernels")
    kernels = _settings("kernels", kernels, 5)
    if any(not isinstance(k, str) or k not in data["kernels"] for k in kernels):
        raise ValueError(f"kernels must name the explorable's kernels, {list(data['kernels'])}, got {kernels}")
    x = photo(data)
    axes = fig.subplots(2, 3).ravel()
    axes[0].imshow(x, cmap="gray", vmin=0, vmax=1)
    axes[0].set_title(f"the photo, {x.shape[0]} × {x.shape[1]}")
    for ax, name in zip(axes[1:], kernels):
        w = np.asarray(data["kernels"][name], dtype=float)
        fm = conv2d(x, w)
        top = np.sort(np.abs(fm).ravel())[int(0.995 * (fm.size - 1))]  # the page's colour scale
        ax.imshow(fm, cmap=DIVERGING_CMAP, vmin=-top, vmax=top)
        ax.set_title(name)
        ax.set_xlabel("\n".join("  ".join(f"{v:g}" if v == int(v) else f"{v:.2f}" for v in row) for row in w),
                      family="monospace")
    for ax in axes:
        ax.set(xticks=[], yticks=[])
    for ax in axes[1 + len(kernels):]:
        ax.set_axis_off()
    return fig


# --- one layer, 250 times -------------------------------------------------------------------------

@_small
def deep(fig: Figure, data: dict, gammas, layers) -> Figure:
    """The class map after each chosen layer (columns), for each sharpening power γ (rows)."""
    from lib.sparse import Plane, initial_scores, propagate

    data = _start(fig, data, "G", "K", "layers", "train", "test")
    gammas = [check.number("gammas", g, low=1) for g in _settings("gammas", gammas, 3)]
    layers = [check.integer("layers", l, low=0, high=data["layers"]) for l in _settings("layers", layers, 4)]
    G, K, train, test = data["G"], data["K"], data["train"], data["test"]
    # the training pixels' centres: Plane.cells gives back exactly the page's rows and columns
    centres = (np.column_stack([train["cols"], train["rows"]]) + 0.5) / G * 2 - 1
    S0, clamped, labels = initial_scores(Plane(size=G, extent=1.0), centres, np.asarray(train["y"]), K)
    colours = ListedColormap(["#ffffff", *PALETTE[:K]])  # white: still unassigned
    rows, cols, y = (np.asarray(test[k]) for k in ("rows", "cols", "y"))
    axes = fig.subplots(len(gammas), len(layers), squeeze=False)
    for row, gamma in zip(axes, gammas):
        _, maps = propagate(S0, max(layers), gamma=gamma, clamped=clamped, labels=labels)
        for ax, l in zip(row, layers):
            ax.imshow(maps[l] + 1, origin="lower", cmap=colours, vmin=0, vmax=K)
            ax.set(xticks=[], yticks=[])
            ax.spines[:].set_visible(True)
            right = np.mean(maps[l][rows, cols] == y)
            ax.set_title(f"γ = {gamma:g}, layer {l}\n{np.mean(maps[l] < 0):.1%} unassigned, {right:.1%} right")
    return fig


# --- dropout --------------------------------------------------------------------------------------

@_small
def dropout(fig: Figure, data: dict, ps, mask: int = 1, example: int = 0) -> Figure:
    """For each dropout rate p: the last layer with the page's mask #`mask` on one test shape (top),
    and the mean probability of the true class over 1 to 200 of the page's masks, for every shape (bottom)."""
    from lib.plots import draw_network

    data = _start(fig, data, "hidden", "W2", "b2", "y", "classes")
    ps = [check.number("ps", p, low=0, high=0.9) for p in _settings("ps", ps, 4)]
    H, W2, b2 = (np.asarray(data[k], dtype=float) for k in ("hidden", "W2", "b2"))
    mask, example = check.integer("mask", mask), check.integer("example", example, low=0, high=len(H) - 1)
    y, classes, units = np.asarray(data["y"]), data["classes"], H.shape[1]
    last = mlp.MLP((np.eye(units), W2), (np.zeros(units), b2), "relu", "softmax")  # h -> h -> output
    full = mlp.predict(last, H)[np.arange(len(H)), y]
    axes = fig.subplots(2, len(ps), squeeze=False, height_ratios=[1.3, 1])
    for (top, bottom), p in zip(axes.T, ps):
        m = page_masks(units, p, mask)
        P = mlp.forward(last, H[example:example + 1], [m])[-1][0]
        draw_network(top, [W2], [H[example], P], dropped=[m[0] == 0, np.zeros(len(P), bool)],
                     labels=[f"{c} {v:.2f}" for c, v in zip(classes, P)], node_size=8)
        top.set_xlim(-0.2, 2.5)  # room for the labels
        top.set_title(f"p = {p:g}: mask #{mask} drops {int(np.sum(m == 0))}\n"
                      f"P({classes[y[example]]}) = {P[y[example]]:.3f}")
        masks = page_masks(units, p, 1000 + mask, 200)  # the page's masks for the average
        for i in range(len(H)):
            runs = mlp.forward(last, np.repeat(H[i:i + 1], 200, axis=0), [masks])[-1][:, y[i]]
            bottom.plot(np.arange(1, 201), np.cumsum(runs) / np.arange(1, 201), lw=1, color=PALETTE[i],
                        label=classes[y[i]])
            bottom.axhline(full[i], color=PALETTE[i], ls=":", lw=0.8)
        bottom.set(ylim=(0, 1.02), xlabel="masks averaged", xticks=[1, 100, 200])
    axes[1, 0].set_ylabel("P(true class)")
    axes[1, 0].legend(loc="lower right", ncols=2)
    return fig


# --- does dropout work? ---------------------------------------------------------------------------

@_small
def dropout_measured(fig: Figure, data: dict, settings) -> Figure:
    """For each (size index, runs): dropout's lead in every run, the runs looked at in colour, and the
    95 % interval of their mean lead with its verdict (lib.trials.compare)."""
    from lib.trials import compare

    data = _start(fig, data, "sizes", "dropout", "plain")
    settings = _settings("settings", settings, 6)
    A, B = (np.asarray(data[k], dtype=float) for k in ("dropout", "plain"))  # accuracies, [size][run]
    lim = max(8, 100 * float(np.abs(A - B).max()))  # points, as the page's axis
    axes = fig.subplots(1, len(settings), squeeze=False, sharey=True)[0]
    said = {"A": "dropout better", "B": "dropout worse", "neither": "no verdict"}
    for ax, setting in zip(axes, settings):
        if not (isinstance(setting, (tuple, list)) and len(setting) == 2):
            raise TypeError(f"settings must hold (size index, runs) pairs, got {setting!r}")
        k = check.integer("settings", setting[0], low=0, high=len(A) - 1)
        n = check.integer("settings", setting[1], low=2, high=A.shape[1])
        c = compare(A[k, :n], B[k, :n])
        gap, low, high = 100 * c.gap, 100 * c.low, 100 * c.high
        ax.axhspan(max(-lim, low), min(lim, high), color=OKABE_ITO["blue"], alpha=0.15, lw=0)
        ax.axhline(gap, color=OKABE_ITO["blue"], lw=1.5)
        ax.axhline(0, color="black", lw=0.8)
        lead = 100 * (A[k] - B[k])
        ax.scatter(np.arange(1, len(lead) + 1), lead, s=18, zorder=3,
                   c=[OKABE_ITO["orange"] if i < n else "#bbbbbb" for i in range(len(lead))])
        ax.set(xlim=(0.5, len(lead) + 0.5), ylim=(-lim, lim), xticks=range(1, len(lead) + 1), xlabel="run")
        ax.set_title(f"{data['sizes'][k]} per class, {n} runs\n{gap:+.1f} ({low:+.1f} to {high:+.1f})\n"
                     f"{said[c.verdict]}")
    axes[0].set_ylabel("dropout's lead (points)")
    return fig


# --- transformers ---------------------------------------------------------------------------------

@_small
def transformers(fig: Figure, data: dict, word: int, heads) -> Figure:
    """One word's attention weights over the words up to it, as bars, for each (layer, head)."""
    from lib.attention import attention, causal_mask

    data = _start(fig, data, "words", "Q", "K")
    words = list(data["words"])
    T, word = len(words), check.integer("word", word, low=0, high=len(words) - 1)
    heads = _settings("heads", heads, 8)
    axes = fig.subplots(-(-len(heads) // 4), min(4, len(heads)), squeeze=False, sharey=True)
    for ax, lh in zip(axes.ravel(), heads):
        if not (isinstance(lh, (tuple, list)) and len(lh) == 2):
            raise TypeError(f"heads must hold (layer, head) pairs, got {lh!r}")
        l = check.integer("heads", lh[0], low=0, high=len(data["Q"]) - 1)
        h = check.integer("heads", lh[1], low=0, high=len(data["Q"][l]) - 1)
        Q, K = np.asarray(data["Q"][l][h], dtype=float), np.asarray(data["K"][l][h], dtype=float)
        a = attention(Q, K, np.eye(T), causal_mask(T))[1][word]  # (T,): the word's row of weights
        bars = ax.bar(range(T), a, color=[OKABE_ITO["blue"] if j <= word else "#bbbbbb" for j in range(T)])
        ax.bar_label(bars, labels=[f"{v:.2f}" if j <= word else "" for j, v in enumerate(a)],
                     fontsize=SMALL - 2, padding=1)
        ax.set(ylim=(0, 1.15), xticks=range(T), yticks=[0, 0.5, 1])
        ax.set_xticklabels(words, rotation=60)
        ax.set_title(f"layer {l + 1}, head {h + 1}\nmost on “{words[np.argmax(a)]}”: {a.max():.0%}")
    for ax in axes.ravel()[len(heads):]:
        ax.set_axis_off()
    return fig


# --- seeing the data ------------------------------------------------------------------------------

@_small
def seeing(fig: Figure, data: dict, dots) -> Figure:
    """Every picture of the images as dots with the chosen dots circled and lettered (top), and their images."""
    data = _start(fig, data, "pictures", "labels", "side", "levels", "pixels")
    labels = np.asarray(data["labels"])
    dots = [check.integer("dots", d, low=0, high=len(labels) - 1) for d in _settings("dots", dots, 6)]
    names = list(data["pictures"])
    grid = fig.add_gridspec(2, len(names) * len(dots), height_ratios=[2.2, 1])  # both rows split evenly
    for k, name in enumerate(names):
        ax = fig.add_subplot(grid[0, k * len(dots):(k + 1) * len(dots)])
        Z = np.asarray(data["pictures"][name], dtype=float)
        ax.scatter(Z[:, 0], Z[:, 1], c=np.array(TEN_CLASSES)[labels % 10], s=2, linewidths=0)
        for n, d in enumerate(dots):
            ax.plot(*Z[d], "o", ms=9, mfc="none", mec="black", mew=1.2)
            ax.annotate("ABCDEF"[n], Z[d], xytext=(-12 if n % 2 == 0 else 6, 4), textcoords="offset points",
                        fontweight="bold")
        ax.set(xticks=[], yticks=[], title=name)
    for n, d in enumerate(dots):
        ax = fig.add_subplot(grid[1, n * len(names):(n + 1) * len(names)])
        ax.imshow(image(data, d), cmap="gray_r", vmin=0, vmax=1)
        ax.set(xticks=[], yticks=[], title=f"{'ABCDEF'[n]}: a {labels[d]}")
        for spine in ax.spines.values():  # framed in its digit's colour, as on the page
            spine.set(visible=True, color=TEN_CLASSES[labels[d] % 10], linewidth=2)
    return fig
