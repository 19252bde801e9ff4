"""Tests of backprop.activations: values, derivatives against finite differences, bad inputs."""

import numpy as np
import pytest

from backprop import relu, relu_backward, relu_forward, relu_prime
from backprop.gradcheck import assert_gradients_close, numerical_gradient


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
