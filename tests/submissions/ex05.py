"""Wrong answers to exercise 05 (ReLU and non-linearity), with the score each deserves."""
_TRAIN = """def train_moons(X, y, hidden, steps, lr, seed):
    rng = np.random.default_rng(seed)
    W1, b1 = rng.normal(0, 1 / np.sqrt(2), (2, hidden)), np.zeros(hidden)
    W2, b2 = rng.normal(0, 1 / np.sqrt(hidden), (hidden, 2)), np.zeros(2)
    for _ in range({steps}):
        a = X @ W1 + b1
        h = np.tanh(a)
        _, dS = softmax_ce_grad(h @ W2 + b2, y)
        dW2, db2, dh = h.T @ dS, dS.sum(axis=0), dS @ W2.T
        da = {da}
        dW1, db1 = X.T @ da, da.sum(axis=0)
{update}
    return W1, b1, W2, b2"""
_OK = "        W1, b1, W2, b2 = W1 - lr * dW1, b1 - lr * db1, W2 - lr * dW2, b2 - lr * db2"

WRONG = [
    ("collapse", "the bias b1 + b2 (b1 not sent through W2)", "def collapse(W1, b1, W2, b2):\n"
     "    return W1 @ W2, (b1 + b2 if len(b1) == len(b2) else b2)", 0.0),
    ("collapse", "forgets b2", "def collapse(W1, b1, W2, b2):\n    return W1 @ W2, b1 @ W2", 0.0),
    ("collapse", "forgets b1", "def collapse(W1, b1, W2, b2):\n    return W1 @ W2, b2.copy()", 0.0),
    ("collapse", "W in the slides' (M, D) orientation", "def collapse(W1, b1, W2, b2):\n"
     "    return W2.T @ W1.T, b1 @ W2 + b2", 0.67),   # right when D = H = M = 1
    ("sigmoid_backward", "takes out for the input a (sigmoid of a sigmoid)", "def sigmoid_backward(dout, out):\n"
     "    s = 1 / (1 + np.exp(-out))\n    return dout * s * (1 - s)", 0.0),
    ("sigmoid_backward", "ignores dout", "def sigmoid_backward(dout, out):\n    return out * (1 - out)", 0.0),
    ("sigmoid_backward", "sign: out (1 + out)", "def sigmoid_backward(dout, out):\n    return dout * out * (1 + out)", 0.0),
    ("tanh_backward", "takes out for the input a", "def tanh_backward(dout, out):\n    return dout * (1 - np.tanh(out) ** 2)", 0.0),
    ("tanh_backward", "ignores dout", "def tanh_backward(dout, out):\n    return 1 - out ** 2", 0.0),
    ("tanh_backward", "(1 - out)^2 instead of 1 - out^2", "def tanh_backward(dout, out):\n    return dout * (1 - out) ** 2", 0.0),
    ("relu_backward", "ignores dout (mask only)", "def relu_backward(dout, a):\n    return (a > 0).astype(float)", 0.0),
    ("relu_backward", "a >= 0 (gradient at the kink)", "def relu_backward(dout, a):\n    return dout * (a >= 0)", 0.67),   # only the kink differs
    ("relu_backward", "ReLU of dout instead of the mask of a", "def relu_backward(dout, a):\n    return np.maximum(dout, 0)", 0.0),
    ("relu_backward", "zeroes dout in place", "def relu_backward(dout, a):\n    dout[a <= 0] = 0\n    return dout", 0.0),
    ("train_moons", "steps uphill", _TRAIN.format(steps="steps", da="tanh_backward(dh, h)",
                                                  update="        W1, b1, W2, b2 = W1 + lr * dW1, b1 + lr * db1, W2 + lr * dW2, b2 + lr * db2"), 0.0),
    ("train_moons", "only one step", _TRAIN.format(steps="1", da="tanh_backward(dh, h)", update=_OK), 0.0),
    ("train_moons", "the hidden layer never learns (W1, b1 frozen)", _TRAIN.format(
        steps="steps", da="tanh_backward(dh, h)", update="        W2, b2 = W2 - lr * dW2, b2 - lr * db2"), 0.0),
    ("train_moons", "tanh_backward given the pre-activation a instead of h", _TRAIN.format(
        steps="steps", da="tanh_backward(dh, a)", update=_OK), 0.0),
]
