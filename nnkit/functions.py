"""Element-wise activation functions, softmax and cross-entropy as plain functions.

The layers in ``layers.py`` and ``losses.py`` wrap these; lessons use them directly.
Shapes follow the course convention: scores ``(N, C)``, integer labels ``y`` of shape ``(N,)``.
"""
import numpy as np

from .errors import ShapeError, check_array, check_count, check_labels

__all__ = ["relu", "relu_grad", "sigmoid", "sigmoid_grad", "tanh", "tanh_grad", "softmax",
           "one_hot", "cross_entropy"]


def _numbers(x, where):
    """``x`` as an array of numbers (any shape, empty allowed), or a ShapeError naming ``where``."""
    return check_array(x, "x", allow_empty=True, where=where)


def relu(x):
    """ReLU(x) = max(x, 0), element-wise."""
    return np.maximum(_numbers(x, "relu"), 0)


def relu_grad(x):
    """dReLU/dx = 1 where x > 0, else 0 (we take 0 at the kink x = 0)."""
    x = _numbers(x, "relu_grad")
    return (x > 0).astype(np.result_type(x, np.float32))


def sigmoid(x):
    """sigma(x) = 1 / (1 + exp(-x)), computed without overflow for large |x|."""
    x = _numbers(x, "sigmoid")
    e = np.exp(-np.abs(x))              # never overflows: the exponent is <= 0
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(np.result_type(x, np.float32), copy=False)


def sigmoid_grad(x):
    """dsigma/dx = sigma(x) (1 - sigma(x))."""
    s = sigmoid(_numbers(x, "sigmoid_grad"))
    return s * (1 - s)


def tanh(x):
    """tanh(x) = (e^x - e^-x) / (e^x + e^-x)."""
    return np.tanh(_numbers(x, "tanh"))


def tanh_grad(x):
    """dtanh/dx = 1 - tanh(x)^2."""
    return 1 - np.tanh(_numbers(x, "tanh_grad")) ** 2


def softmax(scores):
    """softmax(s)_k = exp(s_k) / sum_j exp(s_j) over the last axis. ``scores`` (N, C) -> probabilities (N, C)."""
    scores = check_array(scores, "scores", floating=True, where="softmax")
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))   # subtracting the max changes nothing but avoids overflow
    return e / e.sum(axis=-1, keepdims=True)


def one_hot(y, num_classes):
    """Integer labels ``y`` (N,) -> one-hot matrix (N, num_classes) of 0.0 and 1.0."""
    if isinstance(num_classes, np.ndarray) and not isinstance(y, np.ndarray):
        raise TypeError("one_hot: num_classes must be a whole number, but an array was given. Are the "
                        "arguments swapped? The order is one_hot(y, num_classes), e.g. one_hot(y, 10).")
    num_classes = check_count(num_classes, "num_classes", where="one_hot")
    y = check_labels(y, num_classes, where="one_hot")
    out = np.zeros((len(y), num_classes))
    out[np.arange(len(y)), y] = 1.0
    return out


def cross_entropy(probs, y):
    """Mean negative log-probability of the right class: L = -1/N sum_n log probs[n, y_n].

    ``probs`` (N, C) are probabilities (rows sum to 1), ``y`` (N,) integer labels.
    Raw scores are refused (their "loss" could be negative): use ``cross_entropy(softmax(scores), y)`` or
    the fused ``SoftmaxCrossEntropy``.
    """
    if isinstance(probs, np.ndarray) and isinstance(y, np.ndarray) and probs.ndim == 1 and y.ndim == 2:
        raise ShapeError(f"cross_entropy: probs must have shape (N, C) and y shape (N,), but probs has shape "
                         f"{probs.shape} and y {y.shape}. Are the arguments swapped? The order is "
                         f"cross_entropy(probs, y).")
    probs = check_array(probs, "probs", ndim=2, floating=True, where="cross_entropy")
    y = check_labels(y, probs.shape[1], n=len(probs), where="cross_entropy")
    if not np.all(np.isfinite(probs)):
        raise ShapeError("cross_entropy: probs contains NaN or infinite values. Check the scores they were "
                         "computed from (a learning rate that is too high makes them overflow).")
    lo, hi = float(probs.min()), float(probs.max())
    sums = probs.sum(axis=1)
    worst = int(np.argmax(np.abs(sums - 1)))
    tol = 1e-3                                   # generous: float32 softmax rows sum to 1 within ~1e-6
    if lo < 0 or hi > 1 or abs(sums[worst] - 1) > tol:
        raise ShapeError(f"cross_entropy: probs must be probabilities (each between 0 and 1, each row summing "
                         f"to 1), but they range from {lo:.3g} to {hi:.3g} and row {worst} sums to "
                         f"{sums[worst]:.4g}. If these are raw scores, turn them into probabilities first: "
                         f"cross_entropy(softmax(scores), y), or use SoftmaxCrossEntropy, which takes scores.")
    p = probs[np.arange(len(y)), y]
    return float(-np.mean(np.log(np.clip(p, 1e-300, None))))
