"""Part II's coding exercises: activations, losses, cross-entropy."""

from __future__ import annotations

import numpy as np

from backprop.classroom._registry import Case, register_exercise
from backprop.classroom.exercises._common import BATCH_SIZES, BIG_LOGITS, batch_factors, onehot, shape, sigmoid, softmax, summary

_UNSTABLE = "exp(1000) overflows: subtract each row's maximum before np.exp (it does not change the softmax)"

# ------------------------------------------------------------------ softmax


def _softmax_cases(rng):
    out = []
    for n, k in zip(BATCH_SIZES[:4], (3, 4, 2, 5)):
        out.append(Case((2.0 * rng.standard_normal((n, k)),), n=n))
    out.append(Case((BIG_LOGITS.copy(),), n=2))
    return out


@summary("the row sums lost their axis: sum(axis=1, keepdims=True)")
def _softmax_keepdims(z):
    return (f"the row sums have shape {shape(z.sum(axis=1))}: keep the axis, "
            "sum(axis=1, keepdims=True), so that each row is divided by its own sum")


register_exercise(
    "softmax",
    chapter="part2/activations",
    signature="(z (N,K))",
    answer="row-wise softmax, exact for logits of +-1000",
    arg_names=("z",),
    statement_args=(("z", "(N, K): logits, one sample per row; entries may be as large as +-1000"),),
    returns="(N, K): each row's softmax (positive, summing to 1)",
    objective="Compute the softmax of each row of a batch of logits without overflow.",
    difficulty="easy",
    minutes=10,
    cases=_softmax_cases,
    reference=lambda z: __import__("backprop").softmax(z),
    formula=softmax,
    forbidden=("softmax",),
    batch=True,
    mistakes=(
        (lambda z: np.exp(z - z.max(axis=0, keepdims=True)) / np.exp(z - z.max(axis=0, keepdims=True)).sum(axis=0, keepdims=True),
         "you normalised each column (axis=0); normalise each row (axis=1, keepdims=True)"),
        (lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum(),
         "you normalised over the whole batch; normalise each row (axis=1, keepdims=True)"),
        (lambda z: np.exp(z - z.max(axis=1, keepdims=True)) / np.exp(z - z.max(axis=1, keepdims=True)).sum(axis=1),
         _softmax_keepdims),
        (lambda z: np.exp(z) / np.exp(z).sum(axis=1), _softmax_keepdims),
    ),
    nan_hint=_UNSTABLE,
)

# ------------------------------------------------------------------ softmax_jacobian


def _softmax_jacobian_cases(rng):
    return [Case((2.0 * rng.standard_normal(k),)) for k in (2, 3, 4, 5, 3)]


def _softmax_jacobian_formula(z):
    s = softmax(z)
    k = s.shape[0]
    return np.array([[s[i] * ((i == j) - s[j]) for j in range(k)] for i in range(k)])


register_exercise(
    "softmax_jacobian",
    chapter="part2/activations",
    signature="(z (K,))",
    answer="(K,K), J[i,j] = s_i (delta_ij - s_j)",
    arg_names=("z",),
    statement_args=(("z", "(K,): the logits of one sample"),),
    returns="(K, K): J[i, j] = d s_i / d z_j, with s = softmax(z)",
    objective="Build the full Jacobian matrix of the softmax of one sample.",
    difficulty="medium",
    minutes=15,
    cases=_softmax_jacobian_cases,
    reference=lambda z: __import__("backprop").softmax_jacobian(z),
    formula=_softmax_jacobian_formula,
    forbidden=("softmax_jacobian",),
    mistakes=(
        (lambda z: np.diag(softmax(z)), "only the diagonal s_i is there: subtract the outer product s_i s_j"),
        (lambda z: -np.outer(softmax(z), softmax(z)), "the diagonal term s_i delta_ij is missing"),
        (lambda z: np.diag(softmax(z) * (1 - softmax(z))), "off-diagonal entries -s_i s_j are missing"),
        (lambda z: softmax(z) - softmax(z) ** 2,
         "s - s**2 is only the diagonal of J, seed 002's Table 1, an erratum of the book "
         "(erratum-002-table1-softmax-derivative); return the (K, K) matrix diag(s) - outer(s, s), "
         "Eq. (eq-part2-softmax-jacobian)"),
    ),
)

# ------------------------------------------------------------------ relu_backward


def _relu_cases(rng):
    shapes = [(1, 3), (4, 3), (2, 3, 4), (5,), (3, 2, 2, 2)]
    cases = [Case((rng.standard_normal(s), rng.standard_normal(s))) for s in shapes]
    for case in cases[1:]:  # exact zeros in z (every third entry): where ReLU'(0) = 0 shows
        case.args[1].flat[::3] = 0.0
    return cases


