"""Hidden tests of exercises/05_relu_nonlinearity.ipynb: other shapes (1-D to 3-D), a dout that is never all
ones, exact zeros at ReLU's kink, softplus far out where exp overflows, both parts of collapse graded on their
own (``parts``), and the trainer graded on what it does: its four arrays after a few steps on two small data
sets against the reference, with tanh and with ReLU (``uses`` gives it reference backward rules, so a mistake
in Tasks 3 and 4 costs only those), and its accuracy on fresh moons points drawn with seeds that stay here,
trained and tested on moons turned by an angle that stays here too (a trainer that trains on the notebook's own
moons instead of its arguments fails).
The backward rules are checked numerically here before they are used as expected values."""
import numpy as np

import nnkit
from coursetools.grading import N_, Task, Case

rng = np.random.default_rng(505)
_SECRET = (5051, 5052)                 # seeds of the evaluation moons
_TURN = np.deg2rad(117.0)              # the moons of the accuracy cases are turned by this angle about (0.5, 0.25)
_R = np.array([[np.cos(_TURN), np.sin(_TURN)], [-np.sin(_TURN), np.cos(_TURN)]])


def _moons(n, seed):
    X, y = nnkit.moons(n=n, noise=0.2, seed=seed)
    return (X - [0.5, 0.25]) @ _R + [0.5, 0.25], y


# Reference functions. Their source is sent into the sandbox for the task that calls them (``uses``).
def tanh_backward(dout, out):
    return dout * (1.0 - out ** 2)


def relu_backward(dout, a):
    return dout * (a > 0)


def _softmax_grad(scores, y):
    Z = scores - scores.max(axis=1, keepdims=True)
    P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    P[np.arange(len(y)), y] -= 1
    return P / len(y)


def _train(X, y, hidden, steps, lr, seed, activation):
    r = np.random.default_rng(seed)
    W1, b1 = r.normal(0, 1 / np.sqrt(2), (2, hidden)), np.zeros(hidden)
    W2, b2 = r.normal(0, 1 / np.sqrt(hidden), (hidden, 2)), np.zeros(2)
    for _ in range(steps):
        a = X @ W1 + b1
        h = np.tanh(a) if activation == "tanh" else np.maximum(a, 0)
        dS = _softmax_grad(h @ W2 + b2, y)
        dh = dS @ W2.T
        da = tanh_backward(dh, h) if activation == "tanh" else relu_backward(dh, a)
        W1, b1, W2, b2 = W1 - lr * X.T @ da, b1 - lr * da.sum(0), W2 - lr * h.T @ dS, b2 - lr * dS.sum(0)
    return W1, b1, W2, b2


def _predict(W1, b1, W2, b2, P, activation):
    a = P @ W1 + b1
    return np.argmax((np.tanh(a) if activation == "tanh" else np.maximum(a, 0)) @ W2 + b2, axis=1)


def _num(f, x, h=1e-6):
    """Central differences of f at x (nnkit's numerical_gradient on a float64 copy of x)."""
    return nnkit.numerical_gradient(f, np.array(x, dtype=np.float64), h)


_co, _si, _ta, _re, _sp = [], [], [], [], []
for D, H, M in [(1, 1, 1), (4, 5, 3), (3, 3, 3)]:
    W1, b1, W2, b2 = rng.normal(size=(D, H)), rng.normal(size=H), rng.normal(size=(H, M)), rng.normal(size=M)
    _co.append(Case((W1, b1, W2, b2), (W1 @ W2, b1 @ W2 + b2), N_("W1 of shape {W1}, b1 {b1}, W2 {W2}, b2 {b2}", W1=(D, H), b1=(H,), W2=(H, M), b2=(M,))))
