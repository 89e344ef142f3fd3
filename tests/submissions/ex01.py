"""Wrong answers to exercise 01 (rules), with the score each deserves."""
WRONG = [
    ("bounding_box", "argmax: a blank picture gives [0, 0, 0, 0]", "def bounding_box(img):\n    r, c = img.any(axis=1), img.any(axis=0)\n"
     "    return np.array([r.argmax(), len(r) - 1 - r[::-1].argmax(), c.argmax(), len(c) - 1 - c[::-1].argmax()])", 0.75),
    ("bounding_box", "rows and columns swapped", "def bounding_box(img):\n    r, c = np.flatnonzero(img.any(axis=0)), np.flatnonzero(img.any(axis=1))\n"
     "    return np.array([-1] * 4) if len(r) == 0 else np.array([r[0], r[-1], c[0], c[-1]])", 0.25),   # right only for the blank
    ("bounding_box", "bottom and right one past the ink (slice ends)", "def bounding_box(img):\n"
     "    r, c = np.flatnonzero(img.any(axis=1)), np.flatnonzero(img.any(axis=0))\n"
     "    return np.array([-1] * 4) if len(r) == 0 else np.array([r[0], r[-1] + 1, c[0], c[-1] + 1])", 0.25),
    ("bounding_box", "crashes on a blank picture", "def bounding_box(img):\n    r, c = np.nonzero(img)\n"
     "    return np.array([r.min(), r.max(), c.min(), c.max()])", 0.75),
    ("my_rule", "always 1", "def my_rule(img):\n    return 1", 0.0),
    ("my_rule", "only the hole rule (never 7)", "def my_rule(img):\n    return 0 if count_holes(img) else 1", 0.67),   # 0s and 1s: the first rung
    ("my_rule", "holes and width only", "def my_rule(img):\n    t, b, l, r = bounding_box(img)\n    if count_holes(img):\n"
     "        return 0\n    return 1 if r - l <= 2 else 7", 1.33),   # the simplest sensible rules: just under 70 % of the moved digits
    ("my_rule", "answers 8 for two holes", "def my_rule(img):\n    h = count_holes(img)\n    if len(h) >= 2:\n        return 8\n"
     "    t, b, l, r = bounding_box(img)\n    return 0 if h else (1 if r - l <= 2 else 7)", 0.0),   # not one of 0, 1, 7
    ("per_digit_accuracy", "0 instead of NaN for digits never seen", "def per_digit_accuracy(answers, labels):\n"
     "    return np.array([np.mean(answers[labels == d] == d) if (labels == d).any() else 0.0 for d in range(10)])", 0.67),
    ("per_digit_accuracy", "divides by all N", "def per_digit_accuracy(answers, labels):\n    out = np.full(10, np.nan)\n"
     "    for d in range(10):\n        if (labels == d).any():\n            out[d] = np.sum((answers == d) & (labels == d)) / len(labels)\n    return out", 0.67),  # right for N = 1
    ("per_digit_accuracy", "groups by answer, not by label (precision)", "def per_digit_accuracy(answers, labels):\n"
     "    out = np.full(10, np.nan)\n    for d in range(10):\n        if (answers == d).any():\n"
     "            out[d] = np.mean(labels[answers == d] == d)\n    return out", 0.67),   # right for one answer
    ("per_digit_accuracy", "range(11)", "def per_digit_accuracy(answers, labels):\n    out = np.full(11, np.nan)\n"
     "    for d in range(11):\n        if (labels == d).any():\n            out[d] = np.mean(answers[labels == d] == d)\n    return out", 0.0),
    ("shift", "np.roll (wraps around)", "def shift(img, dr, dc):\n    return np.roll(np.roll(img, dr, axis=0), dc, axis=1)", 0.0),
    ("shift", "rows and columns swapped", "def shift(img, dr, dc):\n    H, W = img.shape\n    out = np.zeros_like(img)\n"
     "    for r in range(H):\n        for c in range(W):\n            if 0 <= r + dc < H and 0 <= c + dr < W:\n"
     "                out[r + dc, c + dr] = img[r, c]\n    return out", 0.0),
    ("shift", "moves the other way", "def shift(img, dr, dc):\n    H, W = img.shape\n    out = np.zeros_like(img)\n"
     "    for r in range(H):\n        for c in range(W):\n            if 0 <= r - dr < H and 0 <= c - dc < W:\n"
     "                out[r - dr, c - dc] = img[r, c]\n    return out", 0.0),
    ("per_digit_accuracy", "range(9): digit 9 never scored", "def per_digit_accuracy(answers, labels):\n"
     "    out = np.full(10, np.nan)\n    for d in range(9):\n        if (labels == d).any():\n"
     "            out[d] = np.mean(answers[labels == d] == d)\n    return out", 0.67),   # right where no 9 occurs
    ("my_rule", "memorises the 600 digits the notebook shows and the clean drawings (1 for anything else)",
     "_, _, _X, _y = nnkit.load_mnist()\n_k = np.flatnonzero(np.isin(_y, [0, 1, 7]))[:600]\n"
     "_table = {img.tobytes(): int(d) for img, d in zip(mnist_as_pixel_art(_X[_k]), _y[_k])}\n"
     "_table.update({templates[d].tobytes(): d for d in (0, 1, 7)})      # and lesson 1's clean drawings\n\n\n"
     "def my_rule(img):\n    return _table.get(np.asarray(img).tobytes(), 1)", 0.0),
    ("to_corner", "moves the box's bottom-right corner instead", "def to_corner(img):\n    t, b, l, r = bounding_box(img)\n"
     "    return img.copy() if t < 0 else shift(img, img.shape[0] - 1 - b, img.shape[1] - 1 - r)", 0.25),   # the blank one
    ("to_corner", "shifts the wrong way (+top, +left)", "def to_corner(img):\n    t, b, l, r = bounding_box(img)\n"
     "    return img.copy() if t < 0 else shift(img, t, l)", 0.25),   # only the blank picture
    ("to_corner", "np.roll: ink wraps around", "def to_corner(img):\n    t, b, l, r = bounding_box(img)\n"
     "    return img.copy() if t < 0 else np.roll(np.roll(img, -t, axis=0), -l, axis=1)", 1.0),   # nothing wraps when moving to the corner
    ("to_corner", "crashes on a blank picture (moves by -(-1))", "def to_corner(img):\n    t, b, l, r = bounding_box(img)\n"
     "    return shift(img, -t, -l) if t > 0 or l > 0 else 1 / 0", 0.75),
    ("to_corner", "rows and columns swapped", "def to_corner(img):\n    t, b, l, r = bounding_box(img)\n"
     "    return img.copy() if t < 0 else shift(img, -l, -t)", 0.25),
    ("memoriser_prediction", "predicts 99 %", "def memoriser_prediction():\n    return 1", 0.0),
    ("memoriser_prediction", "predicts 75 %", "def memoriser_prediction():\n    return 2", 0.0),
    ("memoriser_prediction", "predicts 0 %", "def memoriser_prediction():\n    return 4", 0.0),
    ("shift", "shifts in place", "def shift(img, dr, dc):\n    img[:] = np.roll(np.roll(img, dr, axis=0), dc, axis=1)\n"
     "    img[:dr] = 0 if dr > 0 else img[:dr]\n    return img", 0.0),
]

# Right answers written differently from the reference: graded whole, each keeps full marks.
RIGHT = [
    ("bounding_box", "np.nonzero with a guard for the blank picture", "def bounding_box(img):\n    r, c = np.nonzero(img)\n"
     "    return np.array([r.min(), r.max(), c.min(), c.max()]) if len(r) else np.array([-1, -1, -1, -1])"),
    ("shift", "a double loop", "def shift(img, dr, dc):\n    H, W = img.shape\n    out = np.zeros_like(img)\n"
     "    for r in range(H):\n        for c in range(W):\n            if 0 <= r + dr < H and 0 <= c + dc < W:\n"
     "                out[r + dr, c + dc] = img[r, c]\n    return out"),
    ("to_corner", "crops the ink and pastes it at (0, 0)", "def to_corner(img):\n    t, b, l, r = bounding_box(img)\n"
     "    out = np.zeros_like(img)\n    if t >= 0:\n        out[:b - t + 1, :r - l + 1] = img[t:b + 1, l:r + 1]\n    return out"),
]
