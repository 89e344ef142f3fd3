"""Where the course lives: the repository folder that holds lessons/, solutions/ and this package."""
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HIDDEN_DIR = Path(__file__).resolve().parent / "hidden"
