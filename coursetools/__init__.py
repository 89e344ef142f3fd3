"""coursetools: the instructors' and maintainers' tools of the course (never imported by nnkit).

    exercises    solutions/ -> exercises/ (solution code becomes a stub, nbgrader metadata kept)
    release      a student copy of the course: lessons, exercises, nnkit, data; no instructor code
    grading/     grade submissions with the hidden tests in hidden/, in a sandbox
    slides       offline reveal.js decks of the lessons (npm files in slides_assets/)
    bench        time nnkit's MNIST training against hand-written NumPy and PyTorch

Command line: ``python -m coursetools --help``.
"""
