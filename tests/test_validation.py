"""The shared validators of backprop._validation (issue 10: matrix, seeds, memory budget, labels)."""

import warnings

import numpy as np
import pytest

import backprop as bp
from backprop import _validation

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
