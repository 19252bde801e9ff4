"""``bp.set_num_threads``: every layer gives the same bits with 1, 2 and 3 threads, and so do
both CNNs on batches under 64; on a batch of 64 they send the second half to a worker
process, with the same bits for every count from 2 on and the same numbers to rounding as
one thread.

The stored notebook outputs are made with one thread; these tests are what lets a reader
run them with more.  ``MIN_BYTES`` is set to 0 so that even the small arrays here are
split, and each test checks that the pool was really used (else it could not fail).
"""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

import backprop as bp
from backprop import _parallel
from backprop.models import LeNet, Net004, _second_process

REAL_MIN_BYTES = _parallel.MIN_BYTES


@pytest.fixture
def split_everything(monkeypatch):
    """Split every call (no size threshold) and count the ranges handed to the pool."""
    monkeypatch.setattr(_parallel, "MIN_BYTES", 0)
    submitted = []
    real_start = _parallel._Worker.start

    def counting_start(worker, fn, *args):
        submitted.append(args)
        return real_start(worker, fn, *args)

    monkeypatch.setattr(_parallel._Worker, "start", counting_start)
    yield submitted
    bp.set_num_threads(1)


def run_with_threads(compute, submitted, *, split=True):
    """compute() with 1 thread, then with 2 and 3: a list of three results.

    With ``split`` the pool must have worked with 2 and 3 threads (and never with one).
    """
    results = []
    for n in (1, 2, 3):
        bp.set_num_threads(n)
        before = len(submitted)
        results.append(compute())
        if split or n == 1:
            assert (len(submitted) > before) == (n > 1), f"with {n} threads the pool was {'not ' if n > 1 else ''}used"
    return results


def assert_same_bits(results):
    flat = [r if isinstance(r, (tuple, list)) else (r,) for r in results]
    for n, other in zip((2, 3), flat[1:]):
        for i, (a, b) in enumerate(zip(flat[0], other)):
            if a is None:
                assert b is None
                continue
            assert a.dtype == b.dtype and np.array_equal(a, b), f"output {i} differs between 1 and {n} threads"


LAYER_CASES = [  # (x shape, w shape, stride, padding)
    ((7, 1, 28, 28), (6, 1, 5, 5), 1, 0),
    ((7, 6, 12, 12), (12, 6, 5, 5), 1, 0),
    ((5, 3, 11, 9), (4, 3, 3, 3), 2, 1),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", LAYER_CASES, ids=str)
@pytest.mark.parametrize("batch", [None, 1])
def test_conv_forward_and_backward_bit_identical(split_everything, dtype, case, batch):
    x_shape, w_shape, stride, padding = case
    if batch is not None:
        x_shape = (batch, *x_shape[1:])
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal(x_shape).astype(dtype), rng.standard_normal(w_shape).astype(dtype)
    b = rng.standard_normal(w_shape[0]).astype(dtype)

    def compute():
        out, cache = bp.conv2d_forward(x, w, b, stride=stride, padding=padding)
        dout = np.sin(out)  # any error that depends on the output
        return (out, *bp.conv2d_backward(dout, cache), *bp.conv2d_backward(dout, cache, input_grad=False))

    assert_same_bits(run_with_threads(compute, split_everything, split=x_shape[0] > 1))  # one sample: nothing to split


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(7, 6, 24, 24), (7, 3, 9, 9), (1, 6, 24, 24)], ids=str)
def test_pooling_bit_identical(split_everything, dtype, shape):
    x = np.random.default_rng(1).standard_normal(shape).astype(dtype)

    def compute():
        out, cache = bp.avg_pool2d_forward(x, 2)
        return out, bp.avg_pool2d_backward(np.cos(out), cache)

    assert_same_bits(run_with_threads(compute, split_everything, split=shape[0] > 1))  # one sample: nothing to split


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("shape", [(7, 6, 24, 24), (1001,), (3, 1)], ids=str)
def test_activations_bit_identical(split_everything, dtype, name, shape):
    rng = np.random.default_rng(2)
    z, dout = (4 * rng.standard_normal(shape)).astype(dtype), rng.standard_normal(shape).astype(dtype)
    forward, backward = getattr(bp, f"{name}_forward"), getattr(bp, f"{name}_backward")

    def compute():
        a, cache = forward(z)
        return a, backward(dout, cache), backward(dout.astype(np.float64), cache)

    assert_same_bits(run_with_threads(compute, split_everything))


