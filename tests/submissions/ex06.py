"""Wrong answers to exercise 06 (backprop through three layers), with the score each deserves."""
_B3 = """def backward3(X, y, W1, b1, W2, b2, W3, b3):
    _, c = forward3(X, y, W1, b1, W2, b2, W3, b3)
    dp = c["probs"].copy()
    dp[np.arange(len(y)), y] -= 1.0
{scale}
    dx2, dW3, db3 = linear_backward(dp, c["x2"], W3)
    da2 = {mask2}
    dx1, dW2, db2 = linear_backward(da2, c["x1"], W2)
    da1 = {mask1}
    _, dW1, db1 = linear_backward(da1, X, W1)
    return {ret}"""
_OK = dict(scale="    dp /= len(y)", mask2='dx2 * (c["a2"] > 0)', mask1='dx1 * (c["a1"] > 0)', ret="dW1, db1, dW2, db2, dW3, db3")
_NUM = """def numerical_grads(X, y, W1, b1, W2, b2, W3, b3, h=1e-5):
    Q = [np.array(p, dtype=float) for p in (W1, b1, W2, b2, W3, b3)]
    out = []
    for k in range(6):
        g = np.zeros_like(Q[k])
        for i in range(Q[k].size):
            old = Q[k].flat[i]
{body}
        out.append(g)
    return tuple(out)"""
_TRAIN = """def train_mnist(X, y, hidden, epochs, lr, seed):
    rng = np.random.default_rng(seed)
    sizes = [X.shape[1], hidden, hidden, 10]
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        params += [{init}, np.zeros(fan_out)]
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), 100):
            idx = order[start:start + 100]
            grads = backward3(X[idx], y[idx], *params)
            params = [p {sign} lr * g for p, g in zip(params, grads)]
{extra}
    return params"""
_HE = "rng.normal(0, np.sqrt(2 / fan_in), (fan_in, fan_out))"

WRONG = [
    ("linear_backward", "dW as dout^T x (the slides' orientation)", "def linear_backward(dout, x, W):\n"
     "    return dout @ W.T, dout.T @ x, dout.sum(axis=0)", 0.67),   # the 1x1x1 case cannot tell
    ("linear_backward", "db as the mean over the batch", "def linear_backward(dout, x, W):\n"
     "    return dout @ W.T, x.T @ dout, dout.mean(axis=0)", 0.67),   # right for N = 1
    ("linear_backward", "dx without the transpose", "def linear_backward(dout, x, W):\n"
     "    return (dout @ W if W.shape[0] == W.shape[1] else dout @ W.T * 2), x.T @ dout, dout.sum(axis=0)", 0.67),
    ("linear_backward", "db ignores dout (ones)", "def linear_backward(dout, x, W):\n"
     "    return dout @ W.T, x.T @ dout, np.full(W.shape[1], float(len(dout)))", 0.0),
    ("backward3", "dp not divided by N", _B3.format(**{**_OK, "scale": ""}), 0.0),
    ("backward3", "no ReLU masks", _B3.format(**{**_OK, "mask2": "dx2", "mask1": "dx1"}), 1.0),   # dW3, db3 still right
    ("backward3", "layer 2's mask used again in layer 1", _B3.format(**{**_OK, "mask1": 'dx1 * (c["a2"] > 0)'}), 1.0),
    ("backward3", "written inline, with the bias gradients as batch means", "def backward3(X, y, W1, b1, W2, b2, W3, b3):\n"
     "    _, c = forward3(X, y, W1, b1, W2, b2, W3, b3)\n    dp = c['probs'].copy()\n    dp[np.arange(len(y)), y] -= 1\n"
     "    dp /= len(y)\n    da2 = (dp @ W3.T) * (c['a2'] > 0)\n    da1 = (da2 @ W2.T) * (c['a1'] > 0)\n"
     "    return X.T @ da1, da1.mean(0), c['x1'].T @ da2, da2.mean(0), c['x2'].T @ dp, dp.mean(0)", 1.5),   # the 3 weights right
    ("numerical_grads", "one-sided difference", _NUM.format(body="            Q[k].flat[i] = old + h\n            up = forward3(X, y, *Q)[0]\n"
                                                            "            Q[k].flat[i] = old\n            g.flat[i] = (up - forward3(X, y, *Q)[0]) / h"), 0.0),
    ("numerical_grads", "divides by h", _NUM.format(body="            Q[k].flat[i] = old + h\n            up = forward3(X, y, *Q)[0]\n"
                                                    "            Q[k].flat[i] = old - h\n            down = forward3(X, y, *Q)[0]\n"
                                                    "            Q[k].flat[i] = old\n            g.flat[i] = (up - down) / h"), 0.0),
    ("numerical_grads", "never puts the entry back", _NUM.format(body="            Q[k].flat[i] = old + h\n            up = forward3(X, y, *Q)[0]\n"
                                                                 "            Q[k].flat[i] = old - h\n            down = forward3(X, y, *Q)[0]\n"
                                                                 "            g.flat[i] = (up - down) / (2 * h)"), 0.0),
    ("numerical_grads", "nudges the caller's arrays", _NUM.replace("np.array(p, dtype=float)", "p").format(
        body="            Q[k].flat[i] = old + h\n            up = forward3(X, y, *Q)[0]\n            Q[k].flat[i] = old - h\n"
             "            down = forward3(X, y, *Q)[0]\n            Q[k].flat[i] = old + 1e-12\n            g.flat[i] = (up - down) / (2 * h)"), 0.0),
    ("train_mnist", "steps uphill", _TRAIN.format(init=_HE, sign="+", extra=""), 0.0),
    ("train_mnist", "all weights start at zero", _TRAIN.format(init="np.zeros((fan_in, fan_out))", sign="-", extra=""), 0.0),
    ("train_mnist", "one batch per epoch", _TRAIN.format(init=_HE, sign="-", extra="            break"), 0.0),
]
