"""The gradient checker must never pass what it cannot judge (NaN, inf, None, complex, shapes)."""

import numpy as np
import pytest

from backprop.gradcheck import (
    MAX_CHECKED_ENTRIES,
    assert_gradients_close,
    numerical_gradient,
    numerical_jacobian,
    relative_error,
)

GOOD = np.array([1.0, 2.0, 3.0])


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("side", ["analytic", "numeric"])
def test_one_nonfinite_entry_on_either_side_fails_the_check(bad, side):
    wrong = GOOD.copy()
    wrong[1] = bad
    args = (wrong, GOOD) if side == "analytic" else (GOOD, wrong)
    with pytest.raises(AssertionError, match=rf"gradient \({side}\) contains .*index \(1,\)"):
        assert_gradients_close(*args)


def test_all_nan_gradients_fail_even_though_nan_comparisons_are_false():
    nan = np.full(3, np.nan)
    with pytest.raises(AssertionError, match="NaN"):
        assert_gradients_close(nan, nan)
    with pytest.raises(ValueError, match="a contains 3 NaN"):
        relative_error(nan, nan)


@pytest.mark.parametrize("check", [assert_gradients_close, relative_error])
def test_none_and_complex_are_refused(check):
    with pytest.raises(TypeError, match="is None"):
        check(None, None)
    with pytest.raises(TypeError, match="is None"):
        check(GOOD, None)
    with pytest.raises(TypeError, match="complex128.*imaginary part"):
        check(GOOD + 1j, GOOD)
    with pytest.raises(TypeError, match="np.matrix"):
        check(np.matrix([[1.0, 2.0]]), np.ones((1, 2)))
    with pytest.raises(TypeError, match="real numbers; got dtype"):
        check(np.array(["a", "b", "c"]), GOOD)


def test_shape_mismatch_fails():
    with pytest.raises(AssertionError, match=r"analytic shape \(3,\) differs from numeric shape \(1, 3\)"):
        assert_gradients_close(GOOD, GOOD[None, :])
    with pytest.raises(ValueError, match="shapes"):
        relative_error(GOOD, GOOD[None, :])


def test_values_of_the_relative_error():
    assert relative_error(GOOD, GOOD) == 0.0
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(np.ones(3), 2 * np.ones(3)) == pytest.approx(0.5)
    # finite entries whose norm overflows are still compared
    assert relative_error(np.full(4, 1e308), np.full(4, 1e308)) == 0.0
    assert relative_error(np.full(4, 1e308), np.full(4, 5e307)) == pytest.approx(0.5)
    assert assert_gradients_close(GOOD, GOOD * (1 + 1e-9)) < 1e-8
    with pytest.raises(ValueError, match="tol must be"):
        assert_gradients_close(GOOD, GOOD, tol=float("nan"))


def test_numerical_gradient_is_correct_and_restores_x_even_when_f_raises():
    x = np.array([0.5, -1.0, 2.0])
    np.testing.assert_allclose(numerical_gradient(lambda v: float(np.sum(np.sin(v))), x), np.cos(x), rtol=1e-8)
    before = x.copy()
    calls = []

    def exploding(v):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt  # the reader interrupts the kernel mid-check
        return float(v.sum())

    with pytest.raises(KeyboardInterrupt):
        numerical_gradient(exploding, x)
    np.testing.assert_array_equal(x, before)


@pytest.mark.parametrize(
    "f, exc, pattern",
    [
        (lambda v: v * 2, TypeError, r"real scalar.*array of shape \(3,\).*x.flat\[0\] \+ h"),
        (lambda v: None, TypeError, "real scalar.*None"),
        (lambda v: complex(v.sum()), TypeError, "real scalar"),
        (lambda v: float("nan"), FloatingPointError, "returned nan"),
        (lambda v: np.inf if v[1] > 1 else 0.0, FloatingPointError, r"inf at x.flat\[1\] \+ h"),
    ],
)
def test_numerical_gradient_refuses_an_f_that_is_not_a_finite_scalar(f, exc, pattern):
    x = np.array([0.5, 1.0, 2.0])
    before = x.copy()
    with pytest.raises(exc, match=pattern):
        numerical_gradient(f, x)
    np.testing.assert_array_equal(x, before)


@pytest.mark.parametrize(
    "h, exc, pattern",
    [
        (0.0, ValueError, "finite number > 0"),
        (-1e-6, ValueError, "finite number > 0"),
        (float("nan"), ValueError, "finite number > 0"),
        (float("inf"), ValueError, "finite number > 0"),
        ("1e-6", TypeError, "positive real number"),
        (1e-300, ValueError, "too small next to x"),
    ],
)
def test_numerical_gradient_validates_h(h, exc, pattern):
    with pytest.raises(exc, match=pattern):
        numerical_gradient(lambda v: float(v.sum()), np.array([1.0, 2.0]), h=h)


def test_a_step_that_vanishes_next_to_a_large_entry_is_refused():
    with pytest.raises(ValueError, match=r"too small next to x \(an entry of size 1e\+12\)"):
        numerical_gradient(lambda v: float(v.sum()), np.array([1.0, 1e12]))


def test_numerical_gradient_refuses_huge_x_unless_asked():
    x = np.zeros(MAX_CHECKED_ENTRIES + 1)
    with pytest.raises(ValueError, match="max_entries=None"):
        numerical_gradient(lambda v: 0.0, x)
    small = np.zeros(5)
    with pytest.raises(ValueError, match="more than the limit of 4 entries"):
        numerical_gradient(lambda v: 0.0, small, max_entries=4)
    np.testing.assert_array_equal(numerical_gradient(lambda v: float(v.sum()), small, max_entries=None), np.ones(5))


def test_numerical_gradient_refuses_what_it_cannot_perturb():
    with pytest.raises(TypeError, match="x must be a numpy array"):
        numerical_gradient(lambda v: 0.0, [1.0, 2.0])
    with pytest.raises(TypeError, match="float64"):
        numerical_gradient(lambda v: 0.0, np.ones(3, dtype=np.float32))
    with pytest.raises(ValueError, match="NaN"):
        numerical_gradient(lambda v: 0.0, np.array([1.0, np.nan]))
    with pytest.raises(TypeError, match="f must be a function"):
        numerical_gradient(None, np.ones(2))


def test_numerical_jacobian_validates_f_and_h():
    x = np.array([0.3, -0.2])
    with pytest.raises(FloatingPointError, match="NaN or inf"):
        numerical_jacobian(lambda v: np.log(v), x)  # log of a negative entry
    with pytest.raises(TypeError, match="real numbers"):
        numerical_jacobian(lambda v: v + 1j, x)
    with pytest.raises(TypeError, match="None"):
        numerical_jacobian(lambda v: None, x)
    with pytest.raises(ValueError, match="keep one shape"):
        numerical_jacobian(lambda v: v[: 1 + int(v[0] > 0.3)], x)
    with pytest.raises(ValueError, match="finite number > 0"):
        numerical_jacobian(lambda v: v, x, h=0)
    np.testing.assert_allclose(numerical_jacobian(lambda v: v**2, x), np.diag(2 * x), atol=1e-9)
