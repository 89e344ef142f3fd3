"""Losses: ``forward(y_hat, y)`` returns the mean loss as a float, ``backward()`` returns dL/dy_hat.

Every loss averages over the N examples of the batch, so the learning rate does not depend on the
batch size.
"""
import numpy as np

from .errors import ShapeError, check_array, check_finite, check_labels
from . import functions as F
from .i18n import tr

__all__ = ["SoftmaxCrossEntropy", "MSE", "BinaryCrossEntropy"]


class Loss:
    def __call__(self, y_hat, y):
        return self.forward(y_hat, y)

    def _need_forward(self):
        raise ShapeError(tr("{type}.backward was called before forward: compute the loss first.",
                            type=type(self).__name__))

    def __repr__(self):
        return f"{type(self).__name__}()"


class SoftmaxCrossEntropy(Loss):
    """Softmax followed by cross-entropy, fused for speed and numerical stability. Lesson 4 (lesson 1
    already trains with it, without explaining it).

    Inputs: none (no settings). Returns (the loss's two methods; ``loss(scores, y)`` calls forward):
    - forward(scores, y): scores (N, C) raw class scores (C >= 2), y (N,) integer labels in 0..C-1 ->
        probs = softmax(scores),  L = -1/N sum_n log probs[n, y_n]:  the mean loss, a Python float.
    - backward() -> dL/dscores = (probs - one_hot(y)) / N, shape (N, C).
    After forward, ``probs`` (N, C) holds the probabilities and ``y`` the labels.
    """

    def __init__(self):
        self.probs = None
        self.y = None

    def forward(self, scores, y):
        if isinstance(scores, np.ndarray) and isinstance(y, np.ndarray) and scores.ndim == 1 and y.ndim == 2:
            raise ShapeError(tr("SoftmaxCrossEntropy: scores must have shape (N, C) and y shape (N,), but scores has "
                                "shape {scores_shape} and y {y_shape}. Are the arguments swapped? The order is "
                                "forward(scores, y).", scores_shape=scores.shape, y_shape=y.shape))
        if not isinstance(scores, np.ndarray) or scores.ndim != 2 or scores.shape[1] < 2 or scores.dtype.kind != "f":
            scores = check_array(scores, "scores", ndim=2, floating=True, where="SoftmaxCrossEntropy")
            if scores.shape[1] < 2:
                raise ShapeError(tr("SoftmaxCrossEntropy: scores must have one column per class (at least 2), but "
                                    "they have shape {shape}. For two classes with one output use "
                                    "BinaryCrossEntropy(from_logits=True).", shape=scores.shape))
        y = check_labels(y, scores.shape[1], n=len(scores), where="SoftmaxCrossEntropy")
        if len(y) == 0:
            raise ShapeError(tr("SoftmaxCrossEntropy: the batch is empty."))
        shifted = scores - scores.max(axis=1, keepdims=True)   # same softmax, no overflow in exp
        exp = np.exp(shifted)
        sums = exp.sum(axis=1, keepdims=True)
        rows = np.arange(len(y))
        # Lesson 6 writes L = -mean(log(probs[rows, y])). Since log probs[n, y_n] = shifted[n, y_n] - log(sums[n]),
        # this is the same number, but stays finite when a probability rounds to 0 (log 0 = -inf).
        loss = np.mean(np.log(sums[:, 0]) - shifted[rows, y])
        self.probs = exp / sums                                  # softmax, kept for backward
        self.y = y
        return float(loss)

    def backward(self):
        if self.probs is None:
            self._need_forward()
        dscores = self.probs.copy()
        dscores[np.arange(len(self.y)), self.y] -= 1.0
        dscores /= len(self.y)
        return dscores


class MSE(Loss):
    """Mean squared error over all elements: L = mean((y_hat - t)^2). Lesson 6 (the workshop's squared error
    to targets +5/-5).

    Inputs: none (no settings). Returns (the loss's two methods; ``loss(y_hat, t)`` calls forward):
    - forward(y_hat, t): predictions y_hat and targets t of exactly the same shape, e.g. (N, M) (no
      broadcasting: (N,) against (N, 1) is refused; NaN or infinite targets are refused) -> L, a Python float.
    - backward() -> dL/dy_hat = 2 (y_hat - t) / y_hat.size, the shape of y_hat.
    (Lesson 2 writes the sum version ||Xw - t||^2 / 2 by hand; it differs only by a constant factor.)
    """

    def __init__(self):
        self.diff = None

    def forward(self, y_hat, t):
        y_hat = check_array(y_hat, "y_hat", floating=True, where="MSE")
        t = check_finite(check_array(t, "t", floating=True, where="MSE"), "t", "MSE", what=tr("the targets"))
        if y_hat.shape != t.shape:
            raise ShapeError(tr("MSE: y_hat and t must have the same shape, but y_hat has shape {y_hat_shape} and t "
                                "has shape {t_shape}. (N,) and (N, 1) are different on purpose: reshape t with "
                                "t.reshape(y_hat.shape) if that is what you mean.", y_hat_shape=y_hat.shape,
                                t_shape=t.shape))
        self.diff = y_hat - t
        return float(np.mean(self.diff ** 2))

    def backward(self):
        if self.diff is None:
            self._need_forward()
        return 2.0 * self.diff / self.diff.size


