"""Command line: ``python -m nnkit doctor``: check the set-up (Python, packages, Jupyter kernel, MNIST
files, widgets) and say what to fix.

The instructors' tools (exercises, grading, release, slides, bench) are a separate package:
``python -m coursetools --help`` in the course repository.
"""
import sys

from .i18n import tr


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(__doc__.strip())
        return 0
    if argv[0] != "doctor":
        print(tr("nnkit: unknown command {command!r}. The one command is: python -m nnkit doctor", command=argv[0]),
              file=sys.stderr)
        return 2
    from .doctor import main as doctor_main
    return int(doctor_main(argv[1:]) or 0)


if __name__ == "__main__":
    sys.exit(main())
