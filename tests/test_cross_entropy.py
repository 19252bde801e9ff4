"""Tests of backprop.cross_entropy: stable losses from logits and their fused gradients."""

import numpy as np
import pytest

from backprop.cross_entropy import (
    log_softmax,
    logsumexp,
    naive_sigmoid_bce,
    naive_softmax_cross_entropy,
    sigmoid_bce,
    sigmoid_bce_backward,
    softmax_cross_entropy,
    softmax_cross_entropy_backward,
)
from backprop.data import one_hot
from backprop.gradcheck import assert_gradients_close, numerical_gradient
from backprop.models import SoftmaxClassifier

SEEDS = [0, 1, 2, 3]


def _case(seed, n=None, k=None):
    rng = np.random.default_rng(seed)
    n = n or int(rng.integers(1, 6))
    k = k or int(rng.integers(2, 6))
    z = rng.normal(scale=2.0, size=(n, k))
    labels = rng.integers(0, k, size=n)
    return rng, z, labels


# ----------------------------------------------------------------------------- logsumexp, log_softmax
@pytest.mark.parametrize("seed", SEEDS)
def test_logsumexp_matches_the_direct_formula_for_moderate_logits(seed):
    _, z, _ = _case(seed)
    np.testing.assert_allclose(logsumexp(z), np.log(np.exp(z).sum(axis=1)), rtol=1e-13)
    np.testing.assert_allclose(logsumexp(z[0]), np.log(np.exp(z[0]).sum()), rtol=1e-13)
    assert isinstance(logsumexp(z[0]), float)


def test_logsumexp_is_exact_for_huge_logits():
    z = np.array([[1000.0, 1000.0], [-1000.0, -1000.0], [1000.0, -1000.0]])
    np.testing.assert_allclose(logsumexp(z), [1000.0 + np.log(2.0), -1000.0 + np.log(2.0), 1000.0], rtol=1e-15)


def test_log_softmax_rows_exponentiate_to_probabilities_and_are_exact_at_1000():
    _, z, _ = _case(5, n=4, k=3)
    p = np.exp(log_softmax(z))
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-14)
    np.testing.assert_allclose(p, np.exp(z) / np.exp(z).sum(axis=1, keepdims=True), rtol=1e-13)
    np.testing.assert_array_equal(log_softmax(np.array([1000.0, -1000.0])), [0.0, -2000.0])


# ----------------------------------------------------------------------------- softmax + cross-entropy
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_softmax_cross_entropy_value_and_gradient(seed, reduction):
    _, z, labels = _case(seed)
    n, k = z.shape
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    expected = -np.log(p[np.arange(n), labels]).sum() / (n if reduction == "mean" else 1)
    np.testing.assert_allclose(softmax_cross_entropy(z, labels, reduction), expected, rtol=1e-13)
    grad = softmax_cross_entropy_backward(z, labels, reduction)
    num = numerical_gradient(lambda v: softmax_cross_entropy(v, labels, reduction), z.copy())
    assert_gradients_close(grad, num, tol=1e-7)
    # integer labels and one-hot rows give the same loss and gradient
    t = one_hot(labels, k)
    np.testing.assert_allclose(softmax_cross_entropy(z, t, reduction), softmax_cross_entropy(z, labels, reduction), rtol=1e-15)
    np.testing.assert_allclose(softmax_cross_entropy_backward(z, t, reduction), grad, rtol=1e-15)


def test_softmax_gradient_is_probabilities_minus_targets_over_n():
    z = np.array([[0.0, 0.0], [np.log(3.0), 0.0]])
    grad = softmax_cross_entropy_backward(z, np.array([0, 1]))
    np.testing.assert_allclose(grad, np.array([[0.5 - 1, 0.5], [0.75, 0.25 - 1]]) / 2, rtol=1e-14)


