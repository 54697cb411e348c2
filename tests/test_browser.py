"""The built sample site in a real browser: Debian's Chromium driven by Playwright.

A phone (412x915) reads the home page, an article, a category, the archives,
the 404 page; searches; opens the gallery from the keyboard; axe-core checks
accessibility. On every page visited: no failed request, no request to any
other host, no console or page error, no Content-Security-Policy violation,
and after scrolling to the bottom (lazy loading) every image has decoded.
Every HTML page of the build is opened once more for its policy: first in
``<head>``, nothing refused. A failing test leaves
``test-artifacts/<test>.png``.

The sample site is built once per session and shared by every module and
xdist worker (tests/browser_support.py). Skipped when Chromium, Playwright or
axe-core is missing, failed instead under ``CI=true`` (``.ci/run`` installs
them; conftest.missing_tool). Search
counts and axe findings are printed (``-rP``).
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import parse_qs, urlsplit

import pytest

pytest.register_assert_rewrite("browser_support")
from browser_support import (  # noqa: E402 - after register_assert_rewrite
    AXE, CSP_WATCH, DESKTOP, PHONE, SITE_URL, Watch, csp_violations, failed, mentions,
    missing_tool, require_playwright, sample_items, sample_site, save_screenshot, screenshot_path,
    scroll_to_bottom, wait_for_rest, zensical_search)

pytest_plugins = ["browser_support"]  # the screenshot-on-failure hook

playwright_api = require_playwright()
expect = playwright_api.expect

SITE_NAME = "Portal Informasi DPRD Kabupaten Contoh"
ARTICLE = "berita/2026/rapat-paripurna-penetapan-apbd-2027/"
MISSING = "tidak-ada/halaman-ini/"
DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember")
SEARCH_WORDS = ("paripurna", "anggaran", "reses", "komisi", "puskesmas")


def indonesian(date) -> str:
    return f"{DAYS[date.weekday()]}, {date.day} {MONTHS[date.month - 1]} {date.year}"


# --------------------------------------------------------------------------- fixtures

# Every test runs on the site of each engine: the portal's pages must not depend on one.
ENGINES = ("mkdocs", "zensical")


@pytest.fixture(scope="module", params=ENGINES)
def engine(request):
    return request.param


@pytest.fixture(scope="module")
def project(tmp_path_factory, engine):
    return sample_site(tmp_path_factory, engine)


@pytest.fixture(scope="module")
def site(project):
    return project / "site"


@pytest.fixture(scope="module")
def items(project):
    return sample_items(project / "content")


class Tab:
    """One browser context (viewport) and its page, watched from the first request."""

    def __init__(self, browser, base_url: str, viewport: dict):
        self.base = base_url
        self.viewport = viewport
        self.context = browser.new_context(viewport=viewport, locale="id-ID")
        self.context.add_init_script(CSP_WATCH)
        self.watch = Watch(urlsplit(base_url).netloc)
        self.watch.attach(self.context)
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)

    def url(self, path: str) -> str:
        return self.base + path.lstrip("/")

    def open(self, path: str, status: int = 200):
        url = self.url(path)
        if status == 404:
            self.watch.expected_404.add(url)
        response = self.page.goto(url, wait_until="networkidle")
        assert response is not None and response.status == status, f"{url}: {response and response.status}"
        self.settle()
        return self.page

    def settle(self) -> None:
        """Scroll to the bottom; every image decoded, nothing broken or third-party so far."""
        self.page.wait_for_load_state("networkidle")
        broken = scroll_to_bottom(self.page)
        assert not broken, f"images not loaded on {self.page.url}: {broken}"
        if self.viewport == PHONE:
            overflow = self.page.evaluate("document.documentElement.scrollWidth - innerWidth")
            assert overflow <= 0, f"{self.page.url} scrolls sideways on a phone by {overflow}px"
        self.page.evaluate("scrollTo(0, 0)")
        assert csp_violations(self.page) == [], f"CSP violations on {self.page.url}"
        self.watch.assert_clean()


@pytest.fixture
def new_tab(browser, base_url, request):
    """Factory of tabs; screenshots on failure; late problems (after the last check) fail the test."""
    tabs: list[Tab] = []

    def make(viewport: dict = PHONE) -> Tab:
        tabs.append(Tab(browser, base_url, viewport))
        return tabs[-1]

    yield make
    problems = [p for tab in tabs for p in tab.watch.problems()]
    screenshot_path(request.node).unlink(missing_ok=True)  # a stale one of an earlier run
    for tab in tabs:
        if failed(request.node) or problems:
            path = save_screenshot(tab.page, request.node)
            if path:
                print(f"screenshot: {path}")
        tab.context.close()
    if problems and not failed(request.node):
        pytest.fail("\n".join(problems), pytrace=False)


@pytest.fixture
def tab(new_tab):
    return new_tab()


def item_at(items, path: str):
    return next(i for i in items if i.path == path)


def check_feed_link(tab: Tab, count: int) -> None:
    import feedparser

    href = tab.page.locator('head link[rel~="alternate"][type="application/rss+xml"]').evaluate("l => l.href")
    assert href == tab.url("feed.xml")
    response = tab.context.request.get(href)
    assert response.status == 200, href
    feed = feedparser.parse(response.body())
    assert not feed.bozo, feed.get("bozo_exception")
    assert len(feed.entries) == count


def teasers(page) -> list[tuple[str, str]]:
    """The news of a list page in order (on the home: the headline, the newest, large, then the cards)."""
    links = page.locator(".portal-teaser h2 a, .portal-headline h2 a, .portal-card h3 a").evaluate_all(
        "els => els.map(a => [a.textContent.trim(), a.href])")
    return [tuple(link) for link in links]


# --------------------------------------------------------------------------- pages

def home_title(engine: str) -> str:
    """Both engines title the home page with the site name (main.html's htmltitle block)."""
    return SITE_NAME


def test_home_on_a_phone(tab, items, engine):
    page = tab.open("")
    assert page.title() == home_title(engine)
    expect(page.locator(".md-content h1")).to_have_text("Berita Terbaru")
    latest = items[:10]
    assert teasers(page) == [(i.title, tab.url(i.path)) for i in latest]
    for index, item in enumerate(latest):
        teaser = page.locator(".portal-headline, .portal-card").nth(index)
        teaser.scroll_into_view_if_needed()  # the cards' thumbnails load lazily
        expect(teaser.locator("time")).to_have_text(indonesian(item.date))
        expect(teaser.locator("time")).to_have_attribute("datetime", item.date.isoformat())
        image = teaser.locator("img")
        expect(image).to_have_js_property("complete", True)
        assert image.evaluate("i => i.naturalWidth") > 0, item.path
        source = image.evaluate("i => i.currentSrc")
        if index == 0:  # the headline's photo: a width of the article's srcset
            assert re.search(r"/foto/[^/]+-w(480|960|1600)\.webp$", source), source
        else:  # a thumbnail size from the srcset (160, 320 or 480 px: stage.thumb_srcset), as the card needs
            assert re.search(r"/foto/[^/]+-thumb(160|320)?\.webp$", source), source
    check_feed_link(tab, len(items))


def test_home_on_a_desktop(new_tab, items, engine):
    tab = new_tab(DESKTOP)
    page = tab.open("")
    assert page.title() == home_title(engine)
    assert teasers(page) == [(i.title, tab.url(i.path)) for i in items[:10]]
    for image in page.locator(".portal-headline img, .portal-card img").all():
        image.scroll_into_view_if_needed()  # lazy thumbnails load once near the viewport
        expect(image).to_have_js_property("complete", True)
        assert image.evaluate("i => i.naturalWidth") > 0
    # The search box (Material) or button (Zensical) is in the header on a desktop.
    expect(page.locator(".md-search__input" if engine == "mkdocs" else ".md-search__button")).to_be_visible()


def test_article(tab, items):
    item = item_at(items, ARTICLE)
    page = tab.open(ARTICLE)
    assert page.title() == f"{item.title} - {SITE_NAME}"
    expect(page.locator(".md-content h1")).to_have_text(item.title)
    time = page.locator(".md-content .portal-meta time")
    expect(time).to_have_text("Jumat, 20 November 2026")
    expect(time).to_have_attribute("datetime", "2026-11-20")
    category = page.locator(".md-content .portal-meta a")
    expect(category).to_have_text("Rapat Paripurna")
    assert category.evaluate("a => a.href") == tab.url("kategori/paripurna/")

    photos = item.meta["photos"]
    lead = page.locator(".portal-lead img")
    expect(lead).to_have_attribute("alt", photos[0]["alt"])
    assert lead.evaluate("i => i.naturalWidth") > 0
    assert lead.evaluate("i => i.currentSrc").endswith(".webp")  # the <picture>'s WebP srcset, not the JPEG

    figures = page.locator(".portal-gallery figure")
    expect(figures).to_have_count(6)
    assert len(photos) == 6
    assert figures.locator("img").evaluate_all("els => els.map(i => i.alt)") == [p["alt"] for p in photos]
    for href in figures.locator("a").evaluate_all("els => els.map(a => a.href)"):
        assert tab.context.request.get(href).status == 200, href

    share = page.locator('nav.portal-share')
    for name, host, key in (("WhatsApp", "wa.me", "text"), ("Facebook", "www.facebook.com", "u"),
                            ("X", "x.com", "url"), ("Telegram", "t.me", "url")):
        link = share.get_by_role("link", name=name, exact=True)
        href = link.get_attribute("href")
        parts = urlsplit(href)
        assert parts.scheme == "https" and parts.netloc == host, href
        assert item.url not in href, f"{name}: article URL not encoded: {href}"
        value = parse_qs(parts.query)[key][0]
        assert (value == f"{item.title} {item.url}") if name == "WhatsApp" else (value == item.url), href
        assert "noopener" in link.get_attribute("rel")

    # The newest item: an older neighbour only; its page links back.
    index = items.index(item)
    assert index == 0
    pager = page.locator("nav.portal-pager")
    expect(pager.locator("a[rel=prev]")).to_have_count(0)
    older = pager.locator("a[rel=next]")
    expect(older).to_contain_text(items[1].title)
    older.click()
    page.wait_for_url(tab.url(items[1].path))
    tab.settle()
    expect(page.locator(".md-content h1")).to_have_text(items[1].title)
    pager = page.locator("nav.portal-pager")
    assert pager.locator("a[rel=prev]").evaluate("a => a.href") == tab.url(items[0].path)
    assert pager.locator("a[rel=next]").evaluate("a => a.href") == tab.url(items[2].path)
    check_feed_link(tab, len(items))


def test_category_page(tab, items):
    page = tab.open("kategori/paripurna/")
    expect(page.locator(".md-content h1")).to_have_text("Rapat Paripurna")
    expected = [i for i in items if i.meta["category"] == "paripurna"]
    assert len(expected) == 2
    assert teasers(page) == [(i.title, tab.url(i.path)) for i in expected]


def test_archive_and_a_month(tab, items):
    page = tab.open("arsip/")
    expect(page.locator(".md-content h1")).to_have_text("Arsip Berita")
    months = Counter((i.date.year, i.date.month) for i in items)
    listed = page.locator(".portal-links li").all_inner_texts()
    assert listed == [f"{MONTHS[m - 1]} {y} ({n})" for (y, m), n in sorted(months.items(), reverse=True)]
    page.locator(".portal-links").get_by_role("link", name="November 2026").click()
    page.wait_for_url(tab.url("arsip/2026/11/"))
    tab.settle()
    expect(page.locator(".md-content h1")).to_have_text("Arsip November 2026")
    november = [i for i in items if (i.date.year, i.date.month) == (2026, 11)]
    assert teasers(page) == [(i.title, tab.url(i.path)) for i in november]


def test_404_page(tab):
    page = tab.open(MISSING, status=404)
    expect(page.locator(".md-content h1")).to_have_text("Halaman tidak ditemukan")
    # Served at any depth: its stylesheets and scripts load (absolute URLs).
    assert page.evaluate("[...document.styleSheets].filter(s => s.href).length") >= 2
    expect(page.locator(".md-header")).to_be_visible()
    assert page.get_by_role("link", name="Kembali ke beranda").get_attribute("href") == SITE_URL


# --------------------------------------------------------------------------- gallery

def test_gallery_from_the_keyboard(tab, site):
    page = tab.open(ARTICLE)
    links = page.locator(".portal-gallery a")
    count = links.count()
    assert count == 6
    stems = [re.sub(r"-w\d+\.\w+$", "", href.rsplit("/", 1)[1])
             for href in links.evaluate_all("els => els.map(a => a.href)")]
    dialog = page.locator("dialog[open]")

    def shows(number: int) -> None:
        expect(dialog).to_contain_text(f"Foto {number} dari {count}")
        page.wait_for_function("""stem => [...document.querySelectorAll('dialog[open] img')].some(
            i => i.complete && i.naturalWidth > 0 && i.currentSrc.includes(stem))""", arg=stems[number - 1])

    expect(dialog).to_have_count(0)
    links.nth(0).focus()
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    assert page.url == tab.url(ARTICLE)  # opened in place, not followed
    shows(1)
    for name in ("Sebelumnya", "Berikutnya", "Tutup"):
        expect(dialog.get_by_role("button", name=name, exact=True)).to_be_visible()
    page.keyboard.press("ArrowRight")
    shows(2)
    page.keyboard.press("ArrowRight")
    shows(3)
    page.keyboard.press("ArrowLeft")
    shows(2)
    dialog.get_by_role("button", name="Berikutnya", exact=True).click()
    shows(3)
    dialog.get_by_role("button", name="Sebelumnya", exact=True).click()
    shows(2)
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    assert links.nth(0).evaluate("a => document.activeElement === a"), "focus did not return to the opening link"

    links.nth(2).focus()
    page.keyboard.press("Enter")
    shows(3)
    dialog.get_by_role("button", name="Tutup", exact=True).click()
    expect(dialog).to_have_count(0)
    assert links.nth(2).evaluate("a => document.activeElement === a"), "focus did not return to the opening link"
    tab.settle()


# --------------------------------------------------------------------------- search

def search(page, word: str, engine: str = "mkdocs") -> tuple[int, list[str]]:
    """Type ``word`` as a reader does; (documents found, every result link once all are rendered)."""
    if engine == "zensical":
        hrefs = zensical_search(page, word)
        return len(hrefs), hrefs
    page.locator('label.md-header__button[for="__search"]').click()
    box = page.locator("[data-md-component=search-query]")
    expect(box).to_be_focused()
    box.press_sequentially(word, delay=40)
    meta = page.locator(".md-search-result__meta")
    expect(meta).to_have_text(re.compile(r"dokumen ditemukan|Tidak ada dokumen"), timeout=15_000)
    # Results follow each keystroke: wait until they stop changing.
    state = None
    for _ in range(40):
        page.wait_for_timeout(150)
        now = (meta.inner_text(), page.locator(".md-search-result__item").count())
        if now == state:
            break
        state = now
    text = meta.inner_text()
    total = 0 if text.startswith("Tidak ada") else int(re.match(r"(\d+)", text).group(1))
    items = page.locator(".md-search-result__item")
    # Material renders 10 results at a time, more as the result list scrolls.
    for _ in range(20):
        if items.count() >= total:
            break
        before = items.count()
        # Up, then to the bottom: the list only grows when its end comes into view again.
        page.locator(".md-search__scrollwrap").evaluate("""async el => {
            el.scrollTo(0, Math.max(0, el.scrollHeight - 2 * el.clientHeight));
            await new Promise(r => requestAnimationFrame(() => setTimeout(r, 50)));
            el.scrollTo(0, el.scrollHeight);
        }""")
        try:
            page.wait_for_function(f"() => document.querySelectorAll('.md-search-result__item').length > {before}",
                                   timeout=3_000)
        except playwright_api.TimeoutError:
            break
    hrefs = page.locator(".md-search-result__item a.md-search-result__link").evaluate_all(
        "els => els.map(a => a.href)")
    return total, hrefs


@pytest.mark.parametrize("word", SEARCH_WORDS)
def test_search_finds_every_item_with_the_word(tab, items, word, engine):
    page = tab.open("")
    total, hrefs = search(page, word, engine)
    found = {urlsplit(h).path.lstrip("/") for h in hrefs}
    found_items = {p for p in found if re.fullmatch(r"berita/\d{4}/[^/]+/", p)}
    expected = {i.path for i in items if mentions(i, word)}
    missing = sorted(expected - found_items)
    extra = sorted(found_items - expected)
    print(f"search {word!r}: {len(expected & found_items)} of {len(expected)} expected items found "
          f"({len(found_items)} items, {total} results in all); missing: {missing or 'none'}; "
          f"items found without the word in title/caption/narrative: {extra or 'none'}")
    assert expected, f"no sample item contains {word!r}"
    assert not missing, f"searching {word!r} misses {missing} (found {sorted(found_items)})"
    tab.settle()


# --------------------------------------------------------------------------- content security policy

FIRST_IN_HEAD = """() => {
  const first = document.head.firstElementChild;
  return first && first.tagName === 'META' && first.httpEquiv === 'Content-Security-Policy' ? first.content : null;
}"""


def site_pages(site) -> list[str]:
    """The URL path of every HTML page of the build (404.html as a missing path, as the host serves it)."""
    paths = []
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site).as_posix()
        paths.append(MISSING if rel == "404.html" else rel.removesuffix("index.html"))
    return paths


