"""The public documents in Chromium (issue 17): the DIP page, a category page and a document page.

axe clean, no request to another host, no CSP violation; the DIP filtered by
``register.js`` and whole without JavaScript; the thumbnails load and the
downloads are served. Built by both engines from the sample documents
(``test_documents.documents_project``). Skipped without Chromium, Playwright
or axe-core on a developer machine; failed instead under ``CI=true``.
"""

from __future__ import annotations


import pytest

pytest.register_assert_rewrite("browser_support")
import browser_support  # noqa: E402
from browser_support import csp_violations, require_playwright  # noqa: E402
from conftest import run_cli  # noqa: E402
from test_browser_register import assert_axe_clean  # noqa: E402
from test_documents import TODAY, documents_project  # noqa: E402

pytest_plugins = ["browser_support"]  # the screenshot-on-failure hook

playwright_api = require_playwright()
expect = playwright_api.expect

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 780}
ROWS = "table.portal-register__table tbody tr"


@pytest.fixture(scope="module", params=("mkdocs", "zensical"))
def site(request, tmp_path_factory):
    project = documents_project(tmp_path_factory.mktemp(f"documents-{request.param}") / "project")
    result = run_cli(project, "build", "--engine", request.param, today=TODAY)
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "site"


def open_page(browser, base_url: str, path: str, viewport: dict = DESKTOP, javascript: bool = True):
    return browser_support.open_page(browser, base_url, path, viewport, javascript)


def visible_titles(page) -> list[str]:
    return page.locator(f"{ROWS}:visible th[scope=row] a").evaluate_all("els => els.map(a => a.textContent)")


def test_the_dip_is_filterable_and_clean(browser, base_url):
    context, page, watch = open_page(browser, base_url, "informasi/dip/")
    try:
        expect(page.locator("table.portal-register__table caption")).to_have_text("Daftar Informasi Publik: 4 informasi")
        assert page.locator("table.portal-register__table thead th").count() == 9
        page.get_by_role("searchbox", name="Saring baris").fill("kinerja")
        assert visible_titles(page) == ["Ringkasan Laporan Kinerja Sekretariat DPRD 2025"]
        page.get_by_role("searchbox", name="Saring baris").fill("")
        assert len(visible_titles(page)) == 4
        assert_axe_clean(page, "dip desktop")
        assert csp_violations(page) == []
        watch.assert_clean()
    finally:
        context.close()


def test_the_dip_without_javascript_shows_every_row_and_its_downloads(browser, base_url):
    context, page, watch = open_page(browser, base_url, "informasi/dip/", javascript=False)
    try:
        assert page.locator(ROWS).count() == 4
        # No control, only the placeholder that says why (its height is kept for the filter: no shift).
        expect(page.locator(".portal-register__filter")).to_have_text(
            "Penyaring dan pengurut tabel memerlukan JavaScript.")
        assert page.locator(".portal-register__filter input").count() == 0
        for name in ("CSV", "XLSX"):
            href = page.get_by_role("link", name=name, exact=True).get_attribute("href")
            response = page.request.get(page.url + href)
            assert response.status == 200, href
        watch.assert_clean()
    finally:
        context.close()


def test_a_category_page_on_a_phone(browser, base_url):
    context, page, watch = open_page(browser, base_url, "informasi/kategori/berkala/", PHONE)
    try:
        assert page.evaluate("document.documentElement.scrollWidth - innerWidth") <= 0
        expect(page.locator(".portal-teaser h2 a")).to_have_count(2)
        thumbs = page.locator(".portal-teaser img")
        assert thumbs.count() == 2
        assert all(thumbs.evaluate_all("imgs => imgs.map(i => i.complete && i.naturalWidth > 0)"))
        assert_axe_clean(page, "category phone")
        assert csp_violations(page) == []
        watch.assert_clean()
    finally:
        context.close()


def test_a_document_page_serves_its_files(browser, base_url):
    context, page, watch = open_page(browser, base_url, "informasi/standar-layanan-ppid/")
    try:
        expect(page.locator("h1")).to_have_text("Standar Layanan Informasi Publik")
        assert page.locator("figure img").evaluate("i => i.complete && i.naturalWidth > 0")
        pdf = page.get_by_role("link", name="Standar Layanan Informasi Publik", exact=True)
        response = page.request.get(page.url + pdf.get_attribute("href"))
        assert response.status == 200 and response.body()[:5] == b"%PDF-"
        assert_axe_clean(page, "document desktop")
        assert csp_violations(page) == []
        watch.assert_clean()
    finally:
        context.close()
