"""Attention and the transformer block against direct formulas, SciPy and finite differences."""
import numpy as np
import pytest
import scipy.special
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.attention import (
    attention, block_backward, block_forward, causal_mask, init_block, layer_norm_forward, mha_forward,
    sinusoidal, softmax_rows,
)
from lib.transformer import Config, embed, forward, init_model, loss_and_gradients, predict, reversal_batch, train


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 6), st.integers(1, 6), st.booleans())
def test_attention_rows_sum_to_one_and_masked_weights_are_zero(seed, T, dk, causal):
    rng = np.random.default_rng(seed)
    Q, K, V = (rng.normal(size=(2, T, dk)) * 5 for _ in range(3))
    mask = causal_mask(T) if causal else None
    out, A = attention(Q, K, V, mask)
    assert np.allclose(A.sum(axis=-1), 1)
    if causal:
        assert np.all(A[:, ~mask] == 0.0)  # exactly zero, not merely small
    assert np.allclose(out, A @ V)


def test_attention_by_direct_formula_and_scipy_softmax():
    rng = np.random.default_rng(0)
    Q, K, V = rng.normal(size=(4, 3)), rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    A = scipy.special.softmax(Q @ K.T / np.sqrt(3), axis=1)
    out, weights = attention(Q, K, V)
    assert np.allclose(weights, A) and np.allclose(out, A @ V)
    S = rng.normal(size=(3, 7)) * 300
    assert np.allclose(softmax_rows(S), scipy.special.softmax(S, axis=1))


def test_one_head_with_identity_projections_is_plain_attention():
    rng = np.random.default_rng(1)
    X, I = rng.normal(size=(2, 5, 4)), np.eye(4)
    out, _ = mha_forward(X, I, I, I, I, heads=1)
    assert np.allclose(out, attention(X, X, X)[0])


def test_layer_norm_by_direct_formula():
    rng = np.random.default_rng(2)
    X, g, b = rng.normal(size=(3, 4, 6)) * 4 + 2, rng.normal(size=6), rng.normal(size=6)
    Y, _ = layer_norm_forward(X, g, b)
    direct = (X - X.mean(-1, keepdims=True)) / np.sqrt(X.var(-1, keepdims=True) + 1e-5) * g + b
    assert np.allclose(Y, direct)


def test_sinusoidal_by_hand():
    P = sinusoidal(3, 4)  # frequencies 1 and 1/100
    assert np.allclose(P[2], [np.sin(2), np.cos(2), np.sin(0.02), np.cos(0.02)])


def test_permutation_equivariance_without_positions_and_its_failure_with_them():
    rng = np.random.default_rng(3)
    block = init_block(8, 16, rng)
    X = rng.normal(size=(1, 6, 8))
    perm = rng.permutation(6)
    Y, _ = block_forward(X, block, heads=2)
    Y_perm, _ = block_forward(X[:, perm], block, heads=2)
    assert np.allclose(Y_perm, Y[:, perm])  # permute the input: the output permutes the same way
    cfg = Config(vocab=10, d=8, heads=2, ffn=16, max_len=6)
    p = init_model(cfg, rng)
    tokens = rng.permutation(10)[:6][None]  # six different tokens
    with_pos = predict(p, cfg, tokens)
    assert not np.allclose(predict(p, cfg, tokens[:, perm]), with_pos[:, perm])


def relative_error(a, b):
    return np.abs(a - b).max() / max(np.abs(a).max(), np.abs(b).max(), 1e-12)


@pytest.mark.parametrize("causal", [False, True])
def test_block_gradients_match_finite_differences(causal):
    rng = np.random.default_rng(4)
    p = init_block(6, 10, rng)
    p = {k: v + rng.normal(0, 0.3, v.shape) for k, v in p.items()}  # move off the symmetric start
    X, R = rng.normal(size=(2, 4, 6)), rng.normal(size=(2, 4, 6))
    mask = causal_mask(4) if causal else None
    f = lambda p, X: np.sum(R * block_forward(X, p, 2, mask)[0])  # a scalar of the block's output
    dX, grads = block_backward(R, block_forward(X, p, 2, mask)[1], p)
    assert_matches_finite_differences(f, p, X, dX, grads)


