"""The register page in Chromium (issue 13): a phone (360 px) and a desktop (1280 px), axe, no request
to another host, sorting and filtering with JavaScript, the whole table without it, and print.

Built from tests/golden/register.json by both engines (``test_register_page.build_register_site``).
Skipped without Chromium, Playwright or axe-core on a developer machine; failed instead under ``CI=true``.
"""

from __future__ import annotations

import re

import pytest

pytest.register_assert_rewrite("browser_support")
import browser_support  # noqa: E402
from browser_support import AXE, csp_violations, missing_tool, require_playwright  # noqa: E402
from test_browser import RUN_AXE  # noqa: E402
from test_register_page import build_register_site  # noqa: E402

pytest_plugins = ["browser_support"]  # the screenshot-on-failure hook

playwright_api = require_playwright()
expect = playwright_api.expect

PAGE = "register/"
PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 900}
ROWS = "table.portal-register__table tbody tr"


@pytest.fixture(scope="module", params=("mkdocs", "zensical"))
def site(request, tmp_path_factory):
    return build_register_site(tmp_path_factory.mktemp(f"register-{request.param}") / "project",
                               request.param) / "site"


def open_page(browser, base_url: str, viewport: dict, javascript: bool = True):
    return browser_support.open_page(browser, base_url, PAGE, viewport, javascript)


def titles(page) -> list[str]:
    return page.locator(f"{ROWS}:visible th[scope=row]").evaluate_all("els => els.map(th => th.textContent)")


def assert_axe_clean(page, name: str) -> None:
    if not AXE.is_file():
        missing_tool(f"axe-core not installed ({AXE}): npm ci --prefix tests")
    browser_support.wait_for_rest(page)
    violations = page.evaluate(RUN_AXE)
    for v in violations:
        print(f"axe {name}: {v['impact']} {v['id']} ({v['help']}): {v['nodes'][:3]}")
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert not serious, serious


def test_phone_shows_one_card_per_row(browser, base_url):
    context, page, watch = open_page(browser, base_url, PHONE)
    try:
        assert page.evaluate("document.documentElement.scrollWidth - innerWidth") <= 0
        assert page.locator(ROWS).first.evaluate("tr => getComputedStyle(tr).display") == "block"
        label = "th => getComputedStyle(th, '::before').content"
        assert page.locator(f"{ROWS} th[scope=row]").first.evaluate(label) == '"Judul"'
        expect(page.locator("table.portal-register__table caption")).to_have_text(
            "Register Dokumentasi dan Konten: 3 baris, terbaru di atas")
        expect(page.locator(".portal-register__chart img")).to_be_visible()
        assert page.locator(".portal-register__chart img").evaluate("i => i.complete && i.naturalWidth > 0")
        assert_axe_clean(page, "register phone")
        assert csp_violations(page) == []
        watch.assert_clean()
    finally:
        context.close()


def test_desktop_shows_a_table(browser, base_url):
    context, page, watch = open_page(browser, base_url, DESKTOP)
    try:
        assert page.locator("table.portal-register__table").evaluate("t => getComputedStyle(t).display") == "table"
        assert page.locator(f"{ROWS} th[scope=row]").first.evaluate("th => getComputedStyle(th, '::before').content") \
            == "none"
        expect(page.locator(".portal-register__printed")).to_be_hidden()
        assert_axe_clean(page, "register desktop")
        watch.assert_clean()
    finally:
        context.close()


def test_sort_and_filter(browser, base_url):
    context, page, watch = open_page(browser, base_url, DESKTOP)
    try:
        newest_first = titles(page)
        assert newest_first[0] == "Rapat Paripurna Penetapan APBD 2027"
        page.get_by_role("button", name="Tanggal kegiatan (H)").click()
        assert titles(page) == newest_first[::-1]
        expect(page.locator("th[aria-sort=ascending]")).to_have_count(1)
        page.get_by_role("button", name="Judul").click()
        assert titles(page) == sorted(newest_first, key=str.lower)
        page.get_by_role("button", name="Judul").click()
        assert titles(page) == sorted(newest_first, key=str.lower, reverse=True)
        page.get_by_role("searchbox", name="Saring baris").fill("paripurna")
        assert titles(page) == ["Rapat Paripurna Penetapan APBD 2027"]
        expect(page.locator(".portal-register__filter [role=status]")).to_have_text("1 dari 3 baris")
        page.get_by_role("searchbox", name="Saring baris").fill("ahmad fauzi")  # a reviewer's name
        assert titles(page) == ["Rapat Paripurna Penetapan APBD 2027"]
        page.get_by_role("searchbox", name="Saring baris").fill("")
        assert len(titles(page)) == 3
        assert csp_violations(page) == []
        watch.assert_clean()
    finally:
        context.close()


def test_everything_without_javascript(browser, base_url):
    context, page, watch = open_page(browser, base_url, DESKTOP, javascript=False)
    try:
        assert page.locator(ROWS).count() == 3
        for row in range(3):
            expect(page.locator(ROWS).nth(row)).to_be_visible()
        # No control, only the placeholder that says why (its height is kept for the filter: no shift).
        expect(page.locator(".portal-register__filter")).to_have_text(
            "Penyaring dan pengurut tabel memerlukan JavaScript.")
        assert page.locator(".portal-register__filter input").count() == 0
        assert page.locator(".portal-register__sort").count() == 0
        expect(page.get_by_role("link", name="Unduh CSV")).to_be_visible()
        watch.assert_clean()
    finally:
        context.close()


def test_hostile_row_is_text(browser, base_url):
    context, page, watch = open_page(browser, base_url, DESKTOP)
    try:
        hostile = page.locator(ROWS).filter(has_text="HYPERLINK")
        expect(hostile.locator("th")).to_contain_text('=HYPERLINK("http://evil.example","klik") <script>alert(1)</script>')
        assert hostile.locator("script, b, img").count() == 0
        watch.assert_clean()  # nothing fetched from evil.example
    finally:
        context.close()


def test_print_is_a4_landscape_without_navigation(browser, base_url):
    context, page, _ = open_page(browser, base_url, DESKTOP)
    try:
        page.emulate_media(media="print")
        for selector in (".md-header", ".md-sidebar--primary", ".md-footer", ".portal-register__filter"):
            assert page.locator(selector).evaluate_all("els => els.every(e => getComputedStyle(e).display === 'none')"), \
                selector
        expect(page.locator(".portal-register__printed")).to_have_text("Data register per Minggu, 22 November 2026 08.00 WIB.")
        assert page.locator("table.portal-register__table").evaluate("t => getComputedStyle(t).display") == "table"
        pdf = page.pdf(prefer_css_page_size=True)
        boxes = {tuple(map(float, box)) for box in re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)}
        assert boxes and all(round(w) == 842 and round(h) == 595 for w, h in boxes), boxes  # A4 landscape, points
    finally:
        context.close()
