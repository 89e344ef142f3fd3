"""Optimizers: interchangeable objects with one method, ``update(params, grads)``. Lesson 3 writes these
update rules for one weight w; here the same lines run on every array of a model at once.

``params`` and ``grads`` are dicts of NumPy arrays with the same keys and shapes: a model's
``params``/``grads`` (``{"W1": ..., "b1": ...}``), or ``{"w": np.array(1.0)}`` for a 1-D landscape.
Parameters change in place. ``lr`` is the learning rate (lesson 2 writes it as the Greek eta, and its
functions ``least_squares_descent``/``descent_widget`` keep that name, ``eta``; everywhere else it is ``lr``).
Each optimizer keeps its per-parameter state (velocity, sums of squares) under the parameter's name.
"""
import numpy as np

from .errors import ShapeError, check_rate

__all__ = ["SGD", "Momentum", "AdaGrad", "Adam"]


class Optimizer:
    """Base class: ``lr`` (> 0), the step counter ``t`` and the per-parameter ``state``; a subclass writes
    ``_step(name, p, g)``, the update of one parameter array ``p`` with its gradient ``g`` (same shape)."""

    def __init__(self, lr):
        self.lr = check_rate(lr, "the learning rate lr", where=type(self).__name__, example=0.01)
        self.state = {}
        self.t = 0

    def _check(self, params, grads):
        """Raise a clear error unless params and grads are dicts with the same keys and every gradient is an
        array of its parameter's shape. Returns grads, or a copy in which plain numbers became 0-d arrays."""
        for name, d in (("params", params), ("grads", grads)):
            if not isinstance(d, dict):
                raise TypeError(f"{type(self).__name__}.update(params, grads): {name} must be a dict of arrays, "
                                f"e.g. model.{name}, but a {type(d).__name__} was given. For one array w write "
                                f"update({{'w': w}}, {{'w': dw}}).")
        if params.keys() != grads.keys():
            raise ShapeError(f"{type(self).__name__}.update: params and grads must have the same keys; "
                             f"params has {sorted(params)}, grads has {sorted(grads)}.")
        for k, p in params.items():
            g = grads[k]
            if type(g) is np.ndarray and type(p) is np.ndarray and g.shape == p.shape and p.dtype.kind == "f":
                continue                     # the usual case, checked in one line
            if not isinstance(g, np.ndarray) and isinstance(g, (float, int, np.number)):
                grads = {**grads, k: np.asarray(g)}   # a plain number is a fine gradient for a 0-d parameter
                g = grads[k]
            if not isinstance(p, np.ndarray) or not isinstance(g, np.ndarray) or p.shape != g.shape:
                raise ShapeError(f"{type(self).__name__}.update: the gradient of {k!r} must be an array of the "
                                 f"parameter's shape {getattr(p, 'shape', None)}, but it has shape "
                                 f"{getattr(g, 'shape', type(g).__name__)}.")
            if p.dtype.kind != "f":
                raise ShapeError(f"{type(self).__name__}.update: parameter {k!r} has dtype {p.dtype}; it must be "
                                 f"a float array to change in place (e.g. np.array(1.0), not np.array(1)).")
        return grads

    def _slots(self, key, like, *names):
        """This parameter's state dict: at the first step (or if the parameter's shape changed) an array of
        zeros shaped like ``like`` for each of ``names``."""
        slot = self.state.get(key)
        if slot is None or slot[names[0]].shape != like.shape:
            slot = self.state[key] = {name: np.zeros_like(like) for name in names}
        return slot

    def update(self, params, grads):
        """One step: change every array of ``params`` in place, using the same-named array of ``grads``.

        Inputs: params {name: float array}, grads {name: array of the same shape}. Returns None.
        """
        grads = self._check(params, grads)
        self.t += 1
        for name, p in params.items():
            self._step(name, p, grads[name])

    def __repr__(self):
        return f"{type(self).__name__}(lr={self.lr:g})"


