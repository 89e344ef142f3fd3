"""Element-wise activation functions, softmax and cross-entropy as plain functions.

The layers in ``layers.py`` and ``losses.py`` wrap these; lessons use them directly.
Shapes follow the course convention: scores ``(N, C)``, integer labels ``y`` of shape ``(N,)``.
"""
import numpy as np

from .errors import ShapeError, check_array, check_count, check_labels
from .i18n import tr

__all__ = ["relu", "relu_grad", "sigmoid", "sigmoid_grad", "tanh", "tanh_grad", "softmax",
           "one_hot", "cross_entropy"]


def _numbers(x, where):
    """``x`` as an array of numbers (any shape, empty allowed), or a ShapeError naming ``where``."""
    return check_array(x, "x", allow_empty=True, where=where)


def _floats(x, where):
    """``x`` as a float array (integers and booleans converted to float64), or a ShapeError naming ``where``."""
    return check_array(x, "x", floating=True, allow_empty=True, where=where)


def relu(x):
    """ReLU(x) = max(x, 0), element-wise. Lesson 5.

    Inputs:
    - x: array of numbers, any shape (lists and single numbers are turned into arrays; empty is allowed).
    Returns an array of x's shape (float32 stays float32): x where x > 0, else 0.
    """
    return np.maximum(_numbers(x, "relu"), 0)


def relu_grad(x):
    """Derivative of ReLU, element-wise: dReLU/dx = 1 where x > 0, else 0 (we take 0 at the kink x = 0).
    Lesson 5.

    Inputs:
    - x: the input of the ReLU (not its output): array of numbers, any shape.
    Returns a float array of x's shape holding 0.0 and 1.0 (float32 for float32 x, float64 for float64 or
    int64 x).
    """
    x = _numbers(x, "relu_grad")
    return (x > 0).astype(np.result_type(x, np.float32))


def sigmoid(x):
    """Sigmoid, element-wise: sigma(x) = 1 / (1 + exp(-x)), a number between 0 and 1. Lesson 4.

    Computed without overflow for large |x|: for x < 0 as e^x / (1 + e^x).

    Inputs:
    - x: array of numbers (integers and booleans are converted to float64), any shape, e.g. the scores
      z = X @ w + b (N,) of a two-class classifier.
    Returns a float array of x's shape (float32 for float32 x, else float64), values in [0, 1]: in floating
    point it reaches exactly 1.0 for large x (float32 from x = 17 on) and 0.0 for very negative x.
    """
    x = _floats(x, "sigmoid")
    e = np.exp(-np.abs(x))              # never overflows: the exponent is <= 0
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(np.result_type(x, np.float32), copy=False)


def sigmoid_grad(x):
    """Derivative of the sigmoid, element-wise: dsigma/dx = sigma(x) (1 - sigma(x)). Lesson 5 (lesson 4 uses
    it where it cancels in the gradient of BCE).

    Inputs:
    - x: the input of the sigmoid (not its output): array of numbers, any shape.
    Returns a float array of x's shape with values in [0, 0.25] (the largest, 0.25, at x = 0).
    """
    s = sigmoid(_floats(x, "sigmoid_grad"))
    return s * (1 - s)


def tanh(x):
    """tanh, element-wise: tanh(x) = (e^x - e^-x) / (e^x + e^-x) = 2 sigma(2x) - 1, between -1 and 1. Lesson 5.

    Inputs:
    - x: array of numbers, any shape.
    Returns a float array of x's shape (float32 for float32 x), values in [-1, 1].
    """
    return np.tanh(_numbers(x, "tanh"))


def tanh_grad(x):
    """Derivative of tanh, element-wise: dtanh/dx = 1 - tanh(x)^2. Lesson 5.

    Inputs:
    - x: the input of the tanh (not its output): array of numbers, any shape.
    Returns a float array of x's shape with values in [0, 1] (the largest, 1, at x = 0).
    """
    return 1 - np.tanh(_numbers(x, "tanh_grad")) ** 2


