"""The grading tests' own small exercise: cells of a solution and of an untouched exercise notebook, with
markdown cells between them as in the course's notebooks (feedback must count those too)."""
import nbformat

SETUP = "import numpy as np\n\nX = np.array([[1.0, 1], [3, 1], [5, 1], [7, 1]])\nt = np.array([1.0, 4, 4, 8])"
SOLUTION = {
    "loss": "def loss(X, w, t):\n    r = X @ w - t\n    return 0.5 * float(r @ r)",
    "gradient": "def gradient(X, w, t):\n    return X.T @ (X @ w - t)",
    "descend": ("def descend(X, t, w0, eta, steps):\n    w = np.array(w0, dtype=float)\n"
                "    for _ in range(int(steps)):\n        w = w - eta * gradient(X, w, t)\n    return w"),
}
EXERCISE = {
    "loss": "def loss(X, w, t):\n    raise NotImplementedError()",
    "gradient": "def gradient(X, w, t):\n    raise NotImplementedError()",
    "descend": "def descend(X, t, w0, eta, steps):\n    raise NotImplementedError()",
}
CHECKS = {
    "gradient": "assert gradient(X, np.zeros(2), t).shape == (2,)",
    "descend": "assert np.shape(descend(X, t, np.zeros(2), 0.01, 3)) == (2,)",
}


def notebook(defs=None, extra=None, extra_at=2, base=SOLUTION):
    """A notebook: title, setup, then per task a markdown cell, the definition (from ``base``, replaced by
    ``defs[name]`` when given) and its visible check. ``extra`` is a code cell inserted at index ``extra_at``."""
    defs = {**base, **(defs or {})}
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    cells = [md("# Least squares (grader fixture)"), code(SETUP)]
    for name in ("loss", "gradient", "descend"):
        cells += [md(f"## Task: `{name}`"), code(defs[name])]
        if name in CHECKS:
            cells.append(code(CHECKS[name]))
    if extra is not None:
        cells.insert(extra_at, code(extra))
    return nbformat.v4.new_notebook(cells=cells)


def write(nb, path):
    nbformat.write(nb, str(path))
    return path
