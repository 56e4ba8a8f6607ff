"""A tiny transformer: token embedding + sinusoidal positions, a few blocks, a softmax over the vocabulary.

Parameters are one flat dict of arrays ("E", "L0.Wq", ..., "W_out"), so training and gradient
checks treat every array alike. Targets equal to -1 are ignored by the loss.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lib import check
from lib.attention import (
    BLOCK, _block_bwd, _block_fwd, _check_block_shapes, _layer_norm, _layer_norm_back, _summed_outer, causal_mask,
    init_block, sinusoidal, split_heads,
)
from lib.attention import _check_replace as _check_heads_replace
from lib.optim import Adam
from lib.softmax import softmax


@dataclass(frozen=True)
class Config:
    vocab: int
    d: int = 32
    heads: int = 4
    ffn: int = 64
    layers: int = 1
    max_len: int = 16
    causal: bool = False
    positional: bool = True

    def __post_init__(self):
        for name in ("vocab", "d", "heads", "ffn", "layers", "max_len"):
            object.__setattr__(self, name, check.integer(name, getattr(self, name)))
        check.flag("causal", self.causal), check.flag("positional", self.positional)
        check.fits("vocab, d, ffn, layers and max_len", (self.vocab, self.d, self.ffn, self.layers, self.max_len),
                   8 * (2 * self.vocab * self.d + self.layers * (4 * self.d**2 + 2 * self.d * self.ffn) + self.max_len * self.d))
        if self.d % self.heads:
            raise ValueError(f"d_model = {self.d} is not divisible by heads = {self.heads}")
        if self.d % 2:
            raise ValueError(f"d_model must be even for sinusoidal positions, got {self.d}")


def init_model(cfg: Config, rng: np.random.Generator) -> dict:
    """Random parameters for `cfg`."""
    cfg, rng = check.instance("cfg", cfg, Config), check.generator("rng", rng)
    p = {"E": rng.normal(0, 1, (cfg.vocab, cfg.d)), "gf": np.ones(cfg.d), "bf": np.zeros(cfg.d),
         "W_out": rng.normal(0, 1 / np.sqrt(cfg.d), (cfg.d, cfg.vocab)), "b_out": np.zeros(cfg.vocab)}
    for l in range(cfg.layers):
        p.update({f"L{l}.{k}": v for k, v in init_block(cfg.d, cfg.ffn, rng).items()})
    return p


def _block(p: dict, l: int) -> dict:
    prefix = f"L{l}."
    return {k[len(prefix):]: v for k, v in p.items() if k.startswith(prefix)}


def embed(p: dict, cfg: Config, tokens) -> np.ndarray:
    """Token embeddings plus positional encodings, (B, T, d)."""
    _check_params(p, check.instance("cfg", cfg, Config))
    return _embed(p, cfg, _check_tokens(tokens, cfg))


def _embed(p, cfg, tokens):
    X = p["E"][tokens]
    return X + sinusoidal(cfg.max_len, cfg.d)[: tokens.shape[1]] if cfg.positional else X


def _check_tokens(tokens, cfg: Config) -> np.ndarray:
    tokens = np.asarray(tokens)
    if tokens.ndim != 2 or not np.issubdtype(tokens.dtype, np.integer):
        raise ValueError(f"tokens must be a (B, T) integer array, got {tokens.dtype} {tokens.shape}")
    if np.any((tokens < 0) | (tokens >= cfg.vocab)):
        raise ValueError(f"tokens must lie in 0..{cfg.vocab - 1}")
    if tokens.shape[1] > cfg.max_len:
        raise ValueError(f"sequence of length {tokens.shape[1]} is longer than the positional table ({cfg.max_len})")
    return tokens


def forward(p: dict, cfg: Config, tokens, *, replace=None):
    """Logits (B, T, vocab), the cache for backward, and each layer's attention weights (B, h, T, T).

    replace = {(layer, head): output}, counted from 0: that head's output before W_O, (T, dk) or
    (B, T, dk) or a number, replaces the one it computes (0: zero ablation; its mean over a batch,
    from head_outputs: mean ablation)."""
    _check_params(p, check.instance("cfg", cfg, Config))
    tokens = _check_tokens(tokens, cfg)
    return _forward(p, cfg, tokens, _check_replace(replace, cfg, tokens.shape))


def _forward(p, cfg, tokens, replace=None):
    """forward without the checks; replace: one checked {head: output} per layer, or None."""
    X = _embed(p, cfg, tokens)
    mask = causal_mask(X.shape[1]) if cfg.causal else None
    caches = []
    for l in range(cfg.layers):
        X, cache = _block_fwd(X, _block(p, l), cfg.heads, mask, replace[l] if replace else {})
        caches.append(cache)
    N, lnf = _layer_norm(X, p["gf"], p["bf"])
    logits = N @ p["W_out"] + p["b_out"]  # (B, T, d) @ (d, V) -> (B, T, V)
    return logits, (tokens, caches, lnf, N), [c[1][4] for c in caches]


def head_outputs(p: dict, cfg: Config, tokens) -> list[np.ndarray]:
    """Each head's output before W_O (its weighted mix of values), per layer: (B, heads, T, dk)."""
    caches = forward(p, cfg, tokens)[1][1]
    return [split_heads(c[1][5], cfg.heads) for c in caches]  # C (B, T, d) -> (B, h, T, dk)


