"""Optimizers: interchangeable objects with one method, ``update(params, grads)``. Lesson 3 writes these update
rules for one weight w; here the same lines run on every array of a model, one array at a time.

``params`` and ``grads`` are dicts of NumPy arrays with the same keys and shapes: a model's ``params``/``grads``
(``{"W1": ..., "b1": ...}``), or ``{"w": np.array(1.0)}`` for one weight. The weights change in place.
Names: lesson 3 writes the learning rate η as ``eta`` in its hand-written loops; nnkit calls it ``lr`` (the
README lists where each spelling is used). Momentum's factor, 0.9 in lesson 3 and ``beta`` in exercise 3, is
``momentum`` here. Each optimizer keeps its per-weight state (velocity, sums of squares) under the weight's name.
The checks of the arguments are at the end of this file.
"""
import numpy as np

from .errors import ShapeError, check_rate
from .i18n import tr

__all__ = ["SGD", "Momentum", "AdaGrad", "Adam"]


class Optimizer:
    """Base class (Lesson 3): ``update`` runs ``step(name, w, dw)`` on every weight array; a subclass writes
    ``step``, the rule for one array ``w`` with its gradient ``dw`` (same shape), changing ``w`` in place.

    Inputs: lr > 0, the learning rate. Returns an optimizer; ``update(params, grads)`` returns None.
    Attributes: ``lr``, ``t`` (the number of updates so far) and ``state`` (per-weight arrays, by name).
    """

    def update(self, params, grads):
        """One step: change every array of ``params`` in place, using the same-named array of ``grads``.

        Inputs: params {name: float array}, grads {name: array of the same shape}. Returns None.
        """
        grads = _checked(self, params, grads)
        self.t += 1
        for name in params:
            self.step(name, params[name], grads[name])

    def __init__(self, lr):
        self.lr = check_rate(lr, tr("the learning rate lr"), where=type(self).__name__, example=0.01)
        self.state = {}
        self.t = 0

    def __repr__(self):
        return f"{type(self).__name__}(lr={self.lr:g})"


class SGD(Optimizer):
    """Plain gradient descent (Lesson 2): w <- w - lr * dw.

    Inputs: lr > 0 (default 0.01). ``update(params, grads)`` changes every params array in place. Returns None.
    """

    def step(self, name, w, dw):
        w -= self.lr * dw                                                  # lesson 2: w = w - eta * gradient(w)

    def __init__(self, lr=0.01):
        super().__init__(lr)


class Momentum(Optimizer):
    """Gradient descent with momentum, a heavy ball rolling downhill (Lesson 3):
    v <- momentum * v - lr * dw ;  w <- w + v

    Inputs: lr > 0 (default 0.01); momentum in [0, 1) (default 0.9: the ball keeps 90 % of its speed).
    ``update(params, grads)`` changes every params array in place. Returns None. v starts at zero.
    """

    def step(self, name, w, dw):
        v = _state(self, name, w, "v")["v"]                               # zeros at the first step
        v = self.momentum * v - self.lr * dw                               # lesson 3: v = 0.9 * v - eta * g
        w += v                                                             # lesson 3: w = w + v
        self.state[name]["v"] = v

    def __init__(self, lr=0.01, momentum=0.9):
        super().__init__(lr)
        self.momentum = check_rate(momentum, "momentum", where="Momentum", low=0.0, high=1.0,
                                   low_inclusive=True, example=0.9)


