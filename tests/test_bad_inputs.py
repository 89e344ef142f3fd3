"""Bad input, as learners give it, to every public function of nnkit: wrong shapes, dtypes, empty arrays,
NaN, labels out of range, negative or zero sizes and rates, classes instead of objects, arguments in the
wrong order. Each case checks the error's type and that its message names the argument and the fix
(two or more words that must appear in it). Nothing here may end in an error from inside NumPy or Python,
or in a silently wrong answer.
"""
import numpy as np
import pytest

import nnkit
from nnkit import functions as F
from nnkit.autodiff import MLP, Neuron, Value
from nnkit.metrics import to_labels

ShapeError, DataError = nnkit.ShapeError, nnkit.DataError

X, y = nnkit.moons(20, seed=0)                    # (20, 2) floats, labels 0/1
Y1 = y.astype(float)[:, None]                     # (20, 1) regression targets
TEXT = np.array([["1", "2"], ["3", "4"]])
OBJ = np.array([1.0, None], dtype=object)
PROBS = np.array([[0.2, 0.8], [0.6, 0.4]])
SCORES = np.array([[2.0, -1.0], [0.5, 3.0]])


def model():
    return nnkit.mlp([2, 3, 2])


def with_nan(a, value=np.nan):
    a = np.array(a, dtype=float)
    a[3, 0] = value
    return a


def after_forward(layer, shape=(4, 3)):
    layer.forward(np.ones(shape))
    return layer


def train(*args, **kw):
    kw.setdefault("progress", False)
    return nnkit.train(*args, **kw)


class NoParams:
    def forward(self, X):
        return X

    def backward(self, dout):
        return dout


SCE, MSE, BCE = nnkit.SoftmaxCrossEntropy, nnkit.MSE, nnkit.BinaryCrossEntropy
SGD, Adam = nnkit.SGD, nnkit.Adam

