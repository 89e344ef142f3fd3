"""Widget logic of lessons 1-3, driven the way a learner drives it: set a value, check what it shows."""
import numpy as np
import pytest

from nnkit.data import PIXEL_TEMPLATES
from nnkit.widgets.pixelgrid import PixelGrid, pixel_grid_widget
from nnkit.widgets.descent import DescentRun, descent_widget
from nnkit.widgets.explorer import Explorer, explorer_widget

X = np.array([[1, 1], [3, 1], [5, 1], [7, 1]], dtype=float)
t = np.array([1, 4, 4, 8], dtype=float)


def ink_rule(img):
    return None if img.sum() == 0 else int(img.sum())


def test_pixel_grid_logic():
    g = PixelGrid(ink_rule)
    assert g.verdict.startswith("no ink")
    g.toggle(2, 3).toggle(4, 4)
    assert g.verdict == "the rules say: 2"
    g.toggle(2, 3)
    assert g.image.sum() == 1
    g.set_image(PIXEL_TEMPLATES["8x8"][8])
    assert g.verdict == f"the rules say: {PIXEL_TEMPLATES['8x8'][8].sum()}"
    assert g.clear().image.sum() == 0


def test_pixel_grid_view_reacts_to_clicks():
    box = pixel_grid_widget(ink_rule)
    label = box.children[1].children[0]
    box.buttons[0].click()
    box.buttons[9].click()
    assert box.grid.image[0, 0] == 1 and box.grid.image[1, 1] == 1
    assert "2" in label.value
    # a painted pixel is black in the widget's own style (saved with the notebook, shown in the decks)
    assert box.buttons[0].style.button_color == "black" and box.buttons[1].style.button_color == "white"
    box.buttons[0].click()
    assert box.grid.image[0, 0] == 0 and box.buttons[0].style.button_color == "white"


def test_pixel_grid_shows_which_rule_fired():
    def explained(img):
        return (-1, "no ink") if img.sum() == 0 else (int(img.sum()), "counted the ink")
    g = PixelGrid(explained)
    assert g.verdict.startswith("no ink")
    g.toggle(0, 0)
    assert g.verdict == "the rules say: 1 (counted the ink)"


def test_count_holes():
    from nnkit.data.pixelart import count_holes
    T = PIXEL_TEMPLATES["8x8"]
    assert len(count_holes(T[8])) == 2 and len(count_holes(T[1])) == 0
    assert count_holes(T[6])[0] > count_holes(T[9])[0]            # the 6's loop is lower than the 9's
    ring = np.ones((5, 5), dtype=int); ring[2, 2] = 0
    assert count_holes(ring) == [2.0]
    ring[2, 0] = 0                                                 # open the ring: no hole left
    ring[2, 1] = 0
    assert count_holes(ring) == []


def test_descent_run_regimes():
    run = DescentRun(X, t, eta=0.002, steps=100)
    assert run.regime == "still descending"
    assert run.set_eta(0.0232).regime == "diverging"
    assert run.set_eta(0.0229).regime == "zig-zagging"
    assert abs(run.limit - 0.022967) < 1e-6


def test_descent_widget_slider_recomputes():
    box = descent_widget(X, t, eta=0.01)
    slider = box.children[0]
    slider.value = 0.0235
    assert box.run.eta == 0.0235 and box.run.regime == "diverging"


def test_explorer_logic_and_view():
    ex = Explorer(landscape="cubic", w0=1.0, lr=0.1, optimizer="sgd", steps=50)
    assert abs(ex.path[-1] - 0.5) < 1e-6 and "w = 0.5000" in ex.status
    ex.set(landscape="w^2", lr=1.5)
    assert ex.status.startswith("diverged")
    assert len(ex.frame(3)) == 4
    box = explorer_widget(landscape="w^2", w0=1.0, lr=0.1)
    land, opt = box.children[0].children
    lr = box.children[1].children[1]
    opt.value = "adam"
    lr.value = 0.05
    assert box.explorer.optimizer == "adam" and box.explorer.lr == 0.05
    land.value = "cubic"
    assert box.explorer.landscape == "cubic"


def test_descent_widget_takes_its_numbers_from_the_data():
    from nnkit.widgets.descent import slider_range
    lo, hi, step = slider_range(X)
    assert step == pytest.approx(1e-4) and lo == pytest.approx(1e-3)
    assert run_limit() < hi < 1.06 * run_limit()           # reaches just past the stability limit
    lo2, hi2, _ = slider_range(2 * X)                      # curvatures x4: the limit and range shrink
    assert hi2 < hi / 3
    run = DescentRun(X, t + 1.0, eta=0.01)                 # another data set has another best loss
    best = np.linalg.lstsq(X, t + 1.0, rcond=None)[0]
    assert run.e_min == pytest.approx(0.5 * np.sum((X @ best - t - 1.0) ** 2))
    box = descent_widget(2 * X, t, eta=0.001)
    assert box.children[0].max == pytest.approx(hi2)


def run_limit():
    return DescentRun(X, t).limit


def test_explorer_can_be_set_to_every_setting_the_lesson_suggests():
    from nnkit.widgets.explorer import LEARNING_RATES
    box = explorer_widget(landscape="cubic", w0=1.0, lr=0.3, optimizer="momentum")
    w0, lr = box.children[1].children
    for value in (0.1, 0.2, 0.3, 1.0, 1.05):
        assert value in LEARNING_RATES and value in getattr(lr, "options", ())   # a stop on the slider
        lr.value = value
        assert box.explorer.lr == value
    for start in (-0.6, -0.4):
        assert abs((start - w0.min) / w0.step - round((start - w0.min) / w0.step)) < 1e-9   # on the slider's grid
        w0.value = start
        assert box.explorer.w0 == pytest.approx(start, abs=1e-12)
    box.children[0].children[1].value = "sgd"
    lr.value, w0.value = 0.1, -0.6
    assert box.explorer.status.startswith("diverged")      # left of the hill top: off to -infinity
    w0.value = -0.4
    assert "w = 0.5000" in box.explorer.status             # right of it: back into the valley
