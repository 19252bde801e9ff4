"""The shared training loop: SGD steps, weight decay, determinism, input checks, progress text."""

import io

import numpy as np
import pytest

from backprop import MLP, EpochProgress, History, apply_weight_decay, format_epoch_line, sgd_step, train
from backprop.figures import plot_history
from backprop.training import accuracy, check_labels
from figure_checks import assert_readable_at_column_width


def _blobs(seed=0, n_per_class=20, d=4, k=3):
    """k well-separated Gaussian blobs in d dimensions: a tiny problem an MLP learns quickly."""
    rng = np.random.default_rng(seed)
    centers = rng.normal(scale=3.0, size=(k, d))
    x = np.concatenate([c + rng.normal(size=(n_per_class, d)) for c in centers])
    y = np.repeat(np.arange(k), n_per_class)
    return x, y


class ZeroGradModel:
    """A model whose data gradient is zero: after one step only weight decay has moved the params."""

    def __init__(self):
        rng = np.random.default_rng(3)
        self.params = {"W1": rng.normal(size=(3, 2)), "b1": rng.normal(size=3), "w_kernel": rng.normal(size=(2, 2))}

    def loss_and_grads(self, x, y):
        return 1.5, {k: np.zeros_like(v) for k, v in self.params.items()}

    def predict(self, x):
        return np.zeros(x.shape[0], dtype=int)


class ConstantGradModel(ZeroGradModel):
    def loss_and_grads(self, x, y):
        return 0.25, {k: np.full_like(v, 0.5) for k, v in self.params.items()}


def test_train_decreases_the_loss_and_learns_blobs():
    x, y = _blobs()
    model = MLP((4, 8, 6, 3), seed=1)
    hist = train(model, x, y, epochs=30, learning_rate=2.0, batch_size=8, seed=0, x_test=x, y_test=y, progress=False)
    assert isinstance(hist, History) and hist.epochs == 30
    assert hist.train_loss[-1] < 0.5 * hist.train_loss[0]
    assert hist.train_accuracy[-1] >= 0.9 > hist.train_accuracy[0]
    assert hist.test_accuracy == hist.train_accuracy  # same data as test set


def test_train_is_deterministic_for_a_fixed_seed_and_depends_on_it():
    x, y = _blobs(seed=2)
    runs = []
    for seed in (5, 5, 6):
        model = MLP((4, 5, 4, 3), seed=0)
        runs.append((train(model, x, y, epochs=4, learning_rate=1.0, batch_size=7, seed=seed, progress=False), model))
    (h1, m1), (h2, m2), (h3, _) = runs
    assert h1 == h2
    for name in m1.params:
        np.testing.assert_array_equal(m1.params[name], m2.params[name])
    assert h1.train_loss != h3.train_loss  # another shuffling seed gives another trajectory


def test_one_epoch_one_batch_is_one_sgd_step_eq_a10():
    x, y = _blobs(seed=4, n_per_class=3)
    model = MLP((4, 3, 3, 3), seed=2)
    before = {k: v.copy() for k, v in model.params.items()}
    loss, grads = model.loss_and_grads(x, y)
    hist = train(model, x, y, epochs=1, learning_rate=0.3, batch_size=len(y), seed=0, progress=False)
    assert hist.train_loss == [pytest.approx(loss, rel=1e-14)]
    for k in before:
        np.testing.assert_allclose(model.params[k], before[k] - 0.3 * grads[k], rtol=1e-14, atol=1e-15)


def test_weight_decay_adds_exactly_lambda_w_to_weights_and_nothing_to_biases():
    model = ZeroGradModel()
    before = {k: v.copy() for k, v in model.params.items()}
    x, y = np.ones((4, 2)), np.zeros(4, dtype=int)
    train(model, x, y, epochs=1, learning_rate=0.1, batch_size=4, seed=0, weight_decay=0.2, progress=False)
    np.testing.assert_allclose(model.params["W1"], before["W1"] * (1 - 0.1 * 0.2), rtol=1e-15)
    np.testing.assert_allclose(model.params["w_kernel"], before["w_kernel"] * (1 - 0.1 * 0.2), rtol=1e-15)
    np.testing.assert_array_equal(model.params["b1"], before["b1"])


