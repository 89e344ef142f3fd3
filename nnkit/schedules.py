"""Learning-rate schedules (Lesson 6): the learning rate as a function of how far training has got.

A schedule is called with ``progress``, the fraction of all training steps already taken (0 at the first
step, just under 1 at the last), and returns the learning rate for the next step. ``train(...,
schedule=...)`` sets ``optimizer.lr`` to it before every update; lesson 6 does the same by hand, once per
epoch (``optimizer.lr = 1e-4`` for the last epochs).

Why a schedule helps: early on, a large step moves quickly towards good weights; near the end, the noise
of mini-batch gradients keeps a large step bouncing around the bottom of the valley, and a small step
settles into it. Starting small and climbing (warm-up) lets Adam's first, rough estimates of the
gradients settle before the steps grow large.
"""
from .errors import check_rate
from .i18n import tr

__all__ = ["OneCycle"]


class OneCycle:
    """Warm-up, then decay: the learning rate climbs in a straight line from ``peak_lr * start`` to
    ``peak_lr`` during the first ``warmup`` fraction of training, then falls in a straight line to
    ``peak_lr * end`` at the last step. Lesson 6 (98 % in two seconds: ``train(..., schedule=OneCycle(1e-2))``).

        lr(progress) = peak_lr * (start + (1 - start) * progress / warmup)           progress < warmup
        lr(progress) = peak_lr * (1 - (1 - end) * (progress - warmup) / (1 - warmup))  afterwards

    Inputs: peak_lr > 0; warmup in [0, 1) (default 0.2); start and end in [0, 1] (defaults 0.1 and 0:
    the last steps are the smallest).
    Returns a schedule: call it with progress in [0, 1] (the fraction of the run's updates already made);
    it returns the learning rate, a float.
    """

    def __init__(self, peak_lr, warmup=0.2, start=0.1, end=0.0):
        self.peak_lr = check_rate(peak_lr, "peak_lr", where="OneCycle", example=3e-3)
        self.warmup = _fraction(warmup, "warmup", tr("of training spent climbing"), below_one=True)
        self.start = _fraction(start, "start", tr("of peak_lr at the first step"))
        self.end = _fraction(end, "end", tr("of peak_lr at the last step"))

    def __call__(self, progress):
        if progress < self.warmup:
            return self.peak_lr * (self.start + (1 - self.start) * progress / self.warmup)
        return self.peak_lr * (1 - (1 - self.end) * (progress - self.warmup) / (1 - self.warmup))

    def __repr__(self):
        return f"OneCycle(peak_lr={self.peak_lr:g}, warmup={self.warmup:g}, start={self.start:g}, end={self.end:g})"


def _fraction(value, name, what, below_one=False):
    """A number from 0 to 1 (below 1 if ``below_one``), or a TypeError/ValueError saying what was expected."""
    allowed = tr("from 0 up to, but not including, 1") if below_one else tr("from 0 to 1")
    advice = tr("OneCycle: {name} is the fraction {what}, a number {allowed}, but {value!r} was given. For example "
                "OneCycle(3e-3, warmup=0.2, start=0.1, end=0.0).", name=name, what=what, allowed=allowed, value=value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(advice)
    if not (0 <= value < 1 or (value == 1 and not below_one)):
        raise ValueError(advice)
    return float(value)
