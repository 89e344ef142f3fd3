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
