"""Lesson 1 widget: draw a digit on a grid of pixels and see what a rule-based program makes of it.

Logic (plain Python, tested): ``PixelGrid`` holds a 0/1 image, toggles pixels, and asks a rule function
for its verdict. A rule returns a digit (None or -1: no ink), or a pair (digit, reason) such as
(6, "one loop, low"), and the verdict then says which rule fired. View: ``pixel_grid_widget(rule)``,
one button per pixel, painted black or white.
"""
import numpy as np

from ..i18n import tr

__all__ = ["PixelGrid", "pixel_grid_widget", "plot_verdicts"]


def _answer(result):
    """(digit or None, reason or None) from what a rule returned."""
    answer, reason = result if isinstance(result, tuple) else (result, None)
    if answer is None or answer < 0:
        return None, reason
    return answer, reason


class PixelGrid:
    """A drawable black-and-white image and the verdict of a rule on it. Lesson 1.

    Inputs:
    - rule: a function from the image (H, W) (ints 0/1, 1 = ink) to a digit, None or -1 (no ink), or a pair
      (digit, reason) such as (6, "one loop, low").
    - size: (H, W) (default (8, 8)); image: optional (H, W) start, any value above 0 counts as ink.
    - who: how the verdict begins (default "the rules say"; lesson 4a: "the classifier says").
    Returns (what the object offers; the first three return the grid, so calls chain):
    - set_image(image (H, W)); toggle(row, col); clear().
    - image: (H, W) int64 of 0/1; verdict: a sentence, e.g. "the rules say: 6 (one loop, low)".
    """

    def __init__(self, rule, size=(8, 8), image=None, who="the rules say"):
        self.rule, self.who = rule, who
        self.image = np.zeros(size, dtype=np.int64)
        if image is not None:
            self.set_image(image)

    def set_image(self, image):
        image = np.asarray(image)
        if image.shape != self.image.shape:
            raise ValueError(tr("PixelGrid: the image must have shape {expected}, got {shape}.",
                                expected=self.image.shape, shape=image.shape))
        self.image = (image > 0).astype(np.int64)
        return self

    def toggle(self, row, col):
        self.image[row, col] = 1 - self.image[row, col]
        return self

    def clear(self):
        self.image[...] = 0
        return self

    @property
    def verdict(self):
        answer, reason = _answer(self.rule(self.image))
        if answer is None:
            return tr("no ink: draw something")
        who = tr("the rules say") if self.who == "the rules say" else self.who
        return f"{who}: {answer}" + (f" ({reason})" if reason else "")


def plot_verdicts(images, rule, titles=None, ncols=6):
    """Show pixel images with the rule's answer above each. Lesson 1.

    An answer is in bold vermillion when the title's first character is a digit that differs from it.

    Inputs:
    - images: a sequence of (H, W) images with values 0/1; rule: as in :class:`PixelGrid`.
    - titles: optional, one per image (default None: only the answers); ncols: images per row (default 6).
    Returns the matplotlib Figure.
    """
    import matplotlib.pyplot as plt
    n = len(images)
    ncols = min(ncols, n)
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(2.1 * ncols, 2.6 * nrows), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.set_xticks([]); ax.set_yticks([])
        if i >= n:
            ax.axis("off")
            continue
        ax.imshow(images[i], cmap="gray_r", vmin=0, vmax=1)
        answer, _ = _answer(rule(images[i]))
        head = f"{titles[i]}\n" if titles else ""
        wrong = bool(titles) and titles[i][:1].isdigit() and str(answer) != titles[i][:1]
        ax.set_title(head + tr("rules: {answer}", answer=answer), color="#D55E00" if wrong else "black",
                     fontweight="bold" if wrong else "normal")
    fig.tight_layout()
    return fig


def pixel_grid_widget(rule, size=(8, 8), image=None, who="the rules say"):
    """One button per pixel (click: black <-> white), a clear button, and the rules' verdict. Lesson 1.

    Inputs:
    - rule, size, image, who: as in :class:`PixelGrid`.
    Returns an ipywidgets box: an HBox of the H x W buttons and, beside them, the verdict and "clear";
    ``box.grid`` is the PixelGrid behind it and ``box.buttons`` the H * W buttons.
    """
    import ipywidgets as widgets
    grid = PixelGrid(rule, size, image, who)
    H, W = size
    buttons = []
    label = widgets.HTML()

    def paint(button, value):
        button.style.button_color = "black" if value else "white"
        row, column = button.cell[0] + 1, button.cell[1] + 1
        if value:
            button.tooltip = tr("row {row}, column {column}: black", row=row, column=column)
        else:
            button.tooltip = tr("row {row}, column {column}: white", row=row, column=column)

    def refresh():
        label.value = f"<b>{grid.verdict}</b>"

    def on_click(button, r, c):
        grid.toggle(r, c)
        paint(button, grid.image[r, c])
        refresh()

    for r in range(H):
        for c in range(W):
            b = widgets.Button(layout=widgets.Layout(width="28px", height="28px", padding="0", margin="0",
                                                     border="1px solid #999"))
            b.cell = (r, c)
            paint(b, grid.image[r, c])
            b.on_click(lambda button, r=r, c=c: on_click(button, r, c))
            buttons.append(b)
    clear = widgets.Button(description=tr("clear"), tooltip=tr("make every pixel white"))

    def on_clear(_):
        grid.clear()
        for b in buttons:
            paint(b, 0)
        refresh()

    clear.on_click(on_clear)
    board = widgets.GridBox(buttons, layout=widgets.Layout(grid_template_columns=f"repeat({W}, 28px)",
                                                          grid_gap="1px"))
    refresh()
    box = widgets.HBox([board, widgets.VBox([label, clear])])
    box.grid, box.buttons = grid, buttons
    return box
