"""The two CNNs of Part III as models of the shared training protocol (book: "LeNet end to end").

* :class:`LeNet` is the network of seed 000, section A.3 (Fig. A.3, Table A.1):
  28x28 -> C1 6@5x5 -> sigmoid -> P1 2x2 average -> C2 12@5x5 -> sigmoid -> P2 2x2
  average -> flatten 192 -> FC1 10 sigmoid outputs, loss half the squared error (A.1),
  weights uniform in [-zeta, zeta] with zeta = sqrt(1 / (fan_in + fan_out)) (A.21), or
  Glorot's sqrt(6 / (fan_in + fan_out)) with ``init="glorot"``.
* :class:`Net004` is the network of seed 004: 4 then 6 maps of 5x5, 2x2 average pooling,
  flatten 96, dense 50, dense 10 with softmax and cross-entropy, Glorot init, zero biases.
  The handout leaves the hidden activation ``f`` open; ``activation`` chooses it.

Both follow ``backprop.training``: ``params`` (W* for weights and kernels, b* for biases),
``loss_and_grads(x, y)`` with integer labels y (N,) and the loss a MEAN over N, and
``predict(x)``.  Shapes (book notation page): x (N, 1, 28, 28); kernels (F, C, KH, KW);
dense weights (D_out, D_in); outputs (N, K) with K = 10.
"""

from __future__ import annotations

import numpy as np

from backprop._validation import array_bytes, as_float_array, check_choice, check_memory, check_positive_int, check_seed
from backprop.activations import relu_backward, relu_forward, sigmoid_backward, sigmoid_forward
from backprop.conv import conv2d_backward, conv2d_forward
from backprop.cross_entropy import softmax_cross_entropy, softmax_cross_entropy_backward
from backprop.dense import dense_backward, dense_forward
from backprop.pooling import avg_pool2d_backward, avg_pool2d_forward
from backprop.training import check_labels

__all__ = [
    "glorot_bound",
    "table_a1_bound",
    "conv_fans",
    "conv_param_count",
    "dense_param_count",
    "LeNet",
    "Net004",
]


# ----------------------------------------------------------------------------- init and counts


def glorot_bound(fan_in: int, fan_out: int) -> float:
    """Glorot & Bengio (2010): U[-a, a] with a = sqrt(6 / (fan_in + fan_out)), variance 2 / (fan_in + fan_out)."""
    fan_in, fan_out = check_positive_int("fan_in", fan_in), check_positive_int("fan_out", fan_out)
    return float(np.sqrt(6.0 / (fan_in + fan_out)))


def table_a1_bound(fan_in: int, fan_out: int) -> float:
    """Seed 000 Eq. (A.21): zeta = sqrt(1 / (fan_in + fan_out)), Glorot's bound divided by sqrt(6)."""
    fan_in, fan_out = check_positive_int("fan_in", fan_in), check_positive_int("fan_out", fan_out)
    return float(np.sqrt(1.0 / (fan_in + fan_out)))


def conv_fans(in_channels: int, out_channels: int, kernel_size: int) -> tuple[int, int]:
    """(fan_in, fan_out) of a conv layer: (C * k * k, F * k * k), as in seed 000 Table A.1."""
    c = check_positive_int("in_channels", in_channels)
    f = check_positive_int("out_channels", out_channels)
    k = check_positive_int("kernel_size", kernel_size)
    return c * k * k, f * k * k


def conv_param_count(in_channels: int, out_channels: int, kernel_size: int) -> int:
    """F * C * k * k kernel weights plus F biases (one per output map)."""
    c = check_positive_int("in_channels", in_channels)
    f = check_positive_int("out_channels", out_channels)
    k = check_positive_int("kernel_size", kernel_size)
    return f * c * k * k + f


def dense_param_count(n_in: int, n_out: int) -> int:
    """n_out * n_in weights plus n_out biases."""
    return check_positive_int("n_out", n_out) * check_positive_int("n_in", n_in) + n_out


_BOUNDS = {"table_a1": table_a1_bound, "glorot": glorot_bound}


def _uniform(rng: np.random.Generator, bound: float, shape: tuple[int, ...], dtype) -> np.ndarray:
    return rng.uniform(-bound, bound, size=shape).astype(dtype)