def _net(model, dtype):
    if model == "lenet":
        return LeNet(seed=0, init="glorot", dtype=dtype)
    return Net004(seed=0, dtype=dtype, activation="relu" if model.endswith("relu") else "tanh")


def _loss_and_grads(net, x, y):
    loss, grads = net.loss_and_grads(x, y)
    return (np.array(loss), *(grads[k] for k in sorted(grads)))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("model", ["lenet", "net004", "net004-relu"])
@pytest.mark.parametrize("batch", [7, 1])
def test_models_loss_and_grads_bit_identical(split_everything, dtype, model, batch):
    # batches under HALVES_MIN_BATCH: one piece, its layers split over the threads, the same bits
    rng = np.random.default_rng(3)
    x = rng.random((batch, 1, 28, 28)).astype(dtype)
    y = rng.integers(0, 10, batch)
    net = _net(model, dtype)
    results = run_with_threads(lambda: _loss_and_grads(net, x, y), split_everything, split=batch > 1)
    assert_same_bits(results)  # one sample: nothing to split


@pytest.fixture
def counted_second_halves(monkeypatch):
    """Count the half batches sent to the worker process."""
    sent = []
    real_send = _second_process._send

    def counting_send(stream, obj):
        sent.append(obj[2].shape[0] if isinstance(obj, tuple) and len(obj) == 5 else None)
        return real_send(stream, obj)

    monkeypatch.setattr(_second_process, "_send", counting_send)
    yield sent
    bp.set_num_threads(1)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("model", ["lenet", "net004", "net004-relu"])
def test_with_two_threads_a_batch_of_64_goes_in_halves_to_two_processes(counted_second_halves, monkeypatch, dtype, model):
    rng = np.random.default_rng(3)
    x = rng.random((64, 1, 28, 28)).astype(dtype)
    y = rng.integers(0, 10, 64)
    net = _net(model, dtype)
    results = []
    for n in (1, 2, 3):
        bp.set_num_threads(n)
        results.append(_loss_and_grads(net, x, y))
    assert counted_second_halves == [30, 30]  # with 2 and 3 threads, the second part (64 // 2 - 64 // 32) went to the worker
    for a, b in zip(results[1], results[2]):
        assert a.dtype == b.dtype and np.array_equal(a, b)  # the same bits for every n >= 2
    tol = 1e-5 if dtype == np.float32 else 1e-12
    for a, b in zip(results[0], results[1]):
        np.testing.assert_allclose(b, a, rtol=tol, atol=tol * 1e-2)  # one thread: the same to rounding
    monkeypatch.setitem(_second_process._state, "failed", True)  # no worker: the half computed here
    bp.set_num_threads(2)
    for a, b in zip(results[1], _loss_and_grads(net, x, y)):
        assert np.array_equal(a, b)
    assert len(counted_second_halves) == 2


@pytest.mark.parametrize("where", [10, 50])
def test_an_overflow_in_either_half_is_reported_as_with_one_thread(counted_second_halves, where):
    # sample 10 is in the first part (this process, samples 0-33), sample 50 in the second (the worker)
    rng = np.random.default_rng(5)
    x = rng.random((64, 1, 28, 28)).astype(np.float32)
    x[where] = 3e38  # finite, but its convolution overflows float32
    y = rng.integers(0, 10, 64)
    net = LeNet(seed=0, dtype=np.float32)
    net.params["W1"][:] = 0.1  # 25 * 0.1 * 3e38 > 3.4e38, the largest float32
    messages = []
    for n in (1, 2):
        bp.set_num_threads(n)
        with pytest.raises(FloatingPointError) as error:
            net.loss_and_grads(x, y)
        messages.append(str(error.value))
    # the same operation and the same count of bad values (of the half's results, with two threads)
    assert messages[0].split(" of its ")[0] == messages[1].split(" of its ")[0] == "conv2d_forward overflowed: 3456"
    assert counted_second_halves == [30]
    x[where] = 0.5  # the worker is still in step: the next batch works
    bp.set_num_threads(2)
    loss, _ = net.loss_and_grads(x, y)
    assert np.isfinite(loss) and counted_second_halves == [30, 30]


