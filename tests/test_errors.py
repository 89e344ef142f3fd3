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
