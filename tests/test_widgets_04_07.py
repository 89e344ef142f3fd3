"""The logic behind the widgets of lessons 4-7, without a browser: set a value, check the result."""
import numpy as np
import pytest

import nnkit
from nnkit.widgets.classifier import LinearClassifierPlayground
from nnkit.widgets.hidden import fit_hidden_layer, HiddenLayerExplorer, boundary_grid, DATASETS
from nnkit.widgets.drawdigit import (preprocess, DigitSketch, grid_to_image, EXAMPLE_SKETCHES,
                                     plot_digit_probabilities)
from nnkit.widgets.graph import evaluate_expression, ExpressionExplorer


# ---------------------------------------------------------------- lesson 4: linear classifier playground
def test_playground_loss_is_mean_negative_log_of_right_class_probability():
    X = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]])
    y = np.array([1, 0, 1])
    play = LinearClassifierPlayground(X, y, w1=2.0, w2=-1.0, b=0.5)
    z = X @ np.array([2.0, -1.0]) + 0.5
    p = 1 / (1 + np.exp(-z))
    p_right = np.where(y == 1, p, 1 - p)
    assert play.loss() == pytest.approx(-np.mean(np.log(p_right)))
    assert play.likelihood() == pytest.approx(np.prod(p_right))
    assert play.loss() == pytest.approx(-np.log(play.likelihood()) / 3)
    # the same number as nnkit's BCE layer
    bce = nnkit.BinaryCrossEntropy()
    assert play.loss() == pytest.approx(bce.forward(p, y))


def test_playground_gradient_matches_numerical_and_fit_learns():
    play = LinearClassifierPlayground(w1=-1.0, w2=0.5, b=1.0)
    g = play.gradient()
    h = 1e-6
    for i, name in enumerate(("w1", "w2", "b")):
        base = {"w1": play.w[0], "w2": play.w[1], "b": play.b}
        up = LinearClassifierPlayground(play.X, play.y, **{**base, name: base[name] + h}).loss()
        down = LinearClassifierPlayground(play.X, play.y, **{**base, name: base[name] - h}).loss()
        assert g[i] == pytest.approx((up - down) / (2 * h), rel=1e-5, abs=1e-8)
    before = play.loss()
    play.fit(lr=0.5, steps=300)
    assert play.loss() < before
    assert play.accuracy() > 0.9       # two clouds 3.6 standard deviations apart


def test_playground_rejects_bad_labels():
    with pytest.raises(ValueError):
        LinearClassifierPlayground(np.zeros((3, 2)), np.array([0, 1, 2]))


# ---------------------------------------------------------------- lesson 5: hidden-layer explorer
def test_classifier_widget_sliders_always_show_the_model():
    pytest.importorskip("ipywidgets")
    from nnkit.widgets.classifier import classifier_widget
    box = classifier_widget(w1=-1.0, w2=1.0, b=0.0)
    play, sl = box.playground, box.sliders
    box.buttons[1].click()                                   # fit: the trained line lies inside the ranges
    assert [sl["w1"].value, sl["w2"].value, sl["b"].value] == pytest.approx([*play.w, play.b], abs=0.05)
    assert play.accuracy() > 0.95
    assert sl["b"].max == 10.0 and sl["b"].min == -10.0      # twice the trained |b| (4.4), rounded up to 5
    play.set(b=-50.0)                                        # a step that leaves the range is clipped in both
    box.buttons[0].click()
    assert sl["b"].value == play.b == sl["b"].min
    sl["w1"].value = 0.5                                     # touching one slider keeps the others' values
    assert play.w[0] == 0.5 and play.b == sl["b"].min


def test_shrinking_the_trained_line_keeps_accuracy_and_raises_loss():
    """The lesson's widget hint: w1, w2 and b times the same small number keep the line, not the loss."""
    play = LinearClassifierPlayground().fit(0.5, 300)
    acc, loss, (w1, w2), b = play.accuracy(), play.loss(), play.w.copy(), play.b
    play.set(w1=0.1 * w1, w2=0.1 * w2, b=0.1 * b)
    assert play.accuracy() == acc and play.loss() > 3 * loss


def test_hidden_layer_size_matters_on_circles():
    X, y = DATASETS["circles"]()
    small = fit_hidden_layer(X, y, 1, "tanh", lr=0.5, steps=1500)
    big = fit_hidden_layer(X, y, 10, "tanh", lr=0.5, steps=1500)
    assert small.accuracy < 0.8 < 0.97 <= big.accuracy
    assert big.losses[-1] < big.losses[0]


