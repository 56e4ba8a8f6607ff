"""Attention and the transformer block, forward and backward, in NumPy.

Shapes: B sequences, T positions, d = d_model features, h heads of dk = d / h features each.
Every *_forward returns (output, cache); the matching *_backward takes d(output) and the cache
and returns the gradients. The block is pre-norm: X + MHA(LN(X)), then + FFN(LN(.)).
"""
from __future__ import annotations

import numpy as np

from lib import check

EPS = 1e-5


def sinusoidal(T: int, d: int) -> np.ndarray:
    """Positional encodings (T, d): sin and cos of pos / 10000^(2i/d) in alternate columns."""
    T, d = check.integer("T", T), check.integer("d", d, low=2)
    if d % 2:
        raise ValueError(f"d must be an even number >= 2, got {d}")
    check.fits("T and d", (T, d), 16 * T * d)
    pos = np.arange(T)[:, None]
    freq = 1.0 / 10000 ** (np.arange(0, d, 2) / d)  # (d/2,)
    P = np.zeros((T, d))
    P[:, 0::2], P[:, 1::2] = np.sin(pos * freq), np.cos(pos * freq)
    return P


def causal_mask(T: int) -> np.ndarray:
    """(T, T) booleans, True where attending is allowed: position t sees positions <= t."""
    T = check.integer("T", T)
    check.fits("T", T, 2 * T * T)
    return np.tril(np.ones((T, T), dtype=bool))


def softmax_rows(S: np.ndarray, mask: np.ndarray | None = None, *, out=None) -> np.ndarray:
    """Softmax over the last axis; masked-out entries get exactly zero weight.

    out=S computes in place, overwriting the scores (no new array the size of S)."""
    S = check.array("S", S, ndim=range(1, 64))
    if out is not None and not (isinstance(out, np.ndarray) and out.shape == S.shape and out.dtype == float):
        raise ValueError(f"out must be None or a float array of S's shape {S.shape}")
    if mask is not None:
        mask = check.array("mask", mask, dtype=bool)
        if mask.ndim > S.ndim or mask.shape != S.shape[S.ndim - mask.ndim:] or not mask.any(axis=-1).all():
            raise ValueError(f"mask must fit S {S.shape} and allow at least one position in every row")
    if out is None:
        out = S.copy()
    elif out is not S:
        np.copyto(out, S)
    if mask is not None:
        np.copyto(out, -np.inf, where=~np.asarray(mask, dtype=bool))
    out -= out.max(axis=-1, keepdims=True)  # the largest becomes exp(0) = 1: nothing overflows
    np.exp(out, out=out)  # exp(-inf) = 0 exactly
    out /= out.sum(axis=-1, keepdims=True)
    return out


def softmax_jacobian(a: np.ndarray) -> np.ndarray:
    """d softmax / d scores of weights a (..., T): diag(a) - a aᵀ, (..., T, T). Its size is how
    much a change of the scores can still move the weights: near 0 when a is nearly one-hot."""
    a = check.array("a", a, ndim=range(1, 64), low=0, high=1)
    if not np.allclose(a.sum(axis=-1), 1):
        raise ValueError("a must be softmax weights: each row (the last axis) sums to 1")
    check.fits("a", a.shape, 8 * a.size * a.shape[-1])
    return a[..., :, None] * np.eye(a.shape[-1]) - a[..., :, None] * a[..., None, :]


def attention(Q, K, V, mask=None):
    """Scaled dot-product attention softmax(Q Kᵀ / √dk) V; returns (output, weights)."""
    Q, K, V = (check.array(name, a, ndim=range(2, 64)) for name, a in (("Q", Q), ("K", K), ("V", V)))
    if K.shape[-1] != Q.shape[-1] or V.shape[-2] != K.shape[-2]:
        raise ValueError(f"Q (..., T_q, dk), K (..., T_k, dk) and V (..., T_k, dv) do not match: {Q.shape}, "
                         f"{K.shape}, {V.shape}")
    T_q, T_k = Q.shape[-2], K.shape[-2]
    if mask is not None and np.shape(mask) != (T_q, T_k):
        raise ValueError(f"mask must have shape ({T_q}, {T_k}), got {np.shape(mask)}")
    return _attend(Q, K, V, mask)


