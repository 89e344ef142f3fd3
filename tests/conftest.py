"""Shared test set-up. Notebooks under tests/ (submission fixtures of the grader tests) are data, not
lessons: nbval must not run them."""
import os

import matplotlib

matplotlib.use("Agg")          # tests never open windows
os.environ.setdefault("MPLBACKEND", "Agg")

collect_ignore_glob = ["**/*.ipynb"]
