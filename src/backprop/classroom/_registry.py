"""The coding exercises of the book: for each id, its cases, reference answer and known mistakes.

The ids and signatures are those of CONTRIBUTING.md ("Coding exercises: ids and
signatures").  Each exercise draws its cases from a generator seeded by its id, so the
cases, and therefore the checker's messages, are the same on every run.  The reference
answer comes from the package where the package has the function, otherwise from the
formula in the table.  Shapes use distinct sizes (N != D != K) so that a transposed
result cannot pass by accident; for batch exercises the first case has N = 1, so the
checker can tell "right for one sample, wrong for a batch".
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

__all__ = ["Case", "Exercise", "EXERCISES", "FORMULAS", "exercise_ids"]


@dataclass(frozen=True)
class Case:
    """One call of the student's function: positional and keyword arguments.

    ``factors`` maps a value to the words that explain it (e.g. ``{4.0: "size^2 = 4, ..."}``);
    when the answer is off by exactly that factor the hint quotes the words.
    ``n`` is the batch size of the case (``None`` when the exercise has no batch).
    """

    args: tuple
    kwargs: dict = field(default_factory=dict)
    factors: dict = field(default_factory=dict)
    n: int | None = None


@dataclass(frozen=True)
class Exercise:
    """A coding exercise: how to draw cases, what the answer is, and what goes wrong.

    ``mistakes`` pairs a wrong formula with its hint (a sentence, or a function of the
    case's arguments that returns one, e.g. to name their shapes).  The hint is given when
    the student's result equals the wrong formula's, or when the student's function raises
    the very error the wrong formula raises (``delta_next @ W_next.T``: a shape error).
    """

    id: str
    chapter: str
    signature: str
    answer: str
    arg_names: tuple[str, ...]
    cases: Callable[[np.random.Generator], list[Case]]
    reference: Callable[..., Any]
    kind: str = "array"  # "array", "tuple", "int", "float"
    output_names: tuple[str, ...] = ()
    mistakes: tuple[tuple[Callable[..., Any], str], ...] = ()
    nan_hint: str = ""
    batch: bool = False

    def draw_cases(self) -> list[Case]:
        """The exercise's cases, the same on every call (seeded by the id)."""
        return self.cases(np.random.default_rng(zlib.crc32(self.id.encode())))


# --------------------------------------------------------------------- helpers

def _sigmoid(z: np.ndarray) -> np.ndarray:
    from backprop import sigmoid

    return sigmoid(z)


def _softmax(z: np.ndarray) -> np.ndarray:
    shifted = z - z.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


def _batch_factors(n: int, k: int | None = None) -> dict:
    out = {float(n): "N, the batch size"}
    if k is not None and k != n:
        out.setdefault(float(k), "K, the number of outputs; the mean is over N only")
        out.setdefault(float(n * k), "N*K; the mean is over N only, not over all N*K entries")
    return out


_BATCH_SIZES = (1, 4, 5, 3, 6)


def _correlate_valid(x: np.ndarray, k: np.ndarray) -> np.ndarray:
    kh, kw = k.shape
    out = np.zeros((x.shape[0] - kh + 1, x.shape[1] - kw + 1))
    for i in range(kh):
        for j in range(kw):
            out += k[i, j] * x[i : i + out.shape[0], j : j + out.shape[1]]
    return out


def _correlate_full(x: np.ndarray, k: np.ndarray) -> np.ndarray:
    kh, kw = k.shape
    return _correlate_valid(np.pad(x, ((kh - 1, kh - 1), (kw - 1, kw - 1))), k)


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


# --------------------------------------------------------------------- cases

def _cases_sigmoid_prime(rng):
    shapes = [(1,), (6,), (3, 4), (2, 3, 4), (5, 2)]
    return [Case((3.0 * rng.standard_normal(s),)) for s in shapes]


def _cases_net_input(rng):
    out = []
    for n, (k, d) in zip(_BATCH_SIZES, [(3, 2), (2, 3), (3, 5), (4, 2), (2, 5)]):
        out.append(Case((rng.standard_normal((n, d)), rng.standard_normal((k, d)), rng.standard_normal(k)), n=n))
    return out


def _cases_output_delta(rng):
    out = []
    for n, k in zip(_BATCH_SIZES, (3, 2, 3, 4, 2)):
        output = rng.uniform(0.05, 0.95, (n, k))
        target = rng.uniform(0.0, 1.0, (n, k))
        factors = {float(n): "N, the batch size; each sample's delta is its own, no mean here"} if n > 1 else {}
        factors[2.0] = "the 2 of the square, cancelled by the 1/2 of the loss, Eq. (eq-part1-loss)"
        out.append(Case((output, target), factors=factors, n=n))
    return out


def _cases_hidden_error(rng):
    out = []
    for n, (k, d) in zip(_BATCH_SIZES, [(2, 3), (3, 5), (2, 4), (4, 3), (3, 2)]):
        factors = {float(n): "N, the batch size; each sample's error is its own, no mean here"} if n > 1 else {}
        out.append(Case((rng.standard_normal((n, k)), rng.standard_normal((k, d))), factors=factors, n=n))
    return out


def _cases_dense_backward(rng):
    out = []
    for n, (k, d) in zip(_BATCH_SIZES, [(2, 3), (3, 5), (2, 4), (4, 3), (3, 2)]):
        args = (rng.standard_normal((n, k)), rng.standard_normal((n, d)), rng.standard_normal((k, d)))
        out.append(Case(args, factors=_batch_factors(n), n=n))
    return out


def _cases_minibatch(rng):
    out = []
    for n, (k, d) in zip(_BATCH_SIZES, [(2, 3), (3, 5), (2, 4), (4, 3), (3, 2)]):
        args = (
            rng.standard_normal((n, d)),
            rng.standard_normal((k, d)),
            rng.standard_normal(k),
            rng.uniform(0.0, 1.0, (n, k)),
        )
        out.append(Case(args, factors=_batch_factors(n), n=n))
    return out


def _cases_softmax(rng):
    out = []
    for n, k in zip(_BATCH_SIZES[:4], (3, 4, 2, 5)):
        out.append(Case((2.0 * rng.standard_normal((n, k)),), n=n))
    big = np.array([[1000.0, -1000.0, 999.0], [-1000.0, -1000.0, -999.0]])
    out.append(Case((big,), n=2))
    return out


def _cases_softmax_jacobian(rng):
    return [Case((2.0 * rng.standard_normal(k),)) for k in (2, 3, 4, 5, 3)]


def _cases_relu_backward(rng):
    shapes = [(1, 3), (4, 3), (2, 3, 4), (5,), (3, 2, 2, 2)]
    cases = [Case((rng.standard_normal(s), rng.standard_normal(s))) for s in shapes]
    for case in cases[1:]:  # exact zeros in z (every third entry): where ReLU'(0) = 0 shows
        case.args[1].flat[::3] = 0.0
    return cases


def _cases_mse(rng):
    out = []
    for n, k in zip(_BATCH_SIZES, (3, 2, 3, 4, 2)):
        factors = _batch_factors(n, k)
        factors.setdefault(2.0, "the 2 from the derivative of the square (y_pred - y)^2")
        out.append(Case((rng.standard_normal((n, k)), rng.standard_normal((n, k))), factors=factors, n=n))
    return out


def _cases_bce(rng):
    out = []
    for n, k in zip(_BATCH_SIZES, (3, 2, 3, 4, 2)):
        y_hat = rng.uniform(0.05, 0.95, (n, k))
        y = (rng.uniform(size=(n, k)) < 0.5).astype(float)
        out.append(Case((y_hat, y), factors=_batch_factors(n, k), n=n))
    return out


def _cases_softmax_ce(rng):
    out = []
    for n, k in zip(_BATCH_SIZES, (3, 4, 3, 5, 4)):
        labels = rng.integers(0, k, n)
        out.append(Case((2.0 * rng.standard_normal((n, k)), labels), factors=_batch_factors(n, k), n=n))
    return out


def _cases_sigmoid_bce(rng):
    out = []
    for n, k in zip(_BATCH_SIZES, (3, 2, 3, 4, 2)):
        y = (rng.uniform(size=(n, k)) < 0.5).astype(float)
        out.append(Case((2.0 * rng.standard_normal((n, k)), y), factors=_batch_factors(n, k), n=n))
    return out


def _cases_conv_output_size(rng):  # fixed cases: the message may quote them
    return [
        Case((5, 3)),
        Case((28, 5)),
        Case((7, 3), {"stride": 2}),
        Case((32, 5), {"stride": 1, "padding": 2}),
        Case((10, 3), {"stride": 2, "padding": 1}),
        Case((6, 2), {"stride": 2, "padding": 0}),
    ]


def _cases_correlate(rng):
    shapes = [((4, 5), (2, 3)), ((5, 4), (3, 2)), ((6, 6), (3, 3)), ((5, 7), (2, 2)), ((3, 5), (1, 3))]
    return [Case((rng.standard_normal(xs), rng.standard_normal(ks))) for xs, ks in shapes]


def _cases_kernel_grad(rng):
    out = []
    for n, (c, f, h, w, kh, kw) in zip(
        _BATCH_SIZES, [(2, 3, 5, 6, 2, 3), (1, 2, 5, 4, 3, 2), (3, 2, 4, 5, 2, 2), (2, 1, 6, 5, 3, 3), (1, 3, 4, 4, 2, 3)]
    ):
        x = rng.standard_normal((n, c, h, w))
        dout = rng.standard_normal((n, f, h - kh + 1, w - kw + 1))
        out.append(Case((x, dout), factors=_batch_factors(n), n=n))
    return out


def _cases_input_grad(rng):
    out = []
    for n, (c, f, hp, wp, kh, kw) in zip(
        _BATCH_SIZES, [(2, 3, 3, 4, 2, 3), (1, 2, 4, 3, 3, 2), (3, 2, 3, 3, 2, 2), (2, 1, 4, 4, 3, 3), (1, 3, 2, 3, 2, 3)]
    ):
        dout = rng.standard_normal((n, f, hp, wp))
        w = rng.standard_normal((f, c, kh, kw))
        out.append(Case((dout, w), factors=_batch_factors(n), n=n))
    return out


def _pool_factors(size: int) -> dict:
    return {
        float(size * size): "size^2, the number of entries in a pooling window",
        float(size): "size; a window holds size^2 entries, each gets dout/size^2",
    }


def _cases_avg_pool(rng):
    out = []
    for n, (c, hp, wp, size) in zip(_BATCH_SIZES, [(2, 2, 3, 2), (1, 3, 2, 2), (3, 2, 2, 3), (2, 1, 2, 2), (1, 2, 3, 3)]):
        out.append(Case((rng.standard_normal((n, c, hp, wp)), size), factors=_pool_factors(size), n=n))
    return out


def _cases_max_pool(rng):
    out = []
    for n, (c, hp, wp, size) in zip(_BATCH_SIZES[:4], [(2, 2, 3, 2), (1, 3, 2, 2), (3, 2, 2, 3), (2, 1, 2, 2)]):
        x = rng.standard_normal((n, c, hp * size, wp * size))
        out.append(Case((x, rng.standard_normal((n, c, hp, wp)), size), factors=_pool_factors(size), n=n))
    ties = rng.integers(0, 2, (2, 2, 4, 4)).astype(float)  # many ties on purpose: the last case
    out.append(Case((ties, rng.standard_normal((2, 2, 2, 2)), 2), factors=_pool_factors(2), n=2))
    return out


def _cases_glorot(rng):
    return [Case((3, 5)), Case((784, 100)), Case((1, 1)), Case((120, 84)), Case((400, 10))]


def _cases_param_count(rng):
    return [Case((1, 6, 5)), Case((6, 16, 5)), Case((3, 8, 3)), Case((16, 120, 5)), Case((2, 4, 1))]


# --------------------------------------------------------------------- references

def _ref_sigmoid_prime(z):
    from backprop import sigmoid_prime

    return sigmoid_prime(z)


def _ref_dense_backward(dout, x, W):
    from backprop import dense_backward, dense_forward

    _, cache = dense_forward(x, W, np.zeros(W.shape[0]))
    return dense_backward(dout, cache)


def _ref_minibatch(x, W, b, target):
    out = _sigmoid(x @ W.T + b)
    delta = (out - target) * out * (1.0 - out) / x.shape[0]
    return delta.T @ x


def _ref_conv_output_size(size, kernel, stride=1, padding=0):
    return (size + 2 * padding - kernel) // stride + 1


def _onehot(labels, k):
    out = np.zeros((labels.shape[0], k))
    out[np.arange(labels.shape[0]), labels] = 1.0
    return out


def _package(name: str):
    """The package's function ``name``, or None if this version of the package lacks it."""
    import backprop

    return getattr(backprop, name, None)


def _via_package(name: str, adapter: Callable[..., Any], formula: Callable[..., Any]) -> Callable[..., Any]:
    """Reference answer: ``adapter(package_function, *args)``, or ``formula`` without the package.

    ``formula`` stays as the independent check of the package: the tests assert that both
    agree on every case of the exercise (``FORMULAS``).
    """

    def reference(*args, **kwargs):
        fn = _package(name)
        if fn is not None:
            try:
                return adapter(fn, *args, **kwargs)
            except Exception:  # noqa: BLE001 -- a changed package API must not break the checker
                pass
        return formula(*args, **kwargs)

    reference.__name__ = f"reference_{name}"
    return reference


def _adapt_relu(fn, dout, z):
    from backprop import relu_forward

    return fn(dout, relu_forward(z)[1])


def _adapt_kernel_grad(fn, x, dout):
    from backprop import conv2d_forward

    f, (hp, wp) = dout.shape[1], dout.shape[2:]
    w = np.zeros((f, x.shape[1], x.shape[2] - hp + 1, x.shape[3] - wp + 1))
    _, cache = conv2d_forward(x, w, np.zeros(f))
    return fn(dout, cache)[1]


def _adapt_input_grad(fn, dout, w):
    from backprop import conv2d_forward

    n, _, hp, wp = dout.shape
    x = np.zeros((n, w.shape[1], hp + w.shape[2] - 1, wp + w.shape[3] - 1))
    _, cache = conv2d_forward(x, w, np.zeros(w.shape[0]))
    return fn(dout, cache)[0]


def _adapt_avg_pool(fn, dout, size):
    from backprop import avg_pool2d_forward

    n, c, hp, wp = dout.shape
    _, cache = avg_pool2d_forward(np.zeros((n, c, hp * size, wp * size)), size)
    return fn(dout, cache)


def _adapt_max_pool(fn, x, dout, size):
    from backprop import max_pool2d_forward

    _, cache = max_pool2d_forward(x, size)
    return fn(dout, cache)


_F_SOFTMAX_JACOBIAN = lambda z: np.diag(_softmax(z)) - np.outer(_softmax(z), _softmax(z))  # noqa: E731
_F_RELU = lambda dout, z: dout * (z > 0)  # noqa: E731
_F_MSE = lambda p, y: 2.0 * (p - y) / p.shape[0]  # noqa: E731
_F_BCE = lambda h, y: (-y / h + (1 - y) / (1 - h)) / h.shape[0]  # noqa: E731
_F_SOFTMAX_CE = lambda z, lab: (_softmax(z) - _onehot(lab, z.shape[1])) / z.shape[0]  # noqa: E731
_F_SIGMOID_BCE = lambda z, y: (_sigmoid(z) - y) / z.shape[0]  # noqa: E731

FORMULAS: dict[str, Callable[..., Any]] = {
    "sigmoid_prime": lambda z: _sigmoid(z) * (1.0 - _sigmoid(z)),
    "dense_backward": lambda dout, x, W: (dout @ W, dout.T @ x, dout.sum(axis=0)),
    "softmax": _softmax,
    "softmax_jacobian": _F_SOFTMAX_JACOBIAN,
    "relu_backward": _F_RELU,
    "mse_grad": _F_MSE,
    "binary_cross_entropy_grad": _F_BCE,
    "softmax_cross_entropy_backward": _F_SOFTMAX_CE,
    "sigmoid_bce_backward": _F_SIGMOID_BCE,
    "conv_output_size": lambda size, kernel, stride=1, padding=0: (size + 2 * padding - kernel) // stride + 1,
    "correlate2d_valid": _correlate_valid,
    "conv2d_kernel_grad": _kernel_grad,
    "conv2d_input_grad": _input_grad,
    "avg_pool_backward": _avg_pool_backward,
    "max_pool_backward": _max_pool_backward,
}
"""Independent formulas for the exercises whose reference comes from the package."""


# --------------------------------------------------------------------- hints that name the shapes

def _shape(a) -> str:
    return str(tuple(np.shape(a)))


def _hint_net_input_no_transpose(x, W, b):
    return (f"x {_shape(x)} @ W {_shape(W)} does not fit: W is (K, D), one row per output, "
            "so the net inputs of the rows of x are x @ W.T + b, Eq. (eq-part1-net-row)")


def _hint_net_input_column(x, W, b):
    return (f"W @ x.T is the column form (K, N) of Eq. (eq-part1-net-column); with one sample per row "
            f"the answer is x @ W.T + b, shape {_shape(x @ W.T)}")


def _hint_hidden_transpose(d, W):
    return (f"a .T too many: delta_next is (N, K) = {_shape(d)} and W_next (K, D) = {_shape(W)}, so "
            f"delta_next @ W_next sums over K and gives (N, D); W_next.T {_shape(W.T)} does not fit, "
            "Eq. (eq-part1-backprop-rows)")


def _hint_hidden_order(d, W):
    return (f"W_next.T {_shape(W.T)} @ delta_next {_shape(d)} does not fit: that is Eq. A.6's column form, "
            "one sample per column; here each sample is a row: delta_next @ W_next, (N, K)(K, D) -> (N, D), "
            "Eq. (eq-part1-backprop-rows)")


def _hint_dense_dx(dout, x, W):
    return (f"dx: dout {_shape(dout)} @ W.T {_shape(W.T)} does not fit: W is (K, D) = {_shape(W)}, "
            "so dx = dout @ W, (N, K)(K, D) -> (N, D), no transpose")


def _hint_dense_dw(dout, x, W):
    return (f"dW: dout {_shape(dout)} @ x {_shape(x)} does not fit: dW = dout.T @ x, "
            "(K, N)(N, D) -> (K, D), the shape of W")


def _hint_softmax_keepdims(z):
    return (f"the row sums have shape {_shape(z.sum(axis=1))}: keep the axis, "
            "sum(axis=1, keepdims=True), so that each row is divided by its own sum")


def _kernel_grad_convolved(x, dout):
    """Seed 000 A.33's form: the valid convolution of x with dout, i.e. x correlated with rot180(dout)."""
    return _kernel_grad(x, dout[:, :, ::-1, ::-1])


_SIG_TABLE1 = ("this is s*(1-s)**2, seed 002's Table 1, an erratum of the book (erratum-002-table1-sigmoid); "
               "the derivative is s*(1-s), Eq. (eq-part1-sigmoid-prime)")
_RELU_AT_ZERO = ("at z = 0 the gradient passed: that is ReLU'(0) = 1, seed 002's Table 1 convention (1 if x >= 0); "
                 "this exercise takes ReLU'(0) = 0: mask with (z > 0), Eq. (eq-part2-relu-prime)")
_GLOROT_A21 = ("that is seed 000's zeta, Eq. A.21 (Table A.1): Glorot's bound divided by sqrt(6), an erratum of the "
               "book (erratum-000-a21); the bound is sqrt(6/(fan_in+fan_out)), Eq. (eq-part3-glorot)")
_KERNEL_A33 = ("you convolved x with dout (dout turned by 180 degrees), as seed 000's Eq. A.33 does, an erratum of "
               "the book (erratum-000-a33); the kernel gradient correlates x with dout as it is: "
               "dw[f,c,m,q] = sum dout[n,f,i,j] x[n,c,i+m,j+q], Eq. (eq-part3-dw)")


_E = Exercise
EXERCISES: dict[str, Exercise] = {
    e.id: e
    for e in [
        _E(
            "sigmoid_prime", "part1/forward_pass", "(z) any shape", "s*(1-s) with s = sigmoid(z)",
            ("z",), _cases_sigmoid_prime, _ref_sigmoid_prime,
            mistakes=(
                (lambda z: _sigmoid(z), "this is sigmoid(z) itself, not its derivative s*(1-s)"),
                (lambda z: z * (1.0 - z), "this is z*(1-z): apply it to s = sigmoid(z), not to z"),
                (lambda z: _sigmoid(z) * (1.0 - _sigmoid(z)) ** 2, _SIG_TABLE1),
            ),
        ),
        _E(
            "net_input", "part1/forward_pass", "(x (N,D), W (K,D), b (K,))", "x @ W.T + b",
            ("x", "W", "b"), _cases_net_input, lambda x, W, b: x @ W.T + b, batch=True,
            mistakes=(
                (lambda x, W, b: x @ W.T, "the bias b is missing: add it to every row"),
                (lambda x, W, b: x @ W + b, _hint_net_input_no_transpose),
                (lambda x, W, b: np.dot(x, W) + b, _hint_net_input_no_transpose),
                (lambda x, W, b: W @ x.T + b, _hint_net_input_column),
            ),
        ),
        _E(
            "output_delta", "part1/backprop_error", "(output (N,K), target (N,K))",
            "(output-target)*output*(1-output)",
            ("output", "target"), _cases_output_delta, lambda o, t: (o - t) * o * (1.0 - o), batch=True,
            mistakes=(
                (lambda o, t: o - t, "the factor f'(Net) = output*(1-output) of the sigmoid is missing"),
                (lambda o, t: (o - t) * _sigmoid(o) * (1.0 - _sigmoid(o)),
                 "you applied the sigmoid again: output is already f(Net), so f'(Net) = output*(1-output)"),
                (lambda o, t: (o - t) * o * (1.0 - o) ** 2,
                 "this has (1-output)**2, seed 002's Table 1, an erratum of the book (erratum-002-table1-sigmoid); "
                 "f'(Net) = output*(1-output), Eq. (eq-part1-delta-def)"),
            ),
        ),
        _E(
            "hidden_error", "part1/backprop_error", "(delta_next (N,K), W_next (K,D))", "delta_next @ W_next",
            ("delta_next", "W_next"), _cases_hidden_error, lambda d, W: d @ W, batch=True,
            mistakes=(
                (lambda d, W: d @ W.T, _hint_hidden_transpose),
                (lambda d, W: np.dot(d, W.T), _hint_hidden_transpose),
                (lambda d, W: W.T @ d, _hint_hidden_order),
                (lambda d, W: np.dot(W.T, d), _hint_hidden_order),
            ),
        ),
        _E(
            "dense_backward", "part1/updating_parameters", "(dout (N,K), x (N,D), W (K,D))",
            "(dout @ W, dout.T @ x, dout.sum(0))",
            ("dout", "x", "W"), _cases_dense_backward, _ref_dense_backward, kind="tuple",
            output_names=("dx", "dW", "db"), batch=True,
            mistakes=(  # tuple results: these hints answer the shape errors they raise
                (lambda dout, x, W: (dout @ W.T, dout.T @ x, dout.sum(axis=0)), _hint_dense_dx),
                (lambda dout, x, W: (np.dot(dout, W.T), dout.T @ x, dout.sum(axis=0)), _hint_dense_dx),
                (lambda dout, x, W: (dout @ W, dout @ x, dout.sum(axis=0)), _hint_dense_dw),
                (lambda dout, x, W: (dout @ W, np.dot(dout, x), dout.sum(axis=0)), _hint_dense_dw),
            ),
        ),
        _E(
            "minibatch_weight_gradient", "part1/updating_parameters",
            "(x (N,D), W (K,D), b (K,), target (N,K))",
            "dW of the mean over N of the half SSE of sigmoid(x W^T + b)",
            ("x", "W", "b", "target"), _cases_minibatch, _ref_minibatch, batch=True,
            mistakes=(
                (lambda x, W, b, t: ((_sigmoid(x @ W.T + b) - t) / x.shape[0]).T @ x,
                 "the factor f'(Net) = O*(1-O) of the sigmoid is missing"),
                (lambda x, W, b, t: (x @ W.T + b - t).T @ x / x.shape[0],
                 "you used Net = x @ W.T + b where the output O = sigmoid(Net) belongs, and f'(Net) = O*(1-O) "
                 "is missing"),
            ),
        ),
        _E(
            "softmax", "part2/activations", "(z (N,K))", "row-wise softmax, exact for logits of +-1000",
            ("z",), _cases_softmax, _via_package("softmax", lambda f, z: f(z), _softmax), batch=True,
            mistakes=(
                (lambda z: np.exp(z - z.max(axis=0, keepdims=True)) / np.exp(z - z.max(axis=0, keepdims=True)).sum(axis=0, keepdims=True),
                 "you normalised each column (axis=0); normalise each row (axis=1, keepdims=True)"),
                (lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum(),
                 "you normalised over the whole batch; normalise each row (axis=1, keepdims=True)"),
                (lambda z: np.exp(z - z.max(axis=1, keepdims=True)) / np.exp(z - z.max(axis=1, keepdims=True)).sum(axis=1),
                 _hint_softmax_keepdims),
                (lambda z: np.exp(z) / np.exp(z).sum(axis=1), _hint_softmax_keepdims),
            ),
            nan_hint="exp(1000) overflows: subtract each row's maximum before np.exp (it does not change the softmax)",
        ),
        _E(
            "softmax_jacobian", "part2/activations", "(z (K,))", "(K,K), J[i,j] = s_i (delta_ij - s_j)",
            ("z",), _cases_softmax_jacobian, _via_package("softmax_jacobian", lambda f, z: f(z), _F_SOFTMAX_JACOBIAN),
            mistakes=(
                (lambda z: np.diag(_softmax(z)), "only the diagonal s_i is there: subtract the outer product s_i s_j"),
                (lambda z: -np.outer(_softmax(z), _softmax(z)), "the diagonal term s_i delta_ij is missing"),
                (lambda z: np.diag(_softmax(z) * (1 - _softmax(z))), "off-diagonal entries -s_i s_j are missing"),
                (lambda z: _softmax(z) - _softmax(z) ** 2,
                 "s - s**2 is only the diagonal of J, seed 002's Table 1, an erratum of the book "
                 "(erratum-002-table1-softmax-derivative); return the (K, K) matrix diag(s) - outer(s, s), "
                 "Eq. (eq-part2-softmax-jacobian)"),
            ),
        ),
        _E(
            "relu_backward", "part2/activations", "(dout, z) same shape", "dout * (z > 0)",
            ("dout", "z"), _cases_relu_backward, _via_package("relu_backward", _adapt_relu, _F_RELU),
            mistakes=(
                (lambda dout, z: (z > 0).astype(float), "dout is missing: multiply the upstream gradient by the mask"),
                (lambda dout, z: dout * np.maximum(z, 0.0), "you multiplied by relu(z); multiply by its derivative, the mask (z > 0)"),
                (lambda dout, z: dout * (z < 0), "the mask is reversed: the gradient passes where z > 0"),
                (lambda dout, z: dout * (z >= 0), _RELU_AT_ZERO),
                (lambda dout, z: dout * (z <= 0), "the mask is reversed: the gradient passes where z > 0"),
            ),
        ),
        _E(
            "mse_grad", "part2/losses", "(y_pred (N,K), y (N,K))", "2*(y_pred-y)/N",
            ("y_pred", "y"), _cases_mse, _via_package("mse_grad", lambda f, p, y: f(p, y, reduction="mean"), _F_MSE), batch=True,
        ),
        _E(
            "binary_cross_entropy_grad", "part2/losses", "(y_hat (N,K), y (N,K))",
            "(-y/y_hat + (1-y)/(1-y_hat))/N",
            ("y_hat", "y"), _cases_bce,
            _via_package("binary_cross_entropy_grad", lambda f, h, y: f(h, y, reduction="mean"), _F_BCE), batch=True,
            mistakes=(
                (lambda h, y: (h - y) / h.shape[0],
                 "this is the gradient with respect to the logits (sigmoid + BCE); the exercise asks for d/dy_hat"),
                (lambda h, y: (-y / h - (1 - y) / (1 - h)) / h.shape[0],
                 "the sign of the second term is wrong: d/dy_hat of -(1-y) log(1-y_hat) is +(1-y)/(1-y_hat) "
                 "(the inner derivative of 1-y_hat is -1), Eq. (eq-part2-bce-grad)"),
            ),
        ),
        _E(
            "softmax_cross_entropy_backward", "part2/cross_entropy", "(logits (N,K), labels int (N,))",
            "(softmax(logits) - onehot)/N",
            ("logits", "labels"), _cases_softmax_ce,
            _via_package("softmax_cross_entropy_backward", lambda f, z, lab: f(z, lab, reduction="mean"), _F_SOFTMAX_CE),
            batch=True,
            mistakes=(
                (lambda z, lab: _softmax(z) / z.shape[0], "the one-hot of the labels is not subtracted"),
                (lambda z, lab: (z - _onehot(lab, z.shape[1])) / z.shape[0],
                 "apply the softmax to the logits first: (softmax(logits) - onehot)/N, Eq. (eq-part2-ce-softmax-delta)"),
                (lambda z, lab: (_softmax(z.T).T - _onehot(lab, z.shape[1])) / z.shape[0],
                 "the softmax normalised each column (axis=0); normalise each row (axis=1, keepdims=True)"),
            ),
        ),
        _E(
            "sigmoid_bce_backward", "part2/cross_entropy", "(logits (N,K), y (N,K))", "(sigmoid(logits) - y)/N",
            ("logits", "y"), _cases_sigmoid_bce,
            _via_package("sigmoid_bce_backward", lambda f, z, y: f(z, y, reduction="mean"), _F_SIGMOID_BCE), batch=True,
            mistakes=(
                (lambda z, y: (z - y) / z.shape[0], "apply the sigmoid to the logits: (sigmoid(logits) - y)/N"),
                (lambda z, y: (_sigmoid(z) - y) * _sigmoid(z) * (1.0 - _sigmoid(z)) / z.shape[0],
                 "the factor sigmoid'(z) cancels against the BCE's 1/(y_hat(1-y_hat)): the fused gradient is "
                 "(sigmoid(logits) - y)/N, Eq. (eq-part2-ce-sigmoid-delta)"),
            ),
        ),
        _E(
            "conv_output_size", "part3/convolution", "(size, kernel, stride=1, padding=0) ints",
            "(size + 2*padding - kernel)//stride + 1",
            ("size", "kernel", "stride", "padding"), _cases_conv_output_size,
            _via_package("conv_output_size", lambda f, *a, **k: f(*a, **k), _ref_conv_output_size), kind="int",
            mistakes=(
                (lambda s, k, stride=1, padding=0: (s - k) // stride + 1, "the padding is missing: it adds 2*padding to the size"),
                (lambda s, k, stride=1, padding=0: (s + 2 * padding - k) // stride,
                 "the + 1 is missing, or sits inside the division: (size + 2*padding - kernel)//stride + 1 "
                 "(a kernel as large as the input gives one output), Eq. (eq-part3-output-size)"),
                (lambda s, k, stride=1, padding=0: (s + padding - k) // stride + 1, "padding is added on both sides: 2*padding"),
                (lambda s, k, stride=1, padding=0: s + 2 * padding - k + 1, "the stride is missing: divide by it with //"),
            ),
        ),
        _E(
            "correlate2d_valid", "part3/convolution", "(x (H,W), k (KH,KW))",
            "valid cross-correlation (H-KH+1, W-KW+1)",
            ("x", "k"), _cases_correlate, _via_package("correlate2d", lambda f, x, k: f(x, k, "valid"), _correlate_valid),
            mistakes=(
                (lambda x, k: _correlate_valid(x, k[::-1, ::-1]),
                 "the kernel is flipped: that is convolution; cross-correlation slides k as it is"),
                (_correlate_full, "this is the 'full' correlation (zero padding all around); "
                 "the valid one keeps only the (H-KH+1, W-KW+1) positions where k fits inside x"),
            ),
        ),
        _E(
            "conv2d_kernel_grad", "part3/conv_backprop", "(x (N,C,H,W), dout (N,F,H',W'))",
            "dw (F,C,H-H'+1,W-W'+1)",
            ("x", "dout"), _cases_kernel_grad, _via_package("conv2d_backward", _adapt_kernel_grad, _kernel_grad), batch=True,
            mistakes=(
                (lambda x, d: _kernel_grad(x, d)[:, :, ::-1, ::-1],
                 "the result is rotated by 180 degrees (dout correlated with x, not x with dout?): "
                 "dw[f,c,m,q] = sum dout[n,f,i,j] x[n,c,i+m,j+q], Eq. (eq-part3-dw), no flip"),
                (_kernel_grad_convolved, _KERNEL_A33),
            ),
        ),
        _E(
            "conv2d_input_grad", "part3/conv_backprop", "(dout (N,F,H',W'), w (F,C,KH,KW))",
            "dx (N,C,H'+KH-1,W'+KW-1) (full convolution)",
            ("dout", "w"), _cases_input_grad, _via_package("conv2d_backward", _adapt_input_grad, _input_grad), batch=True,
            mistakes=(
                (lambda d, w: _input_grad(d, w[:, :, ::-1, ::-1]),
                 "the kernel's 180-degree rotation is wrong (missing or one too many): "
                 "dx[n,c,p+i,q+j] += dout[n,f,p,q] w[f,c,i,j]"),
            ),
        ),
        _E(
            "avg_pool_backward", "part3/pooling_backprop", "(dout (N,C,H',W'), size)",
            "dx (N,C,H'*size,W'*size), each window gets dout/size^2",
            ("dout", "size"), _cases_avg_pool, _via_package("avg_pool2d_backward", _adapt_avg_pool, _avg_pool_backward), batch=True,
        ),
        _E(
            "max_pool_backward", "part3/pooling_backprop", "(x (N,C,H,W), dout (N,C,H//size,W//size), size)",
            "dout routed to each window's max; ties: the first max in row-major order",
            ("x", "dout", "size"), _cases_max_pool, _via_package("max_pool2d_backward", _adapt_max_pool, _max_pool_backward), batch=True,
            mistakes=(
                (lambda x, d, s: _max_pool_backward(x, d, s, all_ties=True),
                 "with ties, every tied maximum got dout; route it to the first maximum only (row-major order)"),
                (lambda x, d, s: _avg_pool_backward(d, s),
                 "this is the average-pooling gradient; max pooling routes dout to the maximum only"),
                (lambda x, d, s: np.repeat(np.repeat(d, s, axis=2), s, axis=3),
                 "dout was copied to every entry of the window; route it to the maximum only"),
            ),
        ),
        _E(
            "glorot_bound", "part3/lenet", "(fan_in, fan_out)", "sqrt(6/(fan_in+fan_out))",
            ("fan_in", "fan_out"), _cases_glorot, lambda i, o: float(np.sqrt(6.0 / (i + o))), kind="float",
            mistakes=(
                (lambda i, o: float(np.sqrt(2.0 / (i + o))), "that is the standard deviation's 2; the bound of the uniform law has 6"),
                (lambda i, o: 6.0 / (i + o), "the square root is missing"),
                (lambda i, o: float(np.sqrt(6.0 / i)), "use fan_in + fan_out, not fan_in alone"),
                (lambda i, o: float(np.sqrt(1.0 / (i + o))), _GLOROT_A21),
                (lambda i, o: float(np.sqrt(6.0) / (i + o)), "the square root covers the whole fraction: sqrt(6/(fan_in+fan_out))"),
                (lambda i, o: float(np.sqrt(6.0 / (i * o))), "the denominator is the sum fan_in + fan_out, not the product"),
            ),
        ),
        _E(
            "conv_param_count", "part3/lenet", "(in_channels, out_channels, kernel_size)", "out*in*k*k + out",
            ("in_channels", "out_channels", "kernel_size"), _cases_param_count,
            lambda i, o, k: o * i * k * k + o, kind="int",
            mistakes=(
                (lambda i, o, k: o * i * k * k, "the biases are missing: one per output channel (+ out_channels)"),
                (lambda i, o, k: o * k * k + o, "each filter spans all in_channels: out*in*k*k weights"),
                (lambda i, o, k: o * i * k + o, "a kernel has k*k weights per channel, not k"),
                (lambda i, o, k: o * i * k * k + i, "there is one bias per output channel, not per input channel"),
            ),
        ),
    ]
}


def exercise_ids() -> list[str]:
    """Every registered exercise id, in the book's order."""
    return list(EXERCISES)
