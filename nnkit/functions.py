"""Element-wise activation functions, softmax and cross-entropy as plain functions.

The layers in ``layers.py`` and ``losses.py`` wrap these; lessons use them directly.
Shapes follow the course convention: scores ``(N, C)``, integer labels ``y`` of shape ``(N,)``.
"""
import numpy as np

from .errors import check_array, check_labels

__all__ = ["relu", "relu_grad", "sigmoid", "sigmoid_grad", "tanh", "tanh_grad", "softmax",
           "one_hot", "cross_entropy"]


def relu(x):
    """ReLU(x) = max(x, 0), element-wise."""
    return np.maximum(x, 0)


def relu_grad(x):
    """dReLU/dx = 1 where x > 0, else 0 (we take 0 at the kink x = 0)."""
    return (np.asarray(x) > 0).astype(np.result_type(x, np.float32))


def sigmoid(x):
    """sigma(x) = 1 / (1 + exp(-x)), computed without overflow for large |x|."""
    x = np.asarray(x)
    e = np.exp(-np.abs(x))              # never overflows: the exponent is <= 0
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(np.result_type(x, np.float32), copy=False)


def sigmoid_grad(x):
    """dsigma/dx = sigma(x) (1 - sigma(x))."""
    s = sigmoid(x)
    return s * (1 - s)


def tanh(x):
    """tanh(x) = (e^x - e^-x) / (e^x + e^-x)."""
    return np.tanh(x)


def tanh_grad(x):
    """dtanh/dx = 1 - tanh(x)^2."""
    return 1 - np.tanh(x) ** 2


def softmax(scores):
    """softmax(s)_k = exp(s_k) / sum_j exp(s_j) over the last axis. ``scores`` (N, C) -> probabilities (N, C)."""
    scores = check_array(scores, "scores", floating=True, where="softmax")
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))   # subtracting the max changes nothing but avoids overflow
    return e / e.sum(axis=-1, keepdims=True)


def one_hot(y, num_classes):
    """Integer labels ``y`` (N,) -> one-hot matrix (N, num_classes) of 0.0 and 1.0."""
    y = check_labels(y, num_classes, where="one_hot")
    out = np.zeros((len(y), num_classes))
    out[np.arange(len(y)), y] = 1.0
    return out


def cross_entropy(probs, y):
    """Mean negative log-probability of the right class: L = -1/N sum_n log probs[n, y_n].

    ``probs`` (N, C) are probabilities (rows sum to 1), ``y`` (N,) integer labels.
    """
    probs = check_array(probs, "probs", ndim=2, floating=True, where="cross_entropy")
    y = check_labels(y, probs.shape[1], n=len(probs), where="cross_entropy")
    p = probs[np.arange(len(y)), y]
    return float(-np.mean(np.log(np.clip(p, 1e-300, None))))
