"""Every page type of the built sample site in Chromium at 360, 412 and 1280 px (issue 18, "Must show").

Per page type and width: no request leaves 127.0.0.1 (nor fails), axe-core
finds no violation, the cumulative layout shift after load and a scroll to
the bottom and back (``PerformanceObserver`` of ``layout-shift``, buffered,
without shifts right after input) is at most 0.02, and a screenshot is kept
in ``test-artifacts/pages-<type>-<width>.png`` (CI uploads the folder).

The types beyond news (agenda, a sitting, a member, a body, a faction) are
picked from the built site through ``pipeline.content.urls``
(``page_types``); a type the sample has no page of fails.
One browser for the module, one context per test: ``-n`` splits the tests.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser_support import ARTIFACTS, AXE, CSP_WATCH, Watch, csp_violations, sample_site, scroll_to_bottom, wait_for_rest
from conftest import missing_tool
from page_types import SECTIONS, page_types

pytest_plugins = ["browser_support"]  # browser and base_url fixtures, screenshot-on-failure hook

TYPES = ["home", "article", "category", "tag", "month", "categories", "tags", "archive", "static", *SECTIONS]
WIDTHS = {360: 740, 412: 915, 1280: 800}  # width -> height of the viewport
CLS_MAX = 0.02

# Before any page script: every layout shift the page makes, buffered from the start.
CLS_WATCH = """window.__portalShifts = [];
new PerformanceObserver(list => { for (const e of list.getEntries()) window.__portalShifts.push(
  {value: e.value, recent: e.hadRecentInput,
   sources: (e.sources || []).map(s => s.node ? (s.node.nodeName + '.' + (s.node.className || '')) : '?')}); })
  .observe({type: 'layout-shift', buffered: true});"""

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => v.id + ' (' + v.impact + '): ' + v.help + ' at '
    + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '));
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return sample_site(tmp_path_factory) / "site"


@pytest.fixture(scope="module")
def pages(site) -> dict[str, str]:
    return page_types(site)


def layout_shift(page) -> tuple[float, list]:
    """The cumulative layout shift so far (shifts right after input excluded) and its sources."""
    shifts = page.evaluate("window.__portalShifts")
    counted = [s for s in shifts if not s["recent"]]
    return sum(s["value"] for s in counted), [(round(s["value"], 4), s["sources"]) for s in counted]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", TYPES)
def test_page_type(browser, base_url, pages, kind, width):
    if kind not in pages:
        pytest.fail(f"the sample site has no {kind} page")
    if not AXE.is_file():
        missing_tool(f"axe-core not installed ({AXE}): npm ci --prefix tests")
    context = browser.new_context(viewport={"width": width, "height": WIDTHS[width]}, locale="id-ID")
    try:
        watch = Watch(urlsplit(base_url).netloc)
        watch.attach(context)
        context.add_init_script(CSP_WATCH)
        context.add_init_script(CLS_WATCH)
        context.add_init_script(path=str(AXE))  # an init script: the page's CSP refuses an inline one
        page = context.new_page()
        page.set_default_timeout(15_000)
        response = page.goto(base_url + pages[kind], wait_until="networkidle")
        assert response is not None and response.status == 200
        broken = scroll_to_bottom(page)
        page.evaluate("scrollTo(0, 0)")
        # Back at the top the theme shows its tabs again (hidden while scrolling down), fading each in
        # with a delay: wait for that to begin, then to end, so axe never sees a link half faded.
        page.wait_for_function("""() => [...document.querySelectorAll('.md-tabs')].every(
            tabs => !tabs.hidden || getComputedStyle(tabs).display === 'none')""")
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"pages-{kind}-{width}.png"), full_page=True)

        assert broken == [], f"images not loaded: {broken}"
        cls, sources = layout_shift(page)
        print(f"{kind} at {width}px: CLS {cls:.4f}")
        assert cls <= CLS_MAX, f"layout shift {cls:.3f} on {pages[kind]} at {width}px: {sources}"
        wait_for_rest(page)
        assert page.evaluate(RUN_AXE) == []
        assert csp_violations(page) == []
        watch.assert_clean()
    finally:
        context.close()