def _attend(Q, K, V, mask=None):
    """attention() without the checks: the scores are scaled and turned into weights in place."""
    A = Q @ np.swapaxes(K, -1, -2)  # (..., T_q, dk) @ (..., dk, T_k) -> (..., T_q, T_k)
    A *= 1 / np.sqrt(Q.shape[-1])
    softmax_rows(A, mask, out=A)
    return A @ V, A  # (..., T_q, T_k) @ (..., T_k, dv) -> (..., T_q, dv)


def split_heads(X, h):
    X, h = np.asarray(X), check.integer("h", h)
    if X.ndim != 3 or X.shape[-1] % h:
        raise ValueError(f"X must be (B, T, d) with d divisible by h = {h}, got shape {X.shape}")
    B, T, d = X.shape
    return X.reshape(B, T, h, d // h).transpose(0, 2, 1, 3)  # (B, T, d) -> (B, h, T, dk)


def merge_heads(X):
    X = np.asarray(X)
    if X.ndim != 4:
        raise ValueError(f"X must be (B, h, T, dk), got shape {X.shape}")
    B, h, T, dk = X.shape
    return X.transpose(0, 2, 1, 3).reshape(B, T, h * dk)  # (B, h, T, dk) -> (B, T, d)


def mha_forward(X, Wq, Wk, Wv, Wo, heads: int, mask=None, *, replace=None):
    """Multi-head self-attention of X (B, T, d): project, split into heads, attend, concatenate, project.

    replace = {head: array (T, dk) or (B, T, dk), or a number}: that head's output (its weighted
    mix of values, before W_O) is replaced by the given one, e.g. 0 (zero ablation) or its mean
    over a batch (mean ablation). The backward pass then treats it as the constant it is."""
    X, heads = check.array("X", X, ndim=3, dtype=None), check.integer("heads", heads)
    d = X.shape[-1]
    if d % heads:
        raise ValueError(f"d_model = {d} is not divisible by heads = {heads}")
    for name, W in (("Wq", Wq), ("Wk", Wk), ("Wv", Wv), ("Wo", Wo)):
        check.array(name, W, shape=(d, d), dtype=None)
    T = X.shape[-2]
    if mask is not None and np.shape(mask) != (T, T):
        raise ValueError(f"mask must have shape ({T}, {T}), got {np.shape(mask)}")
    return _mha(X, Wq, Wk, Wv, Wo, heads, mask, _check_replace(replace, heads, X.shape[:2] + (d // heads,)))


def _mha(X, Wq, Wk, Wv, Wo, heads, mask, replace):
    """mha_forward without the checks (replace: a checked dict)."""
    Q, K, V = (split_heads(X @ W, heads) for W in (Wq, Wk, Wv))  # each (B, h, T, dk), views
    O, A = _attend(Q, K, V, mask)  # every head at once: one batched matmul each way
    for h, value in replace.items():
        O[:, h] = value  # (T, dk) or (B, T, dk), broadcast over the batch
    C = merge_heads(O)  # (B, T, d)
    return C @ Wo, (X, Q, K, V, A, C, tuple(replace))


def _check_replace(replace, heads: int, shape: tuple) -> dict:
    """replace as {head: float array broadcastable to shape (B, T, dk)}."""
    if replace is None:
        return {}
    if not isinstance(replace, dict):
        raise TypeError(f"replace must be a dict {{head: output}}, got {type(replace).__name__}")
    out = {}
    for h, value in replace.items():
        h = check.integer("replace's head", h, low=0, high=heads - 1)
        value = check.array(f"replace[{h}]", value, ndim=range(0, 4))
        if value.shape not in ((), shape[1:], shape):
            raise ValueError(f"replace[{h}] must be a number or an array of shape {shape[1:]} or "
                             f"{shape}, got {value.shape}")
        out[h] = value
    return out


def _summed_outer(A, B):
    """sum over b, t of A[b, t]ᵀ B[b, t]: one matrix product (BLAS), where einsum loops in C."""
    return A.reshape(-1, A.shape[-1]).T @ B.reshape(-1, B.shape[-1])  # (BT, m)ᵀ @ (BT, n) -> (m, n)


def mha_backward(dY, cache, Wq, Wk, Wv, Wo):
    if not (isinstance(cache, tuple) and len(cache) == 7):
        raise TypeError("cache must be the cache mha_forward returned")
    dY = check.array("dY", dY, shape=cache[0].shape, dtype=None)
    for name, W in (("Wq", Wq), ("Wk", Wk), ("Wv", Wv), ("Wo", Wo)):
        check.array(name, W, shape=(cache[0].shape[-1],) * 2, dtype=None)
    return _mha_back(dY, cache, Wq, Wk, Wv, Wo)


def _mha_back(dY, cache, Wq, Wk, Wv, Wo):
    X, Q, K, V, A, C, replaced = cache
    dk = Q.shape[-1]
    dWo = _summed_outer(C, dY)
    dO = split_heads(dY @ Wo.T, Q.shape[1])  # (B, h, T, dk)
    if replaced:
        dO[:, list(replaced)] = 0.0  # a replaced head's output is a constant: nothing flows back into it
    dA = dO @ np.swapaxes(V, -1, -2)
    dV = np.swapaxes(A, -1, -2) @ dO
    dS = A * (dA - (dA * A).sum(axis=-1, keepdims=True)) / np.sqrt(dk)  # softmax backward, then the 1/√dk
    dQ, dK = dS @ K, np.swapaxes(dS, -1, -2) @ Q
    grads, dX = {}, 0
    for name, W, dH in (("Wq", Wq, dQ), ("Wk", Wk, dK), ("Wv", Wv, dV)):
        dP = merge_heads(dH)  # (B, T, d)
        grads[name] = _summed_outer(X, dP)
        dX = dX + dP @ W.T
    grads["Wo"] = dWo
    return dX, grads


def layer_norm_forward(X, g, b):
    """(X - mean) / sqrt(var + eps) * g + b over the last axis."""
    X = check.array("X", X, ndim=range(1, 64), dtype=None)
    g, b = check.array("g", g, shape=X.shape[-1:], dtype=None), check.array("b", b, shape=X.shape[-1:], dtype=None)
    return _layer_norm(X, g, b)


def _layer_norm(X, g, b):
    mu = X.mean(axis=-1, keepdims=True)
    var = X.var(axis=-1, keepdims=True)
    inv = 1.0 / np.sqrt(var + EPS)
    Xhat = (X - mu) * inv
    return Xhat * g + b, (Xhat, inv, g)


def layer_norm_backward(dY, cache):
    if not (isinstance(cache, tuple) and len(cache) == 3):
        raise TypeError("cache must be the cache layer_norm_forward returned")
    return _layer_norm_back(check.array("dY", dY, shape=cache[0].shape, dtype=None), cache)


def _layer_norm_back(dY, cache):
    Xhat, inv, g = cache
    dXhat = dY * g
    d = Xhat.shape[-1]
    dX = inv / d * (d * dXhat - dXhat.sum(-1, keepdims=True) - Xhat * (dXhat * Xhat).sum(-1, keepdims=True))
    axes = tuple(range(dY.ndim - 1))
    return dX, (dY * Xhat).sum(axis=axes), dY.sum(axis=axes)


def block_forward(X, p: dict, heads: int, mask=None, *, replace=None):
    """One pre-norm transformer block: H = X + MHA(LN1(X)); Y = H + FFN(LN2(H)), FFN = ReLU(.W1 + b1)W2 + b2.
    replace: heads' outputs to replace, as in mha_forward."""
    X, p, heads = check.array("X", X, ndim=3, dtype=None), _check_block(p), check.integer("heads", heads)
    _check_block_shapes(p, X.shape[-1])
    if X.shape[-1] % heads:
        raise ValueError(f"d_model = {X.shape[-1]} is not divisible by heads = {heads}")
    T = X.shape[-2]
    if mask is not None and np.shape(mask) != (T, T):
        raise ValueError(f"mask must have shape ({T}, {T}), got {np.shape(mask)}")
    return _block_fwd(X, p, heads, mask, _check_replace(replace, heads, X.shape[:2] + (X.shape[-1] // heads,)))


def _block_fwd(X, p, heads, mask, replace):
    """block_forward without the checks (replace: a checked dict)."""
    N1, ln1 = _layer_norm(X, p["g1"], p["b1n"])
    M, mha = _mha(N1, p["Wq"], p["Wk"], p["Wv"], p["Wo"], heads, mask, replace)
    H = X + M
    N2, ln2 = _layer_norm(H, p["g2"], p["b2n"])
    Z = N2 @ p["W1"] + p["c1"]  # (B, T, d) @ (d, f) -> (B, T, f)
    R = np.maximum(Z, 0)
    Y = H + R @ p["W2"] + p["c2"]
    return Y, (ln1, mha, ln2, N2, Z, R)


def block_backward(dY, cache, p: dict):
    if not (isinstance(cache, tuple) and len(cache) == 6):
        raise TypeError("cache must be the cache block_forward returned")
    dY, p = check.array("dY", dY, shape=cache[1][0].shape, dtype=None), _check_block(p)
    _check_block_shapes(p, dY.shape[-1])
    return _block_bwd(dY, cache, p)


def _block_bwd(dY, cache, p):
    ln1, mha, ln2, N2, Z, R = cache
    g = {"W2": _summed_outer(R, dY), "c2": dY.sum(axis=(0, 1))}
    dZ = (dY @ p["W2"].T) * (Z > 0)
    g["W1"], g["c1"] = _summed_outer(N2, dZ), dZ.sum(axis=(0, 1))
    dH_ln, g["g2"], g["b2n"] = _layer_norm_back(dZ @ p["W1"].T, ln2)
    dH = dY + dH_ln
    dN1, mha_grads = _mha_back(dH, mha, p["Wq"], p["Wk"], p["Wv"], p["Wo"])
    g.update(mha_grads)
    dX_ln, g["g1"], g["b1n"] = _layer_norm_back(dN1, ln1)
    return dH + dX_ln, g


def init_block(d: int, ffn: int, rng: np.random.Generator) -> dict:
    """Random block parameters: weights ~ N(0, 1/fan_in), layer-norm gains 1, biases 0."""
    d, ffn, rng = check.integer("d", d), check.integer("ffn", ffn), check.generator("rng", rng)
    check.fits("d and ffn", (d, ffn), 8 * (4 * d * d + 2 * d * ffn))
    w = lambda m, n: rng.normal(0, 1 / np.sqrt(m), (m, n))
    return {"g1": np.ones(d), "b1n": np.zeros(d), "Wq": w(d, d), "Wk": w(d, d), "Wv": w(d, d), "Wo": w(d, d),
            "g2": np.ones(d), "b2n": np.zeros(d), "W1": w(d, ffn), "c1": np.zeros(ffn), "W2": w(ffn, d),
            "c2": np.zeros(d)}


BLOCK = ("g1", "b1n", "Wq", "Wk", "Wv", "Wo", "g2", "b2n", "W1", "c1", "W2", "c2")


def _check_block_shapes(p: dict, d: int, prefix: str = "") -> None:
    """Refuse block parameters (a dict with every name of BLOCK) that are not finite arrays of the
    shapes a block of width d needs (the feed-forward width is W1's); messages name p['<prefix>name']."""
    f = check.array(f"p['{prefix}W1']", p["W1"], ndim=2, dtype=None).shape[-1]
    shapes = {"g1": (d,), "b1n": (d,), "Wq": (d, d), "Wk": (d, d), "Wv": (d, d), "Wo": (d, d), "g2": (d,),
              "b2n": (d,), "W1": (d, f), "c1": (f,), "W2": (f, d), "c2": (d,)}
    for name, shape in shapes.items():
        check.array(f"p['{prefix}{name}']", p[name], shape=shape, dtype=None)


def _check_block(p) -> dict:
    if not isinstance(p, dict):
        raise TypeError(f"p must be a dict of block parameters (init_block), got {type(p).__name__}")
    missing = [k for k in BLOCK if k not in p]
    if missing:
        raise ValueError(f"p is missing the block parameters {missing}")
    return p
