"""Draw a digit, see what the network thinks (lesson 6).

Logic (plain NumPy, tested without a browser):
    preprocess(image)            any drawn image (H, W), ink = large values -> MNIST-like (28, 28) in [0, 1]
    DigitSketch(model)           a 14 x 14 pixel grid you switch on and off; .image() (28, 28),
                                 .probabilities() (10,), .prediction()
View:
    draw_digit_widget(model)     the grid as clickable buttons and ten probability bars (ipywidgets)
Static picture (for the saved notebook):
    plot_digit_probabilities(images, probs)  each image next to its ten probability bars

Why preprocess? MNIST digits were scaled so that they fit a 20 x 20 box and then moved so that their
centre of mass sits in the middle of the 28 x 28 image. A network trained on them has never seen a
digit in a corner or one that fills the whole frame, so a drawing must be brought into the same shape.
"""
import numpy as np

from ..errors import ShapeError
from . import _view
from ..i18n import tr

__all__ = ["preprocess", "DigitSketch", "draw_digit_widget", "plot_digit_probabilities", "grid_to_image",
           "EXAMPLE_SKETCHES"]

GRID = 14          # the clickable grid is 14 x 14; each cell becomes 2 x 2 MNIST pixels


def _as_image(image):
    img = np.asarray(image, dtype=np.float64)
    if img.ndim == 1 and img.size == 784:
        img = img.reshape(28, 28)
    if img.ndim != 2 or min(img.shape) < 2:
        raise ShapeError(tr("preprocess: expected a 2-D image (H, W), e.g. (28, 28), got shape {shape}.",
                            shape=img.shape))
    if not np.all(np.isfinite(img)):
        raise ValueError(tr("preprocess: the image contains NaN or infinite values."))
    top = img.max()
    return img / top if top > 1 else np.clip(img, 0, None)


def _resize(img, out_h, out_w, sub=4):
    """Resize by averaging ``sub x sub`` bilinear samples per output pixel (keeps thin strokes visible)."""
    h, w = img.shape
    # sample positions in input pixel coordinates (pixel centres at 0 .. h-1)
    ys = (np.arange(out_h * sub) + 0.5) * h / (out_h * sub) - 0.5
    xs = (np.arange(out_w * sub) + 0.5) * w / (out_w * sub) - 0.5
    ys, xs = np.clip(ys, 0, h - 1), np.clip(xs, 0, w - 1)
    y0, x0 = np.floor(ys).astype(int), np.floor(xs).astype(int)
    y1, x1 = np.minimum(y0 + 1, h - 1), np.minimum(x0 + 1, w - 1)
    fy, fx = (ys - y0)[:, None], (xs - x0)[None, :]
    top = img[y0][:, x0] * (1 - fx) + img[y0][:, x1] * fx
    bottom = img[y1][:, x0] * (1 - fx) + img[y1][:, x1] * fx
    fine = top * (1 - fy) + bottom * fy
    return fine.reshape(out_h, sub, out_w, sub).mean(axis=(1, 3))


def _shift(img, dy, dx):
    """Move the image by whole pixels (dy down, dx right), filling with zeros."""
    out = np.zeros_like(img)
    h, w = img.shape
    ys, yd = (slice(0, h - dy), slice(dy, h)) if dy >= 0 else (slice(-dy, h), slice(0, h + dy))
    xs, xd = (slice(0, w - dx), slice(dx, w)) if dx >= 0 else (slice(-dx, w), slice(0, w + dx))
    out[yd, xd] = img[ys, xs]
    return out