def _relu_reference(dout, z):
    import backprop

    return backprop.relu_backward(dout, backprop.relu_forward(z)[1])


_RELU_REVERSED = "the mask is reversed: the gradient passes where z > 0"

register_exercise(
    "relu_backward",
    chapter="part2/activations",
    signature="(dout, z) same shape",
    answer="dout * (z > 0)",
    arg_names=("dout", "z"),
    statement_args=(("dout", "any shape: the upstream gradient"), ("z", "dout's shape: the ReLU's input")),
    returns="an array of z's shape: the gradient with respect to z, with ReLU'(0) = 0",
    objective="Pass the upstream gradient through a ReLU: the mask of its derivative, with ReLU'(0) = 0.",
    difficulty="easy",
    minutes=5,
    cases=_relu_cases,
    reference=_relu_reference,
    formula=lambda dout, z: np.where(z > 0, dout, 0.0),
    forbidden=("relu_backward",),
    mistakes=(
        (lambda dout, z: (z > 0).astype(float), "dout is missing: multiply the upstream gradient by the mask"),
        (lambda dout, z: dout * np.maximum(z, 0.0), "you multiplied by relu(z); multiply by its derivative, the mask (z > 0)"),
        (lambda dout, z: dout * (z < 0), _RELU_REVERSED),
        (lambda dout, z: dout * (z >= 0),
         "at z = 0 the gradient passed: that is ReLU'(0) = 1, seed 002's Table 1 convention (1 if x >= 0); "
         "this exercise takes ReLU'(0) = 0: mask with (z > 0), Eq. (eq-part2-relu-prime)"),
        (lambda dout, z: dout * (z <= 0), _RELU_REVERSED),
    ),
)

# ------------------------------------------------------------------ mse_grad


def _mse_cases(rng):
    out = []
    for n, k in zip(BATCH_SIZES, (3, 2, 3, 4, 2)):
        factors = batch_factors(n, k)
        factors.setdefault(2.0, "the 2 from the derivative of the square (y_pred - y)^2")
        out.append(Case((rng.standard_normal((n, k)), rng.standard_normal((n, k))), factors=factors, n=n))
    return out


register_exercise(
    "mse_grad",
    chapter="part2/losses",
    signature="(y_pred (N,K), y (N,K))",
    answer="2*(y_pred-y)/N",
    arg_names=("y_pred", "y"),
    statement_args=(("y_pred", "(N, K): predictions"), ("y", "(N, K): targets")),
    returns="(N, K): the gradient of MSE = mean over N of the sum over K of (y_pred - y)^2",
    objective="Differentiate the mean squared error, a mean over the batch, with respect to the predictions.",
    difficulty="easy",
    minutes=5,
    cases=_mse_cases,
    reference=lambda p, y: __import__("backprop").mse_grad(p, y, reduction="mean"),
    formula=lambda p, y: 2.0 * (p - y) / p.shape[0],
    forbidden=("mse_grad",),
    batch=True,
)

# ------------------------------------------------------------------ binary_cross_entropy_grad


def _bce_cases(rng):
    out = []
    for n, k in zip(BATCH_SIZES, (3, 2, 3, 4, 2)):
        y_hat = rng.uniform(0.05, 0.95, (n, k))
        y = (rng.uniform(size=(n, k)) < 0.5).astype(float)
        out.append(Case((y_hat, y), factors=batch_factors(n, k), n=n))
    return out


register_exercise(
    "binary_cross_entropy_grad",
    chapter="part2/losses",
    signature="(y_hat (N,K), y (N,K))",
    answer="(-y/y_hat + (1-y)/(1-y_hat))/N",
    arg_names=("y_hat", "y"),
    statement_args=(("y_hat", "(N, K): predicted probabilities in (0, 1)"), ("y", "(N, K): targets, 0 or 1")),
    returns="(N, K): the gradient of the mean (over N) binary cross-entropy with respect to y_hat",
    objective="Differentiate the binary cross-entropy, a mean over the batch, with respect to the predicted probabilities.",
    difficulty="medium",
    minutes=10,
    cases=_bce_cases,
    reference=lambda h, y: __import__("backprop").binary_cross_entropy_grad(h, y, reduction="mean"),
    formula=lambda h, y: (-y / h + (1 - y) / (1 - h)) / h.shape[0],
    forbidden=("binary_cross_entropy_grad",),
    batch=True,
    mistakes=(
        (lambda h, y: (h - y) / h.shape[0],
         "this is the gradient with respect to the logits (sigmoid + BCE); the exercise asks for d/dy_hat"),
        (lambda h, y: (-y / h - (1 - y) / (1 - h)) / h.shape[0],
         "the sign of the second term is wrong: d/dy_hat of -(1-y) log(1-y_hat) is +(1-y)/(1-y_hat) "
         "(the inner derivative of 1-y_hat is -1), Eq. (eq-part2-bce-grad)"),
    ),
)

