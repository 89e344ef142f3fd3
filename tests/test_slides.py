"""Offline slide decks: built with everything they load beside them, opened from file:// in headless
Chromium at 1280x720 with every non-file request blocked, and stepped through slide by slide.

On every slide: no text rendered under 16 px (code, output, widgets, tables), nothing taller than the
screen, no nbval test marker, speaker notes wherever the slide has prose, figures not shrunk below
90 % of their own size (their text was drawn for this screen). Per deck: reveal starts, the slide count
matches the prepared notebook's slide metadata, math renders once, widgets render their saved state
with all their parts visible (lesson 6's drawing grid and probability bars, lesson 1's black pixels,
icon fonts, labels not cut, progress bars with a bar). Screenshots of every slide go to build/screenshots/.
"""
import errno
import fcntl
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

from coursetools import slides
from browser import browser_context

try:
    from playwright.sync_api import Error as PlaywrightError
except ImportError:           # no Playwright: the browser tests skip (browser.browser_context says how to install it)
    PlaywrightError = Exception

REPO = Path(__file__).resolve().parent.parent
LESSONS = {p.stem: p for p in sorted((REPO / "lessons").glob("[0-9][0-9]_*.ipynb"))}
# the Japanese edition's decks (issue 24), checked the same way: "ja-<lesson>"
LESSONS.update({f"ja-{p.stem}": p for p in sorted((REPO / "lessons" / "ja").glob("[0-9][0-9]_*.ipynb"))})


def _lesson(stem):
    """The lesson of a deck's key: "06_backprop_mnist" for "06_backprop_mnist" and "ja-06_backprop_mnist"."""
    return stem.split("-", 1)[-1]
SHOTS = REPO / "build" / "screenshots"
# A screenshot of every slide (13 of 61 s of this test, measured alone) only on request; slides with a problem always get one.
ALL_SHOTS = os.environ.get("NNKIT_SLIDE_SHOTS") == "1"
MIN_PX = 16
# phrases that point at material the audience of a deck has not seen (allowed only on a Credits slide)
UNSEEN = re.compile(r"the workshop slides|the slides['’]|the slides (got|reached|write|show)|the source blog|"
                    r"the blog post (behind|this course)|the source['’]s", re.I)

# What one slide looks like, measured in the page (sizes are screen pixels: font size x reveal's scale).
MEASURE = r"""() => {
  const slide = Reveal.getCurrentSlide(), scale = Reveal.getScale();
  const visible = el => { const r = el.getBoundingClientRect(), st = getComputedStyle(el);
      return r.width > 0 && r.height > 0 && st.visibility !== 'hidden' && st.display !== 'none'; };
  let minPx = 1e9, minText = '';
  const walk = document.createTreeWalker(slide, NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) {
    const node = walk.currentNode, el = node.parentElement, text = node.textContent.trim();
    if (!text || !el || el.closest('aside.notes, .MJX_Assistive_MathML, script, style')) continue;
    if (!visible(el)) continue;
    const px = parseFloat(getComputedStyle(el).fontSize) * scale;
    if (px < minPx) { minPx = px; minText = text.slice(0, 40); }
  }
  const prose = [...slide.querySelectorAll('.jp-RenderedMarkdown p, .jp-RenderedMarkdown li')]
      .filter(e => !e.closest('aside.notes') && e.textContent.trim().length > 0).length;
  const imgs = [...slide.querySelectorAll('.jp-RenderedImage img')].filter(visible).map(i =>
      [i.getBoundingClientRect().height / i.naturalHeight, i.naturalHeight]);
  const clipped = [...slide.querySelectorAll('.widget-label')].filter(visible)
      .filter(l => l.scrollWidth > l.clientWidth + 1).map(l => l.textContent);
  const bars = [...slide.querySelectorAll('.widget-hprogress .progress, .widget-vprogress .progress')];
  return {minPx, minText, prose, notes: (Reveal.getSlideNotes(slide) || '').trim().length,
          text: slide.innerText, height: slide.scrollHeight, imgs, clipped,
          bars: bars.length, barsShown: bars.filter(visible).length};
}"""