def test_set_num_threads_checks_and_returns_the_previous_count():
    start = bp.get_num_threads()  # 1, unless BACKPROP_NUM_THREADS says otherwise
    try:
        assert bp.set_num_threads(2) == start
        assert bp.get_num_threads() == 2
        assert bp.set_num_threads(1) == 2
    finally:
        bp.set_num_threads(1)
    with pytest.raises(ValueError, match=r"^n \(the number of threads\) must be an integer >= 1; got 0$"):
        bp.set_num_threads(0)
    for bad in (1.5, "2", True, None):
        with pytest.raises(TypeError, match=r"^n \(the number of threads\) must be an integer >= 1; got "):
            bp.set_num_threads(bad)
    assert bp.get_num_threads() == 1


def test_an_error_in_a_pool_thread_reaches_the_caller_after_every_range_ends(split_everything):
    bp.set_num_threads(3)
    done = []

    def fn(start, stop):
        done.append(start)
        if start > 0:
            raise KeyError(f"range {start}:{stop}")

    with pytest.raises(KeyError, match="range 3:6"):
        _parallel.map_over_batch(fn, 9, 0)
    assert sorted(done) == [0, 3, 6]


def test_pool_threads_run_under_the_callers_numpy_error_state(split_everything):
    bp.set_num_threads(2)
    big = np.full(8, 1e300)
    with np.errstate(over="raise"), pytest.raises(FloatingPointError):
        _parallel.map_over_batch(lambda start, stop: big[start:stop] * 1e300 if start else None, 8, 0)


@pytest.mark.parametrize("value, expected", [("2", "2"), (" 3 ", "3"), ("", "1")])
def test_environment_variable_sets_the_default(value, expected):
    env = {**os.environ, "BACKPROP_NUM_THREADS": value}
    out = subprocess.run([sys.executable, "-c", "import backprop; print(backprop.get_num_threads())"],
                         capture_output=True, text=True, env=env, check=True).stdout
    assert out.strip() == expected


def test_a_bad_environment_variable_is_refused_by_name():
    env = {**os.environ, "BACKPROP_NUM_THREADS": "two"}
    run = subprocess.run([sys.executable, "-c", "import backprop"], capture_output=True, text=True, env=env)
    assert run.returncode != 0
    assert "the environment variable BACKPROP_NUM_THREADS must be an integer >= 1; got 'two'" in run.stderr


@pytest.mark.parametrize("where", [0, 6, -1])
def test_finite_checks_find_a_nan_in_any_range(split_everything, where):
    bp.set_num_threads(3)
    z = np.zeros((7, 4, 5))
    assert bp.sigmoid(z).shape == z.shape
    z[where, 1, 2] = np.nan
    with pytest.raises(ValueError, match=r"^z contains 1 NaN or infinite value\(s\)"):
        bp.sigmoid(z)
    assert len(split_everything) > 0


def test_import_keeps_freed_memory_unless_refused():
    # glibc's thresholds are set by `import backprop` (backprop._malloc); 0 refuses; other values are errors
    code = "import backprop._malloc as m, sys; print(m.keep_freed_memory_unless_refused())"
    for value, expected in (("", "True"), ("1", "True"), ("0", "False")):
        env = {**os.environ, "BACKPROP_KEEP_FREED_MEMORY": value}
        run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
        assert run.returncode == 0, run.stderr
        assert run.stdout.strip() == (expected if sys.platform.startswith("linux") else "False")
    env = {**os.environ, "BACKPROP_KEEP_FREED_MEMORY": "yes"}
    run = subprocess.run([sys.executable, "-c", "import backprop"], capture_output=True, text=True, env=env)
    assert run.returncode != 0
    assert "BACKPROP_KEEP_FREED_MEMORY must be 0 or 1; got 'yes'" in run.stderr
