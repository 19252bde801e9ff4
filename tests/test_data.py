"""The digits split and one-hot targets."""

import numpy as np
import pytest

from backprop import DigitsSplit, load_digits_split, one_hot


def test_digits_split_is_scaled_stratified_and_seeded():
    split = load_digits_split(test_size=0.25, seed=0)
    assert isinstance(split, DigitsSplit)
    assert split.x_train.shape == (1348, 64) and split.x_test.shape == (449, 64)
    assert split.x_train.dtype == np.float64 and split.y_train.dtype == np.int64
    assert split.x_train.min() == 0.0 and split.x_train.max() == 1.0
    assert np.all(split.x_test <= 1.0) and np.all(split.x_test >= 0.0)
    # every class in both parts, in proportions within one sample of stratified
    train_counts, test_counts = np.bincount(split.y_train, minlength=10), np.bincount(split.y_test, minlength=10)
    assert np.all(train_counts > 0) and np.all(test_counts > 0)
    total = train_counts + test_counts
    assert np.all(np.abs(test_counts - 0.25 * total) <= 1.0)
    # the training and test images are disjoint draws of the same 1797 digits
    assert total.sum() == 1797
    again = load_digits_split(test_size=0.25, seed=0)
    for a, b in zip(split, again):
        np.testing.assert_array_equal(a, b)
    other = load_digits_split(test_size=0.25, seed=1)
    assert not np.array_equal(split.y_train, other.y_train)


def test_pixels_are_sklearn_pixels_over_16():
    from sklearn.datasets import load_digits

    digits = load_digits()
    split = load_digits_split(0.5, seed=3)
    x = np.concatenate([split.x_train, split.x_test])
    rows = {tuple(r) for r in (digits.data / 16.0)}
    assert all(tuple(r) in rows for r in x[:50])


def test_one_hot_values():
    np.testing.assert_array_equal(one_hot(np.array([2, 0, 1]), 3), [[0, 0, 1], [1, 0, 0], [0, 1, 0]])
    assert one_hot(np.array([1]), 4).dtype == np.float64


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: load_digits_split(test_size=0.0), ValueError, "test_size must be strictly between 0 and 1"),
        (lambda: load_digits_split(test_size=1.5), ValueError, "test_size must be strictly between 0 and 1"),
        (lambda: load_digits_split(test_size="0.2"), TypeError, "test_size must be a float between 0 and 1"),
        (lambda: load_digits_split(test_size=0.001), ValueError, "each part needs at least one sample of each"),
        (lambda: load_digits_split(seed=-1), ValueError, "seed must be an integer >= 0; got -1"),
        (lambda: load_digits_split(seed=1.5), TypeError, r"seed must be an integer >= 0; got 1\.5 \(float\)"),
        (lambda: one_hot(np.array([0, 3]), 3), ValueError, r"labels must hold class labels in 0\.\.2; got 3"),
        (lambda: one_hot(np.array([0.0, 1.0]), 3), TypeError, "labels must hold integer class labels"),
        (lambda: one_hot(np.array([0, 1]), 0), ValueError, "n_classes must be an integer >= 1"),
    ],
)
def test_bad_inputs(call, error, match):
    with pytest.raises(error, match=match):
        call()
