"""Benchmark: train 784-100-100-10 ReLU with Adam (lr 1e-3), batch 100, float32 on MNIST.

    python -m coursetools bench [--epochs 20] [--json] [--compare-torch] [--compare-numpy] [--no-augment]
    python -m coursetools bench --fast [--json]

Every epoch trains on a fresh copy of the training images, each moved by up to one pixel
(``nnkit.data.random_shifts``, as in lesson 6): the same network and optimizer, but it stops the
network from memorising its training set, which is what keeps plain training just under 98 %.
``--no-augment`` trains on the images as they are. The shifted copies are made outside the timed part,
and every framework trains on the same ones, in the same order.
Prints the time of each epoch, the training time so far and the test accuracy after it, and the training
time to the end of the first epoch at 98 % test accuracy (the test evaluations are not timed).
``--fast`` trains lesson 6's fast recipe instead (``FAST`` below: a learning-rate schedule, larger batches, no
shifted copies, 4 epochs), which is meant to reach 98 % in about 2 s of training on 2 cores. ``--compare-torch`` trains the same
model with PyTorch (if installed) in the same run, alternating epochs so that both see the same
machine state, and prints the ratio of the median epoch times (nnkit / torch), and the ratio of the
fastest epochs (on a shared machine the two can differ by 0.1: PyTorch's two threads suffer more from
other load than nnkit's mostly single-threaded steps).
``--compare-numpy`` does the same with two hand-written NumPy loops (no nnkit): the network as the
lessons write it (lesson 6's forward and backward functions, lesson 3's textbook Adam: the same arithmetic
as nnkit, the reference of the course's 1.1x target), and the same network written for speed (fused, Adam's
bias corrections folded into one expression), whose gap to nnkit is what the lessons' way of writing costs.
"""
import argparse
import json
import statistics
import sys
import time

import numpy as np

SIZES = (784, 100, 100, 10)
GOAL = 0.98          # the test accuracy whose training time the bench reports ("98 % after ... s of training")
# Lesson 6's fast run (chosen on a validation split of the training images, never the test set; the
# measurements are in lesson 6): one hidden layer of 128 instead of two of 100 (the same time per epoch), a
# learning rate that climbs for the first fifth of the run and then falls to 0 (nnkit.schedules.OneCycle),
# batches of 200, no shifted copies, 4 epochs.
FAST = {"sizes": (784, 128, 10), "epochs": 4, "batch_size": 200, "lr": 1e-2,
        "one_cycle": {"warmup": 0.2, "start": 0.1, "end": 0.0}, "augment": False}
FAST_TEXT = (f"{'-'.join(map(str, FAST['sizes']))} ReLU, {FAST['epochs']} epochs, batches of {FAST['batch_size']}, "
             f"Adam with OneCycle(peak lr {FAST['lr']:g}, warm-up {FAST['one_cycle']['warmup']:.0%}), no shifted copies")
# What the course asks of nnkit (README, "Speed"), printed beside the measured ratios.
TARGETS = {"numpy": "   target: at most 1.1 (the same arithmetic written as the lessons write it)",
           "numpy_fused": "   no target: the gap is what the lessons' way of writing costs",
           "torch": "   target: below 1 (faster than PyTorch on the CPU)"}


def _order(seed, n):
    """The example order of one epoch: the same permutation nnkit.train draws for epochs=1 and this seed."""
    return np.random.default_rng(seed).permutation(n)


