"""What the install tests (the student release, Gradescope's setup.sh) run pip's step with: uv."""
import os
import shutil
import sys


def uv_executable():
    """The uv that the course's requirements install beside this Python (else one on PATH); fails the test without."""
    uv = shutil.which("uv", path=os.path.dirname(sys.executable)) or shutil.which("uv")
    assert uv, "uv is missing: pip install -r requirements.txt (the course's) installs it"
    return uv
