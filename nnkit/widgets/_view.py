"""The one way every widget of the lessons redraws its picture."""

__all__ = ["redraw"]


def redraw(out, make_figure):
    """Replace what the ipywidgets Output ``out`` shows with the figure that ``make_figure()`` draws.
    Lessons 2 to 7 (behind every widget's sliders and buttons).

    Inputs: out, an ``ipywidgets.Output``; make_figure, a function of no arguments that returns a
    matplotlib Figure. Returns that figure, which is also kept as ``out.figure`` (the picture now shown).
    The figure is closed after it is shown, so moving a slider a hundred times leaves no open figures behind.
    """
    import matplotlib.pyplot as plt
    from IPython.display import display
    with out:
        out.clear_output(wait=True)
        fig = make_figure()
        display(fig)
        plt.close(fig)
    out.figure = fig
    return fig
