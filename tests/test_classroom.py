"""Tests of backprop.classroom: the checker of the book's coding exercises.

Every exercise passes on a correct solution; deliberately wrong answers get the matching
hint (transposed, factor 4, factor N, flipped sign, in place, raising, None, NaN, a list,
too slow); the registry matches CONTRIBUTING.md and every ``check(...)`` of the book.
"""

from __future__ import annotations

import ast
import re
import threading
import time
from pathlib import Path

import nbformat
import numpy as np
import pytest

import backprop
import backprop.classroom._diagnose
from backprop.classroom import EXERCISES, CheckResult, check, exercise_ids

ROOT = Path(__file__).resolve().parent.parent
SHORT = 0.3  # seconds: the time limit used where a test needs one


# ----------------------------------------------------------------- correct solutions
# Written independently of the registry (no call into it), as a student would.

def _sig(z):
    return 1.0 / (1.0 + np.exp(-z))


def _softmax_rows(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _max_pool_loops(x, dout, size):
    dx = np.zeros_like(x)
    n_, c_, hp, wp = dout.shape
    for n in range(n_):
        for c in range(c_):
            for i in range(hp):
                for j in range(wp):
                    win = x[n, c, i * size : (i + 1) * size, j * size : (j + 1) * size]
                    a, b = np.unravel_index(np.argmax(win), win.shape)
                    dx[n, c, i * size + a, j * size + b] += dout[n, c, i, j]
    return dx


def _kernel_grad_loops(x, dout):
    n_, f_, hp, wp = dout.shape
    kh, kw = x.shape[2] - hp + 1, x.shape[3] - wp + 1
    dw = np.zeros((f_, x.shape[1], kh, kw))
    for n in range(n_):
        for f in range(f_):
            for p in range(hp):
                for q in range(wp):
                    dw[f] += dout[n, f, p, q] * x[n, :, p : p + kh, q : q + kw]
    return dw


def _input_grad_loops(dout, w):
    n_, f_, hp, wp = dout.shape
    _, c_, kh, kw = w.shape
    dx = np.zeros((n_, c_, hp + kh - 1, wp + kw - 1))
    for n in range(n_):
        for f in range(f_):
            for p in range(hp):
                for q in range(wp):
                    dx[n, :, p : p + kh, q : q + kw] += dout[n, f, p, q] * w[f]
    return dx


def _correlate_loops(x, k):
    kh, kw = k.shape
    out = np.zeros((x.shape[0] - kh + 1, x.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(x[i : i + kh, j : j + kw] * k)
    return out


def _softmax_ce(logits, labels):
    p = _softmax_rows(logits)
    p[np.arange(labels.shape[0]), labels] -= 1.0
    return p / labels.shape[0]


SOLUTIONS = {
    "sigmoid_prime": lambda z: _sig(z) * (1 - _sig(z)),
    "net_input": lambda x, W, b: x @ W.T + b,
    "output_delta": lambda output, target: (output - target) * output * (1 - output),
    "hidden_error": lambda delta_next, W_next: delta_next @ W_next,
    "dense_backward": lambda dout, x, W: (dout @ W, dout.T @ x, dout.sum(axis=0)),
    "minibatch_weight_gradient": lambda x, W, b, target: (
        ((_sig(x @ W.T + b) - target) * _sig(x @ W.T + b) * (1 - _sig(x @ W.T + b))).T @ x / x.shape[0]
    ),
    "softmax": _softmax_rows,
    "softmax_jacobian": lambda z: np.diag(_softmax_rows(z)) - np.outer(_softmax_rows(z), _softmax_rows(z)),
    "relu_backward": lambda dout, z: np.where(z > 0, dout, 0.0),
    "mse_grad": lambda y_pred, y: 2 * (y_pred - y) / y.shape[0],
    "binary_cross_entropy_grad": lambda y_hat, y: (-y / y_hat + (1 - y) / (1 - y_hat)) / y.shape[0],
    "softmax_cross_entropy_backward": _softmax_ce,
    "sigmoid_bce_backward": lambda logits, y: (_sig(logits) - y) / y.shape[0],
    "relu_layer_delta": lambda delta_next, W_next, z: np.where(z > 0, delta_next @ W_next, 0.0),
    "log_softmax": lambda z: z - z.max(axis=1, keepdims=True) - np.log(
        np.exp(z - z.max(axis=1, keepdims=True)).sum(axis=1, keepdims=True)),
    "conv_output_size": lambda size, kernel, stride=1, padding=0: (size + 2 * padding - kernel) // stride + 1,
    "correlate2d_valid": _correlate_loops,
    "conv2d_kernel_grad": _kernel_grad_loops,
    "conv2d_input_grad": _input_grad_loops,
    "avg_pool_backward": lambda dout, size: np.kron(dout, np.ones((size, size))) / size**2,
    "max_pool_backward": _max_pool_loops,
    "glorot_bound": lambda fan_in, fan_out: np.sqrt(6.0 / (fan_in + fan_out)),
    "conv_param_count": lambda in_channels, out_channels, kernel_size: (
        out_channels * in_channels * kernel_size**2 + out_channels
    ),
}


def _run(ex_id, fn, **kw) -> CheckResult:
    return check(fn, exercise=ex_id, **kw)


# ----------------------------------------------------------------- the registry

def _contributing_ids() -> list[str]:
    text = (ROOT / "CONTRIBUTING.md").read_text()
    section = text.split("## Coding exercises: ids and signatures", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `(\w+)` \|", section, flags=re.M)


def test_every_id_of_contributing_is_registered():
    ids = _contributing_ids()
    assert len(ids) == 23, f"expected the 23 ids of CONTRIBUTING.md's table, parsed {len(ids)}"
    missing = sorted(set(ids) - set(EXERCISES))
    assert not missing, f"ids in CONTRIBUTING.md without a checker: {missing}"
    assert exercise_ids() == list(EXERCISES)
    assert set(SOLUTIONS) == set(EXERCISES), "this test's solutions must cover every exercise"


def test_chapters_of_the_registry_exist():
    for ex in EXERCISES.values():
        assert (ROOT / "book" / f"{ex.chapter}.ipynb").exists(), f"{ex.id}: no notebook book/{ex.chapter}.ipynb"


@pytest.mark.parametrize("ex_id", list(EXERCISES))
def test_package_reference_agrees_with_the_independent_formula(ex_id):
    ex = EXERCISES[ex_id]
    assert ex.formula is not None, f"{ex_id}: every exercise has an independent formula"
    for case in ex.draw_cases() + ex.draw_cases(seed=7):
        got = ex.reference(*case.args, **case.kwargs)
        want = ex.formula(*case.args, **case.kwargs)
        if isinstance(want, tuple):
            assert len(got) == len(want)
            for g, w in zip(got, want):
                np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-12)
        else:
            assert np.shape(got) == np.shape(want)
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_cases_are_seeded_and_batch_exercises_start_with_one_sample():
    for ex in EXERCISES.values():
        a, b = ex.draw_cases(), ex.draw_cases()
        assert len(a) >= 5
        for ca, cb in zip(a, b):
            for x, y in zip(ca.args, cb.args):
                assert np.array_equal(x, y), f"{ex.id}: cases differ between two draws"
        if ex.batch:
            assert a[0].n == 1 and any(c.n > 1 for c in a), ex.id


# ----------------------------------------------------------------- correct answers pass

@pytest.mark.parametrize("ex_id", list(EXERCISES))
def test_a_correct_solution_passes(ex_id):
    result = _run(ex_id, SOLUTIONS[ex_id])
    assert result.passed, repr(result)
    assert repr(result) in (f"{ex_id}: passed ({result.cases} random cases)", f"{ex_id}: passed ({result.cases} cases)")
    assert bool(result) is True


def test_check_finds_the_exercise_by_the_function_name():
    def sigmoid_prime(z):
        s = 1.0 / (1.0 + np.exp(-z))
        return s * (1.0 - s)

    assert repr(check(sigmoid_prime)) == "sigmoid_prime: passed (5 random cases)"
    assert check(backprop.sigmoid_prime).passed


def test_the_package_functions_pass_their_own_exercises():
    assert check(backprop.softmax).passed
    assert check(backprop.softmax_jacobian).passed
    assert check(backprop.conv_output_size).passed


# ----------------------------------------------------------------- the stub, errors, hangs

def test_a_stub_is_not_done_yet():
    def dense_backward(dout, x, W):
        raise NotImplementedError("exercise: dense_backward")

    result = check(dense_backward)
    assert result.status == "not done yet"
    assert repr(result).startswith("dense_backward: not done yet")
    assert not result


def test_an_exception_is_shown_briefly_with_its_type_and_message():
    def output_delta(output, target):
        return output @ target  # (N,K) @ (N,K): a shape error

    result = check(output_delta)
    assert result.status == "error"
    assert "your function raised ValueError: matmul" in repr(result)
    assert "Traceback" not in repr(result) and "\n" not in repr(result)


def test_a_wrong_signature_names_the_expected_one():
    result = check(lambda z: z, exercise="dense_backward")
    assert "TypeError" in repr(result) and "the signature is dense_backward(dout (N,K), x (N,D), W (K,D))" in repr(result)
    result = _run("hidden_error", lambda delta_next, W_next: W_next @ delta_next)
    assert "raised ValueError: matmul" in repr(result)
    assert "compare with the shapes of the signature hidden_error(" in repr(result)


def test_returning_none_says_return_is_missing():
    def sigmoid_prime(z):
        s = 1.0 / (1.0 + np.exp(-z))
        s * (1 - s)

    assert "None: did you forget the return statement?" in repr(check(sigmoid_prime))


def test_a_list_instead_of_an_array():
    result = _run("net_input", lambda x, W, b: (x @ W.T + b).tolist())
    assert result.status == "failed"
    assert "is a list, not a numpy array" in repr(result)


def test_a_tuple_of_the_wrong_length():
    result = _run("dense_backward", lambda dout, x, W: (dout @ W, dout.T @ x))
    assert "a tuple of 2 values; return 3 arrays (dx, dW, db)" in repr(result)


def test_wrong_dtypes():
    r = _run("net_input", lambda x, W, b: np.rint(x @ W.T + b).astype(int))
    assert "dtype int64" in repr(r) and "float64" in repr(r)
    r = _run("net_input", lambda x, W, b: (x @ W.T + b).astype(np.float16))
    assert "dtype float16; float64 was expected" in repr(r)


def test_float32_answers_are_accepted_where_the_dtype_does_not_matter():
    assert _run("net_input", lambda x, W, b: (x @ W.T + b).astype(np.float32)).passed
    r = _run("dense_backward", lambda dout, x, W: tuple(a.astype(np.float32) for a in (dout @ W, dout.T @ x, dout.sum(0))))
    assert r.passed, repr(r)
    r = _run("net_input", lambda x, W, b: (x @ W.T + 1.001 * b).astype(np.float32))
    assert r.status == "failed", "float32's tolerance is float32's precision, not 1e-3"


def test_nan_gets_the_exercise_hint():
    def softmax(z):  # no max subtraction: exp(1000) overflows on the last case
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    result = check(softmax)
    assert "NaN or infinite" in repr(result) and "subtract each row's maximum" in repr(result)


def test_nan_everywhere():
    assert "NaN or infinite value(s)" in repr(_run("sigmoid_prime", lambda z: z * np.nan))


def test_a_slow_function_hits_the_time_limit():
    stop = threading.Event()

    def sigmoid_prime(z):
        while not stop.is_set():
            time.sleep(0.01)
        return z

    try:
        result = check(sigmoid_prime, time_limit=SHORT)
    finally:
        stop.set()
    assert result.status == "error"
    assert repr(result) == (
        "sigmoid_prime: no answer within 0.3 s on case 1 of 5 (z (1,)): an endless loop, or a slow Python loop?"
    )


def test_the_time_limit_also_works_off_the_main_thread():
    stop = threading.Event()
    box = {}

    def slow(z):
        while not stop.is_set():
            time.sleep(0.01)
        return z

    worker = threading.Thread(target=lambda: box.setdefault("r", check(slow, exercise="sigmoid_prime", time_limit=SHORT)))
    worker.start()
    worker.join(30)
    stop.set()
    assert box["r"].status == "error" and "no answer within 0.3 s" in repr(box["r"])


def test_a_student_except_clause_cannot_swallow_the_time_limit():
    def sigmoid_prime(z):
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                time.sleep(0.01)
            except Exception:  # a student's catch-all
                pass
        return z

    assert check(sigmoid_prime, time_limit=SHORT).status == "error"


WEIRD = {
    "a string": lambda *a, **k: "abc",
    "a dict": lambda *a, **k: {},
    "an object": lambda *a, **k: object(),
    "an empty array": lambda *a, **k: np.zeros(0),
    "an object array": lambda *a, **k: np.zeros((2, 2), dtype=object),
    "a complex array": lambda *a, **k: np.zeros((2, 2), dtype=complex),
    "a bool": lambda *a, **k: True,
    "inf": lambda *a, **k: float("inf"),
    "nan": lambda *a, **k: float("nan"),
    "a generator": lambda *a, **k: (i for i in range(3)),
    "a ragged tuple": lambda *a, **k: ([1, 2], [3]),
    "KeyError": lambda *a, **k: {}["missing"],
    "RecursionError": lambda *a, **k: (_ for _ in ()).throw(RecursionError("deep")),
    "SystemExit": None,  # filled below: a student calling exit()
}


def _exit(*a, **k):
    raise SystemExit(3)


@pytest.mark.parametrize("ex_id", list(EXERCISES))
def test_the_checker_never_raises_on_strange_answers(ex_id):
    for what, fn in WEIRD.items():
        fn = fn or _exit
        try:
            result = _run(ex_id, fn)
        except SystemExit:
            continue  # exit() is the student's explicit request; the checker does not hide it
        assert result.status in ("failed", "error"), f"{ex_id} on {what}: {result!r}"
        text = repr(result)
        assert "\n" not in text and "0x" not in text.replace("0x...", ""), f"{ex_id} on {what}: {text}"


def test_unknown_exercises_and_bad_arguments():
    def sigmoid_prim(z):
        return z

    assert repr(check(sigmoid_prim)) == "sigmoid_prim: no exercise is called 'sigmoid_prim'; did you mean 'sigmoid_prime'?"
    assert check(lambda z: z).status == "unknown exercise"
    assert check(3, exercise="sigmoid_prime").status == "error"
    assert "time_limit must be a positive number" in repr(check(SOLUTIONS["softmax"], exercise="softmax", time_limit=0))


# ----------------------------------------------------------------- diagnosed hints

def test_transposed_result():
    r = _run("net_input", lambda x, W, b: W @ x.T + b[:, None])
    assert "the shape of the transpose of the answer's (1, 3)" in repr(r) and ".T" in repr(r)


def test_transposed_weight_gradient_in_a_tuple():
    r = _run("dense_backward", lambda dout, x, W: (dout @ W, x.T @ dout, dout.sum(0)))
    assert "dW has shape (3, 2), the shape of the transpose" in repr(r)


def test_factor_four_of_average_pooling():
    r = _run("avg_pool_backward", lambda dout, size: np.kron(dout, np.ones((size, size))))
    assert "the result is 4 times too large (4 = size^2, the number of entries in a pooling window)" in repr(r)


def test_factor_n_of_the_batch_mean():
    r = _run("mse_grad", lambda y_pred, y: 2 * (y_pred - y))
    assert repr(r).startswith("mse_grad: right for one sample (N=1) but not for a batch of N=4")
    assert "4 times too large (4 = N, the batch size)" in repr(r)
    r = _run("dense_backward", lambda dout, x, W: (dout @ W, dout.T @ x, dout.mean(0)))
    assert "db is 4 times too small (4 = N, the batch size)" in repr(r)


def test_factor_two_of_the_square():
    r = _run("mse_grad", lambda y_pred, y: (y_pred - y) / y.shape[0])
    assert "2 times too small (2 = the 2 from the derivative of the square" in repr(r)


def test_flipped_sign():
    r = _run("output_delta", lambda output, target: (target - output) * output * (1 - output))
    assert "the sign is flipped" in repr(r)
    r = _run("sigmoid_bce_backward", lambda logits, y: (y - _sig(logits)) / y.shape[0])
    assert "the sign is flipped" in repr(r)


def test_right_for_one_sample_only():
    r = _run("conv2d_kernel_grad", lambda x, dout: _kernel_grad_loops(x[:1], dout[:1]))
    assert "right for one sample (N=1) but not for a batch" in repr(r)
    assert "only the first sample of the batch counts" in repr(r)


def test_input_changed_in_place():
    def output_delta(output, target):
        output -= target  # changes the caller's array
        return output * (output + target) * (1 - output - target)

    r = check(output_delta)
    assert "changed its input 'output' in place" in repr(r)


def test_known_mistakes():
    assert "the bias b is missing" in repr(_run("net_input", lambda x, W, b: x @ W.T))
    assert "the factor f'(Net)" in repr(_run("output_delta", lambda output, target: output - target))
    assert "flipped" in repr(_run("correlate2d_valid", lambda x, k: _correlate_loops(x, k[::-1, ::-1])))
    full = lambda x, k: _correlate_loops(np.pad(x, ((k.shape[0] - 1,) * 2, (k.shape[1] - 1,) * 2)), k)  # noqa: E731
    assert "this is the 'full' correlation" in repr(_run("correlate2d_valid", full))
    assert "rotation" in repr(_run("conv2d_input_grad", lambda dout, w: _input_grad_loops(dout, w[:, :, ::-1, ::-1])))
    assert "the biases are missing" in repr(_run("conv_param_count", lambda i, o, k: o * i * k * k))
    r = _run("conv_output_size", lambda size, kernel, stride=1, padding=0: (size + 2 * padding - kernel) / stride + 1)
    assert "a float; return an int (use // for integer division)" in repr(r)
    r = _run("softmax", lambda z: _softmax_rows(z.T).T)
    assert "you normalised each column (axis=0)" in repr(r)


# Each known mistake with the exact line a student sees under the cell.
KNOWN_MISTAKES = {
    "relu: ReLU'(0) = 1 (seed 002)": (
        "relu_backward", lambda dout, z: dout * (z >= 0),
        "relu_backward: wrong on case 2 of 5 (dout (4, 3), z (4, 3)): at z = 0 the gradient passed: that is "
        "ReLU'(0) = 1, seed 002's Table 1 convention (1 if x >= 0); this exercise takes ReLU'(0) = 0: "
        "mask with (z > 0), Eq. (4.7)",
    ),
    "relu: mask z <= 0": (
        "relu_backward", lambda dout, z: np.where(z <= 0, dout, 0.0),
        "relu_backward: wrong on case 1 of 5 (dout (1, 3), z (1, 3)): the mask is reversed: the gradient passes where z > 0",
    ),
    "sigmoid_prime: seed 002 Table 1": (
        "sigmoid_prime", lambda z: _sig(z) * (1 - _sig(z)) ** 2,
        "sigmoid_prime: wrong on case 1 of 5 (z (1,)): this is s*(1-s)**2, seed 002's Table 1, an erratum of the "
        "book (see the box \"Erratum: seed 002, Table 1 (sigmoid derivative)\" in Section 4.1.3); the derivative is s*(1-s), Eq. (1.3)",
    ),
    "softmax_jacobian: seed 002 Table 1": (
        "softmax_jacobian", lambda z: _softmax_rows(z) - _softmax_rows(z) ** 2,
        "softmax_jacobian: wrong on case 1 of 5 (z (2,)): s - s**2 is only the diagonal of J, seed 002's Table 1, "
        "an erratum of the book (see the box \"Erratum: seed 002, Table 1 (softmax “derivative”)\" in Section 4.2.2); return the (K, K) matrix "
        "diag(s) - outer(s, s), Eq. (4.11)",
    ),
    "glorot: seed 000 A.21": (
        "glorot_bound", lambda fan_in, fan_out: np.sqrt(1.0 / (fan_in + fan_out)),
        "glorot_bound: wrong on case 1 of 5 (fan_in=3, fan_out=5): glorot_bound(3, 5) returned 0.353553, expected "
        "0.866025: that is seed 000's zeta of Table A.1, Eq. (11.2): Glorot's bound divided by sqrt(6); "
        "the bound is sqrt(6/(fan_in+fan_out)), Eq. (11.3)",
    ),
    "glorot: sqrt of the numerator only": (
        "glorot_bound", lambda fan_in, fan_out: np.sqrt(6.0) / (fan_in + fan_out),
        "glorot_bound: wrong on case 1 of 5 (fan_in=3, fan_out=5): glorot_bound(3, 5) returned 0.306186, expected "
        "0.866025: the square root covers the whole fraction: sqrt(6/(fan_in+fan_out))",
    ),
    "glorot: product of the fans": (
        "glorot_bound", lambda fan_in, fan_out: np.sqrt(6.0 / (fan_in * fan_out)),
        "glorot_bound: wrong on case 1 of 5 (fan_in=3, fan_out=5): glorot_bound(3, 5) returned 0.632456, expected "
        "0.866025: the denominator is the sum fan_in + fan_out, not the product",
    ),
    "kernel grad: convolved, seed 000 A.33": (
        "conv2d_kernel_grad", lambda x, dout: _kernel_grad_loops(x, dout[:, :, ::-1, ::-1]),
        "conv2d_kernel_grad: wrong on case 1 of 5 (x (1, 2, 5, 6), dout (1, 3, 4, 4)): you convolved x with dout "
        "(dout turned by 180 degrees), as seed 000's Eq. A.33 does, an erratum of the book (see the box \"Erratum: seed 000, Eq. A.33\" in Section 9.7.1); the "
        "kernel gradient correlates x with dout as it is: dw[f,c,m,q] = sum dout[n,f,i,j] x[n,c,i+m,j+q], "
        "Eq. (9.3)",
    ),
    "kernel grad: dout correlated with x": (
        "conv2d_kernel_grad", lambda x, dout: _kernel_grad_loops(x, dout)[:, :, ::-1, ::-1],
        "conv2d_kernel_grad: wrong on case 1 of 5 (x (1, 2, 5, 6), dout (1, 3, 4, 4)): the result is rotated by "
        "180 degrees (dout correlated with x, not x with dout?): dw[f,c,m,q] = sum dout[n,f,i,j] x[n,c,i+m,j+q], "
        "Eq. (9.3), no flip",
    ),
    "hidden_error: W_next.T": (
        "hidden_error", lambda delta_next, W_next: delta_next @ W_next.T,
        "hidden_error: your function raised ValueError on case 1 of 5 (delta_next (1, 2), W_next (2, 3)): a .T too "
        "many: delta_next is (N, K) = (1, 2) and W_next (K, D) = (2, 3), so delta_next @ W_next sums over K and "
        "gives (N, D); W_next.T (3, 2) does not fit, Eq. (2.5)",
    ),
    "hidden_error: np.dot with W_next.T": (
        "hidden_error", lambda delta_next, W_next: np.dot(delta_next, W_next.T),
        "hidden_error: your function raised ValueError on case 1 of 5 (delta_next (1, 2), W_next (2, 3)): a .T too "
        "many: delta_next is (N, K) = (1, 2) and W_next (K, D) = (2, 3), so delta_next @ W_next sums over K and "
        "gives (N, D); W_next.T (3, 2) does not fit, Eq. (2.5)",
    ),
    "hidden_error: column form": (
        "hidden_error", lambda delta_next, W_next: W_next.T @ delta_next,
        "hidden_error: your function raised ValueError on case 1 of 5 (delta_next (1, 2), W_next (2, 3)): "
        "W_next.T (3, 2) @ delta_next (1, 2) does not fit: that is Eq. A.6's column form, one sample per column; "
        "here each sample is a row: delta_next @ W_next, (N, K)(K, D) -> (N, D), Eq. (2.5)",
    ),
    "hidden_error: a mean": (
        "hidden_error", lambda delta_next, W_next: delta_next @ W_next / delta_next.shape[0],
        "hidden_error: right for one sample (N=1) but not for a batch of N=4 on case 2 of 5 (delta_next (4, 3), "
        "W_next (3, 5)): the result is 4 times too small (4 = N, the batch size; each sample's error is its own, "
        "no mean here): a division too many or a factor missing",
    ),
    "net_input: W without .T": (
        "net_input", lambda x, W, b: x @ W + b,
        "net_input: your function raised ValueError on case 1 of 5 (x (1, 2), W (3, 2), b (3,)): x (1, 2) @ W (3, 2) "
        "does not fit: W is (K, D), one row per output, so the net inputs of the rows of x are x @ W.T + b, "
        "Eq. (1.6)",
    ),
    "net_input: column form": (
        "net_input", lambda x, W, b: W @ x.T + b,
        "net_input: wrong on case 1 of 5 (x (1, 2), W (3, 2), b (3,)): W @ x.T is the column form (K, N) of "
        "Eq. (1.5); with one sample per row the answer is x @ W.T + b, shape (1, 3)",
    ),
    "dense_backward: dx with W.T": (
        "dense_backward", lambda dout, x, W: (dout @ W.T, dout.T @ x, dout.sum(axis=0)),
        "dense_backward: your function raised ValueError on case 1 of 5 (dout (1, 2), x (1, 3), W (2, 3)): dx: "
        "dout (1, 2) @ W.T (3, 2) does not fit: W is (K, D) = (2, 3), so dx = dout @ W, (N, K)(K, D) -> (N, D), "
        "no transpose",
    ),
    "dense_backward: dW without dout.T": (
        "dense_backward", lambda dout, x, W: (dout @ W, dout @ x, dout.sum(axis=0)),
        "dense_backward: your function raised ValueError on case 1 of 5 (dout (1, 2), x (1, 3), W (2, 3)): dW: "
        "dout (1, 2) @ x (1, 3) does not fit: dW = dout.T @ x, (K, N)(N, D) -> (K, D), the shape of W",
    ),
    "softmax: no keepdims": (
        "softmax", lambda z: np.exp(z - z.max(axis=1, keepdims=True)) / np.exp(z - z.max(axis=1, keepdims=True)).sum(axis=1),
        "softmax: right for one sample (N=1) but not for a batch of N=4 on case 2 of 5 (z (4, 4)): the row sums "
        "have shape (4,): keep the axis, sum(axis=1, keepdims=True), so that each row is divided by its own sum",
    ),
    "output_delta: seed 002 Table 1": (
        "output_delta", lambda output, target: (output - target) * output * (1 - output) ** 2,
        "output_delta: wrong on case 1 of 5 (output (1, 3), target (1, 3)): this has (1-output)**2, seed 002's "
        "Table 1, an erratum of the book (see the box \"Erratum: seed 002, Table 1 (sigmoid derivative)\" in Section 4.1.3); f'(Net) = output*(1-output), "
        "Eq. (2.2)",
    ),
    "output_delta: a mean": (
        "output_delta", lambda output, target: (output - target) * output * (1 - output) / output.shape[0],
        "output_delta: right for one sample (N=1) but not for a batch of N=4 on case 2 of 5 (output (4, 2), "
        "target (4, 2)): the result is 4 times too small (4 = N, the batch size; each sample's delta is its own, "
        "no mean here): a division too many or a factor missing",
    ),
    "output_delta: the 2 of the square": (
        "output_delta", lambda output, target: 2 * (output - target) * output * (1 - output),
        "output_delta: wrong on case 1 of 5 (output (1, 3), target (1, 3)): the result is 2 times too large "
        "(2 = the 2 of the square, cancelled by the 1/2 of the loss, Eq. (1.1)): a factor too many or a "
        "division missing",
    ),
    "minibatch: Net for O": (
        "minibatch_weight_gradient", lambda x, W, b, target: (x @ W.T + b - target).T @ x / x.shape[0],
        "minibatch_weight_gradient: wrong on case 1 of 5 (x (1, 3), W (2, 3), b (2,), target (1, 2)): you used "
        "Net = x @ W.T + b where the output O = sigmoid(Net) belongs, and f'(Net) = O*(1-O) is missing",
    ),
    "bce: sign of the second term": (
        "binary_cross_entropy_grad", lambda y_hat, y: (-y / y_hat - (1 - y) / (1 - y_hat)) / y.shape[0],
        "binary_cross_entropy_grad: right for one sample (N=1) but not for a batch of N=4 on case 2 of 5 "
        "(y_hat (4, 2), y (4, 2)): the sign of the second term is wrong: d/dy_hat of -(1-y) log(1-y_hat) is "
        "+(1-y)/(1-y_hat) (the inner derivative of 1-y_hat is -1), Eq. (5.14)",
    ),
    "bce: mean over N*K": (
        "binary_cross_entropy_grad", lambda y_hat, y: (-y / y_hat + (1 - y) / (1 - y_hat)) / y.size,
        "binary_cross_entropy_grad: wrong on case 1 of 5 (y_hat (1, 3), y (1, 3)): the result is 3 times too small "
        "(3 = K, the number of outputs; the mean is over N only): a division too many or a factor missing",
    ),
    "softmax ce: no softmax": (
        "softmax_cross_entropy_backward",
        lambda logits, labels: (logits - np.eye(logits.shape[1])[labels]) / logits.shape[0],
        "softmax_cross_entropy_backward: wrong on case 1 of 6 (logits (1, 3), labels (1,)): apply the softmax to "
        "the logits first: (softmax(logits) - onehot)/N, Eq. (6.6)",
    ),
    "softmax ce: columns": (
        "softmax_cross_entropy_backward",
        lambda logits, labels: (_softmax_rows(logits.T).T - np.eye(logits.shape[1])[labels]) / logits.shape[0],
        "softmax_cross_entropy_backward: wrong on case 1 of 6 (logits (1, 3), labels (1,)): the softmax normalised "
        "each column (axis=0); normalise each row (axis=1, keepdims=True)",
    ),
    "sigmoid bce: an extra sigmoid'": (
        "sigmoid_bce_backward", lambda logits, y: (_sig(logits) - y) * _sig(logits) * (1 - _sig(logits)) / y.shape[0],
        "sigmoid_bce_backward: wrong on case 1 of 6 (logits (1, 3), y (1, 3)): the factor sigmoid'(z) cancels "
        "against the BCE's 1/(y_hat(1-y_hat)): the fused gradient is (sigmoid(logits) - y)/N, "
        "Eq. (6.4)",
    ),
    "avg pool: divided by size": (
        "avg_pool_backward", lambda dout, size: np.kron(dout, np.ones((size, size))) / size,
        "avg_pool_backward: wrong on case 1 of 5 (dout (1, 2, 2, 3), size=2): the result is 2 times too large "
        "(2 = size; a window holds size^2 entries, each gets dout/size^2): a factor too many or a division missing",
    ),
    "conv_output_size: + 1 inside the division": (
        "conv_output_size", lambda size, kernel, stride=1, padding=0: (size + 2 * padding - kernel + 1) // stride,
        "conv_output_size: wrong on case 3 of 6 (size=7, kernel=3, stride=2): conv_output_size(7, 3, stride=2) "
        "returned 2, expected 3: the + 1 is missing, or sits inside the division: "
        "(size + 2*padding - kernel)//stride + 1 (a kernel as large as the input gives one output), "
        "Eq. (8.5)",
    ),
}


def test_the_labels_named_in_hints_exist_in_the_book():
    from backprop.classroom._book_refs import BOOK_REFS

    source = "\n".join(p.read_text() for p in sorted((ROOT / "src" / "backprop" / "classroom" / "exercises").glob("*.py")))
    named = set(re.findall(r"\b((?:eq|erratum)-[a-z0-9-]+[a-z0-9])", source))
    assert {"erratum-000-a33", "erratum-002-table1-sigmoid", "eq-part3-zeta", "eq-part2-relu-prime"} <= named
    book = "\n".join(
        cell.source for path in sorted((ROOT / "book").rglob("*.ipynb"))
        for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "markdown"
    )
    defined = set(re.findall(r"^\((erratum-[a-z0-9-]+)\)=", book, flags=re.M)) | set(re.findall(r"\$\$ *\((eq-[a-z0-9-]+)\)", book))
    assert not named - defined, f"hints name labels the book does not define: {sorted(named - defined)}"
    assert not named - set(BOOK_REFS), f"labels missing from _book_refs.py (run scripts/classroom_pages.py): {sorted(named - set(BOOK_REFS))}"


def test_hints_show_the_numbers_of_the_html_never_label_ids():
    label = re.compile(r"\b(?:eq|erratum|sec)-[a-z0-9-]+")
    for ex in EXERCISES.values():
        case = ex.draw_cases()[0]
        shown = list(ex.mistake_hints) + [ex.nan_hint and backprop.classroom.resolve_refs(ex.nan_hint)]
        shown += [backprop.classroom._diagnose.mistake_words(w, case.args, case.kwargs) for _, w in ex.mistakes if callable(w)]
        shown += [backprop.classroom.resolve_refs(w) for c in ex.draw_cases() for w in c.factors.values()]
        for text in shown:
            assert not label.search(text or ""), f"{ex.id}: a hint shows a label id: {text}"
    assert backprop.classroom.resolve_refs("Eq. (eq-part1-sigmoid-prime)") == "Eq. (1.3)"
    with pytest.raises(KeyError, match="eq-part9-nothing"):
        backprop.classroom.resolve_refs("Eq. (eq-part9-nothing)")


@pytest.mark.parametrize("what", list(KNOWN_MISTAKES))
def test_a_known_mistake_gets_its_hint(what):
    ex_id, fn, expected = KNOWN_MISTAKES[what]
    assert repr(_run(ex_id, fn)) == expected


def test_relu_cases_hold_exact_zeros():
    cases = EXERCISES["relu_backward"].draw_cases()
    assert not np.any(cases[0].args[1] == 0.0), "case 1 has no zero (the teachers' page quotes case 2)"
    assert all(np.count_nonzero(c.args[1] == 0.0) >= 2 for c in cases[1:]), "ReLU'(0) must be tested"


def test_a_constant_factor_needs_two_different_entries():
    from backprop.classroom._diagnose import distinct_nonzero

    assert [distinct_nonzero(np.array(a, dtype=float)) for a in ([], [0.0], [0.3], [0.3, 0.3, 0.0], [0.3, -0.3])] == [0, 0, 1, 1, 2]
    # case 1 of sigmoid_prime has a single entry: any wrong value is "a constant times" it
    r = _run("sigmoid_prime", lambda z: _sig(z) * (1 - _sig(z)) + 0.01)
    assert repr(r) == (
        "sigmoid_prime: wrong on case 1 of 5 (z (1,)): the result has wrong values "
        "(1 of 1 entries differ; the largest difference is at index (0,))"
    )
    # a true factor is claimed when a later case, with different entries, shows the same one
    r = _run("sigmoid_prime", lambda z: 0.5 * _sig(z) * (1 - _sig(z)))
    assert repr(r) == "sigmoid_prime: wrong on case 1 of 5 (z (1,)): the result is off by a constant factor: 1/2 of the answer"
    assert "the sign is flipped" in repr(_run("sigmoid_prime", lambda z: -_sig(z) * (1 - _sig(z))))
    # the factor of case 1 alone (0.5 there, another error later) is not claimed
    r = _run("sigmoid_prime", lambda z: 0.5 * _sig(z) * (1 - _sig(z)) if z.size == 1 else _sig(z))
    assert "constant factor" not in repr(r) and "1 of 1 entries differ" in repr(r)


def test_max_pool_ties_go_to_the_first_maximum():
    def all_ties(x, dout, size):
        n_, c_, hp, wp = dout.shape
        dx = np.zeros_like(x)
        for i in range(hp):
            for j in range(wp):
                win = x[:, :, i * size : (i + 1) * size, j * size : (j + 1) * size]
                mask = win == win.max(axis=(2, 3), keepdims=True)
                dx[:, :, i * size : (i + 1) * size, j * size : (j + 1) * size] = mask * dout[:, :, i : i + 1, j : j + 1]
        return dx

    r = _run("max_pool_backward", all_ties)
    assert "case 5 of 5" in repr(r) and "route it to the first maximum only" in repr(r)


def test_messages_are_deterministic_one_liners():
    wrong = lambda dout, size: np.kron(dout, np.ones((size, size))) / 3.0  # noqa: E731
    first, second = repr(_run("avg_pool_backward", wrong)), repr(_run("avg_pool_backward", wrong))
    assert first == second
    assert first == (
        "avg_pool_backward: wrong on case 1 of 5 (dout (1, 2, 2, 3), size=2): "
        "the result is off by a constant factor: 1.333 times the answer"
    )


# ----------------------------------------------------------------- the book's check(...) calls

def _check_calls(source: str) -> list[tuple[str | None, str | None]]:
    """(function name, exercise=) of every check(...) call in a code cell."""
    lines = [ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return []
    calls = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
            if name != "check":
                continue
            fn = node.args[0].id if node.args and isinstance(node.args[0], ast.Name) else None
            ex = next((k.value.value for k in node.keywords if k.arg == "exercise" and isinstance(k.value, ast.Constant)), None)
            if ex is None and len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
                ex = node.args[1].value
            calls.append((fn, ex))
    return calls


def book_check_calls() -> list[tuple[str, str]]:
    found = []
    for path in sorted((ROOT / "book").rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code" and "check" in cell.source:
                for fn, ex in _check_calls(cell.source):
                    found.append((str(path.relative_to(ROOT)), ex or fn))
    return found


def test_every_check_call_in_the_book_names_a_registered_exercise():
    unknown = [(where, ex) for where, ex in book_check_calls() if ex not in EXERCISES]
    assert not unknown, f"check(...) calls with an unregistered exercise id: {unknown}"


def test_the_call_parser_sees_the_forms_used_in_the_book():
    src = "from backprop.classroom import check\n%matplotlib inline\ncheck(sigmoid_prime)\nr = classroom.check(f, exercise='softmax')\n"
    assert _check_calls(src) == [("sigmoid_prime", None), ("f", "softmax")]


# ----------------------------------------------------------------- the teachers' page

def _page_examples() -> list[str]:
    page = (ROOT / "book" / "classroom.md").read_text()
    block = page.split("```text\n", 1)[1].split("```", 1)[0]
    return [ln for ln in block.splitlines() if ln.strip()]


def test_the_answers_shown_on_the_teachers_page_are_the_checkers():
    def dense_backward_stub(dout, x, W):
        raise NotImplementedError("exercise: dense_backward")

    def relu_in_place(dout, z):
        dout[z <= 0] = 0
        return dout

    def sigmoid_prime_no_return(z):
        s = 1 / (1 + np.exp(-z))
        s * (1 - s)  # noqa: B018

    def softmax_unstable(z):
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    produced = [
        _run("dense_backward", dense_backward_stub),
        _run("dense_backward", SOLUTIONS["dense_backward"]),
        _run("dense_backward", lambda dout, x, W: (dout @ W, x.T @ dout, dout.sum(axis=0))),
        _run("avg_pool_backward", lambda dout, size: np.kron(dout, np.ones((size, size)))),
        _run("mse_grad", lambda y_pred, y: 2 * (y_pred - y)),
        _run("output_delta", lambda output, target: (target - output) * output * (1 - output)),
        _run("relu_backward", relu_in_place),
        _run("sigmoid_prime", sigmoid_prime_no_return),
        _run("softmax", softmax_unstable),
        _run("conv_output_size", lambda size, kernel, stride=1, padding=0: (size + 2 * padding - kernel) / stride + 1),
    ]
    assert [repr(r) for r in produced] == _page_examples()


def test_the_teachers_page_lists_every_exercise():
    page = (ROOT / "book" / "classroom.md").read_text()
    table = page.split("## The coding exercises, chapter by chapter", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^\|[^|]*\| `(\w+)` \|", table, flags=re.M)
    assert listed == list(EXERCISES)
    for ex in EXERCISES.values():
        assert f"{{doc}}`{ex.chapter}`" in table, f"the page has no link to {ex.chapter}"


@pytest.mark.skipif(not hasattr(__import__("signal"), "setitimer"), reason="no interval timers on this platform")
def test_an_outer_timer_is_given_back():
    import signal

    if threading.current_thread() is not threading.main_thread():
        pytest.skip("the alarm is used only on the main thread")
    previous = signal.signal(signal.SIGALRM, lambda *a: None)
    try:
        signal.setitimer(signal.ITIMER_REAL, 60.0)
        assert _run("sigmoid_prime", SOLUTIONS["sigmoid_prime"]).passed
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 0.0 < remaining <= 60.0
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_a_broken_package_reference_fails_loudly(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("changed API")

    monkeypatch.setattr(backprop, "softmax", broken)
    result = _run("softmax", SOLUTIONS["softmax"])
    assert result.status == "error" and not result
    assert "the checker itself failed (RuntimeError: changed API); please report it" in repr(result)