class _NnkitRunner:
    name = "nnkit"

    def __init__(self, seed, lr, init=None, beta2=0.999, schedule=None, epochs=1, sizes=SIZES):
        # nnkit draws the weights the others copy; an ``init`` given (the warm-up's spare) only sets the sizes
        import nnkit
        self.nnkit = nnkit
        if init is not None:
            sizes = [init[0][0].shape[0]] + [W.shape[1] for W, _ in init]
        self.model = nnkit.mlp(sizes, seed=seed, dtype=np.float32)
        # the initial weights, which the other runners copy so that all train the identical model
        self.init = [(self.model.params[f"W{k}"].copy(), self.model.params[f"b{k}"].copy())
                     for k in range(1, len(sizes))]
        self.loss = nnkit.SoftmaxCrossEntropy()
        self.opt = nnkit.Adam(lr, beta2=beta2)
        self.schedule, self.epochs, self.done = schedule, epochs, 0

    def epoch(self, X, y, seed, batch_size):
        # nnkit's own training loop, exactly as the lessons call it (one epoch, shuffled with ``seed``); a
        # schedule spans the whole run: this epoch covers its part from done/epochs to (done + 1)/epochs
        part = None if self.schedule is None else (lambda progress: self.schedule((self.done + progress) / self.epochs))
        self.nnkit.train(self.model, self.loss, self.opt, X, y, epochs=1, batch_size=batch_size, seed=seed,
                         progress=False, schedule=part)
        self.done += 1

    def accuracy(self, X, y):
        return float(np.mean(self.model.predict(X) == y))


class _NumpyRunner:
    """The same network as a learner writes it by hand after the lessons: lesson 6's forward and backward
    functions (every intermediate result kept in a cache, softmax probabilities, the loss as -mean log p,
    ReLU masks taken in the backward pass) and lesson 3's Adam in its textbook form (m, v, m_hat, v_hat),
    in a plain loop that records the epoch's mean loss and training accuracy as nnkit.train does.
    Parameters are named as in lesson 6: W1, b1, W2, b2, W3, b3. This is the reference of the 1.1x target:
    the same arithmetic as nnkit, without nnkit's objects."""
    name = "numpy"

    def __init__(self, seed, lr, init):
        self.p = {}
        for i, (W, b) in enumerate(init, start=1):
            self.p[f"W{i}"], self.p[f"b{i}"] = W.copy(), b.copy()
        self.m = {k: np.zeros_like(v) for k, v in self.p.items()}
        self.v = {k: np.zeros_like(v) for k, v in self.p.items()}
        self.t, self.lr = 0, lr

    @staticmethod
    def forward(X, y, P):
        a1 = X @ P["W1"] + P["b1"]
        x1 = np.maximum(a1, 0)
        a2 = x1 @ P["W2"] + P["b2"]
        x2 = np.maximum(a2, 0)
        scores = x2 @ P["W3"] + P["b3"]
        e = np.exp(scores - scores.max(axis=1, keepdims=True))
        probs = e / e.sum(axis=1, keepdims=True)
        L = -np.mean(np.log(probs[np.arange(len(y)), y]))
        return L, dict(X=X, a1=a1, x1=x1, a2=a2, x2=x2, scores=scores, probs=probs)

    @staticmethod
    def backward(y, P, cache):
        dscores = cache["probs"].copy()
        dscores[np.arange(len(y)), y] -= 1.0
        dscores /= len(y)
        g = {"W3": cache["x2"].T @ dscores, "b3": dscores.sum(axis=0)}
        da2 = (dscores @ P["W3"].T) * (cache["a2"] > 0)
        g["W2"], g["b2"] = cache["x1"].T @ da2, da2.sum(axis=0)
        da1 = (da2 @ P["W2"].T) * (cache["a1"] > 0)
        g["W1"], g["b1"] = cache["X"].T @ da1, da1.sum(axis=0)
        return g

    def epoch(self, X, y, seed, batch_size):
        p, b1, b2, eps = self.p, 0.9, 0.999, 1e-8
        order = _order(seed, len(X))
        loss_sum, correct = 0.0, 0
        for start in range(0, len(X), batch_size):
            idx = order[start:start + batch_size]
            xb, yb = X[idx], y[idx]
            L, cache = self.forward(xb, yb, p)
            loss_sum += L * len(yb)
            correct += np.count_nonzero(cache["scores"].argmax(axis=1) == yb)
            g = self.backward(yb, p, cache)
            self.t += 1
            for k in p:
                self.m[k] = b1 * self.m[k] + (1 - b1) * g[k]
                self.v[k] = b2 * self.v[k] + (1 - b2) * g[k] ** 2
                m_hat = self.m[k] / (1 - b1 ** self.t)
                v_hat = self.v[k] / (1 - b2 ** self.t)
                p[k] -= self.lr * m_hat / (np.sqrt(v_hat) + eps)
        self.history = {"loss": loss_sum / len(X), "accuracy": correct / len(X)}

    def accuracy(self, X, y):
        p = self.p
        h = np.maximum(X @ p["W1"] + p["b1"], 0)
        h = np.maximum(h @ p["W2"] + p["b2"], 0)
        return float(np.mean((h @ p["W3"] + p["b3"]).argmax(1) == y))