def test_every_page_carries_the_policy_and_breaks_none_of_it(tab, site):
    """Every HTML page: the CSP meta first in <head>; Chromium reports no violation, no console error."""
    from pipeline.site.csp import declared_style_hashes, policy_for

    paths = site_pages(site)
    assert len(paths) > 30 and MISSING in paths
    for path in paths:
        status = 404 if path == MISSING else 200
        url = tab.url(path)
        if status == 404:
            tab.watch.expected_404.add(url)
        response = tab.page.goto(url, wait_until="load")
        assert response is not None and response.status == status, f"{url}: {response and response.status}"
        source = (site / "404.html" if status == 404 else site / path / "index.html").read_text(encoding="utf-8")
        # Zensical's run-time styles are declared by hash at build time (pipeline/site/zensical.py).
        expected = policy_for(source, declared_style_hashes(source))
        assert tab.page.evaluate(FIRST_IN_HEAD) == expected, f"{path}: no CSP meta first in <head>"
        tab.page.wait_for_load_state("networkidle")
        assert csp_violations(tab.page) == [], f"CSP violations on {path}"
        tab.watch.assert_clean()


def test_search_and_gallery_work_under_the_policy(tab, engine):
    """The theme's search (a worker, a fetch) and the lightbox (our script) run under the page's policy."""
    page = tab.open(ARTICLE)
    total, hrefs = search(page, "paripurna", engine)
    assert total > 0 and tab.url(ARTICLE) in hrefs
    page.keyboard.press("Escape")
    page.locator(".portal-gallery a").first.click()
    expect(page.locator("dialog[open]")).to_contain_text("Foto 1 dari 6")
    page.keyboard.press("Escape")
    # "Back to top" appears when scrolling up after scrolling down.
    page.evaluate("scrollTo(0, document.documentElement.scrollHeight)")
    page.mouse.wheel(0, -300)
    expect(page.locator(".md-top")).to_be_visible()
    page.locator(".md-top").click()
    page.wait_for_function("() => scrollY === 0")
    assert csp_violations(page) == []
    tab.watch.assert_clean()