def test_model_gradients_match_finite_differences():
    rng = np.random.default_rng(5)
    cfg = Config(vocab=5, d=4, heads=2, ffn=6, layers=2, max_len=5, causal=True)
    p = init_model(cfg, rng)
    tokens, targets = rng.integers(0, 5, (2, 5)), rng.integers(0, 5, (2, 5))
    targets[0, 1] = -1  # ignored
    _, grads = loss_and_gradients(p, cfg, tokens, targets)
    h = 1e-6
    for name in p:  # every parameter: the chapter says every gradient is checked
        fd = np.zeros_like(p[name])
        for idx in np.ndindex(p[name].shape):
            up, down = p[name].copy(), p[name].copy()
            up[idx] += h
            down[idx] -= h
            fd[idx] = (loss_and_gradients({**p, name: up}, cfg, tokens, targets)[0]
                       - loss_and_gradients({**p, name: down}, cfg, tokens, targets)[0]) / (2 * h)
        assert relative_error(grads[name], fd) < 1e-5, name


def test_the_tiny_model_learns_to_reverse():
    cfg = Config(vocab=10, d=32, heads=4, ffn=64, max_len=8)
    p, losses = train(init_model(cfg, np.random.default_rng(0)), cfg, lambda r: reversal_batch(r, 64, 8),
                      np.random.default_rng(1), steps=600)
    tokens, targets = reversal_batch(np.random.default_rng(99), 500, 8)  # held out: a different stream
    accuracy = (predict(p, cfg, tokens).argmax(-1) == targets).mean()
    assert accuracy >= 0.95 and losses[-1] < losses[0] / 10


@pytest.mark.parametrize("call, words", [
    (lambda: Config(vocab=10, d=30, heads=4), "not divisible by heads"),
    (lambda: attention(np.ones((3, 2)), np.ones((3, 2)), np.ones((3, 2)), mask=np.ones((2, 3), bool)), "mask must have shape"),
    (lambda: embed(init_model(Config(vocab=5, max_len=4), np.random.default_rng()), Config(vocab=5, max_len=4),
                   np.zeros((1, 6), int)), "longer than the positional table"),
    (lambda: attention(np.full((2, 2), np.nan), np.ones((2, 2)), np.ones((2, 2))), "finite"),
    (lambda: mha_forward(np.ones((1, 2, 6)), *(np.eye(6),) * 4, heads=4), "not divisible"),
    (lambda: embed(init_model(Config(vocab=5), np.random.default_rng()), Config(vocab=5), np.array([[7]])), "tokens must lie"),
    (lambda: sinusoidal(4, 5), "even"),
])
def test_bad_input_is_refused_clearly(call, words):
    with pytest.raises(ValueError, match=words):
        call()


@pytest.mark.parametrize("causal", [False, True])
def test_all_heads_at_once_equal_one_head_at_a_time(causal):
    """The vectorised path against the plain one: a loop over heads, each with its own slice."""
    rng = np.random.default_rng(21)
    B, T, d, heads = 3, 7, 12, 4
    X = rng.normal(size=(B, T, d))
    Wq, Wk, Wv, Wo = (rng.normal(0, d**-0.5, (d, d)) for _ in range(4))
    mask = causal_mask(T) if causal else None
    dk = d // heads
    outs = []
    for h in range(heads):
        cols = slice(h * dk, (h + 1) * dk)
        S = (X @ Wq[:, cols]) @ (X @ Wk[:, cols]).swapaxes(-1, -2) / np.sqrt(dk)
        if causal:
            S = np.where(mask, S, -np.inf)
        A = np.exp(S - S.max(-1, keepdims=True))
        outs.append(A / A.sum(-1, keepdims=True) @ (X @ Wv[:, cols]))
    expected = np.concatenate(outs, axis=-1) @ Wo
    assert np.allclose(mha_forward(X, Wq, Wk, Wv, Wo, heads, mask)[0], expected)


