"""Checks at lib's boundary: every public function calls these first, and internals trust them.

Each check takes the argument's name and value and returns the value in the form the function
computes with (a Python int or float, a float array, ...), or raises a TypeError (wrong type)
or ValueError (wrong value) whose message names the argument and says what was expected:

    n = check.integer("n", n)                             # 1, 2, ...; NumPy integers and 0-d arrays too
    p = check.number("p", p, low=0, high=1, high_open=True)  # a probability in [0, 1)
    X = check.array("X", X, ndim=2)                       # a finite, non-empty float array
    y = check.labels("y", y, n=len(X), classes=3)         # integer classes 0..2, one per row of X
    rng = check.generator("rng", rng)
    check.fits("n", n, n * 784 * 8)                       # refuse before allocating past the budget
"""
from __future__ import annotations

import math
import re

import numpy as np

# The most memory one call to lib may ask for (bytes). A size that would need more is refused
# before anything is allocated, with the number it would need: 2 GiB is far above anything the
# book computes, and below what a laptop can spare.
MEMORY_BUDGET = 2 * 2**30


def _scalar(value):
    """A 0-d array as its element; anything else unchanged."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value[()]
    return value


def integer(name: str, value, low: int | None = 1, high: int | None = None) -> int:
    """value as a Python int: a Python or NumPy integer (or a 0-d integer array), low <= value <= high."""
    v = _scalar(value)
    if isinstance(v, (float, np.floating)):  # a number, but not a whole one
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    v = int(v)
    if (low is not None and v < low) or (high is not None and v > high):
        raise ValueError(f"{name} must be an integer {_range(low, high, False, False)}, got {v}")
    return v


def number(name: str, value, low: float | None = None, high: float | None = None, *,
           low_open: bool = False, high_open: bool = False, finite: bool = True) -> float:
    """value as a Python float: a real number (Python, NumPy, or a 0-d array), finite unless
    finite=False, within [low, high] (an open end with low_open / high_open)."""
    v = _scalar(value)
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    v = float(v)
    if math.isnan(v) or (finite and math.isinf(v)):
        raise ValueError(f"{name} must be a finite number, got {v}")
    if ((low is not None and (v < low or (low_open and v == low)))
            or (high is not None and (v > high or (high_open and v == high)))):
        raise ValueError(f"{name} must be a number {_range(low, high, low_open, high_open)}, got {v:g}")
    return v


def _range(low, high, low_open, high_open) -> str:
    if low is not None and high is not None:
        return f"in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
    if low is not None:
        return f"{'>' if low_open else '>='} {low:g}"
    if high is not None:
        return f"{'<' if high_open else '<='} {high:g}"
    return ""


def _numbers(name: str, value) -> np.ndarray:
    """value as an array of real numbers (bool, integer or float), whatever its shape."""
    if value is None:
        raise TypeError(f"{name} must be an array of numbers, got None")
    try:
        a = np.asarray(value)
    except ValueError as e:  # ragged nested lists
        raise ValueError(f"{name} must be a rectangular array of numbers: {e}") from None
    if a.dtype.kind == "c":
        raise TypeError(f"{name} must hold real numbers, got complex values")
    if a.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold numbers, got {a.dtype} values")
    return a


def array(name: str, value, *, ndim=None, shape=None, dtype=float, finite: bool = True, empty: bool = False,
          low: float | None = None, high: float | None = None, axes: str = "") -> np.ndarray:
    """value as an array of real numbers: converted to `dtype` (None keeps it), with `ndim` axes
    (an int, or a tuple or range of allowed counts), matching `shape` (None for any length on that axis),
    finite, non-empty unless empty=True, and within [low, high]. `axes` names the axes for the
    message, e.g. "(N, H, W) images"."""
    a = value if type(value) is np.ndarray and value.dtype.kind == "f" else _numbers(name, value)
    if dtype is not None and a.dtype != dtype:
        a = a.astype(dtype)
    if ndim is not None and a.ndim not in ((ndim,) if isinstance(ndim, int) else ndim):
        raise ValueError(f"{name} must have {_axes(ndim)}{' ' + axes if axes else ''}, got shape {a.shape}")
    if shape is not None and (a.ndim != len(shape) or any(s is not None and s != t for s, t in zip(shape, a.shape))):
        want = "(" + ", ".join("any" if s is None else str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"
        raise ValueError(f"{name} must have shape {want}{' ' + axes if axes else ''}, got {a.shape}")
    if not empty and a.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {a.shape}")
    if finite and a.dtype.kind == "f" and not np.isfinite(a).all():
        raise ValueError(f"{name} must be finite, got NaN or inf")
    if a.size and ((low is not None and a.min() < low) or (high is not None and a.max() > high)):
        raise ValueError(f"{name} must lie {_range(low, high, False, False)}, got values from "
                         f"{a.min():g} to {a.max():g}")
    return a


def _axes(ndim) -> str:
    if isinstance(ndim, range):
        return f"at least {ndim.start} axes"
    if isinstance(ndim, int):
        return f"{ndim} ax{'is' if ndim == 1 else 'es'}"
    return " or ".join(str(d) for d in ndim) + " axes"


def labels(name: str, value, *, n: int | None = None, classes: int | None = None, ndim: int = 1,
           low: int = 0, per: str = "X") -> np.ndarray:
    """value as an integer array of class labels: `ndim` axes, n along the first (if given: one
    per row of the argument `per`), every label from low to classes - 1 (or any label >= low).
    Floats that are whole numbers pass."""
    a = _numbers(name, value)
    if a.dtype.kind == "f":
        if not (np.isfinite(a).all() and np.all(a == np.round(a))):
            raise ValueError(f"{name} must hold integer class labels, got non-integer values")
        a = a.astype(int)
    if a.ndim != ndim:
        raise ValueError(f"{name} must have {_axes(ndim)}, got shape {a.shape}")
    if n is not None and a.shape[0] != n:
        raise ValueError(f"{name} must hold {n} labels, one per row of {per}, got {a.shape[0]}")
    if a.size and (a.min() < low or (classes is not None and a.max() >= classes)):
        span = f"{low}..{classes - 1}" if classes is not None else f">= {low}"
        raise ValueError(f"{name} must hold class labels {span}, got values from {a.min()} to {a.max()}")
    return a


def generator(name: str, value) -> np.random.Generator:
    """value, if it is a numpy.random.Generator (as np.random.default_rng(seed) makes)."""
    if not isinstance(value, np.random.Generator):
        raise TypeError(f"{name} must be a numpy.random.Generator (np.random.default_rng(seed)), "
                        f"got {type(value).__name__}")
    return value


def choice(name: str, value, options):
    """value, if it is one of options."""
    try:
        ok = not isinstance(value, (np.ndarray, bool, np.bool_)) and value in options
    except TypeError:  # an unhashable value
        ok = False
    if not ok:
        raise ValueError(f"{name} must be one of {', '.join(repr(o) for o in options)}; got {value!r}")
    return value


def float_dtype(name: str, value) -> np.dtype:
    """value as a NumPy dtype, if it is float32 or float64 (a name, a type or a dtype)."""
    try:
        ok = value is not None and np.dtype(value) in (np.float64, np.float32)
    except TypeError:  # not a dtype at all
        ok = False
    if not ok:
        raise ValueError(f"{name} must be np.float32 or np.float64, got {value!r}")
    return np.dtype(value)


def instance(name: str, value, cls):
    """value, if it is an instance of cls (a class or a tuple of classes)."""
    if not isinstance(value, cls):
        want = " or ".join(c.__name__ for c in cls) if isinstance(cls, tuple) else cls.__name__
        raise TypeError(f"{name} must be a {want}, got {type(value).__name__}")
    return value


def text(name: str, value, *, empty: bool = True, pattern: str | None = None) -> str:
    """value, if it is a string: non-blank unless empty=True, all of it matching `pattern`."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {type(value).__name__}")
    if not empty and not value.strip():
        raise ValueError(f"{name} must not be empty")
    if pattern is not None and not re.fullmatch(pattern, value):
        raise ValueError(f"{name} must match {pattern}, got {value!r}")
    return value


