"""Convolution and pooling against scipy.signal.correlate2d, plain loops and hand computation."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.signal import correlate2d

from lib.conv import avg_pool, conv2d, max_pool, max_pool_backward


def test_tiny_case_by_hand():
    x = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]], dtype=float)
    w = np.array([[1, 0], [0, -1]], dtype=float)
    # out[r, c] = x[r, c] - x[r + 1, c + 1]: every entry is 1 - 5, 2 - 6, 4 - 8, 5 - 9 = -4
    assert conv2d(x, w).tolist() == [[-4, -4], [-4, -4]]
    assert conv2d(x, np.ones((2, 2)), stride=2).tolist() == [[12.0]]  # 1 + 2 + 4 + 5


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 12), st.integers(1, 12)), elements=st.floats(-5, 5)),
       st.integers(1, 6), st.integers(1, 6), st.sampled_from(["valid", "same", "full"]), st.integers(0, 99))
def test_equals_scipy_correlate2d(x, kh, kw, mode, seed):
    if mode == "valid" and (kh > x.shape[0] or kw > x.shape[1]):
        return
    w = np.random.default_rng(seed).normal(size=(kh, kw))
    assert np.allclose(conv2d(x, w, padding=mode), correlate2d(x, w, mode), atol=1e-10)


@pytest.mark.parametrize("mode", ["valid", "same", "full"])
@pytest.mark.parametrize("stride", [1, 2, 3])
def test_channels_filters_batches_and_stride(mode, stride):
    rng = np.random.default_rng(0)
    x, w = rng.normal(size=(2, 3, 9, 8)), rng.normal(size=(4, 3, 3, 2))  # N=2, C=3, F=4
    out = conv2d(x, w, stride=stride, padding=mode)
    for n in range(2):
        for f in range(4):
            ref = sum(correlate2d(x[n, c], w[f, c], mode) for c in range(3))[::stride, ::stride]
            assert np.allclose(out[n, f], ref)
    assert np.allclose(conv2d(x[0], w, stride=stride, padding=mode), out[0])


@pytest.mark.parametrize("mode", ["valid", "same", "full"])
@pytest.mark.parametrize("shapes", [((13, 11), (6, 7)), ((2, 12, 9), (3, 2, 5, 5)), ((2, 3, 10, 12), (4, 3, 7, 6))])
def test_fft_and_direct_give_scipys_numbers(mode, shapes):
    rng = np.random.default_rng(3)
    x, w = rng.normal(size=shapes[0]), rng.normal(size=shapes[1])
    direct, fft = conv2d(x, w, padding=mode, method="direct"), conv2d(x, w, padding=mode, method="fft")
    assert np.allclose(fft, direct, atol=1e-10)
    x0, w0 = x.reshape(-1, *x.shape[-2:])[0], w.reshape(-1, *w.shape[-2:])[0]
    if x.ndim == 2:
        assert np.allclose(direct, correlate2d(x0, w0, mode), atol=1e-10)
    else:  # channels sum: output 0 of filter 0
        lead = x if x.ndim == 3 else x[0]
        ref = sum(correlate2d(lead[c], w[0, c], mode) for c in range(lead.shape[0]))
        assert np.allclose(direct[0] if x.ndim == 3 else direct[0, 0], ref, atol=1e-10)


def test_the_method_is_chosen_by_cost():
    from lib.conv import choose_method
    assert choose_method((256, 256), (3, 3)) == "direct"  # 9 multiply-adds per pixel
    assert choose_method((256, 256), (10, 10)) == "fft"   # 100 per pixel: the FFT is cheaper
    assert choose_method((256, 256), (10, 10), stride=2) == "direct"
    with pytest.raises(ValueError, match="method"):
        conv2d(np.zeros((5, 5)), np.zeros((2, 2)), method="winograd")


def test_256_image_with_10_kernel_gives_247():
    assert conv2d(np.zeros((256, 256)), np.zeros((10, 10))).shape == (247, 247)


def loop_pool(x, size, stride, reduce):
    H, W = (x.shape[0] - size) // stride + 1, (x.shape[1] - size) // stride + 1
    return np.array([[reduce(x[r * stride:r * stride + size, c * stride:c * stride + size])
                      for c in range(W)] for r in range(H)])


@pytest.mark.parametrize("size, stride", [(2, 2), (3, 3), (2, 1), (3, 2)])
def test_pooling_equals_a_plain_loop(size, stride):
    x = np.random.default_rng(1).normal(size=(11, 9))
    assert np.allclose(max_pool(x, size, stride), loop_pool(x, size, stride, np.max))
    assert np.allclose(avg_pool(x, size, stride), loop_pool(x, size, stride, np.mean))


@given(arrays(np.float64, st.tuples(st.integers(2, 10), st.integers(2, 10)), elements=st.floats(-1e6, 1e6)))
def test_max_pool_never_exceeds_the_max(x):
    pooled = max_pool(x, 2)
    assert pooled.max() <= x.max() and avg_pool(x, 2).max() <= pooled.max()


def test_max_pool_backward_equals_finite_differences():
    rng = np.random.default_rng(2)
    x, d_out = rng.normal(size=(2, 6, 7)), rng.normal(size=(2, 3, 3))
    dx = max_pool_backward(x, d_out, 2)
    h = 1e-6
    for idx in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[idx] += h
        down[idx] -= h
        fd = np.sum(d_out * (max_pool(up, 2) - max_pool(down, 2))) / (2 * h)
        assert dx[idx] == pytest.approx(fd, abs=1e-6)


@pytest.mark.parametrize("call, words", [
    (lambda: conv2d(np.ones((5, 5)), np.ones((6, 6))), "larger than the image"),
    (lambda: conv2d(np.ones((5, 5)), np.ones((3, 3)), stride=0), "stride"),
    (lambda: conv2d(np.ones((5, 5)), np.ones((3, 3)), stride=-1), "stride"),
    (lambda: conv2d(np.ones((5, 5)), np.ones((1, 3, 3))), "2-D kernel"),
    (lambda: conv2d(np.ones((2, 5, 5)), np.ones((1, 3, 3, 3))), "channels"),
    (lambda: conv2d(np.full((5, 5), np.nan), np.ones((3, 3))), "finite"),
    (lambda: conv2d(np.ones((5, 5)), np.ones((3, 3)), padding="reflect"), "padding"),
    (lambda: conv2d(np.ones(5), np.ones(3)), "2-D kernel|x must be"),
    (lambda: max_pool(np.ones((3, 3)), 4), "at least"),
    (lambda: max_pool(np.ones((4, 4)), 0), "size"),
    (lambda: avg_pool(np.ones((4, 4)), 2, stride=0), "stride"),
])
def test_bad_input_is_refused_clearly(call, words):
    with pytest.raises(ValueError, match=words):
        call()


@pytest.mark.parametrize("stride", [1, 2])
def test_one_channel_batches_by_shifted_sums_equal_scipy(stride):
    rng = np.random.default_rng(5)
    x, w = rng.normal(size=(3, 1, 11, 9)), rng.normal(size=(4, 1, 3, 2))
    out = conv2d(x, w, stride=stride, padding="same")
    assert out.shape[:2] == (3, 4)
    for n in range(3):
        for f in range(4):
            ref = correlate2d(x[n, 0], w[f, 0], "same")[::stride, ::stride]
            assert np.allclose(out[n, f], ref)
    assert np.allclose(conv2d(x[1], w, stride=stride, padding="same"), out[1])
