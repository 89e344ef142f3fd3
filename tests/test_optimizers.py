"""Optimizer steps against values computed by hand from their update rules."""
import numpy as np
import pytest

import nnkit


def _run(opt, grads_seq, w0=1.0):
    params = {"w": np.array([w0])}
    out = []
    for g in grads_seq:
        opt.update(params, {"w": np.array([g])})
        out.append(params["w"][0])
    return out


def test_sgd():
    # w = 1 - 0.1*2 = 0.8 ; then 0.8 - 0.1*(-1) = 0.9
    assert _run(nnkit.SGD(0.1), [2.0, -1.0]) == pytest.approx([0.8, 0.9])


def test_momentum():
    # v1 = -0.1*2 = -0.2, w1 = 0.8 ; v2 = 0.9*(-0.2) - 0.1*2 = -0.38, w2 = 0.42
    assert _run(nnkit.Momentum(0.1, momentum=0.9), [2.0, 2.0]) == pytest.approx([0.8, 0.42])


def test_adagrad():
    # h1 = 4, w1 = 1 - 0.5*2/2 = 0.5 ; h2 = 4 + 1 = 5, w2 = 0.5 - 0.5*1/sqrt(5)
    got = _run(nnkit.AdaGrad(0.5, eps=0.0), [2.0, 1.0])
    assert got == pytest.approx([0.5, 0.5 - 0.5 / np.sqrt(5)])


def test_adam_first_steps():
    # step 1: m = 0.1*g, v = 0.001*g^2, m_hat = g, v_hat = g^2 -> w -= lr * g/|g| = lr*sign(g)
    # step 2 with g = 1 after g = 2: m = 0.9*0.2 + 0.1 = 0.28, v = 0.999*0.004 + 0.001 = 0.004996
    #   m_hat = 0.28/0.19, v_hat = 0.004996/0.001999
    m_hat, v_hat = 0.28 / 0.19, 0.004996 / (1 - 0.999 ** 2)
    expected2 = 1.0 - 0.01 - 0.01 * m_hat / (np.sqrt(v_hat) + 1e-8)
    got = _run(nnkit.Adam(lr=0.01), [2.0, 1.0])
    assert got == pytest.approx([0.99, expected2], rel=1e-6)


def test_flat_update_equals_per_array_update():
    """A Sequential's packed parameters get exactly the update each array would get on its own."""
    rng = np.random.default_rng(0)
    model = nnkit.mlp([3, 4, 2], seed=1)
    loose = {k: v.copy() for k, v in model.params.items()}
    for opt_a, opt_b in ((nnkit.Adam(0.01), nnkit.Adam(0.01)), (nnkit.Momentum(0.1), nnkit.Momentum(0.1)),
                         (nnkit.AdaGrad(0.1), nnkit.AdaGrad(0.1)), (nnkit.SGD(0.1), nnkit.SGD(0.1))):
        for _ in range(3):
            for k in model.grads:
                model.grads[k][...] = rng.standard_normal(model.grads[k].shape)
            opt_a.update(model.params, model.grads)
            opt_b.update(loose, {k: g.copy() for k, g in model.grads.items()})
        for k in loose:
            assert np.allclose(model.params[k], loose[k], rtol=1e-12, atol=1e-15)


def test_zero_dimensional_parameter_for_1d_landscapes():
    params = {"w": np.array(1.0)}
    opt = nnkit.SGD(0.1)
    for _ in range(50):
        opt.update(params, {"w": 2 * params["w"]})   # E(w) = w^2
    assert abs(float(params["w"])) < 1e-4


def test_bad_update_arguments():
    with pytest.raises(nnkit.ShapeError, match="same keys"):
        nnkit.SGD(0.1).update({"w": np.zeros(2)}, {"v": np.zeros(2)})
    with pytest.raises(nnkit.ShapeError, match="shape"):
        nnkit.SGD(0.1).update({"w": np.zeros(2)}, {"w": np.zeros(3)})
    with pytest.raises(nnkit.ShapeError, match="float"):
        nnkit.SGD(0.1).update({"w": np.array(1)}, {"w": np.array(1)})
    with pytest.raises(ValueError, match="positive"):
        nnkit.Adam(lr=-1)


@pytest.mark.parametrize("name", ["SGD", "Momentum", "AdaGrad", "Adam"])
def test_against_pytorch_optimizers_if_installed(name):
    torch = pytest.importorskip("torch", reason="PyTorch not installed: the independent cross-check is skipped")
    rng = np.random.default_rng(3)
    w0 = rng.standard_normal(5)
    grads = rng.standard_normal((6, 5))
    ours = {"SGD": nnkit.SGD(0.1), "Momentum": nnkit.Momentum(0.1, 0.9), "AdaGrad": nnkit.AdaGrad(0.1, eps=1e-10),
            "Adam": nnkit.Adam(0.01)}[name]
    tw = torch.tensor(w0.copy(), requires_grad=True)
    theirs = {"SGD": lambda: torch.optim.SGD([tw], lr=0.1),
              # torch's momentum form v = mu v + g, w -= lr v is the same trajectory as ours for constant lr
              "Momentum": lambda: torch.optim.SGD([tw], lr=0.1, momentum=0.9),
              "AdaGrad": lambda: torch.optim.Adagrad([tw], lr=0.1, eps=1e-10),
              "Adam": lambda: torch.optim.Adam([tw], lr=0.01)}[name]()
    params = {"w": w0.copy()}
    for g in grads:
        ours.update(params, {"w": g.copy()})
        tw.grad = torch.tensor(g.copy())
        theirs.step()
    assert np.allclose(params["w"], tw.detach().numpy(), rtol=1e-9, atol=1e-12)