def test_apply_weight_decay_is_the_gradient_of_the_l2_penalty():
    model = ConstantGradModel()
    grads = model.loss_and_grads(None, None)[1]
    out = apply_weight_decay(model.params, grads, 0.3)
    np.testing.assert_allclose(out["W1"], 0.5 + 0.3 * model.params["W1"], rtol=1e-15)
    np.testing.assert_allclose(out["w_kernel"], 0.5 + 0.3 * model.params["w_kernel"], rtol=1e-15)
    np.testing.assert_array_equal(out["b1"], grads["b1"])
    # finite differences of lambda/2 ||W||^2
    W = model.params["W1"]
    h = 1e-6
    num = np.zeros_like(W)
    for idx in np.ndindex(W.shape):
        old = W[idx]
        W[idx] = old + h
        fp = 0.15 * np.sum(W**2)
        W[idx] = old - h
        fm = 0.15 * np.sum(W**2)
        W[idx] = old
        num[idx] = (fp - fm) / (2 * h)
    np.testing.assert_allclose(out["W1"] - 0.5, num, rtol=1e-7)


def test_sgd_step_updates_in_place():
    params = {"W": np.array([[1.0, 2.0]]), "b": np.array([3.0])}
    alias = params["W"]
    sgd_step(params, {"W": np.array([[0.5, -1.0]]), "b": np.array([2.0])}, 0.5)
    np.testing.assert_array_equal(alias, [[0.75, 2.5]])
    np.testing.assert_array_equal(params["b"], [2.0])


def test_progress_prints_one_deterministic_line_per_epoch(capsys):
    x, y = _blobs(seed=1, n_per_class=5)
    outputs = []
    for _ in range(2):
        train(MLP((4, 3, 3, 3), seed=0), x, y, epochs=3, learning_rate=1.0, batch_size=4, seed=0, x_test=x, y_test=y)
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    lines = outputs[0].splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("epoch 1/3 [###-------] loss ")
    assert lines[2].startswith("epoch 3/3 [##########] loss ")
    assert "test acc" in lines[0] and "\r" not in outputs[0]
    train(MLP((4, 3, 3, 3), seed=0), x, y, epochs=2, learning_rate=1.0, batch_size=4, seed=0, progress=False)
    assert capsys.readouterr().out == ""


def test_format_epoch_line_values():
    assert format_epoch_line(5, 10, 0.123456, 0.5, 0.25) == (
        "epoch  5/10 [#####-----] loss 0.1235  train acc 0.5000  test acc 0.2500"
    )
    assert format_epoch_line(1, 1, 1.0, 1.0) == "epoch 1/1 [##########] loss 1.0000  train acc 1.0000"
    with pytest.raises(ValueError, match="epoch must be between 1 and epochs = 3; got 4"):
        format_epoch_line(4, 3, 0.0, 0.0)
    buf = io.StringIO()
    bar = EpochProgress(2, file=buf)
    bar.update(1, 0.5, 0.75)
    assert buf.getvalue() == "epoch 1/2 [#####-----] loss 0.5000  train acc 0.7500\n"
    assert bar.lines == [buf.getvalue().rstrip("\n")]


