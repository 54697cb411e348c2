"""The sample site built with Zensical (``portal build --engine zensical``) in Chromium.

Every HTML page: the Content-Security-Policy first in ``<head>`` and no
violation, no failed or third-party request; Zensical's own search (a
dialog in a shadow root, fed by ``/search.json``) finds "paripurna". Skipped
without Chromium or Playwright, failed instead under ``CI=true``
(conftest.missing_tool).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

pytest.register_assert_rewrite("browser_support")
from browser_support import CHROMIUM, CSP_WATCH, DESKTOP, Watch, copy_project, csp_violations, launch, serve  # noqa: E402 - after register_assert_rewrite
from conftest import missing_tool, run_cli  # noqa: E402

if not CHROMIUM.is_file():
    missing_tool(f"Chromium not installed at {CHROMIUM} (apt-get install chromium)")
try:
    import playwright.sync_api as playwright_api
except ImportError:
    missing_tool("Playwright for Python not installed (pip install -e '.[test]')")

MISSING = "tidak-ada/halaman-ini/"
ARTICLE = "berita/2026/rapat-paripurna-penetapan-apbd-2027/"
FIRST_IN_HEAD = """() => {
  const first = document.head.firstElementChild;
  return first && first.tagName === 'META' && first.httpEquiv === 'Content-Security-Policy' ? first.content : null;
}"""
# Zensical's search dialog lives in a shadow root: its result links are found through it.
SEARCH_LINKS = """() => [...document.querySelectorAll('*')].filter(e => e.shadowRoot)
  .flatMap(e => [...e.shadowRoot.querySelectorAll('a[href]')].map(a => a.href))"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("zensical-browser") / "project")
    result = run_cli(project, "build", "--engine", "zensical")
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "site"


@pytest.fixture(scope="module")
def tab(site):
    with serve(site) as base, playwright_api.sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(viewport=DESKTOP, locale="id-ID")
        context.add_init_script(CSP_WATCH)
        watch = Watch(urlsplit(base).netloc)
        watch.attach(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        yield base, page, watch
        browser.close()


def test_every_zensical_page_carries_the_policy_and_breaks_none_of_it(tab, site):
    base, page, watch = tab
    paths = [MISSING if p.name == "404.html" and p.parent == site else p.relative_to(site).as_posix()
             .removesuffix("index.html") for p in sorted(site.rglob("*.html"))]
    assert len(paths) > 30 and MISSING in paths
    for path in paths:
        status = 404 if path == MISSING else 200
        if status == 404:
            watch.expected_404.add(base + path)
        response = page.goto(base + path, wait_until="networkidle")
        assert response is not None and response.status == status, path
        assert page.evaluate(FIRST_IN_HEAD), f"{path}: no CSP meta first in <head>"
        assert csp_violations(page) == [], f"CSP violations on {path}"
        watch.assert_clean()


def test_zensical_search_finds_paripurna_under_the_policy(tab):
    base, page, watch = tab
    page.goto(base, wait_until="networkidle")
    page.locator(".md-search__button").click()  # on a desktop: a phone opens search from another control
    page.keyboard.type("paripurna")
    page.wait_for_function(f"() => ({SEARCH_LINKS})().some(h => h.includes('{ARTICLE}'))", timeout=15_000)
    assert base + ARTICLE in {href.split("#")[0] for href in page.evaluate(SEARCH_LINKS)}
    assert csp_violations(page) == []
    watch.assert_clean()
