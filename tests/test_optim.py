"""Adam against its closed forms."""
import numpy as np
import pytest

from lib.optim import Adam


def test_first_step_is_lr_times_the_sign_of_the_gradient():
    # after one step the bias-corrected moments are g and g², so the step is lr·g/|g| (up to eps)
    p, g = np.array([1.0, -2.0, 0.5]), np.array([0.3, -4.0, 1e-3])
    (new,) = Adam([p], lr=0.01).step([p], [g])
    assert np.allclose(new, p - 0.01 * np.sign(g), atol=1e-7)


def test_minimises_a_quadratic():
    target = np.array([3.0, -1.0])
    adam, x = Adam([np.zeros(2)], lr=0.05), [np.zeros(2)]
    for _ in range(2000):
        x = adam.step(x, [2 * (x[0] - target)])  # gradient of |x - target|²
    assert np.allclose(x[0], target, atol=1e-3)


def test_bad_learning_rate():
    with pytest.raises(ValueError, match="lr"):
        Adam([np.zeros(1)], lr=0)


def test_no_weight_decay_is_plain_adam_to_the_bit():
    rng = np.random.default_rng(0)
    p, grads = [rng.normal(size=4)], [rng.normal(size=4) for _ in range(5)]
    a, b = Adam(p, lr=0.01), Adam(p, lr=0.01, weight_decay=0.0)
    x, z = p, p
    for g in grads:
        x, z = a.step(x, [g]), b.step(z, [g])
    assert np.array_equal(x[0], z[0])


def test_decoupled_weight_decay_with_no_gradient_is_geometric_shrinkage():
    # with g = 0 Adam's own step is 0, so AdamW gives w_t = (1 - lr λ)^t w_0 exactly
    w0, lr, lam = np.array([2.0, -0.5]), 0.01, 0.3
    adam, w = Adam([w0], lr=lr, weight_decay=lam), [w0]
    for _ in range(100):
        w = adam.step(w, [np.zeros(2)])
    assert np.allclose(w[0], (1 - lr * lam) ** 100 * w0, rtol=1e-12)


def test_first_adamw_step_by_hand():
    # step one: w (1 - lr λ) - lr g / (|g| + eps), the moments' bias corrected to g and g²
    p, g, lr, lam, eps = np.array([1.0, -2.0]), np.array([0.5, -3.0]), 0.1, 0.2, 1e-8
    (new,) = Adam([p], lr=lr, eps=eps, weight_decay=lam).step([p], [g])
    assert np.allclose(new, p * (1 - lr * lam) - lr * g / (np.abs(g) + eps), rtol=1e-14)


def test_an_l2_penalty_in_adam_and_decoupled_decay_settle_in_different_places():
    # f(w) = (w - 1)²/2 with Gaussian gradient noise σ. An L2 penalty λw/2 inside Adam settles,
    # whatever σ, near the penalised minimum 1/(1 + λ); AdamW where the Adam step g/rms(g)
    # balances λw, near 1/(1 + λσ) when the noise dominates rms(g) (Loshchilov & Hutter 2019)
    lam, lr, sigma = 0.1, 0.02, np.repeat([0.1, 10.0], 200)
    rng = np.random.default_rng(1)
    ends = {}
    for decoupled in (False, True):
        w = [np.zeros(400)]
        adam = Adam(w, lr=lr, weight_decay=lam if decoupled else 0.0)
        late = []
        for t in range(4000):
            g = w[0] - 1 + sigma * rng.standard_normal(400)
            w = adam.step(w, [g if decoupled else g + lam * w[0]])
            if t >= 2000:
                late.append(w[0])
        late = np.array(late)
        ends[decoupled] = late[:, :200].mean(), late[:, 200:].mean()
    assert np.allclose(ends[False], 1 / (1 + lam), atol=0.025)
    assert abs(ends[True][0] - 1 / (1 + lam * 0.1)) < 0.01
    assert abs(ends[True][1] - 1 / (1 + lam * 10)) < 0.02


def test_weight_decay_is_checked():
    with pytest.raises(ValueError, match="weight_decay"):
        Adam([np.zeros(1)], lr=0.1, weight_decay=-1.0)
    with pytest.raises(ValueError, match="weight_decay"):
        Adam([np.zeros(1)], lr=0.1, weight_decay=10.0)  # lr λ = 1 would zero every weight
