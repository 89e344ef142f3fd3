"""Every figure of the lessons carries a description of its message, and it reaches the reader: the <img alt>
of nbconvert's HTML (and so of the slide decks), JupyterLab's <img alt> (through the text/html output that
nnkit.plotting.describe adds), and the text/plain fallback. Every widget control has an accessible label.

The browser test exports each lesson with nbconvert and opens it in headless Chromium (tests/browser.py)."""
import json
import re
from pathlib import Path

import numpy as np
import pytest

import nnkit

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
GENERIC = {"figure", "image", "plot", "chart", "graph", "picture", "diagram", "alt", "description", "img",
           "no description has been provided for this image"}


def meaningless(alt):
    """Why an alt text says nothing, or None when it is a description."""
    if alt is None or not alt.strip():
        return "no alt text"
    text = alt.strip()
    if text.startswith("<Figure") or text.startswith("<matplotlib"):
        return f"a Python repr, not a description: {text[:60]!r}"
    if text.lower().strip(".") in GENERIC:
        return f"a generic word: {text!r}"
    if len(text.split()) < 6:
        return f"too short to carry a message: {text!r}"
    return None


def test_meaningless_knows_the_bad_cases():
    assert meaningless(None) and meaningless("") and meaningless("<Figure size 640x480 with 1 Axes>")
    assert meaningless("Figure") and meaningless("No description has been provided for this image")
    assert meaningless("loss falls") and not meaningless("Loss falls from 2.30 to 0.10 in 8 epochs")


# ------------------------------------------------------------------------------------------ the mechanism

@pytest.fixture(scope="module")
def shell():
    """An IPython shell whose formatters show figures as PNG, as the inline backend sets them up."""
    import matplotlib
    matplotlib.use("agg")
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.core.pylabtools import select_figure_formats
    sh = InteractiveShell.instance()
    select_figure_formats(sh, {"png"})
    return sh


def test_a_described_figure_is_shown_with_its_text(shell):
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots()
    ax.plot([2.3, 0.5, 0.1])
    nnkit.plotting.describe(fig, "Loss falls from 2.30 to 0.10 in 3 epochs & <fast>")
    data, meta = shell.display_formatter.format(fig)
    plt.close(fig)
    text = "Loss falls from 2.30 to 0.10 in 3 epochs & <fast>"
    assert meta["image/png"]["alt"] == text                       # nbconvert's <img alt>
    assert data["text/plain"] == text                             # not "<Figure size ...>"
    assert 'alt="Loss falls from 2.30 to 0.10 in 3 epochs &amp; &lt;fast&gt;"' in data["text/html"]
    assert data["image/png"] in data["text/html"]                 # the same picture, drawn once


def test_an_undescribed_figure_stays_as_matplotlib_shows_it(shell):
    import matplotlib.pyplot as plt
    nnkit.plotting.use_course_style()
    fig, ax = plt.subplots()
    data, meta = shell.display_formatter.format(fig)
    plt.close(fig)
    assert "text/html" not in data and "image/png" not in meta and data["text/plain"].startswith("<Figure")


@pytest.mark.parametrize("text", ["", "plot", "Figure", "<Figure size 640x480 with 1 Axes>", "a loss curve", "図です"])
def test_describe_refuses_texts_that_say_nothing(text):
    import matplotlib.pyplot as plt
    fig = plt.figure()
    with pytest.raises(ValueError, match="what the figure shows"):
        nnkit.plotting.describe(fig, text)
    plt.close(fig)


def test_describe_takes_japanese_written_without_spaces():
    """Japanese has no spaces between words: a real description must not be refused for it."""
    import matplotlib.pyplot as plt
    fig = plt.figure()
    nnkit.plotting.describe(fig, "損失は8エポックで2.30から0.10に下がる")
    assert nnkit.plotting.description(fig) == "損失は8エポックで2.30から0.10に下がる"
    plt.close(fig)


# ------------------------------------------------------------------------------------------ the widgets

def _controls(box):
    import ipywidgets as W
    kinds = (W.Button, W.FloatSlider, W.IntSlider, W.FloatLogSlider, W.SelectionSlider, W.Dropdown, W.Text,
             W.FloatProgress, W.Play, W.ToggleButton, W.Checkbox)
    seen, stack = [], [box]
    while stack:
        w = stack.pop()
        if isinstance(w, kinds):
            seen.append(w)
        stack.extend(getattr(w, "children", ()))
    return seen


