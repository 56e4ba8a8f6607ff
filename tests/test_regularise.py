"""Many networks trained at once: each as if alone, with its own data, dropout and decay."""
import numpy as np
import pytest

from lib import mlp
from lib.optim import Adam
from lib.regularise import Record, early_stopped, per_class, stack_sets, train_stack


def problem(seed=0, n=(12, 7), d=5, k=3):
    rng = np.random.default_rng(seed)
    sets = [(rng.normal(size=(m, d)), rng.integers(0, k, m)) for m in n]
    return sets, rng.normal(size=(40, d)), rng.integers(0, k, 40)


def test_stack_sets_pads_and_counts():
    sets, _, _ = problem()
    X, y, counts = stack_sets(sets)
    assert X.shape == (2, 12, 5) and counts.tolist() == [12, 7]
    assert np.array_equal(X[1, :7], sets[1][0]) and np.all(X[1, 7:] == 0) and np.all(y[1, 7:] == 0)
    with pytest.raises(ValueError, match="same number of columns"):
        stack_sets([(np.zeros((2, 3)), [0, 1]), (np.zeros((2, 4)), [0, 1])])


def test_one_step_is_adam_on_each_networks_own_minibatch_with_decay():
    """Recompute the first step by hand for each network: the batch it drew, Adam, and decay."""
    sets, Xt, yt = problem()
    X, y, counts = stack_sets(sets)
    net = mlp.init_mlp((5, 4, 3), np.random.default_rng(1), hidden="relu", output="softmax", stack=2)
    decay = np.array([0.0, 0.1])
    trained, _ = train_stack(net, X, y, counts, np.random.default_rng(2), steps=1, batch_size=6, lr=0.01,
                             weight_decay=decay, X_test=Xt, y_test=yt, every=1, dtype=np.float64)
    rng = np.random.default_rng(2)  # the same draws as the trainer: the batch first, then the masks
    pick = (rng.random((2, 6)) * counts[:, None]).astype(int)
    for s in range(2):
        alone = mlp.pick(net, s)
        _, dW, db = mlp.loss_and_gradients(alone, X[s, pick[s]], y[s, pick[s]])
        dW = [g + decay[s] * W for g, W in zip(dW, alone.W)]
        expected = Adam(list(alone.W) + list(alone.b), 0.01).step(list(alone.W) + list(alone.b), dW + list(db))
        got = list(mlp.pick(trained, s).W) + list(mlp.pick(trained, s).b)
        assert all(np.allclose(a, b) for a, b in zip(expected, got))
        assert np.all(pick[s] < counts[s])  # never a padded row


def test_padding_is_never_seen_and_dropout_rates_are_per_network():
    sets, Xt, yt = problem(n=(10, 4))
    X, y, counts = stack_sets(sets)
    X[1, 4:] = 1e30  # a padded row, if it were ever trained on, would blow network 1 up
    net = mlp.init_mlp((5, 8, 3), np.random.default_rng(3), hidden="relu", output="softmax", stack=2)
    trained, record = train_stack(net, X, y, counts, np.random.default_rng(4), steps=60, lr=0.05, X_test=Xt, y_test=yt,
                                  p_drop=[0.0, 0.5], p_input=[0.0, 0.2], every=20)
    assert all(np.all(np.isfinite(W)) for W in trained.W)
    assert record.steps.tolist() == [20, 40, 60] and record.train.shape == record.test.shape == (3, 2)
    # with nothing dropped, a tiny set is learned by heart
    assert record.train[-1, 0] == 1.0


def test_a_stack_learns_and_records_snapshots():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(200, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)  # XOR of signs: needs a hidden layer
    Xs, ys, counts = stack_sets([(X[:150], y[:150])] * 3)
    net = mlp.init_mlp((2, 16, 2), np.random.default_rng(6), hidden="relu", output="softmax", stack=3)
    seen = []
    _, record = train_stack(net, Xs, ys, counts, rng, steps=300, lr=0.01, X_test=X[150:], y_test=y[150:],
                            every=100, callback=lambda step, n: seen.append((step, n.W[0].shape)))
    assert [s for s, _ in seen] == [100, 200, 300] and seen[0][1] == (3, 2, 16)
    assert np.all(record.test[-1] > 0.85) and np.all(record.test[-1] > record.test[0] - 0.05)


def test_early_stopping_keeps_the_test_score_of_the_best_validation_checkpoint():
    record = Record(steps=np.array([10, 20, 30]),
                    train=np.zeros((3, 2)),
                    test=np.array([[0.5, 0.6], [0.7, 0.65], [0.6, 0.9]]),
                    val=np.array([[0.4, 0.8], [0.9, 0.8], [0.9, 0.7]]))
    # network 0: best validation first at step 20 (ties keep the earlier); network 1: at step 10
    assert early_stopped(record).tolist() == [0.7, 0.6]
    with pytest.raises(ValueError, match="validation"):
        early_stopped(Record(record.steps, record.train, record.test))


def test_patience_stops_at_the_first_run_of_checks_without_improvement():
    from lib.regularise import stopping_checkpoint

    val = np.array([[0.5, 0.5], [0.6, 0.4], [0.6, 0.4], [0.55, 0.45], [0.9, 0.7]]).copy()
    # network 0: best 0.6 at check 1, then two checks without a better one, then 0.9; network 1:
    # the start stays best for three checks, then 0.7 at check 4
    assert stopping_checkpoint(val, 1).tolist() == [1, 0]
    assert stopping_checkpoint(val, 2).tolist() == [1, 0]
    assert stopping_checkpoint(val, 3).tolist() == [4, 0]
    assert stopping_checkpoint(val, 4).tolist() == [4, 4]
    assert stopping_checkpoint(val).tolist() == [4, 4]  # no patience: the best of the run
    for bad in (0, 1.5):
        with pytest.raises(ValueError, match="patience"):
            stopping_checkpoint(val, bad)


