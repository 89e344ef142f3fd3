"""Interactive widgets of the lessons (ipywidgets), one module per widget.

Each widget separates its logic (plain Python, tested without a browser) from a thin ipywidgets view,
and can draw a static matplotlib picture so that a saved notebook shows what the widget shows. Every view
redraws its picture the same way, through ``_view.redraw``.
Import them by module, e.g. ``from nnkit.widgets.descent import descent_widget``.

| lesson | module       | the widget                                                       |
|--------|--------------|------------------------------------------------------------------|
| 1      | pixelgrid    | ``pixel_grid_widget``: draw a digit on a pixel grid, see the rules' verdict |
| 2      | descent      | ``descent_widget``: the learning rate of least-squares descent on a slider |
| 3      | explorer     | ``explorer_widget``: a ball on a 1-D landscape, four optimizers   |
| 4      | classifier   | ``classifier_widget``: a linear classifier's w1, w2, b on sliders |
| 5      | hidden       | ``hidden_layer_widget``: one hidden layer's size and activation   |
| 6      | drawdigit    | ``draw_digit_widget``: draw a digit, see the network's answer     |
| 7      | graph        | ``expression_widget``: an expression's graph and its gradients    |
"""
