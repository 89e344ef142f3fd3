"""Data augmentation: new training images made from old ones without changing what they show."""
import numpy as np

from ..errors import ShapeError, check_array
from ..i18n import tr

__all__ = ["random_shifts"]


def _square_images(images, where):
    """images (N, H, W) as they are, or flat rows (N, H*W) of square images as (N, H, H); anything else
    raises a ShapeError that names ``where``. Behind show_digits and random_shifts."""
    if images.ndim == 2:
        side = int(round(np.sqrt(images.shape[1])))
        if side * side != images.shape[1]:
            raise ShapeError(tr("{where}: rows of {shape} pixels are not square images; pass images of shape (N, H, "
                                "W).", where=where, shape=images.shape[1]))
        return images.reshape(len(images), side, side)
    if images.ndim != 3:
        raise ShapeError(tr("{where}: images must have shape (N, H, W) or (N, H*W), got {shape}.", where=where,
                            shape=images.shape))
    return images


def random_shifts(images, seed=0, max_shift=1):
    """Move each image by a random whole number of pixels, between -max_shift and +max_shift, down and right
    (negative: up and left). Lesson 6 (a fresh set of shifted copies every epoch).

    Inputs:
    - images: (N, H, W), or (N, H*W) rows of square images.
    - seed: an int (or a np.random.Generator) that fixes the shifts; lesson 6 passes the epoch number.
    - max_shift: the largest shift in pixels, a whole number >= 0 (default 1); each image gets its own
      (dy, dx), both drawn uniformly from -max_shift..max_shift.
    Returns the shifted images, of the shape and dtype of ``images``.

    A digit moved by a pixel is still the same digit, so a network that sees a fresh set of shifted
    copies every epoch cannot just memorise its training images. Pixels that leave the picture are
    dropped and the uncovered edge is filled with zeros (background). Not ``np.roll``: a few MNIST
    digits touch the border (813 of the 60,000 training images have ink in the outermost row or column),
    and rolling would carry their ink to the opposite side.
    """
    images = check_array(images, "images", where="random_shifts")
    flat = images.ndim == 2
    images = _square_images(images, "random_shifts")
    rng = np.random.default_rng(seed)
    shifts = rng.integers(-max_shift, max_shift + 1, size=(len(images), 2))
    m, (H, W) = max_shift, images.shape[1:]
    out = np.zeros_like(images)                                # the uncovered edge stays 0 (background)
    for dy in range(-m, m + 1):
        for dx in range(-m, m + 1):
            idx = np.flatnonzero((shifts[:, 0] == dy) & (shifts[:, 1] == dx))
            # moved down by dy and right by dx: out[r, c] = image[r - dy, c - dx]; what leaves the frame is dropped
            out[idx, _to(dy, H), _to(dx, W)] = images[idx, _to(-dy, H), _to(-dx, W)]
    return out.reshape(len(out), -1) if flat else out


def _to(shift, size):
    """The rows (or columns) of a picture of ``size`` that a move by ``shift`` pixels lands on: 2..size-1 for a
    move of +2, 0..size-3 for -2 (the source's are the same slice for -shift). Empty when |shift| >= size."""
    return slice(min(max(shift, 0), size), max(size + min(shift, 0), 0))
