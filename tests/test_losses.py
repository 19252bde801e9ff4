"""Tests of backprop.losses: values against independent formulas, gradients against finite
differences for both reductions, the undefined cases and bad inputs."""

import numpy as np
import pytest

from backprop import (
    binary_cross_entropy,
    binary_cross_entropy_grad,
    categorical_cross_entropy,
    categorical_cross_entropy_grad,
    l1,
    l1_grad,
    l2,
    l2_grad,
    mae,
    mae_grad,
    mape,
    mape_grad,
    mse,
    mse_grad,
    msle,
    msle_grad,
    softmax,
)
from backprop.gradcheck import assert_gradients_close, numerical_gradient

PAIRS = [
    (mse, mse_grad),
    (msle, msle_grad),
    (l2, l2_grad),
    (l1, l1_grad),
    (mae, mae_grad),
    (mape, mape_grad),
    (binary_cross_entropy, binary_cross_entropy_grad),
    (categorical_cross_entropy, categorical_cross_entropy_grad),
]


def _data(seed, shape=(4, 3)):
    rng = np.random.default_rng(seed)
    output = rng.uniform(0.05, 0.95, size=shape)
    target = rng.uniform(0.05, 0.95, size=shape)
    return output, target


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("reduction", ["sum", "mean"])
@pytest.mark.parametrize("loss, grad", PAIRS, ids=[p[0].__name__ for p in PAIRS])
def test_gradients_match_finite_differences(seed, reduction, loss, grad):
    output, target = _data(seed)
    num = numerical_gradient(lambda o: loss(o, target, reduction), output.copy())
    assert_gradients_close(grad(output, target, reduction), num, tol=1e-7)


@pytest.mark.parametrize("loss, grad", PAIRS, ids=[p[0].__name__ for p in PAIRS])
def test_mean_is_sum_over_n(loss, grad):
    output, target = _data(5, shape=(6, 2))
    np.testing.assert_allclose(loss(output, target, "mean"), loss(output, target, "sum") / 6, rtol=1e-14)
    np.testing.assert_allclose(grad(output, target, "mean"), grad(output, target, "sum") / 6, rtol=1e-14)


def test_values_against_independent_formulas():
    o = np.array([[1.0, 2.0], [3.0, 5.0]])
    t = np.array([[2.0, 2.0], [1.0, 4.0]])
    # per-sample sums over K: |d| = (1, 0), (2, 1); d^2 = (1, 0), (4, 1)
    assert mse(o, t) == pytest.approx((1 + 0 + 4 + 1) / 2, rel=1e-15)
    assert l2(o, t) == pytest.approx(6.0, rel=1e-15)
    assert l2(o, t) == pytest.approx(np.linalg.norm(o - t) ** 2, rel=1e-15)  # the square of the norm
    assert l1(o, t) == pytest.approx(4.0, rel=1e-15)
    assert mae(o, t) == pytest.approx(2.0, rel=1e-15)
    assert mape(o, t) == pytest.approx(100 * (0.5 + 0 + 2 + 0.25) / 2, rel=1e-15)
    expected = ((np.log(2) - np.log(3)) ** 2 + 0 + (np.log(4) - np.log(2)) ** 2 + (np.log(6) - np.log(5)) ** 2) / 2
    assert msle(o, t) == pytest.approx(expected, rel=1e-14)
    assert msle(t, t) == 0.0  # a perfect prediction costs nothing
    np.testing.assert_allclose(mse_grad(o, t), 2 * (o - t) / 2, rtol=1e-15)


def test_binary_cross_entropy_is_bernoulli_nll():
    p = np.array([[0.9, 0.2], [0.3, 0.6]])
    y = np.array([[1.0, 0.0], [1.0, 1.0]])
    pmf = np.where(y == 1.0, p, 1.0 - p)  # P(Y = y) for Y ~ Bernoulli(p)
    assert binary_cross_entropy(p, y) == pytest.approx(-np.sum(np.log(pmf)) / 2, rel=1e-14)
    # 0 log 0 = 0: a confident, correct prediction costs 0
    assert binary_cross_entropy(np.array([[0.0, 1.0]]), np.array([[0.0, 1.0]])) == 0.0
    np.testing.assert_array_equal(
        binary_cross_entropy_grad(np.array([[0.0, 1.0]]), np.array([[0.0, 1.0]])), [[1.0, -1.0]]
    )


def test_categorical_cross_entropy_values_and_labels():
    p = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    labels = np.array([0, 2])
    onehot = np.eye(3)[labels]
    assert categorical_cross_entropy(p, labels) == pytest.approx(-(np.log(0.7) + np.log(0.8)) / 2, rel=1e-14)
    assert categorical_cross_entropy(p, onehot, "sum") == pytest.approx(-(np.log(0.7) + np.log(0.8)), rel=1e-14)
    np.testing.assert_array_equal(categorical_cross_entropy_grad(p, labels), categorical_cross_entropy_grad(p, onehot))
    # an exact zero in a class the target does not need is fine (0 log 0 = 0)
    assert categorical_cross_entropy(np.array([[1.0, 0.0]]), np.array([0])) == 0.0


