"""Shared helpers for the browser tests: find the system's Chromium and start it headless with Playwright.

Playwright's own browser download is never used. Without Chromium the tests are skipped with a message
saying how to enable them.

``chromium()`` starts one browser (Playwright gives it a fresh user-data folder of its own and deletes it at
the end); a test file that opens several pages starts it once and gives each test a fresh *context* of it
(``browser.new_context()``: its own cookies, storage and cache, nothing shared with another context).
``browser_context()`` is both at once, for a file that needs one context only.
"""
import os
import re
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync", "--disable-quic"]

# Chromium's address-bar drop-down is a web page of its own (chrome://omnibox-popup.top-chrome), kept loaded
# in a renderer of its own, whose work grows with the pages a test opens; a headless test never shows it.
# Measured (Chromium 156 on the shared 2-core machine, CPU of Python, Playwright and Chromium, medians of 5-6
# runs): the 8 exported lessons opened one after another in one page, 5.4 s with it and 3.6 s without; each in
# a new page, 9.1 s and 5.6 s; lesson 2 opened in JupyterLab until its kernel is idle, 7.6 s and 7.0 s.
NOT_NEEDED_FEATURES = ["WebUIOmniboxPopup", "WebUIOmniboxAimPopup"]


def _playwright_disabled_features():
    """The features Playwright itself starts Chromium without (its ``--disable-features=...`` switch), read
    from Playwright's driver; None when they cannot be read there.

    Chromium keeps only the last ``--disable-features`` switch it is given: a second one must repeat
    Playwright's list, or the features Playwright switches off for its own reasons come back."""
    import playwright
    lib = Path(playwright.__file__).parent / "driver" / "package" / "lib"
    for source in (lib / "coreBundle.js", lib / "server" / "chromium" / "chromiumSwitches.js"):
        try:
            found = re.search(r"disabledFeatures = \[(.*?)\]", source.read_text(encoding="utf-8"), re.S)
        except OSError:
            continue
        if found:
            code = re.sub(r"//[^\n]*", "", found.group(1))          # its comments hold no feature names
            names = re.findall(r'"([^"]*)"', code)
            if names and all(re.fullmatch(r"[A-Za-z0-9]+", n) for n in names):
                return names
    return None


def chromium_args():
    """ARGS, and the features a headless test does not need switched off (with Playwright's own list kept)."""
    kept = _playwright_disabled_features()
    if kept is None:              # Playwright's list unknown: better the omnibox's cost than dropping it
        return list(ARGS)
    return ARGS + ["--disable-features=" + ",".join(kept + NOT_NEEDED_FEATURES)]


def chromium_path():
    return os.environ.get("NNKIT_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@contextmanager
def chromium():
    """A headless Chromium (Playwright ``Browser``) with a fresh user-data folder; closed at the end."""
    exe = chromium_path()
    if not exe:
        pytest.skip("browser tests need Chromium: apt-get install chromium (or set NNKIT_CHROMIUM to a "
                    "Chromium/Chrome binary), then run the tests again")
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -r requirements.txt (playwright)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, headless=True, args=chromium_args())
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def browser_context(viewport=(1280, 720)):
    """A fresh headless Chromium and one context of it, closed at the end."""
    with chromium() as browser:
        with browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}) as ctx:
            yield ctx
