"""The training explorer of the chapter "Updating the parameters".

:func:`training_data` trains a small sigmoid network on a subset of the digits,
:func:`draw_training` draws its loss and accuracy curves (:func:`backprop.figures.plot_history`),
:func:`training_explorer` wires both to sliders for the learning rate, the hidden widths and
the number of epochs.
"""

from __future__ import annotations

from matplotlib.figure import Figure

from backprop._validation import check_data
from backprop.data import load_digits_split
from backprop.explorers.explorer import Explorer
from backprop.figures.history import plot_history
from backprop.models.mlp import MLP
from backprop.training import train

__all__ = ["training_data", "draw_training", "training_explorer"]


def training_data(
    learning_rate: float = 4.0,
    hidden1: int = 32,
    hidden2: int = 16,
    epochs: int = 10,
    n_train: int = 1000,
    batch_size: int = 16,
    seed: int = 0,
) -> dict:
    """Train a 64-hidden1-hidden2-10 sigmoid network briefly on a subset of the digits.

    The compute function of the classroom explorer: it takes the first ``n_train``
    samples of the seeded training split (seed 0, 25 % test), trains for ``epochs``
    epochs without printing, and returns ``{"history", "learning_rate", "sizes",
    "n_train", "test_accuracy"}`` with the final test accuracy on the whole test split.
    """
    split = load_digits_split(test_size=0.25, seed=0)
    n_train = int(n_train)
    if not 10 <= n_train <= split.x_train.shape[0]:
        raise ValueError(f"n_train must be between 10 and {split.x_train.shape[0]}; got {n_train}")
    sizes = (split.x_train.shape[1], int(hidden1), int(hidden2), 10)
    model = MLP(sizes, seed=seed)
    history = train(
        model,
        split.x_train[:n_train],
        split.y_train[:n_train],
        epochs=epochs,
        learning_rate=learning_rate,
        batch_size=batch_size,
        seed=seed,
        x_test=split.x_test,
        y_test=split.y_test,
        progress=False,
    )
    return {
        "history": history,
        "learning_rate": float(learning_rate),
        "sizes": sizes,
        "n_train": n_train,
        "test_accuracy": history.test_accuracy[-1],
    }


def draw_training(data: dict) -> Figure:
    """The loss and accuracy curves of :func:`training_data`'s run, titled with its settings."""
    check_data("data", data, ("history", "learning_rate", "sizes", "n_train", "test_accuracy"), "training_data(...)")
    sizes = "-".join(str(s) for s in data["sizes"])
    title = (
        f"{sizes} network, learning rate {data['learning_rate']:g}, {data['n_train']} training digits\n"
        f"test accuracy {data['test_accuracy']:.3f}"
    )
    return plot_history(data["history"], title=title)


def training_explorer():
    """A :class:`backprop.explorers.Explorer` over :func:`training_data`.

    Controls: learning rate (log slider), the two hidden widths, and the number of
    epochs; each change retrains briefly (a second or a few, depending on the machine) and
    redraws the curves.  Every control has ``continuous_update=False``: a retrain starts
    when the slider is released, not at every step it passes while being dragged (which
    would queue one retrain per step).
    """
    import ipywidgets

    # retrain only when a slider is released (continuous_update=False), never while dragging
    common = {"style": {"description_width": "initial"}, "continuous_update": False}
    controls = {
        "learning_rate": ipywidgets.FloatLogSlider(
            value=4.0, base=10, min=-2, max=1.5, step=0.05, description="learning rate", **common
        ),
        "hidden1": ipywidgets.IntSlider(value=32, min=2, max=64, step=2, description="hidden width M", **common),
        "hidden2": ipywidgets.IntSlider(value=16, min=2, max=64, step=2, description="hidden width N", **common),
        "epochs": ipywidgets.IntSlider(value=10, min=1, max=30, description="epochs", **common),
    }
    return Explorer(training_data, draw_training, controls)


digits_training_curves = training_data  # alias