def test_hidden_explorer_caches_and_validates():
    ex = HiddenLayerExplorer("moons", num_hiddens=3, activation="relu", lr=0.5, steps=200)
    first = ex.fit()
    assert ex.fit() is first                     # same setting: cached
    ex.set(num_hiddens=4)
    assert ex.fit() is not first and ex.fit().num_hiddens == 4
    with pytest.raises(ValueError):
        ex.set(activation="softsign")
    with pytest.raises(ValueError):
        ex.set(dataset="spirals")


def test_hidden_fit_reports_divergence_as_nan_not_crash():
    X, y = DATASETS["moons"]()
    fit = fit_hidden_layer(X * 1e3, y, 5, "relu", lr=1e3, steps=50)
    assert not np.isfinite(fit.losses[-1]) and len(fit.losses) < 50   # stopped at the first inf/NaN
    assert np.isnan(fit.accuracy)


def test_boundary_grid_draws_one_panel_per_size():
    X, y = DATASETS["moons"]()
    fig, fits = boundary_grid(X, y, sizes=(1, 3), steps=50, ncols=2)
    assert sorted(fits) == [1, 3] and len(fig.axes) == 2


# ---------------------------------------------------------------- lesson 6: draw a digit
def test_preprocess_centres_and_scales_like_mnist():
    img = np.zeros((28, 28))
    img[1:8, 18:22] = 1.0                       # a small blob in the top right corner
    out = preprocess(img)
    assert out.shape == (28, 28) and out.dtype == np.float32
    assert 0 <= out.min() and out.max() <= 1
    yy, xx = np.mgrid[0:28, 0:28]
    cy, cx = (yy * out).sum() / out.sum(), (xx * out).sum() / out.sum()
    assert abs(cy - 13.5) <= 1 and abs(cx - 13.5) <= 1      # centre of mass in the middle
    rows = np.flatnonzero(out.max(axis=1) > 0.05)
    assert 18 <= rows[-1] - rows[0] + 1 <= 22               # longer side scaled to about 20 pixels


def test_preprocess_empty_and_bad_shapes():
    assert not preprocess(np.zeros((28, 28))).any()
    with pytest.raises(nnkit.ShapeError):
        preprocess(np.zeros(5))
    big = np.zeros((100, 80)); big[10:90, 30:40] = 255
    assert preprocess(big).shape == (28, 28)


def test_preprocess_undoes_a_shift_of_a_real_digit():
    X, y, _, _ = nnkit.load_mnist(normalize=True)
    digit = X[0].astype(np.float64)
    moved = np.zeros_like(digit)
    moved[:-5, :-4] = digit[5:, 4:]             # push the digit up and left
    back = preprocess(moved)
    assert np.abs(back - digit).mean() < np.abs(moved - digit).mean() / 2


class _FakeModel:
    """Probability 1 for the digit whose 'ink' is largest in a fixed region: enough to test the plumbing."""
    def predict_proba(self, X):
        assert X.shape == (1, 784)
        p = np.full((1, 10), 0.01)
        p[0, int(X.sum()) % 10] = 0.91
        return p


def test_digit_sketch_toggles_and_predicts():
    sk = DigitSketch(_FakeModel())
    assert sk.prediction() is None and np.allclose(sk.probabilities(), 0.1)
    sk.toggle(3, 4)
    assert sk.grid[3, 4]
    sk.toggle(3, 4)
    assert not sk.grid.any()
    sk.set_grid(EXAMPLE_SKETCHES["7"])
    p = sk.probabilities()
    assert p.shape == (10,) and sk.prediction() == int(np.argmax(p))
    assert sk.raw_image().shape == (28, 28) and sk.image().shape == (28, 28)
    sk.clear()
    assert sk.prediction() is None
    with pytest.raises(nnkit.ShapeError):
        sk.set_grid(np.zeros((3, 3)))
    assert grid_to_image(EXAMPLE_SKETCHES["3"]).max() == 1.0


def test_trained_network_reads_the_example_sketches():
    """A small network trained briefly on MNIST reads the two example drawings correctly after preprocessing."""
    X, y, _, _ = nnkit.load_mnist(flatten=True, normalize=True)
    model = nnkit.mlp([784, 64, 10], dtype=np.float32, seed=0)
    nnkit.train(model, nnkit.SoftmaxCrossEntropy(), nnkit.Adam(1e-3), X[:20000], y[:20000], epochs=2,
                batch_size=100, progress=False)
    sk = DigitSketch(model)
    for digit, grid in EXAMPLE_SKETCHES.items():
        sk.set_grid(grid)
        assert sk.prediction() == int(digit)


