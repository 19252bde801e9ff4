"""Part I's coding exercises: the forward pass, the error, the parameter update."""

from __future__ import annotations

import numpy as np

from backprop.classroom._registry import Case, register_exercise
from backprop.classroom.exercises._common import (
    LAYER_SIZES,
    batch_cases,
    batch_factors,
    no_mean_factors,
    shape,
    sigmoid,
    summary,
)

# ------------------------------------------------------------------ sigmoid_prime


def _sigmoid_prime_cases(rng):
    shapes = [(1,), (6,), (3, 4), (2, 3, 4), (5, 2)]
    return [Case((3.0 * rng.standard_normal(s),)) for s in shapes]


def _sigmoid_prime_reference(z):
    import backprop

    return backprop.sigmoid_prime(z)


register_exercise(
    "sigmoid_prime",
    chapter="part1/forward_pass",
    signature="(z) any shape",
    answer="s*(1-s) with s = sigmoid(z)",
    arg_names=("z",),
    statement_args=(("z", "float64 array of any shape, the net inputs"),),
    returns="an array of z's shape: the derivative of the sigmoid at every entry",
    objective="Compute the derivative of the sigmoid elementwise from the sigmoid itself.",
    difficulty="easy",
    minutes=5,
    cases=_sigmoid_prime_cases,
    reference=_sigmoid_prime_reference,
    formula=lambda z: sigmoid(z) * (1.0 - sigmoid(z)),
    forbidden=("sigmoid_prime",),
    mistakes=(
        (lambda z: sigmoid(z), "this is sigmoid(z) itself, not its derivative s*(1-s)"),
        (lambda z: z * (1.0 - z), "this is z*(1-z): apply it to s = sigmoid(z), not to z"),
        (lambda z: sigmoid(z) * (1.0 - sigmoid(z)) ** 2,
         "this is s*(1-s)**2, seed 002's Table 1, an erratum of the book (erratum-002-table1-sigmoid); "
         "the derivative is s*(1-s), Eq. (eq-part1-sigmoid-prime)"),
    ),
)

# ------------------------------------------------------------------ net_input


def _net_input_cases(rng):
    def draw(n, k, d):
        return rng.standard_normal((n, d)), rng.standard_normal((k, d)), rng.standard_normal(k)

    return batch_cases([(3, 2), (2, 3), (3, 5), (4, 2), (2, 5)], draw)


@summary("W (K, D) used without .T: the net inputs of the rows of x are x @ W.T + b")
def _net_input_no_transpose(x, W, b):
    return (f"x {shape(x)} @ W {shape(W)} does not fit: W is (K, D), one row per output, "
            "so the net inputs of the rows of x are x @ W.T + b, Eq. (eq-part1-net-row)")


@summary("W @ x.T, the column form (K, N); with one sample per row the answer is x @ W.T + b")
def _net_input_column(x, W, b):
    return (f"W @ x.T is the column form (K, N) of Eq. (eq-part1-net-column); with one sample per row "
            f"the answer is x @ W.T + b, shape {shape(x @ W.T)}")


register_exercise(
    "net_input",
    chapter="part1/forward_pass",
    signature="(x (N,D), W (K,D), b (K,))",
    answer="x @ W.T + b",
    arg_names=("x", "W", "b"),
    statement_args=(("x", "(N, D): one sample per row"), ("W", "(K, D): one row per output"), ("b", "(K,)")),
    returns="(N, K): the net input of every output for every sample",
    objective="Compute the net inputs of a fully connected layer for a batch, one sample per row.",
    difficulty="easy",
    minutes=5,
    cases=_net_input_cases,
    reference=lambda x, W, b: x @ W.T + b,
    formula=lambda x, W, b: np.einsum("nd,kd->nk", x, W) + b,
    batch=True,
    mistakes=(
        (lambda x, W, b: x @ W.T, "the bias b is missing: add it to every row"),
        (lambda x, W, b: x @ W + b, _net_input_no_transpose),
        (lambda x, W, b: np.dot(x, W) + b, _net_input_no_transpose),
        (lambda x, W, b: W @ x.T + b, _net_input_column),
    ),
)

# ------------------------------------------------------------------ output_delta


def _output_delta_cases(rng):
    def draw(n, k):
        return rng.uniform(0.05, 0.95, (n, k)), rng.uniform(0.0, 1.0, (n, k))  # output, target

    def factors(n):
        return {**no_mean_factors(n, "delta"),
                2.0: "the 2 of the square, cancelled by the 1/2 of the loss, Eq. (eq-part1-loss)"}

    return batch_cases((3, 2, 3, 4, 2), draw, factors)


