"""Bad input gets an error that says what was expected, what was given, and what to do."""
import numpy as np
import pytest

import nnkit


def test_linear_wrong_width_names_both_shapes():
    with pytest.raises(nnkit.ShapeError) as info:
        nnkit.Linear(784, 10).forward(np.zeros((5, 28, 28)))
    msg = str(info.value)
    assert "2-D" in msg and "(5, 28, 28)" in msg and "reshape" in msg
    with pytest.raises(nnkit.ShapeError, match=r"\(N, 784\).*\(5, 100\)"):
        nnkit.Linear(784, 10).forward(np.zeros((5, 100)))


def test_single_example_hint():
    with pytest.raises(nnkit.ShapeError, match=r"\[None, :\]"):
        nnkit.Linear(3, 2).forward(np.zeros(3))


def test_empty_batch():
    with pytest.raises(nnkit.ShapeError, match="empty"):
        nnkit.Linear(3, 2).forward(np.zeros((0, 3)))


def test_labels_out_of_range_and_one_hot_and_column():
    loss = nnkit.SoftmaxCrossEntropy()
    with pytest.raises(nnkit.ShapeError, match=r"0\.\.9.*12"):
        loss.forward(np.zeros((3, 10)), np.array([1, 2, 12]))
    with pytest.raises(nnkit.ShapeError, match="one-hot"):
        loss.forward(np.zeros((3, 10)), np.eye(10)[:3])
    with pytest.raises(nnkit.ShapeError, match="ravel"):
        loss.forward(np.zeros((3, 10)), np.array([[1], [2], [3]]))
    with pytest.raises(nnkit.ShapeError, match="3 examples but 2 labels"):
        loss.forward(np.zeros((3, 10)), np.array([1, 2]))
    with pytest.raises(nnkit.ShapeError, match="dtype"):
        loss.forward(np.zeros((2, 10)), np.array([0.5, 1.0]))


def test_no_silent_broadcasting_in_mse():
    with pytest.raises(nnkit.ShapeError, match=r"\(4, 1\).*\(4,\)"):
        nnkit.MSE().forward(np.zeros((4, 1)), np.zeros(4))


def test_backward_before_forward_and_wrong_dout():
    with pytest.raises(nnkit.ShapeError, match="before forward"):
        nnkit.ReLU().backward(np.zeros((2, 2)))
    layer = nnkit.Linear(3, 2)
    layer.forward(np.zeros((4, 3)))
    with pytest.raises(nnkit.ShapeError, match=r"\(4, 2\)"):
        layer.backward(np.zeros((4, 3)))


def test_non_array_inputs_are_named():
    with pytest.raises(nnkit.ShapeError, match="X must be numbers, but the text"):
        nnkit.Linear(3, 2).forward("pixels")


def test_train_argument_checks():
    X, y = nnkit.moons(20)
    model = nnkit.mlp([2, 3, 2])
    with pytest.raises(nnkit.ShapeError, match="20 rows but y has 19"):
        nnkit.train(model, nnkit.SoftmaxCrossEntropy(), nnkit.SGD(0.1), X, y[:-1], progress=False)
    with pytest.raises(ValueError, match="batch_size"):
        nnkit.train(model, nnkit.SoftmaxCrossEntropy(), nnkit.SGD(0.1), X, y, batch_size=0, progress=False)
    with pytest.raises(nnkit.ShapeError, match="labels must lie in 0..1"):
        nnkit.train(model, nnkit.SoftmaxCrossEntropy(), nnkit.SGD(0.1), X, y + 1, progress=False)


def test_bce_rejects_scores_that_are_not_probabilities():
    with pytest.raises(nnkit.ShapeError, match="from_logits"):
        nnkit.BinaryCrossEntropy().forward(np.array([[2.0], [-1.0]]), np.array([1, 0]))


def test_toy_data_arguments():
    with pytest.raises(ValueError, match="factor"):
        nnkit.circles(factor=2)
    with pytest.raises(ValueError, match="at least"):
        nnkit.moons(n=1)


# ---------------------------------------------------------------- issue 14: answers that were silently wrong
# Each test below failed on the code before its fix (checked by reverting the fix).

def test_bce_float32_at_p_0_and_1_is_finite_like_pytorch():
    # float32 cannot hold 1 - 1e-12, so the old clip left p = 1: inf for label 0, nan for label 1.
    loss = nnkit.BinaryCrossEntropy()
    p = np.array([1.0, 0.5], dtype=np.float32)
    value = loss.forward(p, np.array([0, 1]))
    assert value == pytest.approx((100 + np.log(2)) / 2, rel=1e-6)   # log(1 - 1) floored at -100, as PyTorch
    grad = loss.backward()
    assert grad.dtype == np.float32 and np.all(np.isfinite(grad))
    assert loss.forward(np.array([1.0, 0.0], dtype=np.float32), np.array([1, 0])) == 0.0   # all right: 0, not nan
    assert np.array_equal(loss.backward(), np.zeros(2, dtype=np.float32))


