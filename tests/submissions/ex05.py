"""Wrong answers to exercise 05 (ReLU and non-linearity), with the score each deserves."""
_TRAIN = """def train_moons(X, y, hidden, steps, lr, seed, activation="tanh"):
    rng = np.random.default_rng(seed)
    W1, b1 = rng.normal(0, 1 / np.sqrt(2), (2, hidden)), np.zeros(hidden)
    W2, b2 = rng.normal(0, 1 / np.sqrt(hidden), (hidden, 2)), np.zeros(2)
{before}    for _ in range({steps}):
        a = X @ W1 + b1
        h = np.tanh(a) if activation == "tanh" else np.maximum(a, 0)
        _, dS = softmax_ce_grad(h @ W2 + b2, y)
        dW2, db2, dh = h.T @ dS, dS.sum(axis=0), dS @ W2.T
        da = {da}
        dW1, db1 = X.T @ da, da.sum(axis=0)
{update}
    return W1, b1, W2, b2"""
_DA = 'tanh_backward(dh, h) if activation == "tanh" else relu_backward(dh, a)'
_OK = "        W1, b1, W2, b2 = W1 - lr * dW1, b1 - lr * db1, W2 - lr * dW2, b2 - lr * db2"
_T = dict(before="", steps="steps", da=_DA, update=_OK)

WRONG = [
    ("collapse", "the bias b1 + b2 (b1 not sent through W2)", "def collapse(W1, b1, W2, b2):\n"
     "    return W1 @ W2, (b1 + b2 if len(b1) == len(b2) else b2)", 1.0),   # W right: half of every case
    ("collapse", "forgets b2", "def collapse(W1, b1, W2, b2):\n    return W1 @ W2, b1 @ W2", 1.0),
    ("collapse", "forgets b1", "def collapse(W1, b1, W2, b2):\n    return W1 @ W2, b2.copy()", 1.0),
    ("collapse", "W in the slides' (M, D) orientation", "def collapse(W1, b1, W2, b2):\n"
     "    return W2.T @ W1.T, b1 @ W2 + b2", 1.33),   # b right everywhere, W right when D = H = M = 1
    ("sigmoid_backward", "takes out for the input a (sigmoid of a sigmoid)", "def sigmoid_backward(dout, out):\n"
     "    s = 1 / (1 + np.exp(-out))\n    return dout * s * (1 - s)", 0.0),
    ("sigmoid_backward", "ignores dout", "def sigmoid_backward(dout, out):\n    return out * (1 - out)", 0.0),
    ("sigmoid_backward", "sign: out (1 + out)", "def sigmoid_backward(dout, out):\n    return dout * out * (1 + out)", 0.0),
    ("tanh_backward", "takes out for the input a", "def tanh_backward(dout, out):\n    return dout * (1 - np.tanh(out) ** 2)", 0.0),
    ("tanh_backward", "ignores dout", "def tanh_backward(dout, out):\n    return 1 - out ** 2", 0.0),
    ("tanh_backward", "(1 - out)^2 instead of 1 - out^2", "def tanh_backward(dout, out):\n    return dout * (1 - out) ** 2", 0.0),
    ("tanh_backward", "1 - out instead of 1 - out^2", "def tanh_backward(dout, out):\n    return dout * (1 - out)", 0.0),
    ("relu_backward", "ignores dout (mask only)", "def relu_backward(dout, a):\n    return (a > 0).astype(float)", 0.0),
    ("relu_backward", "a >= 0 (gradient at the kink)", "def relu_backward(dout, a):\n    return dout * (a >= 0)", 0.67),   # only the kink differs
    ("relu_backward", "ReLU of dout instead of the mask of a", "def relu_backward(dout, a):\n    return np.maximum(dout, 0)", 0.0),
    ("relu_backward", "zeroes dout in place", "def relu_backward(dout, a):\n    dout[a <= 0] = 0\n    return dout", 0.0),
    ("softplus_backward", "the derivative as e^a / (1 + e^a): inf / inf far out", "def softplus_backward(dout, a):\n"
     "    return dout * np.exp(a) / (1 + np.exp(a))", 0.75),   # right except where e^a overflows
    ("softplus_backward", "the softplus itself instead of its derivative", "def softplus_backward(dout, a):\n"
     "    return dout * np.log1p(np.exp(a))", 0.0),
    ("softplus_backward", "the ReLU mask (the kink is gone, the derivative is not a step)", "def softplus_backward(dout, a):\n"
     "    return dout * (a > 0)", 0.0),
    ("softplus_backward", "sigmoid's derivative s(1 - s) instead of s", "def softplus_backward(dout, a):\n"
     "    s = 1 / (1 + np.exp(-a))\n    return dout * s * (1 - s)", 0.0),
    ("train_moons", "steps uphill", _TRAIN.format(**{**_T, "update": _OK.replace(" - lr", " + lr")}), 0.0),
    ("train_moons", "only one step", _TRAIN.format(**{**_T, "steps": "1"}), 0.0),
    ("train_moons", "the hidden layer never learns (W1, b1 frozen)", _TRAIN.format(
        **{**_T, "update": "        W2, b2 = W2 - lr * dW2, b2 - lr * db2"}), 0.75),   # 8 random ReLU features still pass the bar
    ("train_moons", "tanh_backward given the pre-activation a instead of h", _TRAIN.format(
        **{**_T, "da": 'tanh_backward(dh, a) if activation == "tanh" else relu_backward(dh, a)'}), 1.5),   # ReLU right
    ("train_moons", "relu_backward given the output h instead of a", _TRAIN.format(
        **{**_T, "da": 'tanh_backward(dh, h) if activation == "tanh" else relu_backward(dh, h)'}), 3.0),   # the same mask
    ("train_moons", "ReLU's gradient taken through tanh_backward", _TRAIN.format(**{**_T, "da": "tanh_backward(dh, h)"}), 1.5),
    ("train_moons", "gradients summed over all steps and never reset", _TRAIN.format(
        **{**_T, "before": "    G = [np.zeros_like(W1), np.zeros_like(b1), np.zeros_like(W2), np.zeros_like(b2)]\n",
           "update": "        for k, g in enumerate((dW1, db1, dW2, db2)):\n            G[k] = G[k] + g\n"
                     "        W1, b1, W2, b2 = W1 - lr * G[0], b1 - lr * G[1], W2 - lr * G[2], b2 - lr * G[3]"}), 0.0),
    ("train_moons", "the output bias overwritten instead of updated", _TRAIN.format(
        **{**_T, "update": "        W1, b1, W2, b2 = W1 - lr * dW1, b1 - lr * db1, W2 - lr * dW2, -lr * db2"}), 1.5),
    ("train_moons", "trains on the notebook's moons instead of its arguments",
     "X_mine, y_mine = nnkit.moons(n=200, noise=0.2, seed=0)\n\n\n"
     + _TRAIN.replace("X @ W1", "X_mine @ W1").replace("X.T @ da", "X_mine.T @ da")
     .replace("(h @ W2 + b2, y)", "(h @ W2 + b2, y_mine)").format(**_T), 0.0),
    ("one_unit_prediction", "predicts a V", "def one_unit_prediction():\n    return 2", 0.0),
    ("one_unit_prediction", "predicts any curve", "def one_unit_prediction():\n    return 3", 0.0),
    ("one_unit_prediction", "predicts a closed curve", "def one_unit_prediction():\n    return 4", 0.0),
]

