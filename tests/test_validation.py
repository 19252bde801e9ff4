"""The shared validators of backprop._validation (issue 10: matrix, seeds, memory budget, labels)."""

import re
import warnings

import numpy as np
import pytest

import backprop as bp
from backprop import _validation
from backprop.explorers import activation_data, pooling_data
from backprop.figures import draw_cnn_architecture

with warnings.catch_warnings():
    warnings.simplefilter("ignore", PendingDeprecationWarning)
    MATRIX = np.matrix([[1.0, 2.0], [3.0, 4.0]])


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: bp.mse(MATRIX, np.ones((2, 2))), "output"),
        (lambda: bp.mse(np.ones((2, 2)), MATRIX), "target"),
        (lambda: bp.dense_forward(MATRIX, np.ones((3, 2)), np.ones(3)), "x"),
        (lambda: bp.sigmoid(MATRIX), "z"),
        (lambda: bp.softmax_cross_entropy(np.ones((1, 2)), np.matrix([[1]])), "target"),
        (lambda: bp.half_squared_error(MATRIX, np.ones((2, 2))), "output"),
    ],
)
def test_np_matrix_is_refused_with_a_message_that_names_the_argument(call, name):
    with pytest.raises(TypeError, match=rf"^{name} is an np.matrix.*np.asarray\({name}\)"):
        call()


def test_mse_of_a_matrix_was_wrong_and_is_now_refused_while_its_array_is_right():
    # (O - T) ** 2 of an np.matrix is a matrix product: the old silent wrong number
    a = np.asarray(MATRIX)
    assert bp.mse(a, np.zeros((2, 2))) == pytest.approx((1 + 4 + 9 + 16) / 2)


def test_other_subclasses_are_viewed_as_plain_arrays_and_masked_arrays_refused():
    class Sub(np.ndarray):
        pass

    out = bp.sigmoid(np.zeros(3).view(Sub))
    assert type(out) is np.ndarray
    with pytest.raises(TypeError, match="z is a masked array"):
        bp.sigmoid(np.ma.array([1.0, 2.0], mask=[0, 1]))


def test_memory_budget_refuses_before_allocating_and_can_be_raised():
    with pytest.raises(MemoryError, match=r"one_hot\(labels of shape \(2,\), n_classes=1000000000\).*needs 14.9 GiB.*1 GiB"):
        bp.one_hot(np.array([0, 1]), 10**9)
    previous = bp.set_memory_budget(100)
    try:
        with pytest.raises(MemoryError, match=r"dense_forward.*needs 128 bytes.*100 bytes"):
            bp.dense_forward(np.ones((4, 2)), np.ones((4, 2)), np.ones(4))
        assert _validation.MEMORY_BUDGET_BYTES == 100
    finally:
        bp.set_memory_budget(previous)
    assert _validation.MEMORY_BUDGET_BYTES == previous == 2**30


@pytest.mark.parametrize(
    "call, what",
    [
        (lambda: bp.conv2d_forward(np.zeros((1, 1, 2, 2)), np.zeros((1, 1, 1, 1)), np.zeros(1), padding=10**6), "conv2d_forward"),
        (lambda: bp.softmax_jacobian(np.zeros((1000, 1000))), "softmax_jacobian"),
        (lambda: bp.augment_with_shifts(np.zeros((10, 1, 28, 28)), np.zeros(10, dtype=int), copies=10**7), "augment_with_shifts"),
        (lambda: bp.init_mlp((10**6, 10**6)), "init_mlp"),
        (lambda: pooling_data(height=10**4, width=10**4), "pooling_data"),
        (lambda: activation_data(points=10**9), "activation_data"),
        (lambda: draw_cnn_architecture(dense_layers=10**6), "draw_cnn_architecture"),
        (lambda: bp.LeNet(channels=(10**5, 10**5)), "LeNet"),
        (lambda: bp.max_pool2d_forward(np.zeros((1, 1, 3000, 3000)), 40, 1), "max_pool2d_forward"),
    ],
)
def test_large_requests_are_refused_with_what_was_asked(call, what):
    with pytest.raises(MemoryError, match=rf"^{what}.*needs .* more than the memory budget"):
        call()


