"""Wrong answers to exercise 02 (least squares), with the score each deserves."""
WRONG = [
    ("loss", "mean instead of sum", "def loss(X, w, t):\n    return 0.5 * float(np.mean((X @ w - t) ** 2))", 0.0),
    ("loss", "the 1/2 forgotten", "def loss(X, w, t):\n    return float(np.sum((X @ w - t) ** 2))", 0.0),
    ("loss", "uses the notebook's X and t instead of its arguments",
     "def loss(X_, w, t_):\n    return 0.5 * float(np.sum((X @ w[:2] - t) ** 2))", 0.0),
    ("loss", "returns the squared errors, not their sum", "def loss(X, w, t):\n    return 0.5 * (X @ w - t) ** 2", 0.0),
    ("gradient", "sign error", "def gradient(X, w, t):\n    return X.T @ (t - X @ w)", 0.0),
    ("gradient", "mean over examples", "def gradient(X, w, t):\n    return X.T @ (X @ w - t) / len(t)", 0.0),
    ("gradient", "a (D, 1) column instead of (D,)", "def gradient(X, w, t):\n    return (X.T @ (X @ w - t)).reshape(-1, 1)", 0.0),
    ("gradient", "the factor 2 of the square kept", "def gradient(X, w, t):\n    return 2 * X.T @ (X @ w - t)", 0.0),
    ("descend", "steps uphill", "def descend(X, t, w0, eta, steps):\n    w = np.array(w0, float)\n"
     "    for _ in range(steps):\n        w = w + eta * gradient(X, w, t)\n    return w", 0.0),
    ("descend", "changes the caller's w0 in place", "def descend(X, t, w0, eta, steps):\n    w = w0\n"
     "    for _ in range(steps):\n        w -= eta * gradient(X, w, t)\n    return w", 0.0),
    ("descend", "one step too many", "def descend(X, t, w0, eta, steps):\n    w = np.array(w0, float)\n"
     "    for _ in range(steps + 1):\n        w = w - eta * gradient(X, w, t)\n    return w", 0.0),
    ("descend", "the gradient always taken at w0", "def descend(X, t, w0, eta, steps):\n    w = np.array(w0, float)\n"
     "    for _ in range(steps):\n        w = w - eta * gradient(X, w0, t)\n    return w", 0.67),   # right for the 1-step case
    ("largest_stable_eta", "the smallest stable eta", "def largest_stable_eta(X, t, w0, etas, steps):\n"
     "    for eta in etas:\n        if loss(X, descend(X, t, w0, eta, steps), t) < loss(X, w0, t):\n"
     "            return float(eta)\n    return 0.0", 0.0),
    ("largest_stable_eta", "ignores steps (judges after one step)", "def largest_stable_eta(X, t, w0, etas, steps):\n"
     "    ok = [e for e in etas if loss(X, descend(X, t, w0, e, 1), t) < loss(X, w0, t)]\n    return float(max(ok, default=0.0))", 0.0),
    ("largest_stable_eta", "the first eta that diverges", "def largest_stable_eta(X, t, w0, etas, steps):\n"
     "    for eta in etas:\n        if loss(X, descend(X, t, w0, eta, steps), t) >= loss(X, w0, t):\n"
     "            return float(eta)\n    return 0.0", 0.0),
    ("stability_limit", "1 / lambda_max", "def stability_limit(X):\n    return float(1 / np.linalg.eigvalsh(X.T @ X).max())", 0.0),
    ("stability_limit", "the smallest eigenvalue", "def stability_limit(X):\n    return float(2 / np.linalg.eigvalsh(X.T @ X).min())", 0.0),
    ("stability_limit", "singular value of X instead of eigenvalue of X^T X",
     "def stability_limit(X):\n    return float(2 / np.linalg.svd(X, compute_uv=False).max())", 0.0),
    ("stability_limit", "the trace (sum of all eigenvalues)", "def stability_limit(X):\n    return float(2 / np.trace(X.T @ X))", 0.0),
    ("closed_form", "forgets X^T on the right", "def closed_form(X, t):\n    return np.linalg.solve(X.T @ X, t)", 0.0),
    ("closed_form", "X^T t without solving", "def closed_form(X, t):\n    return X.T @ t", 0.0),
    ("closed_form", "returns everything np.linalg.lstsq returns (a tuple)",
     "def closed_form(X, t):\n    return np.linalg.lstsq(X, t, rcond=None)", 0.0),
]
