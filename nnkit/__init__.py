"""nnkit: the small NumPy helper package of the course "How neural networks learn".

Simple and readable rather than general: every layer is a few lines whose backward pass mirrors its
forward pass, so a learner can open the file and recognise the code written in the lessons.

Rooms of the package (one idea per module):
    data/          MNIST (shipped, checksummed), toy 2-D sets, pixel-art digits
    functions      relu, sigmoid, tanh, softmax, cross_entropy
    layers         Linear, ReLU, Sigmoid, Tanh          (forward / backward, params / grads)
    losses         SoftmaxCrossEntropy, MSE, BinaryCrossEntropy
    model          Sequential, mlp
    optimizers     SGD, Momentum, AdaGrad, Adam         (update(params, grads))
    schedules      OneCycle: the learning rate as a function of how far training has got
    training       train, evaluate, minibatches, History
    metrics        accuracy, confusion_matrix
    gradcheck      numerical_gradient, rel_error, check_gradients
    autodiff       Value: a tiny reverse-mode automatic differentiation (lesson 7)
    plotting, landscape, widgets   figures and interactive widgets of the lessons (matplotlib and
                   ipywidgets load on first use)
    doctor         python -m nnkit doctor: check the set-up
    i18n           set_language("ja"): messages, widget labels and figure texts in Japanese

Names: parameters are W1, b1, W2, ... as in lesson 6 (the k-th layer with parameters gets k); the
learning rate is lr in nnkit's optimizers and widgets, and eta in the hand-written loops of lessons 2-4
and in least_squares_descent / descent_widget (the README lists every place). The instructors' tools
live in a separate package, coursetools, which nnkit never imports.

Shape convention: rows are examples. X (N, D), W (D, M), b (M,), integer labels y (N,).
"""
from . import threads as _threads   # NumPy matrix products on one BLAS thread (why: nnkit/threads.py)
from .i18n import language, set_language
from .errors import ShapeError, DataError, TrainingDiverged
from .functions import relu, sigmoid, tanh, softmax, one_hot, cross_entropy
from .layers import Layer, Linear, ReLU, Sigmoid, Tanh
from .losses import SoftmaxCrossEntropy, MSE, BinaryCrossEntropy
from .model import Sequential, mlp
from .optimizers import SGD, Momentum, AdaGrad, Adam
from .schedules import OneCycle
from .training import train, evaluate, minibatches, History
from .metrics import accuracy, confusion_matrix
from .gradcheck import numerical_gradient, rel_error, check_gradients
from .autodiff import Value
from .data import load_mnist, two_clouds, moons, circles

__version__ = "0.1.0"

__all__ = [
    "ShapeError", "DataError", "TrainingDiverged",
    "relu", "sigmoid", "tanh", "softmax", "one_hot", "cross_entropy",
    "Layer", "Linear", "ReLU", "Sigmoid", "Tanh",
    "SoftmaxCrossEntropy", "MSE", "BinaryCrossEntropy",
    "Sequential", "mlp", "SGD", "Momentum", "AdaGrad", "Adam", "OneCycle",
    "train", "evaluate", "minibatches", "History", "accuracy", "confusion_matrix",
    "numerical_gradient", "rel_error", "check_gradients",
    "load_mnist", "two_clouds", "moons", "circles", "Value", "language", "set_language",
]

# Submodules that need matplotlib or ipywidgets load on first use (nnkit.plotting, ...), so that
# `import nnkit` needs NumPy only.
_LAZY_MODULES = {"plotting", "widgets", "landscape", "doctor"}


def __getattr__(name):
    import importlib
    if name in _LAZY_MODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'nnkit' has no attribute {name!r}")
