"""Offline slide decks: built with everything they load beside them, opened from file:// in headless
Chromium with every non-file request blocked; reveal starts, the slide count matches the notebook's slide
metadata, no slide overflows, math and saved widgets render, speaker notes are available."""
import shutil
from pathlib import Path

import pytest

from coursetools import slides
from browser import browser_context

REPO = Path(__file__).resolve().parent.parent
LESSONS = sorted((REPO / "lessons").glob("[0-9][0-9]_*.ipynb"))
SHOTS = REPO / "build" / "screenshots"


@pytest.fixture(scope="module")
def decks(tmp_path_factory):
    if not shutil.which("npm") and not (slides.npm_cache() / ".complete").exists():
        pytest.skip("building slides needs npm once (apt-get install nodejs npm)")
    out = tmp_path_factory.mktemp("slides")
    paths = slides.build(LESSONS, out)
    return {p.stem: p for p in paths}


def test_decks_reference_nothing_outside_the_folder(decks):
    for name, path in decks.items():
        html = path.read_text(encoding="utf-8")
        assert slides.external_references(html) == [], name
        assert "assets/reveal.js/dist/reveal.js" in html
    assets = next(iter(decks.values())).parent / "assets"
    for needed in ("reveal.js/dist/reveal.js", "reveal.js/plugin/notes/notes.js", "require.js",
                   "html-manager/embed-amd.js", "mathjax/MathJax.js"):
        assert (assets / needed).is_file(), needed


def test_decks_in_a_browser_offline(decks):
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    with browser_context() as ctx:
        blocked = []

        def route(r):
            if r.request.url.startswith("file://"):
                r.continue_()
            else:
                blocked.append(r.request.url)
                r.abort()

        ctx.route("**/*", route)
        for lesson in LESSONS:
            page = ctx.new_page()
            page.goto(decks[lesson.stem].as_uri())
            page.wait_for_function("window.Reveal && Reveal.isReady && Reveal.isReady()", timeout=30000)
            total = page.evaluate("Reveal.getTotalSlides()")
            if total != slides.expected_slide_count(lesson):
                problems.append(f"{lesson.stem}: {total} slides, metadata says {slides.expected_slide_count(lesson)}")
            assert page.evaluate("!!Reveal.getPlugin('notes')"), "speaker notes plugin missing"
            # every slide: its content must fit the 960x700 slide that reveal scales to the 1280x720 screen
            over = page.evaluate("""() => {
                const out = [];
                Reveal.getSlides().forEach((s, i) => {
                    const idx = Reveal.getIndices(s);
                    Reveal.slide(idx.h, idx.v);
                    if (s.scrollHeight > Reveal.getConfig().height + 20) out.push([idx.h, idx.v, s.scrollHeight]);
                });
                Reveal.slide(0, 0);
                return out;
            }""")
            if over:
                problems.append(f"{lesson.stem}: slides taller than the screen (h, v, px): {over}")
            page.wait_for_timeout(300)
            page.screenshot(path=str(SHOTS / f"{lesson.stem}.png"))
            if lesson.stem == "02_least_squares":
                page.wait_for_function("document.querySelectorAll('.MathJax_CHTML, .MathJax').length > 0", timeout=20000)
                page.wait_for_function("document.querySelectorAll('.widget-slider, .jupyter-widgets').length > 0",
                                       timeout=20000)
                # each formula drawn once: the screen-reader MathML copy must not be visible beside the typeset one
                page.wait_for_function("window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0 && "
                                       "document.querySelectorAll('.MJX_Assistive_MathML').length > 0", timeout=20000)
                shown_twice = page.evaluate("""() => [...document.querySelectorAll('.MJX_Assistive_MathML math')]
                    .filter(m => { const box = m.parentElement, r = m.getBoundingClientRect(),
                                         c = box.getBoundingClientRect(), st = getComputedStyle(box);
                        return r.width > c.width + 2 && st.clipPath === 'none' && st.display !== 'none'; }).length""")
                if shown_twice:
                    problems.append(f"{lesson.stem}: {shown_twice} formulas drawn twice (the MathML copy overflows its box unclipped)")
            page.close()
    assert not blocked, f"decks tried to reach the network: {blocked[:5]}"
    assert not problems, "\n".join(problems)
