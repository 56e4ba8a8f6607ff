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
