"""Backward functions accept only their own forward function's cache (issue 10, item 2)."""

import numpy as np
import pytest

import backprop as bp

RNG = np.random.default_rng(0)
X2 = RNG.normal(size=(3, 4))
X4 = RNG.normal(size=(2, 1, 6, 6))
W2 = RNG.normal(size=(5, 4))
W4 = RNG.normal(size=(3, 1, 3, 3))

# (forward name, forward call, backward)
LAYERS = {
    "dense_forward": (lambda: bp.dense_forward(X2, W2, np.zeros(5)), bp.dense_backward),
    "sigmoid_forward": (lambda: bp.sigmoid_forward(X2), bp.sigmoid_backward),
    "relu_forward": (lambda: bp.relu_forward(X2), bp.relu_backward),
    "tanh_forward": (lambda: bp.tanh_forward(X2), bp.tanh_backward),
    "leaky_relu_forward": (lambda: bp.leaky_relu_forward(X2), bp.leaky_relu_backward),
    "softmax_forward": (lambda: bp.softmax_forward(X2), bp.softmax_backward),
    "conv2d_forward": (lambda: bp.conv2d_forward(X4, W4, np.zeros(3)), bp.conv2d_backward),
    "avg_pool2d_forward": (lambda: bp.avg_pool2d_forward(X4, 2), bp.avg_pool2d_backward),
    "max_pool2d_forward": (lambda: bp.max_pool2d_forward(X4, 2), bp.max_pool2d_backward),
    "mlp_forward": (lambda: bp.mlp_forward(bp.init_mlp((4, 3, 2)), X2), bp.mlp_backward),
}
NAIVE = {
    "conv2d_forward": (lambda: bp.conv2d_forward_naive(X4, W4, np.zeros(3)), bp.conv2d_backward_naive),
    "avg_pool2d_forward": (lambda: bp.avg_pool2d_forward_naive(X4, 2), bp.avg_pool2d_backward_naive),
    "max_pool2d_forward": (lambda: bp.max_pool2d_forward_naive(X4, 2), bp.max_pool2d_backward_naive),
}


def _wrong_caches(forward_name):
    out, cache = LAYERS[forward_name][0]()
    wrong = {"the layer's output": out, "None": None, "()": (), "[]": [], "a plain tuple": tuple(cache)}
    for other, (call, _) in LAYERS.items():
        if other != forward_name:
            wrong[other] = call()[1]
    return out, wrong


@pytest.mark.parametrize("forward_name", sorted(LAYERS))
def test_wrong_caches_raise_a_type_error_naming_the_cache_and_its_forward(forward_name):
    backward = LAYERS[forward_name][1]
    out, wrong = _wrong_caches(forward_name)
    for label, cache in wrong.items():
        with pytest.raises(TypeError, match=rf"cache must be the \w+Cache returned by {forward_name}") as info:
            backward(np.ones_like(out), cache)
        if label in LAYERS:
            assert f"the cache of {label}" in str(info.value)


@pytest.mark.parametrize("forward_name", sorted(NAIVE))
def test_naive_references_share_the_cache_type(forward_name):
    call, backward = NAIVE[forward_name]
    out, cache = call()
    fast_out, fast_cache = LAYERS[forward_name][0]()
    slow = backward(np.ones_like(out), fast_cache)
    fast = LAYERS[forward_name][1](np.ones_like(out), cache)
    for a, b in zip(*((slow, fast) if isinstance(slow, tuple) else ((slow,), (fast,)))):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
    with pytest.raises(TypeError, match=forward_name):
        backward(np.ones_like(out), out)


def test_issue_examples():
    out, _ = bp.dense_forward(X2, W2, np.zeros(5))
    with pytest.raises(TypeError, match=r"DenseCache returned by dense_forward.*got an array of shape \(3, 5\)"):
        bp.dense_backward(np.ones_like(out), out)
    with pytest.raises(TypeError, match=r"MLPCache returned by mlp_forward.*got an empty list"):
        bp.mlp_backward(np.ones((3, 2)), [])


def test_caches_still_unpack_like_tuples():
    _, cache = bp.max_pool2d_forward(X4, 2)
    x_shape, dtype, size, stride, winner = cache
    assert cache[-1] is winner and x_shape == X4.shape and size == stride == 2
