"""relu_network_forward: the forward run of the ReLU network of "Back through the hidden layers"."""

import numpy as np
import pytest

import backprop as bp


def _params(rng, sizes):
    out = {}
    for m, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        out[f"W{m}"] = rng.normal(size=(fan_out, fan_in))
        out[f"b{m}"] = rng.normal(size=fan_out)
    return out


def test_relu_network_forward_is_the_column_form_sample_by_sample():
    rng = np.random.default_rng(0)
    params, x = _params(rng, (6, 5, 4, 3)), rng.normal(size=(7, 6))
    nets, caches = bp.relu_network_forward(params, x)
    assert [z.shape for z in nets] == [(7, 5), (7, 4), (7, 3)] and len(caches) == 3
    for n in range(7):  # Eq. (eq-part2-ce-dense-forward) per sample, ReLU between the layers only
        a = x[n]
        for m in (1, 2, 3):
            z = params[f"W{m}"] @ a + params[f"b{m}"]
            np.testing.assert_allclose(nets[m - 1][n], z, rtol=1e-13, atol=1e-14)
            a = np.maximum(z, 0.0)
    assert caches[-1][1] is None and all(relu is not None for _, relu in caches[:-1])


def test_its_caches_carry_the_gradient_back_to_finite_differences():
    rng = np.random.default_rng(1)
    params, x = _params(rng, (4, 5, 2)), rng.normal(size=(3, 4))
    labels = np.array([0, 1, 1])

    def loss(p):
        return bp.softmax_cross_entropy(bp.relu_network_forward(p, x)[0][-1], labels)

    nets, caches = bp.relu_network_forward(params, x)
    assert np.abs(nets[0]).min() > 1e-3  # no net input on the ReLU's kink
    grads, dout = {}, bp.softmax_cross_entropy_backward(nets[-1], labels)
    for m in (2, 1):
        dense_cache, relu_cache = caches[m - 1]
        if relu_cache is not None:
            dout = bp.relu_backward(dout, relu_cache)
        dout, grads[f"W{m}"], grads[f"b{m}"] = bp.dense_backward(dout, dense_cache)
    for name, value in params.items():
        fd = bp.numerical_gradient(lambda v, name=name: loss({**params, name: v}), value.copy())
        bp.assert_gradients_close(grads[name], fd, tol=1e-7, name=name)


def test_the_softmax_classifier_runs_the_same_forward():
    model = bp.SoftmaxClassifier((5, 4, 3), seed=2)
    x = np.random.default_rng(2).normal(size=(6, 5))
    np.testing.assert_array_equal(model.logits(x), bp.relu_network_forward(model.params, x)[0][-1])


def test_bad_params_and_inputs_say_what_was_expected():
    with pytest.raises(TypeError, match=r"params must be a dict with keys W1, b1"):
        bp.relu_network_forward([np.ones((2, 2))], np.ones((1, 2)))
    params = _params(np.random.default_rng(3), (3, 2))
    with pytest.raises(ValueError, match="x"):
        bp.relu_network_forward(params, np.ones(3))
    with pytest.raises(ValueError):
        bp.relu_network_forward(params, np.ones((2, 4)))