def test_softmax_cross_entropy_soft_targets_gradient():
    rng, z, _ = _case(7, n=3, k=4)
    t = rng.dirichlet(np.ones(4), size=3)
    num = numerical_gradient(lambda v: softmax_cross_entropy(v, t), z.copy())
    assert_gradients_close(softmax_cross_entropy_backward(z, t), num, tol=1e-7)


def test_softmax_cross_entropy_is_exact_at_plus_minus_1000_where_the_naive_form_is_not():
    z = np.array([[1000.0, -1000.0], [1000.0, -1000.0]])
    labels = np.array([0, 1])
    assert softmax_cross_entropy(z, labels) == 1000.0  # (0 + 2000) / 2
    assert softmax_cross_entropy(z, labels, "sum") == 2000.0
    np.testing.assert_array_equal(softmax_cross_entropy_backward(z, labels), [[0.0, 0.0], [0.5, -0.5]])
    with np.errstate(all="ignore"):
        assert not np.isfinite(naive_softmax_cross_entropy(z, labels))
    # and the naive form agrees where it can
    z_small = np.array([[1.0, -0.5, 0.2]])
    np.testing.assert_allclose(naive_softmax_cross_entropy(z_small, np.array([2])), softmax_cross_entropy(z_small, np.array([2])), rtol=1e-14)


# ----------------------------------------------------------------------------- sigmoid + BCE
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_sigmoid_bce_value_and_gradient(seed, reduction):
    rng, z, _ = _case(seed)
    y = rng.uniform(size=z.shape)
    y[0, 0] = 1.0
    a = 1.0 / (1.0 + np.exp(-z))
    expected = -(y * np.log(a) + (1 - y) * np.log(1 - a)).sum() / (z.shape[0] if reduction == "mean" else 1)
    np.testing.assert_allclose(sigmoid_bce(z, y, reduction), expected, rtol=1e-12)
    np.testing.assert_allclose(sigmoid_bce_backward(z, y, reduction), (a - y) / (z.shape[0] if reduction == "mean" else 1), rtol=1e-12)
    num = numerical_gradient(lambda v: sigmoid_bce(v, y, reduction), z.copy())
    assert_gradients_close(sigmoid_bce_backward(z, y, reduction), num, tol=1e-7)


def test_sigmoid_bce_is_exact_at_plus_minus_1000_where_the_naive_form_is_not():
    z = np.array([[1000.0, -1000.0, 1000.0, -1000.0]])
    y = np.array([[1.0, 0.0, 0.0, 1.0]])
    assert sigmoid_bce(z, y) == 2000.0  # 0 + 0 + 1000 + 1000
    np.testing.assert_array_equal(sigmoid_bce_backward(z, y), [[0.0, 0.0, 1.0, -1.0]])
    with np.errstate(all="ignore"):
        assert np.isnan(naive_sigmoid_bce(z[:, :1], y[:, :1]))  # 0 * log(0)
        assert np.isinf(naive_sigmoid_bce(z[:, 2:3], y[:, 2:3]))  # log(0)


