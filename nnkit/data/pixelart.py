"""Pixel-art digits: hand-drawn 0-9 on 4x3 and 8x8 grids (black = 1, white = 0), and noisy copies.

Lesson 1 writes rules for them; lesson 4 trains a linear classifier on them. ``mnist_as_pixel_art``
turns real MNIST digits into the same 8x8 black-and-white format, so the rules can be measured on
real handwriting.
"""
from collections import deque

import numpy as np

from ..errors import ShapeError, check_array
from ..i18n import tr

__all__ = ["PIXEL_TEMPLATES", "pixel_digits", "mnist_as_pixel_art", "parse_pixel_art", "count_holes"]

_DRAWINGS_4x3 = ["### #.# #.# ###", ".#. ##. .#. ###", "##. ..# .#. ###", "### .## ..# ###", "#.# #.# ### ..#",
                 "### ##. ..# ##.", "#.. ### #.# ###", "### ..# .#. .#.", "### ### #.# ###", "### #.# ### ..#"]

_DRAWINGS_8x8 = [
    "..####.. .##..##. .##..##. .##..##. .##..##. .##..##. .##..##. ..####..",   # 0
    "...##... ..###... .####... ...##... ...##... ...##... ...##... .######.",   # 1
    "..####.. .##..##. .....##. ....##.. ...##... ..##.... .##..... .######.",   # 2
    "..####.. .##..##. .....##. ...###.. .....##. .....##. .##..##. ..####..",   # 3
    "....##.. ...###.. ..####.. .##.##.. ##..##.. #######. ....##.. ....##..",   # 4
    ".######. .##..... .##..... .#####.. .....##. .....##. .##..##. ..####..",   # 5
    "..####.. .##..... .##..... .#####.. .##..##. .##..##. .##..##. ..####..",   # 6
    ".######. .....##. ....##.. ....##.. ...##... ...##... ..##.... ..##....",   # 7
    "..####.. .##..##. .##..##. ..####.. .##..##. .##..##. .##..##. ..####..",   # 8
    "..####.. .##..##. .##..##. .##..##. ..#####. .....##. .....##. ..####..",   # 9
]


def parse_pixel_art(drawing):
    """'### #.# ...' (rows separated by spaces, '#' black, '.' white) -> int array (rows, cols) of 0/1.
    Lesson 1 (the drawings of ``PIXEL_TEMPLATES`` are read with it).

    Inputs:
    - drawing: a str of rows of equal length made of '#' and '.', separated by spaces (else a ValueError).
    Returns an int64 array (rows, cols): 1 where '#', 0 where '.'.
    """
    rows = drawing.split()
    if not rows or len({len(r) for r in rows}) != 1 or set("".join(rows)) - set("#."):
        raise ValueError(tr("parse_pixel_art: expected rows of equal length made of '#' and '.', got {drawing!r}.",
                            drawing=drawing))
    return np.array([[ch == "#" for ch in row] for row in rows], dtype=np.int64)


PIXEL_TEMPLATES = {
    "4x3": np.stack([parse_pixel_art(d) for d in _DRAWINGS_4x3]),   # (10, 4, 3)
    "8x8": np.stack([parse_pixel_art(d) for d in _DRAWINGS_8x8]),   # (10, 8, 8)
}
for _t in PIXEL_TEMPLATES.values():
    _t.setflags(write=False)


def pixel_digits(size="4x3", copies=1, noise=0.0, seed=0):
    """The ten templates, or ``copies`` noisy variants of each: X (10*copies, H, W) of 0.0/1.0, y (10*copies,).
    Lesson 4 (a linear classifier learns them; lesson 1 uses the clean templates).

    Inputs:
    - size: "4x3" (default; H, W = 4, 3) or "8x8".
    - copies: how many variants of each digit (a whole number >= 1).
    - noise: the probability of flipping each pixel, between 0 and 1 (default 0).
    - seed: fixes the noise (and the shifts).
    Returns X (10*copies, H, W) float64 of 0.0/1.0 and y (10*copies,) int64 labels, grouped by digit: the
    copies of 0 first, then those of 1, ... With ``copies=1`` and ``noise=0`` you get the clean templates
    in order 0..9. Otherwise every copy has each pixel flipped with probability ``noise``; in 8x8 every
    copy but the first of each digit is also rolled by -1, 0 or 1 rows and columns (wrapping around the
    edges).
    """
    if size not in PIXEL_TEMPLATES:
        raise ValueError(tr("pixel_digits: size must be one of {choices}, got {size!r}.",
                            choices=sorted(PIXEL_TEMPLATES), size=size))
    copies = int(copies)
    if copies < 1:
        raise ValueError(tr("pixel_digits: copies must be at least 1, got {copies}.", copies=copies))
    if not 0.0 <= noise <= 1.0:
        raise ValueError(tr("pixel_digits: noise is a probability between 0 and 1, got {noise}.", noise=noise))
    T = PIXEL_TEMPLATES[size]
    X = np.repeat(T, copies, axis=0).astype(np.float64)
    y = np.repeat(np.arange(10), copies)
    if copies == 1 and noise == 0.0:
        return X, y
    rng = np.random.default_rng(seed)
    if size == "8x8":
        for i in range(len(X)):
            if i % copies:                       # keep the first copy of each digit in place
                X[i] = np.roll(X[i], tuple(rng.integers(-1, 2, 2)), axis=(0, 1))
    flips = rng.random(X.shape) < noise
    X[flips] = 1.0 - X[flips]
    return X, y