def test_plot_digit_probabilities_checks_shapes():
    with pytest.raises(nnkit.ShapeError):
        plot_digit_probabilities(np.zeros((2, 28, 28)), np.zeros((3, 10)))
    fig = plot_digit_probabilities(np.zeros((2, 784)), np.full((2, 10), 0.1), labels=[1, 2])
    assert len(fig.axes) == 4


# ---------------------------------------------------------------- lesson 7: expression graph
def test_expression_gradients():
    out, leaves = evaluate_expression("(a * b + c) * a", {"a": 2, "b": -3, "c": 10})
    assert out.data == 8.0
    assert (leaves["a"].grad, leaves["b"].grad, leaves["c"].grad) == (-2.0, 4.0, 2.0)


@pytest.mark.parametrize("bad", ["__import__('os')", "a.__class__", "open('x')", "a.exp(1)", "d + 1",
                                 "'text'", "[a, b]", "lambda: 1"])
def test_expression_rejects_anything_else(bad):
    with pytest.raises(ValueError):
        evaluate_expression(bad, {"a": 1, "b": 2, "c": 3})


def test_expression_explorer_keeps_last_good_state():
    ex = ExpressionExplorer("(a - b).relu() * c", a=1, b=-2, c=3)
    assert ex.gradients() == {"a": 3.0, "b": -3.0, "c": 3.0}
    ex.set(a=-5)                                   # a - b < 0: relu is off, no gradient reaches a or b
    assert ex.gradients()["a"] == 0.0 and ex.gradients()["c"] == 0.0
    with pytest.raises(ValueError):
        ex.set(expr="a +")
    assert ex.expr == "(a - b).relu() * c"
    fig = ex.figure()
    drawn = " ".join([ax.get_title() for ax in fig.axes] + [t.get_text() for ax in fig.axes for t in ax.texts])
    assert "d/da = 0" in drawn and "d/dc = 0" in drawn       # the figure shows this state's gradients
    assert "relu" in drawn                                    # and the graph's relu node


# ---------------------------------------------------------------- the thin ipywidgets views build and react
def test_views_build_and_react_without_a_browser():
    pytest.importorskip("ipywidgets")
    from nnkit.widgets.classifier import classifier_widget
    from nnkit.widgets.hidden import hidden_layer_widget
    from nnkit.widgets.drawdigit import draw_digit_widget
    from nnkit.widgets.graph import expression_widget

    box = classifier_widget(w1=-1.0, w2=1.0, b=0.0)
    sliders = box.children[0].children
    sliders[2].value = 1.5                                  # move b
    box.children[1].children[0].click()                     # one gradient step
    assert sliders[2].value != 1.5                          # the sliders follow the step

    import matplotlib.pyplot as plt
    plt.close("all")
    box = hidden_layer_widget(dataset="circles", num_hiddens=2, activation="relu", lr=0.5)
    out = box.children[-1]                                  # the picture the widget shows
    assert "2 relu units" in out.figure.axes[0].get_title()
    box.children[1].children[0].value = 3                   # hidden units: the view redraws for 3 units
    assert "3 relu units" in out.figure.axes[0].get_title()
    assert plt.get_fignums() == []                          # every redraw closed its figure after showing it

    box = draw_digit_widget(_FakeModel(), start="7")
    grid = box.children[0].children[0]
    bars = box.children[2].children
    grid.children[0].click()                                # switch on the top-left cell: redraws, no error
    assert grid.children[0].style.button_color == "#222222"
    box.children[0].children[1].click()                     # clear
    assert all(abs(b.value - 0.1) < 1e-12 for b in bars)

    box = expression_widget("(a * b + c).tanh()")
    box.children[0].children[0].value = "a +"              # a broken expression: message, no exception
    assert "crimson" in box.children[2].value
    box.children[0].children[0].value = "a * b"
    assert box.children[2].value == ""


