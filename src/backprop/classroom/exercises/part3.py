"""Part III's coding exercises: convolution, its backward pass, pooling, LeNet."""

from __future__ import annotations

import numpy as np

from backprop.classroom._registry import Case, register_exercise
from backprop.classroom.exercises._common import BATCH_SIZES, batch_factors


def _correlate_valid(x: np.ndarray, k: np.ndarray) -> np.ndarray:
    kh, kw = k.shape
    out = np.zeros((x.shape[0] - kh + 1, x.shape[1] - kw + 1))
    for i in range(kh):
        for j in range(kw):
            out += k[i, j] * x[i : i + out.shape[0], j : j + out.shape[1]]
    return out


def _kernel_grad(x: np.ndarray, dout: np.ndarray) -> np.ndarray:
    hp, wp = dout.shape[2:]
    kh, kw = x.shape[2] - hp + 1, x.shape[3] - wp + 1
    dw = np.zeros((dout.shape[1], x.shape[1], kh, kw))
    for i in range(kh):
        for j in range(kw):
            dw[:, :, i, j] = np.einsum("nfpq,ncpq->fc", dout, x[:, :, i : i + hp, j : j + wp])
    return dw


def _input_grad(dout: np.ndarray, w: np.ndarray) -> np.ndarray:
    n, _, hp, wp = dout.shape
    _, c, kh, kw = w.shape
    dx = np.zeros((n, c, hp + kh - 1, wp + kw - 1))
    for i in range(kh):
        for j in range(kw):
            dx[:, :, i : i + hp, j : j + wp] += np.einsum("nfpq,fc->ncpq", dout, w[:, :, i, j])
    return dx


def _avg_pool_backward(dout: np.ndarray, size: int) -> np.ndarray:
    return np.repeat(np.repeat(dout, size, axis=2), size, axis=3) / size**2


def _max_pool_backward(x: np.ndarray, dout: np.ndarray, size: int, *, all_ties: bool = False) -> np.ndarray:
    n, c, hp, wp = dout.shape
    windows = x[:, :, : hp * size, : wp * size].reshape(n, c, hp, size, wp, size)
    windows = windows.transpose(0, 1, 2, 4, 3, 5).reshape(n, c, hp, wp, size * size)
    if all_ties:
        mask = (windows == windows.max(axis=-1, keepdims=True)).astype(float)
    else:
        mask = np.zeros_like(windows)
        np.put_along_axis(mask, windows.argmax(axis=-1)[..., None], 1.0, axis=-1)
    routed = mask * dout[..., None]
    routed = routed.reshape(n, c, hp, wp, size, size).transpose(0, 1, 2, 4, 3, 5).reshape(n, c, hp * size, wp * size)
    dx = np.zeros_like(x, dtype=float)
    dx[:, :, : hp * size, : wp * size] = routed
    return dx


def _pool_factors(size: int) -> dict:
    return {
        float(size * size): "size^2, the number of entries in a pooling window",
        float(size): "size; a window holds size^2 entries, each gets dout/size^2",
    }


# ------------------------------------------------------------------ conv_output_size


def _conv_output_size_cases(rng):  # fixed cases: the message may quote them
    return [
        Case((5, 3)),
        Case((28, 5)),
        Case((7, 3), {"stride": 2}),
        Case((32, 5), {"stride": 1, "padding": 2}),
        Case((10, 3), {"stride": 2, "padding": 1}),
        Case((6, 2), {"stride": 2, "padding": 0}),
    ]


def _conv_output_size_formula(size, kernel, stride=1, padding=0):
    return len(range(0, size + 2 * padding - kernel + 1, stride))  # the positions where the kernel fits


