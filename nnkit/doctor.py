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

REPO = Path(__file__).resolve().parent.parent
MIN_PYTHON = (3, 11)      # the pinned NumPy 2.4 and matplotlib 3.11 need it; pyproject.toml says the same
PYTHON_ADVICE = ("The course needs Python 3.11 or newer (the pinned NumPy and matplotlib do not install on older ones). "
                 "Install it from your package manager (Debian/Ubuntu: apt-get install python3.11 python3.11-venv), "
                 "from python.org, or with pyenv or conda; then make the venv with python3.11 -m venv .venv.")
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
        yield OK, f"Python {v.major}.{v.minor}.{v.micro} at {sys.executable}", ""
    else:
        yield BAD, f"Python {v.major}.{v.minor}", PYTHON_ADVICE
    in_venv = sys.prefix != getattr(sys, "base_prefix", sys.prefix)
    yield (OK if in_venv else WARN), ("running inside a virtual environment" if in_venv else
                                       "not inside a virtual environment"), (
        "" if in_venv else "Recommended: python3 -m venv .venv && . .venv/bin/activate, then install again.")

    pins = _pins(REPO / "requirements.txt")
    for name, want in sorted(pins.items()):
        try:
            have = md.version(name)
        except md.PackageNotFoundError:
            yield BAD, f"{name} is not installed (pinned {want})", "Run: pip install -r requirements.txt"
            continue
        if have != want:
            yield WARN, f"{name} {have} installed, the course pins {want}", \
                "Usually fine; if something breaks, run: pip install -r requirements.txt"
        else:
            yield OK, f"{name} {have}", ""

    t0 = time.perf_counter()
    import nnkit
    yield OK, f"nnkit {nnkit.__version__} from {Path(nnkit.__file__).parent}", ""

    try:
        from jupyter_client.kernelspec import KernelSpecManager
        specs = KernelSpecManager().get_all_specs()
        spec = specs.get("python3")
        if spec is None:
            yield BAD, "no 'python3' Jupyter kernel", "Run: python -m ipykernel install --user --name python3"
        else:
            argv0 = spec["spec"]["argv"][0]
            same = argv0 in ("python", "python3", "{python}") or Path(argv0).resolve() == Path(sys.executable).resolve()
            yield (OK if same else WARN), f"Jupyter kernel 'python3' runs {argv0}", (
                "" if same else "The notebooks would run on another Python than this one. In the course's "
                "environment run: python -m ipykernel install --user --name python3")
    except Exception as exc:  # jupyter_client missing or broken
        yield BAD, f"cannot list Jupyter kernels ({exc})", "Run: pip install -r requirements.txt"

    try:
        from nnkit.data.mnist import load_mnist, _load_all
        _load_all.cache_clear()
        t0 = time.perf_counter()
        Xtr, ytr, Xte, yte = load_mnist()
        yield OK, f"MNIST verified: train {Xtr.shape}, test {Xte.shape} ({time.perf_counter() - t0:.2f} s)", ""
    except Exception as exc:
        yield BAD, "MNIST could not be loaded", str(exc)

    try:
        md.version("jupyterlab_widgets")
        yield OK, "JupyterLab widget extension (jupyterlab_widgets) installed", ""
    except md.PackageNotFoundError:
        yield BAD, "JupyterLab cannot show widgets (jupyterlab_widgets missing)", "Run: pip install -r requirements.txt"

    node, npm = shutil.which("node"), shutil.which("npm")
    yield (OK if node and npm else WARN), ("node and npm found (slides can be built)" if node and npm else
                                           "node/npm not found"), (
        "" if node and npm else "Only needed to build offline slides: install Node.js (e.g. apt-get install nodejs npm).")
    chromium = os.environ.get("NNKIT_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    yield (OK if chromium else WARN), (f"Chromium at {chromium}" if chromium else "Chromium not found"), (
        "" if chromium else "Only needed for the browser tests (they are skipped without it): "
        "apt-get install chromium, or set NNKIT_CHROMIUM to a Chromium/Chrome binary.")


def main(argv=None):
    failures = 0
    print("nnkit doctor: checking the course set-up\n")
    for status, what, advice in checks():
        print(f"[{status}] {what}")
        if advice and status != OK:
            print(f"       -> {advice}")
        failures += status == BAD
    print()
    if failures:
        print(f"{failures} problem(s) to fix, see the arrows above.")
        return 1
    print("Everything the course needs is in place. Start, from the course folder, with:\n"
          "    jupyter lab --ServerApp.root_dir=. lessons/01_rule_based.ipynb")
    return 0


if __name__ == "__main__":
    sys.exit(main())
