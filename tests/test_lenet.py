"""LeNet (seed 000) and the seed 004 network: counts, init bounds, whole-network gradient checks."""

import numpy as np
import pytest

from backprop.gradcheck import assert_gradients_close
from backprop.init import conv_fans, glorot_bound, table_a1_bound
from backprop.models import LeNet, Net004, conv_param_count, dense_param_count
from backprop.training import train


def test_seed000_parameter_counts():
    assert conv_param_count(1, 6, 5) == 156
    assert conv_param_count(6, 12, 5) == 1812
    assert dense_param_count(192, 10) == 1930
    net = LeNet()
    assert net.n_params == 156 + 1812 + 1930 == 3898
    assert {k: v.shape for k, v in net.params.items()} == {
        "W1": (6, 1, 5, 5), "b1": (6,), "W2": (12, 6, 5, 5), "b2": (12,), "W3": (10, 192), "b3": (10,),
    }


def test_seed004_parameter_count_is_6070_not_6170():
    terms = [4 * 5 * 5, 4 * 1, 24 * 5 * 5, 6 * 1, 50 * 96, 50 * 1, 10 * 50, 10 * 1]  # the handout's own terms
    assert sum(terms) == 6070
    net = Net004()
    assert net.n_params == 6070 != 6170
    assert conv_param_count(1, 4, 5) + conv_param_count(4, 6, 5) + dense_param_count(96, 50) + dense_param_count(50, 10) == 6070


def test_table_a1_values():
    zetas = [table_a1_bound(*conv_fans(1, 6, 5)), table_a1_bound(*conv_fans(6, 12, 5)), table_a1_bound(192, 10)]
    np.testing.assert_allclose(zetas, [0.0756, 0.0471, 0.0704], atol=5e-5)  # Table A.1, 4 decimals
    assert conv_fans(1, 6, 5) == (25, 150) and conv_fans(6, 12, 5) == (150, 300)
    for fi, fo in [(25, 150), (150, 300), (192, 10)]:
        assert glorot_bound(fi, fo) == pytest.approx(np.sqrt(6) * table_a1_bound(fi, fo), rel=1e-12)


def test_seed004_bounds():
    net = Net004()
    assert net.bounds["W1"] == pytest.approx(np.sqrt(6 / (5 * 25)))  # Glorot; the handout writes 4 / (5 * 25)
    assert net.bounds["W1"] != pytest.approx(np.sqrt(4 / (5 * 25)))
    assert net.bounds["W2"] == pytest.approx(np.sqrt(6 / (10 * 25)))
    assert net.bounds["W3"] == pytest.approx(np.sqrt(6 / 146))
    assert net.bounds["W4"] == pytest.approx(np.sqrt(6 / 60))
    for name, bound in net.bounds.items():
        w = net.params[name]
        assert np.abs(w).max() <= bound and np.abs(w).max() > 0.9 * bound
    assert all(not np.any(net.params[b]) for b in ("b1", "b2", "b3", "b4"))


def test_init_draws_within_table_a1_bounds():
    net = LeNet(seed=3)
    for name in ("W1", "W2", "W3"):
        assert np.abs(net.params[name]).max() <= net.bounds[name]
        assert np.abs(net.params[name]).max() > 0.9 * net.bounds[name]
    glorot = LeNet(seed=3, init="glorot")
    np.testing.assert_allclose(glorot.params["W2"], np.sqrt(6) * net.params["W2"], rtol=1e-12)


def _check_all_grads(model, x, y, tol=1e-6, max_entries=40, seed=0):
    loss, grads = model.loss_and_grads(x, y)
    rng = np.random.default_rng(seed)
    for name, p in model.params.items():
        flat = p.reshape(-1)
        idx = rng.choice(flat.size, size=min(max_entries, flat.size), replace=False)
        num = np.empty(idx.size)
        for j, i in enumerate(idx):
            old = flat[i]
            flat[i] = old + 1e-6
            lp = model.loss_and_grads(x, y)[0]
            flat[i] = old - 1e-6
            lm = model.loss_and_grads(x, y)[0]
            flat[i] = old
            num[j] = (lp - lm) / 2e-6
        assert_gradients_close(grads[name].reshape(-1)[idx], num, tol=tol, name=f"{type(model).__name__} {name}")