# Right answers written differently from the reference: graded whole, each keeps full marks.
RIGHT = [
    ("relu_backward", "the mask taken from the output max(a, 0) > 0", "def relu_backward(dout, a):\n"
     "    return dout * (np.maximum(a, 0) > 0)"),
    ("softplus_backward", "np.where for both signs", "def softplus_backward(dout, a):\n    e = np.exp(-np.abs(a))\n"
     "    return dout * np.where(a >= 0, 1 / (1 + e), e / (1 + e))"),
    ("train_moons", "the two activations in two loops, tanh_backward written inline", """def train_moons(X, y, hidden, steps, lr, seed, activation="tanh"):
    rng = np.random.default_rng(seed)
    W1 = rng.normal(0, 1 / np.sqrt(2), (2, hidden))
    W2 = rng.normal(0, 1 / np.sqrt(hidden), (hidden, 2))
    b1, b2 = np.zeros(hidden), np.zeros(2)
    for _ in range(steps):
        a = X @ W1 + b1
        if activation == "relu":
            h = np.maximum(a, 0)
            dS = softmax_ce_grad(h @ W2 + b2, y)[1]
            da = relu_backward(dS @ W2.T, a)
        else:
            h = np.tanh(a)
            dS = softmax_ce_grad(h @ W2 + b2, y)[1]
            da = (dS @ W2.T) * (1 - h * h)
        W2, b2 = W2 - lr * (h.T @ dS), b2 - lr * dS.sum(0)
        W1, b1 = W1 - lr * (X.T @ da), b1 - lr * da.sum(0)
    return [W1, b1, W2, b2]"""),
]