def test_idx_header_announcing_gigabytes_is_refused_before_decompression(tmp_path):
    import gzip

    path = tmp_path / "bomb-idx3-ubyte.gz"
    header = bytes([0, 0, 0x08, 3]) + np.array([10**6, 1000, 1000], dtype=">i4").tobytes()
    path.write_bytes(gzip.compress(header + bytes(1000)))
    with pytest.raises(MemoryError, match=r"load_idx\(bomb-idx3-ubyte.gz\).*\(1000000, 1000, 1000\)"):
        bp.load_idx(path)
    short = tmp_path / "short-idx1-ubyte"
    short.write_bytes(bytes([0, 0, 0x08, 1]) + np.array([5], dtype=">i4").tobytes() + bytes(3))
    with pytest.raises(ValueError, match=r"header says shape \(5,\) but the file holds 3 data bytes"):
        bp.load_idx(short)


@pytest.mark.parametrize("bad, error", [(-1, ValueError), (1.5, TypeError), (True, TypeError), ("0", TypeError)])
def test_one_seed_validator_everywhere(bad, error):
    for call in (
        lambda: bp.init_mlp((2, 2), seed=bad),
        lambda: bp.SoftmaxClassifier((2, 2), seed=bad),
        lambda: bp.LeNet(seed=bad),
        lambda: bp.load_digits_split(seed=bad),
        lambda: pooling_data(seed=bad),
        lambda: bp.augment_with_shifts(np.zeros((1, 1, 4, 4)), np.zeros(1, dtype=int), seed=bad),
    ):
        with pytest.raises(error, match=r"^seed must be an integer >= 0; got"):
            call()


def test_the_budgets_at_the_top_level_are_the_live_values():
    import backprop as bp_live

    previous = bp_live.set_memory_budget(12345)
    try:
        assert bp_live.MEMORY_BUDGET_BYTES == 12345 == bp_live.memory_budget() == _validation.MEMORY_BUDGET_BYTES
        bp_live.MEMORY_BUDGET_BYTES = 54321  # assigning the name sets the budget every guard reads
        assert _validation.MEMORY_BUDGET_BYTES == 54321 == bp_live.MEMORY_BUDGET_BYTES
        with pytest.raises(ValueError, match="n_bytes must be an integer >= 1"):
            bp_live.MEMORY_BUDGET_BYTES = 0
    finally:
        bp_live.set_memory_budget(previous)
    assert bp_live.MEMORY_BUDGET_BYTES == 2**30
    previous = bp_live.set_work_budget(777)
    try:
        assert bp_live.WORK_BUDGET_OPS == 777 == bp_live.work_budget() == _validation.WORK_BUDGET_OPS
        bp_live.WORK_BUDGET_OPS = 10**6
        assert _validation.WORK_BUDGET_OPS == 10**6
        with pytest.raises(ValueError, match="n_ops must be a number >= 1"):
            bp_live.set_work_budget(-5)
    finally:
        bp_live.set_work_budget(previous)
    assert bp_live.WORK_BUDGET_OPS == 10**12


def _train_tiny(**kw):
    args = dict(epochs=1, learning_rate=0.1, batch_size=1, seed=0, progress=False)
    args.update(kw)
    return bp.train(bp.MLP((2, 2)), np.ones((2, 2)), np.zeros(2, dtype=int), **args)