class _FusedNumpyRunner(_NumpyRunner):
    """The same network written for speed rather than for reading: one loop body, the loss from the
    log-sum-exp, the backward pass reusing the softmax array in place, and Adam's bias corrections folded
    into one expression (no m_hat, v_hat arrays). The gap to it is what the lessons' way of writing costs."""
    name = "numpy_fused"

    def epoch(self, X, y, seed, batch_size):
        p = self.p
        order = _order(seed, len(X))
        loss_sum, correct = 0.0, 0
        for start in range(0, len(X), batch_size):
            idx = order[start:start + batch_size]
            x0, yb = X[idx], y[idx]
            h1 = np.maximum(x0 @ p["W1"] + p["b1"], 0)
            h2 = np.maximum(h1 @ p["W2"] + p["b2"], 0)
            s = h2 @ p["W3"] + p["b3"]
            shifted = s - s.max(axis=1, keepdims=True)
            e = np.exp(shifted)
            sums = e.sum(axis=1, keepdims=True)
            rows = np.arange(len(yb))
            loss_sum += np.mean(np.log(sums[:, 0]) - shifted[rows, yb]) * len(yb)
            correct += np.count_nonzero(s.argmax(axis=1) == yb)
            d = e / sums
            d[rows, yb] -= 1
            d /= len(yb)
            g = {"W3": h2.T @ d, "b3": d.sum(0)}
            d = (d @ p["W3"].T) * (h2 > 0)
            g["W2"], g["b2"] = h1.T @ d, d.sum(0)
            d = (d @ p["W2"].T) * (h1 > 0)
            g["W1"], g["b1"] = x0.T @ d, d.sum(0)
            self.t += 1
            c1, c2 = 1 - 0.9 ** self.t, 1 - 0.999 ** self.t
            for k in p:
                self.m[k] = 0.9 * self.m[k] + 0.1 * g[k]
                self.v[k] = 0.999 * self.v[k] + 0.001 * g[k] * g[k]
                p[k] -= self.lr * (self.m[k] / c1) / (np.sqrt(self.v[k] / c2) + 1e-8)
        self.history = {"loss": loss_sum / len(X), "accuracy": correct / len(X)}


class _TorchRunner:
    name = "torch"

    def __init__(self, seed, lr, init):
        import torch
        self.torch = torch
        layers = []
        for i, (d, m) in enumerate(zip(SIZES[:-1], SIZES[1:])):
            linear = torch.nn.Linear(d, m)
            with torch.no_grad():                  # start from nnkit's initial weights: the identical model
                linear.weight.copy_(torch.from_numpy(init[i][0].T.copy()))
                linear.bias.copy_(torch.from_numpy(init[i][1].copy()))
            layers.append(linear)
            if i < len(SIZES) - 2:
                layers.append(torch.nn.ReLU())
        self.model = torch.nn.Sequential(*layers)
        self.opt = torch.optim.Adam(self.model.parameters(), lr=lr)
        self.loss = torch.nn.CrossEntropyLoss()

    def epoch(self, X, y, seed, batch_size):
        torch = self.torch
        order = _order(seed, len(X))
        Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
        ot = torch.from_numpy(order)
        for start in range(0, len(X), batch_size):
            idx = ot[start:start + batch_size]
            self.opt.zero_grad(set_to_none=True)
            loss = self.loss(self.model(Xt[idx]), yt[idx])
            loss.backward()
            self.opt.step()

    def accuracy(self, X, y):
        with self.torch.no_grad():
            out = self.model(self.torch.from_numpy(X)).argmax(1).numpy()
        return float(np.mean(out == y))