# --------------------------------------------------------------------------- accessibility

AXE_PAGES = {"home": ("", 200), "article": (ARTICLE, 200), "category": ("kategori/paripurna/", 200),
             "static": ("ppid/", 200), "404": (MISSING, 404)}

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(' ') + ([...n.any, ...n.all, ...n.none][0]
                                                    ? ': ' + [...n.any, ...n.all, ...n.none][0].message : ''))}));
}"""


@pytest.mark.parametrize("name", AXE_PAGES)
def test_accessibility(tab, name):
    if not AXE.is_file():
        missing_tool(f"axe-core not installed ({AXE}): npm ci --prefix tests")
    path, status = AXE_PAGES[name]
    # As an init script: the page's CSP refuses an inline <script> (add_script_tag).
    tab.context.add_init_script(path=str(AXE))
    page = tab.open(path, status=status)
    assert page.evaluate("document.documentElement.lang") == "id"
    assert page.locator("img:not([alt])").evaluate_all("els => els.map(i => i.outerHTML)") == []
    levels = page.locator(".md-content :is(h1, h2, h3, h4, h5, h6)").evaluate_all(
        "els => els.map(h => Number(h.tagName[1]))")
    assert levels and levels[0] == 1, levels
    skips = [(a, b) for a, b in zip(levels, levels[1:]) if b > a + 1]
    assert not skips, f"heading levels skip: {levels}"

    # settle() scrolled back to the top: the header's title fades back in; measure contrast after it.
    wait_for_rest(page)
    violations = page.evaluate(RUN_AXE)
    for v in violations:
        print(f"axe {name}: {v['impact']} {v['id']} ({v['help']}):")
        for node in v["nodes"][:5]:
            print(f"    {node}")
    if not violations:
        print(f"axe {name}: no violations")
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert not serious, "\n".join(f"{v['impact']} {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"][:5])
                                   for v in serious)