class SGD(Optimizer):
    """Plain gradient descent (Lesson 2): w <- w - lr * dw.

    Inputs: lr > 0 (default 0.01). ``update(params, grads)`` changes every params array in place. Returns None.
    """

    def __init__(self, lr=0.01):
        super().__init__(lr)

    def _step(self, key, p, g):
        p -= self.lr * g


class Momentum(Optimizer):
    """Gradient descent with momentum, a heavy ball rolling downhill (Lesson 3):
    v <- momentum * v - lr * dw ;  w <- w + v

    Inputs: lr > 0 (default 0.01); momentum in [0, 1) (default 0.9: the ball keeps 90 % of its speed).
    ``update(params, grads)`` changes every params array in place. Returns None. v starts at zero.
    """

    def __init__(self, lr=0.01, momentum=0.9):
        super().__init__(lr)
        self.momentum = check_rate(momentum, "momentum", where="Momentum", low=0.0, high=1.0,
                                   low_inclusive=True, example=0.9)

    def _step(self, key, p, g):
        s = self._slots(key, p, "v")                                       # zeros at the first step
        s["v"] = self.momentum * s["v"] - self.lr * g                      # v <- momentum v - lr dw
        p += s["v"]                                                        # w <- w + v


class AdaGrad(Optimizer):
    """AdaGrad (Lesson 3): each weight gets its own step size that shrinks as its squared gradients add up.
    h <- h + dw^2 ;  w <- w - lr * dw / (sqrt(h) + eps)

    Inputs: lr > 0 (default 0.01); eps > 0 (default 1e-8, keeps the first division finite).
    ``update(params, grads)`` changes every params array in place. Returns None. h starts at zero.
    """

    def __init__(self, lr=0.01, eps=1e-8):
        super().__init__(lr)
        self.eps = check_rate(eps, "eps", where="AdaGrad", low_inclusive=True, example=1e-8)

    def _step(self, key, p, g):
        s = self._slots(key, p, "h")                                       # zeros at the first step
        s["h"] = s["h"] + g ** 2                                           # h <- h + dw^2
        p -= self.lr * g / (np.sqrt(s["h"]) + self.eps)                    # w <- w - lr dw / (sqrt(h) + eps)


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015; Lesson 3): momentum on the gradient and on its square, with bias correction.
    m <- b1 m + (1 - b1) dw ;  v <- b2 v + (1 - b2) dw^2
    m_hat = m / (1 - b1^t) ;  v_hat = v / (1 - b2^t) ;  w <- w - lr * m_hat / (sqrt(v_hat) + eps)
    t counts the updates, starting at 1.

    Inputs: lr > 0 (default 1e-3); beta1, beta2 in [0, 1) (defaults 0.9 and 0.999); eps > 0 (default 1e-8).
    ``update(params, grads)`` changes every params array in place. Returns None. m and v start at zero.
    """

    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        super().__init__(lr)
        for name, value, usual in (("beta1", beta1, 0.9), ("beta2", beta2, 0.999), ("eps", eps, 1e-8)):
            check_rate(value, name, where="Adam", low=0.0, low_inclusive=name != "eps",
                       high=1.0 if name != "eps" else None, example=usual)
        self.beta1, self.beta2, self.eps = float(beta1), float(beta2), float(eps)

    def _step(self, key, p, g):
        s = self._slots(key, p, "m", "v")                                  # zeros at the first step
        s["m"] = self.beta1 * s["m"] + (1 - self.beta1) * g                # m <- b1 m + (1 - b1) dw
        s["v"] = self.beta2 * s["v"] + (1 - self.beta2) * g ** 2           # v <- b2 v + (1 - b2) dw^2
        m_hat = s["m"] / (1 - self.beta1 ** self.t)
        v_hat = s["v"] / (1 - self.beta2 ** self.t)
        p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
