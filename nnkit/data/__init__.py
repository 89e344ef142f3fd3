"""Data for the course: MNIST (shipped, verified), toy 2-D sets, and pixel-art digits."""
from .mnist import load_mnist, read_idx
from .toy import two_clouds, moons, circles
from .augment import random_shifts

__all__ = ["load_mnist", "read_idx", "two_clouds", "moons", "circles", "random_shifts",
           "PIXEL_TEMPLATES", "pixel_digits", "mnist_as_pixel_art"]

_PIXELART = {"PIXEL_TEMPLATES", "pixel_digits", "mnist_as_pixel_art"}


def __getattr__(name):
    if name in _PIXELART:
        from . import pixelart
        return getattr(pixelart, name)
    raise AttributeError(f"module 'nnkit.data' has no attribute {name!r}")
