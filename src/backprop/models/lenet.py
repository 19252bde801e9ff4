"""Seed 000's LeNet as a model of the shared training protocol (book: "LeNet end to end").

:class:`LeNet` is the network of seed 000, section A.3 (Fig. A.3, Table A.1):
28x28 -> C1 6@5x5 -> sigmoid -> P1 2x2 average -> C2 12@5x5 -> sigmoid -> P2 2x2
average -> flatten 192 -> FC1 10 sigmoid outputs, loss half the squared error (A.1),
weights uniform in [-zeta, zeta] with zeta = sqrt(1 / (fan_in + fan_out)) (A.21), or
Glorot's sqrt(6 / (fan_in + fan_out)) with ``init="glorot"``.  Seed 004's network is
:class:`backprop.models.Net004`; :func:`lenet_layer_shapes` gives every layer's output shape.

It follows ``backprop.models.protocol``: ``params`` (W* for weights and kernels, b* for biases),
``loss_and_grads(x, y)`` with integer labels y (N,) and the loss a MEAN over N, and
``predict(x)``.  Shapes (book notation page): x (N, 1, 28, 28); kernels (F, C, KH, KW);
dense weights (D_out, D_in); outputs (N, K) with K = 10.
"""

from __future__ import annotations

from typing import NamedTuple, Sequence

import numpy as np

from backprop._validation import (
    array_bytes,
    check_choice,
    check_memory,
    check_positive_int,
    check_seed,
    check_sequence,
)
from backprop.activations import sigmoid_backward, sigmoid_forward
from backprop.conv import conv2d_backward, conv2d_forward, conv_output_size
from backprop.data import one_hot
from backprop.dense import dense_backward, dense_forward
from backprop.init import BOUNDS, conv_fans, uniform_init
from backprop.losses import half_squared_error, half_squared_error_grad
from backprop.models._cnn import CNNBase, check_dtype
from backprop.pooling import avg_pool2d_backward, avg_pool2d_forward, pool_output_size

__all__ = ["LeNet", "LayerShape", "lenet_layer_shapes", "conv_param_count", "dense_param_count"]


def conv_param_count(in_channels: int, out_channels: int, kernel_size: int) -> int:
    """F * C * k * k kernel weights plus F biases (one per output map).

    Implements: Eq. {eq-part3-param-count}
    """
    c = check_positive_int("in_channels", in_channels)
    f = check_positive_int("out_channels", out_channels)
    k = check_positive_int("kernel_size", kernel_size)
    return f * c * k * k + f


def dense_param_count(n_in: int, n_out: int) -> int:
    """n_out * n_in weights plus n_out biases.

    Implements: Eq. {eq-part3-param-count}
    """
    return check_positive_int("n_out", n_out) * check_positive_int("n_in", n_in) + n_out


