"""Inverted dropout: expectation kept, keep-rate binomial, gradients with a fixed mask."""
import numpy as np
import pytest
from scipy.stats import binomtest

from lib import mlp
from gradcheck import numerical_gradient
from lib.dropout import dropout, dropout_masks, mask, mc_predict


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_expectation_is_kept(p):
    rng = np.random.default_rng(0)
    x = rng.uniform(0.5, 2.0, size=50)
    M = 20_000
    mean = np.mean([dropout(x, p, rng) for _ in range(M)], axis=0)
    # each sample is x·m with m = 0 or 1/(1-p): mean x, variance x² p/(1-p); allow 5 standard errors
    bound = 5 * x * np.sqrt(p / (1 - p) / M)
    assert np.all(np.abs(mean - x) < bound)


def test_p_zero_is_the_identity_and_test_time_drops_nothing():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(4, 7))
    assert np.array_equal(dropout(x, 0.0, rng), x)
    assert np.array_equal(dropout(x, 0.9, rng, training=False), x)


@pytest.mark.parametrize("p", [0.2, 0.5])
def test_keep_rate_is_binomial(p):
    m = mask(100_000, p, np.random.default_rng(2))
    kept = int((m > 0).sum())
    assert binomtest(kept, 100_000, 1 - p).pvalue > 1e-3  # consistent with Binomial(n, 1 - p)
    assert np.all((m == 0) | np.isclose(m, 1 / (1 - p)))


def test_gradients_with_a_fixed_mask_match_finite_differences():
    rng = np.random.default_rng(3)
    net = mlp.init_mlp((5, 6, 4, 3), rng, hidden="tanh", output="softmax")
    X, y = rng.normal(size=(8, 5)), rng.integers(0, 3, 8)
    masks = dropout_masks(net, 8, 0.4, rng)
    _, dW, db = mlp.loss_and_gradients(net, X, y, masks)
    loss = lambda: mlp.loss_and_gradients(net, X, y, masks)[0]
    for analytic, array in zip(dW + db, net.W + net.b):
        assert np.allclose(analytic, numerical_gradient(loss, array), atol=1e-7)


def test_mc_dropout_with_p_zero_equals_the_network():
    rng = np.random.default_rng(4)
    net = mlp.init_mlp((3, 5, 2), rng, output="softmax")
    X = rng.normal(size=(6, 3))
    assert np.allclose(mc_predict(net, X, 0.0, rng, samples=3), mlp.predict(net, X))


@pytest.mark.parametrize("call, words", [
    (lambda: mask(5, 1.0, np.random.default_rng()), r"\[0, 1\)"),
    (lambda: mask(5, -0.1, np.random.default_rng()), r"\[0, 1\)"),
    (lambda: dropout(np.ones(3), 1.5, np.random.default_rng()), "p must be"),
    (lambda: mc_predict(mlp.init_mlp((2, 2, 1), np.random.default_rng()), np.ones((1, 2)), 0.5,
                        np.random.default_rng(), samples=0), "samples"),
    (lambda: mlp.forward(mlp.init_mlp((2, 3, 1), np.random.default_rng()), np.ones((4, 2)),
                         [np.ones((4, 5))]), "shape"),
    (lambda: mlp.forward(mlp.init_mlp((2, 3, 1), np.random.default_rng()), np.ones((4, 2)), []),
     "one array per hidden layer"),
    (lambda: mlp.init_mlp((784, 32, 0, 4), np.random.default_rng()), "sizes"),
    (lambda: __import__("lib.dropout").dropout.geometric_mean(np.array([[[1.0, 0.0]], [[0.0, 1.0]]])),
     "every class a zero"),
    (lambda: __import__("lib.dropout").dropout.geometric_mean(np.ones((2, 3)), axis=1), "sample axis"),
])
def test_bad_input_is_refused_clearly(call, words):
    with pytest.raises(ValueError, match=words):
        call()