@pytest.fixture(scope="session")
def deck():
    """deck(lesson stem) -> the path of that lesson's deck, built on first use into one folder per test
    process, where the slide assets are put once (slides.copy_assets: hard links into the npm cache). Each
    lesson's tests, both editions, are one unit of work for xdist (see conftest.work_unit), so every deck is
    built once, on the worker that checks it."""
    if not shutil.which("npm") and not (slides.npm_cache() / ".complete").exists():
        pytest.skip("building slides needs npm once (apt-get install nodejs npm)")
    out = Path(tempfile.mkdtemp(prefix="nnkit-slides-"))
    lock = slides.npm_cache().parent / "slides-npm.lock"        # two workers must not both run npm into the cache
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        slides.copy_assets(out)
    built = {}

    def build(stem):
        if stem not in built:
            built[stem] = slides.build_deck(LESSONS[stem], out, name=stem)
        return built[stem]
    yield build
    shutil.rmtree(out, ignore_errors=True)


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the decks checked one after another. Module scope, not session: while
    Playwright's synchronous API is open, an asyncio loop runs in this thread, and another Playwright (the
    JupyterLab tests' in the same process) or asyncio.run refuses to start."""
    with browser_context(viewport=(1280, 720)) as ctx:
        yield ctx


@pytest.fixture
def tab(browser):
    """The browser's one tab, into which each deck is loaded afresh (a new document: nothing of the deck before it
    survives but its unfinished requests, which test_deck_in_a_browser_offline tells from the new deck's own). A tab
    per deck cost 0.6 to 1 s of CPU more a deck (measured over the 16 decks), mostly a new renderer process; the same
    tab keeps one renderer. A tab that crashed is closed, and the next deck gets a new one."""
    pages = [p for p in browser.pages if not p.is_closed()]
    page = pages[0] if pages else browser.new_page()
    crashed = []

    def on_crash(crashed_page):
        crashed.append(crashed_page)
    page.on("crash", on_crash)
    yield page
    page.remove_listener("crash", on_crash)
    if crashed:
        page.close()


@pytest.mark.parametrize("stem", LESSONS)
def test_deck_references_nothing_outside_the_folder(deck, stem):
    path = deck(stem)
    html = path.read_text(encoding="utf-8")
    assert slides.external_references(html) == [], stem
    assert "assets/reveal.js/dist/reveal.js" in html
    out = path.parent
    for needed in ("reveal.js/dist/reveal.js", "reveal.js/plugin/notes/notes.js", "require.js",
                   "html-manager/embed-amd.js", "mathjax/MathJax.js"):
        assert (out / "assets" / needed).is_file(), needed
        # a file of the folder (a hard link is one), not a symbolic link to a folder a copy would leave behind
        assert (out / "assets" / needed).resolve().is_relative_to(out.resolve()), f"{needed} is a link out of the folder"
    # the widget renderer asks for its icon font beside the page, not in assets/
    assert list((out / "@jupyter-widgets").glob("*.woff2")), "icon fonts not copied"


def test_prepare_splits_long_code():
    import nbformat
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("\n".join(f"x{i} = {i}" for i in range(60)))
    code.metadata["slideshow"] = {"slide_type": "slide"}
    nb.cells = [code]
    prepared = slides.prepare(nb)
    pieces = [c for c in prepared.cells if c.cell_type == "code"]
    assert len(pieces) >= 3 and all(len(c.source.split("\n")) * slides.CODE_LINE < slides.BUDGET for c in pieces)
    assert "\n".join(c.source for c in pieces).split("\n") == code.source.split("\n"), "code lost or reordered"


def test_assets_are_linked_or_copied_never_written_through(tmp_path, monkeypatch):
    """slides._link: a hard link where it can (same file), a copy where it cannot (another disk); a file already at
    the destination is replaced, and whatever that file was linked to (the npm cache) stays as it was."""
    src, cached = tmp_path / "new.js", tmp_path / "cache.js"
    src.write_text("new")
    cached.write_text("as npm wrote it")
    dst = tmp_path / "deck" / "asset.js"
    dst.parent.mkdir()
    os.link(cached, dst)                           # an earlier build's link into the cache
    slides._link(src, dst)
    assert dst.read_text() == "new" and dst.stat().st_ino == src.stat().st_ino
    assert cached.read_text() == "as npm wrote it"

    def no_links(a, b):
        raise OSError(errno.EXDEV, "Invalid cross-device link")
    monkeypatch.setattr(slides.os, "link", no_links)
    other = tmp_path / "deck" / "other.js"
    slides._link(src, other)
    assert other.read_text() == "new" and other.stat().st_ino != src.stat().st_ino


