"""Tests of backprop.activations: values, derivatives against finite differences, bad inputs."""

import numpy as np
import pytest

from backprop import (
    leaky_relu,
    leaky_relu_backward,
    leaky_relu_forward,
    leaky_relu_prime,
    relu,
    relu_backward,
    relu_forward,
    relu_prime,
    sigmoid,
    sigmoid_prime,
    softmax,
    softmax_backward,
    softmax_forward,
    softmax_jacobian,
    tanh,
    tanh_backward,
    tanh_forward,
    tanh_prime,
)
from backprop.gradcheck import assert_gradients_close, numerical_gradient, numerical_jacobian


def test_relu_values_and_zero_convention():
    z = np.array([-2.0, -0.0, 0.0, 1e-300, 3.5])
    np.testing.assert_array_equal(relu(z), [0.0, 0.0, 0.0, 1e-300, 3.5])
    np.testing.assert_array_equal(relu_prime(z), [0.0, 0.0, 0.0, 1.0, 1.0])  # ReLU'(0) = 0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_relu_backward_matches_finite_differences(seed):
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(4, 5))
    z[np.abs(z) < 1e-3] = 0.5  # stay away from the kink, where the derivative is not defined
    dout = rng.normal(size=z.shape)
    out, cache = relu_forward(z)
    np.testing.assert_array_equal(out, np.maximum(z, 0))
    dz = relu_backward(dout, cache)
    num = numerical_gradient(lambda zz: float(np.sum(relu(zz) * dout)), z.copy())
    assert_gradients_close(dz, num, tol=1e-7)
    np.testing.assert_allclose(dz, dout * relu_prime(z), rtol=0, atol=0)


def test_relu_backward_bad_inputs():
    _, cache = relu_forward(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"dout has shape \(3, 2\).*\(2, 3\)"):
        relu_backward(np.ones((3, 2)), cache)
    with pytest.raises(TypeError, match="z must hold real floating-point"):
        relu(np.array([1, 2]))
    with pytest.raises(ValueError, match="NaN or infinite"):
        relu_prime(np.array([np.nan]))


# --------------------------------------------------------------------------- other activations


def _away_from_kink(rng, shape):
    z = rng.normal(size=shape) * 2
    z[np.abs(z) < 1e-3] = 0.7
    return z


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize(
    "f, fprime",
    [
        (sigmoid, sigmoid_prime),
        (tanh, tanh_prime),
        (relu, relu_prime),
        (leaky_relu, leaky_relu_prime),
        (lambda z: leaky_relu(z, 0.3), lambda z: leaky_relu_prime(z, 0.3)),
    ],
)
def test_derivatives_match_finite_differences(seed, f, fprime):
    rng = np.random.default_rng(seed)
    z = _away_from_kink(rng, (3, 4))
    # d/dz sum(f(z)) is f'(z) elementwise
    num = numerical_gradient(lambda zz: float(np.sum(f(zz))), z.copy())
    assert_gradients_close(fprime(z), num, tol=1e-7)


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize(
    "forward, backward",
    [
        (tanh_forward, tanh_backward),
        (leaky_relu_forward, leaky_relu_backward),
        (lambda z: leaky_relu_forward(z, alpha=0.2), leaky_relu_backward),
        (softmax_forward, softmax_backward),
    ],
)
def test_backward_matches_finite_differences(seed, forward, backward):
    rng = np.random.default_rng(seed)
    z = _away_from_kink(rng, (3, 5))
    dout = rng.normal(size=z.shape)
    _, cache = forward(z)
    dz = backward(dout, cache)
    num = numerical_gradient(lambda zz: float(np.sum(forward(zz)[0] * dout)), z.copy())
    assert_gradients_close(dz, num, tol=1e-7)


