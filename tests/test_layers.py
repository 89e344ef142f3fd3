"""Every layer and loss: backward agrees with central-difference gradients (float64, rel. error < 1e-7),
and forward agrees with formulas written independently here."""
import numpy as np
import pytest

import nnkit
from nnkit import gradcheck

TOL = 1e-7


def _layer_grad_errors(layer, X, seed=0):
    """Check dX and every parameter gradient of ``layer`` for the scalar L = sum(out * R)."""
    R = np.random.default_rng(seed + 1).standard_normal(layer.forward(X).shape)
    f = lambda _: float(np.sum(layer.forward(X) * R))
    f(None)
    dX = layer.backward(R.copy())
    errors = {"X": gradcheck.rel_error(dX, gradcheck.numerical_gradient(f, X))}
    analytic = {k: g.copy() for k, g in layer.grads.items()}
    for name, p in layer.params.items():
        errors[name] = gradcheck.rel_error(analytic[name], gradcheck.numerical_gradient(f, p))
    return errors


@pytest.mark.parametrize("make", [lambda: nnkit.Linear(5, 4, seed=3), nnkit.ReLU, nnkit.Sigmoid, nnkit.Tanh],
                         ids=["Linear", "ReLU", "Sigmoid", "Tanh"])
def test_layer_gradients(make):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((6, 5))
    X[np.abs(X) < 0.05] = 0.3          # keep ReLU inputs away from its kink, where no derivative exists
    errors = _layer_grad_errors(make(), X)
    assert errors and max(errors.values()) < TOL, errors


def test_linear_forward_is_affine_map():
    layer = nnkit.Linear(3, 2, W=np.arange(6.).reshape(3, 2), b=np.array([1., -1.]))
    X = np.array([[1., 0., 2.]])
    # by hand: [1*0 + 0*2 + 2*4 + 1, 1*1 + 0*3 + 2*5 - 1] = [9, 10]
    assert np.array_equal(layer.forward(X), np.array([[9., 10.]]))


def test_activation_values():
    x = np.array([-2.0, 0.0, 3.0])
    assert np.array_equal(nnkit.ReLU().forward(x[None]), np.array([[0.0, 0.0, 3.0]]))
    assert np.allclose(nnkit.Sigmoid().forward(x[None]), 1 / (1 + np.exp(-x))[None])
    big = nnkit.sigmoid(np.array([-1000.0, 1000.0]))   # no overflow warning, exact limits
    assert np.array_equal(big, [0.0, 1.0])


@pytest.mark.parametrize("name", ["softmax_ce", "mse", "bce", "bce_logits"])
def test_loss_gradients(name):
    rng = np.random.default_rng(1)
    if name == "softmax_ce":
        loss, y_hat, y = nnkit.SoftmaxCrossEntropy(), rng.standard_normal((7, 4)), rng.integers(0, 4, 7)
    elif name == "mse":
        loss, y_hat, y = nnkit.MSE(), rng.standard_normal((7, 3)), rng.standard_normal((7, 3))
    elif name == "bce":
        loss, y_hat, y = nnkit.BinaryCrossEntropy(), rng.uniform(0.05, 0.95, (7, 1)), rng.integers(0, 2, 7)
    else:
        loss, y_hat, y = nnkit.BinaryCrossEntropy(from_logits=True), rng.standard_normal((7, 1)) * 3, rng.integers(0, 2, 7)
    loss.forward(y_hat, y)
    analytic = loss.backward()
    numeric = gradcheck.numerical_gradient(lambda _: loss.forward(y_hat, y), y_hat)
    assert gradcheck.rel_error(analytic, numeric) < TOL


