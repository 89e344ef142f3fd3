"""Shared helpers for the browser tests: find the system's Chromium and start it headless with Playwright.

Playwright's own browser download is never used. Without Chromium the tests are skipped with a message
saying how to enable them.
"""
import os
import shutil
import tempfile
from contextlib import contextmanager

import pytest

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync", "--disable-quic"]


def chromium_path():
    return os.environ.get("NNKIT_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@contextmanager
def browser_context(viewport=(1280, 720)):
    """A fresh headless Chromium context (own user-data dir), closed at the end."""
    exe = chromium_path()
    if not exe:
        pytest.skip("browser tests need Chromium: apt-get install chromium (or set NNKIT_CHROMIUM to a "
                    "Chromium/Chrome binary), then run the tests again")
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -r requirements.txt (playwright)")
    profile = tempfile.mkdtemp(prefix="nnkit-chromium-")
    with sync_api.sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(profile, executable_path=exe, headless=True, args=ARGS,
                                                   viewport={"width": viewport[0], "height": viewport[1]})
        try:
            yield ctx
        finally:
            ctx.close()
            shutil.rmtree(profile, ignore_errors=True)
