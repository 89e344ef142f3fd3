"""Hidden tests of exercises/06_backprop_mnist.ipynb: other shapes (including two hidden layers of different
widths), every part of a multi-part result graded on its own (``parts``: a wrong bias costs the bias, not
everything), the numerical referee with a larger h (so one-sided differences show), and the trainer graded on
what it does: its six arrays after a few epochs on two small data sets against the reference, and its accuracy
on MNIST test digits noised with a seed that stays here, after training on MNIST training digits, both with
their pixels shuffled by a permutation that stays here (a fully connected network learns those as well as plain
ones; a trainer that uses the notebook's own digits fails). Tasks that call the learner's earlier functions get
the references below (``uses``). Reference gradients are checked against numerical ones here first."""
import numpy as np

import nnkit
from coursetools.grading import N_, Task, Case

rng = np.random.default_rng(606)
NAMES = ["W1", "b1", "W2", "b2", "W3", "b3"]
_SECRET = 60617                     # the seed of the noised evaluation digits
_PERM = np.random.default_rng(60618).permutation(784)     # the pixel shuffle of the accuracy case


def _forward(X, y, W1, b1, W2, b2, W3, b3):
    a1 = X @ W1 + b1; x1 = np.maximum(a1, 0)
    a2 = x1 @ W2 + b2; x2 = np.maximum(a2, 0)
    p = x2 @ W3 + b3
    e = np.exp(p - p.max(axis=1, keepdims=True))
    probs = e / e.sum(axis=1, keepdims=True)
    return -np.mean(np.log(probs[np.arange(len(y)), y])), (a1, x1, a2, x2, probs)


# Reference functions. Their source is sent into the sandbox for the tasks that call them (``uses``), so each
# needs only NumPy and the other references.
def linear_backward(dout, x, W):
    return dout @ W.T, x.T @ dout, dout.sum(axis=0)


def backward3(X, y, W1, b1, W2, b2, W3, b3):
    a1 = X @ W1 + b1
    x1 = np.maximum(a1, 0)
    a2 = x1 @ W2 + b2
    x2 = np.maximum(a2, 0)
    p = x2 @ W3 + b3
    e = np.exp(p - p.max(axis=1, keepdims=True))
    dp = e / e.sum(axis=1, keepdims=True)
    dp[np.arange(len(y)), y] -= 1.0
    dp = dp / len(y)
    dx2, dW3, db3 = linear_backward(dp, x2, W3)
    dx1, dW2, db2 = linear_backward(dx2 * (a2 > 0), x1, W2)
    _, dW1, db1 = linear_backward(dx1 * (a1 > 0), X, W1)
    return dW1, db1, dW2, db2, dW3, db3


def _train(X, y, hidden, epochs, lr, seed):
    r = np.random.default_rng(seed)
    sizes = [X.shape[1], hidden, hidden, 10]
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        params += [r.normal(0, np.sqrt(2 / fan_in), (fan_in, fan_out)), np.zeros(fan_out)]
    for _ in range(epochs):
        order = r.permutation(len(X))
        for start in range(0, len(X), 100):
            idx = order[start:start + 100]
            params = [p - lr * g for p, g in zip(params, backward3(X[idx], y[idx], *params))]
    return params


def _predict(params, X):
    W1, b1, W2, b2, W3, b3 = params
    return np.argmax(np.maximum(np.maximum(X @ W1 + b1, 0) @ W2 + b2, 0) @ W3 + b3, axis=1)


def _numerical(X, y, params, h):
    Q = [p.copy() for p in params]
    out = []
    for k in range(6):
        g = np.zeros_like(Q[k])
        for i in range(Q[k].size):
            old = Q[k].flat[i]
            Q[k].flat[i] = old + h; up = _forward(X, y, *Q)[0]
            Q[k].flat[i] = old - h; down = _forward(X, y, *Q)[0]
            Q[k].flat[i] = old
            g.flat[i] = (up - down) / (2 * h)
        out.append(g)
    return out


def _net(N, D, H1, H2, C):
    """A random network in which every hidden unit is on for some example and off for another (for N = 1: each
    layer has units on and units off): no gradient is zero by accident, and every ReLU mask matters."""
    for _ in range(1000):
        X, y = rng.normal(size=(N, D)), rng.integers(0, C, N)
        params = [rng.normal(0, 0.8, (D, H1)), rng.normal(0, 0.2, H1), rng.normal(0, 0.8, (H1, H2)),
                  rng.normal(0, 0.2, H2), rng.normal(0, 0.8, (H2, C)), rng.normal(0, 0.2, C)]
        _, (a1, _, a2, _, _) = _forward(X, y, *params)
        on = [np.mean(a > 0, axis=0) for a in (a1, a2)]
        if N == 1 and all(0 < o.mean() < 1 for o in on) or all(0 < o.min() and o.max() < 1 for o in on):
            return X, y, params
    raise RuntimeError("no network with live and dead units found")


def disguised(images, seed, noise=0.2):
    """28 x 28 digits with Gaussian noise (clipped to [0, 1]) from a seed that stays in this file: digits no
    notebook holds. images (N, 28, 28) in [0, 1] -> (N, 784) float32."""
    r = np.random.default_rng(seed)
    out = np.clip(images + r.normal(0, noise, images.shape), 0, 1)
    return out.reshape(len(out), -1).astype(np.float32)


