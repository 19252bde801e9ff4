"""Every figure builder of the package draws at the text column's width with lettering of 10 pt or more.

The builders are found, not listed by hand: every ``draw_*`` and ``plot_*`` name exported by
``backprop.figures`` and ``backprop.explorers`` (and every builder defined in a module of
``backprop.figures`` must be exported).  Each needs a sample call below; a new
builder without one fails :func:`test_every_builder_has_a_sample_call`.
"""

from __future__ import annotations

import matplotlib
import pytest
from matplotlib.text import Text

import backprop.explorers as explorers
import backprop.figures as figures
from backprop.figures.cost import gradient_cost
from backprop.figures.layout import COLUMN_WIDTH, MIN_LABEL_PT
from figure_checks import MAX_WIDTH_IN, assert_readable_at_column_width

matplotlib.use("Agg")


def _history():
    from backprop.training import History

    return History(train_loss=[1.0, 0.5, 0.3], train_accuracy=[0.5, 0.7, 0.8], test_accuracy=[0.45, 0.6, 0.7])


def _training_data():
    return {"history": _history(), "learning_rate": 4.0, "sizes": (64, 32, 16, 10), "n_train": 1000,
            "test_accuracy": 0.7}


def _digits(n=10):
    import numpy as np

    rng = np.random.default_rng(0)
    return rng.random((n, 1, 28, 28)), np.arange(n) % 10


def _confusion():
    import numpy as np

    return np.diag(np.full(10, 95)) + np.eye(10, k=1, dtype=int) * 3


def _loss_curves():
    import numpy as np

    import backprop as bp

    grid = np.linspace(0.02, 2.0, 21)
    return {"MSE": (bp.mse, bp.mse_grad, grid), "MAE": (bp.mae, bp.mae_grad, grid),
            "BCE": (bp.binary_cross_entropy, bp.binary_cross_entropy_grad, grid[grid <= 1.0])}


def _kernels():
    import numpy as np

    rng = np.random.default_rng(0)
    return rng.normal(size=(4, 1, 5, 5)), rng.normal(size=(6, 4, 5, 5))


def _pool_sample():
    import numpy as np

    rng = np.random.default_rng(0)
    return rng.permutation(36).reshape(6, 6).astype(float), rng.random((3, 3)).round(2)


def _feature_maps():
    import numpy as np

    rng = np.random.default_rng(0)
    acts = {"C1": rng.random((1, 4, 24, 24)), "P1": rng.random((1, 4, 12, 12)), "C2": rng.random((1, 6, 8, 8)),
            "P2": rng.random((1, 6, 4, 4)), "hidden": rng.random((1, 50))}
    probs = np.full(10, 0.05)
    probs[4] = 0.55
    return rng.random((1, 28, 28)), acts, probs


SAMPLES = {
    "draw_feedforward_network": lambda: figures.draw_feedforward_network(),
    "draw_error_backprop": lambda: figures.draw_error_backprop(),
    "draw_dense_forward": lambda: figures.draw_dense_forward(),
    "draw_dense_backward": lambda: figures.draw_dense_backward(),
    "draw_neuron": lambda: figures.draw_neuron(),
    "draw_cnn_architecture": lambda: figures.draw_cnn_architecture(),
    "draw_conv_network": lambda: figures.draw_conv_network(),
    "draw_lenet": lambda: figures.draw_lenet(),
    "draw_kernel_flip": lambda: figures.draw_kernel_flip(),
    "draw_shared_weight": lambda: figures.draw_shared_weight(),
    "draw_pixel_windows": lambda: figures.draw_pixel_windows(),
    "draw_full_convolution": lambda: figures.draw_full_convolution(),
    "draw_stride_dilation": lambda: figures.draw_stride_dilation(),
    "draw_max_pool_routing": lambda: figures.draw_max_pool_routing(*_pool_sample()),
    "draw_gradient_cost": lambda: figures.draw_gradient_cost(
        [gradient_cost(sizes) for sizes in [(2, 3, 2), (3, 4, 2), (4, 6, 3)]]
    ),
    "draw_losses": lambda: figures.draw_losses(_loss_curves()),
    "draw_digit_grid": lambda: figures.draw_digit_grid(*_digits(), title="a title"),
    "draw_confusion": lambda: figures.draw_confusion(_confusion(), title="a title"),
    "draw_misclassified": lambda: figures.draw_misclassified(_digits(20)[0], _digits(20)[1], _digits(20)[1][::-1]),
    "draw_kernels": lambda: figures.draw_kernels(*_kernels()),
    "draw_feature_maps": lambda: figures.draw_feature_maps(*_feature_maps(), label=4),
    "plot_history_comparison": lambda: figures.plot_history_comparison(
        {"one": _history(), "two": _history()}, title="a title", chance=0.1
    ),
    "plot_history": lambda: figures.plot_history(_history(), title="a title"),
    "draw_activation_table": lambda: figures.draw_activation_table(),
    "draw_slowdown": lambda: figures.draw_slowdown(explorers.slowdown_data(epochs=20)),
    "draw_error_flow": lambda: explorers.draw_error_flow(explorers.error_flow_data(3, next(iter(explorers.EXPLORER_EXAMPLES)))),
    "draw_training": lambda: explorers.draw_training(_training_data()),
    "draw_activation": lambda: explorers.draw_activation(explorers.activation_data("tanh", 0.5)),
    "draw_sliding_kernel": lambda: explorers.draw_sliding_kernel(explorers.sliding_kernel_data()),
    "draw_pooling": lambda: explorers.draw_pooling(explorers.pooling_data()),
}


def _builders() -> set[str]:
    names = set()
    for package in (figures, explorers):
        names |= {n for n in package.__all__ if n.startswith(("draw_", "plot_"))}
    return names


def test_every_builder_has_a_sample_call():
    missing = sorted(_builders() - set(SAMPLES))
    assert not missing, f"figure builders without a sample call in tests/test_figures.py: {missing}"
    stale = sorted(set(SAMPLES) - _builders())
    assert not stale, f"sample calls of names that are no longer builders: {stale}"


def test_every_builder_of_a_figures_module_is_exported():
    """A builder defined in any module of backprop.figures is exported, so the checks below find it."""
    import importlib
    import inspect
    import pkgutil

    defined = set()
    for info in pkgutil.iter_modules(figures.__path__):
        module = importlib.import_module(f"backprop.figures.{info.name}")
        defined |= {name for name, obj in vars(module).items() if name.startswith(("draw_", "plot_"))
                    and inspect.isfunction(obj) and obj.__module__ == module.__name__}
    missing = sorted(defined - set(figures.__all__))
    assert not missing, f"builders not exported by backprop.figures (so not checked here): {missing}"


def test_the_column_width_fits_the_check():
    assert COLUMN_WIDTH <= MAX_WIDTH_IN and MIN_LABEL_PT >= 10.0


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_builder_is_readable_at_the_column_width(name):
    fig = SAMPLES[name]()
    assert fig.get_figwidth() == pytest.approx(COLUMN_WIDTH), \
        f"{name} draws {fig.get_figwidth()} in wide; take the width from backprop.figures.layout.COLUMN_WIDTH"
    texts = [t for t in fig.findobj(Text) if t.get_text().strip() and t.get_visible()]
    assert_readable_at_column_width(fig, texts)
