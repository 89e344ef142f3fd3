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
        fp, fg = getattr(params, "flat", None), getattr(grads, "flat", None)
        if fp is not None and fg is not None and fp.shape == fg.shape and fp.dtype.kind == "f":
            return                        # a Sequential's packed parameters: consistent by construction
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
        if not (0 <= beta1 < 1 and 0 <= beta2 < 1) or eps <= 0:
            raise ValueError(f"Adam: beta1 and beta2 must be in [0, 1) and eps > 0; got beta1={beta1}, "
                             f"beta2={beta2}, eps={eps}. The usual values are 0.9, 0.999 and 1e-8.")
        self.beta1, self.beta2, self.eps = float(beta1), float(beta2), float(eps)

    def _prepare(self):
        # Stored: M = m / (1 - b1) and V = v / (1 - b2), which need one pass less each:
        #   M <- b1 M + g,   V <- b2 V + g^2
        # and  lr m_hat / (sqrt(v_hat) + eps) = M / ((sqrt(V) + eps_V) / k)  with
        #   k = lr (1 - b1) sqrt(c2) / (c1 sqrt(1 - b2)),  eps_V = eps sqrt(c2) / sqrt(1 - b2):
        # the same number as the textbook formula, in 10 array passes instead of 12.
        c1 = 1.0 - self.beta1 ** self.t
        sqrt_c2 = np.sqrt(1.0 - self.beta2 ** self.t)
        k = self.lr * (1.0 - self.beta1) * sqrt_c2 / (c1 * np.sqrt(1.0 - self.beta2))
        self._inv_k2 = 1.0 / (k * k)
        self._eps_over_k = self.eps * sqrt_c2 / np.sqrt(1.0 - self.beta2) / k

    def _step(self, key, p, g):
        M = self._buffer(key, "M", p)
        V = self._buffer(key, "V", p)
        tmp = self._buffer(key, "tmp", p)
        M *= self.beta1; M += g                               # M <- b1 M + g
        V *= self.beta2; np.multiply(g, g, out=tmp); V += tmp   # V <- b2 V + g^2
        np.multiply(V, self._inv_k2, out=tmp); np.sqrt(tmp, out=tmp); tmp += self._eps_over_k
        np.divide(M, tmp, out=tmp)                            # = lr m_hat / (sqrt(v_hat) + eps)
        p -= tmp
