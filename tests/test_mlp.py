"""The D-M-N-Z sigmoid network: backward pass against finite differences, protocol, input checks."""

import numpy as np
import pytest

from backprop import (
    MLP,
    assert_gradients_close,
    init_mlp,
    mlp_backward,
    mlp_forward,
    mlp_loss_and_grads,
    numerical_gradient,
    one_hot,
    sigmoid,
)

SEEDS = [0, 1, 2, 3, 4]


def _random_problem(seed):
    rng = np.random.default_rng(seed)
    depth = int(rng.integers(1, 4))  # 1 to 3 layers of weights
    sizes = tuple(int(s) for s in rng.integers(1, 6, size=depth + 1))
    n = int(rng.integers(1, 5))
    params = init_mlp(sizes, seed=seed)
    for name in params:  # nonzero biases, larger weights: exercise every term
        params[name] += rng.normal(scale=0.5, size=params[name].shape)
    x = rng.normal(size=(n, sizes[0]))
    target = rng.random((n, sizes[-1]))
    return params, x, target


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("reduction", ["sum", "mean"])
def test_mlp_gradients_match_finite_differences(seed, reduction):
    params, x, target = _random_problem(seed)
    loss, grads = mlp_loss_and_grads(params, x, target, reduction)
    assert list(grads) == list(params)
    for name, p in params.items():
        num = numerical_gradient(lambda _: mlp_loss_and_grads(params, x, target, reduction)[0], p)
        assert_gradients_close(grads[name], num, tol=1e-7, name=name)


@pytest.mark.parametrize("seed", SEEDS)
def test_mlp_backward_dx_matches_finite_differences(seed):
    params, x, target = _random_problem(seed)
    rng = np.random.default_rng(100 + seed)
    out, cache = mlp_forward(params, x)
    dout = rng.normal(size=out.shape)
    dx, _ = mlp_backward(dout, cache)
    num = numerical_gradient(lambda _: float(np.sum(mlp_forward(params, x)[0] * dout)), x)
    assert_gradients_close(dx, num, name="dx")


def test_forward_is_a2_a3_layer_by_layer():
    rng = np.random.default_rng(7)
    params = init_mlp((3, 4, 2), seed=7)
    params["b1"] += rng.normal(size=4)
    x = rng.normal(size=(2, 3))
    out, _ = mlp_forward(params, x)
    hidden = sigmoid(x @ params["W1"].T + params["b1"])
    np.testing.assert_allclose(out, sigmoid(hidden @ params["W2"].T + params["b2"]), rtol=1e-14)


def test_mean_gradient_is_the_mean_of_per_sample_gradients():
    params, x, target = _random_problem(2)
    x = np.concatenate([x, x[::-1] * 0.5])
    target = np.concatenate([target, target[::-1]])
    _, batch = mlp_loss_and_grads(params, x, target, "mean")
    singles = [mlp_loss_and_grads(params, x[i : i + 1], target[i : i + 1], "sum")[1] for i in range(len(x))]
    for name in params:
        np.testing.assert_allclose(batch[name], np.mean([g[name] for g in singles], axis=0), rtol=1e-12, atol=1e-15)


def test_init_shapes_bounds_and_determinism():
    params = init_mlp((64, 32, 16, 10), seed=0)
    assert [(k, v.shape) for k, v in params.items()] == [
        ("W1", (32, 64)), ("b1", (32,)), ("W2", (16, 32)), ("b2", (16,)), ("W3", (10, 16)), ("b3", (10,))
    ]
    assert np.abs(params["W1"]).max() <= np.sqrt(6 / 96)
    assert np.abs(params["W1"]).max() > 0.9 * np.sqrt(6 / 96)
    assert not np.any(params["b2"])
    again = init_mlp((64, 32, 16, 10), seed=0)
    other = init_mlp((64, 32, 16, 10), seed=1)
    np.testing.assert_array_equal(params["W3"], again["W3"])
    assert not np.array_equal(params["W3"], other["W3"])


def test_model_protocol_loss_is_half_squared_error_against_one_hot_mean_over_n():
    model = MLP((4, 5, 3, 3), seed=0)
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(6, 4)), np.array([0, 1, 2, 2, 1, 0])
    loss, grads = model.loss_and_grads(x, y)
    out = model.forward(x)
    assert loss == pytest.approx(0.5 * np.sum((out - one_hot(y, 3)) ** 2) / 6, rel=1e-14)
    np.testing.assert_array_equal(model.predict(x), out.argmax(axis=1))
    for name, p in model.params.items():
        num = numerical_gradient(lambda _: model.loss_and_grads(x, y)[0], p)
        assert_gradients_close(grads[name], num, name=name)
    assert repr(model) == "MLP(sizes=(4, 5, 3, 3))"


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda m: m.loss_and_grads(np.ones((3, 4)), np.array([0, 1, 3])), ValueError, r"class labels in 0\.\.2; got 3"),
        (lambda m: m.loss_and_grads(np.ones((3, 4)), np.array([0, 1])), ValueError, "y has 2 labels but x has 3 samples"),
        (lambda m: m.loss_and_grads(np.ones((3, 5)), np.array([0, 1, 2])), ValueError, "x has 5 features per sample"),
        (lambda m: m.loss_and_grads(np.ones(4), np.array([0])), ValueError, "x must be 2-D; got 1-D"),
        (lambda m: m.loss_and_grads(np.ones((3, 4)), np.array([0.0, 1, 2])), TypeError, "y must hold integer class labels"),
        (lambda m: m.predict(np.ones((2, 4, 1))), ValueError, "x must be 2-D; got 3-D"),
        (lambda m: m.forward(np.full((1, 4), np.nan)), ValueError, "x contains 4 NaN"),
        (
            lambda m: mlp_loss_and_grads(m.params, np.ones((2, 4)), np.ones((3, 2))),
            ValueError,
            r"target has shape \(2, 3\)|target has shape \(3, 2\)",
        ),
        (lambda m: mlp_backward(np.ones((2, 3)), mlp_forward(m.params, np.ones((3, 4)))[1]), ValueError, "dout has shape"),
    ],
)
def test_bad_inputs_raise_clear_errors(call, error, match):
    with pytest.raises(error, match=match):
        call(MLP((4, 5, 3, 3), seed=0))


@pytest.mark.parametrize(
    "sizes, error, match",
    [
        ((4,), ValueError, "sizes needs at least an input and an output width"),
        ((4, 0, 2), ValueError, "every layer width in sizes must be an integer >= 1"),
        ((4, 2.5, 2), ValueError, "every layer width"),
        (7, TypeError, "sizes must be a sequence of layer widths"),
    ],
)
def test_bad_sizes(sizes, error, match):
    with pytest.raises(error, match=match):
        init_mlp(sizes)


def test_bad_params():
    with pytest.raises(TypeError, match="params must be a dict with keys W1, b1"):
        mlp_forward({"W": np.ones((2, 2))}, np.ones((1, 2)))


def test_a_transposed_hidden_weight_matrix_is_named_with_the_shape_that_fits():
    params = init_mlp((4, 5, 3), seed=0)
    params["W2"] = params["W2"].T.copy()  # (5, 3) instead of (D_out, D_in) = (3, 5)
    with pytest.raises(
        ValueError,
        match=r"x has 5 features .* W has shape \(5, 3\), read as \(D_out, D_in\), so it expects D_in = 3; "
        r"did you pass W transposed\? \(W\.T, of shape \(3, 5\), would fit x\)",
    ):
        mlp_forward(params, np.ones((2, 4)))