def time_to_goal(accuracies, seconds, goal=None):
    """(the first epoch whose test accuracy reaches ``goal`` (default GOAL), the training seconds of the epochs
    up to and including it), or (None, None) if none does. accuracies and seconds: one number per epoch."""
    goal = GOAL if goal is None else goal
    first = next((i + 1 for i, acc in enumerate(accuracies) if acc >= goal), None)
    return (first, round(sum(seconds[:first]), 4)) if first else (None, None)


def run(epochs=20, batch_size=100, lr=1e-3, seed=0, compare_torch=False, compare_numpy=False, augment=True,
        log=print, beta2=0.999, one_cycle=None, sizes=SIZES):
    """Train and time; returns the result dict that ``--json`` prints. ``one_cycle``: None (Adam's lr
    throughout), or a dict of nnkit.schedules.OneCycle's warmup, start and end, with ``lr`` as its peak.
    ``sizes``: nnkit's network (the comparisons need the default, 784-100-100-10)."""
    from nnkit.data import load_mnist, random_shifts
    from nnkit.schedules import OneCycle
    if (one_cycle is not None or tuple(sizes) != SIZES) and (compare_numpy or compare_torch):
        raise ValueError("the hand-written NumPy and PyTorch trainers are the default recipe (784-100-100-10, one "
                         "learning rate): compare them with it, and time the fast recipe alone")
    Xtr, ytr, Xte, yte = load_mnist(flatten=True, normalize=True, dtype=np.float32)
    schedule = OneCycle(lr, **one_cycle) if one_cycle is not None else None
    runners = [_NnkitRunner(seed, lr, beta2=beta2, schedule=schedule, epochs=epochs, sizes=sizes)]
    if compare_numpy:
        runners.append(_NumpyRunner(seed, lr, runners[0].init))
        runners.append(_FusedNumpyRunner(seed, lr, runners[0].init))
    if compare_torch:
        try:
            import torch  # noqa: F401  (only to fail early with advice)
        except ImportError:
            raise RuntimeError("--compare-torch needs PyTorch: pip install torch (CPU build), then run again.") from None
        runners.append(_TorchRunner(seed, lr, runners[0].init))
    # Warm-up, untimed: a throwaway copy of each trainer runs 20 batches, so that no one's first timed epoch
    # also pays for first calls (imports, BLAS buffers, the allocator's first pages). The models timed below
    # are not touched by it.
    warm = slice(0, 20 * batch_size)
    for r in runners:
        spare = type(r)(seed, lr, runners[0].init)
        spare.epoch(Xtr[warm], ytr[warm], seed, batch_size)
    run_order = np.random.default_rng(seed)
    times = {r.name: [] for r in runners}
    accs = {r.name: [] for r in runners}
    for epoch in range(1, epochs + 1):
        epoch_seed = seed * 1000 + epoch
        X_epoch = random_shifts(Xtr, seed=epoch_seed) if augment else Xtr
        if schedule is not None:     # nnkit alone: the example orders of one nnkit.train(..., epochs, seed) call
            epoch_seed = run_order
        # alternate who goes first, so neither always runs on a "warmer" machine
        for r in (runners if epoch % 2 else runners[::-1]):
            t0 = time.perf_counter()
            r.epoch(X_epoch, ytr, epoch_seed, batch_size)
            times[r.name].append(time.perf_counter() - t0)
            accs[r.name].append(r.accuracy(Xte, yte))
        log("  ".join(f"{r.name}: epoch {epoch:>2} {times[r.name][-1]:.2f} s ({sum(times[r.name]):5.2f} s in all)"
                      f"  test acc {accs[r.name][-1]:.4f}" for r in runners))
    med = {k: statistics.median(v) for k, v in times.items()}
    first_98, seconds_98 = time_to_goal(accs["nnkit"], times["nnkit"])
    result = {
        "model": "%s ReLU, Adam(lr=%g, beta2=%g), float32" % ("-".join(map(str, sizes)), lr, beta2),
        "schedule": repr(schedule) if schedule is not None else None,
        "epochs": epochs, "batch_size": batch_size, "seed": seed,
        "augmentation": "random shifts of up to 1 pixel, new each epoch" if augment else None,
        "epoch_seconds": [round(t, 4) for t in times["nnkit"]],
        "epoch_seconds_median": round(med["nnkit"], 4),
        "training_seconds": round(sum(times["nnkit"]), 4),
        "test_accuracy": accs["nnkit"][-1],
        "test_accuracy_per_epoch": accs["nnkit"],
        "best_test_accuracy": max(accs["nnkit"]),
        "first_epoch_at_98": first_98,
        # training time (the timed epochs, without the test evaluations) up to the end of that epoch
        "seconds_to_98": seconds_98,
    }
    for other in ("numpy", "numpy_fused", "torch"):
        if other in med:
            result[f"{other}_epoch_seconds_median"] = round(med[other], 4)
            result[f"{other}_epoch_seconds"] = [round(t, 4) for t in times[other]]
            result[f"{other}_test_accuracy"] = accs[other][-1]
            result[f"ratio_to_{other}"] = round(med["nnkit"] / med[other], 3)
            # the same ratio from each side's fastest epoch: what each does when nothing else disturbs it
            result[f"ratio_to_{other}_best_epochs"] = round(min(times["nnkit"]) / min(times[other]), 3)
    if "torch" in med:
        result["torch_version"] = runners[-1].torch.__version__
        result["torch_threads"] = runners[-1].torch.get_num_threads()
    return result


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m coursetools bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--fast", action="store_true",
                    help="the fast recipe of lesson 6 (98 %% in about 2 s of training): " + FAST_TEXT.replace("%", "%%"))
    ap.add_argument("--epochs", type=int, default=None, help="default 20 (--fast: %d)" % FAST["epochs"])
    ap.add_argument("--batch-size", type=int, default=None, help="default 100 (--fast: %d)" % FAST["batch_size"])
    ap.add_argument("--lr", type=float, default=None, help="default 1e-3 (--fast: the peak, %g)" % FAST["lr"])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-augment", action="store_true", help="train on the images as they are (--fast always does)")
    ap.add_argument("--json", action="store_true", help="print one JSON object (the per-epoch lines go to stderr)")
    ap.add_argument("--compare-torch", action="store_true", help="also train the same model with PyTorch (CPU)")
    ap.add_argument("--compare-numpy", action="store_true", help="also train the network written by hand in NumPy: as the lessons write it, and fused for speed")
    a = ap.parse_args(argv)
    log = (lambda s: print(s, file=sys.stderr)) if a.json else print
    recipe = dict(FAST) if a.fast else {"epochs": 20, "batch_size": 100, "lr": 1e-3, "augment": not a.no_augment}
    recipe.update({k: v for k, v in (("epochs", a.epochs), ("batch_size", a.batch_size), ("lr", a.lr)) if v is not None})
    res = run(seed=a.seed, compare_torch=a.compare_torch, compare_numpy=a.compare_numpy, log=log, **recipe)
    if a.json:
        print(json.dumps(res))
    else:
        at_98 = (f"epoch {res['first_epoch_at_98']}, after {res['seconds_to_98']:.2f} s of training"
                 if res["first_epoch_at_98"] else "not reached")
        print(f"median epoch: {res['epoch_seconds_median']:.3f} s   final test accuracy: {res['test_accuracy']:.4f}"
              f"   98 % test accuracy: {at_98}")
        for other in ("numpy", "numpy_fused", "torch"):
            if f"ratio_to_{other}" in res:
                print(f"nnkit / {other} epoch time: {res[f'ratio_to_{other}']:.3f}"
                      f" ({res[f'{other}_epoch_seconds_median']:.3f} s per {other} epoch;"
                      f" fastest epochs: {res[f'ratio_to_{other}_best_epochs']:.3f}){TARGETS.get(other, '')}")
        if res["epochs"] < 5 and (a.compare_numpy or a.compare_torch):
            print(f"note: {res['epochs']} epoch{'s' * (res['epochs'] > 1)} per trainer: single epochs vary by about 10 % on a "
                  f"shared machine, so these ratios are rough; the README quotes runs of 20 epochs (the default).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