_lb, _b3, _ng, _sb = [], [], [], []
for N, D, M in [(1, 1, 1), (5, 4, 3), (3, 7, 2)]:
    dout, x, W = rng.normal(size=(N, M)), rng.normal(size=(N, D)), rng.normal(size=(D, M))
    _lb.append(Case((dout, x, W), linear_backward(dout, x, W),
                    N_("dout of shape {dout}, x of shape {x}, W of shape {W}", dout=(N, M), x=(N, D), W=(D, M))))
for N, D, H1, H2, C in [(4, 5, 4, 4, 3), (7, 6, 5, 3, 4), (1, 3, 3, 4, 2)]:
    X, y, params = _net(N, D, H1, H2, C)
    grads = backward3(X, y, *params)
    for g, n in zip(grads, _numerical(X, y, params, 1e-6)):
        assert np.allclose(g, n, atol=1e-7)
    _b3.append(Case((X, y, *params), grads, N_("X of shape {X}, hidden layers {H1} and {H2}, C={C}", X=(N, D), H1=H1,
                                               H2=H2, C=C)))
for N, D, H1, H2, C in [(3, 4, 3, 2, 3), (2, 2, 3, 3, 2)]:
    X, y, params = _net(N, D, H1, H2, C)
    _ng.append(Case((X, y, *params, 1e-3), tuple(_numerical(X, y, params, 1e-3)),
                    N_("X of shape {X}, hidden layers {H1} and {H2}, h={h}", X=(N, D), H1=H1, H2=H2, h=0.001),
                    rtol=1e-6, atol=1e-9))
for N, D in [(1, 1), (6, 3), (4, 5)]:
    dout, x, gamma, beta = rng.normal(size=(N, D)), rng.normal(size=(N, D)), rng.normal(size=D), rng.normal(size=D)
    L = lambda x_, g_, b_: np.sum(dout * (x_ * g_ + b_))
    want = (dout * gamma, (dout * x).sum(0), dout.sum(0))
    for got, arg, k in [(want[0], x, 0), (want[1], gamma, 1), (want[2], beta, 2)]:
        num = nnkit.numerical_gradient(lambda v: L(*[v if j == k else a for j, a in enumerate((x, gamma, beta))]), arg.copy())
        assert np.allclose(got, num, atol=1e-7)
    _sb.append(Case((dout, x, gamma), want, N_("dout and x of shape {x}, gamma of shape {gamma}", x=(N, D), gamma=(D,))))


def _accuracy_check(X_eval, labels, needed):
    def check(got):
        acc = float(np.mean(_predict(got, X_eval) == labels))
        return None if acc >= needed else N_("accuracy of the trained network on new digits {acc:.1%}, at least "
                                             "{needed:.0%} expected", acc=acc, needed=needed)
    return check


_tr = []
for N, D, hidden, epochs, lr, seed in [(230, 8, 6, 2, 0.1, 4), (150, 5, 4, 3, 0.3, 9)]:
    X, y = rng.normal(size=(N, D)), rng.integers(0, 10, N)
    _tr.append(Case((X, y, hidden, epochs, lr, seed), tuple(_train(X, y, hidden, epochs, lr, seed)),
                    N_("X of shape {X} (random numbers), hidden={hidden}, epochs={epochs}, lr={lr}, seed={seed}; the six "
                       "arrays compared with the reference's", X=(N, D), hidden=hidden, epochs=epochs, lr=lr, seed=seed),
                    rtol=1e-4, atol=1e-6))
X_tr, y_tr, X_te, y_te = nnkit.load_mnist()    # pixels 0..255: only the 3,000 images used are scaled to [0, 1]
_Xe, _ye = disguised(X_te[:1000] / np.float32(255), _SECRET)[:, _PERM], y_te[:1000]
_X, _y = (X_tr[5000:7000] / np.float32(255)).reshape(2000, -1)[:, _PERM], y_tr[5000:7000]
_tr.append(Case((_X, _y, 32, 5, 0.2, 1), tuple(np.zeros(s) for s in [(784, 32), 32, (32, 32), 32, (32, 10), 10]),
                N_("2,000 MNIST training images with shuffled pixels, hidden=32, epochs=5, lr=0.2, seed=1; accuracy on "
                   "1,000 new digits with the same shuffle"), check=_accuracy_check(_Xe, _ye, 0.75)))

TASKS = [Task("1. linear_backward", "linear_backward", 2, _lb, parts=("dx", "dW", "db")),
         Task("2. backward3", "backward3", 3, _b3, parts=tuple(f"d{n}" for n in NAMES),
              uses={"linear_backward": linear_backward}),
         Task("3. numerical_grads", "numerical_grads", 2, _ng, parts=tuple(f"d{n}" for n in NAMES)),
         Task("4. dead_unit_prediction", "dead_unit_prediction", 1,
              [Case((), np.array(2.0), N_("your prediction (1, 2, 3 or 4)"))], scalar=True),
         Task("5. scale_backward", "scale_backward", 2, _sb, parts=("dx", "dgamma", "dbeta")),
         Task("6. train_mnist", "train_mnist", 3, _tr, parts=tuple(NAMES),
              uses={"linear_backward": linear_backward, "backward3": backward3})]