# ---------------------------------------------------------------- lesson 5: the source's experiment
def test_source_moons_is_make_moons_after_seed_0():
    from nnkit.widgets.hidden import source_moons
    X, y = source_moons(200, noise=0.2, seed=0)
    assert X.shape == (200, 2) and sorted(np.bincount(y)) == [100, 100]
    # without noise the points lie exactly on the two arcs: upper (class 0) and lower (class 1)
    X0, y0 = source_moons(200, noise=0.0, seed=0)
    up = np.hypot(X0[y0 == 0, 0], X0[y0 == 0, 1])
    low = np.hypot(X0[y0 == 1, 0] - 1, X0[y0 == 1, 1] - 0.5)
    assert np.allclose(up, 1) and np.allclose(low, 1) and np.all(X0[y0 == 1, 1] <= 0.5 + 1e-12)
    assert not np.array_equal(source_moons(200, 0.2, seed=1)[0], X)


def test_fit_source_recipe_reproduces_the_sources_printed_losses():
    # The first two losses the source printed (3 tanh units, 20,000 passes; here only the first 1,001):
    # both must come back to six decimals, or the data, the initialisation or the update differ.
    from nnkit.widgets.hidden import source_moons, fit_source_recipe
    X, y = source_moons(200, noise=0.2, seed=0)
    fit = fit_source_recipe(X, y, 3, passes=1001)
    assert [round(loss, 6) for _, loss in fit.trace] == [0.432387, 0.068947]
    assert fit.accuracy >= 0.95 and fit.predict(X).shape == (200,)


def test_fit_source_recipe_gradient_is_the_summed_loss_gradient():
    # one pass by hand: the update must be -lr * (numerical gradient of N * data loss + reg/2 |W|^2)
    from nnkit.widgets.hidden import source_moons, fit_source_recipe
    X, y = source_moons(20, noise=0.2, seed=3)
    start = fit_source_recipe(X, y, 4, passes=0, every=0)
    after = fit_source_recipe(X, y, 4, passes=1, every=0, lr=1e-3)
    W1, b1, W2, b2 = (a.copy() for a in (start.W1, start.b1, start.W2, start.b2))

    def total(_=None):
        s = np.tanh(X @ W1 + b1) @ W2 + b2
        s = s - s.max(1, keepdims=True)
        logp = s - np.log(np.exp(s).sum(1, keepdims=True))
        return -logp[np.arange(len(y)), y].sum() + 0.005 * ((W1 ** 2).sum() + (W2 ** 2).sum())
    g = nnkit.numerical_gradient(total, W1)
    assert np.allclose((start.W1 - after.W1) / 1e-3, g, rtol=1e-4, atol=1e-6)


def test_drawing_widget_has_fixed_sizes_for_saved_pages():
    pytest.importorskip("ipywidgets")
    from nnkit.widgets.drawdigit import draw_digit_widget
    model = nnkit.mlp([784, 10, 10], seed=0)
    box = draw_digit_widget(model)
    grid_col, seen_col, bars_col = box.children
    grid = grid_col.children[0]
    assert len(grid.children) == 14 * 14
    assert grid.layout.width and grid.layout.min_width and grid_col.layout.width, \
        "without explicit widths a saved page squeezes the grid to nothing"
    assert all(col.layout.flex == "0 0 auto" for col in box.children)
    assert len(bars_col.children) == 10


def test_every_widget_redraws_one_way_and_offers_only_what_nnkit_knows():
    """One redraw function for all widgets (nnkit/widgets/_view.py), and the menus list exactly the names that
    nnkit's own tables accept: every optimizer of the explorer builds with make_optimizer, every activation of
    the hidden-layer widget builds with mlp, and nothing those tables know is missing from the menus."""
    from pathlib import Path
    import nnkit.widgets as widgets_pkg
    from nnkit.landscape import make_optimizer
    from nnkit.widgets.explorer import OPTIMIZERS
    from nnkit.widgets.hidden import ACTIVATIONS
    folder = Path(widgets_pkg.__file__).parent
    redrawing = sorted(p.name for p in folder.glob("*.py") if "clear_output" in p.read_text())
    assert redrawing == ["_view.py"], redrawing
    for name in OPTIMIZERS:
        assert type(make_optimizer(name, 0.1)).__name__.lower() == name
    for name in ACTIVATIONS:
        assert type(nnkit.mlp([2, 3, 2], activation=name).layers[1]).__name__.lower() == name
    with pytest.raises(ValueError, match="sgd"):
        make_optimizer("rmsprop", 0.1)
    assert set(OPTIMIZERS) == set(nnkit.landscape.OPTIMIZERS) and set(ACTIVATIONS) == set(nnkit.model.ACTIVATIONS)