def test_accuracy_and_labels():
    assert accuracy(np.array([0, 1, 2, 2]), np.array([0, 1, 1, 2])) == 0.75
    with pytest.raises(TypeError, match="y must hold integer class labels; got dtype float64"):
        check_labels("y", np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match=r"y must hold class labels in 0\.\.2; got 3"):
        check_labels("y", np.array([0, 3]), n_classes=3)
    with pytest.raises(ValueError, match="got -1"):
        check_labels("y", np.array([0, -1]))
    with pytest.raises(TypeError, match=r"one-hot targets\? pass labels.argmax"):
        check_labels("y", np.eye(3))


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"y_train": np.zeros(5, dtype=int)}, ValueError, "y_train has 5 labels but x has 6 samples"),
        ({"x_train": np.ones(6)}, ValueError, r"x_train must have one sample per row, shape \(N, \.\.\.\)"),
        ({"x_train": np.ones((6, 2), dtype=int)}, TypeError, "x_train must hold real floating-point numbers"),
        ({"y_train": np.array([0, 1, 2, 0, 1, 7])}, ValueError, r"y must hold class labels in 0\.\.2; got 7"),
        ({"y_train": np.zeros(6)}, TypeError, "y_train must hold integer class labels"),
        ({"epochs": 0}, ValueError, "epochs must be an integer >= 1; got 0"),
        ({"batch_size": 2.5}, TypeError, "batch_size must be an integer >= 1"),
        ({"learning_rate": -1.0}, ValueError, "learning_rate must be a finite number >= 0; got -1.0"),
        ({"learning_rate": 0.0}, ValueError, "learning_rate must be > 0"),
        ({"weight_decay": -0.1}, ValueError, "weight_decay must be a finite number >= 0"),
        ({"x_test": np.ones((3, 2))}, ValueError, "give both x_test and y_test, or neither"),
        (
            {"x_test": np.ones((3, 5)), "y_test": np.zeros(3, dtype=int)},
            ValueError,
            r"x_test has samples of shape \(5,\) but x_train has \(2,\)",
        ),
        ({"seed": 1.5}, TypeError, "seed must be an integer"),
    ],
)
def test_train_rejects_bad_inputs(kwargs, error, match):
    args = {
        "x_train": np.ones((6, 2)),
        "y_train": np.array([0, 1, 2, 0, 1, 2]),
        "epochs": 1,
        "learning_rate": 0.1,
        "batch_size": 2,
        "seed": 0,
        "progress": False,
    }
    args.update(kwargs)
    x, y = args.pop("x_train"), args.pop("y_train")
    with pytest.raises(error, match=match):
        train(MLP((2, 3, 3), seed=0), x, y, **args)


def test_train_rejects_objects_that_are_not_models():
    with pytest.raises(TypeError, match="model must have params, loss_and_grads"):
        train(object(), np.ones((2, 2)), np.zeros(2, dtype=int), epochs=1, learning_rate=0.1, batch_size=1, seed=0)


def test_train_rejects_gradients_that_do_not_match_params():
    class Bad(ZeroGradModel):
        def loss_and_grads(self, x, y):
            return 0.0, {"W1": np.zeros((2, 3)), "b1": np.zeros(3), "w_kernel": np.zeros((2, 2))}

    with pytest.raises(ValueError, match=r"gradient 'W1' has shape \(2, 3\) but parameter 'W1' has shape \(3, 2\)"):
        train(Bad(), np.ones((2, 2)), np.zeros(2, dtype=int), epochs=1, learning_rate=0.1, batch_size=1, seed=0)


def test_train_stops_on_a_nan_loss():
    class Nan(ZeroGradModel):
        def loss_and_grads(self, x, y):
            return float("nan"), super().loss_and_grads(x, y)[1]

    with pytest.raises(FloatingPointError, match="try a smaller learning_rate"):
        train(Nan(), np.ones((2, 2)), np.zeros(2, dtype=int), epochs=1, learning_rate=0.1, batch_size=1, seed=0)


def test_plot_history_draws_the_recorded_curves():
    hist = History(train_loss=[0.5, 0.25], train_accuracy=[0.5, 0.75], test_accuracy=[0.4, 0.7])
    fig = plot_history(hist, title="t")
    ax_loss, ax_acc = fig.axes
    np.testing.assert_array_equal(ax_loss.lines[0].get_ydata(), [0.5, 0.25])
    np.testing.assert_array_equal(ax_acc.lines[1].get_ydata(), [0.4, 0.7])
    with pytest.raises(ValueError, match="at least one epoch"):
        plot_history(History())