register_exercise(
    "output_delta",
    chapter="part1/backprop_error",
    signature="(output (N,K), target (N,K))",
    answer="(output-target)*output*(1-output)",
    arg_names=("output", "target"),
    statement_args=(("output", "(N, K): the sigmoid outputs O = f(Net), in (0, 1)"), ("target", "(N, K)")),
    returns="(N, K): the error term delta of every output unit, for the half squared error",
    objective="Compute the output layer's error term delta of a sigmoid layer under the half squared error.",
    difficulty="easy",
    minutes=10,
    cases=_output_delta_cases,
    reference=lambda o, t: (o - t) * o * (1.0 - o),
    formula=lambda o, t: np.multiply(np.subtract(o, t), o - o * o),
    batch=True,
    mistakes=(
        (lambda o, t: o - t, "the factor f'(Net) = output*(1-output) of the sigmoid is missing"),
        (lambda o, t: (o - t) * sigmoid(o) * (1.0 - sigmoid(o)),
         "you applied the sigmoid again: output is already f(Net), so f'(Net) = output*(1-output)"),
        (lambda o, t: (o - t) * o * (1.0 - o) ** 2,
         "this has (1-output)**2, seed 002's Table 1, an erratum of the book (erratum-002-table1-sigmoid); "
         "f'(Net) = output*(1-output), Eq. (eq-part1-delta-def)"),
    ),
)

# ------------------------------------------------------------------ hidden_error


def _hidden_error_cases(rng):
    def draw(n, k, d):
        return rng.standard_normal((n, k)), rng.standard_normal((k, d))  # delta_next, W_next

    return batch_cases(LAYER_SIZES, draw, lambda n: no_mean_factors(n, "error"))


@summary("delta_next @ W_next.T: a .T too many, delta_next (N, K) @ W_next (K, D) gives (N, D)")
def _hidden_transpose(d, W):
    return (f"a .T too many: delta_next is (N, K) = {shape(d)} and W_next (K, D) = {shape(W)}, so "
            f"delta_next @ W_next sums over K and gives (N, D); W_next.T {shape(W.T)} does not fit, "
            "Eq. (eq-part1-backprop-rows)")


@summary("W_next.T @ delta_next: the column form of Eq. A.6; with one sample per row, delta_next @ W_next")
def _hidden_order(d, W):
    return (f"W_next.T {shape(W.T)} @ delta_next {shape(d)} does not fit: that is Eq. A.6's column form, "
            "one sample per column; here each sample is a row: delta_next @ W_next, (N, K)(K, D) -> (N, D), "
            "Eq. (eq-part1-backprop-rows)")


register_exercise(
    "hidden_error",
    chapter="part1/backprop_error",
    signature="(delta_next (N,K), W_next (K,D))",
    answer="delta_next @ W_next",
    arg_names=("delta_next", "W_next"),
    statement_args=(("delta_next", "(N, K): the error terms of the next layer"),
                    ("W_next", "(K, D): the next layer's weights, one row per unit of that layer")),
    returns="(N, D): the error arriving at each of the D outputs of this layer (before f')",
    objective="Send the next layer's error terms back through its weights, in the row form of a batch.",
    difficulty="easy",
    minutes=10,
    cases=_hidden_error_cases,
    reference=lambda d, W: d @ W,
    formula=lambda d, W: np.einsum("nk,kd->nd", d, W),
    batch=True,
    mistakes=(
        (lambda d, W: d @ W.T, _hidden_transpose),
        (lambda d, W: np.dot(d, W.T), _hidden_transpose),
        (lambda d, W: W.T @ d, _hidden_order),
        (lambda d, W: np.dot(W.T, d), _hidden_order),
    ),
)

# ------------------------------------------------------------------ dense_backward


def _dense_backward_cases(rng):
    def draw(n, k, d):
        return rng.standard_normal((n, k)), rng.standard_normal((n, d)), rng.standard_normal((k, d))  # dout, x, W

    return batch_cases(LAYER_SIZES, draw, batch_factors)


def _dense_backward_reference(dout, x, W):
    import backprop

    _, cache = backprop.dense_forward(x, W, np.zeros(W.shape[0]))
    return backprop.dense_backward(dout, cache)


@summary("dx = dout @ W.T: W is (K, D), so dx = dout @ W, no transpose")
def _dense_dx(dout, x, W):
    return (f"dx: dout {shape(dout)} @ W.T {shape(W.T)} does not fit: W is (K, D) = {shape(W)}, "
            "so dx = dout @ W, (N, K)(K, D) -> (N, D), no transpose")