def test_softmax_in_place_equals_a_fresh_softmax():
    from lib.attention import softmax_rows
    rng = np.random.default_rng(22)
    S, mask = rng.normal(size=(2, 5, 5)) * 30, causal_mask(5)
    fresh = softmax_rows(S, mask)
    scratch = S.copy()
    assert softmax_rows(scratch, mask, out=scratch) is scratch
    assert np.array_equal(scratch, fresh) and not np.array_equal(S, fresh)  # S itself untouched
    assert np.allclose(fresh.sum(-1), 1) and np.all(fresh[..., ~mask] == 0)


def test_a_removed_head_is_missing_from_the_concatenation_and_nothing_else_changes():
    """without_heads against a block written out by hand with that head's output left at zero."""
    from lib.transformer import forward, without_heads

    rng = np.random.default_rng(23)
    cfg = Config(vocab=7, d=12, heads=3, ffn=8, layers=2, max_len=6, causal=True)
    p = init_model(cfg, rng)
    tokens = rng.integers(0, 7, (2, 6))
    q = without_heads(p, cfg, [(1, 2)])
    assert set(q) == set(p) and all(np.array_equal(q[k], p[k]) for k in p if k != "L1.Wo")
    # layer 2 by hand: attention per head, head 3 replaced by zeros, concatenated, projected
    X = embed(p, cfg, tokens)
    X, _ = block_forward(X, {k[3:]: v for k, v in p.items() if k.startswith("L0.")}, 3, causal_mask(6))
    b = {k[3:]: v for k, v in p.items() if k.startswith("L1.")}
    N1, _ = layer_norm_forward(X, b["g1"], b["b1n"])
    outs = []
    for h in range(3):
        cols = slice(4 * h, 4 * h + 4)
        O, _ = attention(N1 @ b["Wq"][:, cols], N1 @ b["Wk"][:, cols], N1 @ b["Wv"][:, cols], causal_mask(6))
        outs.append(O if h < 2 else np.zeros_like(O))
    H = X + np.concatenate(outs, -1) @ b["Wo"]
    N2, _ = layer_norm_forward(H, b["g2"], b["b2n"])
    Y = H + np.maximum(N2 @ b["W1"] + b["c1"], 0) @ b["W2"] + b["c2"]
    N, _ = layer_norm_forward(Y, p["gf"], p["bf"])
    assert np.allclose(forward(q, cfg, tokens)[0], N @ p["W_out"] + p["b_out"])
    assert not np.allclose(forward(p, cfg, tokens)[0], N @ p["W_out"] + p["b_out"])
    with pytest.raises(ValueError, match="layer"):
        without_heads(p, cfg, [(2, 0)])


def test_softmax_jacobian_matches_finite_differences():
    from lib.attention import softmax_jacobian

    rng = np.random.default_rng(24)
    s, h = rng.normal(size=5) * 2, 1e-6
    J = softmax_jacobian(softmax_rows(s))
    fd = np.column_stack([(softmax_rows(s + h * e) - softmax_rows(s - h * e)) / (2 * h) for e in np.eye(5)])
    assert np.allclose(J, fd, atol=1e-8)
    one_hot = softmax_jacobian(np.array([0.0, 1.0, 0.0]))
    assert np.array_equal(one_hot, np.zeros((3, 3)))  # a saturated softmax passes no gradient


def _small_model(seed=25, causal=True):
    cfg = Config(vocab=7, d=12, heads=3, ffn=8, layers=2, max_len=6, causal=causal)
    rng = np.random.default_rng(seed)
    return cfg, init_model(cfg, rng), rng.integers(0, 7, (4, 6))


def test_head_outputs_are_each_heads_attention_by_hand():
    """head_outputs against plain attention() on the layer-normalised input, per head."""
    from lib.transformer import head_outputs

    cfg, p, tokens = _small_model()
    b = {k[3:]: v for k, v in p.items() if k.startswith("L0.")}
    N1, _ = layer_norm_forward(embed(p, cfg, tokens), b["g1"], b["b1n"])
    outs = head_outputs(p, cfg, tokens)
    assert [o.shape for o in outs] == [(4, 3, 6, 4)] * 2
    for h in range(3):
        cols = slice(4 * h, 4 * h + 4)
        O, _ = attention(N1 @ b["Wq"][:, cols], N1 @ b["Wk"][:, cols], N1 @ b["Wv"][:, cols], causal_mask(6))
        assert np.allclose(outs[0][:, h], O)