for shape in [(6,), (2, 3), (2, 2, 3)]:
    a, dout = rng.normal(size=shape) * 3, rng.normal(size=shape) * 2 + 0.5
    s, t = 1 / (1 + np.exp(-a)), np.tanh(a)
    gs = _num(lambda v: np.sum(dout / (1 + np.exp(-v))), a)
    gt = _num(lambda v: np.sum(dout * np.tanh(v)), a)
    gp = _num(lambda v: np.sum(dout * np.log1p(np.exp(v))), a)
    assert np.allclose(gs, dout * s * (1 - s), atol=1e-7) and np.allclose(gt, dout * (1 - t ** 2), atol=1e-7)
    assert np.allclose(gp, dout * s, atol=1e-7)
    _si.append(Case((dout, s), dout * s * (1 - s), N_("dout and out of shape {shape}", shape=shape), atol=1e-7))
    _ta.append(Case((dout, t), dout * (1 - t ** 2), N_("dout and out of shape {shape}", shape=shape), atol=1e-7))
    _sp.append(Case((dout, a), dout * s, N_("dout and a of shape {shape}", shape=shape), atol=1e-7))
_far = np.array([[-800.0, -40.0, 0.0], [35.0, 750.0, -1e-3]])
_sp.append(Case((np.full((2, 3), 1.5), _far), 1.5 / (1 + np.exp(-np.clip(_far, -700, 700))),
                N_("dout and a of shape {shape}, a from -800 to 750", shape=(2, 3)), atol=1e-9))
for a, zeros in [(rng.normal(size=(7,)), False), (np.array([[0.0, -0.0, 1e-3], [-1e-3, 0.0, 2.0]]), True),
                 (rng.normal(size=(2, 3, 4)), False)]:
    dout = rng.normal(size=a.shape) * 2 + 0.5
    desc = (N_("dout and a of shape {shape} with exact zeros (the kink)", shape=a.shape) if zeros else
            N_("dout and a of shape {shape}", shape=a.shape))
    _re.append(Case((dout, a), dout * (a > 0), desc))


def _accuracy_check(Xe, ye, activation, needed):
    def check(got):
        acc = float(np.mean(_predict(*got, Xe, activation) == ye))
        inverted = N_(" (almost every answer is the other class: is a label or the sign of a step inverted?)")
        return None if acc >= needed else N_("accuracy on new points {acc:.1%}, at least {needed:.0%} expected{hint}",
                                             acc=acc, needed=needed, hint=inverted if acc < 0.15 else "")
    return check


_tr = []
for act, hidden, steps, lr, seed in [("tanh", 4, 3, 0.5, 7), ("relu", 5, 4, 0.8, 8)]:
    X, y = rng.normal(size=(25, 2)), rng.integers(0, 2, 25)
    _tr.append(Case((X, y, hidden, steps, lr, seed, act), _train(X, y, hidden, steps, lr, seed, act),
                    N_("25 random points, hidden={hidden}, steps={steps}, lr={lr}, seed={seed}, activation={act!r}; the "
                       "four arrays compared with the reference's", hidden=hidden, steps=steps, lr=lr, seed=seed,
                       act=act), rtol=1e-4, atol=1e-6))
for (act, hidden, steps, lr, seed), secret in zip([("tanh", 3, 1500, 0.5, 3), ("relu", 8, 1000, 0.5, 4)], _SECRET):
    X, y = _moons(200, seed)
    Xe, ye = _moons(400, secret)
    ref = _train(X, y, hidden, steps, lr, seed, act)
    assert np.mean(_predict(*ref, Xe, act) == ye) >= 0.93
    _tr.append(Case((X, y, hidden, steps, lr, seed, act), tuple(np.zeros_like(p) for p in ref),
                    N_("200 moons points (turned), hidden={hidden}, steps={steps}, lr={lr}, seed={seed}, "
                       "activation={act!r}; accuracy on 400 new points", hidden=hidden, steps=steps, lr=lr, seed=seed,
                       act=act), check=_accuracy_check(Xe, ye, act, 0.88)))

TASKS = [Task("1. collapse", "collapse", 2, _co, parts=("W", "b")),
         Task("2. sigmoid_backward", "sigmoid_backward", 1, _si),
         Task("3. tanh_backward", "tanh_backward", 1, _ta),
         Task("4. relu_backward", "relu_backward", 1, _re),
         Task("5. softplus_backward", "softplus_backward", 1, _sp),
         Task("6. train_moons", "train_moons", 3, _tr, parts=("W1", "b1", "W2", "b2"),
              uses={"tanh_backward": tanh_backward, "relu_backward": relu_backward}),
         Task("7. one_unit_prediction", "one_unit_prediction", 1,
              [Case((), np.array(1.0), N_("your prediction (1, 2, 3 or 4)"))], scalar=True)]
