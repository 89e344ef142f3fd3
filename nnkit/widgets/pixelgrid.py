"""Lesson 1 widget: draw a digit on a grid of pixels and see what a rule-based program makes of it.

Logic (plain Python, tested): ``PixelGrid`` holds a 0/1 image, toggles pixels, and asks a rule function
for its verdict. View: ``pixel_grid_widget(rule)``, one toggle button per pixel.
"""
import numpy as np

__all__ = ["PixelGrid", "pixel_grid_widget", "plot_verdicts"]


class PixelGrid:
    """A drawable black-and-white image of shape ``size``; ``verdict`` applies ``rule`` to it."""

    def __init__(self, rule, size=(8, 8), image=None):
        self.rule = rule
        self.image = np.zeros(size, dtype=np.int64)
        if image is not None:
            self.set_image(image)

    def set_image(self, image):
        image = np.asarray(image)
        if image.shape != self.image.shape:
            raise ValueError(f"PixelGrid: the image must have shape {self.image.shape}, got {image.shape}.")
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
        answer = self.rule(self.image)
        return "no ink: draw something" if answer is None else f"the rules say: {answer}"


def plot_verdicts(images, rule, titles=None, ncols=6):
    """Show pixel images with the rule's answer above each."""
    import matplotlib.pyplot as plt
    n = len(images)
    ncols = min(ncols, n)
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.5 * ncols, 1.75 * nrows), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.set_xticks([]); ax.set_yticks([])
        if i >= n:
            ax.axis("off")
            continue
        ax.imshow(images[i], cmap="gray_r", vmin=0, vmax=1)
        head = f"{titles[i]}\n" if titles else ""
        ax.set_title(f"{head}rules: {rule(images[i])}", fontsize=9)
    fig.tight_layout()
    return fig


def pixel_grid_widget(rule, size=(8, 8), image=None):
    """One toggle button per pixel, a clear button, and the rules' verdict, updated on every click."""
    import ipywidgets as widgets
    grid = PixelGrid(rule, size, image)
    H, W = size
    buttons = []
    label = widgets.HTML()

    def paint(button, value):
        button.style.button_color = "black" if value else "white"

    def refresh():
        label.value = f"<b>{grid.verdict}</b>"

    def on_click(change, r, c):
        grid.image[r, c] = int(change["new"])
        paint(change["owner"], change["new"])
        refresh()

    for r in range(H):
        for c in range(W):
            b = widgets.ToggleButton(value=bool(grid.image[r, c]), layout=widgets.Layout(width="28px", height="28px",
                                                                                          padding="0", margin="0"))
            paint(b, b.value)
            b.observe(lambda ch, r=r, c=c: on_click(ch, r, c), names="value")
            buttons.append(b)
    clear = widgets.Button(description="clear")

    def on_clear(_):
        grid.clear()
        for b in buttons:
            b.value = False
        refresh()

    clear.on_click(on_clear)
    board = widgets.GridBox(buttons, layout=widgets.Layout(grid_template_columns=f"repeat({W}, 28px)",
                                                          grid_gap="1px"))
    refresh()
    box = widgets.HBox([board, widgets.VBox([label, clear])])
    box.grid, box.buttons = grid, buttons
    return box
