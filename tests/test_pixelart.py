"""Pixel-art digits: templates, seeded noisy copies, and real MNIST digits in the same format."""
from fractions import Fraction

import numpy as np
import pytest

import nnkit
from nnkit.data import PIXEL_TEMPLATES, pixel_digits, mnist_as_pixel_art


def test_templates_shapes_and_distinctness():
    for size, shape in (("4x3", (10, 4, 3)), ("8x8", (10, 8, 8))):
        T = PIXEL_TEMPLATES[size]
        assert T.shape == shape and set(np.unique(T)) == {0, 1}
        flat = T.reshape(10, -1)
        assert len({tuple(r) for r in flat}) == 10            # ten different drawings
    assert PIXEL_TEMPLATES["4x3"][0].tolist() == [[1, 1, 1], [1, 0, 1], [1, 0, 1], [1, 1, 1]]


def test_clean_and_noisy_copies():
    X, y = pixel_digits("4x3")
    assert X.shape == (10, 4, 3) and y.tolist() == list(range(10))
    Xn, yn = pixel_digits("8x8", copies=5, noise=0.1, seed=3)
    assert Xn.shape == (50, 8, 8) and np.bincount(yn).tolist() == [5] * 10
    assert np.array_equal(Xn, pixel_digits("8x8", copies=5, noise=0.1, seed=3)[0])
    assert not np.array_equal(Xn, pixel_digits("8x8", copies=5, noise=0.1, seed=4)[0])
    flipped = np.mean(pixel_digits("4x3", copies=200, noise=0.1, seed=0)[0] != np.repeat(PIXEL_TEMPLATES["4x3"], 200, 0))
    assert 0.08 < flipped < 0.12


def test_mnist_as_pixel_art():
    X = nnkit.load_mnist()[2][:50]
    P = mnist_as_pixel_art(X)
    assert P.shape == (50, 8, 8) and set(np.unique(P)) <= {0, 1}
    assert 0.05 < P.mean() < 0.4                                 # strokes survive, background stays white
    assert np.array_equal(mnist_as_pixel_art(X.astype(float) / 255), P)   # [0, 1] or 0..255 inputs agree


@pytest.mark.parametrize("threshold", [0.35, 0.2])
def test_mnist_as_pixel_art_is_the_exact_block_mean_rule(threshold):
    # The docstring's rule in whole numbers, on all 10,000 test digits: crop 4 pixels (20x20 left), pad 2 zeros
    # on every side (24x24), sum each 3x3 block; black where sum / (9 * 255) >= threshold, i.e. where
    # sum * den >= num * 9 * 255 for threshold = num / den. With 0.2, a sum of 459 (141 blocks of the test
    # set) is exactly the threshold: "at least" makes such a block black.
    X = nnkit.load_mnist()[2]
    padded = np.zeros((len(X), 24, 24), np.int64)
    padded[:, 2:22, 2:22] = X[:, 4:24, 4:24]
    sums = np.zeros((len(X), 8, 8), np.int64)
    for i in range(8):
        for j in range(8):
            sums[:, i, j] = padded[:, 3 * i:3 * i + 3, 3 * j:3 * j + 3].sum(axis=(1, 2))
    t = Fraction(str(threshold))
    expected = (sums * t.denominator >= t.numerator * 9 * 255).astype(np.int64)
    assert np.array_equal(mnist_as_pixel_art(X, threshold=threshold), expected)
    if threshold == 0.35:      # 0.35 * 2295 = 803.25 is 0.25 from any sum: float32 rounding cannot tip a block
        assert np.array_equal(mnist_as_pixel_art(X.astype(np.float32) / 255, threshold=threshold), expected)


def test_bad_arguments():
    with pytest.raises(ValueError, match="size"):
        pixel_digits("5x5")
    with pytest.raises(ValueError, match="noise"):
        pixel_digits(noise=2)
    with pytest.raises(nnkit.ShapeError, match="3-D"):
        mnist_as_pixel_art(np.zeros((5, 784)))
