"""DOM clobbering (issue 10) in a real browser: content cannot reach the theme's ids.

Material finds its configuration with ``querySelector("#__config")`` and its
toggles by id (``__search``, ``__drawer``): a narrative element that came
first with one of those ids ran a script for every visitor. Each article of
a small project carries one clobbering variant; the project is built
*without* ``portal check``'s refusal (tests/browser_support.py,
``build_unchecked``), so the portal plugin's sanitizer alone must hold, and
``attr_list`` is switched on, which the site itself does not use.

On each article, in Chromium: no dialog opens (Playwright's ``dialog``
event and an init-script count of alert/confirm/prompt/print, neither
needing anything of ours in the page), the theme's ids each name the
theme's element once, every id in the content starts with ``isi-``, no
``name`` or form survives, the theme's search finds the articles, and
nothing breaks (no console or page error, no CSP violation).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

pytest.register_assert_rewrite("browser_support")
from browser_support import (  # noqa: E402 - after register_assert_rewrite
    CSP_WATCH, PHONE, Watch, build_unchecked, csp_violations, failed, hostile_project, require_playwright,
    save_screenshot, screenshot_path, zensical_search)

pytest_plugins = ["browser_support"]  # the screenshot-on-failure hook

playwright_api = require_playwright()
expect = playwright_api.expect

WORD = "penyusupan"  # in every hostile narrative: the search must find them all
FILLER = (f"Narasi ini menguji {WORD} halaman oleh isi berita. Sekretariat DPRD Kabupaten Contoh memastikan "
          "bahwa situs tetap aman, pencarian tetap bekerja, dan tidak ada skrip yang berjalan tanpa izin "
          "dari tema situs ketika pembaca membuka berita ini di peramban mana pun.")
# The exploit of issue 10: a fake configuration first in the document.
FAKE_CONFIG = ('{"base": ".", "features": [], "translations": {}, '
               '"search": "data:text/javascript,postMessage(alert(document.domain))"}')
VARIANTS = {
    "raw-html-id": f'<p id="__config">{FAKE_CONFIG}</p>\n\n<div id="__search">kotak</div>',
    "anchor-id": '<a id="__search" href="#__drawer">tautan ke laci</a> dan <a id="__drawer">jangkar</a>',
    "attr-list-id": f"Paragraf dengan id dari daftar atribut.\n{{: #__config }}\n\n{FAKE_CONFIG}\n{{: #__search }}",
    "heading-anchor": "## __config\n\nIsi bagian.\n\n## __search\n\nIsi bagian lain.",
    "name-attribute": ('<img name="__config" src="foto/foto-1-thumb.webp" alt="foto"> <a name="__search">a</a> '
                       '<a name="querySelector">b</a>'),
    "form-elements": ('<form id="__config" name="__md_scope" action="https://contoh.example/kirim">'
                      '<input name="__search" value="x"><input id="__drawer" type="checkbox">'
                      '<button name="textContent">kirim</button></form>'),
    "script-look-alike": (f'<script id="__config" type="application/json">{FAKE_CONFIG}</script>\n\n'
                          f'Sebagai teks: `<script id="__config" type="application/json">{FAKE_CONFIG}</script>`'),
}
NARRATIVES = {slug: f"{FILLER}\n\n{markup}\n\n{FILLER}" for slug, markup in VARIANTS.items()}

# Counted before any page script runs; the page's CSP does not govern init scripts.
COUNT_DIALOGS = """window.__portalDialogs = [];
for (const name of ['alert', 'confirm', 'prompt', 'print']) {
  window[name] = function (...args) { window.__portalDialogs.push(name + ': ' + args.join(' ')); };
}"""
THEME_IDS = """() => ['__config', '__search', '__drawer'].map(id => {
  const all = document.querySelectorAll('#' + id);
  return [id, all.length, all[0] && all[0].tagName, all[0] && all[0].closest('.md-content') === null];
})"""
# Zensical's theme puts its skip-link target, <a id="__skip">, inside the article: the theme's, not content.
CONTENT_IDS = "() => [...document.querySelectorAll('.md-content [id]')].map(e => e.id).filter(i => i !== '__skip')"


@pytest.fixture(scope="module", params=("mkdocs", "zensical"))
def engine(request):
    return request.param


@pytest.fixture(scope="module")
def site(tmp_path_factory, engine):
    project = hostile_project(tmp_path_factory.mktemp("clobber"), NARRATIVES, extensions=("attr_list",))
    return build_unchecked(project, engine=engine)


@pytest.fixture
def page(browser, base_url, request):
    """A phone-sized page that records dialogs, CSP violations and errors from the first request."""
    context = browser.new_context(viewport=PHONE, locale="id-ID")
    context.add_init_script(COUNT_DIALOGS)
    context.add_init_script(CSP_WATCH)
    watch = Watch(urlsplit(base_url).netloc)
    watch.attach(context)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.watch = watch
    yield page
    screenshot_path(request.node).unlink(missing_ok=True)
    if failed(request.node):
        save_screenshot(page, request.node)
    context.close()


def article(slug: str) -> str:
    return f"berita/2026/{slug}/"


@pytest.mark.parametrize("slug", VARIANTS)
def test_content_cannot_clobber_the_theme(page, base_url, slug, engine):
    page.goto(base_url + article(slug), wait_until="networkidle")
    expect(page.locator(".md-content h1")).to_have_text(f"Uji keamanan {slug}")
    assert page.evaluate(THEME_IDS) == [["__config", 1, "SCRIPT", True], ["__search", 1, "INPUT", True],
                                        ["__drawer", 1, "INPUT", True]]
    ids = page.evaluate(CONTENT_IDS)
    assert ids and all(i.startswith("isi-") for i in ids), ids
    assert page.locator(".md-content [name], .md-content form, .md-content input, .md-content button").count() == 0
    # Same-page links follow the ids they point to.
    hrefs = page.locator(".md-content a[href^='#']").evaluate_all("els => els.map(a => a.getAttribute('href'))")
    assert all(h.startswith("#isi-") for h in hrefs), hrefs

    # The theme's search still works: the real configuration was read.
    if engine == "zensical":
        found = {h for h in zensical_search(page, WORD) if "/berita/" in h}
        assert found == {base_url + article(s) for s in VARIANTS}, found
        return finish(page)
    page.locator('label.md-header__button[for="__search"]').click()
    box = page.locator("[data-md-component=search-query]")
    expect(box).to_be_focused()
    box.press_sequentially(WORD, delay=40)
    expect(page.locator(".md-search-result__meta")).to_have_text(
        re.compile(rf"^{len(VARIANTS)} dokumen ditemukan"), timeout=15_000)
    expect(page.locator(".md-search-result__item").first).to_be_visible()
    finish(page)


def finish(page) -> None:
    """No dialog opened, no policy violation, nothing broken or third-party."""
    assert page.dialogs == [] and page.evaluate("window.__portalDialogs") == []
    assert csp_violations(page) == []
    page.watch.assert_clean()


def test_the_look_alike_script_shows_as_text(page, base_url):
    page.goto(base_url + article("script-look-alike"), wait_until="networkidle")
    code = page.locator(".md-content code")
    expect(code).to_have_text(f'<script id="__config" type="application/json">{FAKE_CONFIG}</script>')
    assert page.locator(".md-content script").count() == 0
    assert page.dialogs == [] and page.evaluate("window.__portalDialogs") == []
    page.watch.assert_clean()
