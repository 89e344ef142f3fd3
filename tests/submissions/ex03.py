"""Wrong answers to exercise 03 (descent, momentum, Adam), with the score each deserves."""
_PATH = "def {name}(A, p0, eta, {extra}steps):\n    p = np.array(p0, float)\n{init}    path = [p]\n    for t in range(1, steps + 1):\n{body}        path.append(p)\n    return np.array(path)"


def _path(name, body, init="", extra=""):
    return _PATH.format(name=name, body=body, init=init, extra=extra)


WRONG = [
    ("numerical_gradient", "one-sided difference", "def numerical_gradient(f, p, h=1e-5):\n    g = np.zeros(len(p))\n"
     "    for i in range(len(p)):\n        e = np.zeros(len(p)); e[i] = h\n        g[i] = (f(p + e) - f(p)) / h\n    return g", 0.0),
    ("numerical_gradient", "divides by h instead of 2h", "def numerical_gradient(f, p, h=1e-5):\n    g = np.zeros(len(p))\n"
     "    for i in range(len(p)):\n        e = np.zeros(len(p)); e[i] = h\n        g[i] = (f(p + e) - f(p - e)) / h\n    return g", 0.0),
    ("numerical_gradient", "nudges all coordinates at once", "def numerical_gradient(f, p, h=1e-5):\n"
     "    return (f(p + h) - f(p - h)) / (2 * h) * np.ones(len(p))", 0.67),   # right when D = 1
    ("numerical_gradient", "nudges p in place", "def numerical_gradient(f, p, h=1e-5):\n    g = np.zeros(len(p))\n"
     "    for i in range(len(p)):\n        p[i] += h; up = f(p)\n        p[i] -= 2 * h; down = f(p)\n        p[i] += h\n"
     "        g[i] = (up - down) / (2 * h)\n    return g", 0.0),
    ("gd_path", "steps uphill", _path("gd_path", "        p = p + eta * (A @ p)\n"), 0.0),
    ("gd_path", "the 2 of the square kept in the gradient", _path("gd_path", "        p = p - eta * 2 * (A @ p)\n"), 0.0),
    ("gd_path", "path without the start point", "def gd_path(A, p0, eta, steps):\n    p, path = np.array(p0, float), []\n"
     "    for _ in range(steps):\n        p = p - eta * (A @ p)\n        path.append(p)\n    return np.array(path)", 0.0),
    ("gd_path", "in-place update: every row is the last point", "def gd_path(A, p0, eta, steps):\n    p = np.array(p0, float)\n"
     "    path = [p]\n    for _ in range(steps):\n        p -= eta * (A @ p)\n        path.append(p)\n    return np.array(path)", 0.0),
    ("momentum_path", "no learning rate on the gradient", _path("momentum_path", "        v = beta * v - (A @ p)\n        p = p + v\n",
                                                               "    v = np.zeros_like(p)\n", "beta, "), 0.0),
    ("momentum_path", "moves before updating the velocity", _path("momentum_path", "        p = p + v\n        v = beta * v - eta * (A @ p)\n",
                                                                 "    v = np.zeros_like(p)\n", "beta, "), 0.0),
    ("momentum_path", "velocity forgotten every step (plain descent)", _path("momentum_path", "        v = np.zeros_like(p)\n"
                                                                            "        v = beta * v - eta * (A @ p)\n        p = p + v\n", "", "beta, "), 0.0),
    ("adam_path", "no bias correction", _path("adam_path", "        g = A @ p\n        m = 0.9 * m + 0.1 * g\n        v = 0.999 * v + 0.001 * g ** 2\n"
                                              "        p = p - eta * m / (np.sqrt(v) + 1e-8)\n", "    m = v = np.zeros_like(p)\n"), 0.0),
    ("adam_path", "v without the square root", _path("adam_path", "        g = A @ p\n        m = 0.9 * m + 0.1 * g\n        v = 0.999 * v + 0.001 * g ** 2\n"
                                                     "        p = p - eta * (m / (1 - 0.9 ** t)) / (v / (1 - 0.999 ** t) + 1e-8)\n", "    m = v = np.zeros_like(p)\n"), 0.0),
    ("adam_path", "t counted from 0", _path("adam_path", "        g = A @ p\n        m = 0.9 * m + 0.1 * g\n        v = 0.999 * v + 0.001 * g ** 2\n"
                                            "        p = p - eta * (m / (1 - 0.9 ** (t - 1))) / (np.sqrt(v / (1 - 0.999 ** (t - 1))) + 1e-8)\n",
                                            "    m = v = np.zeros_like(p)\n"), 0.0),
    ("adam_path", "eps inside the square root", _path("adam_path", "        g = A @ p\n        m = 0.9 * m + 0.1 * g\n        v = 0.999 * v + 0.001 * g ** 2\n"
                                                     "        p = p - eta * (m / (1 - 0.9 ** t)) / np.sqrt(v / (1 - 0.999 ** t) + 1e-8)\n",
                                                     "    m = v = np.zeros_like(p)\n"), 1.33),   # visible only where slopes are tiny
    ("line_search_path", "a fixed step 1 / lambda_max instead of the best one", _path("line_search_path",
        "        p = p - (A @ p) / np.linalg.eigvalsh(A).max()\n").replace("eta, ", ""), 0.4),   # p0 = 0 cannot tell
    ("line_search_path", "the step upside down: g^T A g / g^T g", _path("line_search_path",
        "        g = A @ p\n        p = p - (g @ A @ g) / (g @ g) * g if g @ g > 0 else p\n").replace("eta, ", ""), 0.4),   # p0 = 0 cannot tell
    ("line_search_path", "no care for a zero gradient (0 / 0 at the minimum)", _path("line_search_path",
        "        g = A @ p\n        p = p - (g @ g) / (g @ A @ g) * g\n").replace("eta, ", ""), 1.6),   # only p0 = 0 fails
    ("line_search_path", "the step that makes the gradient smallest, not E", _path("line_search_path",
        "        g = A @ p\n        Ag = A @ g\n        p = p - (g @ Ag) / (Ag @ Ag) * g if g @ g > 0 else p\n").replace("eta, ", ""), 0.8),   # right from an eigenvector and from 0
    ("adam_scale_prediction", "predicts 100 times longer steps", "def adam_scale_prediction():\n    return 2", 0.0),
    ("adam_scale_prediction", "predicts 10 times longer steps", "def adam_scale_prediction():\n    return 3", 0.0),
    ("adam_scale_prediction", "predicts divergence", "def adam_scale_prediction():\n    return 4", 0.0),
]
CELL = {"numerical_gradient": "numerical_gradient"}

