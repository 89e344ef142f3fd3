"""Offline slide decks: ``python -m coursetools slides [LESSON ...] [--out build/slides]``.

Each lesson becomes a reveal.js deck (nbconvert's slides exporter, driven by the cells' slide metadata).
Everything a deck loads — reveal.js, require.js, the widget renderer (@jupyter-widgets/html-manager) and
MathJax 2 — is installed from the npm registry at build time (once, into a cache) and copied into
``OUT/assets`` (hard-linked where the cache is on the same disk: each file is still a file of the folder, and
copying the folder copies its bytes); the HTML points there with relative URLs. Copy the OUT folder to a classroom machine and
open a deck from ``file://``: no request leaves the machine. Press S for the speaker notes.

A deck is laid out for a 1280x720 screen at scale 1, so CSS pixels are screen pixels: prose 26 px, code and
text output 18 px. Before converting, :func:`prepare` lays the notebook out for that screen: code cells longer
than fits are split over sub-slides, figures and long outputs get their own sub-slide when they would not fit
beside their code. Speaker notes are the lessons' cells of slide type "notes": reveal.js shows them in
the speaker view (press S).
"""
import argparse
import base64
import copy
import functools
import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from .paths import REPO
ASSETS_SRC = Path(__file__).resolve().parent / "slides_assets"
THEME = "white"
WIDTH, HEIGHT = 1280, 720          # the deck's own size: on a 1280x720 screen reveal.js does not scale it
BUDGET = 640                       # px of content per slide (720 minus reveal's margins and some air)
CODE_LINE, PROSE_LINE = 23.5, 34   # px per line of code (18 px font) and of prose (26 px font)
FONT_EXT = (".woff2", ".woff", ".ttf", ".eot", ".svg")
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
    from nnkit.data.mnist import cache_dir      # the course's one cache folder ($NNKIT_CACHE_DIR)
    return cache_dir() / f"slides-npm-{key}"


def _say(log, text):
    if log:
        log(text)


def install_assets(log=None):
    """npm-install the pinned packages into the cache (once); return its node_modules folder."""
    cache = npm_cache()
    modules = cache / "node_modules"
    if (cache / ".complete").exists():
        _say(log, f"slide assets: using the cached copy in {cache}")
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
    _say(log, f"slide assets: downloading reveal.js, require.js, the widget renderer and MathJax with npm into {cache} "
              "(about 200 MB, needs the network this once; a minute or two on a slow network) ...")
    res = subprocess.run([npm, "ci" if locked else "install", "--no-audit", "--no-fund", "--omit=dev", "--ignore-scripts"],
                         cwd=cache, capture_output=True, text=True)
    if res.returncode != 0:
        raise RuntimeError(f"npm could not install the slide assets (is the npm registry reachable?):\n{res.stderr[-2000:]}")
    (cache / ".complete").write_text("ok")
    _say(log, "slide assets: downloaded")
    return modules


def _link(src, dst):
    """Put file ``src`` at ``dst`` as a hard link (the same bytes on disk under a second name: nothing is
    copied), or as a copy where a link cannot be made (another disk). Either way ``dst`` is a file of its own
    in the folder, as a copy would be; a file already at ``dst`` is replaced, never written through."""
    dst = Path(dst)
    if dst.exists() or dst.is_symlink():
        dst.unlink()
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)
    return dst


