"""The boundary checks of lib/check.py: what each accepts (NumPy scalars and 0-d arrays where a
number is meant), what it refuses, and that the refusal names the argument."""
import numpy as np
import pytest

from lib import check


@pytest.mark.parametrize("value", [3, np.int64(3), np.uint8(3), np.array(3)])
def test_integer_takes_python_and_numpy_integers(value):
    out = check.integer("n", value)
    assert out == 3 and type(out) is int


@pytest.mark.parametrize("value, error", [
    (2.5, ValueError), (3.0, ValueError), (np.float64(3), ValueError), ("3", TypeError), (None, TypeError),
    (True, TypeError), (np.bool_(True), TypeError), (np.array([3]), TypeError), (3 + 0j, TypeError),
    (0, ValueError), (-1, ValueError),
])
def test_integer_refuses_by_name(value, error):
    with pytest.raises(error, match=r"^n must be an integer"):
        check.integer("n", value)


def test_integer_bounds():
    assert check.integer("k", 5, 1, 5) == 5
    with pytest.raises(ValueError, match=r"k must be an integer in \[1, 5\], got 6"):
        check.integer("k", 6, 1, 5)
    assert check.integer("i", -3, low=None) == -3


@pytest.mark.parametrize("value", [0.5, np.float32(0.5), np.float64(0.5), np.array(0.5), 1, np.int64(1)])
def test_number_takes_real_numbers_as_float(value):
    out = check.number("p", value)
    assert out == float(value) and type(out) is float


@pytest.mark.parametrize("value, error, words", [
    (np.nan, ValueError, "finite"), (np.inf, ValueError, "finite"), ("1", TypeError, "real number"),
    (1j, TypeError, "real number"), (None, TypeError, "real number"), (True, TypeError, "real number"),
    (np.array([0.5]), TypeError, "real number"),
])
def test_number_refuses_by_name(value, error, words):
    with pytest.raises(error, match=f"^p must be a .*{words}|^p must be a {words}"):
        check.number("p", value)


def test_number_ranges_closed_and_open():
    assert check.number("p", 0, 0, 1, high_open=True) == 0.0
    with pytest.raises(ValueError, match=r"p must be a number in \[0, 1\), got 1"):
        check.number("p", 1.0, 0, 1, high_open=True)
    with pytest.raises(ValueError, match=r"lr must be a number > 0, got 0"):
        check.number("lr", 0.0, low=0, low_open=True)
    assert check.number("x", -np.inf, finite=False) == -np.inf


def test_array_converts_and_checks():
    a = check.array("X", [[1, 2], [3, 4]], ndim=2)
    assert a.dtype == float and a.shape == (2, 2)
    f32 = np.ones(3, np.float32)
    assert check.array("X", f32, dtype=None) is f32
    f64 = np.ones(3)
    assert check.array("X", f64) is f64  # no copy of an array already right
    assert check.array("X", [True, False]).tolist() == [1.0, 0.0]
    with pytest.raises(ValueError, match=r"X must have 2 axes \(n, d\), got shape \(3,\)"):
        check.array("X", f64, ndim=2, axes="(n, d)")
    with pytest.raises(ValueError, match=r"X must have shape \(any, 2\), got \(3, 3\)"):
        check.array("X", np.ones((3, 3)), shape=(None, 2))
    with pytest.raises(ValueError, match="at least 2 axes"):
        check.array("S", f64, ndim=range(2, 9))
    assert check.array("X", np.ones((0, 2)), empty=True).shape == (0, 2)


@pytest.mark.parametrize("value, error, words", [
    ([1.0, np.nan], ValueError, "finite"), ([1.0, np.inf], ValueError, "finite"), (["a", "b"], TypeError, "numbers"),
    ([1 + 1j], TypeError, "real"), (None, TypeError, "numbers"), ([[1, 2], [3]], ValueError, "rectangular"),
    ([], ValueError, "empty"), ([0.5, 2.0], ValueError, "lie in"), ({"a": 1}, TypeError, "numbers"),
])
def test_array_refuses_by_name(value, error, words):
    with pytest.raises(error, match=f"^X must .*{words}"):
        check.array("X", value, low=0, high=1)


def test_labels():
    assert check.labels("y", [0, 2, 1], n=3, classes=3).tolist() == [0, 2, 1]
    whole = check.labels("y", np.array([0.0, 1.0]))
    assert whole.dtype.kind == "i" and whole.tolist() == [0, 1]
    for bad, words in (([0, 3], r"0\.\.2"), ([-1, 0], r"0\.\.2"), ([0.5], "integer"), (["a"], "numbers"),
                       ([[0]], "1 axis")):
        with pytest.raises((TypeError, ValueError), match=f"^y must .*{words}"):
            check.labels("y", bad, classes=3)
    with pytest.raises(ValueError, match="y must hold 3 labels, one per row of X, got 2"):
        check.labels("y", [0, 1], n=3)
    assert check.labels("targets", [[-1, 2]], ndim=2, low=-1, classes=3).shape == (1, 2)


def test_generator_choice_instance_text_flag_function():
    rng = np.random.default_rng(0)
    assert check.generator("rng", rng) is rng
    for bad in (None, 0, np.random.RandomState(0)):
        with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
            check.generator("rng", bad)
    assert check.choice("mode", "same", ("valid", "same")) == "same"
    for bad in ("nonsense", None, ["same"], np.array("same")):
        with pytest.raises(ValueError, match="mode must be one of 'valid', 'same'"):
            check.choice("mode", bad, ("valid", "same"))
    with pytest.raises(TypeError, match="net must be a dict, got str"):
        check.instance("net", "x", dict)
    with pytest.raises(ValueError, match="alt must not be empty"):
        check.text("alt", "  ", empty=False)
    with pytest.raises(ValueError, match="name must match"):
        check.text("name", 'a"b', pattern=r"[a-z]+")
    assert check.flag("training", np.bool_(False)) is False
    with pytest.raises(TypeError, match="training must be True or False"):
        check.flag("training", "no")
    with pytest.raises(TypeError, match="callback must be a function"):
        check.function("callback", 3)


def test_shape():
    assert check.shape("shape", (2, np.int64(3))) == (2, 3)
    assert check.shape("shape", 4) == (4,) and check.shape("shape", np.array([1, 2])) == (1, 2)
    assert check.shape("sizes", range(1, 3)) == (1, 2)
    with pytest.raises(ValueError, match=r"shape\[0\] must be an integer >= 0"):
        check.shape("shape", (-1, 2))
    with pytest.raises(TypeError, match="shape must be a shape"):
        check.shape("shape", "3")


def test_fits_refuses_beyond_the_budget_with_the_number_needed():
    check.fits("n", 10, check.MEMORY_BUDGET)  # up to the budget is fine
    with pytest.raises(ValueError, match=r"n = 1000000000 would need 7\.45 GiB of memory, more than lib's budget "
                                         r"of 2 GiB \(lib\.check\.MEMORY_BUDGET\)"):
        check.fits("n", 10**9, 8 * 10**9)


def test_float_dtype_takes_the_two_float_types_by_any_name_and_refuses_the_rest():
    for good in (np.float32, "float64", np.dtype("f4"), float):
        assert check.float_dtype("dtype", good) in (np.float32, np.float64)
    for bad in (None, np.int64, "f2", "no such type", [1.0]):
        with pytest.raises(ValueError, match="dtype must be np.float32 or np.float64"):
            check.float_dtype("dtype", bad)