def preprocess(image, box=20, size=28, threshold=0.05):
    """Bring a drawn digit into MNIST's shape. Lesson 6.

    1. crop to the bounding box of the ink (pixels above ``threshold``);
    2. scale it, keeping its aspect ratio, so that its longer side is ``box`` pixels (MNIST: 20);
    3. paste it into a ``size x size`` image (MNIST: 28) and shift it so that its centre of mass is
       in the middle.

    Inputs:
    - image: (H, W) with ink as large values (0 = background), or a flat (784,) image read as (28, 28).
      Values above 1 are rescaled by the image's maximum; negative values count as no ink.
    - box: longer side of the scaled digit (default 20); size: side of the result (default 28);
      threshold: smallest value that counts as ink (default 0.05).
    Returns float32 (size, size) in [0, 1]; an empty drawing gives an all-zero image. A wrong shape raises
    ShapeError; NaN or infinite values raise ValueError.
    """
    img = _as_image(image)
    ink = img > threshold
    if not ink.any():
        return np.zeros((size, size), dtype=np.float32)
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    crop = img[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    h, w = crop.shape
    scale = box / max(h, w)
    new_h, new_w = max(1, int(round(h * scale))), max(1, int(round(w * scale)))
    small = np.clip(_resize(crop, new_h, new_w), 0, 1)
    out = np.zeros((size, size))
    top, left = (size - new_h) // 2, (size - new_w) // 2
    out[top:top + new_h, left:left + new_w] = small
    total = out.sum()
    yy, xx = np.mgrid[0:size, 0:size]
    cy, cx = (yy * out).sum() / total, (xx * out).sum() / total
    centre = (size - 1) / 2
    out = _shift(out, int(round(centre - cy)), int(round(centre - cx)))
    return out.astype(np.float32)


def grid_to_image(grid):
    """The 14 x 14 drawing grid as a 28 x 28 image. Lesson 6 (behind ``draw_digit_widget``).

    Each cell becomes 2 x 2 pixels, edges softened a little (a 3 x 3 blur), like the anti-aliased strokes of
    MNIST.

    Inputs: grid (14, 14), on/off (bool or 0/1).
    Returns a float64 image (28, 28) in [0, 1], not yet preprocessed.
    """
    grid = np.asarray(grid, dtype=np.float64)
    if grid.shape != (GRID, GRID):
        raise ShapeError(tr("grid_to_image: expected a ({GRID}, {GRID}) grid, got shape {shape}.", GRID=GRID,
                            shape=grid.shape))
    img = np.kron(grid, np.ones((2, 2)))
    padded = np.pad(img, 1)
    blur = sum(padded[i:i + 28, j:j + 28] for i in range(3) for j in range(3)) / 9.0
    return np.clip(np.maximum(img, blur * 1.5), 0, 1)


def _parse_sketch(rows):
    g = np.array([[c == "#" for c in row] for row in rows], dtype=bool)
    if g.shape != (GRID, GRID):
        raise ShapeError(tr("a sketch needs {GRID} rows of {GRID} characters, got {shape}", GRID=GRID, shape=g.shape))
    return g


# Two digits drawn on the 14 x 14 grid, deliberately off-centre and not MNIST-sized.
EXAMPLE_SKETCHES = {
    "7": _parse_sketch([
        "..............",
        "..#########...",
        "..........#...",
        ".........#....",
        ".........#....",
        "........#.....",
        "........#.....",
        ".......#......",
        ".......#......",
        "......#.......",
        "......#.......",
        "..............",
        "..............",
        "..............",
    ]),
    "3": _parse_sketch([
        "..............",
        "..............",
        "......#####...",
        "..........#...",
        "..........#...",
        "......#####...",
        "..........#...",
        "..........#...",
        "......#####...",
        "..............",
        "..............",
        "..............",
        "..............",
        "..............",
    ]),
}


def _probabilities(model, image28):
    x = image28.reshape(1, 784)
    if hasattr(model, "predict_proba"):
        p = model.predict_proba(x)
    else:
        p = np.asarray(model(x))
    p = np.asarray(p, dtype=np.float64).reshape(-1)
    if p.shape != (10,):
        raise ShapeError(tr("the model must give 10 probabilities for one image, got shape {shape}.", shape=p.shape))
    return p


class DigitSketch:
    """The logic behind the drawing widget: a 14 x 14 grid of cells that are on (ink) or off. Lesson 6.

    Inputs:
    - model: anything with ``predict_proba(X (N, 784)) -> (N, 10)`` (e.g. an nnkit Sequential), or a function
      from (1, 784) to 10 probabilities.
    - transform: optional, applied to the flattened (1, 784) image before the model sees it, e.g. the same
      standardisation that was used in training (default None: none).
    Returns (what the object offers):
    - toggle(row, col), set_grid(grid (14, 14)), clear(): change the drawing; ``grid`` is (14, 14) bool.
    - raw_image(): the drawing as (28, 28) floats, before preprocessing; image(): after ``preprocess``,
      (28, 28) float32, as the network sees it.
    - probabilities(): (10,), one per digit (all 0.1 when nothing is drawn); prediction(): the most probable
      digit, an int, or None when nothing is drawn.
    """

    def __init__(self, model, transform=None):
        self.model = model
        self.transform = transform
        self.grid = np.zeros((GRID, GRID), dtype=bool)

    def toggle(self, row, col):
        self.grid[row, col] = not self.grid[row, col]

    def set_grid(self, grid):
        grid = np.asarray(grid, dtype=bool)
        if grid.shape != (GRID, GRID):
            raise ShapeError(tr("DigitSketch.set_grid: expected ({GRID}, {GRID}), got {shape}.", GRID=GRID,
                                shape=grid.shape))
        self.grid = grid.copy()

    def clear(self):
        self.grid[:] = False

    def raw_image(self):
        """The drawing as a (28, 28) image, before preprocessing."""
        return grid_to_image(self.grid)

    def image(self):
        """The drawing as the network sees it: preprocessed like MNIST, (28, 28) float32."""
        return preprocess(self.raw_image())

    def probabilities(self):
        """Ten probabilities (10,), one per digit; all equal to 0.1 when nothing is drawn."""
        if not self.grid.any():
            return np.full(10, 0.1)
        x = self.image()
        if self.transform is not None:
            x = np.asarray(self.transform(x.reshape(1, 784)), dtype=np.float32)
        return _probabilities(self.model, x)

    def prediction(self):
        """The most probable digit, or None when nothing is drawn."""
        return int(np.argmax(self.probabilities())) if self.grid.any() else None


def plot_digit_probabilities(images, probs, labels=None, titles=None, ncols=None):
    """Each image above a bar chart of its ten probabilities; the most probable bar is highlighted. Lesson 6.

    The highlighted bar is orange *and* hatched, so it is told apart by more than its colour.

    Inputs:
    - images: (N, 28, 28) or (N, 784), values in [0, 1]; probs: (N, 10).
    - labels: optional (N,) true digits: titles become "label → prediction", a wrong one in bold vermillion.
    - titles: optional N titles (default "→ digit (probability)"; ``labels`` take precedence).
    - ncols: images per row (default None: all N in one row).
    Returns the matplotlib Figure.
    """
    import matplotlib.pyplot as plt
    images = np.asarray(images, dtype=np.float64)
    if images.ndim == 2:
        images = images.reshape(len(images), 28, 28)
    probs = np.asarray(probs, dtype=np.float64)
    if probs.shape != (len(images), 10):
        raise ShapeError(tr("plot_digit_probabilities: probs must have shape ({n}, 10), got {shape}.",
                            n=len(images), shape=probs.shape))
    n = len(images)
    ncols = ncols or n
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(2 * nrows, ncols, figsize=(min(1.55 * ncols, 9.4) + 0.6, 3.3 * nrows),
                             gridspec_kw={"height_ratios": [1.0, 0.8] * nrows}, squeeze=False)
    for k in range(nrows * ncols):
        r, c = divmod(k, ncols)
        ax_img, ax_bar = axes[2 * r, c], axes[2 * r + 1, c]
        if k >= n:
            ax_img.axis("off"); ax_bar.axis("off")
            continue
        ax_img.imshow(images[k], cmap="gray_r", vmin=0, vmax=1)
        ax_img.set_xticks([]); ax_img.set_yticks([])
        best = int(np.argmax(probs[k]))
        title = titles[k] if titles is not None else f"→ {best} ({probs[k, best]:.0%})"
        if labels is not None:
            title = f"{labels[k]} → {best}\n({probs[k, best]:.0%})"
        wrong = labels is not None and best != labels[k]
        ax_img.set_title(title, fontsize=12, color="#D55E00" if wrong else "black",
                         fontweight="bold" if wrong else "normal")
        colors = ["#E69F00" if d == best else "#0072B2" for d in range(10)]
        ax_bar.bar(range(10), probs[k], color=colors, hatch=None)
        ax_bar.bar([best], probs[k, best], color="#E69F00", edgecolor="black", hatch="//")   # not by colour alone
        ax_bar.set_ylim(0, 1); ax_bar.set_xticks(range(0, 10, 3))
        ax_bar.tick_params(labelsize=12)
        if c:
            ax_bar.set_yticklabels([])
        else:
            ax_bar.set_ylabel(tr("probability"), fontsize=12)
    fig.tight_layout()
    from ..plotting import describe
    parts = []
    for k in range(n):
        first, second = np.argsort(probs[k])[::-1][:2]
        if labels is not None:
            head = tr("a {digit}", digit=labels[k])
        else:
            head = titles[k].split(":")[0] if titles is not None else tr("image {number}", number=k + 1)
        parts.append(tr("{head} read as {first} ({p_first:.0%}), runner-up {second} ({p_second:.0%})", head=head,
                        first=first, p_first=probs[k, first], second=second, p_second=probs[k, second]))
    describe(fig, tr("{n} digit images, each above a bar chart of the network's ten probabilities: {parts}.", n=n,
                     parts="; ".join(parts)))
    return fig


def draw_digit_widget(model, transform=None, start="7"):
    """Draw a digit on a clickable 14 x 14 grid and see the network's ten probabilities. Lesson 6.

    Click cells to draw (click again to erase); "clear" starts over.

    Inputs:
    - model, transform: as in :class:`DigitSketch`.
    - start: a key of EXAMPLE_SKETCHES ("7" or "3") drawn at the start (default "7"; any other value: empty).
    Returns an ipywidgets box: an HBox of the grid with its "clear" button, the verdict with the preprocessed
    image ("what it sees"), and ten probability bars.
    """
    import ipywidgets as W
    sketch = DigitSketch(model, transform)
    if start in EXAMPLE_SKETCHES:
        sketch.set_grid(EXAMPLE_SKETCHES[start])
    cell = W.Layout(width="20px", height="20px", padding="0", margin="0")
    buttons = []
    bars = [W.FloatProgress(value=0, min=0, max=1, description=str(d), layout=W.Layout(width="260px"),
                            style={"description_width": "24px"}, tooltip=tr("probability of {digit}", digit=d))
            for d in range(10)]
    verdict = W.HTML()
    seen = W.Output()

    def paint(b, on):
        b.style.button_color = "#222222" if on else "#f4f4f4"
        row, column = b.cell[0] + 1, b.cell[1] + 1
        if on:
            b.tooltip = tr("row {row}, column {column}: drawn", row=row, column=column)
        else:
            b.tooltip = tr("row {row}, column {column}: empty", row=row, column=column)

    def refresh():
        probs = sketch.probabilities()
        best = sketch.prediction()
        for d, bar in enumerate(bars):
            bar.value = float(probs[d])
            bar.bar_style = "warning" if d == best else "info"
        verdict.value = (tr("<b>draw a digit</b>") if best is None
                         else tr("<b>network says: {digit}</b> ({p:.1%})", digit=best, p=probs[best]))
        def what_it_sees():
            import matplotlib.pyplot as plt
            fig, ax = plt.subplots(figsize=(1.8, 2.0), dpi=100)
            ax.imshow(sketch.image(), cmap="gray_r", vmin=0, vmax=1)
            ax.set_title(tr("what it sees"), fontsize=13); ax.axis("off")
            from ..plotting import describe
            ink = int(np.sum(sketch.image() > 0.5))
            if best is None:
                reading = tr("nothing drawn yet.")
            else:
                reading = tr("it reads it as {digit} with probability {p:.0%}.", digit=best, p=probs[best])
            describe(fig, tr("What the network sees: the drawing cropped, scaled into a 20 x 20 box and centred in 28 "
                             "x 28 pixels ({ink} dark pixels); {reading}", ink=ink, reading=reading))
            return fig
        _view.redraw(seen, what_it_sees)

    def on_click(b):
        r, c = b.cell
        sketch.toggle(r, c)
        paint(b, sketch.grid[r, c])
        refresh()

    for r in range(GRID):
        for c in range(GRID):
            b = W.Button(layout=cell)
            b.cell = (r, c)
            paint(b, sketch.grid[r, c])
            b.on_click(on_click)
            buttons.append(b)
    # explicit sizes: without them a saved page (the slides) squeezes the grid's column to nothing
    side = f"{GRID * 20 + (GRID - 1)}px"
    grid = W.GridBox(buttons, layout=W.Layout(grid_template_columns=f"repeat({GRID}, 20px)",
                                              grid_template_rows=f"repeat({GRID}, 20px)", grid_gap="1px",
                                              width=side, min_width=side, height=side))
    clear = W.Button(description=tr("clear"), tooltip=tr("erase the drawing"))

    def on_clear(_):
        sketch.clear()
        for b in buttons:
            paint(b, False)
        refresh()

    clear.on_click(on_clear)
    refresh()
    fixed = dict(flex="0 0 auto", margin="0 12px 0 0")
    return W.HBox([W.VBox([grid, clear], layout=W.Layout(width=f"{GRID * 21 + 4}px", **fixed)),
                   W.VBox([verdict, seen], layout=W.Layout(width="190px", **fixed)),
                   W.VBox(bars, layout=W.Layout(width="300px", flex="0 0 auto"))],
                  layout=W.Layout(flex_flow="row nowrap", align_items="flex-start"))
