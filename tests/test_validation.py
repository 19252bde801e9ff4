"""The shared validators of backprop._validation (issue 10: matrix, seeds, memory budget, labels)."""

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