def test_bce_matches_pytorch_including_0_and_1():
    torch = pytest.importorskip("torch", reason="PyTorch not installed: the independent cross-check is skipped")
    rng = np.random.default_rng(0)
    for dtype, tdtype in ((np.float32, torch.float32), (np.float64, torch.float64)):
        p = rng.uniform(0, 1, 40).astype(dtype)
        p[:6] = [0, 1, 0, 1, 1e-30, 1 - 1e-7]
        y = rng.integers(0, 2, 40).astype(dtype)
        y[:4] = [0, 0, 1, 1]
        y[-3:] = [0.3, 0.7, 0.5]                   # soft labels too
        loss = nnkit.BinaryCrossEntropy()
        ours = loss.forward(p, y)
        grad = loss.backward()
        pt = torch.tensor(p, requires_grad=True)
        ref = torch.nn.functional.binary_cross_entropy(pt, torch.tensor(y))
        ref.backward()
        assert ours == pytest.approx(ref.item(), rel=1e-6 if dtype == np.float32 else 1e-13)
        np.testing.assert_allclose(grad, pt.grad.numpy(), rtol=1e-5 if dtype == np.float32 else 1e-8)


def test_float32_sigmoid_and_bce_training_does_not_blame_the_learning_rate():
    # A float32 sigmoid is exactly 1.0 from z = 17 on: a confident right answer used to give a nan loss,
    # and train stopped with "the learning rate is probably too high".
    assert nnkit.sigmoid(np.float32(17.0)) == 1.0
    X = np.r_[np.linspace(2, 4, 20), -np.linspace(2, 4, 20)].astype(np.float32)[:, None]
    y = np.r_[np.ones(20, int), np.zeros(20, int)]
    model = nnkit.Sequential(nnkit.Linear(1, 1, W=np.array([[10.0]]), dtype=np.float32), nnkit.Sigmoid())
    history = nnkit.train(model, nnkit.BinaryCrossEntropy(), nnkit.SGD(0.1), X, y, epochs=3, batch_size=10,
                          progress=False)
    assert all(np.isfinite(row["loss"]) for row in history) and history[-1]["accuracy"] == 1.0


def test_cross_entropy_refuses_raw_scores():
    scores = np.array([[2.0, -1.0, 0.5], [0.1, 3.0, -2.0]])
    y = np.array([0, 1])
    with pytest.raises(nnkit.ShapeError) as info:
        nnkit.cross_entropy(scores, y)                 # used to return a negative "loss"
    assert "probs" in str(info.value) and "softmax(scores)" in str(info.value)
    assert nnkit.cross_entropy(nnkit.softmax(scores), y) > 0


def test_accuracy_reads_float_class_ids_as_ids():
    assert nnkit.accuracy(np.array([0.0, 1.0, 2.0]), np.array([0, 1, 2])) == 1.0      # was 0.667


def test_accuracy_refuses_one_column_logits():
    logits = np.array([[-2.0], [3.0], [0.3]])          # classes 0, 1, 1 (sigmoid(0.3) = 0.57)
    with pytest.raises(nnkit.ShapeError) as info:
        nnkit.accuracy(logits, np.array([0, 1, 1]))   # read as probabilities, 0.3 < 0.5 gave 0.667
    assert "logits=True" in str(info.value) and "predict" in str(info.value)
    assert nnkit.accuracy(nnkit.metrics.to_labels(logits, logits=True), np.array([0, 1, 1])) == 1.0


@pytest.mark.parametrize("batch_size", [-1, 0])
def test_evaluate_refuses_batch_sizes_below_one(batch_size):
    X, y = nnkit.moons(20)
    with pytest.raises(ValueError) as info:
        nnkit.evaluate(nnkit.mlp([2, 3, 2]), nnkit.SoftmaxCrossEntropy(), X, y, batch_size=batch_size)
    assert "evaluate" in str(info.value) and "batch_size" in str(info.value)


def _relu_net_at_a_kink():
    """A correct default ReLU net on a batch where nudging a weight moves a ReLU input across 0 (seed 0
    of 40 tried; about 1 in 10 are like this)."""
    rng = np.random.default_rng(0)
    model = nnkit.mlp([4, 6, 5, 3], seed=0)
    return model, rng.standard_normal((5, 4)), rng.integers(0, 3, 5)


