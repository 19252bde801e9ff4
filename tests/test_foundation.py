"""The foundation of Part I: input validation, the dense layer, sigmoid, half squared error, the gradient checker."""

import numpy as np
import pytest

from backprop import (
    assert_gradients_close,
    dense_backward,
    dense_forward,
    half_squared_error,
    half_squared_error_grad,
    numerical_gradient,
    numerical_jacobian,
    relative_error,
    sigmoid,
    sigmoid_backward,
    sigmoid_forward,
    sigmoid_prime,
)

SEEDS = [0, 1, 2, 3]


def _random_shapes(seed):
    rng = np.random.default_rng(seed)
    n, d_in, d_out = (int(v) for v in rng.integers(1, 6, size=3))
    return rng, n, d_in, d_out


@pytest.mark.parametrize("seed", SEEDS)
def test_dense_backward_matches_finite_differences(seed):
    rng, n, d_in, d_out = _random_shapes(seed)
    x, W, b = rng.normal(size=(n, d_in)), rng.normal(size=(d_out, d_in)), rng.normal(size=d_out)
    dout = rng.normal(size=(n, d_out))
    _, cache = dense_forward(x, W, b)
    dx, dW, db = dense_backward(dout, cache)

    def loss(_):
        return float(np.sum(dense_forward(x, W, b)[0] * dout))

    assert_gradients_close(dx, numerical_gradient(loss, x), name="dx")
    assert_gradients_close(dW, numerical_gradient(loss, W), name="dW")
    assert_gradients_close(db, numerical_gradient(loss, b), name="db")


def test_dense_forward_is_eq_a3_in_index_form():
    rng = np.random.default_rng(5)
    x, W, b = rng.normal(size=(2, 3)), rng.normal(size=(4, 3)), rng.normal(size=4)
    out, _ = dense_forward(x, W, b)
    for n in range(2):
        for z in range(4):
            assert out[n, z] == pytest.approx(sum(W[z, k] * x[n, k] for k in range(3)) + b[z], rel=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_sigmoid_backward_matches_finite_differences(seed):
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(3, 4)) * 3
    dout = rng.normal(size=z.shape)
    out, cache = sigmoid_forward(z)
    dz = sigmoid_backward(dout, cache)
    assert_gradients_close(dz, numerical_gradient(lambda _: float(np.sum(sigmoid(z) * dout)), z))
    np.testing.assert_allclose(sigmoid_prime(z), out * (1 - out), rtol=1e-14)


def test_sigmoid_is_exact_and_silent_for_huge_inputs():
    z = np.array([-1e4, -745.0, -40.0, 0.0, 40.0, 1e4])
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # an overflow warning would raise
        s = sigmoid(z)
    assert s[0] == 0.0 and s[-1] == 1.0 and s[3] == 0.5
    assert s[2] == pytest.approx(np.exp(-40.0), rel=1e-12)
    assert np.all(np.diff(s) >= 0)


@pytest.mark.parametrize("dtype, bound", [(np.float64, 700.0), (np.float32, 87.0)])
def test_sigmoid_is_within_a_few_units_in_the_last_place(dtype, bound):
    # the docstring's claim, against 1 / (1 + exp(-z)) in a wider type (x87 long double, or
    # float64 for the float32 layer), rounded once: at most 4 units in the last place
    z = np.random.default_rng(9).uniform(-bound, bound, size=2000).astype(dtype)
    wide = np.longdouble if dtype == np.float64 else np.float64
    exact = (1 / (1 + np.exp(-z.astype(wide)))).astype(dtype)
    ulps = np.abs(sigmoid(z) - exact) / np.spacing(exact)
    assert ulps.max() <= 4, ulps.max()


@pytest.mark.parametrize("reduction, scale", [("sum", 1.0), ("mean", 1 / 3)])
def test_half_squared_error_value_and_gradient(reduction, scale):
    rng = np.random.default_rng(7)
    o, t = rng.random((3, 4)), rng.random((3, 4))
    assert half_squared_error(o, t, reduction) == pytest.approx(scale * 0.5 * np.sum((t - o) ** 2), rel=1e-14)
    grad = half_squared_error_grad(o, t, reduction)
    assert_gradients_close(grad, numerical_gradient(lambda _: half_squared_error(o, t, reduction), o))


