"""Hidden tests of exercises/03_gradient_descent.ipynb (momentum is checked against nnkit.Momentum)."""
import numpy as np

import nnkit
from coursetools.grading import Task, Case


def _path(w0, lr, steps):
    p = [w0]
    for _ in range(steps):
        p.append(p[-1] * (1 - 2 * lr))
    return np.array(p)


def _mom(w0, lr, m, steps):
    params, opt, out = {"w": np.array(float(w0))}, nnkit.Momentum(lr, m), [float(w0)]
    for _ in range(steps):
        opt.update(params, {"w": 2 * params["w"]})
        out.append(float(params["w"]))
    return np.array(out)


_p = [Case((w0, lr, s), _path(w0, lr, s), f"w0={w0}, lr={lr}, steps={s}") for w0, lr, s in
      [(-2.0, 0.3, 10), (0.5, 0.9, 25), (1.0, 0.1, 0)]]
E = lambda v: v ** 3 - 0.75 * v + 1
_c = []
for w, h in [(np.linspace(-1, 1, 7), 1e-4), (np.array([[0.5, -0.5], [2.0, 3.0]]), 1e-3)]:
    _c.append(Case((w, h), (E(w + h) - E(w - h)) / (2 * h), f"w of shape {w.shape}, h={h}"))
_m = [Case((w0, lr, m, s), _mom(w0, lr, m, s), f"w0={w0}, lr={lr}, momentum={m}, steps={s}") for w0, lr, m, s in
      [(1.0, 0.05, 0.8, 30), (-1.5, 0.1, 0.5, 12), (2.0, 0.1, 0.0, 5)]]

TASKS = [Task("1. descent_path", "descent_path", 2, _p), Task("2. cubic_slope", "cubic_slope", 2, _c),
         Task("3. momentum_path", "momentum_path", 3, _m)]
