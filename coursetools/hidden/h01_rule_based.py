"""Hidden tests of exercises/01_rule_based.ipynb, on real MNIST digits in pixel-art form."""
import numpy as np

import nnkit
from nnkit.data import mnist_as_pixel_art
from coursetools.grading import Task, Case

_, _, _X, _y = nnkit.load_mnist()
_P = mnist_as_pixel_art(_X[:40])
rng = np.random.default_rng(101)
_ink = [Case((_P[i],), _P[i].sum(axis=1), f"an 8x8 MNIST digit #{i}") for i in (0, 7)]
_ink.append(Case((np.ones((4, 3), dtype=np.int64),), np.full(4, 3), "a 4x3 all-black image"))
_acc, _per = [], []
for n in (1, 37, 500):
    y = _y[:n]
    pred = np.where(rng.random(n) < 0.6, y, rng.integers(0, 10, n))
    _acc.append(Case((pred, y), np.array(np.mean(pred == y)), f"{n} predictions"))
    per = np.full(10, np.nan)
    for d in range(10):
        if np.any(y == d):
            per[d] = np.mean(pred[y == d] == d)
    _per.append(Case((pred, y), per, f"{n} predictions"))


TASKS = [Task("1. ink_per_row", "ink_per_row", 1, _ink), Task("2. accuracy", "accuracy", 2, _acc, scalar=True),
         Task("3. per_digit_accuracy", "per_digit_accuracy", 3, _per)]