def flag(name: str, value) -> bool:
    """value as a bool, if it is one (Python or NumPy)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def function(name: str, value):
    """value, if it can be called."""
    if not callable(value):
        raise TypeError(f"{name} must be a function, got {type(value).__name__}")
    return value


def shape(name: str, value) -> tuple[int, ...]:
    """value as a shape: a tuple of integers >= 0 (an integer alone is a 1-D shape)."""
    v = _scalar(value)
    if isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)):
        v = (v,)
    if isinstance(v, (range, np.ndarray)) and np.ndim(v) == 1:
        v = tuple(v.tolist() if isinstance(v, np.ndarray) else v)
    if not isinstance(v, (tuple, list)):
        raise TypeError(f"{name} must be a shape, a tuple of integers, got {value!r}")
    return tuple(integer(f"{name}[{i}]", s, low=0) for i, s in enumerate(v))


def _bytes(n: float) -> str:
    for unit, size in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("kiB", 2**10)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n:.0f} bytes"


def fits(name: str, value, nbytes: float) -> None:
    """Refuse, before allocating, a value of the argument `name` that would need nbytes > MEMORY_BUDGET."""
    if nbytes > MEMORY_BUDGET:
        raise ValueError(f"{name} = {value!r} would need {_bytes(nbytes)} of memory, more than lib's budget of "
                         f"{_bytes(MEMORY_BUDGET)} (lib.check.MEMORY_BUDGET)")