def test_dropconnect_drops_weights_not_units_and_keeps_the_expectation():
    from lib.dropout import dropconnect_mask
    rng = np.random.default_rng(9)
    W = rng.normal(size=(30, 20))
    M = dropconnect_mask(W, 0.5, rng)
    assert M.shape == W.shape and set(np.unique(M)) == {0.0, 2.0}
    # dropout would empty whole rows (a unit's outgoing weights); DropConnect almost never does
    assert not np.any(np.all(M == 0, axis=1)) and not np.any(np.all(M == 0, axis=0))
    mean = np.mean([W * dropconnect_mask(W, 0.3, rng) for _ in range(4000)], axis=0)
    assert np.allclose(mean, W, atol=5 * np.abs(W).max() * np.sqrt(0.3 / 0.7 / 4000))


def test_the_full_network_is_the_geometric_mean_of_every_thinned_network_of_a_softmax_layer():
    """Hinton et al. (2012): with dropout only on the inputs of one softmax layer, the weight-scaled
    (here: inverted-dropout, unscaled) network equals the normalised geometric mean over all 2^d
    masks, each weighted by its probability. Checked by enumerating all 2^6 masks."""
    import itertools

    from lib.dropout import geometric_mean

    rng = np.random.default_rng(5)
    net = mlp.init_mlp((6, 3), rng, output="softmax", scale=2.0)  # one softmax layer
    X, p = rng.normal(size=(4, 6)), 0.4
    log_mean = 0.0
    for keep in itertools.product([0, 1], repeat=6):
        k = np.array(keep)
        weight = np.prod(np.where(k, 1 - p, p))
        log_mean = log_mean + weight * np.log(mlp.predict(net, X * k / (1 - p)))
    G = np.exp(log_mean) / np.exp(log_mean).sum(axis=1, keepdims=True)
    assert np.allclose(G, mlp.predict(net, X), atol=1e-12)
    # the arithmetic mean over the same masks is not the full network
    A = sum(np.prod(np.where(np.array(k), 1 - p, p)) * mlp.predict(net, X * np.array(k) / (1 - p))
            for k in itertools.product([0, 1], repeat=6))
    assert not np.allclose(A, mlp.predict(net, X), atol=1e-3)
    # geometric_mean of equally weighted samples, by hand
    P = rng.dirichlet(np.ones(3), size=(5, 2))  # (samples, n, classes)
    by_hand = np.exp(np.log(P).mean(0))
    assert np.allclose(geometric_mean(P), by_hand / by_hand.sum(-1, keepdims=True))


def test_thinned_predictions_draw_their_masks_as_written():
    from lib.dropout import thinned_predictions

    net = mlp.init_mlp((5, 7, 3), np.random.default_rng(6), hidden="relu", output="softmax")
    X = np.random.default_rng(7).normal(size=(4, 5))
    got = thinned_predictions(net, X, 0.5, np.random.default_rng(8), samples=3, p_input=0.2)
    rng = np.random.default_rng(8)
    for s in range(3):  # input mask first, then the hidden mask, sample by sample
        seen = X * mask(X.shape, 0.2, rng)
        assert np.allclose(got[s], mlp.forward(net, seen, [mask((4, 7), 0.5, rng)])[-1])
    again = mc_predict(net, X, 0.5, np.random.default_rng(8), samples=3, p_input=0.2)
    assert np.allclose(again, got.mean(0))


