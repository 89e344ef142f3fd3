"""``python -m nnkit doctor``: check the set-up and say, for each problem, what to do.

Checks: the Python version, the pinned packages of requirements.txt, the Jupyter kernel that notebooks
run on, the shipped MNIST files (checksums), the widget extension of JupyterLab, and the optional tools
for slides and browser tests (Node/npm, Chromium). Exit code 0 when everything required is fine.
"""
import importlib.metadata as md
import os
import re
import shutil
import sys
import time
from pathlib import Path

from .i18n import tr

REPO = Path(__file__).resolve().parent.parent
MIN_PYTHON = (3, 11)      # the pinned NumPy 2.4 and matplotlib 3.11 need it; pyproject.toml says the same
OK, BAD, WARN = "ok  ", "FAIL", "note"


def _pins(path):
    pins = {}
    if path.is_file():
        for line in path.read_text().splitlines():
            m = re.match(r"^\s*([A-Za-z0-9_.\-]+)==([^\s;#]+)", line)
            if m:
                pins[m.group(1).lower()] = m.group(2)
    return pins


def checks():
    """Yield (status, what, advice) triples."""
    v = sys.version_info
    if v >= MIN_PYTHON:
        yield OK, tr("Python {version} at {path}", version=f"{v.major}.{v.minor}.{v.micro}", path=sys.executable), ""
    else:
        yield BAD, f"Python {v.major}.{v.minor}", tr(
            "The course needs Python 3.11 or newer (the pinned NumPy and matplotlib do not install on older ones). "
            "Install it from your package manager (Debian/Ubuntu: apt-get install python3.11 python3.11-venv), from "
            "python.org, or with pyenv or conda; then make the venv with python3.11 -m venv .venv.")
    in_venv = sys.prefix != getattr(sys, "base_prefix", sys.prefix)
    if in_venv:
        yield OK, tr("running inside a virtual environment"), ""
    else:
        yield WARN, tr("not inside a virtual environment"), tr(
            "Recommended: python3 -m venv .venv && . .venv/bin/activate, then install again.")

    pins = _pins(REPO / "requirements.txt")
    for name, want in sorted(pins.items()):
        try:
            have = md.version(name)
        except md.PackageNotFoundError:
            yield BAD, tr("{name} is not installed (pinned {want})", name=name, want=want), \
                tr("Run: pip install -r requirements.txt")
            continue
        if have != want:
            yield WARN, tr("{name} {have} installed, the course pins {want}", name=name, have=have, want=want), \
                tr("Usually fine; if something breaks, run: pip install -r requirements.txt")
        else:
            yield OK, f"{name} {have}", ""

    t0 = time.perf_counter()
    import nnkit
    yield OK, tr("nnkit {version} from {folder}", version=nnkit.__version__, folder=Path(nnkit.__file__).parent), ""

    try:
        from jupyter_client.kernelspec import KernelSpecManager
        specs = KernelSpecManager().get_all_specs()
        spec = specs.get("python3")
        if spec is None:
            yield BAD, tr("no 'python3' Jupyter kernel"), tr("Run: python -m ipykernel install --user --name python3")
        else:
            argv0 = spec["spec"]["argv"][0]
            same = argv0 in ("python", "python3", "{python}") or Path(argv0).resolve() == Path(sys.executable).resolve()
            yield (OK if same else WARN), tr("Jupyter kernel 'python3' runs {program}", program=argv0), (
                "" if same else tr("The notebooks would run on another Python than this one. In the course's "
                                   "environment run: python -m ipykernel install --user --name python3"))
    except Exception as exc:  # jupyter_client missing or broken
        yield BAD, tr("cannot list Jupyter kernels ({error})", error=exc), tr("Run: pip install -r requirements.txt")

    try:
        from nnkit.data.mnist import load_mnist, _load_all
        _load_all.cache_clear()
        t0 = time.perf_counter()
        Xtr, ytr, Xte, yte = load_mnist()
        yield OK, tr("MNIST verified: train {train}, test {test} ({seconds:.2f} s)", train=Xtr.shape, test=Xte.shape,
                     seconds=time.perf_counter() - t0), ""
    except Exception as exc:
        yield BAD, tr("MNIST could not be loaded"), str(exc)

    try:
        md.version("jupyterlab_widgets")
        yield OK, tr("JupyterLab widget extension (jupyterlab_widgets) installed"), ""
    except md.PackageNotFoundError:
        yield BAD, tr("JupyterLab cannot show widgets (jupyterlab_widgets missing)"), \
            tr("Run: pip install -r requirements.txt")

    node, npm = shutil.which("node"), shutil.which("npm")
    if node and npm:
        yield OK, tr("node and npm found (slides can be built)"), ""
    else:
        yield WARN, tr("node/npm not found"), tr(
            "Only needed to build offline slides: install Node.js (e.g. apt-get install nodejs npm).")
    chromium = os.environ.get("NNKIT_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium:
        yield OK, tr("Chromium at {path}", path=chromium), ""
    else:
        yield WARN, tr("Chromium not found"), tr(
            "Only needed for the browser tests (they are skipped without it): apt-get install chromium, or set "
            "NNKIT_CHROMIUM to a Chromium/Chrome binary.")


def main(argv=None):
    failures = 0
    print(tr("nnkit doctor: checking the course set-up") + "\n")
    for status, what, advice in checks():
        print(f"[{status}] {what}")
        if advice and status != OK:
            print(f"       -> {advice}")
        failures += status == BAD
    print()
    if failures:
        print(tr("{failures} problem(s) to fix, see the arrows above.", failures=failures))
        return 1
    print(tr("Everything the course needs is in place. Start, from the course folder, with:\n    jupyter lab "
             "--ServerApp.root_dir=. lessons/01_rule_based.ipynb"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