@pytest.mark.parametrize(
    "call, argument",
    [
        (lambda: _train_tiny(epochs=10**9), "epochs"),
        (lambda: bp.train_sigmoid_neuron(2.0, 2.0, loss="squared", epochs=10**9), "epochs"),
        (lambda: bp.slowdown_curves(epochs=10**9), "epochs"),
        (lambda: bp.conv2d_forward_naive(np.zeros((100, 3, 200, 200)), np.zeros((64, 3, 3, 3)), np.zeros(64)), "x"),
        (lambda: bp.max_pool2d_forward_naive(np.zeros((100, 64, 200, 200), dtype=np.float16)), "x"),
        (lambda: bp.avg_pool2d_forward_naive(np.zeros((200, 64, 200, 200), dtype=np.float16)), "x"),
        (lambda: bp.correlate2d_naive(np.zeros((5000, 5000)), np.zeros((9, 9))), "x"),
    ],
)
def test_work_budget_refuses_at_once_naming_the_argument(call, argument):
    import time

    start = time.perf_counter()
    with pytest.raises(ValueError, match=r"work budget of 1e\+12 operations") as info:
        call()
    assert time.perf_counter() - start < 5, "the guard must refuse before doing the work"
    message = str(info.value)
    assert re.search(rf"\b{argument}\b", message), message
    assert "backprop.set_work_budget(" in message and "ask for less" in message


def test_work_budget_guards_the_explorers_and_the_opt_in_checks():
    from backprop.explorers import slowdown_data, training_data
    from backprop.figures.cost import gradient_cost

    with pytest.raises(ValueError, match=r"train\(epochs=1000000000.*work budget"):
        training_data(epochs=10**9)
    with pytest.raises(ValueError, match=r"epochs.*work budget"):
        slowdown_data(epochs=10**9)
    with pytest.raises(ValueError, match=r"gradient_cost\(sizes=\(1000, 1000\), n_samples=2\).*work budget"):
        gradient_cost((1000, 1000))
    previous = bp.set_work_budget(10**6)
    try:
        with pytest.raises(ValueError, match=r"numerical gradient of x with 1000 entries.*work budget of 1e\+06"):
            bp.numerical_gradient(lambda v: 0.0, np.zeros(1000), max_entries=None)
        with pytest.raises(ValueError, match=r"conv2d_backward_naive\(dout of shape"):
            x, w = np.zeros((1, 1, 40, 40)), np.zeros((1, 1, 1, 1))
            bp.set_work_budget(10**12)
            out, cache = bp.conv2d_forward_naive(x, w, np.zeros(1))
            bp.set_work_budget(10**6)
            bp.conv2d_backward_naive(out, cache)
        with pytest.raises(ValueError, match=r"max_pool2d_backward_naive\(dout of shape"):
            bp.set_work_budget(10**12)
            out, cache = bp.max_pool2d_forward_naive(np.zeros((1, 1, 80, 80)))
            bp.set_work_budget(10**6)
            bp.max_pool2d_backward_naive(out, cache)
        with pytest.raises(ValueError, match=r"avg_pool2d_backward_naive\(dout of shape"):
            bp.set_work_budget(10**12)
            out, cache = bp.avg_pool2d_forward_naive(np.zeros((1, 1, 80, 80)))
            bp.set_work_budget(10**6)
            bp.avg_pool2d_backward_naive(out, cache)
        bp.set_work_budget(10**9)  # a smaller budget refuses smaller runs; the estimate is deterministic
        with pytest.raises(ValueError, match=r"train\(epochs=2000"):
            _train_tiny(epochs=2000)
    finally:
        bp.set_work_budget(previous)
    _train_tiny(epochs=3)  # within the budget: trains


def test_the_books_longest_runs_fit_the_work_budget_with_room():
    """The estimate of the book's biggest training runs (lenet.ipynb) stays 8x below the default budget."""
    runs = [
        (bp.LeNet(seed=0).params, (1, 28, 28), 8000, 9000, 8, 8),  # LeNet on 8,000 shifted digits
        (bp.Net004(seed=0).params, (1, 28, 28), 12000, 13000, 6, 16),  # Net004 on 12,000
        (bp.MLP((64, 32, 16, 10)).params, (64,), 1347, 1797, 40, 10),  # updating_parameters.ipynb
    ]
    for params, shape, n, n_eval, epochs, batch in runs:
        assert _validation.training_ops(params, shape, n, n_eval, epochs, batch) * 8 < bp.WORK_BUDGET_OPS
