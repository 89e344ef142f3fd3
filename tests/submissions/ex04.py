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

WRONG = [
    ("delta_rules", "delta_W transposed (the slides' C x D)", "def delta_rules(x, W, delta_p):\n"
     "    return np.outer(delta_p, x), delta_p.copy(), W @ delta_p", 0.0),
    ("delta_rules", "the slides' W^T delta_p written literally in code", "def delta_rules(x, W, delta_p):\n"
     "    return np.outer(x, delta_p), delta_p.copy(), W.T @ delta_p", 0.0),
    ("delta_rules", "delta_x masked by the pixels (only black pixels change)", "def delta_rules(x, W, delta_p):\n"
     "    return np.outer(x, delta_p), delta_p.copy(), (W @ delta_p) * x", 0.0),
    ("delta_rules", "delta_b = delta_p times the pixels' sum", "def delta_rules(x, W, delta_p):\n"
     "    return np.outer(x, delta_p), delta_p * x.sum(), W @ delta_p", 0.0),
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
    ("train_softmax", "ignores epochs (one pass)", _TRAIN.format(epochs="1", ret="W, b", update=_OK_UPDATE), 1.0),   # MNIST passes, pixel digits need more
    ("train_softmax", "returns W transposed", _TRAIN.format(epochs="epochs", ret="W.T, b", update=_OK_UPDATE), 0.0),
]