class BinaryCrossEntropy(Loss):
    """Binary cross-entropy for two classes, labels y in {0, 1} of shape (N,). Lesson 4.

    Inputs:
    - from_logits: False (default): forward takes probabilities p; True: raw scores z (see below).
    - eps: the smallest p (1 - p) that backward divides by (default 1e-12; between 0 and 0.25).
    Returns (the loss's two methods; ``loss(p, y)`` calls forward):
    - forward(p, y) -> L, a Python float. ``p`` of shape (N, 1) or (N,) is the predicted probability of
      class 1 (each in [0, 1]); y (N,) holds 0 or 1 (probabilities between 0 and 1 are accepted too);
        L = -1/N sum_n [ y_n log p_n + (1 - y_n) log(1 - p_n) ]
    - backward() -> dL/dp, the shape of p (formulas below).
    This is the mean negative log of the probability the model gave to the right class. (The product of
    those probabilities over all examples is the likelihood; the loss is minus its log, averaged.)
    A probability of exactly 0 or 1 is possible in floating point (a float32 sigmoid returns 1.0 from
    z = 17 on), so, as in PyTorch's ``BCELoss``, each log is kept >= -100 (a confidently wrong example
    costs at most 100, a right one exactly 0) and backward divides by max(p (1 - p), eps):
        dL/dp = (p - y) / max(p (1 - p), eps) / N
    With ``from_logits=True``, ``forward`` takes raw scores z and applies the sigmoid itself (fused,
    stable): L = mean(log(1 + e^z) - y z), and backward gives (sigmoid(z) - y) / N.
    """

    LOG_FLOOR = -100.0     # PyTorch's clamp of log(p) and log(1 - p)

    def __init__(self, from_logits=False, eps=1e-12):
        if not isinstance(from_logits, (bool, np.bool_)):
            raise TypeError(tr("BinaryCrossEntropy: from_logits must be True or False, but {from_logits!r} was given. "
                               "Write BinaryCrossEntropy(from_logits=True) for raw scores.", from_logits=from_logits))
        if not (isinstance(eps, (int, float, np.floating)) and 0 < eps < 0.25):
            raise ValueError(tr("BinaryCrossEntropy: eps (the smallest p (1 - p) that backward divides by) must be a "
                                "small positive number such as 1e-12, but {eps!r} was given.", eps=eps))
        self.from_logits = from_logits
        self.eps = eps
        self.p = self.z = self.t = None

    def _prepare(self, p, y):
        p = check_array(p, "p", floating=True, where="BinaryCrossEntropy")
        if not (p.ndim == 1 or (p.ndim == 2 and p.shape[1] == 1)):
            raise ShapeError(tr("BinaryCrossEntropy: predictions must have shape (N, 1) or (N,), but they have shape "
                                "{shape}. For more than two classes use SoftmaxCrossEntropy.", shape=p.shape))
        y = check_array(y, "y", where="BinaryCrossEntropy")
        if y.ndim != 1:
            hint = tr(" Use y.ravel().") if y.ndim == 2 and 1 in y.shape else ""
            raise ShapeError(tr("BinaryCrossEntropy: labels y must have shape (N,), but they have shape {shape}.{hint}",
                                shape=y.shape, hint=hint))
        if len(y) != len(p):
            raise ShapeError(tr("BinaryCrossEntropy: {n_predictions} predictions but {n_labels} labels: p and y must "
                                "have the same number of rows.", n_predictions=len(p), n_labels=len(y)))
        if not (np.issubdtype(y.dtype, np.number) or y.dtype == bool):
            raise ShapeError(tr("BinaryCrossEntropy: labels y must be numbers 0 or 1, but they have dtype {dtype}. "
                                "Convert them, e.g. y.astype(int).", dtype=y.dtype))
        t = y.astype(p.dtype)
        if not np.all(np.isfinite(t)) or np.any((t < 0) | (t > 1)):
            raise ShapeError(tr("BinaryCrossEntropy: labels must be 0 or 1 (or probabilities between 0 and 1), but "
                                "they range from {min} to {max}. Are the arguments in the order (predictions, "
                                "labels)?", min=y.min(), max=y.max()))
        return p, t.reshape(p.shape)      # explicit: a column of predictions gets a column of labels

    def forward(self, p, y):
        p, t = self._prepare(p, y)
        self.t = t
        if self.from_logits:
            self.z = p
            # log(1 + e^z) - t z, written so that e^z never overflows
            loss = np.maximum(p, 0) - p * t + np.log1p(np.exp(-np.abs(p)))
            return float(np.mean(loss))
        if np.any((p < 0) | (p > 1)):
            raise ShapeError(tr("BinaryCrossEntropy: predictions must be probabilities in [0, 1]; got values from "
                                "{min:.3g} to {max:.3g}. Apply a sigmoid first or use from_logits=True.", min=p.min(),
                                max=p.max()))
        self.p = p
        with np.errstate(divide="ignore"):          # log(0) = -inf, then floored at -100
            log_p = np.maximum(np.log(p), self.LOG_FLOOR)
            log_1mp = np.maximum(np.log(1 - p), self.LOG_FLOOR)
        return float(-np.mean(t * log_p + (1 - t) * log_1mp)) + 0.0     # + 0.0: no "-0.0" when all are right

    def backward(self):
        if self.t is None:
            self._need_forward()
        n = len(self.t)
        if self.from_logits:
            return (F.sigmoid(self.z) - self.t) / n
        p = self.p
        return (p - self.t) / np.maximum(p * (1 - p), self.eps) / n
