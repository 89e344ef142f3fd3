"""Offline slide decks: ``python -m coursetools slides [LESSON ...] [--out build/slides]``.

Each lesson becomes a reveal.js deck (nbconvert's slides exporter, driven by the cells' slide metadata).
Everything a deck loads — reveal.js, require.js, the widget renderer (@jupyter-widgets/html-manager) and
MathJax 2 — is installed from the npm registry at build time (once, into a cache) and copied into
``OUT/assets``; the HTML points there with relative URLs. Copy the OUT folder to a classroom machine and
open a deck from ``file://``: no request leaves the machine. Press S for the speaker notes.
"""
import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from .paths import REPO
ASSETS_SRC = Path(__file__).resolve().parent / "slides_assets"
THEME = "white"
# What is copied from node_modules into OUT/assets (folder in node_modules -> folder in assets)
COPY = {"reveal.js/dist": "reveal.js/dist", "reveal.js/plugin/notes": "reveal.js/plugin/notes",
        "requirejs/require.js": "require.js", "@jupyter-widgets/html-manager/dist": "html-manager",
        "mathjax": "mathjax"}


def npm_cache():
    # keyed by the pinned manifest and its lock: a repeat build with the same lock downloads nothing
    h = hashlib.sha256()
    for name in ("package.json", "package-lock.json"):
        if (ASSETS_SRC / name).exists():
            h.update((ASSETS_SRC / name).read_bytes())
    key = h.hexdigest()[:12]
    root = os.environ.get("NNKIT_CACHE_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "nnkit")
    return Path(root) / f"slides-npm-{key}"


def install_assets():
    """npm-install the pinned packages into the cache (once); return its node_modules folder."""
    cache = npm_cache()
    modules = cache / "node_modules"
    if (cache / ".complete").exists():
        return modules
    npm = shutil.which("npm")
    if not npm:
        raise RuntimeError("Building slides needs npm (Node.js) once, to fetch reveal.js, require.js, the widget "
                         "renderer and MathJax: install Node.js (e.g. apt-get install nodejs npm) and run again.")
    cache.mkdir(parents=True, exist_ok=True)
    shutil.copy(ASSETS_SRC / "package.json", cache / "package.json")
    locked = (ASSETS_SRC / "package-lock.json").exists()
    if locked:      # exactly the versions (and integrity hashes) in the committed lock
        shutil.copy(ASSETS_SRC / "package-lock.json", cache / "package-lock.json")
    res = subprocess.run([npm, "ci" if locked else "install", "--no-audit", "--no-fund", "--omit=dev", "--ignore-scripts"],
                         cwd=cache, capture_output=True, text=True)
    if res.returncode != 0:
        raise RuntimeError(f"npm could not install the slide assets (is the npm registry reachable?):\n{res.stderr[-2000:]}")
    (cache / ".complete").write_text("ok")
    return modules


def copy_assets(out):
    modules = install_assets()
    assets = out / "assets"
    for src, dst in COPY.items():
        s, d = modules / src, assets / dst
        if d.exists():
            continue
        d.parent.mkdir(parents=True, exist_ok=True)
        if s.is_dir():
            shutil.copytree(s, d, ignore=shutil.ignore_patterns("unpacked", "*.map", "test", "docs"))
        else:
            shutil.copy(s, d)
    shutil.copy(ASSETS_SRC / "course.css", assets / "course.css")
    theme = assets / "reveal.js" / "dist" / "theme" / f"{THEME}.css"
    # the theme's own font files are replaced by system fonts in course.css: do not load them at all
    theme.write_text(re.sub(r"@import url\([^)]*\);", "", theme.read_text(encoding="utf-8")), encoding="utf-8")
    return assets


_EXTERNAL = re.compile(r"""(?:(?:src|href)\s*=\s*["']|import\s[^;]*?from\s*["']|@import\s+url\(["']?)(?:https?:)?//""", re.I)


def external_references(html):
    """script/link/img sources that would leave the machine (should be none)."""
    return [m.group(0) for m in _EXTERNAL.finditer(html)]


def build_deck(notebook, out):
    """Write OUT/<lesson>.html for one notebook; return its path."""
    import nbformat
    from nbconvert import SlidesExporter
    nb = nbformat.read(str(notebook), as_version=4)
    exp = SlidesExporter(
        reveal_url_prefix="assets/reveal.js", reveal_theme=THEME, reveal_transition="none",
        require_js_url="assets/require.js",
        mathjax_url="assets/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
        widget_renderer_url="assets/html-manager/embed-amd.js",
        jquery_url="", exclude_input_prompt=True, exclude_output_prompt=True)
    html, _ = exp.from_notebook_node(nb)
    html = html.replace("</head>", '<link rel="stylesheet" href="assets/course.css">\n</head>', 1)
    html = html.replace('<script src=""></script>', "")            # the jQuery we left out
    html = html.replace("Reveal.initialize({", "window.Reveal = Reveal;   // for the console and the tests\n        Reveal.initialize({", 1)
    first = next((c.source for c in nb.cells if c.cell_type == "markdown"), "")
    title = re.search(r"^#\s+(.+)$", first, re.M)
    if title:
        import html as html_lib
        html = html.replace("<title>Notebook slides</title>", f"<title>{html_lib.escape(title.group(1))}</title>", 1)
    # The lab template links a few helpers from CDNs that the decks do not need offline (jQuery, and an
    # unconditional import of mermaid for diagrams, which the lessons do not use).
    html = re.sub(r"""<script type="module">(?:(?!</script>).)*?mermaid(?:(?!</script>).)*</script>""", "", html,
                  flags=re.S)
    html = re.sub(r"""<script[^>]+src=["']https?://[^"']+["'][^>]*>\s*</script>""", "", html)
    html = re.sub(r"""<link[^>]+href=["']https?://[^"']+["'][^>]*>""", "", html)
    path = out / (Path(notebook).stem + ".html")
    path.write_text(html, encoding="utf-8")
    return path


def expected_slide_count(notebook):
    """Slides and sub-slides the deck should have, from the cells' slide metadata."""
    cells = json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]
    types = [c.get("metadata", {}).get("slideshow", {}).get("slide_type", "-") for c in cells]
    count = sum(t in ("slide", "subslide") for t in types)
    return count + (0 if types and types[0] in ("slide", "subslide") else 1)


def build(lessons=None, out=None):
    out = Path(out or REPO / "build" / "slides")
    out.mkdir(parents=True, exist_ok=True)
    copy_assets(out)
    notebooks = [Path(p) for p in lessons] if lessons else sorted((REPO / "lessons").glob("[0-9][0-9]_*.ipynb"))
    return [build_deck(nb, out) for nb in notebooks]


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m coursetools slides", description=__doc__.split("\n\n")[0])
    ap.add_argument("lessons", nargs="*", help="lesson notebooks (default: all of lessons/)")
    ap.add_argument("--out", default=None, help="output folder (default: build/slides)")
    a = ap.parse_args(argv)
    for path in build(a.lessons, a.out):
        print(f"wrote {path}")
    print("Open a deck in a browser (it works from file://, offline); press S for speaker notes.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