class AdaGrad(Optimizer):
    """AdaGrad (Lesson 3): each weight gets its own step size that shrinks as its squared gradients add up.
    h <- h + dw^2 ;  w <- w - lr * dw / (sqrt(h) + eps)

    Inputs: lr > 0 (default 0.01); eps > 0 (default 1e-8, keeps the first division finite).
    ``update(params, grads)`` changes every params array in place. Returns None. h starts at zero.
    """

    def step(self, name, w, dw):
        h = _state(self, name, w, "h")["h"] + dw ** 2                     # h <- h + dw^2 (h starts at zeros)
        w -= self.lr * dw / (np.sqrt(h) + self.eps)                        # w <- w - lr dw / (sqrt(h) + eps)
        self.state[name]["h"] = h

    def __init__(self, lr=0.01, eps=1e-8):
        super().__init__(lr)
        self.eps = check_rate(eps, "eps", where="AdaGrad", low_inclusive=True, example=1e-8)


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015; Lesson 3): momentum on the gradient and on its square, with bias correction.
    m <- b1 m + (1 - b1) dw ;  v <- b2 v + (1 - b2) dw^2
    m_hat = m / (1 - b1^t) ;  v_hat = v / (1 - b2^t) ;  w <- w - lr * m_hat / (sqrt(v_hat) + eps)
    t counts the updates, starting at 1.

    Inputs: lr > 0 (default 1e-3); beta1, beta2 in [0, 1) (defaults 0.9 and 0.999); eps > 0 (default 1e-8).
    ``update(params, grads)`` changes every params array in place. Returns None. m and v start at zero.
    """

    def step(self, name, w, dw):
        s = _state(self, name, w, "m", "v")                               # zeros at the first step
        s["m"] = self.beta1 * s["m"] + (1 - self.beta1) * dw               # m <- b1 m + (1 - b1) dw
        s["v"] = self.beta2 * s["v"] + (1 - self.beta2) * dw ** 2          # v <- b2 v + (1 - b2) dw^2
        m_hat = s["m"] / (1 - self.beta1 ** self.t)
        v_hat = s["v"] / (1 - self.beta2 ** self.t)
        w -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)

    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        super().__init__(lr)
        for name, value, usual in (("beta1", beta1, 0.9), ("beta2", beta2, 0.999), ("eps", eps, 1e-8)):
            check_rate(value, name, where="Adam", low=0.0, low_inclusive=name != "eps",
                       high=1.0 if name != "eps" else None, example=usual)
        self.beta1, self.beta2, self.eps = float(beta1), float(beta2), float(eps)


# ---------------------------------------------------------------------------------------------------------
# The per-weight state and the checks of update's arguments.

def _state(opt, name, like, *keys):
    """The state dict of weight ``name``: at its first step (or when the weight's shape changed) an array of
    zeros shaped like ``like`` for each of ``keys``."""
    slot = opt.state.get(name)
    if slot is None or slot[keys[0]].shape != like.shape:
        slot = opt.state[name] = {key: np.zeros_like(like) for key in keys}
    return slot


def _checked(opt, params, grads):
    """Raise a clear error unless params and grads are dicts with the same keys, every parameter a float array
    and every gradient an array of its parameter's shape. Returns grads, or a copy in which plain numbers
    became 0-d arrays."""
    where = type(opt).__name__
    for name, d in (("params", params), ("grads", grads)):
        if not isinstance(d, dict):
            raise TypeError(tr("{where}.update(params, grads): {name} must be a dict of arrays, e.g. model.{name}, "
                               "but a {type} was given. For one array w write update({{'w': w}}, {{'w': dw}}).",
                               where=where, name=name, type=type(d).__name__))
    if params.keys() != grads.keys():
        raise ShapeError(tr("{where}.update: params and grads must have the same keys; params has {param_keys}, grads "
                            "has {grad_keys}.", where=where, param_keys=sorted(params), grad_keys=sorted(grads)))
    for k, p in params.items():
        g = grads[k]
        if type(g) is np.ndarray and type(p) is np.ndarray and g.shape == p.shape and p.dtype.kind == "f":
            continue                     # the usual case, checked in one line
        if not isinstance(p, np.ndarray):
            example = f"np.array({p!r}, dtype=float)" if isinstance(p, (list, tuple, int, float)) else "np.array(...)"
            if isinstance(p, list) and all(isinstance(v, float) for v in p):
                example = f"np.array({p!r})"
            raise ShapeError(tr("{where}.update: the parameter {k!r} must be a float NumPy array, which the optimizer "
                                "changes in place, but a {type} was given. Make it an array before training, e.g. "
                                "params = {{{k!r}: {example}}}, and keep using that same array.", where=where, k=k,
                                type=type(p).__name__, example=example))
        if p.dtype.kind != "f":
            raise ShapeError(tr("{where}.update: the parameter {k!r} has dtype {dtype}; it must be a float array to "
                                "change in place (e.g. np.array(1.0), not np.array(1)).", where=where, k=k,
                                dtype=p.dtype))
        if not isinstance(g, np.ndarray) and isinstance(g, (float, int, np.number)):
            grads = {**grads, k: np.asarray(g)}   # a plain number is a fine gradient for a 0-d parameter
            g = grads[k]
        if not isinstance(g, np.ndarray) or p.shape != g.shape:
            raise ShapeError(tr("{where}.update: the gradient of {k!r} must be an array of the parameter's shape "
                                "{shape}, but it has shape {grad_shape}.", where=where, k=k, shape=p.shape,
                                grad_shape=getattr(g, "shape", type(g).__name__)))
    return grads
