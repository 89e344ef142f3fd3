"""Hidden tests of exercises/04_linear_classifier.ipynb: other shapes and numbers; huge scores for the
overflow-safe loss; each part of a multi-part result graded on its own (``parts``); the trainer graded on what
it does: W and b after a few epochs on two small data sets against the reference (so it must use its
arguments, and summed or overwritten updates show), and the accuracy of what it returns on MNIST test digits
noised with a seed that stays here (the notebook can neither load nor rebuild them; the labels stay here),
after training on MNIST training digits; in both, the pixels are shuffled by one permutation that stays here
(a linear model learns such digits as well as plain ones, but a trainer that uses the notebook's own digits
instead of its arguments fails). Tasks that call ``ce_gradient`` get the reference below (``uses``). Gradients are checked numerically
here before they are used as expected values."""
import numpy as np

import nnkit
from coursetools.grading import N_, Task, Case

rng = np.random.default_rng(404)
_SECRET = 40417                     # the seed of the noised evaluation digits
_PERM = np.random.default_rng(40418).permutation(784)     # the pixel shuffle of the accuracy case


# Reference functions. Their source is sent into the sandbox for the tasks that call them (``uses``).
def ce_gradient(S, y):
    Z = np.exp(S - S.max(axis=1, keepdims=True))
    G = Z / Z.sum(axis=1, keepdims=True)
    G[np.arange(len(y)), y] -= 1.0
    return G / len(y)


def _train(X, y, epochs, lr, seed):
    r = np.random.default_rng(seed)
    W, b = np.zeros((X.shape[1], 10)), np.zeros(10)
    for _ in range(epochs):
        order = r.permutation(len(X))
        for start in range(0, len(X), 100):
            idx = order[start:start + 100]
            G = ce_gradient(X[idx] @ W + b, y[idx])
            W = W - lr * (X[idx].T @ G)
            b = b - lr * G.sum(axis=0)
    return W, b


def _num(f, x, h=1e-6):
    """Central differences of f at x (nnkit's numerical_gradient on a float64 copy of x)."""
    return nnkit.numerical_gradient(f, np.array(x, dtype=np.float64), h)


def _ce(S, y):
    Z = S - S.max(axis=1, keepdims=True)
    return float(-np.mean((Z - np.log(np.exp(Z).sum(axis=1, keepdims=True)))[np.arange(len(y)), y]))


def _bce(X, y, w, b):
    p = 1 / (1 + np.exp(-(X @ w + b)))
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def disguised(images, seed, noise=0.2):
    """28 x 28 digits with Gaussian noise (clipped to [0, 1]) from a seed that stays in this file: digits no
    notebook holds. (Moving them by even one pixel costs a linear model 10 points: exercise 6 does that.)
    images (N, 28, 28) in [0, 1] -> (N, 784) float32."""
    r = np.random.default_rng(seed)
    out = np.clip(images + r.normal(0, noise, images.shape), 0, 1)
    return out.reshape(len(out), -1).astype(np.float32)


_dr, _bg, _sc, _cg, _lz, _l2 = [], [], [], [], [], []
for D, C in [(1, 3), (12, 10), (5, 2)]:
    x, W, dp = rng.normal(size=D), rng.normal(size=(D, C)), rng.normal(size=C)
    _dr.append(Case((x, W, dp), (np.outer(x, dp), dp.copy(), W @ dp),
                    N_("x of shape {x}, W of shape {W}, delta_p of shape {delta_p}", x=(D,), W=(D, C), delta_p=(C,))))
for N, D in [(1, 2), (9, 4), (40, 3)]:
    X, y, w, b = rng.normal(size=(N, D)), rng.integers(0, 2, N), rng.normal(size=D), float(rng.normal())
    y[0] = 1
    g = _num(lambda v: _bce(X, y, v[:-1], v[-1]), np.r_[w, b])
    _bg.append(Case((X, y, w, b), (g[:-1], g[-1]), N_("X of shape {X}, y of shape {y}, w of shape {w}, b={b:.2f}",
                                                      X=(N, D), y=(N,), w=(D,), b=b), atol=1e-6, rtol=1e-5))
for S, scores in [(rng.normal(size=(6, 4)), ""), (rng.normal(size=(1, 10)) * 5, ""),
                  (rng.normal(size=(3, 5)) * 50 + 1000, "around"),
                  (np.array([[800.0, -800.0, 0.0], [-1000.0, -1001.0, -1002.0]]), "far")]:
    y = rng.integers(0, S.shape[1], len(S))
    if len(S) == 2:
        y = np.array([1, 0])
    desc = {"": N_("S of shape {S}, y of shape {y}", S=S.shape, y=y.shape),
            "around": N_("S of shape {S}, scores around 1000, y of shape {y}", S=S.shape, y=y.shape),
            "far": N_("S of shape {S}, scores up to +-1000, right class far below the best, y of shape {y}", S=S.shape,
                      y=y.shape)}[scores]
    _sc.append(Case((S, y), np.array(_ce(S, y)), desc))
