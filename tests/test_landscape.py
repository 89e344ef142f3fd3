"""1-D landscapes and the least-squares descent of lessons 2 and 3."""
import numpy as np
import pytest

from nnkit.errors import ShapeError
from nnkit.landscape import LANDSCAPES, descend, least_squares_descent, stability_limit, descent_regime

X = np.array([[1, 1], [3, 1], [5, 1], [7, 1]], dtype=float)
t = np.array([1, 4, 4, 8], dtype=float)


def test_derivatives_match_central_differences():
    h = 1e-6
    for land in LANDSCAPES.values():
        for w in np.linspace(*land.wrange, 7):
            assert land.dE(w) == pytest.approx((land.E(w + h) - land.E(w - h)) / (2 * h), abs=1e-6)


def test_descent_facts_of_lesson_3():
    assert abs(descend("w^2", 1.0, 0.1, 100)[-1]) < 1e-9
    assert descend("cubic", 1.0, 0.1, 200)[-1] == pytest.approx(0.5, abs=1e-9)   # stuck in the local minimum
    diverged = descend("w^2", 1.0, 1.05, 500)
    assert len(diverged) < 501 and abs(diverged[-1]) > 1e6                     # stops early when it runs off
    for name in ("momentum", "adagrad", "adam"):
        assert abs(descend("cubic", 1.0, 0.05, 400, optimizer=name)[-1] - 0.5) < 0.05


def test_least_squares_limit_and_regimes():
    limit = stability_limit(X)
    assert limit == pytest.approx(2 / np.linalg.eigvalsh(X.T @ X).max()) and 0.02296 < limit < 0.02297
    ws, losses = least_squares_descent(X, t, np.ones(2), 0.0229, 3000)
    assert np.allclose(ws[-1], [1.05, 0.05], atol=1e-3)
    assert descent_regime(*least_squares_descent(X, t, np.ones(2), 0.0232, 300)[::-1]) == "diverging"
    assert descent_regime(losses[:60], ws[:60]) == "zig-zagging"
    ws2, losses2 = least_squares_descent(X, t, np.ones(2), 0.002, 100)
    assert descent_regime(losses2, ws2) == "still descending"


def test_least_squares_shape_errors():
    with pytest.raises(ShapeError, match="do not fit"):
        least_squares_descent(X, t, np.ones(3), 0.01, 5)


# ---------------------------------------------------------------- the valley of lessons 2 and 3
from nnkit.landscape import least_squares_solution, steps_to_reach, plot_valley, plot_paths   # noqa: E402


def test_least_squares_descent_with_nnkit_optimizers():
    plain, _ = least_squares_descent(X, t, np.ones(2), 0.02, 50)
    sgd, _ = least_squares_descent(X, t, np.ones(2), 0.02, 50, optimizer="sgd")
    assert np.allclose(plain, sgd)                       # nnkit.SGD is the plain step w - eta * gradient
    w_best, e_min = least_squares_solution(X, t)
    assert np.allclose(w_best, [1.05, 0.05]) and e_min == pytest.approx(1.35)
    for name, lr in (("momentum", 0.005), ("adagrad", 0.3), ("adam", 0.05)):
        ws, losses = least_squares_descent(X, t, np.ones(2), lr, 1000, optimizer=name)
        assert np.allclose(ws[-1], w_best, atol=1e-4) and losses[-1] == pytest.approx(e_min)
        assert steps_to_reach(ws, w_best, 1e-4) < steps_to_reach(plain_long(), w_best, 1e-4) / 2


def plain_long():
    return least_squares_descent(X, t, np.ones(2), 0.02, 1000)[0]


def test_steps_to_reach_counts_from_when_the_path_stays_close():
    ws = np.array([[3.0], [0.05], [2.0], [0.01], [0.0], [0.0]])
    assert steps_to_reach(ws, [0.0], 0.1) == 3             # step 1 was close, but step 2 left again
    assert steps_to_reach(ws[:3], [0.0], 0.1) is None      # never stays close
    assert steps_to_reach(ws[3:], [0.0], 0.1) == 0


def test_valley_plot_draws_every_step_so_the_zig_zag_shows():
    import matplotlib
    matplotlib.use("Agg")
    ws, _ = least_squares_descent(X, t, np.ones(2), 0.0229, 100)
    fig = plot_valley(X, t, {"eta 0.0229": ws}, max_steps=40)
    path = fig.axes[0].lines[0].get_xydata()
    assert np.allclose(path, ws[:41])                      # all 41 points, in order: nothing skipped
    turns = np.diff(path[:, 0])
    assert np.all(turns[1:] * turns[:-1] < 0)              # w1 goes back and forth on every step
    assert fig.axes[0].get_xlabel() and fig.axes[0].get_ylabel()
    lo, hi = fig.axes[0].get_xlim()
    assert lo < 1.05 < hi                                  # the minimum is in view


def test_paths_leaving_the_window_are_not_joined():
    import matplotlib
    matplotlib.use("Agg")
    fig = plot_paths("w^2", {"jumps": np.array([1.0, -3.0, 0.5])})
    xs = fig.axes[0].lines[1].get_xdata()
    assert np.isnan(xs[1]) and xs[0] == 1.0 and xs[2] == 0.5
