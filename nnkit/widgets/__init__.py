"""Interactive widgets of the lessons (ipywidgets), one module per widget.

Each widget separates its logic (plain Python, tested without a browser) from a thin ipywidgets view,
and can draw a static matplotlib picture so that a saved notebook shows what the widget shows.
Import them by module, e.g. ``from nnkit.widgets.descent import ...``.
"""