register_exercise(
    "conv_output_size",
    chapter="part3/convolution",
    signature="(size, kernel, stride=1, padding=0) ints",
    answer="(size + 2*padding - kernel)//stride + 1",
    arg_names=("size", "kernel", "stride", "padding"),
    statement_args=(("size", "int: the input's height (or width)"), ("kernel", "int: the kernel's"),
                    ("stride", "int >= 1, default 1"), ("padding", "int >= 0, default 0, added on each side")),
    returns="an int: the output's height (or width)",
    objective="Count the positions of a kernel sliding over a padded input with a stride.",
    difficulty="easy",
    minutes=5,
    kind="int",
    cases=_conv_output_size_cases,
    reference=lambda *a, **k: __import__("backprop").conv_output_size(*a, **k),
    formula=_conv_output_size_formula,
    forbidden=("conv_output_size",),
    mistakes=(
        (lambda s, k, stride=1, padding=0: (s - k) // stride + 1, "the padding is missing: it adds 2*padding to the size"),
        (lambda s, k, stride=1, padding=0: (s + 2 * padding - k) // stride,
         "the + 1 is missing, or sits inside the division: (size + 2*padding - kernel)//stride + 1 "
         "(a kernel as large as the input gives one output), Eq. (eq-part3-output-size)"),
        (lambda s, k, stride=1, padding=0: (s + padding - k) // stride + 1, "padding is added on both sides: 2*padding"),
        (lambda s, k, stride=1, padding=0: s + 2 * padding - k + 1, "the stride is missing: divide by it with //"),
    ),
)

# ------------------------------------------------------------------ correlate2d_valid


def _correlate_cases(rng):
    shapes = [((4, 5), (2, 3)), ((5, 4), (3, 2)), ((6, 6), (3, 3)), ((5, 7), (2, 2)), ((3, 5), (1, 3))]
    return [Case((rng.standard_normal(xs), rng.standard_normal(ks))) for xs, ks in shapes]


def _correlate_full(x: np.ndarray, k: np.ndarray) -> np.ndarray:
    kh, kw = k.shape
    return _correlate_valid(np.pad(x, ((kh - 1, kh - 1), (kw - 1, kw - 1))), k)


def _correlate_formula(x, k):
    kh, kw = k.shape
    return np.array([[np.sum(x[i : i + kh, j : j + kw] * k) for j in range(x.shape[1] - kw + 1)]
                     for i in range(x.shape[0] - kh + 1)])


register_exercise(
    "correlate2d_valid",
    chapter="part3/convolution",
    signature="(x (H,W), k (KH,KW))",
    answer="valid cross-correlation (H-KH+1, W-KW+1)",
    arg_names=("x", "k"),
    statement_args=(("x", "(H, W): one channel"), ("k", "(KH, KW): the kernel, KH <= H, KW <= W")),
    returns="(H-KH+1, W-KW+1): out[i, j] = sum over (m, q) of x[i+m, j+q] k[m, q]",
    objective="Slide a kernel over an image without flipping it: the valid cross-correlation.",
    difficulty="medium",
    minutes=15,
    cases=_correlate_cases,
    reference=lambda x, k: __import__("backprop").correlate2d(x, k, "valid"),
    formula=_correlate_formula,
    forbidden=("correlate2d",),
    mistakes=(
        (lambda x, k: _correlate_valid(x, k[::-1, ::-1]),
         "the kernel is flipped: that is convolution; cross-correlation slides k as it is"),
        (_correlate_full, "this is the 'full' correlation (zero padding all around); "
         "the valid one keeps only the (H-KH+1, W-KW+1) positions where k fits inside x"),
    ),
)

# ------------------------------------------------------------------ conv2d_kernel_grad


def _kernel_grad_cases(rng):
    out = []
    for n, (c, f, h, w, kh, kw) in zip(
        BATCH_SIZES, [(2, 3, 5, 6, 2, 3), (1, 2, 5, 4, 3, 2), (3, 2, 4, 5, 2, 2), (2, 1, 6, 5, 3, 3), (1, 3, 4, 4, 2, 3)]
    ):
        x = rng.standard_normal((n, c, h, w))
        dout = rng.standard_normal((n, f, h - kh + 1, w - kw + 1))
        out.append(Case((x, dout), factors=batch_factors(n), n=n))
    return out


def _kernel_grad_reference(x, dout):
    import backprop

    f, (hp, wp) = dout.shape[1], dout.shape[2:]
    w = np.zeros((f, x.shape[1], x.shape[2] - hp + 1, x.shape[3] - wp + 1))
    _, cache = backprop.conv2d_forward(x, w, np.zeros(f))
    return backprop.conv2d_backward(dout, cache)[1]


register_exercise(
    "conv2d_kernel_grad",
    chapter="part3/conv_backprop",
    signature="(x (N,C,H,W), dout (N,F,H',W'))",
    answer="dw (F,C,H-H'+1,W-W'+1)",
    arg_names=("x", "dout"),
    statement_args=(("x", "(N, C, H, W): the layer's input"),
                    ("dout", "(N, F, H', W'): the gradient of its output (stride 1, no padding)")),
    returns="(F, C, H-H'+1, W-W'+1): the gradient of the kernels, summed over the batch",
    objective="Compute a convolution layer's kernel gradient as a correlation of its input with the output gradient.",
    difficulty="hard",
    minutes=25,
    cases=_kernel_grad_cases,
    reference=_kernel_grad_reference,
    formula=_kernel_grad,
    forbidden=("conv2d_backward",),
    batch=True,
    mistakes=(
        (lambda x, d: _kernel_grad(x, d)[:, :, ::-1, ::-1],
         "the result is rotated by 180 degrees (dout correlated with x, not x with dout?): "
         "dw[f,c,m,q] = sum dout[n,f,i,j] x[n,c,i+m,j+q], Eq. (eq-part3-dw), no flip"),
        (lambda x, d: _kernel_grad(x, d[:, :, ::-1, ::-1]),
         "you convolved x with dout (dout turned by 180 degrees), as seed 000's Eq. A.33 does, an erratum of "
         "the book (erratum-000-a33); the kernel gradient correlates x with dout as it is: "
         "dw[f,c,m,q] = sum dout[n,f,i,j] x[n,c,i+m,j+q], Eq. (eq-part3-dw)"),
    ),
)

# ------------------------------------------------------------------ conv2d_input_grad


def _input_grad_cases(rng):
    out = []
    for n, (c, f, hp, wp, kh, kw) in zip(
        BATCH_SIZES, [(2, 3, 3, 4, 2, 3), (1, 2, 4, 3, 3, 2), (3, 2, 3, 3, 2, 2), (2, 1, 4, 4, 3, 3), (1, 3, 2, 3, 2, 3)]
    ):
        dout = rng.standard_normal((n, f, hp, wp))
        w = rng.standard_normal((f, c, kh, kw))
        out.append(Case((dout, w), factors=batch_factors(n), n=n))
    return out


def _input_grad_reference(dout, w):
    import backprop

    n, _, hp, wp = dout.shape
    x = np.zeros((n, w.shape[1], hp + w.shape[2] - 1, wp + w.shape[3] - 1))
    _, cache = backprop.conv2d_forward(x, w, np.zeros(w.shape[0]))
    return backprop.conv2d_backward(dout, cache)[0]


register_exercise(
    "conv2d_input_grad",
    chapter="part3/conv_backprop",
    signature="(dout (N,F,H',W'), w (F,C,KH,KW))",
    answer="dx (N,C,H'+KH-1,W'+KW-1) (full convolution)",
    arg_names=("dout", "w"),
    statement_args=(("dout", "(N, F, H', W'): the gradient of the layer's output (stride 1, no padding)"),
                    ("w", "(F, C, KH, KW): the kernels")),
    returns="(N, C, H'+KH-1, W'+KW-1): the gradient of the layer's input, a full convolution",
    objective="Compute a convolution layer's input gradient: the full convolution of the output gradient with the kernels.",
    difficulty="hard",
    minutes=25,
    cases=_input_grad_cases,
    reference=_input_grad_reference,
    formula=_input_grad,
    forbidden=("conv2d_backward",),
    batch=True,
    mistakes=(
        (lambda d, w: _input_grad(d, w[:, :, ::-1, ::-1]),
         "the kernel's 180-degree rotation is wrong (missing or one too many): "
         "dx[n,c,p+i,q+j] += dout[n,f,p,q] w[f,c,i,j]"),
    ),
)

# ------------------------------------------------------------------ avg_pool_backward


def _avg_pool_cases(rng):
    out = []
    for n, (c, hp, wp, size) in zip(BATCH_SIZES, [(2, 2, 3, 2), (1, 3, 2, 2), (3, 2, 2, 3), (2, 1, 2, 2), (1, 2, 3, 3)]):
        out.append(Case((rng.standard_normal((n, c, hp, wp)), size), factors=_pool_factors(size), n=n))
    return out


def _avg_pool_reference(dout, size):
    import backprop

    n, c, hp, wp = dout.shape
    _, cache = backprop.avg_pool2d_forward(np.zeros((n, c, hp * size, wp * size)), size)
    return backprop.avg_pool2d_backward(dout, cache)


register_exercise(
    "avg_pool_backward",
    chapter="part3/pooling_backprop",
    signature="(dout (N,C,H',W'), size)",
    answer="dx (N,C,H'*size,W'*size), each window gets dout/size^2",
    arg_names=("dout", "size"),
    statement_args=(("dout", "(N, C, H', W'): the gradient of the pooled output"),
                    ("size", "int: the window's side (stride = size)")),
    returns="(N, C, H'*size, W'*size): every entry of a window gets dout/size^2",
    objective="Spread each pooled gradient evenly over its average-pooling window.",
    difficulty="easy",
    minutes=10,
    cases=_avg_pool_cases,
    reference=_avg_pool_reference,
    formula=lambda dout, size: np.kron(dout, np.ones((size, size))) / size**2,
    forbidden=("avg_pool2d_backward",),
    batch=True,
)

# ------------------------------------------------------------------ max_pool_backward


def _max_pool_cases(rng):
    out = []
    for n, (c, hp, wp, size) in zip(BATCH_SIZES[:4], [(2, 2, 3, 2), (1, 3, 2, 2), (3, 2, 2, 3), (2, 1, 2, 2)]):
        x = rng.standard_normal((n, c, hp * size, wp * size))
        out.append(Case((x, rng.standard_normal((n, c, hp, wp)), size), factors=_pool_factors(size), n=n))
    ties = rng.integers(0, 2, (2, 2, 4, 4)).astype(float)  # many ties on purpose: the last case
    out.append(Case((ties, rng.standard_normal((2, 2, 2, 2)), 2), factors=_pool_factors(2), n=2))
    return out


def _max_pool_reference(x, dout, size):
    import backprop

    _, cache = backprop.max_pool2d_forward(x, size)
    return backprop.max_pool2d_backward(dout, cache)


register_exercise(
    "max_pool_backward",
    chapter="part3/pooling_backprop",
    signature="(x (N,C,H,W), dout (N,C,H//size,W//size), size)",
    answer="dout routed to each window's max; ties: the first max in row-major order",
    arg_names=("x", "dout", "size"),
    statement_args=(("x", "(N, C, H, W): the pooling layer's input"),
                    ("dout", "(N, C, H//size, W//size): the gradient of its output"),
                    ("size", "int: the window's side (stride = size)")),
    returns="(N, C, H, W): each dout entry at the first maximum (row-major order) of its window, zeros elsewhere",
    objective="Route each pooled gradient to the position of its window's maximum.",
    difficulty="medium",
    minutes=20,
    cases=_max_pool_cases,
    reference=_max_pool_reference,
    formula=_max_pool_backward,
    forbidden=("max_pool2d_backward",),
    batch=True,
    mistakes=(
        (lambda x, d, s: _max_pool_backward(x, d, s, all_ties=True),
         "with ties, every tied maximum got dout; route it to the first maximum only (row-major order)"),
        (lambda x, d, s: _avg_pool_backward(d, s),
         "this is the average-pooling gradient; max pooling routes dout to the maximum only"),
        (lambda x, d, s: np.repeat(np.repeat(d, s, axis=2), s, axis=3),
         "dout was copied to every entry of the window; route it to the maximum only"),
    ),
)

# ------------------------------------------------------------------ glorot_bound


def _glorot_cases(rng):
    return [Case((3, 5)), Case((784, 100)), Case((1, 1)), Case((120, 84)), Case((400, 10))]


register_exercise(
    "glorot_bound",
    chapter="part3/lenet",
    signature="(fan_in, fan_out)",
    answer="sqrt(6/(fan_in+fan_out))",
    arg_names=("fan_in", "fan_out"),
    statement_args=(("fan_in", "int: inputs per unit"), ("fan_out", "int: outputs per unit")),
    returns="a float: the bound a of Glorot's uniform initialisation U(-a, a)",
    objective="Compute the bound of Glorot's uniform initialisation from a layer's fan-in and fan-out.",
    difficulty="easy",
    minutes=5,
    kind="float",
    cases=_glorot_cases,
    reference=lambda i, o: float(np.sqrt(6.0 / (i + o))),
    formula=lambda i, o: (3.0 / ((i + o) / 2.0)) ** 0.5,  # the variance 2/(fan_in+fan_out) = a^2/3
    mistakes=(
        (lambda i, o: float(np.sqrt(2.0 / (i + o))), "that is the standard deviation's 2; the bound of the uniform law has 6"),
        (lambda i, o: 6.0 / (i + o), "the square root is missing"),
        (lambda i, o: float(np.sqrt(6.0 / i)), "use fan_in + fan_out, not fan_in alone"),
        (lambda i, o: float(np.sqrt(1.0 / (i + o))),
         "that is seed 000's zeta of Table A.1, Eq. (eq-part3-zeta): Glorot's bound divided by "
         "sqrt(6); the bound is sqrt(6/(fan_in+fan_out)), Eq. (eq-part3-glorot)"),
        (lambda i, o: float(np.sqrt(6.0) / (i + o)), "the square root covers the whole fraction: sqrt(6/(fan_in+fan_out))"),
        (lambda i, o: float(np.sqrt(6.0 / (i * o))), "the denominator is the sum fan_in + fan_out, not the product"),
    ),
)

# ------------------------------------------------------------------ conv_param_count


def _param_count_cases(rng):
    return [Case((1, 6, 5)), Case((6, 16, 5)), Case((3, 8, 3)), Case((16, 120, 5)), Case((2, 4, 1))]


register_exercise(
    "conv_param_count",
    chapter="part3/lenet",
    signature="(in_channels, out_channels, kernel_size)",
    answer="out*in*k*k + out",
    arg_names=("in_channels", "out_channels", "kernel_size"),
    statement_args=(("in_channels", "int"), ("out_channels", "int"), ("kernel_size", "int: square kernels k x k")),
    returns="an int: the number of weights and biases of the convolution layer",
    objective="Count the weights and biases of a convolution layer.",
    difficulty="easy",
    minutes=5,
    kind="int",
    cases=_param_count_cases,
    reference=lambda i, o, k: o * i * k * k + o,
    formula=lambda i, o, k: o * (i * k * k + 1),
    mistakes=(
        (lambda i, o, k: o * i * k * k, "the biases are missing: one per output channel (+ out_channels)"),
        (lambda i, o, k: o * k * k + o, "each filter spans all in_channels: out*in*k*k weights"),
        (lambda i, o, k: o * i * k + o, "a kernel has k*k weights per channel, not k"),
        (lambda i, o, k: o * i * k * k + i, "there is one bias per output channel, not per input channel"),
    ),
)
