"""Data for the course: MNIST (shipped, verified), toy 2-D sets, and pixel-art digits.

Where each is first used:
- Lesson 1: ``load_mnist`` (read_idx behind it), ``PIXEL_TEMPLATES``, ``mnist_as_pixel_art``.
- Lesson 4: ``pixel_digits``, ``two_clouds``, ``moons``.
- Lesson 5: ``circles``.
- Lesson 6: ``random_shifts``.
"""
from .mnist import load_mnist, read_idx
from .toy import two_clouds, moons, circles
from .augment import random_shifts
from .pixelart import PIXEL_TEMPLATES, pixel_digits, mnist_as_pixel_art

__all__ = ["load_mnist", "read_idx", "two_clouds", "moons", "circles", "random_shifts",
           "PIXEL_TEMPLATES", "pixel_digits", "mnist_as_pixel_art"]