class LeNet(CNNBase):
    """Seed 000's LeNet (Sec. A.3, Fig. A.3): sigmoid everywhere, average pooling, half squared error.

    Parameters: W1 (6, 1, 5, 5), b1 (6,), W2 (12, 6, 5, 5), b2 (12,), W3 (10, 192), b3 (10,).
    ``init="table_a1"`` draws every weight from U[-zeta, zeta] with Table A.1's zeta
    (Eq. A.21); ``init="glorot"`` uses Glorot's bound, sqrt(6) times larger.  Biases
    start at zero (the source does not say; seed 004 does).

    Loss: L = (1/N) sum_n sum_k 1/2 (O_nk - T_nk)^2 with T the one-hot target (Eq. A.1,
    averaged over the batch as the training protocol requires).

    The conv layers correlate (``conv2d_forward``, the framework convention) where Eq. A.22
    convolves: the same layer with every kernel turned by 180 degrees.  The uniform draws
    are symmetric under that turn, so the network, its training and its accuracy are
    those of A.22's convolution network with rot180 kernels.
    """

    def __init__(self, seed: int = 0, init: str = "table_a1", dtype=np.float64, channels: tuple[int, int] = (6, 12)):
        check_choice("init", init, tuple(BOUNDS))
        self.dtype = check_dtype(dtype)
        self.init = init
        channels = check_sequence("channels", channels, "(6, 12)")
        if len(channels) != 2:
            raise ValueError(f"channels must hold the 2 channel counts of the two convolutions, e.g. (6, 12); got {tuple(channels)}")
        c1, c2 = (check_positive_int(f"channels[{i}]", c) for i, c in enumerate(channels))
        self.channels = (c1, c2)
        k = 5
        n_flat = c2 * 4 * 4
        check_memory(
            f"LeNet(channels={self.channels}): the kernels and weights",
            array_bytes((c1 * k * k + c2 * c1 * k * k + 10 * n_flat + c1 + c2 + 10,), self.dtype),
        )
        bound = BOUNDS[init]
        rng = np.random.default_rng(check_seed("seed", seed))
        self.bounds = {
            "W1": bound(*conv_fans(1, c1, k)),
            "W2": bound(*conv_fans(c1, c2, k)),
            "W3": bound(n_flat, self.n_classes),
        }
        self.params = {
            "W1": uniform_init(rng, self.bounds["W1"], (c1, 1, k, k), self.dtype),
            "b1": np.zeros(c1, dtype=self.dtype),
            "W2": uniform_init(rng, self.bounds["W2"], (c2, c1, k, k), self.dtype),
            "b2": np.zeros(c2, dtype=self.dtype),
            "W3": uniform_init(rng, self.bounds["W3"], (self.n_classes, n_flat), self.dtype),
            "b3": np.zeros(self.n_classes, dtype=self.dtype),
        }

    def _forward(self, x: np.ndarray) -> tuple[np.ndarray, dict]:
        """x (N, 1, 28, 28) -> sigmoid outputs O (N, 10), and the caches of every layer."""
        p = self.params
        c1, conv1 = conv2d_forward(x, p["W1"], p["b1"])  # (N, 6, 24, 24), Eq. A.22 as a correlation
        a1, act1 = sigmoid_forward(c1)
        s1, pool1 = avg_pool2d_forward(a1, 2)  # (N, 6, 12, 12)
        c2, conv2 = conv2d_forward(s1, p["W2"], p["b2"])  # (N, 12, 8, 8)
        a2, act2 = sigmoid_forward(c2)
        s2, pool2 = avg_pool2d_forward(a2, 2)  # (N, 12, 4, 4)
        flat = s2.reshape(len(x), -1)  # (N, 192)
        z3, fc = dense_forward(flat, p["W3"], p["b3"])  # Eq. A.3
        out, act3 = sigmoid_forward(z3)  # Eq. A.2
        caches = dict(conv1=conv1, act1=act1, pool1=pool1, conv2=conv2, act2=act2, pool2=pool2, fc=fc, act3=act3)
        maps = dict(C1=a1, P1=s1, C2=a2, P2=s2, out=out)
        return out, {"caches": caches, "maps": maps, "s2_shape": s2.shape}

    def feature_maps(self, x: np.ndarray) -> dict[str, np.ndarray]:
        """The activations of every layer for the samples x: C1, P1, C2, P2 (N, F, H, W) and out (N, 10)."""
        return self.forward(self._check_x(x))[1]["maps"]

    def loss_and_grads(self, x: np.ndarray, y: np.ndarray) -> tuple[float, dict[str, np.ndarray]]:
        """Mean half squared error over the batch and the gradient of every parameter.

        The backward pass of Sec. A.3.3-A.3.4 with the corrections of this book: the
        pooling layers pass dout / 4 to each input of a window (Eq. {eq-part3-avgpool-backward},
        not the bare up-sampling of A.25/A.30); the conv layers, which correlate (see the
        class docstring), send back a full convolution of the error with the kernel
        (Eq. {eq-part3-dx}; A.29's full correlation is the same under A.22's convolution) and
        take their kernel gradient by valid correlation of the input with the error
        (Eq. {eq-part3-dw}, not A.33 as printed); the bias gradient is the summed error
        (Eq. {eq-part3-db}, not the summed kernel gradient of Sec. A.3.4).
        """
        return self._loss_and_grads_in_halves(x, y)

    def _part_loss_and_grads(self, x: np.ndarray, y: np.ndarray, n_total: int) -> tuple[float, dict]:
        """The samples x (checked) as a share of a batch of n_total: their summed loss and
        gradients divided by n_total (for the whole batch, the mean itself, to the bit)."""
        out, state = self._forward(x)
        c = state["caches"]
        target = one_hot(y, self.n_classes, dtype=out.dtype)
        loss = half_squared_error(out, target, reduction="sum") / n_total  # the mean, when x is the batch
        dout = half_squared_error_grad(out, target, reduction="sum") / n_total  # Eq. A.4 (A.23), carrying the 1/N of the mean
        dz3 = sigmoid_backward(dout, c["act3"])  # times O (1 - O)
        dflat, dW3, db3 = dense_backward(dz3, c["fc"])  # A.24, A.31
        ds2 = dflat.reshape(state["s2_shape"])
        da2 = avg_pool2d_backward(ds2, c["pool2"])  # A.25 with the factor 1/4
        dc2 = sigmoid_backward(da2, c["act2"])  # A.28
        ds1, dW2, db2 = conv2d_backward(dc2, c["conv2"])  # A.29, A.33
        da1 = avg_pool2d_backward(ds1, c["pool1"])  # A.30 with the factor 1/4
        dc1 = sigmoid_backward(da1, c["act1"])  # A.32
        _, dW1, db1 = conv2d_backward(dc1, c["conv1"], input_grad=False)  # A.33
        return loss, dict(W1=dW1, b1=db1, W2=dW2, b2=db2, W3=dW3, b3=db3)

    def __repr__(self) -> str:
        c1, c2 = self.channels
        return (
            f"LeNet(28x28 -> C1 {c1}@24x24 -> P1 {c1}@12x12 -> C2 {c2}@8x8 -> P2 {c2}@4x4 -> "
            f"{c2 * 16} -> 10, init={self.init!r}, {self.n_params} parameters, {self.dtype})"
        )