def test_replacing_heads_by_zero_removes_them_and_by_their_own_output_changes_nothing():
    from lib.transformer import forward, head_outputs, without_heads

    cfg, p, tokens = _small_model()
    logits = forward(p, cfg, tokens)[0]
    zero = forward(p, cfg, tokens, replace={(0, 1): 0.0, (1, 2): 0.0})[0]
    assert np.allclose(zero, forward(without_heads(p, cfg, [(0, 1), (1, 2)]), cfg, tokens)[0])
    assert not np.allclose(zero, logits)
    outs = head_outputs(p, cfg, tokens)
    itself = {(l, h): outs[l][:, h] for l in range(2) for h in range(3)}  # (B, T, dk) each
    assert np.allclose(forward(p, cfg, tokens, replace=itself)[0], logits)
    # mean ablation of a batch of one sequence, repeated: the mean is that sequence's own output
    same = np.repeat(tokens[:1], 3, axis=0)
    outs = head_outputs(p, cfg, same)
    mean = {(0, 0): outs[0][:, 0].mean(axis=0), (1, 1): outs[1][:, 1].mean(axis=0)}  # (T, dk)
    assert np.allclose(forward(p, cfg, same, replace=mean)[0], forward(p, cfg, same)[0])


def test_a_mean_ablated_head_writes_the_same_into_every_sequence():
    """One layer: with head 0 replaced by its batch mean, the attention sublayer's output differs
    from the zero-ablated one by the same (T, d) array, mean @ its rows of W_o, in every sequence;
    and forward's logits are this block's output read out."""
    from lib.transformer import forward, head_outputs

    cfg = Config(vocab=7, d=12, heads=3, ffn=8, layers=1, max_len=6, causal=True)
    p = init_model(cfg, np.random.default_rng(26))
    tokens = np.random.default_rng(27).integers(0, 7, (5, 6))
    mean = head_outputs(p, cfg, tokens)[0][:, 0].mean(axis=0)  # (6, 4)
    b = {k[3:]: v for k, v in p.items() if k.startswith("L0.")}
    X = embed(p, cfg, tokens)
    Y_mean, _ = block_forward(X, b, 3, causal_mask(6), replace={0: mean})
    Y_zero, _ = block_forward(X, b, 3, causal_mask(6), replace={0: 0.0})
    N1, _ = layer_norm_forward(X, b["g1"], b["b1n"])
    M_zero = X + mha_forward(N1, b["Wq"], b["Wk"], b["Wv"], b["Wo"], 3, causal_mask(6), replace={0: 0.0})[0]
    M_mean = X + mha_forward(N1, b["Wq"], b["Wk"], b["Wv"], b["Wo"], 3, causal_mask(6), replace={0: mean})[0]
    assert np.allclose(M_mean - M_zero, (mean @ b["Wo"][:4])[None])
    assert not np.allclose(Y_mean, Y_zero)
    logits = forward(p, cfg, tokens, replace={(0, 0): mean})[0]
    N, _ = layer_norm_forward(Y_mean, p["gf"], p["bf"])
    assert np.allclose(logits, N @ p["W_out"] + p["b_out"])


def test_block_gradients_with_a_replaced_head_match_finite_differences():
    """A replaced head's output is a constant: the backward pass must not send gradient into
    its queries, keys and values, and every gradient must still match finite differences."""
    rng = np.random.default_rng(28)
    p = init_block(6, 10, rng)
    p = {k: v + rng.normal(0, 0.3, v.shape) for k, v in p.items()}
    X, R = rng.normal(size=(2, 4, 6)), rng.normal(size=(2, 4, 6))
    replace = {1: rng.normal(size=(4, 3))}  # head 2 of 2: a fixed (T, dk) stand-in
    f = lambda p, X: np.sum(R * block_forward(X, p, 2, causal_mask(4), replace=replace)[0])
    dX, grads = block_backward(R, block_forward(X, p, 2, causal_mask(4), replace=replace)[1], p)
    for name in ("Wq", "Wk", "Wv"):
        assert np.all(grads[name][:, 3:] == 0)  # head 2's columns get nothing
    assert_matches_finite_differences(f, p, X, dX, grads)


