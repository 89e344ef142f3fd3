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
{step}
{extra}
    return params"""
_STEP = "            params = [p - lr * g for p, g in zip(params, grads)]"
_HE = "rng.normal(0, np.sqrt(2 / fan_in), (fan_in, fan_out))"

WRONG = [
    ("linear_backward", "dW as dout^T x (the slides' orientation)", "def linear_backward(dout, x, W):\n"
     "    return dout @ W.T, dout.T @ x, dout.sum(axis=0)", 1.56),   # dx, db right; the 1x1x1 case cannot tell
    ("linear_backward", "db as the mean over the batch", "def linear_backward(dout, x, W):\n"
     "    return dout @ W.T, x.T @ dout, dout.mean(axis=0)", 1.56),   # dx, dW right; all right for N = 1
    ("linear_backward", "dx without the transpose", "def linear_backward(dout, x, W):\n"
     "    return (dout @ W if W.shape[0] == W.shape[1] else dout @ W.T * 2), x.T @ dout, dout.sum(axis=0)", 1.56),
    ("linear_backward", "db ignores dout (ones)", "def linear_backward(dout, x, W):\n"
     "    return dout @ W.T, x.T @ dout, np.full(W.shape[1], float(len(dout)))", 1.33),   # dx, dW right
    ("backward3", "dp not divided by N", _B3.format(**{**_OK, "scale": ""}), 1.0),   # N = 1 cannot tell
    ("backward3", "no ReLU masks", _B3.format(**{**_OK, "mask2": "dx2", "mask1": "dx1"}), 1.0),   # dW3, db3 still right
    ("backward3", "layer 2's mask used again in layer 1", _B3.format(**{**_OK, "mask1": 'dx1 * (c["a2"] > 0)'}), 0.67),   # crashes where the widths differ
    ("backward3", "written inline, with the bias gradients as batch means", "def backward3(X, y, W1, b1, W2, b2, W3, b3):\n"
     "    _, c = forward3(X, y, W1, b1, W2, b2, W3, b3)\n    dp = c['probs'].copy()\n    dp[np.arange(len(y)), y] -= 1\n"
     "    dp /= len(y)\n    da2 = (dp @ W3.T) * (c['a2'] > 0)\n    da1 = (da2 @ W2.T) * (c['a1'] > 0)\n"
     "    return X.T @ da1, da1.mean(0), c['x1'].T @ da2, da2.mean(0), c['x2'].T @ dp, dp.mean(0)", 2.0),   # the 3 weights right; N = 1 all
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
    ("train_mnist", "steps uphill", _TRAIN.format(init=_HE, step=_STEP.replace("p - lr", "p + lr"), extra=""), 0.0),
    ("train_mnist", "all weights start at zero", _TRAIN.format(init="np.zeros((fan_in, fan_out))", step=_STEP, extra=""), 0.0),
    ("train_mnist", "one batch per epoch", _TRAIN.format(init=_HE, step=_STEP, extra="            break"), 0.0),
    ("train_mnist", "gradients summed over all steps and never reset", _TRAIN.format(
        init=_HE, extra="", step="            total = grads if start == 0 and _ == 0 else [t + g for t, g in zip(total, grads)]\n"
                                 "            params = [p - lr * t for p, t in zip(params, total)]"), 0.0),
    ("train_mnist", "the biases overwritten instead of updated", _TRAIN.format(
        init=_HE, extra="", step="            params = [p - lr * g if p.ndim == 2 else -lr * g for p, g in zip(params, grads)]"), 1.0),   # still learns MNIST
    ("train_mnist", "trains on the notebook's X_train instead of its arguments",
     "images, labels, _, _ = nnkit.load_mnist(flatten=True)\n"      # the notebook's own X_train (its mnist_data cell)
     "X_train, y_train = images[:10000] / 255, labels[:10000]\n\n\n"
     + _TRAIN.format(init=_HE, step=_STEP, extra="").replace("backward3(X[idx], y[idx]", "backward3(X_train[idx], y_train[idx]"), 0.0),
    ("linear_backward", "db summed with keepdims=True: shape (1, M)", "def linear_backward(dout, x, W):\n"
     "    return dout @ W.T, x.T @ dout, dout.sum(axis=0, keepdims=True)", 1.33),   # dx and dW right
    ("backward3", "layer 3's input taken as a2 (before the ReLU)", _B3.format(**_OK).replace('linear_backward(dp, c["x2"], W3)', 'linear_backward(dp, c["a2"], W3)'), 2.5),
    ("backward3", "the output error as lesson 4's ideal - p (the sign flipped)", _B3.format(**_OK).replace(
        '    dp[np.arange(len(y)), y] -= 1.0', '    dp[np.arange(len(y)), y] -= 1.0\n    dp = -dp'), 0.0),
    ("numerical_grads", "nudges float32 copies", _NUM.replace("np.array(p, dtype=float)", "np.array(p, dtype=np.float32)").format(
        body="            Q[k].flat[i] = old + h\n            up = forward3(X, y, *Q)[0]\n            Q[k].flat[i] = old - h\n"
             "            down = forward3(X, y, *Q)[0]\n            Q[k].flat[i] = old\n            g.flat[i] = (up - down) / (2 * h)"), 0.0),
    ("dead_unit_prediction", "predicts only the weights into the unit", "def dead_unit_prediction():\n    return 1", 0.0),
    ("dead_unit_prediction", "predicts nothing is zero", "def dead_unit_prediction():\n    return 3", 0.0),
    ("dead_unit_prediction", "predicts every gradient is zero", "def dead_unit_prediction():\n    return 4", 0.0),
    ("scale_backward", "dx forgets gamma", "def scale_backward(dout, x, gamma):\n"
     "    return dout.copy(), (dout * x).sum(axis=0), dout.sum(axis=0)", 1.33),
    ("scale_backward", "dgamma without x (it is dbeta)", "def scale_backward(dout, x, gamma):\n"
     "    return dout * gamma, dout.sum(axis=0), dout.sum(axis=0)", 1.33),
    ("scale_backward", "dgamma and dbeta as means over the batch", "def scale_backward(dout, x, gamma):\n"
     "    return dout * gamma, (dout * x).mean(axis=0), dout.mean(axis=0)", 1.11),   # right for N = 1
    ("scale_backward", "the layer taken as x @ gamma: dgamma summed over the features too", "def scale_backward(dout, x, gamma):\n"
     "    return dout * gamma, np.full_like(gamma, (dout * x).sum()), dout.sum(axis=0)", 1.56),   # D = 1 cannot tell
]

# Right answers written differently from the reference: graded whole, each keeps full marks.
RIGHT = [
    ("linear_backward", "a list, with einsum", "def linear_backward(dout, x, W):\n"
     "    return [np.einsum('nm,dm->nd', dout, W), np.einsum('nd,nm->dm', x, dout), np.einsum('nm->m', dout)]"),
    ("backward3", "written inline without linear_backward, masks from the outputs", "def backward3(X, y, W1, b1, W2, b2, W3, b3):\n"
     "    _, c = forward3(X, y, W1, b1, W2, b2, W3, b3)\n    dp = c['probs'] - np.eye(W3.shape[1])[y]\n    dp = dp / len(y)\n"
     "    da2 = (dp @ W3.T) * (c['x2'] > 0)\n    da1 = (da2 @ W2.T) * (c['x1'] > 0)\n"
     "    return X.T @ da1, da1.sum(0), c['x1'].T @ da2, da2.sum(0), c['x2'].T @ dp, dp.sum(0)"),
    ("train_mnist", "in float32, the last partial batch included", _TRAIN.format(init=_HE + ".astype(np.float32)", extra="",
        step="            params = [(p - lr * np.asarray(g, dtype=np.float32)).astype(np.float32) for p, g in zip(params, grads)]")
     .replace("order = rng.permutation(len(X))", "order = rng.permutation(len(X))\n        X = np.asarray(X, dtype=np.float32)")),
]