for C in (2, 7, 1000):
    _lz.append(Case((C,), np.array(_ce(np.zeros((3, C)), np.array([0, C - 1, C // 2]))), f"C={C}"))
for N, C in [(5, 3), (1, 10), (30, 7)]:
    S, y = rng.normal(size=(N, C)) * 3, rng.integers(0, C, N)
    G = ce_gradient(S, y)
    assert np.allclose(G, _num(lambda s: _ce(s.reshape(N, C), y), S.ravel()).reshape(N, C), atol=1e-7)
    _cg.append(Case((S, y), G, N_("S of shape {S}, y of shape {y}", S=(N, C), y=(N,))))
_cg.append(Case((np.array([[1000.0, 0.0, -1000.0]]), np.array([2])), ce_gradient(np.array([[1000.0, 0.0, -1000.0]]), np.array([2])),
                N_("S of shape {S} with scores +-1000", S=(1, 3))))
for N, D, C, lam in [(6, 4, 3, 0.5), (1, 3, 5, 0.0), (20, 2, 4, 3.0)]:
    X, y, W, b = rng.normal(size=(N, D)), rng.integers(0, C, N), rng.normal(size=(D, C)), rng.normal(size=C)
    E = lambda W_, b_: _ce(X @ W_ + b_, y) + 0.5 * lam * float(np.sum(W_ ** 2))
    gW = _num(lambda v: E(v.reshape(D, C), b), W.ravel()).reshape(D, C)
    gb = _num(lambda v: E(W, v), b)
    G = ce_gradient(X @ W + b, y)
    assert np.allclose(gW, X.T @ G + lam * W, atol=1e-7) and np.allclose(gb, G.sum(0), atol=1e-7)
    _l2.append(Case((X, y, W, b, lam), (X.T @ G + lam * W, G.sum(0)),
                    N_("X of shape {X}, W of shape {W}, lam={lam}", X=(N, D), W=(D, C), lam=lam)))


def _accuracy_check(X_eval, labels, needed):
    def check(got):
        W, b = got
        acc = float(np.mean(np.argmax(X_eval @ W + b, axis=1) == labels))
        if acc < needed:
            return N_("accuracy of the trained model on new digits {acc:.1%}, at least {needed:.0%} expected", acc=acc,
                      needed=needed)
        return None
    return check


# Trajectories: two different small data sets (N = 250: batches of 100, 100 and 50), so that a trainer must use
# its arguments, take every batch, compute each step's gradient afresh and update (not replace) W and b.
_tr = []
for N, D, epochs, lr, seed in [(250, 6, 2, 0.3, 5), (130, 9, 3, 0.8, 11)]:
    X, y = rng.normal(size=(N, D)), rng.integers(0, 10, N)
    _tr.append(Case((X, y, epochs, lr, seed), _train(X, y, epochs, lr, seed),
                    N_("X of shape {X} (random numbers), epochs={epochs}, lr={lr}, seed={seed}; W and b compared with "
                       "the reference's", X=(N, D), epochs=epochs, lr=lr, seed=seed), rtol=1e-4, atol=1e-6))
X_tr, y_tr, X_te, y_te = nnkit.load_mnist()    # pixels 0..255: only the 3,000 images used are scaled to [0, 1]
_Xe, _ye = disguised(X_te[:1000] / np.float32(255), _SECRET)[:, _PERM], y_te[:1000]
_tr.append(Case(((X_tr[:2000] / np.float32(255)).reshape(2000, -1)[:, _PERM], y_tr[:2000], 5, 0.5, 3), (np.zeros((784, 10)), np.zeros(10)),
                N_("2,000 MNIST training images with shuffled pixels, epochs=5, lr=0.5, seed=3; accuracy on 1,000 new "
                   "digits with the same shuffle"),
                check=_accuracy_check(_Xe, _ye, 0.80)))

TASKS = [Task("1. delta_rules", "delta_rules", 2, _dr, parts=("delta_W", "delta_b", "delta_x")),
         Task("2. bce_gradient", "bce_gradient", 2, _bg, parts=("dw", "db")),
         Task("3. softmax_ce", "softmax_ce", 2, _sc, scalar=True),
         Task("4. loss_at_zero", "loss_at_zero", 1, _lz, scalar=True),
         Task("5. ce_gradient", "ce_gradient", 2, _cg),
         Task("6. train_softmax", "train_softmax", 3, _tr, parts=("W", "b"), uses={"ce_gradient": ce_gradient}),
         Task("7. ce_l2_gradient", "ce_l2_gradient", 2, _l2, parts=("dW", "db"), uses={"ce_gradient": ce_gradient})]