def softmax(scores):
    """Softmax over the last axis: probs[n, k] = exp(s[n, k]) / sum_j exp(s[n, j]). Lesson 4.

    The largest score of each row is subtracted first: this changes no probability, but keeps exp from
    overflowing (e^1000 would be inf, and inf / inf is nan).

    Inputs:
    - scores: (N, C) raw class scores, one row per example (any shape works: the last axis holds the
      classes); integers are converted to float64.
    Returns probs, a float array of the shape of scores: each between 0 and 1, each row summing to 1.
    """
    scores = check_array(scores, "scores", floating=True, where="softmax")
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))   # subtracting the max changes nothing but avoids overflow
    return e / e.sum(axis=-1, keepdims=True)


def one_hot(y, num_classes):
    """One-hot rows from integer labels: out[n, y_n] = 1.0, every other entry 0.0. Lesson 4 (the one-hot
    "ideal" in the cross-entropy gradient); code in Lesson 6.

    Inputs:
    - y: (N,) integer class labels, each in 0..num_classes-1 (whole-number floats and booleans are accepted).
    - num_classes: C, the number of classes (a whole number >= 1).
    Returns a float64 array (N, C).
    """
    if isinstance(num_classes, np.ndarray) and not isinstance(y, np.ndarray):
        raise TypeError(tr("one_hot: num_classes must be a whole number, but an array was given. Are the arguments "
                           "swapped? The order is one_hot(y, num_classes), e.g. one_hot(y, 10)."))
    num_classes = check_count(num_classes, "num_classes", where="one_hot")
    y = check_labels(y, num_classes, where="one_hot")
    out = np.zeros((len(y), num_classes))
    out[np.arange(len(y)), y] = 1.0
    return out


def cross_entropy(probs, y):
    """Cross-entropy, the mean negative log-probability of the right class: L = -1/N sum_n log probs[n, y_n].
    Lesson 4.

    Inputs:
    - probs: (N, C) probabilities, each in [0, 1], every row summing to 1 (within 1e-3), e.g.
      ``softmax(scores)``. Raw scores are refused with a ShapeError (their "loss" could be negative): use
      ``cross_entropy(softmax(scores), y)`` or the fused ``SoftmaxCrossEntropy``, which takes scores. NaN or
      infinite values are refused too.
    - y: (N,) integer labels in 0..C-1.
    Returns L, a Python float >= 0. A probability of exactly 0 for the right class counts as 1e-300, so L
    stays finite (that example adds at most 690.8 / N).
    The gradient with respect to the scores is in ``SoftmaxCrossEntropy``: (probs - one_hot(y)) / N.
    """
    if isinstance(probs, np.ndarray) and isinstance(y, np.ndarray) and probs.ndim == 1 and y.ndim == 2:
        raise ShapeError(tr("cross_entropy: probs must have shape (N, C) and y shape (N,), but probs has shape "
                            "{probs_shape} and y {y_shape}. Are the arguments swapped? The order is "
                            "cross_entropy(probs, y).", probs_shape=probs.shape, y_shape=y.shape))
    probs = check_array(probs, "probs", ndim=2, floating=True, where="cross_entropy")
    y = check_labels(y, probs.shape[1], n=len(probs), where="cross_entropy")
    if not np.all(np.isfinite(probs)):
        raise ShapeError(tr("cross_entropy: probs contains NaN or infinite values. Check the scores they were "
                            "computed from (a learning rate that is too high makes them overflow)."))
    lo, hi = float(probs.min()), float(probs.max())
    sums = probs.sum(axis=1)
    worst = int(np.argmax(np.abs(sums - 1)))
    tol = 1e-3                                   # generous: float32 softmax rows sum to 1 within ~1e-6
    if lo < 0 or hi > 1 or abs(sums[worst] - 1) > tol:
        raise ShapeError(tr("cross_entropy: probs must be probabilities (each between 0 and 1, each row summing to "
                            "1), but they range from {lo:.3g} to {hi:.3g} and row {worst} sums to {sums:.4g}. If "
                            "these are raw scores, turn them into probabilities first: "
                            "cross_entropy(softmax(scores), y), or use SoftmaxCrossEntropy, which takes scores.",
                            lo=lo, hi=hi, worst=worst, sums=sums[worst]))
    p = probs[np.arange(len(y)), y]
    return float(-np.mean(np.log(np.clip(p, 1e-300, None))))