def test_known_values():
    np.testing.assert_allclose(tanh(np.array([0.0, 1.0])), [0.0, 0.7615941559557649], rtol=1e-15)
    np.testing.assert_allclose(tanh_prime(np.array([0.0, 1.0])), [1.0, 0.41997434161402614], rtol=1e-14)
    np.testing.assert_array_equal(leaky_relu(np.array([-2.0, 0.0, 3.0])), [-0.02, 0.0, 3.0])
    np.testing.assert_array_equal(leaky_relu(np.array([-2.0, 3.0]), alpha=0.5), [-1.0, 3.0])
    # at the kink leaky ReLU takes alpha, which reduces to ReLU'(0) = 0 for alpha = 0
    np.testing.assert_array_equal(leaky_relu_prime(np.array([-1.0, 0.0, 1.0]), 0.2), [0.2, 0.2, 1.0])
    np.testing.assert_array_equal(leaky_relu_prime(np.array([0.0]), 0.0), relu_prime(np.array([0.0])))


def test_softmax_values_and_stability():
    np.testing.assert_allclose(softmax(np.array([0.0, np.log(3.0)])), [0.25, 0.75], rtol=1e-15)
    # logits of +-1000: exact, no overflow, no NaN
    s = softmax(np.array([[1000.0, -1000.0], [1000.0, 1000.0], [-1000.0, -1000.0]]))
    np.testing.assert_array_equal(s, [[1.0, 0.0], [0.5, 0.5], [0.5, 0.5]])
    z = np.random.default_rng(3).normal(size=(4, 6))
    np.testing.assert_allclose(softmax(z + 500.0), softmax(z), rtol=1e-13)
    np.testing.assert_allclose(softmax(z).sum(axis=1), np.ones(4), rtol=1e-15)
    np.testing.assert_allclose(softmax(z), np.exp(z) / np.exp(z).sum(axis=1, keepdims=True), rtol=1e-13)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_softmax_jacobian_matches_finite_differences(seed):
    z = np.random.default_rng(seed).normal(size=5)
    J = softmax_jacobian(z)
    num = numerical_jacobian(softmax, z)
    assert_gradients_close(J, num, tol=1e-7)
    np.testing.assert_allclose(J, J.T, rtol=0, atol=1e-17)
    np.testing.assert_allclose(J.sum(axis=0), np.zeros(5), atol=1e-15)  # softmax(z + c) = softmax(z)


def test_softmax_jacobian_batched_and_jvp():
    rng = np.random.default_rng(4)
    z = rng.normal(size=(3, 4))
    v = rng.normal(size=(3, 4))
    J = softmax_jacobian(z)
    for n in range(3):
        np.testing.assert_allclose(J[n], softmax_jacobian(z[n]), rtol=1e-15)
    s, cache = softmax_forward(z)
    np.testing.assert_allclose(softmax_backward(v, cache), np.einsum("nij,ni->nj", J, v), rtol=1e-12, atol=1e-15)


def test_bad_inputs():
    with pytest.raises(ValueError, match="alpha .* must be a finite number >= 0; got -0.1"):
        leaky_relu(np.ones(2), alpha=-0.1)
    with pytest.raises(TypeError, match="alpha .* must be a real number"):
        leaky_relu_prime(np.ones(2), alpha="0.1")
    with pytest.raises(ValueError, match="z must have at least one axis"):
        softmax(1.0)
    with pytest.raises(ValueError, match=r"z must be \(K,\) or \(N, K\)"):
        softmax_jacobian(np.ones((2, 3, 4)))
    with pytest.raises(ValueError, match="NaN or infinite"):
        softmax(np.array([1.0, np.inf]))
    _, cache = softmax_forward(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"dout has shape \(3, 2\) but the softmax output has shape \(2, 3\)"):
        softmax_backward(np.ones((3, 2)), cache)
    _, cache = tanh_forward(np.ones(3))
    with pytest.raises(ValueError, match=r"dout has shape \(4,\)"):
        tanh_backward(np.ones(4), cache)
    _, cache = leaky_relu_forward(np.ones(3))
    with pytest.raises(ValueError, match=r"dout has shape \(2,\) but the cached pre-activation z"):
        leaky_relu_backward(np.ones(2), cache)