# ----------------------------------------------------------------------------- bad input
def test_bad_inputs_name_the_argument():
    z = np.zeros((2, 3))
    with pytest.raises(ValueError, match=r"target must hold class labels in 0\.\.2"):
        softmax_cross_entropy(z, np.array([0, 3]))
    with pytest.raises(ValueError, match="target has 3 labels but logits has 2 samples"):
        softmax_cross_entropy_backward(z, np.array([0, 1, 2]))
    with pytest.raises(ValueError, match="row 1 sums to 0.5"):
        softmax_cross_entropy(z, np.array([[1.0, 0, 0], [0.5, 0, 0]]))
    with pytest.raises(ValueError, match=r"logits has shape \(2, 3\) but target has shape \(3, 2\).*transposed"):
        softmax_cross_entropy(z, np.ones((3, 2)) / 2)
    with pytest.raises(ValueError, match="logits must be 2-D"):
        softmax_cross_entropy(np.zeros(3), np.array([0]))
    with pytest.raises(ValueError, match="logits contains 1 NaN"):
        sigmoid_bce(np.array([[np.nan, 0.0]]), np.zeros((1, 2)))
    with pytest.raises(ValueError, match=r"y must hold binary targets.*\[0, 1\]; got 2 at index \(0, 0\)"):
        sigmoid_bce_backward(z, np.full((2, 3), 2.0))
    with pytest.raises(ValueError, match=r"target must hold probabilities in \[0, 1\].*got -0.5 at index \(1, 2\)"):
        softmax_cross_entropy(z, np.array([[1.0, 0.0, 0.0], [0.5, 1.0, -0.5]]))
    with pytest.raises(ValueError, match=r"target of shape \(2,\) holds floats: pass integer class labels"):
        softmax_cross_entropy_backward(z, np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match="reduction must be one of"):
        sigmoid_bce(z, np.zeros((2, 3)), reduction="avg")
    with pytest.raises(TypeError, match="y must hold real floating-point numbers"):
        sigmoid_bce(z, np.zeros((2, 3), dtype=int))
    with pytest.raises(TypeError, match="target must hold real floating-point numbers"):
        softmax_cross_entropy(z, np.array([[True, False, False], [True, False, False]]))
    with pytest.raises(ValueError, match="z is empty"):
        logsumexp(np.zeros((0, 3)))


# ----------------------------------------------------------------------------- the classifier model
@pytest.mark.parametrize("seed", [0, 1])
def test_softmax_classifier_gradients_match_finite_differences(seed):
    rng = np.random.default_rng(seed)
    model = SoftmaxClassifier((5, 4, 3, 3), seed=seed)
    for name in model.params:  # biases away from 0 so that ReLU kinks are not hit by the check
        model.params[name] += rng.normal(scale=0.1, size=model.params[name].shape)
    x = rng.normal(size=(6, 5))
    labels = rng.integers(0, 3, size=6)
    loss, grads = model.loss_and_grads(x, labels)
    np.testing.assert_allclose(loss, softmax_cross_entropy(model.logits(x), labels), rtol=1e-15)
    for name, p in model.params.items():
        num = numerical_gradient(lambda _: model.loss_and_grads(x, labels)[0], p)
        assert_gradients_close(grads[name], num, tol=1e-7, name=name)
    np.testing.assert_array_equal(model.predict(x), np.argmax(model.logits(x), axis=1))
    expected_norm = np.sqrt(sum(np.sum(model.params[f"W{i}"] ** 2) for i in (1, 2, 3)))
    np.testing.assert_allclose(model.weight_norm(), expected_norm, rtol=1e-14)


def test_softmax_classifier_rejects_wrong_feature_count():
    model = SoftmaxClassifier((4, 2), seed=0)
    with pytest.raises(ValueError, match=r"x has shape \(3, 5\) but \(any, 4\) was expected"):
        model.predict(np.zeros((3, 5)))
    with pytest.raises(ValueError, match="layer_sizes needs at least"):
        SoftmaxClassifier((4,))


# ----------------------------------------------------------------------------- against the classroom and train()
def test_package_gradients_pass_the_classroom_checker():
    from backprop.classroom import check

    assert check(softmax_cross_entropy_backward, exercise="softmax_cross_entropy_backward").passed
    assert check(sigmoid_bce_backward, exercise="sigmoid_bce_backward").passed


def test_weight_decay_in_train_shrinks_the_weights_of_the_classifier():
    from backprop.training import train

    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 4))
    labels = (x[:, 0] + x[:, 1] > 0).astype(np.int64)
    norms = {}
    for wd in (0.0, 0.5):
        model = SoftmaxClassifier((4, 6, 2), seed=1)
        start = model.weight_norm()
        train(model, x, labels, epochs=5, learning_rate=0.1, batch_size=10, seed=0, weight_decay=wd, progress=False)
        norms[wd] = model.weight_norm()
    assert norms[0.5] < start < norms[0.0]
