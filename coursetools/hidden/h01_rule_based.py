"""Hidden tests of exercises/01_rule_based.ipynb: other picture sizes, blank and one-pixel pictures, the rules
graded on 500 real 0s, 1s and 7s from the MNIST *training* set, each moved by up to one pixel (in 28 x 28, before
shrinking) with a seed that stays here, so that no notebook can load or rebuild them (the labels stay here),
digits that never occur, shifts in every direction, and to_corner on pictures moved anywhere. my_rule and
to_corner are graded with the reference bounding_box and shift below (``uses``): one mistake, one task."""
import numpy as np

import nnkit
from nnkit.data import PIXEL_TEMPLATES, mnist_as_pixel_art
from coursetools.grading import N_, Task, Case

rng = np.random.default_rng(101)
_SECRET = 1017                     # the seed of the moves of the rules' digits


# Reference functions. Their source is sent into the sandbox for the tasks that call them (``uses``).
def bounding_box(img):
    img = np.asarray(img)
    rows, cols = np.flatnonzero(img.any(axis=1)), np.flatnonzero(img.any(axis=0))
    return np.array([-1, -1, -1, -1]) if len(rows) == 0 else np.array([rows[0], rows[-1], cols[0], cols[-1]])


def shift(img, dr, dc):
    img = np.asarray(img)
    H, W = img.shape
    out = np.zeros_like(img)
    out[max(dr, 0):H + min(dr, 0), max(dc, 0):W + min(dc, 0)] = img[max(-dr, 0):H - max(dr, 0), max(-dc, 0):W - max(dc, 0)]
    return out


_box = bounding_box


def _per_digit(answers, labels):
    out = np.full(10, np.nan)
    for d in range(10):
        if (labels == d).any():
            out[d] = np.mean(answers[labels == d] == d)
    return out


def _shift(img, dr, dc):
    H, W = img.shape
    out = np.zeros_like(img)
    for r in range(H):
        for c in range(W):
            if 0 <= r + dr < H and 0 <= c + dc < W:
                out[r + dr, c + dc] = img[r, c]
    return out


X_tr, y_tr, _, _ = nnkit.load_mnist()
seven = mnist_as_pixel_art(X_tr[np.flatnonzero(y_tr == 7)[:1]])[0]
one_pixel = np.zeros((6, 9), dtype=int); one_pixel[5, 0] = 1
odd = (rng.random((6, 5)) < 0.3).astype(int); odd[0] = 0; odd[:, 4] = 0; odd[2, 1] = 1
_bb = [Case((img,), _box(img), desc) for img, desc in [
    (seven, N_("a real 7 as 8 x 8 pixel art")), (odd, N_("a 6 x 5 picture")), (one_pixel, N_("a 6 x 9 picture with one pixel, "
     "in a corner")), (np.zeros((3, 3), dtype=int), N_("a blank 3 x 3 picture"))]]


def _accuracy_check(labels, needed):
    def check(got):
        acc = float(np.mean(got == labels))
        if not np.isin(got, [0, 1, 7]).all():
            return N_("some answers are not 0, 1 or 7")
        return None if acc >= needed else N_("your rules got {acc:.0%} of these real digits right; {needed:.0%} needed",
                                             acc=acc, needed=needed)
    return check


def _moved(images, seed):
    """28 x 28 digits each moved by up to one pixel up, down, left or right (blank where nothing moved in)."""
    r = np.random.default_rng(seed)
    out = np.zeros_like(images)
    for k, img in enumerate(images):
        dr, dc = r.integers(-1, 2, 2)
        out[k] = np.pad(img, 1)[1 - dr:29 - dr, 1 - dc:29 - dc]
    return out


_keep = np.flatnonzero(np.isin(y_tr, [0, 1, 7]))
_keep = _keep[rng.permutation(len(_keep))[:500]]
_art, _lab = mnist_as_pixel_art(_moved(X_tr[_keep], _SECRET)), y_tr[_keep]
_mr = [Case((_art,), np.zeros(500), N_("500 real 0s, 1s and 7s that no notebook has ({needed:.0%} needed)", needed=need),
            check=_accuracy_check(_lab, need)) for need in (0.5, 0.6, 0.7)]

_pd = []
a, l = rng.integers(-1, 10, 200), rng.integers(0, 10, 200)
a[:100] = l[:100]
_pd.append(Case((a, l), _per_digit(a, l), N_("200 answers, every digit present")))
l2 = rng.choice([2, 5, 9], 30); a2 = np.where(rng.random(30) < 0.6, l2, rng.integers(-1, 10, 30))
_pd.append(Case((a2, l2), _per_digit(a2, l2), N_("30 answers, only digits 2, 5 and 9 present")))
_pd.append(Case((np.array([3]), np.array([3])), _per_digit(np.array([3]), np.array([3])), N_("one answer")))

_sh = [Case((img, dr, dc), _shift(img, dr, dc), desc) for img, dr, dc, desc in [
    (PIXEL_TEMPLATES["8x8"][4], 2, -3, N_("the 8 x 8 drawing of a 4, dr=2, dc=-3")),
    (rng.integers(0, 2, (5, 7)), -2, 3, N_("a 5 x 7 picture, dr=-2, dc=3")),
    (rng.integers(0, 2, (4, 4)), 0, -1, N_("a 4 x 4 picture, dr=0, dc=-1")),
    (np.eye(3, 6, dtype=int) + np.eye(3, 6, 1, dtype=int), 2, 5, N_("a 3 x 6 picture, dr=2, dc=5"))]]

assert all(np.array_equal(c.expected, shift(*c.args)) for c in _sh)      # the two references agree
_tc = []
for img, desc in [(np.pad(PIXEL_TEMPLATES["8x8"][7], ((1, 2), (3, 0))), N_("the 8 x 8 drawing of a 7 in an 11 x 11 picture")),
                  (np.pad(rng.integers(0, 2, (3, 4)), ((2, 0), (1, 3))), N_("a 5 x 8 picture")),
                  (one_pixel, N_("a 6 x 9 picture with one pixel, in a corner")),
                  (np.zeros((4, 5), dtype=int), N_("a blank 4 x 5 picture"))]:
    top, _, left, _ = bounding_box(img)
    _tc.append(Case((img,), img if top < 0 else shift(img, -top, -left), desc))

TASKS = [Task("1. bounding_box", "bounding_box", 1, _bb),
         Task("2. my_rule", "rule_answers", 2, _mr, uses={"bounding_box": bounding_box}, shown="my_rule"),
         Task("3. per_digit_accuracy", "per_digit_accuracy", 2, _pd),
         Task("4. shift", "shift", 1, _sh),
         Task("5. to_corner", "to_corner", 1, _tc, uses={"bounding_box": bounding_box, "shift": shift}),
         Task("6. memoriser_prediction", "memoriser_prediction", 1,
              [Case((), np.array(3.0), N_("your prediction (1, 2, 3 or 4)"))], scalar=True)]