def test_loss_values_match_their_definitions():
    scores = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]])
    y = np.array([0, 2])
    p = np.exp(scores) / np.exp(scores).sum(1, keepdims=True)
    expected = -(np.log(p[0, 0]) + np.log(p[1, 2])) / 2
    assert nnkit.SoftmaxCrossEntropy().forward(scores, y) == pytest.approx(expected, rel=1e-12)
    q = np.array([[0.9], [0.2], [0.6]])
    t = np.array([1, 0, 0])
    bce = -(np.log(0.9) + np.log(0.8) + np.log(0.4)) / 3       # mean -log P(right class)
    assert nnkit.BinaryCrossEntropy().forward(q, t) == pytest.approx(bce, rel=1e-12)
    z = np.log(q / (1 - q))                                    # the logits of the same probabilities
    assert nnkit.BinaryCrossEntropy(from_logits=True).forward(z, t) == pytest.approx(bce, rel=1e-9)
    assert nnkit.MSE().forward(np.array([[1.0, 2.0]]), np.array([[0.0, 4.0]])) == pytest.approx(2.5)


def test_softmax_ce_is_stable_for_huge_scores():
    loss = nnkit.SoftmaxCrossEntropy()
    value = loss.forward(np.array([[1000.0, 0.0], [0.0, -1000.0]]), np.array([1, 0]))
    assert np.isfinite(value) and value == pytest.approx(500.0)


def test_sequential_gradient_check_float64():
    rng = np.random.default_rng(2)
    model = nnkit.Sequential(nnkit.Linear(4, 6, seed=1), nnkit.Tanh(), nnkit.Linear(6, 5, seed=2), nnkit.ReLU(),
                             nnkit.Linear(5, 3, seed=3))
    X = rng.standard_normal((8, 4))
    y = rng.integers(0, 3, 8)
    report = nnkit.check_gradients(model, nnkit.SoftmaxCrossEntropy(), X, y, verbose=False, input_grad=True)
    assert set(report) == {"W1", "b1", "W2", "b2", "W3", "b3", "X"}
    assert max(report.values()) < TOL, report


def test_gradient_check_catches_a_wrong_backward():
    class BrokenTanh(nnkit.Tanh):
        def backward(self, dout):
            return dout * (1.0 - self.out)          # forgot the square
    model = nnkit.Sequential(nnkit.Linear(3, 4, seed=0), BrokenTanh(), nnkit.Linear(4, 2, seed=1))
    X = np.random.default_rng(0).standard_normal((5, 3))
    report = nnkit.check_gradients(model, nnkit.SoftmaxCrossEntropy(), X, np.array([0, 1, 1, 0, 1]), verbose=False)
    assert report["W1"] > 1e-3


def test_against_pytorch_if_installed():
    torch = pytest.importorskip("torch", reason="PyTorch not installed: the independent cross-check is skipped")
    rng = np.random.default_rng(5)
    model = nnkit.mlp([6, 5, 4, 3], activation="relu", seed=4)
    X, y = rng.standard_normal((9, 6)), rng.integers(0, 3, 9)
    loss = nnkit.SoftmaxCrossEntropy()
    value = loss.forward(model.forward(X), y)
    model.backward(loss.backward())
    tl = [torch.nn.Linear(6, 5), torch.nn.ReLU(), torch.nn.Linear(5, 4), torch.nn.ReLU(), torch.nn.Linear(4, 3)]
    for k, j in ((1, 0), (2, 2), (3, 4)):
        tl[j].weight.data = torch.tensor(model.params[f"W{k}"].T.copy())
        tl[j].bias.data = torch.tensor(model.params[f"b{k}"].copy())
    tm = torch.nn.Sequential(*tl).double()
    tv = torch.nn.functional.cross_entropy(tm(torch.tensor(X)), torch.tensor(y))
    tv.backward()
    assert value == pytest.approx(tv.item(), rel=1e-12)
    for k, i in ((1, 0), (2, 2), (3, 4)):
        assert np.allclose(model.grads[f"W{k}"], tl[i].weight.grad.numpy().T, rtol=1e-10, atol=1e-13)
        assert np.allclose(model.grads[f"b{k}"], tl[i].bias.grad.numpy(), rtol=1e-10, atol=1e-13)
