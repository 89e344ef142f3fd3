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
        self._check(params, grads)
        self.t += 1
        for k in params:
            self._step(k, params[k], grads[k])

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

    def update(self, params, grads):
        self._check(params, grads)
        self.t += 1
        c1 = 1.0 - self.beta1 ** self.t
        c2 = 1.0 - self.beta2 ** self.t
        self._step_size = self.lr / c1
        self._sqrt_c2 = np.sqrt(c2)
        for k in params:
            self._step(k, params[k], grads[k])

    def _step(self, key, p, g):
        m = self._buffer(key, "m", p)
        v = self._buffer(key, "v", p)
        tmp = self._buffer(key, "tmp", p)
        # m += (1 - b1) (g - m) ; v += (1 - b2) (g^2 - v): the same averages, with no temporaries
        np.subtract(g, m, out=tmp); tmp *= (1.0 - self.beta1); m += tmp
        np.multiply(g, g, out=tmp); tmp -= v; tmp *= (1.0 - self.beta2); v += tmp
        # w -= (lr / c1) * m / (sqrt(v) / sqrt(c2) + eps)
        np.sqrt(v, out=tmp); tmp /= self._sqrt_c2; tmp += self.eps
        np.divide(m, tmp, out=tmp); tmp *= self._step_size
        p -= tmp