def _check_dtype(dtype) -> np.dtype:
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"dtype must be a floating-point type such as np.float32 or np.float64; got {dtype}")
    return dtype


class _CNNBase:
    """Shared plumbing: input checks, batched prediction, parameter counting."""

    params: dict[str, np.ndarray]
    n_classes = 10
    input_size = 28

    def _validate_x(self, x: np.ndarray) -> np.ndarray:
        """x checked under its own name (errors never name an inner layer's argument), dtype kept."""
        x = as_float_array("x", x, ndim=4)
        want = (1, self.input_size, self.input_size)
        if x.shape[1:] != want:
            raise ValueError(f"x has shape {x.shape} but (N, 1, {self.input_size}, {self.input_size}) was expected")
        return x

    def _check_x(self, x: np.ndarray) -> np.ndarray:
        return self._validate_x(x).astype(self.dtype, copy=False)

    @property
    def n_params(self) -> int:
        """Total number of learned numbers, counted from the arrays themselves."""
        return int(sum(p.size for p in self.params.values()))

    def scores(self, x: np.ndarray, batch_size: int = 500) -> np.ndarray:
        """The network's outputs (N, K) (sigmoid outputs or logits), computed in chunks to bound memory."""
        x = self._check_x(x)
        return np.concatenate([self.forward(x[i : i + batch_size])[0] for i in range(0, len(x), batch_size)])

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Predicted labels (N,): the index of the largest output."""
        return self.scores(x).argmax(axis=1)


class LeNet(_CNNBase):
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
        check_choice("init", init, tuple(_BOUNDS))
        self.dtype = _check_dtype(dtype)
        self.init = init
        c1, c2 = (check_positive_int(f"channels[{i}]", c) for i, c in enumerate(channels))
        self.channels = (c1, c2)
        k = 5
        n_flat = c2 * 4 * 4
        check_memory(
            f"LeNet(channels={self.channels}): the kernels and weights",
            array_bytes((c1 * k * k + c2 * c1 * k * k + 10 * n_flat + c1 + c2 + 10,), self.dtype),
        )
        bound = _BOUNDS[init]
        rng = np.random.default_rng(check_seed("seed", seed))
        self.bounds = {
            "W1": bound(*conv_fans(1, c1, k)),
            "W2": bound(*conv_fans(c1, c2, k)),
            "W3": bound(n_flat, self.n_classes),
        }
        self.params = {
            "W1": _uniform(rng, self.bounds["W1"], (c1, 1, k, k), self.dtype),
            "b1": np.zeros(c1, dtype=self.dtype),
            "W2": _uniform(rng, self.bounds["W2"], (c2, c1, k, k), self.dtype),
            "b2": np.zeros(c2, dtype=self.dtype),
            "W3": _uniform(rng, self.bounds["W3"], (self.n_classes, n_flat), self.dtype),
            "b3": np.zeros(self.n_classes, dtype=self.dtype),
        }

    def forward(self, x: np.ndarray) -> tuple[np.ndarray, dict]:
        """x (N, 1, 28, 28) -> sigmoid outputs O (N, 10), and the caches of every layer."""
        p = self.params
        x = self._check_x(x)
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
        pooling layers pass dout / 4 to each input of a window (Eq. eq-part3-avgpool-backward,
        not the bare up-sampling of A.25/A.30); the conv layers, which correlate (see the
        class docstring), send back a full convolution of the error with the kernel
        (Eq. eq-part3-dx; A.29's full correlation is the same under A.22's convolution) and
        take their kernel gradient by valid correlation of the input with the error
        (Eq. eq-part3-dw, not A.33 as printed); the bias gradient is the summed error
        (Eq. eq-part3-db, not the summed kernel gradient of Sec. A.3.4).
        """
        x = self._check_x(x)
        y = check_labels("y", y, n_samples=x.shape[0], n_classes=self.n_classes)
        out, state = self.forward(x)
        c = state["caches"]
        n = x.shape[0]
        target = np.zeros_like(out)
        target[np.arange(n), y] = 1.0
        loss = 0.5 * float(np.sum((out - target) ** 2)) / n
        dout = (out - target) / n  # Eq. A.4 (A.23), carrying the 1/N of the mean
        dz3 = sigmoid_backward(dout, c["act3"])  # times O (1 - O)
        dflat, dW3, db3 = dense_backward(dz3, c["fc"])  # A.24, A.31
        ds2 = dflat.reshape(state["s2_shape"])
        da2 = avg_pool2d_backward(ds2, c["pool2"])  # A.25 with the factor 1/4
        dc2 = sigmoid_backward(da2, c["act2"])  # A.28
        ds1, dW2, db2 = conv2d_backward(dc2, c["conv2"])  # A.29, A.33
        da1 = avg_pool2d_backward(ds1, c["pool1"])  # A.30 with the factor 1/4
        dc1 = sigmoid_backward(da1, c["act1"])  # A.32
        _, dW1, db1 = conv2d_backward(dc1, c["conv1"], input_grad=False)  # A.33
        grads = dict(W1=dW1, b1=db1, W2=dW2, b2=db2, W3=dW3, b3=db3)
        return loss, {k: g.astype(self.dtype, copy=False) for k, g in grads.items()}

    def __repr__(self) -> str:
        c1, c2 = self.channels
        return (
            f"LeNet(28x28 -> C1 {c1}@24x24 -> P1 {c1}@12x12 -> C2 {c2}@8x8 -> P2 {c2}@4x4 -> "
            f"{c2 * 16} -> 10, init={self.init!r}, {self.n_params} parameters, {self.dtype})"
        )