class LayerShape(NamedTuple):
    """One layer's output in :func:`lenet_layer_shapes`: ``channels`` maps of ``height`` x ``width``.

    Vectors (the flattened maps and the dense outputs) have ``height == width == 1`` and
    ``channels`` equal to their length.
    """

    name: str
    kind: str  # "input", "conv", "pool", "flat" or "dense"
    channels: int
    height: int
    width: int

    @property
    def label(self) -> str:
        """The size as printed on the figure: ``6@24×24`` for maps, ``192`` for vectors."""
        if self.kind in ("flat", "dense"):
            return f"{self.channels}"
        return f"{self.channels}@{self.height}×{self.width}"


def lenet_layer_shapes(
    *,
    input_size: int = 28,
    in_channels: int = 1,
    conv_channels: Sequence[int] = (6, 12),
    kernel_size: int = 5,
    pool_size: int = 2,
    num_classes: int = 10,
) -> list[LayerShape]:
    """Output shape of every layer of the LeNet of seed 000, Sec. A.3, from its parameters.

    Each convolution is "valid" with stride 1 (seed 000: "only valid part of result of
    convolution is used"), so a map of side ``s`` becomes ``s - kernel_size + 1``; each
    average pooling takes non-overlapping ``pool_size`` x ``pool_size`` blocks, so ``s``
    becomes ``s // pool_size`` and must divide exactly. With the defaults (the source's
    network) the sides are 28 -> 24 -> 12 -> 8 -> 4, the flattened vector has
    12 x 4 x 4 = 192 entries and the output 10.

    Raises ``ValueError`` naming the parameter when a kernel does not fit in its input
    map or a pooling window does not tile it.
    """
    size = check_positive_int("input_size", input_size)
    channels = check_positive_int("in_channels", in_channels)
    kernel = check_positive_int("kernel_size", kernel_size)
    pool = check_positive_int("pool_size", pool_size)
    classes = check_positive_int("num_classes", num_classes)
    if isinstance(conv_channels, (str, bytes)) or not isinstance(conv_channels, Sequence) or not conv_channels:
        raise TypeError(f"conv_channels must be a non-empty sequence of integers, e.g. (6, 12); got {conv_channels!r}")
    shapes = [LayerShape("Input", "input", channels, size, size)]
    for i, raw in enumerate(conv_channels, start=1):
        maps = check_positive_int(f"conv_channels[{i - 1}]", raw)
        if kernel > size:
            raise ValueError(
                f"kernel_size={kernel} does not fit in the {size}x{size} input of convolution C{i}; "
                f"a valid convolution needs kernel_size <= {size}"
            )
        size = conv_output_size(size, kernel)
        shapes.append(LayerShape(f"C{i}", "conv", maps, size, size))
        if size % pool:
            raise ValueError(
                f"pool_size={pool} does not tile the {size}x{size} maps of C{i}; "
                f"non-overlapping pooling needs the map side to be a multiple of pool_size"
            )
        size = pool_output_size(size, pool, pool)
        shapes.append(LayerShape(f"P{i}", "pool", maps, size, size))
    last = shapes[-1]
    shapes.append(LayerShape("Flatten", "flat", last.channels * last.height * last.width, 1, 1))
    shapes.append(LayerShape("FC1", "dense", classes, 1, 1))
    return shapes
