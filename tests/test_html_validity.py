"""The W3C Nu HTML checker (vnu-jar) over one built page of every page type, on both engines.

0 errors from the portal's own markup (templates, main.html blocks). The
errors Material's own markup causes are listed below by message, with why
they stay; any other error fails the test with its page, line and text.
Warnings (the CSP meta tag's notes) are not errors and are not asserted.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from browser_support import TESTS, sample_site
from conftest import missing_tool
from page_types import page_types

VNU = TESTS / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

# Errors in the theme's own templates (not overridden by the portal), by message start, per engine.
AUTOCOMPLETE = "Attribute “autocomplete” is only allowed when the input type is"
MATERIAL_ERRORS = {
    "mkdocs": {
        # The drawer and search toggles are <input type="checkbox" autocomplete="off">: Material
        # keeps Firefox from restoring their state on back/forward (base.html); harmless on a
        # checkbox but not allowed there by the spec.
        AUTOCOMPLETE: "Material's drawer/search toggles",
        # The table of contents' title is <label for="__toc">; Material renders the __toc checkbox
        # hidden (display:none), as every toggle of its CSS-only navigation.
        "The value of the “for” attribute of the “label” element must be the ID of a non-hidden form control.":
            "Material's table of contents title",
    },
    "zensical": {
        AUTOCOMPLETE: "the theme's drawer/search toggles, as on MkDocs",
        # Zensical's theme hides the drawer's click-away overlay (<label for="__drawer">) from
        # screen readers: it duplicates the menu button, which stays labelled.
        "The “aria-hidden” attribute must not be used on any “label” element that is associated with a labelable "
        "element.": "Zensical's drawer overlay",
    },
}


@pytest.fixture(scope="module", params=["mkdocs", "zensical"])
def engine(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def site(engine, tmp_path_factory) -> Path:
    return sample_site(tmp_path_factory, engine) / "site"


def nu_errors(files: list[Path]) -> list[dict]:
    """The Nu checker's error messages for ``files`` (one JVM for all of them)."""
    if shutil.which("java") is None:
        missing_tool("Java not installed (apt-get install default-jre-headless)")
    if not VNU.is_file():
        missing_tool(f"{VNU} missing (npm ci --prefix tests)")
    result = subprocess.run(["java", "-jar", str(VNU), "--format", "json", "--exit-zero-always",
                             *map(str, files)], capture_output=True, text=True, encoding="utf-8", timeout=300)
    return [m for m in json.loads(result.stderr)["messages"] if m["type"] in ("error", "non-document-error")]


def test_every_page_type_is_valid_html_outside_the_themes_own_markup(site, engine):
    pages = page_types(site)
    files = [site / path / "index.html" for path in pages.values()] + [site / "404.html"]
    errors = nu_errors(files)
    known = MATERIAL_ERRORS[engine]
    ours = [f"{m['url'].split('/site/', 1)[-1]}:{m.get('lastLine')}: {m['message']} [{m.get('extract', '').strip()}]"
            for m in errors if not m["message"].startswith(tuple(known))]
    assert ours == []
    # The list of the theme's errors stays true: each one still occurs (else it goes).
    assert {start for start in known if any(m["message"].startswith(start) for m in errors)} == set(known)


def test_the_checker_finds_the_gallery_error_it_was_added_for(tmp_path):
    # The defect the validators found (issue 18): an aria-label on a plain <div>.
    page = tmp_path / "gallery.html"
    page.write_text('<!DOCTYPE html><html lang="id"><head><title>Galeri</title></head><body>'
                    '<div class="portal-gallery" aria-label="Galeri foto"></div></body></html>', encoding="utf-8")
    messages = [m["message"] for m in nu_errors([page])]
    assert messages == ["The “aria-label” attribute must not be specified on any “div” element unless the element "
                        "has a “role” value other than “caption”, “code”, “deletion”, “emphasis”, “generic”, "
                        "“insertion”, “paragraph”, “presentation”, “strong”, “subscript”, or “superscript”."]


def test_sitemap_lastmod_is_each_pages_own_date_never_the_build_day(site):
    # Here beside the Nu check: the same two built sample sites (issue 18: every lastmod was the build day).
    import datetime as dt
    import gzip
    import re

    from browser_support import SITE_URL, sample_items

    text = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert gzip.decompress((site / "sitemap.xml.gz").read_bytes()).decode("utf-8") == text
    dates = dict(re.findall(r"<loc>([^<]*)</loc>(?:\s*<lastmod>([^<]*)</lastmod>)?", text))
    items = sample_items()
    for item in items:  # an article's own date: its latest correction (`updates`), else the day of the activity
        updated = max([u["date"] for u in item.meta.get("updates") or []], default=item.date)
        assert dates[item.url] == updated.isoformat(), item.url
    assert any(item.meta.get("updates") for item in items)  # a sample item has one
    newest = items[0].date.isoformat()
    assert dates[SITE_URL] == dates[SITE_URL + "arsip/"] == dates[SITE_URL + "kategori/"] == newest
    for page in ("profil/", "kontak/", "ppid/"):  # static pages: no date to give (see pipeline/site/sitemap.py)
        assert dates[SITE_URL + page] == ""
    assert dt.date.today().isoformat() not in dates.values()


def test_the_serta_merta_notice_is_on_every_page_of_both_engines(site):
    """content/informasi/penutupan-gedung-banjir is serta-merta until 2026-12-14: every page announces it."""
    notice = re.compile(r'<p class="portal-notice"><strong>Informasi serta merta:</strong> <a href="([^"]+)">'
                        r"Penutupan Sementara Gedung DPRD akibat Banjir</a></p>")
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 100
    for page in pages:
        found = notice.search(page.read_text(encoding="utf-8"))
        assert found, page
        link = html.unescape(found[1])  # relative, or from the root on 404.html (served for any path)
        resolved = site / link.lstrip("/") if link.startswith("/") else (page.parent / link).resolve()
        assert (resolved / "index.html").is_file(), (page, link)