def test_check_gradients_recognises_a_relu_kink(capsys):
    model, X, y = _relu_net_at_a_kink()
    report = nnkit.check_gradients(model, nnkit.SoftmaxCrossEntropy(), X, y)
    assert "kink" in report.verdicts.values() and report.ok
    assert max(report.values()) < 1e-7                # the entries left out were the kink's
    assert sum(report.skipped.values()) >= 1
    out = capsys.readouterr().out
    assert "ReLU" in out and "kink" in out and "WRONG" not in out


def test_check_gradients_still_flags_a_wrong_relu_backward_at_a_kink():
    class LeakyBackward(nnkit.ReLU):
        def backward(self, dout):
            return dout * (self.mask + 0.1)              # wrong: forward is ReLU, not leaky
    model, X, y = _relu_net_at_a_kink()
    model.layers[1] = LeakyBackward()
    report = nnkit.check_gradients(model, nnkit.SoftmaxCrossEntropy(), X, y, verbose=False)
    assert not report.ok and report.verdicts["W1"] == "wrong"


def test_check_gradients_judges_float32_by_float32_precision(capsys):
    rng = np.random.default_rng(1)
    model = nnkit.mlp([4, 6, 5, 3], "tanh", seed=1, dtype=np.float32)
    X, y = rng.standard_normal((5, 4)).astype(np.float32), rng.integers(0, 3, 5)
    report = nnkit.check_gradients(model, nnkit.SoftmaxCrossEntropy(), X, y)
    assert report.ok and set(report.verdicts.values()) == {"float32"}
    assert "float32" in capsys.readouterr().out

    class BrokenTanh(nnkit.Tanh):
        def backward(self, dout):
            return dout * (1.0 - self.out)               # forgot the square
    model.layers[1] = BrokenTanh()
    report = nnkit.check_gradients(model, nnkit.SoftmaxCrossEntropy(), X, y, verbose=False)
    assert report.verdicts["W1"] == "wrong" and report.verdicts["W3"] == "float32"


@pytest.mark.parametrize("where, value", [("X", np.nan), ("X", np.inf), ("y", np.nan), ("X_val", np.nan)])
def test_nan_or_inf_in_the_training_data_is_named_as_the_data(where, value):
    X, y = nnkit.moons(40)
    data = {"X": X.copy(), "y": y.astype(float)[:, None], "X_val": X[:10].copy(), "y_val": y[:10].astype(float)[:, None]}
    data[where][3, 0] = value
    model = nnkit.mlp([2, 4, 1])
    with pytest.raises(nnkit.ShapeError) as info:      # was TrainingDiverged blaming the learning rate
        nnkit.train(model, nnkit.MSE(), nnkit.SGD(0.1), data["X"], data["y"], X_val=data["X_val"],
                    y_val=data["y_val"], progress=False)
    msg = str(info.value)
    assert f"{where} (" in msg and "row 3" in msg and "learning rate" not in msg


def test_text_and_object_arrays_get_a_learner_message():
    with pytest.raises(nnkit.ShapeError, match=r"X must hold numbers, but it holds text .*astype\(float\)"):
        nnkit.Linear(2, 3).forward(np.array([["1", "2"]]))
    with pytest.raises(nnkit.ShapeError, match=r"holds Python objects .*None"):
        nnkit.relu(np.array([1.0, None], dtype=object))
    X, y = nnkit.moons(10)
    with pytest.raises(nnkit.ShapeError, match="y must hold numbers"):
        nnkit.train(nnkit.mlp([2, 3, 2]), nnkit.SoftmaxCrossEntropy(), nnkit.SGD(0.1), X, y.astype(str),
                    progress=False)


def test_a_list_as_dout():
    layer = nnkit.ReLU()
    layer.forward(np.ones((2, 2)))
    with pytest.raises(nnkit.ShapeError, match=r"dout must be a NumPy array .*np.asarray\(dout\)"):
        layer.backward([[1.0, 1.0], [1.0, 1.0]])


def test_classes_instead_of_instances_and_swapped_loss_and_optimizer():
    X, y = nnkit.moons(10)
    model = nnkit.mlp([2, 3, 2])
    with pytest.raises(TypeError, match=r"loss is the class SoftmaxCrossEntropy.*SoftmaxCrossEntropy\(\)"):
        nnkit.train(model, nnkit.SoftmaxCrossEntropy, nnkit.Adam(), X, y, progress=False)
    with pytest.raises(TypeError, match=r"optimizer is the class Adam.*Adam\(lr=0.01\)"):
        nnkit.train(model, nnkit.SoftmaxCrossEntropy(), nnkit.Adam, X, y, progress=False)
    with pytest.raises(TypeError, match="swapped"):
        nnkit.train(model, nnkit.Adam(), nnkit.SoftmaxCrossEntropy(), X, y, progress=False)
    with pytest.raises(TypeError, match=r"the class ReLU"):
        nnkit.Linear(2, nnkit.ReLU)


