"""The classroom explorer of "Updating the parameters": brief training runs, curves as data."""

import numpy as np
import pytest

from backprop.explorers import training_data as digits_training_curves
from backprop.explorers import training_explorer
from backprop.training import History


def test_explorer_update_trains_and_returns_the_curves():
    explorer = training_explorer()
    data = explorer.update(learning_rate=10 ** 0.6, hidden1=32, hidden2=16, epochs=10)
    hist = data["history"]
    assert isinstance(hist, History) and hist.epochs == 10
    assert data["sizes"] == (64, 32, 16, 10) and data["n_train"] == 1000
    assert hist.train_loss[-1] < 0.5 * hist.train_loss[0]
    assert data["test_accuracy"] == hist.test_accuracy[-1] > 0.85
    # the figure shows exactly these curves
    ax_loss, ax_acc = explorer.figure.axes
    np.testing.assert_array_equal(ax_loss.lines[0].get_ydata(), hist.train_loss)
    np.testing.assert_array_equal(ax_acc.lines[1].get_ydata(), hist.test_accuracy)
    # the same controls give the same curves (seeded), and the update changed the widgets
    assert explorer.values()["hidden1"] == 32
    again = explorer.update()
    assert again["history"] == hist


def test_a_tiny_learning_rate_barely_moves():
    slow = digits_training_curves(learning_rate=0.01, epochs=3)
    fast = digits_training_curves(learning_rate=4.0, epochs=3)
    assert slow["history"].train_loss[-1] > fast["history"].train_loss[-1]
    assert slow["test_accuracy"] < 0.3


def test_hidden_sizes_reach_the_model():
    data = digits_training_curves(hidden1=6, hidden2=4, epochs=1, n_train=100)
    assert data["sizes"] == (64, 6, 4, 10)
    assert data["history"].epochs == 1


def test_unknown_controls_and_bad_subset_sizes():
    with pytest.raises(TypeError, match="unknown control"):
        training_explorer().update(momentum=0.9)
    with pytest.raises(ValueError, match="n_train must be between 10 and 1348; got 5"):
        digits_training_curves(n_train=5)


def test_controls_retrain_only_when_released():
    # a retrain takes a second or more: a slider that updated continuously while dragged would
    # queue one retrain per step it passes, so every control must wait for the release
    explorer = training_explorer()
    assert set(explorer.controls) == {"learning_rate", "hidden1", "hidden2", "epochs"}
    for name, widget in explorer.controls.items():
        assert widget.continuous_update is False, f"{name} retrains while being dragged"
