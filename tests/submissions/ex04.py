"""Wrong answers to exercise 04 (linear classifier), with the score each deserves."""
_TRAIN = """def train_softmax(X, y, epochs, lr, seed):
    rng = np.random.default_rng(seed)
    W, b = np.zeros((X.shape[1], 10)), np.zeros(10)
    for _ in range({epochs}):
        order = rng.permutation(len(X))
        for start in range(0, len(X), 100):
            idx = order[start:start + 100]
            G = ce_gradient(X[idx] @ W + b, y[idx])
{update}
    return {ret}"""
_OK_UPDATE = "            W -= lr * (X[idx].T @ G)\n            b -= lr * G.sum(axis=0)"
_SUMMED = _TRAIN.replace("    for _ in range({epochs}):", "    GW, Gb = np.zeros_like(W), np.zeros_like(b)\n    for _ in range({epochs}):")

WRONG = [
    ("delta_rules", "delta_W transposed (the slides' C x D)", "def delta_rules(x, W, delta_p):\n"
     "    return np.outer(delta_p, x), delta_p.copy(), W @ delta_p", 1.33),   # delta_b and delta_x right
    ("delta_rules", "the slides' W^T delta_p written literally in code", "def delta_rules(x, W, delta_p):\n"
     "    return np.outer(x, delta_p), delta_p.copy(), W.T @ delta_p", 0.0),
    ("delta_rules", "delta_x masked by the pixels (only black pixels change)", "def delta_rules(x, W, delta_p):\n"
     "    return np.outer(x, delta_p), delta_p.copy(), (W @ delta_p) * x", 1.33),
    ("delta_rules", "delta_b = delta_p times the pixels' sum", "def delta_rules(x, W, delta_p):\n"
     "    return np.outer(x, delta_p), delta_p * x.sum(), W @ delta_p", 1.33),
    ("bce_gradient", "y - p (the slides' direction, not the gradient)", "def bce_gradient(X, y, w, b):\n"
     "    p = 1 / (1 + np.exp(-(X @ w + b)))\n    return X.T @ (y - p) / len(y), float(np.mean(y - p))", 0.0),
    ("bce_gradient", "sum instead of mean", "def bce_gradient(X, y, w, b):\n"
     "    p = 1 / (1 + np.exp(-(X @ w + b)))\n    return X.T @ (p - y), float(np.sum(p - y))", 0.67),   # right when N = 1
    ("bce_gradient", "an extra sigmoid derivative p(1 - p)", "def bce_gradient(X, y, w, b):\n"
     "    p = 1 / (1 + np.exp(-(X @ w + b)))\n    d = (p - y) * p * (1 - p) / len(y)\n    return X.T @ d, float(d.sum())", 0.0),
    ("softmax_ce", "no shift: overflows on large scores", "def softmax_ce(S, y):\n    e = np.exp(S)\n"
     "    p = e / e.sum(axis=1, keepdims=True)\n    return float(-np.mean(np.log(p[np.arange(len(y)), y])))", 1.0),
    ("softmax_ce", "shifted, but the log of a probability that rounds to 0", "def softmax_ce(S, y):\n"
     "    e = np.exp(S - S.max(axis=1, keepdims=True))\n    p = e / e.sum(axis=1, keepdims=True)\n"
     "    return float(-np.mean(np.log(p[np.arange(len(y)), y])))", 1.5),
    ("softmax_ce", "sum over examples instead of mean", "def softmax_ce(S, y):\n    Z = S - S.max(axis=1, keepdims=True)\n"
     "    return float(-np.sum((Z - np.log(np.exp(Z).sum(1, keepdims=True)))[np.arange(len(y)), y]))", 0.5),   # right for N = 1
    ("softmax_ce", "max over the whole array, not per row", "def softmax_ce(S, y):\n    Z = S - S.max()\n"
     "    return float(-np.mean((Z - np.log(np.exp(Z).sum(1, keepdims=True)))[np.arange(len(y)), y]))", 1.5),   # rows far apart fail
    ("ce_gradient", "not divided by N", "def ce_gradient(S, y):\n    e = np.exp(S - S.max(1, keepdims=True))\n"
     "    G = e / e.sum(1, keepdims=True)\n    G[np.arange(len(y)), y] -= 1\n    return G", 1.0),   # right when N = 1
    ("ce_gradient", "one-hot minus probabilities (sign)", "def ce_gradient(S, y):\n    e = np.exp(S - S.max(1, keepdims=True))\n"
     "    G = -e / e.sum(1, keepdims=True)\n    G[np.arange(len(y)), y] += 1\n    return G / len(y)", 0.0),
    ("ce_gradient", "softmax over the wrong axis", "def ce_gradient(S, y):\n    e = np.exp(S - S.max(0, keepdims=True))\n"
     "    G = e / e.sum(0, keepdims=True)\n    G[np.arange(len(y)), y] -= 1\n    return G / len(y)", 0.0),
    ("ce_gradient", "unstable softmax (no shift)", "def ce_gradient(S, y):\n    e = np.exp(S)\n"
     "    G = e / e.sum(1, keepdims=True)\n    G[np.arange(len(y)), y] -= 1\n    return G / len(y)", 1.5),   # only huge scores fail
    ("train_softmax", "steps uphill", _TRAIN.format(epochs="epochs", ret="W, b",
                                                    update="            W += lr * (X[idx].T @ G)\n            b += lr * G.sum(axis=0)"), 0.0),
    ("train_softmax", "only the first batch of every epoch", _TRAIN.format(epochs="epochs", ret="W, b",
                                                                          update=_OK_UPDATE + "\n            break"), 0.0),
    ("train_softmax", "ignores epochs (one pass)", _TRAIN.format(epochs="1", ret="W, b", update=_OK_UPDATE), 0.0),
    ("train_softmax", "returns W transposed", _TRAIN.format(epochs="epochs", ret="W.T, b", update=_OK_UPDATE), 1.5),   # b is right: half of each case
    ("train_softmax", "gradients summed over all steps and never reset", _SUMMED.format(
        epochs="epochs", ret="W, b", update="            GW += X[idx].T @ G\n            Gb += G.sum(axis=0)\n"
                                            "            W -= lr * GW\n            b -= lr * Gb"), 0.0),
    ("train_softmax", "the bias overwritten instead of updated", _TRAIN.format(
        epochs="epochs", ret="W, b", update="            W -= lr * (X[idx].T @ G)\n            b = lr * G.sum(axis=0)"), 1.0),   # MNIST still passes
    ("train_softmax", "trains on the notebook's X_train instead of its arguments",
     "images, labels, _, _ = nnkit.load_mnist(flatten=True)\n"      # the notebook's own X_train (its mnist_data cell)
     "X_train, y_train = images[:10000] / 255, labels[:10000]\n\n\n"
     + _TRAIN.replace("X[idx]", "X_train[idx]").replace("y[idx]", "y_train[idx]").format(
         epochs="epochs", ret="W, b", update="            W -= lr * (X_train[idx].T @ G)\n            b -= lr * G.sum(axis=0)"), 0.0),
    ("loss_at_zero", "a perfect start: 0", "def loss_at_zero(C):\n    return 0.0", 0.0),
    ("loss_at_zero", "the probability 1 / C instead of its negative log", "def loss_at_zero(C):\n    return 1 / C", 0.0),
    ("loss_at_zero", "log 10 whatever C (the MNIST number remembered)", "def loss_at_zero(C):\n    return float(np.log(10))", 0.0),
    ("ce_l2_gradient", "the bias penalised too", "def ce_l2_gradient(X, y, W, b, lam):\n    G = ce_gradient(X @ W + b, y)\n"
     "    return X.T @ G + lam * W, G.sum(axis=0) + lam * b", 1.33),   # lam = 0 cannot tell; dW always right
    ("ce_l2_gradient", "the penalty's slope taken as lam / 2 * W", "def ce_l2_gradient(X, y, W, b, lam):\n"
     "    G = ce_gradient(X @ W + b, y)\n    return X.T @ G + 0.5 * lam * W, G.sum(axis=0)", 1.33),
    ("ce_l2_gradient", "the penalty's slope subtracted", "def ce_l2_gradient(X, y, W, b, lam):\n"
     "    G = ce_gradient(X @ W + b, y)\n    return X.T @ G - lam * W, G.sum(axis=0)", 1.33),
    ("ce_l2_gradient", "the mean over examples taken twice", "def ce_l2_gradient(X, y, W, b, lam):\n"
     "    G = ce_gradient(X @ W + b, y)\n    return X.T @ G / len(y) + lam * W, G.mean(axis=0)", 0.67),   # N = 1 cannot tell
]

