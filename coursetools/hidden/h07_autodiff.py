"""Hidden tests of exercises/07_autodiff.ipynb: gradients against nnkit.autodiff and central differences."""
import math

import numpy as np

from nnkit.autodiff import Value
from coursetools.grading import Task, Case


def _tanh_ref(x, y):
    a, b = Value(x), Value(y)
    (a * b + a).tanh().backward()
    g = np.array([a.grad, b.grad])
    f = lambda u, v: math.tanh(u * v + u)
    h = 1e-6
    num = np.array([(f(x + h, y) - f(x - h, y)) / (2 * h), (f(x, y + h) - f(x, y - h)) / (2 * h)])
    assert np.allclose(g, num, atol=1e-7)
    return g


_ma = [Case((a, b, c), np.array([b, a, 1.0]), f"a={a}, b={b}, c={c}") for a, b, c in
       [(-1.5, 4.0, 0.25), (0.0, 7.0, -3.0), (1e3, -2e-3, 5.0)]]
_th = [Case((x, y), _tanh_ref(x, y), f"x={x}, y={y}") for x, y in [(0.3, 0.7), (-1.2, 2.0), (2.0, -0.9), (0.0, 5.0)]]

TASKS = [Task("2. mul_add_grads", "mul_add_grads", 2, _ma), Task("3. tanh_grads", "tanh_grads", 3, _th)]
