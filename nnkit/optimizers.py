"""Optimizers: interchangeable objects with one method, ``update(params, grads)``.

``params`` and ``grads`` are dicts of NumPy arrays with the same keys and shapes (a model's
``params``/``grads``, or ``{"w": np.array(1.0)}`` for a 1-D landscape). Parameters change in place.
"""
import numpy as np

from .errors import ShapeError

__all__ = ["SGD", "Momentum", "AdaGrad", "Adam"]


class Optimizer:
    def __init__(self, lr):
        lr = float(lr)
        if not np.isfinite(lr) or lr <= 0:
            raise ValueError(f"{type(self).__name__}: the learning rate lr must be a positive number, got {lr}.")
        self.lr = lr
        self.state = {}
        self.t = 0

    def _check(self, params, grads):
        if set(params) != set(grads):
            raise ShapeError(f"{type(self).__name__}.update: params and grads must have the same keys; "
                             f"params has {sorted(params)}, grads has {sorted(grads)}.")
        for k, p in params.items():
            g = grads[k]
            if not isinstance(g, np.ndarray) and isinstance(g, (float, int, np.number)):
                g = np.asarray(g)            # a plain number is a fine gradient for a 0-d parameter
            if not isinstance(p, np.ndarray) or not isinstance(g, np.ndarray) or p.shape != g.shape:
                raise ShapeError(f"{type(self).__name__}.update: the gradient of {k!r} must be an array of the "
                                 f"parameter's shape {getattr(p, 'shape', None)}, but it has shape "
                                 f"{getattr(g, 'shape', type(g).__name__)}.")
            if not np.issubdtype(p.dtype, np.floating):
                raise ShapeError(f"{type(self).__name__}.update: parameter {k!r} has dtype {p.dtype}; it must be "
                                 f"a float array to change in place (e.g. np.array(1.0), not np.array(1)).")

    def _buffer(self, key, name, like):
        slot = self.state.setdefault(key, {})
        if name not in slot or slot[name].shape != like.shape:
            slot[name] = np.zeros_like(like)
        return slot[name]

    def update(self, params, grads):
        """Change every array of ``params`` in place, using the same-named array of ``grads``."""
        self._check(params, grads)
        self.t += 1
        self._prepare()
        for k, p, g in self._pairs(params, grads):
            self._step(k, p, g)

    def _prepare(self):
        pass

    @staticmethod
    def _pairs(params, grads):
        # A Sequential keeps all its parameters in one flat array (params.flat); updating that one array
        # is the same computation as updating each view of it, with far fewer NumPy calls.
        fp, fg = getattr(params, "flat", None), getattr(grads, "flat", None)
        if fp is not None and fg is not None and fp.shape == fg.shape:
            return [("__flat__", fp, fg)]
        return [(k, params[k], grads[k]) for k in params]

    def __repr__(self):
        return f"{type(self).__name__}(lr={self.lr:g})"


class SGD(Optimizer):
    """Plain gradient descent: w <- w - lr * dw."""

    def __init__(self, lr=0.01):
        super().__init__(lr)

    def _step(self, key, p, g):
        p -= self.lr * g


class Momentum(Optimizer):
    """Gradient descent with momentum (a heavy ball):
    v <- momentum * v - lr * dw ;  w <- w + v
    """

    def __init__(self, lr=0.01, momentum=0.9):
        super().__init__(lr)
        self.momentum = float(momentum)

    def _step(self, key, p, g):
        v = self._buffer(key, "v", p)
        v *= self.momentum
        v -= self.lr * g
        p += v


class AdaGrad(Optimizer):
    """AdaGrad: each weight gets its own step size that shrinks as its squared gradients add up.
    h <- h + dw^2 ;  w <- w - lr * dw / (sqrt(h) + eps)
    """

    def __init__(self, lr=0.01, eps=1e-8):
        super().__init__(lr)
        self.eps = float(eps)

    def _step(self, key, p, g):
        h = self._buffer(key, "h", p)
        h += g * g
        p -= self.lr * g / (np.sqrt(h) + self.eps)


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015): momentum on the gradient and on its square, with bias correction.
    m <- b1 m + (1 - b1) dw ;  v <- b2 v + (1 - b2) dw^2
    m_hat = m / (1 - b1^t) ;  v_hat = v / (1 - b2^t) ;  w <- w - lr * m_hat / (sqrt(v_hat) + eps)
    """

    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        super().__init__(lr)
        self.beta1, self.beta2, self.eps = float(beta1), float(beta2), float(eps)

    def _prepare(self):
        c1 = 1.0 - self.beta1 ** self.t
        sqrt_c2 = np.sqrt(1.0 - self.beta2 ** self.t)
        # m_hat / (sqrt(v_hat) + eps) = (sqrt(c2) / c1) * m / (sqrt(v) + eps sqrt(c2)): the same number,
        # computed without dividing the whole arrays by c1 and c2
        self._step_size = self.lr * sqrt_c2 / c1
        self._eps_hat = self.eps * sqrt_c2

    def _step(self, key, p, g):
        m = self._buffer(key, "m", p)
        v = self._buffer(key, "v", p)
        tmp = self._buffer(key, "tmp", p)
        m *= self.beta1                                     # m <- b1 m + (1 - b1) g
        np.multiply(g, 1.0 - self.beta1, out=tmp); m += tmp
        v *= self.beta2                                     # v <- b2 v + (1 - b2) g^2
        np.multiply(g, g, out=tmp); tmp *= 1.0 - self.beta2; v += tmp
        np.sqrt(v, out=tmp); tmp += self._eps_hat           # w <- w - lr m_hat / (sqrt(v_hat) + eps)
        np.divide(m, tmp, out=tmp); tmp *= self._step_size
        p -= tmp