_ACTIVATIONS = ("sigmoid", "tanh", "relu")


def _act_forward(name: str, z: np.ndarray) -> tuple[np.ndarray, tuple]:
    if name == "sigmoid":
        a, cache = sigmoid_forward(z)
    elif name == "tanh":
        a = np.tanh(z)
        cache = a
    else:
        a, cache = relu_forward(z)
    return a, (name, cache)


def _act_backward(da: np.ndarray, cache: tuple) -> np.ndarray:
    name, inner = cache
    if name == "sigmoid":
        return sigmoid_backward(da, inner)
    if name == "tanh":
        return da * (1.0 - inner * inner)
    return relu_backward(da, inner)


class Net004(_CNNBase):
    """Seed 004's network: 4 and 6 maps of 5x5, 2x2 average pooling, dense 50, softmax + cross-entropy.

    Parameters: W1 (4, 1, 5, 5), b1 (4,), W2 (6, 4, 5, 5), b2 (6,), W3 (50, 96), b3 (50,),
    W4 (10, 50), b4 (10,).  Glorot init (seed 004 page 2, with the corrected K^1 bound
    sqrt(6 / ((1 + 4) 5^2))), zero biases.  ``activation`` is the handout's ``f`` in the
    conv and hidden layers ("sigmoid", "tanh" or "relu").  The conv layers correlate where
    the handout convolves (page 2): the same layer with rot180 kernels, as in LeNet.

    Loss: mean over N of the cross-entropy of softmax(logits) against the labels; its
    gradient with respect to the logits is (softmax - onehot) / N (seed 004 page 4,
    "delta = S - Y", with the 1/N of the mean).
    """

    def __init__(self, seed: int = 0, activation: str = "tanh", dtype=np.float64, init: str = "glorot"):
        self.activation = check_choice("activation", activation, _ACTIVATIONS)
        check_choice("init", init, tuple(_BOUNDS))
        self.init = init
        self.dtype = _check_dtype(dtype)
        bound = _BOUNDS[init]
        rng = np.random.default_rng(check_seed("seed", seed))
        self.bounds = {
            "W1": bound(*conv_fans(1, 4, 5)),  # sqrt(6 / ((1 + 4) 5^2))
            "W2": bound(*conv_fans(4, 6, 5)),  # sqrt(6 / ((4 + 6) 5^2))
            "W3": bound(96, 50),
            "W4": bound(50, 10),
        }
        self.params = {
            "W1": _uniform(rng, self.bounds["W1"], (4, 1, 5, 5), self.dtype),
            "b1": np.zeros(4, dtype=self.dtype),
            "W2": _uniform(rng, self.bounds["W2"], (6, 4, 5, 5), self.dtype),
            "b2": np.zeros(6, dtype=self.dtype),
            "W3": _uniform(rng, self.bounds["W3"], (50, 96), self.dtype),
            "b3": np.zeros(50, dtype=self.dtype),
            "W4": _uniform(rng, self.bounds["W4"], (10, 50), self.dtype),
            "b4": np.zeros(10, dtype=self.dtype),
        }

    def forward(self, x: np.ndarray) -> tuple[np.ndarray, dict]:
        """x (N, 1, 28, 28) -> logits (N, 10), and the caches of every layer."""
        p, f = self.params, self.activation
        x = self._check_x(x)
        c1, conv1 = conv2d_forward(x, p["W1"], p["b1"])  # (N, 4, 24, 24)
        a1, act1 = _act_forward(f, c1)
        s1, pool1 = avg_pool2d_forward(a1, 2)  # (N, 4, 12, 12)
        c2, conv2 = conv2d_forward(s1, p["W2"], p["b2"])  # (N, 6, 8, 8)
        a2, act2 = _act_forward(f, c2)
        s2, pool2 = avg_pool2d_forward(a2, 2)  # (N, 6, 4, 4)
        flat = s2.reshape(len(x), -1)  # (N, 96)
        z3, fc1 = dense_forward(flat, p["W3"], p["b3"])
        h, act3 = _act_forward(f, z3)  # (N, 50)
        logits, fc2 = dense_forward(h, p["W4"], p["b4"])  # (N, 10)
        caches = dict(conv1=conv1, act1=act1, pool1=pool1, conv2=conv2, act2=act2, pool2=pool2, fc1=fc1, act3=act3, fc2=fc2)
        maps = dict(C1=a1, P1=s1, C2=a2, P2=s2, hidden=h, out=logits)
        return logits, {"caches": caches, "maps": maps, "s2_shape": s2.shape}

    def feature_maps(self, x: np.ndarray) -> dict[str, np.ndarray]:
        """The activations of every layer: C1, P1, C2, P2 (N, F, H, W), hidden (N, 50), out = logits (N, 10)."""
        return self.forward(self._check_x(x))[1]["maps"]

    def loss_and_grads(self, x: np.ndarray, y: np.ndarray) -> tuple[float, dict[str, np.ndarray]]:
        """Mean cross-entropy over the batch and the gradient of every parameter (seed 004 pages 4-5)."""
        x = self._check_x(x)
        y = check_labels("y", y, n_samples=x.shape[0], n_classes=self.n_classes)
        logits, state = self.forward(x)
        c = state["caches"]
        loss = softmax_cross_entropy(logits, y)
        dlogits = softmax_cross_entropy_backward(logits, y)  # (S - Y) / N
        dh, dW4, db4 = dense_backward(dlogits, c["fc2"])
        dz3 = _act_backward(dh, c["act3"])  # delta_1 = W2^T delta .* f'
        dflat, dW3, db3 = dense_backward(dz3, c["fc1"])
        ds2 = dflat.reshape(state["s2_shape"])
        da2 = avg_pool2d_backward(ds2, c["pool2"])  # delta C^2 = 1/4 delta_flatten(ceil(i/2), ceil(j/2)) .* f'
        dc2 = _act_backward(da2, c["act2"])
        ds1, dW2, db2 = conv2d_backward(dc2, c["conv2"])
        da1 = avg_pool2d_backward(ds1, c["pool1"])
        dc1 = _act_backward(da1, c["act1"])
        _, dW1, db1 = conv2d_backward(dc1, c["conv1"], input_grad=False)
        grads = dict(W1=dW1, b1=db1, W2=dW2, b2=db2, W3=dW3, b3=db3, W4=dW4, b4=db4)
        return loss, {k: g.astype(self.dtype, copy=False) for k, g in grads.items()}

    def __repr__(self) -> str:
        return (
            f"Net004(28x28 -> C1 4@24x24 -> P1 4@12x12 -> C2 6@8x8 -> P2 6@4x4 -> 96 -> 50 -> 10 softmax, "
            f"activation={self.activation!r}, {self.n_params} parameters, {self.dtype})"
        )