# Right answers written differently from the reference: graded whole, each keeps full marks.
RIGHT = [
    ("delta_rules", "a list instead of a tuple, delta_b as the same array", "def delta_rules(x, W, delta_p):\n"
     "    return [x[:, None] * delta_p[None, :], delta_p, (W * delta_p).sum(axis=1)]"),
    ("bce_gradient", "a sigmoid that never overflows (np.where), db as a NumPy scalar", "def bce_gradient(X, y, w, b):\n"
     "    z = X @ w + b\n    e = np.exp(-np.abs(z))\n    p = np.where(z >= 0, 1 / (1 + e), e / (1 + e))\n"
     "    return X.T @ (p - y) / len(y), np.mean(p - y)"),
    ("softmax_ce", "np.logaddexp.reduce", "def softmax_ce(S, y):\n"
     "    return float(np.mean(np.logaddexp.reduce(S, axis=1) - S[np.arange(len(y)), y]))"),
    ("ce_gradient", "one-hot from np.eye", "def ce_gradient(S, y):\n    e = np.exp(S - S.max(axis=1, keepdims=True))\n"
     "    return (e / e.sum(axis=1, keepdims=True) - np.eye(S.shape[1])[y]) / len(y)"),
    ("train_softmax", "the delta rules summed one example at a time, in float32", "def train_softmax(X, y, epochs, lr, seed):\n"
     "    rng = np.random.default_rng(seed)\n    X = np.asarray(X, dtype=np.float32)\n"
     "    W, b = np.zeros((X.shape[1], 10), np.float32), np.zeros(10, np.float32)\n    for _ in range(epochs):\n"
     "        order = rng.permutation(len(X))\n        for start in range(0, len(X), 100):\n"
     "            idx = order[start:start + 100]\n            G = ce_gradient(X[idx] @ W + b, y[idx]).astype(np.float32)\n"
     "            dW, db = np.zeros_like(W), np.zeros_like(b)\n            for x, g in zip(X[idx], G):\n"
     "                dW += np.outer(x, g)\n                db += g\n            W = W - lr * dW\n            b = b - lr * db\n"
     "    return W, b"),
]