# Right answers written differently from the reference: graded whole, each keeps full marks.
RIGHT = [
    ("momentum_path", "PyTorch's form: u = beta u + g, p -= eta u (the same points)", _path("momentum_path",
        "        u = beta * u + A @ p\n        p = p - eta * u\n", "    u = np.zeros_like(p)\n", "beta, ")),
    ("adam_path", "one coordinate at a time with math.sqrt", "import math\n\n\ndef adam_path(A, p0, eta, steps):\n"
     "    p = [float(v) for v in p0]\n    m, v = [0.0] * len(p), [0.0] * len(p)\n    path = [list(p)]\n"
     "    for t in range(1, steps + 1):\n        g = list(np.asarray(A) @ np.array(p))\n        for i in range(len(p)):\n"
     "            m[i] = 0.9 * m[i] + 0.1 * g[i]\n            v[i] = 0.999 * v[i] + 0.001 * g[i] ** 2\n"
     "            p[i] -= eta * (m[i] / (1 - 0.9 ** t)) / (math.sqrt(v[i] / (1 - 0.999 ** t)) + 1e-8)\n"
     "        path.append(list(p))\n    return np.array(path)"),
    ("line_search_path", "the step from a Rayleigh quotient, written with np.dot", "def line_search_path(A, p0, steps):\n"
     "    p = np.asarray(p0, dtype=float).copy()\n    out = [p.copy()]\n    for _ in range(steps):\n        g = np.dot(A, p)\n"
     "        if np.any(g):\n            p = p - np.dot(g, g) / np.dot(g, np.dot(A, g)) * g\n        out.append(p.copy())\n"
     "    return np.stack(out)"),
]
