"""A layer a learner writes with lesson 6's backward lines works everywhere nnkit's own layers do:
inside Sequential, with train and every optimizer, and with check_gradients (the contract in docs/LAYERS.md)."""
import numpy as np
import pytest

import nnkit


class LessonLinear:
    """The class form of lesson 6's g["W3"] = cache["x2"].T @ dp: backward assigns new gradient arrays (no base
    class, no in-place tricks), as docs/LAYERS.md sketches it."""

    def __init__(self, D, M, seed=0):
        rng = np.random.default_rng(seed)
        self.params = {"W": rng.standard_normal((D, M)) * np.sqrt(2.0 / D), "b": np.zeros(M)}
        self.grads = {"W": np.zeros((D, M)), "b": np.zeros(M)}

    def forward(self, X):
        self.X = X
        return X @ self.params["W"] + self.params["b"]

    def backward(self, dout):
        self.grads["W"] = self.X.T @ dout
        self.grads["b"] = dout.sum(axis=0)
        return dout @ self.params["W"].T


class InPlaceLinear(LessonLinear):
    """The other legal way: write the gradients into the existing arrays, and keep attributes that are the
    very same arrays as params (DLFS style)."""

    def __init__(self, D, M, seed=0):
        super().__init__(D, M, seed)
        self.W, self.b = self.params["W"], self.params["b"]

    def forward(self, X):
        self.X = X
        return X @ self.W + self.b

    def backward(self, dout):
        self.grads["W"][...] = self.X.T @ dout
        self.grads["b"][...] = dout.sum(axis=0)
        return dout @ self.W.T


class LessonTanh(nnkit.Layer):
    def forward(self, X):
        self.out = np.tanh(X)
        return self.out

    def backward(self, dout):
        return dout * (1 - self.out ** 2)


@pytest.mark.parametrize("Layer", [LessonLinear, InPlaceLinear])
@pytest.mark.parametrize("make_opt", [lambda: nnkit.SGD(0.3), lambda: nnkit.Adam(0.02), lambda: nnkit.Momentum(0.1),
                                      lambda: nnkit.AdaGrad(0.1)], ids=["SGD", "Adam", "Momentum", "AdaGrad"])
def test_learner_layers_train_inside_sequential(Layer, make_opt):
    X, y = nnkit.moons(300, noise=0.1, seed=1)
    model = nnkit.Sequential(Layer(2, 16, seed=0), LessonTanh(), Layer(16, 2, seed=1))
    first_W = model.layers[0].params["W"].copy()
    nnkit.train(model, nnkit.SoftmaxCrossEntropy(), make_opt(), X, y, epochs=40, batch_size=32, progress=False)
    # every layer learned (the first one too), and the model fits the moons as nnkit's own layers do
    assert not np.allclose(model.layers[0].params["W"], first_W)
    assert nnkit.accuracy(model.predict(X), y) > 0.95
    # the names are the lesson's
    assert list(model.params) == ["W1", "b1", "W2", "b2"] == list(model.grads)
    assert model.params["W1"] is model.layers[0].params["W"]


def test_learner_layer_matches_nnkit_linear_step_for_step():
    X, y = nnkit.moons(200, noise=0.1, seed=3)
    ours = nnkit.Sequential(nnkit.Linear(2, 8, seed=0), nnkit.ReLU(), nnkit.Linear(8, 2, seed=1))
    theirs = nnkit.Sequential(LessonLinear(2, 8), nnkit.ReLU(), LessonLinear(8, 2))
    for k in ("W1", "b1", "W2", "b2"):
        theirs.params[k][...] = ours.params[k]
    for model in (ours, theirs):
        nnkit.train(model, nnkit.SoftmaxCrossEntropy(), nnkit.Adam(0.01), X, y, epochs=5, batch_size=20,
                    progress=False)
    for k in ("W1", "b1", "W2", "b2"):
        np.testing.assert_allclose(theirs.params[k], ours.params[k], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("Layer", [LessonLinear, InPlaceLinear])
def test_check_gradients_passes_a_correct_learner_layer(Layer):
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((6, 3)), rng.integers(0, 2, 6)
    model = nnkit.Sequential(Layer(3, 4, seed=2), LessonTanh(), Layer(4, 2, seed=3))
    report = nnkit.check_gradients(model, nnkit.SoftmaxCrossEntropy(), X, y, verbose=False, input_grad=True)
    assert set(report) == {"W1", "b1", "W2", "b2", "X"}
    assert max(report.values()) < 1e-7, report
    # and a single learner layer on its own
    report = nnkit.check_gradients(Layer(3, 2, seed=4), nnkit.SoftmaxCrossEntropy(), X, y, verbose=False)
    assert max(report.values()) < 1e-7, report


def test_check_gradients_flags_a_wrong_learner_layer():
    class Wrong(LessonLinear):
        def backward(self, dout):
            self.grads["W"] = self.X.T @ dout
            self.grads["b"] = dout.mean(axis=0)             # mean instead of sum: wrong
            return dout @ self.params["W"].T
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((6, 3)), rng.integers(0, 2, 6)
    report = nnkit.check_gradients(nnkit.Sequential(Wrong(3, 2)), nnkit.SoftmaxCrossEntropy(), X, y, verbose=False)
    assert report["b1"] > 1e-2 and report["W1"] < 1e-7


def test_a_class_instead_of_a_layer_is_refused_clearly():
    with pytest.raises(TypeError, match=r"ReLU\(\.\.\.\) with parentheses"):
        nnkit.Sequential(nnkit.Linear(2, 3), nnkit.ReLU, nnkit.Linear(3, 2))


def test_old_parameter_names_get_a_helpful_error():
    model = nnkit.mlp([4, 3, 2])
    with pytest.raises(KeyError, match="W1, b1, W2, b2"):
        model.params["0.W"]


def test_sigmoid_of_unsigned_integers_is_right():
    # -abs(x) wraps around for uint8: pixels 2 and 200 once gave sigmoid 0 and 0
    x = np.array([0, 2, 200], dtype=np.uint8)
    np.testing.assert_allclose(nnkit.sigmoid(x), nnkit.sigmoid(x.astype(float)))
    np.testing.assert_allclose(nnkit.functions.sigmoid_grad(x), nnkit.functions.sigmoid_grad(x.astype(float)))
    assert nnkit.sigmoid(np.array([True, False])).tolist() == pytest.approx([0.7310585786, 0.5])