@pytest.mark.parametrize("init", ["table_a1", "glorot"])
def test_lenet_gradient_check(init):
    rng = np.random.default_rng(1)
    x, y = rng.random((3, 1, 28, 28)), np.array([0, 4, 9])
    _check_all_grads(LeNet(seed=2, init=init), x, y)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_net004_gradient_check(activation):
    rng = np.random.default_rng(2)
    x, y = rng.random((3, 1, 28, 28)), np.array([2, 2, 5])
    _check_all_grads(Net004(seed=4, activation=activation), x, y)


def test_lenet_loss_value():
    net = LeNet(seed=0)
    x, y = np.random.default_rng(0).random((2, 1, 28, 28)), np.array([3, 8])
    out = net.scores(x)
    t = np.zeros((2, 10))
    t[[0, 1], y] = 1
    assert net.loss_and_grads(x, y)[0] == pytest.approx(0.5 * np.sum((out - t) ** 2) / 2, rel=1e-12)
    assert np.all((out > 0) & (out < 1))


def test_net004_loss_value():
    net = Net004(seed=0)
    x, y = np.random.default_rng(0).random((2, 1, 28, 28)), np.array([3, 8])
    z = net.scores(x)
    logp = z - np.log(np.exp(z).sum(1, keepdims=True))
    assert net.loss_and_grads(x, y)[0] == pytest.approx(-logp[[0, 1], y].mean(), rel=1e-12)


def test_float32_models_stay_float32():
    for net in (LeNet(dtype=np.float32), Net004(dtype=np.float32)):
        x = np.random.default_rng(0).random((2, 1, 28, 28))
        loss, grads = net.loss_and_grads(x, np.array([1, 2]))
        assert all(g.dtype == np.float32 for g in grads.values())
        assert all(p.dtype == np.float32 for p in net.params.values())
        ref = type(net)(dtype=np.float64)
        assert ref.loss_and_grads(x, np.array([1, 2]))[0] == pytest.approx(loss, rel=1e-4)


def test_feature_maps_shapes_and_predict():
    x = np.random.default_rng(0).random((5, 1, 28, 28))
    maps = LeNet().feature_maps(x)
    assert {k: v.shape for k, v in maps.items()} == {
        "C1": (5, 6, 24, 24), "P1": (5, 6, 12, 12), "C2": (5, 12, 8, 8), "P2": (5, 12, 4, 4), "out": (5, 10)}
    np.testing.assert_allclose(maps["P1"][:, :, 0, 0], maps["C1"][:, :, :2, :2].mean(axis=(2, 3)), rtol=1e-12)
    net = Net004()
    np.testing.assert_array_equal(net.predict(x), net.scores(x).argmax(1))
    np.testing.assert_allclose(net.scores(x, batch_size=2), net.forward(x)[0], rtol=1e-12)


def test_training_lowers_the_loss():
    rng = np.random.default_rng(0)
    x = rng.random((40, 1, 28, 28)) * 0.1
    y = np.arange(40) % 2
    x[y == 1, :, 10:18, 10:18] += 0.8  # class 1 has a bright square
    net = Net004(seed=0)
    hist = train(net, x, y, epochs=8, learning_rate=0.1, batch_size=8, seed=0, progress=False)
    assert hist.train_loss[-1] < 0.5 * hist.train_loss[0]
    assert hist.train_accuracy[-1] == 1.0


def test_bad_input():
    net = LeNet()
    with pytest.raises(ValueError, match=r"x has shape \(2, 1, 32, 32\) but \(N, 1, 28, 28\) was expected"):
        net.loss_and_grads(np.zeros((2, 1, 32, 32)), np.array([0, 1]))
    with pytest.raises(ValueError, match=r"x must be 4-D"):
        net.predict(np.zeros((2, 784)))
    with pytest.raises(ValueError, match=r"init must be one of 'table_a1', 'glorot'; got 'xavier'"):
        LeNet(init="xavier")
    with pytest.raises(ValueError, match=r"activation must be one of"):
        Net004(activation="softplus")
    with pytest.raises(TypeError, match=r"dtype must be a floating-point type"):
        Net004(dtype=np.int32)
    with pytest.raises(ValueError, match=r"fan_in must be an integer >= 1; got 0"):
        glorot_bound(0, 10)
    with pytest.raises(ValueError, match=r"y"):
        net.loss_and_grads(np.zeros((2, 1, 28, 28)), np.array([0, 10]))