def mnist_as_pixel_art(images, size=(8, 8), threshold=0.35, crop=4):
    """Shrink 28x28 greyscale digits (N, 28, 28) to black-and-white pixel art (N, H, W) of 0/1. Lesson 1.

    Inputs:
    - images: (N, 28, 28) greyscale images (other sizes work too), pixels 0..255 or already in [0, 1]
      (if any value is above 1, the pixels are read as 0..255: the block means are divided by 255).
    - size: (H, W) of the pixel art, default (8, 8).
    - threshold: the mean ink (between 0 and 1) from which a pixel is black, default 0.35.
    - crop: pixels cut from every side first, default 4.
    Returns an int64 array (N, H, W) of 0 (white) and 1 (black).

    MNIST digits sit in the central 20x20 of their 28x28 image, so ``crop`` pixels are first cut from
    every side. Each output pixel is the mean of a block of the remaining pixels (padded with zeros to a
    multiple of the output size: 20x20 -> 24x24, blocks of 3x3 for the default 8x8); it is black (1) where
    that mean, scaled to [0, 1] (divided by 255 for pixels 0..255), is at least ``threshold``.
    """
    images = check_array(images, "images", ndim=3, where="mnist_as_pixel_art")
    if crop:
        if 2 * crop >= min(images.shape[1:]):
            raise ShapeError(tr("mnist_as_pixel_art: crop={crop} leaves nothing of images of shape {shape}.",
                                crop=crop, shape=images.shape[1:]))
        images = images[:, crop:-crop, crop:-crop]
    H, W = (int(s) for s in size)
    if H < 1 or W < 1 or H > images.shape[1] or W > images.shape[2]:
        raise ShapeError(tr("mnist_as_pixel_art: size must be between (1, 1) and {shape}, got {size}.",
                            shape=images.shape[1:], size=size))
    ph, pw = -images.shape[1] % H, -images.shape[2] % W
    x = np.pad(images, ((0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2)))   # zero borders, same dtype
    bh, bw = x.shape[1] // H, x.shape[2] // W
    means = x.reshape(len(x), H, bh, W, bw).mean(axis=(2, 4), dtype=np.float64)     # (N, H, W) block means
    if images.max(initial=0) > 1.0:
        means /= 255.0           # pixels 0..255: mean(pixels) / 255 = mean(pixels / 255), a value in [0, 1]
    return (means >= threshold).astype(np.int64)


def count_holes(img):
    """The holes of a 0/1 image (H, W): white regions that do not touch the border. Lesson 1 (the rules
    count the loops of an 8, a 6, a 9).

    Inputs:
    - img: one image (H, W) of 0 (white) and 1 (black), e.g. ``PIXEL_TEMPLATES["8x8"][8]``.
    Returns a list with the mean row of each hole (0 = top), e.g. [1.5, 5.0] for an 8 with two loops.
    Each white region is flood-filled (breadth first, 4 neighbours); a region that reaches the border is
    background, any other region is a hole.
    """
    img = np.asarray(img)
    if img.ndim != 2:
        raise ShapeError(tr("count_holes: img must be one 0/1 image (H, W), got shape {shape}.", shape=img.shape))
    H, W = img.shape
    seen = np.zeros(img.shape, dtype=bool)
    holes = []
    for r0 in range(H):
        for c0 in range(W):
            if img[r0, c0] or seen[r0, c0]:
                continue
            queue, rows, border = deque([(r0, c0)]), [], False
            seen[r0, c0] = True
            while queue:
                r, c = queue.popleft()
                rows.append(r)
                border = border or r in (0, H - 1) or c in (0, W - 1)
                for rr, cc in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
                    if 0 <= rr < H and 0 <= cc < W and not img[rr, cc] and not seen[rr, cc]:
                        seen[rr, cc] = True
                        queue.append((rr, cc))
            if not border:
                holes.append(float(np.mean(rows)))
    return holes