# ------------------------------------------------------------------ softmax_cross_entropy_backward


def _softmax_ce_cases(rng):
    out = []
    for n, k in zip(BATCH_SIZES, (3, 4, 3, 5, 4)):
        labels = rng.integers(0, k, n)
        out.append(Case((2.0 * rng.standard_normal((n, k)), labels), factors=batch_factors(n, k), n=n))
    out.append(Case((BIG_LOGITS.copy(), np.array([1, 2])), factors=batch_factors(2, 3), n=2))
    return out


def _softmax_ce_formula(z, labels):
    n = z.shape[0]
    log_p = z - z.max(axis=1, keepdims=True)
    log_p = log_p - np.log(np.exp(log_p).sum(axis=1, keepdims=True))
    return (np.exp(log_p) - onehot(labels, z.shape[1])) / n


register_exercise(
    "softmax_cross_entropy_backward",
    chapter="part2/cross_entropy",
    signature="(logits (N,K), labels int (N,))",
    answer="(softmax(logits) - onehot)/N",
    arg_names=("logits", "labels"),
    statement_args=(("logits", "(N, K): one sample per row; entries may be as large as +-1000"),
                    ("labels", "(N,) integers in 0..K-1")),
    returns="(N, K): the gradient of the mean (over N) cross-entropy of softmax(logits) with respect to the logits",
    objective="Compute the fused gradient of softmax and cross-entropy with respect to the logits, stable for logits of +-1000.",
    difficulty="medium",
    minutes=15,
    cases=_softmax_ce_cases,
    reference=lambda z, lab: __import__("backprop").softmax_cross_entropy_backward(z, lab, reduction="mean"),
    formula=_softmax_ce_formula,
    forbidden=("softmax_cross_entropy_backward",),
    batch=True,
    mistakes=(
        (lambda z, lab: softmax(z) / z.shape[0], "the one-hot of the labels is not subtracted"),
        (lambda z, lab: (z - onehot(lab, z.shape[1])) / z.shape[0],
         "apply the softmax to the logits first: (softmax(logits) - onehot)/N, Eq. (eq-part2-ce-softmax-delta)"),
        (lambda z, lab: (softmax(z.T).T - onehot(lab, z.shape[1])) / z.shape[0],
         "the softmax normalised each column (axis=0); normalise each row (axis=1, keepdims=True)"),
    ),
    nan_hint=_UNSTABLE,
)

# ------------------------------------------------------------------ sigmoid_bce_backward


def _sigmoid_bce_cases(rng):
    out = []
    for n, k in zip(BATCH_SIZES, (3, 2, 3, 4, 2)):
        y = (rng.uniform(size=(n, k)) < 0.5).astype(float)
        out.append(Case((2.0 * rng.standard_normal((n, k)), y), factors=batch_factors(n, k), n=n))
    y = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
    out.append(Case((BIG_LOGITS.copy(), y), factors=batch_factors(2, 3), n=2))
    return out


register_exercise(
    "sigmoid_bce_backward",
    chapter="part2/cross_entropy",
    signature="(logits (N,K), y (N,K))",
    answer="(sigmoid(logits) - y)/N",
    arg_names=("logits", "y"),
    statement_args=(("logits", "(N, K): entries may be as large as +-1000"), ("y", "(N, K): targets, 0 or 1")),
    returns="(N, K): the gradient of the mean (over N) binary cross-entropy of sigmoid(logits) with respect to the logits",
    objective="Compute the fused gradient of a sigmoid output and the binary cross-entropy with respect to the logits.",
    difficulty="medium",
    minutes=10,
    cases=_sigmoid_bce_cases,
    reference=lambda z, y: __import__("backprop").sigmoid_bce_backward(z, y, reduction="mean"),
    formula=lambda z, y: (sigmoid(z) - y) / z.shape[0],
    forbidden=("sigmoid_bce_backward",),
    batch=True,
    mistakes=(
        (lambda z, y: (z - y) / z.shape[0], "apply the sigmoid to the logits: (sigmoid(logits) - y)/N"),
        (lambda z, y: (sigmoid(z) - y) * sigmoid(z) * (1.0 - sigmoid(z)) / z.shape[0],
         "the factor sigmoid'(z) cancels against the BCE's 1/(y_hat(1-y_hat)): the fused gradient is "
         "(sigmoid(logits) - y)/N, Eq. (eq-part2-ce-sigmoid-delta)"),
    ),
    nan_hint="exp(1000) overflows: compute the sigmoid stably (np.exp of -|z| only), as the forward-pass chapter does",
)