@summary("dW = dout @ x: dW = dout.T @ x, (K, N)(N, D) -> (K, D), the shape of W")
def _dense_dw(dout, x, W):
    return (f"dW: dout {shape(dout)} @ x {shape(x)} does not fit: dW = dout.T @ x, "
            "(K, N)(N, D) -> (K, D), the shape of W")


register_exercise(
    "dense_backward",
    chapter="part1/updating_parameters",
    signature="(dout (N,K), x (N,D), W (K,D))",
    answer="(dout @ W, dout.T @ x, dout.sum(0))",
    arg_names=("dout", "x", "W"),
    statement_args=(("dout", "(N, K): the gradient of the loss with respect to the layer's output"),
                    ("x", "(N, D): the layer's input"), ("W", "(K, D): its weights")),
    returns="a tuple (dx (N, D), dW (K, D), db (K,)), the gradients of the loss (no mean: dout already has it)",
    objective="Write the backward pass of a dense layer: the gradients of its input, weights and bias.",
    difficulty="medium",
    minutes=15,
    cases=_dense_backward_cases,
    reference=_dense_backward_reference,
    formula=lambda dout, x, W: (dout @ W, dout.T @ x, dout.sum(axis=0)),
    forbidden=("dense_backward",),
    kind="tuple",
    output_names=("dx", "dW", "db"),
    batch=True,
    mistakes=(  # tuple results: these hints answer the shape errors they raise
        (lambda dout, x, W: (dout @ W.T, dout.T @ x, dout.sum(axis=0)), _dense_dx),
        (lambda dout, x, W: (np.dot(dout, W.T), dout.T @ x, dout.sum(axis=0)), _dense_dx),
        (lambda dout, x, W: (dout @ W, dout @ x, dout.sum(axis=0)), _dense_dw),
        (lambda dout, x, W: (dout @ W, np.dot(dout, x), dout.sum(axis=0)), _dense_dw),
        (lambda dout, x, W: (dout @ W, dout.T @ x, dout.sum(axis=1)),
         "db: you summed over the K outputs (axis=1); sum over the batch axis, db = dout.sum(axis=0), "
         "one entry per bias, shape (K,)"),
    ),
)

# ------------------------------------------------------------------ minibatch_weight_gradient


def _minibatch_cases(rng):
    def draw(n, k, d):  # x, W, b, target
        return rng.standard_normal((n, d)), rng.standard_normal((k, d)), rng.standard_normal(k), rng.uniform(0.0, 1.0, (n, k))

    return batch_cases(LAYER_SIZES, draw, batch_factors)


def _minibatch_reference(x, W, b, target):
    out = sigmoid(x @ W.T + b)
    delta = (out - target) * out * (1.0 - out) / x.shape[0]
    return delta.T @ x


def _minibatch_formula(x, W, b, target):
    dw = np.zeros_like(W)
    for n in range(x.shape[0]):  # one sample at a time, then the mean
        o = sigmoid(W @ x[n] + b)
        dw += np.outer((o - target[n]) * o * (1.0 - o), x[n])
    return dw / x.shape[0]


register_exercise(
    "minibatch_weight_gradient",
    chapter="part1/updating_parameters",
    signature="(x (N,D), W (K,D), b (K,), target (N,K))",
    answer="dW of the mean over N of the half SSE of sigmoid(x W^T + b)",
    arg_names=("x", "W", "b", "target"),
    statement_args=(("x", "(N, D): the batch, one sample per row"), ("W", "(K, D)"), ("b", "(K,)"),
                    ("target", "(N, K)")),
    returns="(K, D): the gradient of the batch's mean half squared error of sigmoid(x @ W.T + b) with respect to W",
    objective="Compute a sigmoid layer's weight gradient for the mean loss over a mini-batch.",
    difficulty="medium",
    minutes=20,
    cases=_minibatch_cases,
    reference=_minibatch_reference,
    formula=_minibatch_formula,
    batch=True,
    mistakes=(
        (lambda x, W, b, t: ((sigmoid(x @ W.T + b) - t) / x.shape[0]).T @ x,
         "the factor f'(Net) = O*(1-O) of the sigmoid is missing"),
        (lambda x, W, b, t: (x @ W.T + b - t).T @ x / x.shape[0],
         "you used Net = x @ W.T + b where the output O = sigmoid(Net) belongs, and f'(Net) = O*(1-O) is missing"),
    ),
)