def test_a_stack_trains_without_a_test_set():
    sets, _, _ = problem()
    X, y, counts = stack_sets(sets)
    net = mlp.init_mlp((5, 4, 3), np.random.default_rng(1), hidden="relu", output="softmax", stack=2)
    _, record = train_stack(net, X, y, counts, np.random.default_rng(2), steps=20, every=10)
    assert record.test is None and record.train.shape == (2, 2)
    with pytest.raises(ValueError, match="both"):
        train_stack(net, X, y, counts, np.random.default_rng(2), steps=2, X_test=X[0])


def test_per_class_draws_k_of_each_class():
    y = np.array([0, 1, 2] * 10 + [2] * 5)
    idx = per_class(y, 4, np.random.default_rng(0))
    assert len(idx) == 12 == len(set(idx)) and np.bincount(y[idx]).tolist() == [4, 4, 4]
    with pytest.raises(ValueError, match="only 10"):
        per_class(y, 11, np.random.default_rng(0))


@pytest.mark.parametrize("kwargs, words", [
    (dict(p_drop=1.0), "p_drop"), (dict(weight_decay=-1), "weight_decay"), (dict(steps=0), "steps"),
])
def test_bad_settings_are_named(kwargs, words):
    sets, Xt, yt = problem()
    X, y, counts = stack_sets(sets)
    net = mlp.init_mlp((5, 4, 3), np.random.default_rng(1), hidden="relu", output="softmax", stack=2)
    with pytest.raises(ValueError, match=words):
        train_stack(net, X, y, counts, np.random.default_rng(2), **({"steps": 5} | kwargs), X_test=Xt, y_test=yt)
    with pytest.raises(ValueError, match="stacked"):
        train_stack(mlp.pick(net, 0), X, y, counts, np.random.default_rng(2), steps=1, X_test=Xt, y_test=yt)


def test_masks_drop_at_each_networks_own_rate():
    from scipy.stats import binomtest
    from lib.regularise import _masks
    m = _masks(np.random.default_rng(7), (3, 20_000), np.array([0.0, 0.5, 0.2]), np.float32)
    assert np.all(m[0] == 1)
    for row, p in ((m[1], 0.5), (m[2], 0.2)):
        assert set(np.unique(row)) == {0.0, np.float32(1 / (1 - p))}
        assert binomtest(int((row > 0).sum()), row.size, 1 - p).pvalue > 1e-3


def test_l2_and_its_old_name_weight_decay_train_alike_and_biases_are_exempt():
    sets, Xt, yt = problem()
    X, y, counts = stack_sets(sets)
    net = mlp.init_mlp((5, 4, 3), np.random.default_rng(1), hidden="relu", output="softmax", stack=2)
    run = lambda **kw: train_stack(net, X, y, counts, np.random.default_rng(2), steps=3, batch_size=6, lr=0.01,
                                   every=3, dtype=np.float64, **kw)[0]
    new, old = run(l2=[0.0, 0.5]), run(weight_decay=[0.0, 0.5])
    assert all(np.array_equal(a, b) for a, b in zip(new.W + new.b, old.W + old.b))
    with pytest.raises(ValueError, match="not both"):
        run(l2=0.1, weight_decay=0.1)
    # the penalty is on the weights only: after one step, biases far from zero have moved exactly as
    # without a penalty (their gradient is the loss's alone), while the weights have not
    biased = mlp.MLP(net.W, tuple(np.full_like(b, 3.0) for b in net.b), "relu", "softmax")
    one_step = lambda lam: train_stack(biased, X, y, counts, np.random.default_rng(2), steps=1, batch_size=6,
                                       lr=0.01, every=1, dtype=np.float64, l2=lam)[0]
    a, b = one_step(0.0), one_step(10.0)
    assert all(np.array_equal(p, q) for p, q in zip(a.b, b.b))
    assert not any(np.allclose(p, q) for p, q in zip(a.W, b.W))


def test_one_test_set_per_network_scores_each_on_its_own():
    sets, Xt, yt = problem()
    X, y, counts = stack_sets(sets)
    net = mlp.init_mlp((5, 4, 3), np.random.default_rng(1), hidden="relu", output="softmax", stack=2)
    own_X, own_y = np.stack([Xt[:20], Xt[20:]]), np.stack([yt[:20], yt[20:]])
    trained, record = train_stack(net, X, y, counts, np.random.default_rng(2), steps=4, every=2,
                                  X_test=own_X, y_test=own_y, dtype=np.float64)
    for s in range(2):
        alone = mlp.pick(trained, s)
        assert record.test[-1, s] == np.mean(mlp.predict(alone, own_X[s]).argmax(1) == own_y[s])
    with pytest.raises(ValueError, match="X_test"):
        train_stack(net, X, y, counts, np.random.default_rng(2), steps=1, X_test=own_X[:1], y_test=own_y[:1])
    with pytest.raises(ValueError, match="y_test"):
        train_stack(net, X, y, counts, np.random.default_rng(2), steps=1, X_test=own_X, y_test=own_y[:, :5])