CASES = [
    # ------------------------------------------------------------ functions
    ("relu text", lambda: F.relu("abc"), ShapeError, ["x", "float("]),
    ("relu text array", lambda: F.relu(np.array(["a", "b"])), ShapeError, ["x", "not numbers", "return_inverse"]),
    ("relu None", lambda: F.relu(None), ShapeError, ["x", "return"]),
    ("relu_grad text array", lambda: F.relu_grad(np.array(["1"])), ShapeError, ["x", "astype(float)"]),
    ("sigmoid complex", lambda: F.sigmoid(np.array([1j])), ShapeError, ["x", ".real"]),
    ("sigmoid_grad objects", lambda: F.sigmoid_grad(OBJ), ShapeError, ["x", "dtype=float"]),
    ("tanh dict", lambda: F.tanh({"a": 1}), ShapeError, ["x", "np.asarray(x)"]),
    ("tanh_grad ragged", lambda: F.tanh_grad([[1, 2], [3]]), ShapeError, ["x", "same length"]),
    ("softmax empty", lambda: F.softmax(np.zeros((0, 3))), ShapeError, ["scores", "slicing"]),
    ("softmax text", lambda: F.softmax("x"), ShapeError, ["scores", "float("]),
    ("one_hot zero classes", lambda: F.one_hot(y, 0), ValueError, ["num_classes", "at least 1"]),
    ("one_hot swapped", lambda: F.one_hot(3, y), TypeError, ["num_classes", "one_hot(y, num_classes)"]),
    ("one_hot label too big", lambda: F.one_hot(np.array([0, 5]), 3), ShapeError, ["labels", "0..2"]),
    ("one_hot fractional labels", lambda: F.one_hot(np.array([0.5]), 2), ShapeError, ["labels y", "astype(int)"]),
    ("one_hot given one-hot", lambda: F.one_hot(np.eye(3), 3), ShapeError, ["y", "argmax"]),
    ("one_hot float classes", lambda: F.one_hot(y, 2.5), TypeError, ["num_classes", "Round"]),
    ("cross_entropy raw scores", lambda: F.cross_entropy(SCORES, np.array([0, 1])), ShapeError,
     ["probs", "softmax(scores)"]),
    ("cross_entropy swapped", lambda: F.cross_entropy(np.array([0, 1]), PROBS), ShapeError,
     ["probs", "cross_entropy(probs, y)"]),
    ("cross_entropy too many labels", lambda: F.cross_entropy(PROBS, np.array([0, 1, 1])), ShapeError,
     ["labels", "same number of rows"]),
    ("cross_entropy NaN probs", lambda: F.cross_entropy(with_nan(np.full((4, 2), 0.5)), np.zeros(4, int)),
     ShapeError, ["probs", "Check the scores"]),
    ("cross_entropy label out of range", lambda: F.cross_entropy(PROBS, np.array([0, 2])), ShapeError,
     ["labels", "0..1"]),
    ("cross_entropy 3-D", lambda: F.cross_entropy(np.ones((2, 2, 2)) / 2, np.array([0, 1])), ShapeError,
     ["probs", "2-D"]),
    # ------------------------------------------------------------ layers
    ("Linear D zero", lambda: nnkit.Linear(0, 3), ValueError, ["D", "at least 1"]),
    ("Linear M negative", lambda: nnkit.Linear(3, -1), ValueError, ["M", "at least 1"]),
    ("Linear fractional D", lambda: nnkit.Linear(2.5, 3), TypeError, ["D", "Round"]),
    ("Linear D text", lambda: nnkit.Linear("3", 2), TypeError, ["D", "whole number"]),
    ("Linear class as M", lambda: nnkit.Linear(2, nnkit.ReLU), TypeError, ["M", "class ReLU"]),
    ("Linear weights as D", lambda: nnkit.Linear(np.zeros((2, 3)), 3), TypeError, ["D and M", "W=W"]),
    ("Linear unknown init", lambda: nnkit.Linear(2, 3, init="gaussian"), ValueError, ["init", "he"]),
    ("Linear W shape", lambda: nnkit.Linear(2, 3, W=np.zeros((3, 2))), ShapeError, ["W", "(2, 3)"]),
    ("Linear b shape", lambda: nnkit.Linear(2, 3, b=np.zeros(2)), ShapeError, ["b", "(3,)"]),
    ("Linear W text", lambda: nnkit.Linear(2, 2, W=TEXT), ShapeError, ["W", "astype(float)"]),
    ("Linear.forward width", lambda: nnkit.Linear(2, 3).forward(np.zeros((4, 5))), ShapeError, ["X", "(N, 2)"]),
    ("Linear.forward 1-D", lambda: nnkit.Linear(2, 3).forward(np.zeros(2)), ShapeError, ["X", "X[None, :]"]),
    ("Linear.forward empty", lambda: nnkit.Linear(2, 3).forward(np.zeros((0, 2))), ShapeError, ["X", "batch_size"]),
    ("Linear.forward text", lambda: nnkit.Linear(2, 3).forward(TEXT), ShapeError, ["X", "astype(float)"]),
    ("Linear.forward images", lambda: nnkit.Linear(4, 3).forward(np.zeros((5, 2, 2))), ShapeError, ["X", "reshape"]),
    ("Linear.forward NaN-free objects", lambda: nnkit.Linear(2, 3).forward(np.array([[1, None]], dtype=object)),
     ShapeError, ["X", "None"]),
    ("Linear.backward first", lambda: nnkit.Linear(2, 3).backward(np.zeros((4, 3))), ShapeError,
     ["backward", "forward(X) first"]),
    ("Linear.backward dout shape", lambda: after_forward(nnkit.Linear(3, 2)).backward(np.zeros((4, 3))), ShapeError,
     ["dout", "(4, 2)"]),
    ("Linear.backward list", lambda: after_forward(nnkit.Linear(3, 2)).backward([[0.0, 0.0]] * 4), ShapeError,
     ["dout", "np.asarray(dout)"]),
    ("ReLU.forward text", lambda: nnkit.ReLU().forward("abc"), ShapeError, ["X", "float("]),
    ("ReLU.backward first", lambda: nnkit.ReLU().backward(np.zeros((2, 2))), ShapeError, ["backward", "forward(X) first"]),
    ("ReLU.backward shape", lambda: after_forward(nnkit.ReLU()).backward(np.zeros((3, 4))), ShapeError, ["dout", "(4, 3)"]),
    ("Sigmoid.forward None", lambda: nnkit.Sigmoid().forward(None), ShapeError, ["X", "return"]),
    ("Sigmoid.backward list", lambda: after_forward(nnkit.Sigmoid()).backward([[1.0] * 3] * 4), ShapeError,
     ["dout", "np.asarray(dout)"]),
    ("Tanh.forward text", lambda: nnkit.Tanh().forward(TEXT), ShapeError, ["X", "astype(float)"]),
    ("Tanh.backward text", lambda: after_forward(nnkit.Tanh(), (2, 2)).backward(TEXT), ShapeError,
     ["dout", "astype(float)"]),
    # ------------------------------------------------------------ Sequential and mlp
    ("Sequential empty", lambda: nnkit.Sequential(), ValueError, ["layer", "Sequential(Linear(784, 10))"]),
    ("Sequential class", lambda: nnkit.Sequential(nnkit.Linear(2, 3), nnkit.ReLU), TypeError, ["ReLU", "parentheses"]),
    ("Sequential text", lambda: nnkit.Sequential(nnkit.Linear(2, 3), "relu"), TypeError, ["item 1", "forward and backward"]),
    ("mlp one number", lambda: nnkit.mlp(784), TypeError, ["sizes", "mlp([784, 100, 10])"]),
    ("mlp one size", lambda: nnkit.mlp([784]), ShapeError, ["output size", "[784, 10]"]),
    ("mlp zero width", lambda: nnkit.mlp([2, 0, 2]), ValueError, ["sizes", "at least 1"]),
    ("mlp fractional width", lambda: nnkit.mlp([2, 3.5, 2]), TypeError, ["sizes", "Round"]),
    ("mlp unknown activation", lambda: nnkit.mlp([2, 3, 2], activation="softplus"), ValueError, ["activation", "relu"]),
    ("model.forward width", lambda: model().forward(np.zeros((4, 5))), ShapeError, ["X", "(N, 2)"]),
    ("model.params old name", lambda: model().params["0.W"], KeyError, ["W1", "lesson 6"]),
    ("model.predict text", lambda: model().predict(TEXT), ShapeError, ["X", "astype(float)"]),
    ("model.predict 1-D", lambda: model().predict(np.zeros(2)), ShapeError, ["X", "X[None, :]"]),
    # ------------------------------------------------------------ losses
    ("SCE one column", lambda: SCE().forward(np.zeros((4, 1)), np.zeros(4, int)), ShapeError,
     ["scores", "BinaryCrossEntropy(from_logits=True)"]),
    ("SCE label out of range", lambda: SCE().forward(SCORES, np.array([0, 2])), ShapeError, ["labels", "last layer"]),
    ("SCE negative label", lambda: SCE().forward(SCORES, np.array([0, -1])), ShapeError, ["labels", "0..1"]),
    ("SCE one-hot labels", lambda: SCE().forward(SCORES, np.eye(2)), ShapeError, ["y", "argmax"]),
    ("SCE column labels", lambda: SCE().forward(SCORES, np.array([[0], [1]])), ShapeError, ["y", "ravel"]),
    ("SCE fractional labels", lambda: SCE().forward(SCORES, np.array([0.5, 1.0])), ShapeError, ["labels", "astype(int)"]),
    ("SCE label count", lambda: SCE().forward(SCORES, np.array([0, 1, 1])), ShapeError, ["labels", "same number of rows"]),
    ("SCE text scores", lambda: SCE().forward(TEXT, np.array([0, 1])), ShapeError, ["scores", "astype(float)"]),
    ("SCE swapped", lambda: SCE().forward(np.array([0, 1]), SCORES), ShapeError, ["scores", "forward(scores, y)"]),
    ("SCE backward first", lambda: SCE().backward(), ShapeError, ["backward", "compute the loss first"]),
    ("MSE (N,) vs (N, 1)", lambda: MSE().forward(np.zeros(4), np.zeros((4, 1))), ShapeError, ["t", "reshape"]),
    ("MSE text", lambda: MSE().forward(TEXT, TEXT), ShapeError, ["y_hat", "astype(float)"]),
    ("MSE empty", lambda: MSE().forward(np.zeros((0, 1)), np.zeros((0, 1))), ShapeError, ["y_hat", "slicing"]),
    ("MSE NaN targets", lambda: MSE().forward(np.zeros((4, 1)), with_nan(np.zeros((4, 1)))), ShapeError,
     ["t", "nan_to_num"]),
    ("MSE backward first", lambda: MSE().backward(), ShapeError, ["backward", "compute the loss first"]),
    ("BCE above 1", lambda: BCE().forward(np.array([[2.0], [0.5]]), np.array([1, 0])), ShapeError,
     ["probabilities", "from_logits=True"]),
    ("BCE two columns", lambda: BCE().forward(PROBS, np.array([1, 0])), ShapeError, ["(N, 1)", "SoftmaxCrossEntropy"]),
    ("BCE label 2", lambda: BCE().forward(np.array([0.5, 0.5]), np.array([0, 2])), ShapeError,
     ["labels", "(predictions, labels)"]),
    ("BCE text labels", lambda: BCE().forward(np.array([0.5, 0.5]), np.array(["a", "b"])), ShapeError,
     ["y", "(y == 'b').astype(int)"]),
    ("BCE label count", lambda: BCE().forward(np.array([0.5, 0.5]), np.array([0, 1, 1])), ShapeError,
     ["labels", "same number of rows"]),
    ("BCE column labels", lambda: BCE().forward(np.array([[0.5], [0.5]]), np.array([[0, 1], [1, 0]])), ShapeError,
     ["labels y", "(N,)"]),
    ("BCE from_logits text", lambda: BCE(from_logits="yes"), TypeError, ["from_logits", "from_logits=True"]),
    ("BCE negative eps", lambda: BCE(eps=-1.0), ValueError, ["eps", "1e-12"]),
    ("BCE backward first", lambda: BCE().backward(), ShapeError, ["backward", "compute the loss first"]),
    ("BCE NaN labels", lambda: BCE().forward(np.array([0.5, 0.5]), np.array([0.0, np.nan])), ShapeError,
     ["labels", "0 or 1"]),
    # ------------------------------------------------------------ optimizers
    ("SGD lr zero", lambda: SGD(0), ValueError, ["lr", "0.01"]),
    ("SGD lr negative", lambda: SGD(-0.1), ValueError, ["lr", "positive"]),
    ("SGD lr text", lambda: SGD("0.1"), TypeError, ["lr", "0.01"]),
    ("SGD lr NaN", lambda: SGD(np.nan), ValueError, ["lr", "0.01"]),
    ("SGD lr array", lambda: SGD(np.array([0.1])), TypeError, ["lr", "right order"]),
    ("Momentum 1.5", lambda: nnkit.Momentum(0.1, momentum=1.5), ValueError, ["momentum", "0.9"]),
    ("Momentum negative", lambda: nnkit.Momentum(0.1, momentum=-0.1), ValueError, ["momentum", "0.9"]),
    ("AdaGrad negative eps", lambda: nnkit.AdaGrad(0.1, eps=-1), ValueError, ["eps", "1e-08"]),
    ("Adam beta1 1", lambda: Adam(beta1=1.0), ValueError, ["beta1", "0.9"]),
    ("Adam beta2 negative", lambda: Adam(beta2=-0.5), ValueError, ["beta2", "0.999"]),
    ("Adam eps zero", lambda: Adam(eps=0), ValueError, ["eps", "1e-08"]),
    ("Adam lr an optimizer", lambda: Adam(lr=SGD()), TypeError, ["lr", "0.01"]),
    ("update lists", lambda: SGD().update([np.zeros(2)], [np.zeros(2)]), TypeError, ["params", "model.params"]),
    ("update keys", lambda: SGD().update({"w": np.zeros(2)}, {"v": np.zeros(2)}), ShapeError, ["params", "same keys"]),
    ("update shapes", lambda: SGD().update({"w": np.zeros(2)}, {"w": np.zeros(3)}), ShapeError, ["'w'", "shape (2,)"]),
    ("update int params", lambda: SGD().update({"w": np.array(1)}, {"w": np.array(1)}), ShapeError,
     ["'w'", "np.array(1.0)"]),
    # ------------------------------------------------------------ train, evaluate, minibatches
    ("train loss class", lambda: train(model(), SCE, SGD(), X, y), TypeError, ["loss", "SoftmaxCrossEntropy()"]),
    ("train optimizer class", lambda: train(model(), SCE(), Adam, X, y), TypeError, ["optimizer", "Adam(lr=0.01)"]),
    ("train loss and optimizer swapped", lambda: train(model(), Adam(), SCE(), X, y), TypeError, ["loss", "swapped"]),
    ("train model class", lambda: train(nnkit.Sequential, SCE(), SGD(), X, y), TypeError, ["model", "Sequential(...)"]),
    ("train data first", lambda: train(X, y, model(), SCE(), SGD()), TypeError, ["model", "right order"]),
    ("train no params", lambda: train(NoParams(), SCE(), SGD(), X, y), TypeError, ["model", "Sequential(layer1"]),
    ("train epochs zero", lambda: train(model(), SCE(), SGD(), X, y, epochs=0), ValueError, ["epochs", "at least 1"]),
    ("train epochs fractional", lambda: train(model(), SCE(), SGD(), X, y, epochs=2.5), TypeError, ["epochs", "Round"]),
    ("train batch_size zero", lambda: train(model(), SCE(), SGD(), X, y, batch_size=0), ValueError,
     ["batch_size", "batch_size=100"]),
    ("train batch_size negative", lambda: train(model(), SCE(), SGD(), X, y, batch_size=-5), ValueError,
     ["batch_size", "at least 1"]),
    ("train batch_size text", lambda: train(model(), SCE(), SGD(), X, y, batch_size="100"), TypeError,
     ["batch_size", "whole number"]),
    ("train seed text", lambda: train(model(), SCE(), SGD(), X, y, seed="abc"), TypeError, ["seed", "whole number"]),
    ("train X NaN", lambda: train(model(), SCE(), SGD(), with_nan(X), y), ShapeError, ["X", "nan_to_num"]),
    ("train X inf", lambda: train(model(), SCE(), SGD(), with_nan(X, np.inf), y), ShapeError, ["X", "drop those rows"]),
    ("train targets NaN", lambda: train(nnkit.mlp([2, 3, 1]), MSE(), SGD(), X, with_nan(Y1)), ShapeError,
     ["y", "nan_to_num"]),
    ("train X text", lambda: train(model(), SCE(), SGD(), X.astype(str), y), ShapeError, ["X", "astype(float)"]),
    ("train y text", lambda: train(model(), SCE(), SGD(), X, y.astype(str)), ShapeError, ["y", "astype(float)"]),
    ("train rows differ", lambda: train(model(), SCE(), SGD(), X, y[:-1]), ShapeError, ["y", "exactly one label"]),
    ("train X 1-D", lambda: train(model(), SCE(), SGD(), X[:, 0], y), ShapeError, ["X", "reshape(-1, 1)"]),
    ("train X_val alone", lambda: train(model(), SCE(), SGD(), X, y, X_val=X), ValueError, ["X_val and y_val", "both"]),
    ("train X_val width", lambda: train(model(), SCE(), SGD(), X, y, X_val=X[:, :1], y_val=y), ShapeError,
     ["X_val", "columns"]),
    ("train X_val NaN", lambda: train(model(), SCE(), SGD(), X, y, X_val=with_nan(X), y_val=y), ShapeError,
     ["X_val", "nan_to_num"]),
    ("train labels out of range", lambda: train(model(), SCE(), SGD(), X, y + 1), ShapeError, ["labels", "last layer"]),
    ("train empty", lambda: train(model(), SCE(), SGD(), X[:0], y[:0]), ShapeError, ["X", "slicing"]),
    ("evaluate batch_size zero", lambda: nnkit.evaluate(model(), SCE(), X, y, batch_size=0), ValueError,
     ["evaluate", "batch_size"]),
    ("evaluate batch_size negative", lambda: nnkit.evaluate(model(), SCE(), X, y, batch_size=-1), ValueError,
     ["evaluate", "batch_size"]),
    ("evaluate X NaN", lambda: nnkit.evaluate(model(), SCE(), with_nan(X), y), ShapeError, ["X", "nan_to_num"]),
    ("evaluate loss class", lambda: nnkit.evaluate(model(), SCE, X, y), TypeError, ["loss", "SoftmaxCrossEntropy()"]),
    ("evaluate swapped", lambda: nnkit.evaluate(X, y, model(), SCE()), TypeError, ["model", "right order"]),
    ("minibatches batch_size zero", lambda: list(nnkit.minibatches(X, y, 0)), ValueError, ["batch_size", "at least 1"]),
    ("minibatches rows differ", lambda: list(nnkit.minibatches(X, y[:5], 4)), ShapeError, ["y", "exactly one label"]),
    ("minibatches seed negative", lambda: list(nnkit.minibatches(X, y, 4, seed=-1)), TypeError, ["seed", ">= 0"]),
    # ------------------------------------------------------------ metrics
    ("accuracy one-column logits", lambda: nnkit.accuracy(np.array([[-2.0], [3.0]]), np.array([0, 1])), ShapeError,
     ["logits=True", "model.predict(X)"]),
    ("accuracy label count", lambda: nnkit.accuracy(np.array([0, 1]), np.array([0, 1, 1])), ShapeError,
     ["labels", "same number of rows"]),
    ("accuracy text", lambda: nnkit.accuracy(np.array(["a", "b"]), np.array([0, 1])), ShapeError,
     ["y_hat", "np.unique(y_hat, return_inverse=True)[1]"]),
    ("accuracy 3-D", lambda: nnkit.accuracy(np.zeros((2, 2, 2)), np.array([0, 1])), ShapeError,
     ["y_hat", "scores (N, C)"]),
    ("accuracy fractional labels", lambda: nnkit.accuracy(np.array([0, 1]), np.array([0.5, 1.0])), ShapeError,
     ["labels", "astype(int)"]),
    ("accuracy swapped", lambda: nnkit.accuracy(np.array([0, 1]), PROBS), ShapeError, ["y", "argmax"]),
    ("confusion_matrix out of range", lambda: nnkit.confusion_matrix(np.array([0, 1]), np.array([0, 3]), num_classes=2),
     ShapeError, ["labels", "0..1"]),
    ("confusion_matrix zero classes", lambda: nnkit.confusion_matrix(np.array([0, 1]), np.array([0, 1]), num_classes=0),
     ValueError, ["num_classes", "at least 1"]),
    ("to_labels None", lambda: to_labels(None), ShapeError, ["y_hat", "return"]),
    ("accuracy given a method", lambda: nnkit.accuracy(model().predict, y), ShapeError, ["y_hat", "model.predict(X)"]),
    # ------------------------------------------------------------ gradient checking
    ("numerical_gradient list", lambda: nnkit.numerical_gradient(lambda a: 0.0, [1.0, 2.0]), ShapeError,
     ["x", "np.asarray(x, dtype=float)"]),
    ("numerical_gradient swapped", lambda: nnkit.numerical_gradient(np.zeros(2), lambda a: 0.0), TypeError,
     ["f", "numerical_gradient(f, x)"]),
    ("numerical_gradient h zero", lambda: nnkit.numerical_gradient(lambda a: 0.0, np.zeros(2), h=0), ValueError,
     ["h", "1e-05"]),
    ("numerical_gradient h negative", lambda: nnkit.numerical_gradient(lambda a: 0.0, np.zeros(2), h=-1e-5), ValueError,
     ["h", "positive"]),
    ("rel_error shapes", lambda: nnkit.rel_error(np.zeros(2), np.zeros(3)), ShapeError, ["gradients", "same shape"]),
    ("rel_error text", lambda: nnkit.rel_error(np.array(["a"]), np.zeros(1)), ShapeError, ["a", "not numbers"]),
    ("check_gradients loss class", lambda: nnkit.check_gradients(model(), SCE, X, y), TypeError,
     ["loss", "SoftmaxCrossEntropy()"]),
    ("check_gradients X text", lambda: nnkit.check_gradients(model(), SCE(), TEXT, y[:2]), ShapeError,
     ["X", "astype(float)"]),
    ("check_gradients h zero", lambda: nnkit.check_gradients(model(), SCE(), X, y, h=0), ValueError, ["h", "1e-05"]),
    ("check_gradients swapped", lambda: nnkit.check_gradients(SCE(), model(), X, y), TypeError, ["loss", "order"]),
    # ------------------------------------------------------------ data
    ("load_mnist path first", lambda: nnkit.load_mnist("data/"), TypeError, ["flatten", "flatten=True"]),
    ("load_mnist uint8 normalized", lambda: nnkit.load_mnist(normalize=True, dtype=np.uint8), TypeError,
     ["dtype", "np.float32"]),
    ("load_mnist dtype text", lambda: nnkit.load_mnist(dtype="pixels"), TypeError, ["dtype", "np.float32"]),
    ("load_mnist data_dir number", lambda: nnkit.load_mnist(data_dir=123), TypeError, ["data_dir", "Path"]),
    ("moons one point", lambda: nnkit.moons(n=1), ValueError, ["n", "at least 2"]),
    ("moons n text", lambda: nnkit.moons(n="many"), TypeError, ["n", "whole number"]),
    ("moons negative noise", lambda: nnkit.moons(noise=-1), ValueError, ["noise", "0.2"]),
    ("moons seed text", lambda: nnkit.moons(seed="x"), TypeError, ["seed", "whole number"]),
    ("circles factor 2", lambda: nnkit.circles(factor=2), ValueError, ["factor", "between 0 and 1"]),
    ("circles negative noise", lambda: nnkit.circles(noise=-0.1), ValueError, ["noise", "0.1"]),
    ("two_clouds zero", lambda: nnkit.two_clouds(n=0), ValueError, ["n", "at least 1"]),
    ("two_clouds one center", lambda: nnkit.two_clouds(centers=[[0, 0]]), ValueError, ["centers", "(2, 2)"]),
    ("two_clouds negative std", lambda: nnkit.two_clouds(std=-1), ValueError, ["std", "1.0"]),
    ("read_idx empty", lambda: nnkit.data.read_idx(b""), DataError, ["IDX", "too short"]),
    # ------------------------------------------------------------ autodiff
    ("Value list", lambda: Value([1, 2]), TypeError, ["data", "[Value(v) for v in values]"]),
    ("Value ** Value", lambda: Value(2.0) ** Value(2.0), TypeError, ["exponent", "(b * a.log()).exp()"]),
    ("Value ** text", lambda: Value(2.0) ** "2", TypeError, ["exponent", "plain number"]),
    ("Value log 0", lambda: Value(0.0).log(), ValueError, ["logarithm", "1e-12"]),
    ("Value / 0", lambda: Value(1.0) / 0, ZeroDivisionError, ["divisor", "1e-12"]),
    ("Value * text", lambda: Value(1.0) * "a", TypeError, ["real number", "Value(2.0)"]),
    ("Value sqrt of negative", lambda: Value(-2.0) ** 0.5, ValueError, ["(-2) ** 0.5", "base >= 0"]),
    ("Value sqrt at 0", lambda: Value(0.0) ** 0.5, ZeroDivisionError, ["at 0", "1e-12"]),
    ("Value exp 1000", lambda: Value(1000.0).exp(), OverflowError, ["e ** 1000", ".sigmoid()"]),
    ("Neuron zero inputs", lambda: Neuron(0), ValueError, ["num_inputs", ">= 1"]),
    ("Neuron unknown act", lambda: Neuron(2, act="softplus"), ValueError, ["act", "'tanh'"]),
    ("Neuron wrong input count", lambda: Neuron(2)([1.0]), ValueError, ["inputs", "one number per input"]),
    ("MLP one size", lambda: MLP([2]), ValueError, ["sizes", "MLP([2, 4, 1])"]),
    ("MLP negative size", lambda: MLP([2, -1]), ValueError, ["sizes", ">= 1"]),
]


def test_there_are_at_least_100_cases():
    assert len(CASES) >= 100 and len({c[0] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("name, call, error, words", CASES, ids=[c[0] for c in CASES])
def test_bad_input_gets_a_clear_error(name, call, error, words):
    with pytest.raises(Exception) as info:
        call()
    assert isinstance(info.value, error), f"{type(info.value).__name__}: {info.value}"
    msg = str(info.value)
    for word in words:
        assert word in msg, f"{word!r} not in: {msg}"
