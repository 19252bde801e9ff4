"""error_flow: Delta E and delta of every layer against finite differences (book Eqs. A.4-A.6, A.15-A.17)."""

import numpy as np
import pytest

from backprop.activations import sigmoid
from backprop.error_flow import backpropagate_error, example_network, loss_from_layer, trace_error_flow
from backprop.gradcheck import assert_gradients_close, numerical_gradient
from backprop.losses import half_squared_error


def _problem(sizes, seed):
    rng = np.random.default_rng(seed)
    weights, biases = example_network(sizes, seed)
    x = rng.normal(size=sizes[0])
    target = rng.uniform(size=sizes[-1])
    return x, target, weights, biases


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("sizes", [(3, 4, 3, 2), (2, 5, 1), (4, 2)])
def test_errors_are_dE_dO_of_every_layer(sizes, seed):
    x, target, weights, biases = _problem(sizes, seed)
    flow = trace_error_flow(x, target, weights, biases)
    assert flow.n_layers == len(sizes)
    for layer in range(1, len(sizes) + 1):
        O = flow.outputs[layer - 1].copy()
        numeric = numerical_gradient(lambda o: loss_from_layer(o, layer, target, weights, biases), O)
        assert_gradients_close(flow.errors[layer - 1], numeric, tol=1e-7, name=f"Delta E^{layer}")


@pytest.mark.parametrize("seed", [0, 3])
def test_deltas_are_dE_dNet(seed):
    sizes = (3, 4, 3, 2)
    x, target, weights, biases = _problem(sizes, seed)
    flow = trace_error_flow(x, target, weights, biases)
    assert flow.nets[0] is None and flow.deltas[0] is None
    for layer in range(2, len(sizes) + 1):
        net = flow.nets[layer - 1].copy()
        numeric = numerical_gradient(lambda n: loss_from_layer(sigmoid(n), layer, target, weights, biases), net)
        assert_gradients_close(flow.deltas[layer - 1], numeric, tol=1e-7, name=f"delta^{layer}")


def test_forward_values_and_loss_by_hand():
    W = [np.array([[1.0, -1.0]]), np.array([[2.0]])]
    b = [np.array([0.5]), np.array([-1.0])]
    x, T = np.array([2.0, 1.0]), np.array([1.0])
    flow = trace_error_flow(x, T, W, b)
    o2 = 1.0 / (1.0 + np.exp(-1.5))
    o3 = 1.0 / (1.0 + np.exp(-(2.0 * o2 - 1.0)))
    np.testing.assert_allclose(flow.nets[1], [1.5], rtol=1e-15)
    np.testing.assert_allclose(flow.outputs[2], [o3], rtol=1e-14)
    np.testing.assert_allclose(flow.errors[2], [o3 - 1.0], rtol=1e-14)  # Eq. A.4
    np.testing.assert_allclose(flow.deltas[2], [(o3 - 1.0) * o3 * (1 - o3)], rtol=1e-14)
    np.testing.assert_allclose(flow.errors[1], [2.0 * (o3 - 1.0) * o3 * (1 - o3)], rtol=1e-14)  # Eq. A.5
    assert flow.loss == pytest.approx(half_squared_error(flow.outputs[2][None], T[None]), rel=1e-15)


def test_backpropagate_error_is_row_form_of_A6():
    rng = np.random.default_rng(5)
    delta, W = rng.normal(size=(6, 3)), rng.normal(size=(3, 4))
    expected = np.stack([W.T @ d for d in delta])  # column form W^T delta, one sample at a time
    np.testing.assert_allclose(backpropagate_error(delta, W), expected, rtol=1e-13)
    with pytest.raises(ValueError, match="W looks transposed"):
        backpropagate_error(delta, W.T.copy())
    with pytest.raises(ValueError, match="delta must be 2-D"):
        backpropagate_error(delta[0], W)
    with pytest.raises(TypeError, match="W must hold real floating-point"):
        backpropagate_error(delta, np.ones((3, 4), dtype=int))


def test_bad_networks_name_the_argument():
    x, target, weights, biases = _problem((3, 4, 2), 0)
    with pytest.raises(ValueError, match=r"weights\[0\] has shape \(3, 4\).*looks transposed"):
        trace_error_flow(x, target, [weights[0].T.copy(), weights[1]], biases)
    with pytest.raises(ValueError, match=r"biases\[1\] has shape"):
        trace_error_flow(x, target, weights, [biases[0], np.zeros(3)])
    with pytest.raises(ValueError, match="one vector per weight matrix"):
        trace_error_flow(x, target, weights, biases[:1])
    with pytest.raises(ValueError, match=r"target has shape \(3,\)"):
        trace_error_flow(x, np.zeros(3), weights, biases)
    with pytest.raises(ValueError, match="x contains 1 NaN"):
        trace_error_flow(np.array([1.0, np.nan, 0.0]), target, weights, biases)
    with pytest.raises(TypeError, match="weights must be a non-empty list"):
        trace_error_flow(x, target, [], [])
    with pytest.raises(ValueError, match="layer must be between 1 and L = 3"):
        loss_from_layer(x, 4, target, weights, biases)
    with pytest.raises(ValueError, match="layer 2 has 4 nodes"):
        loss_from_layer(np.zeros(3), 2, target, weights, biases)
    with pytest.raises(ValueError, match="seed must be an integer >= 0; got -1"):
        example_network((3, 2), seed=-1)
    with pytest.raises(TypeError, match=r"seed must be an integer >= 0; got 1\.5 \(float\)"):
        example_network((3, 2), seed=1.5)