def test_gradient_checker_catches_a_wrong_gradient():
    x = np.array([1.0, 2.0, 3.0])
    numeric = numerical_gradient(lambda v: float(np.sum(v**2)), x)
    np.testing.assert_allclose(numeric, 2 * x, rtol=1e-8)
    with pytest.raises(AssertionError, match="relative error"):
        assert_gradients_close(x, numeric)  # off by a factor 2
    assert relative_error(np.ones(3), np.ones(3)) == 0.0
    assert relative_error(np.ones(3), 2 * np.ones(3)) == pytest.approx(0.5)


def test_numerical_gradient_refuses_float32():
    with pytest.raises(TypeError, match="float64"):
        numerical_gradient(lambda v: float(np.sum(v)), np.ones(3, dtype=np.float32))


# ----- bad input: the message names the argument, the expectation and what came -----

def test_dense_forward_suggests_the_transpose():
    x, W, b = np.ones((2, 3)), np.ones((4, 3)), np.ones(4)
    with pytest.raises(ValueError, match=r"W.*transposed"):
        dense_forward(x, W.T.copy(), b)


def test_dense_forward_rejects_wrong_bias_and_batch():
    x, W = np.ones((2, 3)), np.ones((4, 3))
    with pytest.raises(ValueError, match=r"b has shape \(3,\) but \(4,\) was expected"):
        dense_forward(x, W, np.ones(3))
    with pytest.raises(ValueError, match="x must be 2-D"):
        dense_forward(np.ones(3), W, np.ones(4))
    with pytest.raises(ValueError, match="x is empty"):
        dense_forward(np.ones((0, 3)), W, np.ones(4))


@pytest.mark.parametrize(
    "bad, exc, pattern",
    [
        (np.ones((2, 3), dtype=int), TypeError, "x must hold real floating-point numbers; got dtype int64"),
        (np.ones((2, 3), dtype=complex), TypeError, "complex"),
        (np.array([[1.0, np.nan, 1.0], [1, 1, 1]]), ValueError, "x contains 1 NaN or infinite"),
        (np.array([[1.0, np.inf, 1.0], [1, 1, 1]]), ValueError, "NaN or infinite"),
        ([[1.0, 2.0, 3.0], [1.0, 2.0]], TypeError, "ragged"),
        ("abc", TypeError, "x must be a numpy array of floats; got a str"),
    ],
)
def test_dense_forward_rejects_bad_values(bad, exc, pattern):
    with pytest.raises(exc, match=pattern):
        dense_forward(bad, np.ones((4, 3)), np.ones(4))


def test_dense_backward_rejects_transposed_dout():
    _, cache = dense_forward(np.ones((2, 3)), np.ones((4, 3)), np.ones(4))
    with pytest.raises(ValueError, match=r"dout has shape \(4, 2\).*\(2, 4\).*transposed"):
        dense_backward(np.ones((4, 2)), cache)


def test_losses_reject_mismatch_and_unknown_reduction():
    with pytest.raises(ValueError, match=r"output has shape \(2, 3\) but target has shape \(3, 2\)"):
        half_squared_error(np.ones((2, 3)), np.ones((3, 2)))
    with pytest.raises(ValueError, match="reduction must be one of 'sum', 'mean'; got 'avg'"):
        half_squared_error_grad(np.ones((2, 3)), np.ones((2, 3)), reduction="avg")


def test_sigmoid_backward_rejects_shape_mismatch():
    _, cache = sigmoid_forward(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="dout has shape"):
        sigmoid_backward(np.zeros((3, 2)), cache)


def test_numerical_jacobian_of_a_linear_map_is_its_matrix():
    rng = np.random.default_rng(11)
    A, x = rng.normal(size=(3, 4)), rng.normal(size=4)
    x_before = x.copy()
    J = numerical_jacobian(lambda v: A @ v + np.sin(v).sum(), x)
    np.testing.assert_allclose(J, A + np.cos(x)[None, :], rtol=1e-8, atol=1e-9)
    np.testing.assert_array_equal(x, x_before)  # the point is not changed
    with pytest.raises(ValueError, match="x must be 1-D"):
        numerical_jacobian(lambda v: v, np.ones((2, 2)))