@pytest.mark.parametrize("replace, words", [
    ({(2, 0): 0.0}, "replace's layer"), ({(0, 3): 0.0}, "replace's head"), ([(0, 0)], "replace must be a dict"),
    ({(0, 0): np.zeros(3)}, r"replace\[0\] must be"), ({(0, 0): np.nan}, "finite"),
])
def test_bad_replacements_are_refused(replace, words):
    from lib.transformer import forward

    cfg, p, tokens = _small_model()
    with pytest.raises((ValueError, TypeError), match=words):
        forward(p, cfg, tokens, replace=replace)


def test_train_checks_its_batches_and_stops_when_the_loss_is_not_finite():
    """train() checks the parameters once and each batch as it comes; a loss that is not finite
    (here: logits so large that the softmax gives the targets probability 0) stops it by name."""
    cfg, p, tokens = _small_model()
    with pytest.raises(TypeError, match="batch must return"):
        train(p, cfg, lambda r: tokens, np.random.default_rng(0), steps=1)
    with pytest.raises(ValueError, match="tokens must lie"):
        train(p, cfg, lambda r: (tokens + 7, tokens), np.random.default_rng(0), steps=1)
    with pytest.raises(ValueError, match="targets"):
        train(p, cfg, lambda r: (tokens, tokens[:, :3]), np.random.default_rng(0), steps=1)
    with pytest.raises(ValueError, match=r"p\['L1.Wq'\]"):
        train({**p, "L1.Wq": np.full((12, 12), np.nan)}, cfg, lambda r: (tokens, tokens),
              np.random.default_rng(0), steps=1)
    huge = {**p, "W_out": p["W_out"] * 1e200}
    targets = (forward(huge, cfg, tokens)[0].argmax(-1) + 1) % 7  # never the one-hot winner
    with pytest.raises(ValueError, match="diverged at step 0"):
        train(huge, cfg, lambda r: (tokens, targets), np.random.default_rng(0), steps=3)


def test_a_trained_model_is_the_same_through_train_and_through_loss_and_gradients():
    """train's unchecked steps are the checked ones: Adam on loss_and_gradients by hand."""
    from lib.optim import Adam

    cfg, p, tokens = _small_model()
    batches = [(tokens, np.roll(tokens, 1, axis=1)), (tokens[::-1], tokens)]
    trained, losses = train(p, cfg, lambda r: batches[r.integers(2)], np.random.default_rng(3), steps=4)
    rng, names = np.random.default_rng(3), list(p)
    adam, q = Adam([p[k] for k in names], 3e-3), p
    for step in range(4):
        loss, g = loss_and_gradients(q, cfg, *batches[rng.integers(2)])
        assert loss == losses[step]
        q = dict(zip(names, adam.step([q[k] for k in names], [g[k] for k in names])))
    assert all(np.array_equal(q[k], trained[k]) for k in names)


def assert_matches_finite_differences(f, p, X, dX, grads, h=1e-6):
    """Every gradient of the scalar f(p, X), with respect to each parameter of p and to X,
    against central differences, to a relative error of 1e-5."""
    for name in list(p) + ["X"]:
        base = X if name == "X" else p[name]
        fd = np.zeros_like(base)
        for idx in np.ndindex(base.shape):
            up, down = base.copy(), base.copy()
            up[idx] += h
            down[idx] -= h
            if name == "X":
                fd[idx] = (f(p, up) - f(p, down)) / (2 * h)
            else:
                fd[idx] = (f({**p, name: up}, X) - f({**p, name: down}, X)) / (2 * h)
        assert relative_error(dX if name == "X" else grads[name], fd) < 1e-5, name
