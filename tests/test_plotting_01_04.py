"""The figures of lessons 1-4 (and the confusion matrix of lesson 6) stay legible on a projector and tell
classes apart by more than colour: checked on the matplotlib objects they draw."""
import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt   # noqa: E402

import nnkit                      # noqa: E402
from nnkit import plotting        # noqa: E402


@pytest.fixture(autouse=True)
def course_style():
    with plt.rc_context():
        plotting.use_course_style()
        yield
    plt.close("all")


def px(points, dpi=100):
    return points * dpi / 72


def test_course_style_makes_text_at_least_16_px():
    rc = plt.rcParams
    for key in ("font.size", "axes.labelsize", "axes.titlesize", "xtick.labelsize", "ytick.labelsize",
                "legend.fontsize"):
        size = rc[key] if isinstance(rc[key], (int, float)) else matplotlib.font_manager.FontProperties(
            size=rc[key]).get_size_in_points()
        assert px(size, rc["figure.dpi"]) >= 16, key
    cycle = rc["axes.prop_cycle"].by_key()
    assert len(set(cycle["linestyle"])) == len(cycle["linestyle"]) == len(cycle["color"])   # style beside hue


def test_confusion_matrix_counts_are_large():
    cm = np.arange(100).reshape(10, 10)
    fig = plotting.plot_confusion_matrix(cm)
    texts = [t for t in fig.axes[0].texts]
    assert len(texts) == 100
    assert min(px(t.get_fontsize()) for t in texts) >= 16
    assert {t.get_fontweight() for t, k in zip(texts, range(100)) if k % 11 == 0} == {"bold"}   # the diagonal
    assert fig.get_size_inches()[1] * 100 <= 650                  # fits a 720-px slide with its title


def test_decision_plots_mark_classes_by_shape_and_label_axes():
    X, y = nnkit.two_clouds(n=50, seed=0)
    for fig in (plotting.plot_decision_boundary(lambda P: (P[:, 0] > 1.5).astype(int), X, y),
                plotting.plot_sigmoid_clouds(X, y, [1.0, 1.0], -2.5)):
        ax = fig.axes[0]
        markers = {tuple(map(tuple, c.get_paths()[0].vertices.round(3))) for c in ax.collections
                   if c.get_label().startswith("class")}
        assert len(markers) == 2                                   # two different marker shapes
        assert ax.get_xlabel() and ax.get_ylabel()
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["class 0", "class 1"]


def test_wrong_predictions_are_framed_not_only_coloured():
    fig = plotting.show_digits(np.zeros((3, 8, 8)), labels=[1, 2, 3], preds=[1, 5, 3])
    widths = [ax.spines["top"].get_linewidth() for ax in fig.axes]
    assert widths[1] > widths[0] and widths[0] == widths[2]
    assert fig.axes[1].get_title() == "2 →5"


def test_delta_rule_picture_is_outer_product():
    x = np.array([1.0, 0.0, 1.0]); dp = np.array([2.0, -1.0])
    fig = plotting.plot_delta_rule(x, dp)
    shown = fig.axes[0].images[0].get_array()
    assert np.allclose(shown, np.outer(x, dp))
    assert sum(t.get_text() != "" for t in fig.axes[0].texts) == 4    # only the non-zero cells are written


def test_pixel_weights_have_a_colour_bar_centred_on_white():
    W = np.random.default_rng(0).normal(size=(784, 10))
    fig = plotting.plot_pixel_weights(W, (28, 28), ncols=5)
    im = fig.axes[0].images[0]
    lo, hi = im.get_clim()
    assert lo == -hi                                               # 0 sits in the middle (white) of RdBu
    assert any(ax.get_ylabel() == "weight" for ax in fig.axes)     # the colour bar
