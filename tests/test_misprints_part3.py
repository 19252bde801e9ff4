"""The misprints of Part III's sources, proved here rather than in the chapters.

A misprint (a typo, an index slip, a wrong name) gets one line in book/appendix/errata.md
and nothing in the chapter; the check that it is one lives here. Each test evaluates the
formula as printed and as corrected.
"""

import numpy as np
import sympy as sp

from backprop import avg_pool2d_forward, conv2d_forward, convolve2d


def test_seed002_eq_3_3_sums_over_the_output_indices():
    # printed: C_{m,n} = sum_{m=1}^{M} sum_{n=1}^{N} I_{(m-u, n-v)} K_{u,v}: m, n are summed away
    m, n, u, v = sp.symbols("m n u v", integer=True)
    I, K = sp.Function("I"), sp.Function("K")
    printed = sp.Sum(I(m - u, n - v) * K(u, v), (m, 1, 3), (n, 1, 2))
    corrected = sp.Sum(I(m - u, n - v) * K(u, v), (u, 1, 3), (v, 1, 2))
    assert printed.free_symbols == {u, v}, "as printed the sum does not depend on the output position"
    assert corrected.free_symbols == {m, n}


def _seed004_forward(image, kernel, shift):
    # C(i, j) = sum_{u,v=-2..2} I(i + shift - u, j + shift - v) K(u, v), i, j = 1..H-4, zeros outside
    h, w = image.shape
    out = np.zeros((h - 4, w - 4))
    for i in range(1, h - 3):
        for j in range(1, w - 3):
            total = 0.0
            for a in range(-2, 3):
                for b in range(-2, 3):
                    r, c = i + shift - a, j + shift - b
                    if 1 <= r <= h and 1 <= c <= w:
                        total += image[r - 1, c - 1] * kernel[a + 2, b + 2]
            out[i - 1, j - 1] = total
    return out


def test_seed004_forward_index_range_leaves_the_image():
    rng = np.random.default_rng(0)
    image, kernel = rng.normal(size=(28, 28)), rng.normal(size=(5, 5))
    literal = _seed004_forward(image, kernel, shift=0)  # I(i - u, j - v), i, j = 1..24
    np.testing.assert_allclose(literal, convolve2d(image, kernel, "same")[:24, :24], rtol=1e-12)
    assert not np.allclose(literal, convolve2d(image, kernel, "valid"))
    np.testing.assert_allclose(_seed004_forward(image, kernel, shift=2), convolve2d(image, kernel), rtol=1e-12)


def test_seed002_nomenclature_calls_the_height_a_width():
    # H = image width 8, k_1 = kernel width 2 in Eq. 2.1 give the output's width, not its height
    out, _ = conv2d_forward(np.ones((1, 1, 6, 8)), np.ones((1, 1, 3, 2)), np.zeros(1))
    h1_nomenclature = (8 + 2 * 0 - 2) // 1 + 1
    assert out.shape[2:] == (4, 7) and h1_nomenclature == out.shape[3] != out.shape[2]


def test_seed004_second_pooling_sums_over_the_output_column():
    c2 = np.random.default_rng(10).standard_normal((8, 8))
    outside = []

    def at(r, c):
        if 1 <= r <= 8 and 1 <= c <= 8:
            return c2[r - 1, c - 1]
        outside.append((r, c))
        return 0.0

    corrected = np.array([[sum(at(2 * i - u, 2 * j - v) for u in range(2) for v in range(2)) / 4
                           for j in range(1, 5)] for i in range(1, 5)])
    np.testing.assert_allclose(corrected, avg_pool2d_forward(c2[None, None], 2)[0][0, 0], rtol=1e-12)
    assert outside == []
    for v in (0, 1):  # printed: the inner sum runs over j, and v is free
        printed = np.array([[sum(at(2 * i - u, 2 * jj - v) for u in range(2) for jj in range(2)) / 4
                             for j in range(1, 5)] for i in range(1, 5)])
        assert all(np.array_equal(printed[:, 0], printed[:, col]) for col in range(4))
        assert not np.allclose(printed, corrected)
    assert {c for _, c in outside} == {0, -1}