def test_highlighted_code_is_passed_as_bleach_returns_it():
    """The build skips bleach for highlighted code (slides._clean_html): only where bleach would return it unchanged."""
    import nbformat
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.strings import clean_html
    highlight = Highlight2HTML(pygments_lexer="ipython3", parent=slides._exporter())
    lesson = nbformat.read(str(LESSONS["ja-02_least_squares"]), as_version=4)
    sources = [c.source for c in lesson.cells if c.cell_type == "code"]
    odd = ["x = 'a' + \"b\" & c < d > e  # &amp; &nbsp;", "s = 'a\xa0b\u200b\ufeff'  # 日本語 ✓", "print('<script>x</script>')",
           "t = '\t'\r\n", "%%html\n<b onclick=x>hi</b>"]
    controls = ["a = '\x00'", "b = '\x0b\x0c'", "c = '\x1b[31m'"]     # bleach changes these: cleaned as before
    for source in sources + odd + controls:
        html = highlight(source, metadata={})
        assert slides._clean_html(html) == clean_html(html), source
    assert all(slides._HIGHLIGHTED.fullmatch(highlight(s, metadata={})) for s in sources + odd), "fast path not taken"
    assert not any(slides._HIGHLIGHTED.fullmatch(highlight(s, metadata={})) for s in controls)
    # and what is not highlighted code (a cell's HTML output, say) is always cleaned
    assert slides._clean_html('<div class="x"><img src=x onerror="alert(1)"></div>') == \
        clean_html('<div class="x"><img src=x onerror="alert(1)"></div>')


# In the page: true once the widget renderer has drawn every saved widget (each view gets a widget-subarea holding
# an element for every widget of its tree: the saved state lists the children of each box) and every image has
# loaded (the figures are measured).
WIDGETS_DRAWN = r"""() => {
  const saved = document.querySelector('script[type="application/vnd.jupyter.widget-state+json"]');
  const views = [...document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]')];
  if (!saved) return views.length === 0 && [...document.images].every(i => i.complete);
  const state = JSON.parse(saved.textContent).state;
  const count = id => 1 + ((state[id] && state[id].state.children) || [])
      .reduce((n, child) => n + count(child.replace('IPY_MODEL_', '')), 0);
  return views.every(v => { const sub = v.previousElementSibling;
      return sub && sub.classList.contains('widget-subarea') &&
          sub.querySelectorAll('.jupyter-widgets, .jupyter-widgets-disconnected').length >= count(JSON.parse(v.textContent).model_id); })
      && [...document.images].every(i => i.complete);
}"""


