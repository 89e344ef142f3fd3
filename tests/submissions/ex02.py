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
    ("descend", "coordinate by coordinate, each with the gradient at the partly updated w (Gauss-Seidel)",
     "def descend(X, t, w0, eta, steps):\n    w = np.array(w0, dtype=float)\n    for _ in range(steps):\n"
     "        for j in range(len(w)):\n            w[j] = w[j] - eta * gradient(X, w, t)[j]\n    return w", 0.67),   # D = 1 cannot tell
    ("one_step_prediction", "predicts the error halves", "def one_step_prediction():\n    return 1", 0.0),
    ("one_step_prediction", "predicts a zig-zag of the same size", "def one_step_prediction():\n    return 3", 0.0),
    ("one_step_prediction", "predicts it grows", "def one_step_prediction():\n    return 4", 0.0),
    ("ridge_closed_form", "the penalty's slope taken as 2 lam w (the 1/2 forgotten)", "def ridge_closed_form(X, t, lam):\n"
     "    return np.linalg.solve(X.T @ X + 2 * lam * np.eye(X.shape[1]), X.T @ t)", 0.5),   # right for lam = 0
    ("ridge_closed_form", "lam added to every entry of X^T X, not to its diagonal", "def ridge_closed_form(X, t, lam):\n"
     "    return np.linalg.solve(X.T @ X + lam, X.T @ t)", 0.5),
    ("ridge_closed_form", "the penalty subtracted", "def ridge_closed_form(X, t, lam):\n"
     "    return np.linalg.solve(X.T @ X - lam * np.eye(X.shape[1]), X.T @ t)", 0.5),
    ("ridge_closed_form", "lam ignored (least squares)", "def ridge_closed_form(X, t, lam):\n"
     "    return np.linalg.lstsq(X, t, rcond=None)[0]", 0.5),
]

# Right answers written differently from the reference: graded whole, each keeps full marks.
RIGHT = [
    ("descend", "eta turned into a Python float first", "def descend(X, t, w0, eta, steps):\n    eta = float(eta)\n"
     "    w = np.array(w0, dtype=float)\n    for _ in range(int(steps)):\n        w = w - eta * gradient(X, w, t)\n    return w"),
    ("descend", "a coordinate loop with a simultaneous update", "def descend(X, t, w0, eta, steps):\n"
     "    w = [float(v) for v in w0]\n    for _ in range(steps):\n        g = gradient(X, np.array(w), t)\n"
     "        w = [w[j] - eta * g[j] for j in range(len(w))]\n    return np.array(w)"),
    ("ridge_closed_form", "lstsq on the data stacked with sqrt(lam) I", "def ridge_closed_form(X, t, lam):\n"
     "    D = X.shape[1]\n    A = np.vstack([X, np.sqrt(lam) * np.eye(D)])\n"
     "    return np.linalg.lstsq(A, np.concatenate([t, np.zeros(D)]), rcond=None)[0]"),
    ("stability_limit", "the largest singular value of X, squared", "def stability_limit(X):\n"
     "    return 2.0 / np.linalg.norm(X, 2) ** 2"),
]