def copy_assets(out, log=None):
    """Put everything a deck loads into ``out/assets`` (and the widget renderer's icon fonts into
    ``out/@jupyter-widgets``); return the assets folder. The files from the npm cache are hard links where the
    cache is on the same disk (copying MathJax's 2,000 files, about 60 MB, cost about 0.7 s of CPU each time)."""
    modules = install_assets(log)
    assets = out / "assets"
    _say(log, f"copying the slide assets into {assets}")
    for src, dst in COPY.items():
        s, d = modules / src, assets / dst
        if d.exists():
            continue
        d.parent.mkdir(parents=True, exist_ok=True)
        if s.is_dir():
            shutil.copytree(s, d, ignore=shutil.ignore_patterns("unpacked", "*.map", "test", "docs"), copy_function=_link)
        else:
            _link(s, d)
    # The widget renderer loads its icon font (FontAwesome, for Play/Stop buttons) relative to the page,
    # from @jupyter-widgets/: put the font files there too (they are small).
    fonts_src = modules / "@jupyter-widgets/html-manager/dist"
    fonts_dst = out / "@jupyter-widgets"
    fonts_dst.mkdir(parents=True, exist_ok=True)
    for f in fonts_src.iterdir():
        if f.suffix in FONT_EXT:
            _link(f, fonts_dst / f.name)
    shutil.copy(ASSETS_SRC / "course.css", assets / "course.css")
    _copy_japanese_font(assets / "fonts")
    theme = assets / "reveal.js" / "dist" / "theme" / f"{THEME}.css"
    # the theme's own font files are replaced by system fonts in course.css: do not load them at all. The edited
    # theme is a new file (the old name may be a link into the npm cache, which must stay as npm wrote it).
    css = re.sub(r"@import url\([^)]*\);", "", theme.read_text(encoding="utf-8"))
    edited = theme.with_suffix(".css.new")
    edited.write_text(css, encoding="utf-8")
    os.replace(edited, theme)
    return assets


def _copy_japanese_font(folder):
    """IPAexGothic (and its licence) from the matplotlib-fontja package into the decks' assets: the Japanese decks'
    text needs a font with kana and kanji, and a projector's laptop may have none (course.css loads it)."""
    from nnkit.plotting import japanese_font_folder
    try:
        fonts = japanese_font_folder()          # found, not imported (its import changes matplotlib's settings)
    except ModuleNotFoundError:
        return
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("ipaexg.ttf", "IPA_Font_License_Agreement_v1.0.txt"):
        if (fonts / name).is_file() and not (folder / name).exists():
            _link(str(fonts / name), folder / name)


_EXTERNAL = re.compile(r"""(?:(?:src|href)\s*=\s*["']|import\s[^;]*?from\s*["']|@import\s+url\(["']?)(?:https?:)?//""", re.I)


def external_references(html):
    """script/link/img sources that would leave the machine (should be none)."""
    return [m.group(0) for m in _EXTERNAL.finditer(html)]


def _slide_type(cell):
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-")


def _set_type(cell, kind):
    cell.setdefault("metadata", {}).setdefault("slideshow", {})["slide_type"] = kind


def _png_height(b64):
    """Height and width in px of a base64 PNG (read from its IHDR header)."""
    head = base64.b64decode(b64[:64])
    return int.from_bytes(head[20:24], "big"), int.from_bytes(head[16:20], "big")