@pytest.mark.parametrize("stem", LESSONS)
def test_deck_in_a_browser_offline(deck, tab, stem):
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems, blocked, failed = [], [], []
    for old in SHOTS.glob(f"{stem}-*.png"):      # no stale screenshots of a longer earlier deck
        old.unlink()
    page, mine = tab, set()

    def route(r):                    # every request of the deck passes here
        mine.add(r.request)
        if r.request.url.startswith("file://"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    def on_failed(req):
        if req in mine:              # not a request the deck before left unfinished (cancelled by this load)
            failed.append(req.url)

    page.route("**/*", route)
    page.on("requestfailed", on_failed)
    try:
        _check_deck(page, stem, deck(stem), problems)
    finally:
        # the tab keeps this deck until the next one replaces it (an about:blank between decks cost about 0.1 s
        # of CPU a deck)
        page.remove_listener("requestfailed", on_failed)
        try:
            page.unroute("**/*", route)
        except PlaywrightError:       # the tab crashed: the tab fixture closes it, and the error above is the one to see
            pass
    assert not blocked, f"the deck tried to reach the network: {blocked[:5]}"
    assert not failed, f"files the deck asked for but could not load (e.g. icon fonts): {failed[:5]}"
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def _check_deck(page, stem, path, problems):
    """Load deck ``stem`` (the file ``path``) into ``page``; add what is wrong with it to ``problems``."""
    page.goto(path.as_uri())
    page.wait_for_function("window.Reveal && Reveal.isReady && Reveal.isReady()", timeout=30000)
    page.wait_for_function("window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0", timeout=30000)
    page.wait_for_function(WIDGETS_DRAWN, timeout=30000)
    total = page.evaluate("Reveal.getTotalSlides()")
    # the count the build took from the notebook it converted (the lessons may change meanwhile)
    want = int(page.evaluate("document.querySelector('meta[name=expected-slides]').content"))
    if total != want:
        problems.append(f"{stem}: {total} slides, metadata says {want}")
    assert page.evaluate("!!Reveal.getPlugin('notes')"), "speaker notes plugin missing"
    # every slide shown in turn and measured, in one call into the page (a call per slide cost about 1 s a deck).
    # The deck keeps each slide in the browser's history (the Back button steps back a slide); stepping through
    # 50 slides that way cost the browser about 0.35 s of CPU a deck, and what a slide looks like does not depend
    # on it, so the test turns it off.
    page.evaluate("Reveal.configure({history: false})")
    measured = page.evaluate("() => Reveal.getSlides().map(s => { const i = Reveal.getIndices(s); "
                             "Reveal.slide(i.h, i.v || 0); return [i, (" + MEASURE + ")()]; })")
    for n, (idx, m) in enumerate(measured, 1):
        found = len(problems)
        where = f"{stem} slide {n}"
        if m["minPx"] < MIN_PX - 0.05:
            problems.append(f"{where}: text at {m['minPx']:.1f} px ({m['minText']!r})")
        if m["height"] > 720 + 20:
            problems.append(f"{where}: {m['height']} px tall, the screen has 720")
        if "NBVAL" in m["text"]:
            problems.append(f"{where}: shows an nbval test marker")
        unseen = UNSEEN.search(m["text"])
        if unseen and not m["text"].lstrip().startswith("Credits"):
            problems.append(f"{where}: refers to material the audience never saw: {unseen.group(0)!r} "
                            "(name it where it is first used, or move it to a Credits slide)")
        if m["prose"] and not m["notes"]:
            problems.append(f"{where}: prose but no speaker notes")
        small = [h for ratio, h in m["imgs"] if ratio < 0.9]
        if small:
            problems.append(f"{where}: figure shrunk below 90 % of its size (natural heights {small})")
        if m["clipped"]:
            problems.append(f"{where}: widget labels cut: {m['clipped']}")
        if m["bars"] != m["barsShown"]:
            problems.append(f"{where}: {m['bars'] - m['barsShown']} of {m['bars']} progress bars invisible")
        if ALL_SHOTS or len(problems) > found:      # a picture of every slide with a problem
            page.evaluate(f"Reveal.slide({idx['h']}, {idx['v'] or 0})")
            page.screenshot(path=str(SHOTS / f"{stem}-{n:02d}.png"))
    problems += _widget_parts(page, stem)
    # every formula typeset: no TeX left as text in the prose (MathJax replaces $...$ by its own elements)
    raw_tex = page.evaluate(r"""() => [...document.querySelectorAll('.jp-RenderedMarkdown')].flatMap(md => {
        const walk = document.createTreeWalker(md, NodeFilter.SHOW_TEXT), found = [];
        while (walk.nextNode()) { const n = walk.currentNode;
            if (!n.parentElement.closest('code, pre, script, .MathJax_Preview') && /\$|\\\(|\\\[/.test(n.textContent))
                found.push(n.textContent.trim().slice(0, 40)); }
        return found; })""")
    if raw_tex:
        problems.append(f"{stem}: {len(raw_tex)} formulas left as TeX text, e.g. {raw_tex[:3]}")
    # Japanese text is drawn from the font the deck carries (a laptop may have no Japanese font; Chromium then
    # draws empty boxes, which the measurements above do not see)
    without = page.evaluate("""() => [...document.querySelectorAll('.reveal .slides *')].filter(el =>
        [...el.childNodes].some(n => n.nodeType === 3 && /[\u3040-\u30ff\u4e00-\u9fff]/.test(n.textContent))
        && !getComputedStyle(el).fontFamily.startsWith('IPAexGothic')).map(el => el.tagName + ': ' +
        el.textContent.slice(0, 30))""")
    if without:
        problems.append(f"{stem}: {len(without)} elements draw Japanese without the deck's font, e.g. {without[:3]}")
    if stem.startswith("ja-") and "loaded" not in page.evaluate(
            "[...document.fonts].filter(f => f.family.includes('IPAexGothic')).map(f => f.status)"):
        problems.append(f"{stem}: the Japanese font (assets/fonts/ipaexg.ttf) was not loaded")
    if _lesson(stem) == "02_least_squares":
        shown_twice = page.evaluate("""() => [...document.querySelectorAll('.MJX_Assistive_MathML math')]
            .filter(m => { const box = m.parentElement, r = m.getBoundingClientRect(),
                                 c = box.getBoundingClientRect(), st = getComputedStyle(box);
                return r.width > c.width + 2 && st.clipPath === 'none' && st.display !== 'none'; }).length""")
        if shown_twice:
            problems.append(f"{stem}: {shown_twice} formulas drawn twice")


def _show(page, selector):
    """Go to the slide that holds ``selector``; return False if there is none."""
    return page.evaluate(f"""() => {{ const el = document.querySelector({selector!r}); if (!el) return false;
        const s = el.closest('section'); const i = Reveal.getIndices(s); Reveal.slide(i.h, i.v || 0); return true; }}""")


def _widget_parts(page, stem):
    """Lesson-specific widget parts that must be visible in the deck."""
    out = []
    if _lesson(stem) == "06_backprop_mnist":
        if not _show(page, ".widget-gridbox"):
            return [f"{stem}: the drawing widget is missing"]
        grid = page.evaluate("""() => { const g = document.querySelector('.widget-gridbox');
            const r = g.getBoundingClientRect(); const cells = [...g.querySelectorAll('button')];
            const dark = cells.filter(b => getComputedStyle(b).backgroundColor === 'rgb(34, 34, 34)').length;
            const bars = [...g.closest('.widget-hbox').querySelectorAll('.widget-hprogress .progress-bar')]
                .map(b => b.getBoundingClientRect().width);
            return {w: r.width, h: r.height, inside: r.right <= 1280 && r.bottom <= 720, cells: cells.length, dark, bars}; }""")
        if grid["w"] < 200 or grid["h"] < 200 or not grid["inside"]:
            out.append(f"{stem}: drawing grid not fully visible ({grid})")
        if grid["cells"] != 196 or grid["dark"] < 5:
            out.append(f"{stem}: drawing grid has {grid['cells']} cells, {grid['dark']} drawn")
        if len(grid["bars"]) != 10 or max(grid["bars"], default=0) < 50:
            out.append(f"{stem}: probability bars missing or empty: {grid['bars']}")
    if _lesson(stem) == "01_rule_based" and _show(page, ".widget-gridbox"):
        black = page.evaluate("""() => [...document.querySelectorAll('.widget-gridbox button')]
            .filter(b => getComputedStyle(b).backgroundColor === 'rgb(0, 0, 0)').length""")
        if black < 3:
            out.append(f"{stem}: the pixel grid's drawn pixels are not black ({black} black)")
    if _lesson(stem) == "03_gradient_descent" and _show(page, ".widget-play"):
        icons = page.evaluate("""() => [...document.querySelectorAll('.widget-play button i, .widget-play button .fa')]
            .map(i => getComputedStyle(i, '::before').fontFamily + '|' + getComputedStyle(i, '::before').content)""")
        loaded = page.evaluate("document.fonts.check('16px FontAwesome')")
        if not icons or not loaded:
            out.append(f"{stem}: Play widget icon font not loaded ({icons[:2]}, loaded={loaded})")
    return out


def test_the_build_says_what_it_downloads_before_it_does(tmp_path, monkeypatch):
    # A stand-in npm (a real script on PATH) records whether the announcement came first.
    heard = []
    fake = tmp_path / "npm"
    fake.write_text("#!/bin/sh\nmkdir -p node_modules\necho ran > ../npm-ran\n")
    fake.chmod(0o755)
    monkeypatch.setattr(slides, "npm_cache", lambda: tmp_path / "cache")
    monkeypatch.setattr(slides.shutil, "which", lambda name: str(fake) if name == "npm" else None)

    def log(text):
        heard.append((text, (tmp_path / "npm-ran").exists()))
    slides.install_assets(log=log)
    announce = [ran for text, ran in heard if "downloading" in text and "200 MB" in text]
    assert announce == [False], f"no announcement before npm ran: {heard}"
    assert any("downloaded" in text for text, _ in heard)
    heard.clear()
    slides.install_assets(log=log)               # second time: from the cache, and it says so
    assert heard and "cached copy" in heard[0][0]


def test_download_only_fetches_the_assets_and_builds_nothing(tmp_path, monkeypatch, capsys):
    """`python -m coursetools slides --download-only` (what .ci/run does before the tests): npm once into the cache,
    no deck; a second call uses the cache; lessons or --out with it are refused."""
    ran = tmp_path / "npm-ran"
    fake = tmp_path / "npm"
    fake.write_text(f"#!/bin/sh\nmkdir -p node_modules\necho ran >> {ran}\n")
    fake.chmod(0o755)
    monkeypatch.setattr(slides, "npm_cache", lambda: tmp_path / "cache")
    monkeypatch.setattr(slides.shutil, "which", lambda name: str(fake) if name == "npm" else None)
    monkeypatch.setattr(slides, "build", lambda *a, **k: pytest.fail("--download-only built a deck"))
    assert slides.main(["--download-only"]) == 0
    assert ran.read_text() == "ran\n" and (tmp_path / "cache" / ".complete").exists()
    assert slides.main(["--download-only"]) == 0 and ran.read_text() == "ran\n"      # from the cache
    assert "cached copy" in capsys.readouterr().out
    for extra in (["lessons/01_rule_based.ipynb"], ["--out", str(tmp_path / "decks")]):
        with pytest.raises(SystemExit) as stop:
            slides.main(["--download-only", *extra])
        assert stop.value.code == 2
    assert not (tmp_path / "decks").exists()