def _check_replace(replace, cfg: Config, shape: tuple) -> list[dict]:
    """replace as one checked {head: output} per layer, for tokens of shape (B, T)."""
    if replace is None:
        return [{} for _ in range(cfg.layers)]
    if not isinstance(replace, dict):
        raise TypeError(f"replace must be a dict {{(layer, head): output}}, got {type(replace).__name__}")
    keys = [_check_head("replace", key, cfg) for key in replace]
    per_layer = [{h: v for (layer, h), v in zip(keys, replace.values()) if layer == l} for l in range(cfg.layers)]
    return [_check_heads_replace(here, cfg.heads, (*shape, cfg.d // cfg.heads)) for here in per_layer]


def _check_head(name: str, key, cfg: Config):
    """key as (layer, head), both counted from 0 and within cfg."""
    if not (isinstance(key, tuple) and len(key) == 2):
        raise TypeError(f"{name} must name heads as (layer, head) pairs, got {key!r}")
    layer = check.integer(f"{name}'s layer", key[0], low=0, high=cfg.layers - 1)
    head = check.integer(f"{name}'s head", key[1], low=0, high=cfg.heads - 1)
    return layer, head


def loss_and_gradients(p: dict, cfg: Config, tokens, targets):
    """Mean cross-entropy over the positions whose target is not -1, and its gradient for every parameter."""
    _check_params(p, check.instance("cfg", cfg, Config))
    tokens = _check_tokens(tokens, cfg)
    return _loss_and_gradients(p, cfg, tokens, _check_targets(targets, tokens, cfg))


def _check_targets(targets, tokens, cfg: Config) -> np.ndarray:
    targets = check.labels("targets", targets, ndim=2, low=-1, classes=cfg.vocab)  # -1: ignored
    if targets.shape != tokens.shape:
        raise ValueError(f"targets must have the shape of tokens {tokens.shape}, got {targets.shape}")
    if not np.any(targets >= 0):
        raise ValueError("targets must keep at least one position: every one is -1 (ignored), so the mean loss is 0/0")
    return targets


def _loss_and_gradients(p, cfg, tokens, targets):
    logits, (tokens, caches, lnf, N), _ = _forward(p, cfg, tokens)
    keep = targets >= 0
    P = softmax(logits, axis=-1)
    picked = np.where(keep, targets, 0)
    n = keep.sum()
    with np.errstate(divide="ignore"):  # a probability of exactly 0 gives an infinite loss: train() refuses it
        loss = -np.sum(np.log(np.take_along_axis(P, picked[..., None], -1)[..., 0])[keep]) / n
    dlogits = P.copy()
    np.put_along_axis(dlogits, picked[..., None], np.take_along_axis(P, picked[..., None], -1) - 1, -1)
    dlogits *= keep[..., None] / n  # softmax + cross-entropy: (p - onehot) / n, zero where ignored
    g = {"W_out": _summed_outer(N, dlogits), "b_out": dlogits.sum(axis=(0, 1))}
    dX, g["gf"], g["bf"] = _layer_norm_back(dlogits @ p["W_out"].T, lnf)
    for l in range(cfg.layers - 1, -1, -1):
        dX, gb = _block_bwd(dX, caches[l], _block(p, l))
        g.update({f"L{l}.{k}": v for k, v in gb.items()})
    g["E"] = np.zeros_like(p["E"])
    np.add.at(g["E"], tokens, dX)  # each token's embedding collects the gradient of its positions
    return loss, g


def train(p: dict, cfg: Config, batch, rng: np.random.Generator, *, steps: int, lr: float = 3e-3):
    """Adam for `steps` steps on batches from batch(rng) -> (tokens, targets); returns (params, losses)."""
    steps, rng, batch = check.integer("steps", steps), check.generator("rng", rng), check.function("batch", batch)
    _check_params(p, check.instance("cfg", cfg, Config))
    names = list(p)
    adam, losses = Adam([p[k] for k in names], lr), []
    for step in range(steps):  # p is checked once: the steps use Adam's own updates of it
        drawn = batch(rng)
        if not (isinstance(drawn, tuple) and len(drawn) == 2):
            raise TypeError(f"batch must return (tokens, targets), got {type(drawn).__name__}")
        tokens = _check_tokens(drawn[0], cfg)
        loss, g = _loss_and_gradients(p, cfg, tokens, _check_targets(drawn[1], tokens, cfg))
        if not np.isfinite(loss):
            raise ValueError(f"training diverged at step {step}: the loss is {loss}; try a smaller lr than {lr:g}")
        losses.append(loss)
        p = dict(zip(names, adam.step([p[k] for k in names], [g[k] for k in names])))
    return p, np.array(losses)


def predict(p: dict, cfg: Config, tokens) -> np.ndarray:
    """Next-token (causal) or per-position probabilities, (B, T, vocab)."""
    return softmax(forward(p, cfg, tokens)[0], axis=-1)


def reversal_batch(rng: np.random.Generator, size: int = 64, length: int = 8, digits: int = 10):
    """Random digit sequences and their reversals: (tokens, targets), each (size, length)."""
    rng, size, length = check.generator("rng", rng), check.integer("size", size), check.integer("length", length)
    digits = check.integer("digits", digits)
    check.fits("size and length", (size, length), 16 * size * length)
    tokens = rng.integers(0, digits, (size, length))
    return tokens, tokens[:, ::-1].copy()


def without_heads(p: dict, cfg: Config, heads) -> dict:
    """The parameters with the given heads removed, heads = [(layer, head), ...] counted from 0.

    A head's output enters the block only through its dk rows of W_o (the heads are concatenated,
    then projected), so zeroing those rows zeroes its contribution and nothing else: the same as
    forward(..., replace={(layer, head): 0})."""
    _check_params(p, check.instance("cfg", cfg, Config))
    if isinstance(heads, (str, bytes)) or not hasattr(heads, "__iter__"):
        raise TypeError(f"heads must be a list of (layer, head) pairs, got {heads!r}")
    q, dk = dict(p), cfg.d // cfg.heads
    for layer, head in [_check_head("heads", key, cfg) for key in heads]:
        Wo = q[f"L{layer}.Wo"].copy()
        Wo[head * dk:(head + 1) * dk] = 0.0
        q[f"L{layer}.Wo"] = Wo
    return q


def predict_by_layer(p: dict, cfg: Config, tokens) -> list[np.ndarray]:
    """The "logit lens": read the residual stream out through the final norm and W_out after the
    embedding and after each block; a list of cfg.layers + 1 arrays (B, T, vocab)."""
    X = embed(p, cfg, tokens)
    mask = causal_mask(X.shape[1]) if cfg.causal else None
    readouts = []
    for l in range(cfg.layers + 1):
        N, _ = _layer_norm(X, p["gf"], p["bf"])
        readouts.append(softmax(N @ p["W_out"] + p["b_out"], axis=-1))
        if l < cfg.layers:
            X, _ = _block_fwd(X, _block(p, l), cfg.heads, mask, {})
    return readouts


def _check_params(p, cfg: Config) -> dict:
    """p, if it is a dict holding every parameter init_model(cfg) makes, each a finite array of
    the right shape."""
    if not isinstance(p, dict):
        raise TypeError(f"p must be the dict of parameters init_model makes, got {type(p).__name__}")
    for name, shape in (("E", (cfg.vocab, cfg.d)), ("gf", (cfg.d,)), ("bf", (cfg.d,)), ("W_out", (cfg.d, cfg.vocab)),
                        ("b_out", (cfg.vocab,))):
        if name not in p:
            raise ValueError(f"p must hold p['{name}'], an array of shape {shape} for this cfg")
        check.array(f"p['{name}']", p[name], shape=shape, dtype=None)
    for l in range(cfg.layers):
        missing = [f"L{l}.{k}" for k in BLOCK if f"L{l}.{k}" not in p]
        if missing:
            raise ValueError(f"p is missing the parameters {missing} of block {l}")
        _check_block_shapes(_block(p, l), cfg.d, prefix=f"L{l}.")
    return p
