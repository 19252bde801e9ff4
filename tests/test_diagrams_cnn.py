"""The CNN figures (seed 000 Fig. A.3; seed 002 Fig. 2.1, 3.1) say what the sources say."""

import io

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

import backprop
from backprop.figures import draw_cnn_architecture, draw_conv_network, draw_lenet
from backprop.figures.layout import COLUMN_WIDTH
from backprop.models import LayerShape, lenet_layer_shapes
from figure_checks import assert_labels_apart, assert_readable_at_column_width

matplotlib.use("Agg")


def texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def rendered(fig: Figure) -> np.ndarray:
    """The figure rasterised as an RGBA array (what a reader sees)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=60)
    buf.seek(0)
    return matplotlib.image.imread(buf)


# ------------------------------------------------------------------ LeNet shapes (seed 000, A.3)


def test_lenet_shapes_match_seed_000():
    shapes = lenet_layer_shapes()
    assert [(s.name, s.channels, s.height, s.width) for s in shapes] == [
        ("Input", 1, 28, 28),
        ("C1", 6, 24, 24),
        ("P1", 6, 12, 12),
        ("C2", 12, 8, 8),
        ("P2", 12, 4, 4),
        ("Flatten", 192, 1, 1),  # seed 000, Table A.1: fan_in of FC1 = 12 x (4 x 4) = 192
        ("FC1", 10, 1, 1),
    ]


def test_lenet_shapes_follow_the_parameters():
    # 32x32 input (the original LeNet-5 size): 32 -> 28 -> 14 -> 10 -> 5
    shapes = lenet_layer_shapes(input_size=32, conv_channels=(6, 16))
    assert [s.height for s in shapes[:5]] == [32, 28, 14, 10, 5]
    assert shapes[5].channels == 16 * 5 * 5
    # 3x3 kernels, three conv layers: 28 -> 26 -> 13 ... 13 - 2 = 11 is odd, pooling cannot tile it
    with pytest.raises(ValueError, match=r"pool_size=2 does not tile the 11x11 maps of C2"):
        lenet_layer_shapes(kernel_size=3)
    shapes = lenet_layer_shapes(input_size=30, kernel_size=3, conv_channels=(4, 8, 8))
    assert [s.height for s in shapes if s.kind == "conv"] == [28, 12, 4]
    assert [s.height for s in shapes if s.kind == "pool"] == [14, 6, 2]
    assert shapes[-2].channels == 8 * 2 * 2


def test_lenet_shape_labels():
    assert LayerShape("C1", "conv", 6, 24, 24).label == "6@24×24"
    assert LayerShape("Flatten", "flat", 192, 1, 1).label == "192"


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"kernel_size": 29}, ValueError, r"kernel_size=29 does not fit in the 28x28 input of convolution C1"),
        ({"kernel_size": 0}, ValueError, r"kernel_size must be an integer >= 1; got 0"),
        ({"input_size": 28.0}, TypeError, r"input_size must be an integer >= 1; got 28.0"),
        ({"pool_size": 5}, ValueError, r"pool_size=5 does not tile the 24x24 maps of C1"),
        ({"conv_channels": ()}, TypeError, r"conv_channels must be a non-empty sequence"),
        ({"conv_channels": (6, -1)}, ValueError, r"conv_channels\[1\] must be an integer >= 1; got -1"),
        ({"num_classes": True}, TypeError, r"num_classes must be an integer >= 1"),
    ],
)
def test_lenet_shapes_reject_bad_parameters(kwargs, error, message):
    with pytest.raises(error, match=message):
        lenet_layer_shapes(**kwargs)


# ------------------------------------------------------------------ the LeNet figure


def test_draw_lenet_labels_are_computed():
    labels = texts(draw_lenet())
    for size in ("1@28×28", "6@24×24", "6@12×12", "12@8×8", "12@4×4", "192", "10"):
        assert size in labels, f"{size} missing from {labels}"
    assert "conv 5×5\nsigmoid" in labels and "avg 2×2" in labels
    # the ten output nodes are the ten digits
    assert [str(d) for d in range(10)] == [t for t in labels if t.isdigit() and len(t) == 1]


def test_draw_lenet_changes_with_the_parameters():
    labels = texts(draw_lenet(input_size=32, conv_channels=(6, 16)))
    for size in ("1@32×32", "6@28×28", "6@14×14", "16@10×10", "16@5×5", "400"):
        assert size in labels, f"{size} missing from {labels}"
    assert "6@24×24" not in labels
    labels = texts(draw_lenet(kernel_size=3, input_size=30, num_classes=4))
    assert "6@28×28" in labels and "12@12×12" in labels and "12@6×6" in labels and "432" in labels
    assert "conv 3×3\nsigmoid" in labels and "4" in labels


def test_draw_lenet_rejects_what_lenet_layer_shapes_rejects():
    with pytest.raises(ValueError, match="kernel_size=40 does not fit"):
        draw_lenet(kernel_size=40)


# ------------------------------------------------------------------ seed 002 Fig. 2.1 and 3.1


def test_draw_cnn_architecture_names_every_stage_in_order():
    fig = draw_cnn_architecture()
    labels = texts(fig)
    stages = ["Input image\n$(H, W, C)$", "Convolution layer\n4 feature maps", "Pooling layer\n(downsampled)",
              "Flatten\n(column vector)", "Fully connected\ndense layers", "Output"]
    for stage in stages:
        assert stage in labels, f"{stage!r} missing from {labels}"
    xs = {t.get_text(): t.get_position()[0] for t in fig.findobj(Text)}
    assert [xs[s] for s in stages] == sorted(xs[s] for s in stages), "the stages must read left to right"
    assert [t for t in labels if t.startswith("class ")] == ["class 1", "class 2", "class 3", "class 4"]
    assert "feature extraction" in labels and "classification" in labels


def test_draw_cnn_architecture_parameters():
    labels = texts(draw_cnn_architecture(feature_maps=8, classes=10))
    assert "Convolution layer\n8 feature maps" in labels
    assert sum(t.startswith("class ") for t in labels) == 10
    with pytest.raises(ValueError, match="classes must be an integer >= 1; got 0"):
        draw_cnn_architecture(classes=0)


def test_draw_conv_network_uses_the_notation_of_seed_002():
    fig = draw_conv_network()
    joined = " ".join(texts(fig))
    for symbol in ("I_{m,n}", "k^{p,q}_{u,v}", "C^{p,q}_{m,n}", "P^{p,q}_{m,n}", "a^{l-1}_i", "layer $l$",
                   "layer $L$", "layer $L+1$", r"\hat y_1", r"\hat y_3", "max", r"\sigma"):
        assert symbol in joined, f"{symbol!r} missing from the labels: {joined}"
    assert r"\hat y_4" not in joined
    assert r"\hat y_4" in " ".join(texts(draw_conv_network(classes=4)))
    with pytest.raises(TypeError, match="kernels must be an integer >= 1"):
        draw_conv_network(kernels=2.5)


@pytest.mark.parametrize("draw", [draw_cnn_architecture, draw_conv_network, draw_lenet])
def test_figures_are_white_wide_and_drawn(draw):
    fig = draw()
    assert isinstance(fig, Figure)
    assert tuple(fig.get_facecolor()) == (1.0, 1.0, 1.0, 1.0), "white background, readable in dark mode"
    assert all(tuple(ax.get_facecolor()) == (1.0, 1.0, 1.0, 1.0) for ax in fig.axes)
    width, height = fig.get_size_inches()
    assert width == pytest.approx(COLUMN_WIDTH) and 2.0 < height < 5.5, "a column-wide figure, not a tall one"
    pixels = rendered(fig)
    ink = (pixels[..., :3] < 0.9).any(axis=-1)
    assert 0.03 < ink.mean() < 0.6, "the figure has content but is not a solid block"
    # content reaches both ends: nothing is cropped away, no wide empty margin
    columns = np.flatnonzero(ink.any(axis=0))
    assert columns[0] < 0.05 * ink.shape[1] and columns[-1] > 0.9 * ink.shape[1]
    # every label is black on white, never a theme colour that could vanish
    assert {t.get_color() for t in fig.findobj(Text) if t.get_text()} == {"#111111"}


@pytest.mark.parametrize("fig", [draw_cnn_architecture(), draw_cnn_architecture(feature_maps=8, classes=10),
                                 draw_conv_network(), draw_conv_network(classes=4, dense_width=3), draw_lenet(),
                                 draw_lenet(input_size=32, conv_channels=(6, 16)),
                                 draw_lenet(input_size=30, kernel_size=3, conv_channels=(4, 8, 8))],
                         ids=["fig-2-1", "fig-2-1-ten", "fig-3-1", "fig-3-1-four", "fig-a3", "fig-a3-32",
                              "fig-a3-three-convs"])
def test_labels_are_readable_inside_and_apart_at_the_column_width(fig):
    texts = fig.axes[0].texts
    assert_readable_at_column_width(fig, texts, inside=texts)
    assert_labels_apart(fig, texts)


def test_exported_from_the_package():
    assert backprop.figures.draw_lenet is draw_lenet
    assert backprop.figures.draw_cnn_architecture is draw_cnn_architecture
    assert backprop.figures.draw_conv_network is draw_conv_network
    assert backprop.lenet_layer_shapes is lenet_layer_shapes
    with pytest.raises(AttributeError, match="from backprop.figures import draw_lenet"):
        backprop.draw_lenet  # noqa: B018