def _lesson_widgets():
    from nnkit.data import PIXEL_TEMPLATES
    from nnkit.widgets.pixelgrid import pixel_grid_widget
    from nnkit.widgets.descent import descent_widget
    from nnkit.widgets.explorer import explorer_widget
    from nnkit.widgets.classifier import classifier_widget
    from nnkit.widgets.hidden import hidden_layer_widget
    from nnkit.widgets.drawdigit import draw_digit_widget
    from nnkit.widgets.graph import expression_widget
    X = np.array([[1, 1], [3, 1], [5, 1], [7, 1]], float)
    t = np.array([1, 4, 4, 8], float)
    model = nnkit.mlp([784, 10, 10], seed=0)
    return {
        "pixel grid": lambda: pixel_grid_widget(lambda img: (int(img.sum() > 10), "ink"), image=PIXEL_TEMPLATES["8x8"][7]),
        "descent": lambda: descent_widget(X, t, eta=0.0229),
        "explorer": lambda: explorer_widget(landscape="cubic", steps=20),
        "classifier": lambda: classifier_widget(),
        "hidden layer": lambda: hidden_layer_widget(dataset="circles", num_hiddens=2, lr=0.5),
        "draw digit": lambda: draw_digit_widget(model),
        "expression": lambda: expression_widget("(a - b).relu() * c", a=1.0, b=-2.0, c=3.0),
    }


@pytest.mark.parametrize("name", list(_lesson_widgets()))
def test_every_control_has_an_accessible_label_and_every_picture_a_description(name):
    import matplotlib
    matplotlib.use("agg")
    import ipywidgets as W
    box = _lesson_widgets()[name]()
    controls = _controls(box)
    assert controls, "no controls found"
    unlabelled = [type(c).__name__ for c in controls
                  if not (c.description or "").strip() and not (getattr(c, "tooltip", None) or "").strip()]
    assert not unlabelled, f"controls without a description or tooltip: {unlabelled}"
    pictures = []
    stack = [box]
    while stack:
        w = stack.pop()
        if isinstance(w, W.Output) and getattr(w, "figure", None) is not None:
            pictures.append(w.figure)
        stack.extend(getattr(w, "children", ()))
    for fig in pictures:
        problem = meaningless(nnkit.plotting.description(fig))
        assert problem is None, problem


# ------------------------------------------------------------------------------------------ the notebooks

def _image_outputs(path):
    """(where, output) for every image/png output of a lesson: cell outputs and outputs in widget state."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"]):
        for out in cell.get("outputs", []):
            if "image/png" in out.get("data", {}):
                yield f"cell {i}", out
    state = nb.get("metadata", {}).get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    for model_id, model in state.get("state", {}).items():
        for out in model.get("state", {}).get("outputs", []) or []:
            if "image/png" in out.get("data", {}):
                yield f"widget {model_id[:8]}", out


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_every_saved_image_carries_its_description(path):
    images = list(_image_outputs(path))
    assert images, "a lesson without figures?"
    for where, out in images:
        alt = out.get("metadata", {}).get("image/png", {}).get("alt")
        assert meaningless(alt) is None, f"{path.name} {where}: {meaningless(alt)}"
        html = "".join(out["data"].get("text/html", ""))
        assert 'alt="' in html, f"{path.name} {where}: no text/html <img alt> (JupyterLab ignores image/png's alt)"
        plain = "".join(out["data"].get("text/plain", ""))
        assert not plain.startswith("<Figure"), f"{path.name} {where}: text/plain is {plain[:40]!r}"


@pytest.fixture(scope="module")
def html_browser():
    """One headless Chromium page, offline, and one nbconvert HTML exporter for the lessons checked one after
    another: each lesson is loaded into the page afresh (a new document: nothing of the lesson before it
    survives), as test_slides.py loads each deck into one tab. A new page per lesson cost the browser 0.3-0.4 s of
    CPU more per lesson (measured: 8 lessons, 5.6 s against 3.6 s). Module scope, as test_slides.py's browser, for
    the same reason: while Playwright's synchronous API is open an asyncio loop runs in this thread, which other
    files' tests must not meet."""
    from nbconvert import HTMLExporter
    from browser import browser_context
    with browser_context() as ctx:
        page = ctx.new_page()
        page.route(re.compile(r"^(?!file:).*"), lambda route: route.abort())     # no network
        yield page, HTMLExporter(template_name="lab")


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_every_image_in_the_exported_html_has_a_meaningful_alt(path, tmp_path, html_browser):
    """nbconvert's HTML (the decks are built with the same templates), opened in the real browser."""
    import nbformat
    page, exporter = html_browser
    body, _ = exporter.from_notebook_node(nbformat.read(path, as_version=4))
    page_file = tmp_path / f"{path.stem}.html"
    page_file.write_text(body, encoding="utf-8")
    page.goto(page_file.as_uri())
    found = page.evaluate("""() => [...document.querySelectorAll('img')].map(i =>
        [i.getAttribute('alt'), i.naturalWidth, i.closest('.jp-Cell') ? [...document.querySelectorAll('.jp-Cell')]
         .indexOf(i.closest('.jp-Cell')) : -1])""")
    assert len(found) >= len([w for w, _ in _image_outputs(path) if w.startswith("cell")])
    problems = [f"cell {cell}: {meaningless(alt)}" for alt, width, cell in found if meaningless(alt)]
    assert not problems, problems
    assert all(width > 0 for _, width, _ in found), "an image did not load"
