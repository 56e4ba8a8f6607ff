"""Dropout and its alternatives, measured: many networks trained at once, each its own experiment.

A stack of S networks (see `lib/mlp.py`) trains in one loop, each network on its own training
set (of its own size), with its own dropout rates and its own L2 penalty, so that a sweep over
sizes x seeds x settings costs one vectorised training instead of hundreds. Every `every` steps
the accuracies are recorded: on each network's own training set, on a shared test set if one is
given, and on each network's validation set if it has one (for early stopping).

The L2 penalty (lambda/2)·||W||² is added to the loss, so lambda·W joins the gradient *before*
Adam rescales it: this is not the decoupled weight decay of AdamW (Loshchilov and Hutter 2019),
which shrinks the weights directly, outside the adaptive step.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from lib import check, mlp
from lib.optim import Adam


@dataclass(frozen=True)
class Record:
    """Accuracies as training went: `steps` (C,) and, per checkpoint and network, (C, S); `test`
    is None when training had no test set, `val` when it had no validation sets."""

    steps: np.ndarray
    train: np.ndarray
    test: np.ndarray | None
    val: np.ndarray | None = None


def per_class(y, k: int, rng: np.random.Generator) -> np.ndarray:
    """Indices of k examples of every class in y, drawn without replacement, classes in order."""
    y, k, rng = check.labels("y", y), check.integer("k", k), check.generator("rng", rng)
    classes, counts = np.unique(y, return_counts=True)
    if counts.min() < k:
        raise ValueError(f"k = {k} but class {classes[counts.argmin()]} has only {counts.min()} examples")
    return np.concatenate([rng.choice(np.flatnonzero(y == c), k, replace=False) for c in classes])


def stack_sets(sets) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Training sets of different sizes as one padded stack: X (S, n_max, d), y (S, n_max), counts (S,).

    Rows past a set's count are zeros and are never sampled or scored.
    """
    if not (isinstance(sets, (list, tuple)) and sets and all(isinstance(s, (list, tuple)) and len(s) == 2 for s in sets)):
        raise TypeError(f"sets must be a non-empty list of (X, y) pairs, got {type(sets).__name__}")
    sets = [(check.array(f"sets[{i}] X", X, ndim=2), check.labels(f"sets[{i}] y", y)) for i, (X, y) in enumerate(sets)]
    if not sets or any(X.ndim != 2 or len(X) != len(y) or len(X) == 0 for X, y in sets):
        raise ValueError("sets must be non-empty (X (n, d), y (n,)) pairs")
    d = {X.shape[1] for X, _ in sets}
    if len(d) != 1:
        raise ValueError(f"every X must have the same number of columns, got {sorted(d)}")
    counts = np.array([len(X) for X, _ in sets])
    X = np.zeros((len(sets), counts.max(), d.pop()))
    y = np.zeros((len(sets), counts.max()), dtype=int)
    for s, (Xs, ys) in enumerate(sets):
        X[s, :len(Xs)], y[s, :len(ys)] = Xs, ys
    return X, y, counts


def _per_network(value, S: int, name: str, upper: float) -> np.ndarray:
    v = check.array(name, value, ndim=(0, 1))
    if v.shape not in ((), (S,)):
        raise ValueError(f"{name} must be one number or one per network ({S}), got shape {v.shape}")
    v = np.broadcast_to(v, (S,)).copy()
    if not np.all((v >= 0) & (v < upper)):
        raise ValueError(f"{name} must be in [0, {upper}) for every network, got {value!r}")
    return v


def _accuracy(net: mlp.MLP, X, y, counts=None) -> np.ndarray:
    """(S,) fraction right: shared X (n, d), or each network's own padded X (S, n_max, d)."""
    right = mlp.predict(net, X).argmax(axis=-1) == y  # (S, n)
    if counts is None:
        return right.mean(axis=-1)
    valid = np.arange(right.shape[-1]) < counts[:, None]
    return (right & valid).sum(axis=-1) / counts