def test_plot_history_is_readable_at_the_column_width():
    # every label >= 10 pt in a figure the column does not shrink; a long title is wrapped so
    # it stays inside the figure
    from matplotlib.text import Text

    hist = History(train_loss=[0.5, 0.25], train_accuracy=[0.5, 0.75], test_accuracy=[0.4, 0.7])
    fig = plot_history(hist, title="a 64-32-16-10 network, learning rate 4, 1000 training digits: "
                                   "test accuracy 0.912 after ten epochs")
    texts = [t for t in fig.findobj(Text) if t.get_text() and t.get_visible()]
    titles = [t for t in texts if "0.912" in t.get_text()]
    assert titles, "the title is not drawn"
    assert_readable_at_column_width(fig, texts, inside=titles)


def _two_params():
    return {"W": np.array([[1.0, 2.0]]), "b": np.array([0.5])}


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_sgd_step_refuses_a_nonfinite_gradient_and_leaves_params_unchanged(bad):
    params = _two_params()
    before = {k: v.copy() for k, v in params.items()}
    grads = {"W": np.array([[0.1, 0.1]]), "b": np.array([bad])}
    with pytest.raises(FloatingPointError, match=r"gradient 'b' has 1 NaN or infinite.*smaller learning_rate"):
        sgd_step(params, grads, 0.1)
    for k in params:
        np.testing.assert_array_equal(params[k], before[k])


def test_sgd_step_refuses_an_overflowing_update():
    params = {"W": np.array([[1e308]]), "b": np.array([0.0])}
    with pytest.raises(FloatingPointError, match=r"update of parameter 'W' overflowed.*smaller learning_rate"):
        sgd_step(params, {"W": np.array([[-1e308]]), "b": np.array([0.0])}, 10.0)
    assert params["W"][0, 0] == 1e308


@pytest.mark.parametrize("lr, error", [(0.0, ValueError), (-1.0, ValueError), (np.nan, ValueError), (np.inf, ValueError), ("0.1", TypeError), (None, TypeError)])
def test_sgd_step_validates_the_learning_rate(lr, error):
    with pytest.raises(error, match="learning_rate"):
        sgd_step(_two_params(), {"W": np.zeros((1, 2)), "b": np.zeros(1)}, lr)


def test_apply_weight_decay_refuses_nonfinite_values():
    with pytest.raises(FloatingPointError, match="gradient 'W'"):
        apply_weight_decay(_two_params(), {"W": np.array([[np.nan, 0.0]]), "b": np.zeros(1)}, 0.1)
    with pytest.raises(FloatingPointError, match="overflowed.*weight_decay"):
        apply_weight_decay({"W": np.array([[1e308]]), "b": np.zeros(1)}, {"W": np.array([[1e308]]), "b": np.zeros(1)}, 1.0)


def test_train_names_the_parameter_and_the_step_of_a_nan_gradient():
    class NanGrad(ZeroGradModel):
        calls = 0

        def loss_and_grads(self, x, y):
            loss, grads = super().loss_and_grads(x, y)
            NanGrad.calls += 1
            if NanGrad.calls == 2:
                grads = {k: np.full_like(v, np.nan) if k == "b1" else v for k, v in grads.items()}
            return loss, grads

    model = NanGrad()
    before = {k: v.copy() for k, v in model.params.items()}
    with pytest.raises(FloatingPointError, match=r"gradient 'b1' .* at step 2 \(epoch 1.*smaller learning_rate"):
        train(model, np.ones((2, 2)), np.zeros(2, dtype=int), epochs=1, learning_rate=0.1, batch_size=1, seed=0)
    for k in before:
        assert np.all(np.isfinite(model.params[k]))