# ------------------------------------------------------------------ relu_layer_delta


def _relu_layer_delta_cases(rng):
    out = []
    for n, (k, d) in zip(BATCH_SIZES, [(2, 3), (3, 5), (2, 4), (4, 3), (3, 2)]):
        z = rng.standard_normal((n, d))
        factors = {float(n): "N, the batch size; each sample's delta is its own, no mean here"} if n > 1 else {}
        out.append(Case((rng.standard_normal((n, k)), rng.standard_normal((k, d)), z), factors=factors, n=n))
    return out


@summary("W_next transposed: in the row layout the product is delta_next @ W_next")
def _relu_layer_transposed(delta_next, W_next, z):
    return (f"delta_next @ W_next.T needs W_next of shape (D, K); it is {shape(W_next)}: "
            "in the row layout the product is delta_next @ W_next")


def _relu_layer_delta_reference(delta_next, W_next, z):
    from backprop.activations import relu_backward, relu_forward

    _, cache = relu_forward(z)
    return relu_backward(delta_next @ W_next, cache)


register_exercise(
    "relu_layer_delta",
    chapter="part2/hidden_layers",
    signature="(delta_next (N,K), W_next (K,D), z (N,D))",
    answer="(delta_next @ W_next) * (z > 0)",
    arg_names=("delta_next", "W_next", "z"),
    statement_args=(("delta_next", "(N, K): the deltas of the layer above, one sample per row"),
                    ("W_next", "(K, D): the weights of the layer above, (D_out, D_in)"),
                    ("z", "(N, D): this layer's net inputs (ReLU inputs)")),
    returns="(N, D): this layer's deltas, dE/dz, with ReLU'(0) = 0",
    objective="Send the deltas back through one dense layer and one ReLU, in the row layout of a batch.",
    difficulty="medium",
    minutes=10,
    cases=_relu_layer_delta_cases,
    reference=_relu_layer_delta_reference,
    formula=lambda delta_next, W_next, z: np.where(z > 0, delta_next @ W_next, 0.0),
    batch=True,
    mistakes=(
        (lambda delta_next, W_next, z: delta_next @ W_next,
         "the ReLU's derivative is missing: multiply by the mask (z > 0), Eq. (eq-part2-ce-relu-delta)"),
        (lambda delta_next, W_next, z: (delta_next @ W_next) * np.maximum(z, 0.0),
         "you multiplied by relu(z); multiply by its derivative, the mask (z > 0)"),
        (lambda delta_next, W_next, z: (delta_next @ W_next) * (z >= 0),
         "at z = 0 the delta passed: this book takes ReLU'(0) = 0, mask with (z > 0)"),
        (lambda delta_next, W_next, z: (delta_next @ W_next.T) * (z > 0), _relu_layer_transposed),
    ),
)

# ------------------------------------------------------------------ log_softmax


def _log_softmax_cases(rng):
    out = []
    for n, k in zip(BATCH_SIZES[:4], (3, 4, 2, 5)):
        out.append(Case((3.0 * rng.standard_normal((n, k)),), n=n))
    out.append(Case((BIG_LOGITS.copy(),), n=2))
    return out


def _log_softmax_reference(z):
    from backprop.cross_entropy import log_softmax

    return log_softmax(z)


register_exercise(
    "log_softmax",
    chapter="part2/hidden_layers",
    signature="(z (N,K))",
    answer="z - logsumexp(z) row by row, exact for logits of +-1000",
    arg_names=("z",),
    statement_args=(("z", "(N, K): logits, one sample per row; entries may be as large as +-1000"),),
    returns="(N, K): log softmax(z) row by row, finite for every finite z",
    objective="Compute log-softmax from the logits with the log-sum-exp shift, so that no exponential overflows.",
    difficulty="medium",
    minutes=10,
    cases=_log_softmax_cases,
    reference=_log_softmax_reference,
    formula=lambda z: z - z.max(axis=1, keepdims=True)
    - np.log(np.exp(z - z.max(axis=1, keepdims=True)).sum(axis=1, keepdims=True)),
    forbidden=("log_softmax",),
    nan_hint="exp(1000) overflows: subtract each row's maximum before np.exp, Eq. (eq-part2-ce-logsumexp)",
    mistakes=(
        (lambda z: np.log(softmax(z)), "log(softmax(z)) underflows to -inf for very negative logits: "
                                       "compute z - m - log(sum(exp(z - m))) with m the row maximum"),
        (lambda z: z - np.log(np.exp(z - z.max(axis=1, keepdims=True)).sum(axis=1, keepdims=True)),
         "the shift m is missing from the result: log softmax(z) = z - m - log(sum(exp(z - m)))"),
    ),
)