def train_stack(net: mlp.MLP, X, y, counts, rng: np.random.Generator, *, steps: int,
                X_test=None, y_test=None, batch_size: int = 32, lr: float = 1e-3, p_drop=0.0, p_input=0.0,
                weight_decay=0.0, val=None, every: int = 50, callback=None,
                dtype=np.float32) -> tuple[mlp.MLP, Record]:
    """Adam on minibatches drawn with replacement from each network's own set (X, y, counts as
    from `stack_sets`), with inverted dropout p_drop on the hidden units and p_input on the
    inputs, and an L2 penalty on the weights (weight_decay · W added to the gradient, which Adam
    then rescales: not AdamW) — each a scalar or one value per network. `val`, if given, is
    (X, y, counts) of each network's validation set; X_test, y_test, if given, a shared test set.
    Arithmetic in `dtype`: single precision by default, twice as fast, and plenty for SGD.
    At every checkpoint, callback(step, net) is called if given (to keep snapshots).
    """
    if not check.instance("net", net, mlp.MLP).stacked:
        raise ValueError("train_stack needs a stacked MLP net (made with stack=S)")
    S, rng = net.W[0].shape[0], check.generator("rng", rng)
    X, y = check.array("X", X, ndim=3, dtype=dtype), check.labels("y", y, ndim=2, classes=net.sizes[-1])
    counts = check.array("counts", counts, ndim=1, dtype=None)
    if (X_test is None) != (y_test is None):
        raise ValueError("give both X_test and y_test, or neither")
    if X_test is not None:  # the test set is optional
        X_test = check.array("X_test", X_test, shape=(None, X.shape[-1]), dtype=dtype)
        y_test = check.labels("y_test", y_test, n=len(X_test), classes=net.sizes[-1], per="X_test")
    callback = None if callback is None else check.function("callback", callback)
    check.choice("dtype", dtype, (np.float32, np.float64, float))
    if val is not None and not (isinstance(val, (tuple, list)) and len(val) == 3):
        raise TypeError(f"val must be None or (X, y, counts) of each network's validation set, got {val!r}")
    if X.ndim != 3 or X.shape[0] != S or y.shape != X.shape[:2] or counts.shape != (S,):
        raise ValueError(f"X, y, counts must be (S, n, d), (S, n), (S,) with S = {S}, "
                         f"got {X.shape}, {y.shape}, {counts.shape}")
    if counts.dtype.kind not in "iu" or not np.all((counts >= 1) & (counts <= X.shape[1])):
        raise ValueError(f"counts must be integers between 1 and {X.shape[1]}, got {counts}")
    steps, batch_size, every = (check.integer(k, v) for k, v in (("steps", steps), ("batch_size", batch_size),
                                                                  ("every", every)))
    check.fits("batch_size", batch_size, 32 * S * batch_size * max(net.sizes))
    p_drop = _per_network(p_drop, S, "p_drop", 1)
    p_input = _per_network(p_input, S, "p_input", 1)
    decay = _per_network(weight_decay, S, "weight_decay", np.inf)[:, None, None].astype(dtype)
    L = len(net.W)
    params = [p.astype(dtype) for p in net.W + net.b]
    X_test = None if X_test is None else np.asarray(X_test, dtype=dtype)
    val = None if val is None else (np.asarray(val[0], dtype=dtype), *val[1:])
    adam = Adam(params, lr)
    rows = np.arange(S)[:, None]
    checkpoints, train, test, valid = [], [], [], []
    for step in range(1, steps + 1):
        pick = (rng.random((S, batch_size)) * counts[:, None]).astype(int)  # (S, B), with replacement
        Xb, yb = X[rows, pick], y[rows, pick]  # (S, B, d), (S, B)
        Xb = Xb * _masks(rng, Xb.shape, p_input, dtype)
        masks = [_masks(rng, (S, batch_size, w), p_drop, dtype) for w in net.sizes[1:-1]]
        current = replace(net, W=tuple(params[:L]), b=tuple(params[L:]))
        _, dW, db = mlp.loss_and_gradients(current, Xb, yb, masks)
        if decay.any():
            for g, W in zip(dW, current.W):
                g += decay * W
        params = adam.step(params, list(dW) + list(db))
        if step % every == 0 or step == steps:
            current = replace(net, W=tuple(params[:L]), b=tuple(params[L:]))
            checkpoints.append(step)
            train.append(_accuracy(current, X, y, counts))
            if X_test is not None:
                test.append(_accuracy(current, X_test, y_test))
            if val is not None:
                valid.append(_accuracy(current, *val))
            if callback is not None:
                callback(step, current)
    record = Record(np.array(checkpoints), np.array(train),
                    np.array(test) if X_test is not None else None,
                    np.array(valid) if val is not None else None)
    return replace(net, W=tuple(params[:L]), b=tuple(params[L:])), record


def _masks(rng: np.random.Generator, shape, p: np.ndarray, dtype=np.float64) -> np.ndarray:
    """Inverted-dropout masks, network s dropping with probability p[s]: (S, …) of 0 or 1/(1-p).
    Random numbers are drawn only for the networks that drop something."""
    out = np.ones(shape, dtype=dtype)
    drops = np.flatnonzero(p > 0)
    if len(drops):
        keep = (1 - p[drops].reshape((-1,) + (1,) * (len(shape) - 1))).astype(dtype)
        out[drops] = (rng.random((len(drops),) + tuple(shape[1:]), dtype=dtype) < keep) / keep
    return out


def stopping_checkpoint(val, patience: int | None = None) -> np.ndarray:
    """(S,) index of the checkpoint early stopping keeps, for validation accuracies val (C, S).

    Training stops once `patience` checkpoints in a row have not beaten the best so far, and the
    best so far (the first, if tied) is kept; patience None runs to the end and keeps the best.
    """
    val = check.array("val", val, ndim=2, axes="(checkpoints, networks) accuracies")
    patience = None if patience is None else check.integer("patience", patience)
    kept = np.zeros(val.shape[1], dtype=int)
    for s in range(val.shape[1]):
        best, waited = 0, 0
        for c in range(1, len(val)):
            if val[c, s] > val[best, s]:
                best, waited = c, 0
            else:
                waited += 1
                if patience is not None and waited >= patience:
                    break
        kept[s] = best
    return kept


def early_stopped(record: Record, patience: int | None = None) -> np.ndarray:
    """(S,) test accuracy at the checkpoint early stopping keeps (`stopping_checkpoint`)."""
    check.instance("record", record, Record)
    if record.val is None:
        raise ValueError("early stopping needs a validation record: train with val=(X, y, counts)")
    if record.test is None:
        raise ValueError("the record has no test accuracies: train with X_test, y_test")
    kept = stopping_checkpoint(record.val, patience)
    return record.test[kept, np.arange(record.test.shape[1])]