def _markdown_height(src):
    h = 0
    for line in src.split("\n"):
        t = line.strip()
        if not t:
            h += 12
        elif t.startswith("#"):
            h += 70
        elif t.startswith("|"):
            h += 32
        elif t.startswith("$$"):
            h += 40
        elif t.startswith("```"):
            h += 10
        else:
            h += PROSE_LINE * max(1, -(-len(t) // 80))
    return h


def _output_height(cell):
    h = 0
    for out in cell.get("outputs", []):
        data = out.get("data", {})
        if "image/png" in data:
            ih, iw = _png_height(data["image/png"])
            h += ih * min(1.0, (WIDTH - 80) / max(iw, 1)) + 10
        elif "application/vnd.jupyter.widget-view+json" in data:
            h += 380
        elif "text/html" in data:
            h += 300
        else:
            text = out.get("text") or data.get("text/plain") or ""
            text = "".join(text) if isinstance(text, list) else text
            h += CODE_LINE * text.rstrip("\n").count("\n") + CODE_LINE + 8
    return h


def _code_height(lines):
    return 24 + CODE_LINE * lines


def _split_lines(lines, limit):
    """Cut a list of code lines into pieces of at most ``limit`` lines, preferring to cut at blank lines."""
    pieces, cur = [], []
    for line in lines:
        if len(cur) >= limit or (not line.strip() and len(cur) >= limit // 2):
            if cur:
                pieces.append(cur)
            cur = []
            if not line.strip():
                continue
        cur.append(line)
    if cur:
        pieces.append(cur)
    return pieces


def prepare(nb):
    """A copy of notebook ``nb`` laid out for 1280x720 slides (see the module docstring)."""
    import nbformat
    nb = copy.deepcopy(nb)
    cells = []
    used = 0                                       # px used on the current (sub)slide

    def start(cell, kind="subslide"):
        nonlocal used
        if _slide_type(cell) not in ("slide", "subslide"):
            _set_type(cell, kind)
        used = 0

    for cell in nb.cells:
        kind = _slide_type(cell)
        if kind in ("skip", "notes"):
            cells.append(cell)
            continue
        if kind in ("slide", "subslide"):
            used = 0
        if cell.cell_type == "markdown":
            h = _markdown_height(cell.source)
            if used and used + h > BUDGET:
                start(cell)
            used += h
            cells.append(cell)
            continue
        if cell.cell_type != "code":
            cells.append(cell)
            continue
        lines = cell.source.split("\n")
        out_h = _output_height(cell)
        if used and used + _code_height(len(lines)) + min(out_h, BUDGET) > BUDGET:
            start(cell)                            # the cell does not fit beside what is there: new sub-slide
        room = int((BUDGET - used - 24) // CODE_LINE)
        pieces = _split_lines(lines, max(room, 8)) if _code_height(len(lines)) + used > BUDGET else [lines]
        outputs = cell.get("outputs", [])
        for i, piece in enumerate(pieces):
            part = copy.deepcopy(cell) if i == len(pieces) - 1 else nbformat.v4.new_code_cell("\n".join(piece))
            part.source = "\n".join(piece)
            if i > 0:
                _set_type(part, "subslide")
                used = 0
            if i < len(pieces) - 1:
                part.outputs = []
            used += _code_height(len(piece))
            cells.append(part)
        if outputs and used + out_h > BUDGET:      # the outputs get sub-slides of their own, without the code
            cells[-1].outputs = []
            groups, group, group_h = [], [], 0
            for out in outputs:                    # as many outputs per sub-slide as fit
                h = _output_height({"outputs": [out]})
                if group and group_h + h > BUDGET:
                    groups.append(group)
                    group, group_h = [], 0
                group.append(out)
                group_h += h
            groups.append(group)
            for group in groups:
                alone = copy.deepcopy(cell)
                alone.outputs = group
                alone.metadata["transient"] = {"remove_source": True}
                alone.id = nbformat.v4.new_code_cell().id      # a copy needs an id of its own
                _set_type(alone, "subslide")
                cells.append(alone)
            used = group_h
        else:
            used += out_h
    nb.cells = cells
    return nb


# A code cell as Pygments highlights it: <div class="..."><pre>, <span class="..."> and escaped text, nothing else
# (no control characters, which bleach would change).
_HIGHLIGHTED = re.compile(r'<div class="[\w -]*"><pre>(?:[^<>&\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|&(?:amp|lt|gt|quot|#39);'
                          r'|<span(?: class="[\w -]+")?>|</span>)*</pre></div>\s*')


def _clean_html(html):
    """nbconvert's ``clean_html`` filter (bleach), which its template applies to every code cell's highlighted
    source: a third of a deck's build. Highlighted code has nothing bleach would remove or change (checked by
    tests/test_slides.py::test_highlighted_code_is_passed_as_bleach_returns_it), so it is passed on as it is;
    anything else is cleaned as nbconvert does."""
    from nbconvert.filters.strings import clean_html
    return html if isinstance(html, str) and _HIGHLIGHTED.fullmatch(html) else clean_html(html)


@functools.lru_cache(maxsize=None)
def _exporter():
    """The one nbconvert exporter all decks are converted with. nbconvert's own command line converts many
    notebooks with one exporter too; a new one per deck compiled its templates again (about 0.1 s of CPU a deck)."""
    from nbconvert import SlidesExporter
    return SlidesExporter(
        filters={"clean_html": _clean_html},
        reveal_width=str(WIDTH), reveal_height=str(HEIGHT), reveal_number="c/t",
        reveal_url_prefix="assets/reveal.js", reveal_theme=THEME, reveal_transition="none",
        require_js_url="assets/require.js",
        mathjax_url="assets/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
        widget_renderer_url="assets/html-manager/embed-amd.js",
        jquery_url="", exclude_input_prompt=True, exclude_output_prompt=True)


def build_deck(notebook, out, name=None):
    """Write OUT/<name>.html (default name: the notebook's stem) for one notebook; return its path."""
    import nbformat
    nb = prepare(nbformat.read(str(notebook), as_version=4))
    html, _ = _exporter().from_notebook_node(nb)
    count = _count_slides(nb)          # for the test: the slides the metadata asks for, beside what reveal built
    html = html.replace("</head>", f'<link rel="stylesheet" href="assets/course.css">\n'
                                   f'<meta name="expected-slides" content="{count}">\n</head>', 1)
    html = html.replace('<script src=""></script>', "")            # the jQuery we left out
    # MathJax typesets once: the template queues a typeset itself, so the one MathJax makes on its own start is
    # skipped, and so is the quick preview it draws first (each cost about 0.2 s of a deck's start)
    html = html.replace("messageStyle: 'none',", "messageStyle: 'none', skipStartupTypeset: true, "
                        "'fast-preview': {disabled: true},", 1)
    html = html.replace("Reveal.initialize({", "window.Reveal = Reveal;   // for the console and the tests\n        "
                        "Reveal.initialize({ margin: 0.02,   // a 1280x720 deck on a 1280x720 screen: (almost) no scaling", 1)
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
    path = out / ((name or Path(notebook).stem) + ".html")
    path.write_text(html, encoding="utf-8")
    return path


def expected_slide_count(notebook):
    """Slides and sub-slides the deck should have, from the slide metadata of the prepared notebook."""
    import nbformat
    return _count_slides(prepare(nbformat.read(str(notebook), as_version=4)))


def _count_slides(nb):
    types = [_slide_type(c) for c in nb.cells]
    count = sum(t in ("slide", "subslide") for t in types)
    return count + (0 if types and types[0] in ("slide", "subslide") else 1)


def build(lessons=None, out=None, log=None, lang="en"):
    """Build the decks of ``lessons`` (default: all of lessons/, or lessons/<lang>/ for another language than
    English) into ``out`` (default build/slides, or build/slides/<lang>); ``log(text)`` hears what is being done."""
    folder = REPO / "lessons" / (lang if lang != "en" else "")
    out = Path(out or REPO / "build" / "slides" / (lang if lang != "en" else ""))
    out.mkdir(parents=True, exist_ok=True)
    copy_assets(out, log)
    notebooks = [Path(p) for p in lessons] if lessons else sorted(folder.glob("[0-9][0-9]_*.ipynb"))
    paths = []
    for i, nb in enumerate(notebooks, 1):
        _say(log, f"deck {i}/{len(notebooks)}: {nb.name}")
        paths.append(build_deck(nb, out))
    return paths


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m coursetools slides", description=__doc__.split("\n\n")[0])
    ap.add_argument("lessons", nargs="*", help="lesson notebooks (default: all of lessons/)")
    ap.add_argument("--out", default=None, help="output folder (default: build/slides, or build/slides/<lang>)")
    ap.add_argument("--lang", default="en", choices=["en", "ja"],
                    help="ja: the Japanese decks, from lessons/ja/ (built by `python -m coursetools i18n build`)")
    ap.add_argument("--download-only", action="store_true",
                    help="only fetch what the decks load (reveal.js, MathJax, ...: about 200 MB, with npm) into the cache, "
                         "and stop: later builds on this machine need no network")
    a = ap.parse_args(argv)
    if a.download_only:
        if a.lessons or a.out:
            ap.error("--download-only builds no deck: give it no lessons and no --out")
        print(f"slide assets ready in {install_assets(log=lambda text: print(text, flush=True))}")
        return 0
    for path in build(a.lessons, a.out, log=lambda text: print(text, flush=True), lang=a.lang):
        print(f"wrote {path}", flush=True)
    print("Open a deck in a browser (it works from file://, offline); press S for speaker notes.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