def test_the_standard_error_of_the_geometric_mean_matches_its_spread_over_repeats():
    """The delta-method standard error against the spread of the estimate itself: 2,000 repeats,
    each the geometric mean of M = 100 fresh samples of noisy softmax outputs."""
    from scipy.special import softmax

    from lib.dropout import geometric_mean, geometric_mean_se

    rng = np.random.default_rng(10)
    mu = np.array([[2.0, 0.0, -1.0], [0.5, 0.4, 0.0]])  # two examples, three classes
    scale = np.array([[1.0, 0.3, 0.6], [0.2, 0.8, 0.5]])
    draw = lambda M: softmax(mu + scale * rng.normal(size=(M, 2, 3)), axis=-1)  # (M, 2, 3)
    repeats = np.array([geometric_mean(draw(100)) for _ in range(2000)])
    spread = repeats.std(axis=0)  # (2, 3): the estimate's real standard error
    se = np.mean([geometric_mean_se(draw(100)) for _ in range(200)], axis=0)
    assert np.allclose(se, spread, rtol=0.1)
    # along another axis: the same numbers
    P = draw(50)
    assert np.allclose(geometric_mean_se(np.moveaxis(P, 0, 1), axis=1), geometric_mean_se(P))
    with pytest.raises(ValueError, match="zero probability"):
        geometric_mean_se(np.array([[[1.0, 0.0]], [[0.5, 0.5]]]))
    with pytest.raises(ValueError, match="axis"):
        geometric_mean_se(P, axis=2)


@pytest.mark.parametrize("p, k", [(0.5, 4), (0.3, 2)])
def test_dropconnect_silences_a_unit_with_probability_p_to_the_k(p, k):
    """A unit with k outgoing weights is silenced when all k are cut: probability p**k; with 10
    units, none is silenced with probability (1 - p**k)**10."""
    from lib.dropout import dropconnect_mask

    rng = np.random.default_rng(11)
    draws = np.array([(dropconnect_mask(np.ones((10, k)), p, rng) == 0).all(axis=1) for _ in range(20_000)])
    assert binomtest(int(draws.sum()), draws.size, p**k).pvalue > 1e-3
    none = int((~draws.any(axis=1)).sum())
    assert binomtest(none, len(draws), (1 - p**k) ** 10).pvalue > 1e-3


@pytest.mark.parametrize("p", [0.0, 0.3, 0.5])
def test_masked_moments_are_the_exact_moments_over_every_mask(p):
    # enumerate all 2^5 masks of 5 inputs, each weighted by its probability
    from itertools import product

    from lib.dropout import masked_moments
    rng = np.random.default_rng(5)
    a, W = rng.normal(size=(3, 5)), rng.normal(size=(5, 2))
    outs, weights = [], []
    for keep in product([0, 1], repeat=5):
        keep = np.array(keep)
        outs.append((a * keep / (1 - p)) @ W)
        weights.append(np.prod(np.where(keep, 1 - p, p)))
    outs, weights = np.array(outs), np.array(weights)  # (32, 3, 2), (32,)
    mean = np.einsum("m,mij->ij", weights, outs)
    var = np.einsum("m,mij->ij", weights, (outs - mean) ** 2)
    got_mean, got_var = masked_moments(a, W, p)
    assert np.allclose(got_mean, mean) and np.allclose(got_var, var)
    assert np.allclose(masked_moments(a[0], W, p)[1], var[0])  # one example, (d_in,)


def test_masked_moments_match_sampled_masks_and_dropconnect_has_the_same_variance():
    from lib.dropout import dropconnect_mask, masked_moments
    rng = np.random.default_rng(6)
    a, W, p = rng.uniform(0, 2, 8), rng.normal(size=(8, 3)), 0.4
    M = mask((20_000, 8), p, rng)
    out = (a * M) @ W  # dropout: one entry per input
    connect = np.array([a @ (W * dropconnect_mask(W, p, rng)) for _ in range(20_000)])
    mean, var = masked_moments(a, W, p)
    for sample in (out, connect):
        assert np.allclose(sample.mean(axis=0), mean, atol=5 * np.sqrt(var / 20_000).max())
        assert np.allclose(sample.var(axis=0), var, rtol=0.05)
    # ... but dropout's outputs covary (they share each input's mask), DropConnect's do not
    cov = p / (1 - p) * (a**2 * W[:, 0] * W[:, 1]).sum()
    assert np.cov(out[:, 0], out[:, 1])[0, 1] == pytest.approx(cov, rel=0.1)
    assert abs(np.corrcoef(connect[:, 0], connect[:, 1])[0, 1]) < 0.03