@pytest.mark.parametrize("make, error, words", [
    (lambda V: V(-2.0) ** 0.5, ValueError, ["(-2) ** 0.5", "base >= 0"]),
    (lambda V: V(0.0) ** 0.5, ZeroDivisionError, ["at 0", "infinite", "1e-12"]),
    (lambda V: V(1000.0).exp(), OverflowError, ["e ** 1000", "too large", "learning rate"]),
    (lambda V: V(10.0) ** 1000, OverflowError, ["10 ** 1000", "too large"]),
    (lambda V: V("3"), TypeError, ["real number", "Value(2.0)"]),
    (lambda V: V(0.0) ** -1, ZeroDivisionError, ["at 0"]),
])
def test_value_edge_cases_explain_themselves(make, error, words):
    from nnkit.autodiff import Value
    with pytest.raises(error) as info:
        make(Value)
    assert all(w in str(info.value) for w in words), str(info.value)


def test_value_power_zero_at_zero_has_derivative_zero():
    from nnkit.autodiff import Value
    x = Value(0.0)
    y = x ** 0                      # used to raise ZeroDivisionError inside the derivative 0 * 0 ** -1
    y.backward()
    assert y.data == 1.0 and x.grad == 0.0


def test_nan_in_the_data_loses_nothing():
    X, y = nnkit.moons(200)
    X = X.copy()
    X[150, 1] = np.nan                     # reached in the second epoch's order or the first: either way
    model = nnkit.mlp([2, 8, 2])
    before = {k: p.copy() for k, p in model.params.items()}
    with pytest.raises(nnkit.ShapeError, match=r"X \(the training inputs\) contains 1 NaN .*row 150"):
        nnkit.train(model, nnkit.SoftmaxCrossEntropy(), nnkit.Adam(0.01), X, y, epochs=1, batch_size=20,
                    progress=False)
    assert all(np.array_equal(model.params[k], before[k]) for k in before)   # restored to the epoch's start


def test_text_labels_get_advice_that_works():
    """'cat'/'dog' labels: the old advice y.astype(float) raised "could not convert string to float"."""
    p, y = np.array([0.2, 0.7, 0.9]), np.array(["cat", "dog", "dog"])
    with pytest.raises(nnkit.ShapeError) as info:
        nnkit.BinaryCrossEntropy().forward(p, y)
    msg = str(info.value)
    assert "astype(float)" not in msg
    assert "(y == 'dog').astype(int)" in msg and "np.unique(y, return_inverse=True)[1]" in msg
    assert nnkit.BinaryCrossEntropy().forward(p, (y == 'dog').astype(int)) > 0     # the advice works
    assert np.array_equal(np.unique(y, return_inverse=True)[1], [0, 1, 1])
    with pytest.raises(nnkit.ShapeError, match=r"astype\(float\)"):                # text that is numbers
        nnkit.BinaryCrossEntropy().forward(p, np.array(["0", "1", "1"]))


def test_a_list_as_a_parameter_is_named_as_the_parameter():
    """SGD.update({'w': [1.0, 2.0]}, ...) blamed the gradient ("the gradient of 'w' must be ... shape None")."""
    for grad in (np.array([1.0, 1.0]), [1.0, 1.0]):
        with pytest.raises(nnkit.ShapeError) as info:
            nnkit.SGD(0.1).update({"w": [1.0, 2.0]}, {"w": grad})
        msg = str(info.value)
        assert "parameter 'w'" in msg and "list" in msg and "np.array([1.0, 2.0])" in msg
        assert "gradient of" not in msg and "None" not in msg


def test_accuracy_and_confusion_matrix_take_the_logits_choice_of_to_labels():
    """One-column scores that happen to lie in [0, 1] were silently read as probabilities."""
    scores, y = np.array([[0.3], [0.2], [0.9], [0.6]]), np.array([1, 1, 1, 1])
    assert nnkit.accuracy(scores, y) == 0.5                       # read as probabilities: 0.3 < 0.5 -> class 0
    assert nnkit.accuracy(scores, y, logits=True) == 1.0          # read as scores: 0.3 >= 0 -> class 1
    assert nnkit.confusion_matrix(y, scores, num_classes=2, logits=True).tolist() == [[0, 0], [0, 4]]