def test_cce_after_softmax_gives_softmax_minus_target():
    from backprop import softmax_backward, softmax_forward

    rng = np.random.default_rng(7)
    z = rng.normal(size=(5, 4))
    labels = rng.integers(0, 4, size=5)
    s, cache = softmax_forward(z)
    dz = softmax_backward(categorical_cross_entropy_grad(s, labels), cache)
    np.testing.assert_allclose(dz, (softmax(z) - np.eye(4)[labels]) / 5, rtol=1e-10, atol=1e-15)


def test_undefined_cases_raise():
    o, t = _data(0)
    t0 = t.copy()
    t0[1, 2] = 0.0
    with pytest.raises(ValueError, match=r"target contains zeros \(1 entry, the first at index \(1, 2\)\): MAPE divides"):
        mape(o, t0)
    with pytest.raises(ValueError, match="MAPE divides"):
        mape_grad(o, t0)
    with pytest.raises(ValueError, match=r"output has values <= -1 .*log\(1 \+ output\)"):
        msle(o - 2.0, t)
    with pytest.raises(ValueError, match=r"target has values <= -1"):
        msle_grad(o, t - 2.0)
    with pytest.raises(ValueError, match=r"output must hold probabilities in \[0, 1\].*Did you pass logits"):
        binary_cross_entropy(o + 1.0, t)
    with pytest.raises(ValueError, match=r"target must hold probabilities in \[0, 1\]"):
        binary_cross_entropy_grad(o, t - 1.0)
    with pytest.raises(ValueError, match=r"output is exactly 0 where target > 0.*log\(0\)"):
        binary_cross_entropy(np.array([[0.0]]), np.array([[1.0]]))
    with pytest.raises(ValueError, match=r"exactly 1 where target < 1"):
        binary_cross_entropy_grad(np.array([[1.0]]), np.array([[0.5]]))
    with pytest.raises(ValueError, match=r"output is exactly 0 in a class that the target needs"):
        categorical_cross_entropy(np.array([[1.0, 0.0]]), np.array([1]))
    with pytest.raises(ValueError, match=r"output must hold probabilities"):
        categorical_cross_entropy(np.array([[1.5, -0.5]]), np.array([0]))


def test_bad_inputs_raise():
    o, t = _data(0)
    with pytest.raises(ValueError, match=r"output has shape \(4, 3\) but target has shape \(3, 4\).*transposed"):
        mse(o, t.T)
    with pytest.raises(ValueError, match="reduction must be one of 'sum', 'mean'; got 'avg'"):
        l1_grad(o, t, "avg")
    with pytest.raises(TypeError, match="target must hold real floating-point numbers"):
        mae(o, t.astype(int))
    with pytest.raises(TypeError, match=r"target holds integers of shape \(4,\) .*one-hot encode them with backprop.one_hot\(target, 3\)"):
        mse(o, np.array([0, 1, 2, 1]))
    with pytest.raises(ValueError, match=r"target must hold class labels in 0\.\.2; got 3 at index 1"):
        categorical_cross_entropy(o, np.array([0, 3, 1, 2]))
    with pytest.raises(ValueError, match=r"target must hold class labels in 0\.\.2; got -1"):
        categorical_cross_entropy_grad(o, np.array([0, -1, 1, 2]))
    with pytest.raises(ValueError, match=r"target has 2 labels but output has 4 samples"):
        categorical_cross_entropy(o, np.array([0, 1]))
    with pytest.raises(ValueError, match="NaN or infinite"):
        binary_cross_entropy(np.full((1, 1), np.nan), np.ones((1, 1)))
    with pytest.raises(ValueError, match=r"target of shape \(4,\) holds floats: pass integer class labels .*astype\(int\)"):
        categorical_cross_entropy(o, np.array([0.0, 2.0, 1.0, 2.0]))


def test_categorical_cross_entropy_takes_a_list_of_labels():
    o, _ = _data(0)
    labels = [0, 2, 1, 2]
    assert categorical_cross_entropy(o, labels) == categorical_cross_entropy(o, np.array(labels))
    np.testing.assert_array_equal(categorical_cross_entropy_grad(o, labels), categorical_cross_entropy_grad(o, np.array(labels)))


def test_abs_losses_subgradient_at_zero():
    o = np.array([[1.0, 2.0]])
    np.testing.assert_array_equal(l1_grad(o, o), [[0.0, 0.0]])
    np.testing.assert_array_equal(mape_grad(o, o), [[0.0, 0.0]])
