"""Every list page renders its own content: home, category, tag, month, the three index pages and a
page 2, each with entries and without (issue 18: the index pages said "Belum ada berita." above a full list)."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

from pipeline.site.stage import PER_PAGE, Entry, format_date, render_lists

CONFIG = SimpleNamespace(site_name="Portal Informasi DPRD Kabupaten Contoh",
                         categories={"paripurna": "Rapat Paripurna", "komisi": "Rapat Komisi"}, quick_links=[])
EMPTY = "<p>Belum ada berita.</p>"


def entry(number: int, day: dt.date, category: str = "paripurna", tags: tuple[str, ...] = ("apbd",)) -> Entry:
    item = SimpleNamespace(meta={"tags": list(tags)})
    return Entry(item=item, url=f"berita/{day.year}/berita-{number}/", title=f"Berita nomor {number}", date=day,
                 date_text=format_date(day), category=CONFIG.categories[category], category_slug=category,
                 caption=f"Ringkasan {number}", photo=None, photos=[])


def news(count: int) -> list[Entry]:
    """``count`` items, newest first: two a day from 20 November 2026 back, all 'paripurna' and #apbd."""
    return [entry(n, dt.date(2026, 11, 20) - dt.timedelta(days=n // 2)) for n in range(count)]


def teasers(page: str) -> list[str]:
    return re.findall(r'<h2><a href="[^"]*">([^<]*)</a></h2>', page)


def links(page: str) -> list[str]:
    return re.findall(r'<li><a href="([^"]*)">([^<]*)</a> \((\d+)\)</li>', page)


def heading(page: str) -> str:
    return re.search(r"^# (.*)$", page, re.MULTILINE).group(1)


def test_home_with_entries_and_without():
    full, empty = render_lists(CONFIG, news(3))["index.md"], render_lists(CONFIG, [])["index.md"]
    assert heading(full) == "Berita Terbaru" and teasers(full)[0] == "Berita nomor 0"  # the headline
    assert re.findall(r'<h3><a href="[^"]*">([^<]*)</a></h3>', full) == ["Berita nomor 1", "Berita nomor 2"]
    assert EMPTY not in full and '<a href="arsip/">Semua berita menurut bulan →</a>' in full
    assert heading(empty) == "Berita Terbaru" and teasers(empty) == [] and empty.count(EMPTY) == 1
    assert "Semua berita menurut bulan" not in empty


def test_category_page_with_entries_and_without():
    files = render_lists(CONFIG, news(2))
    full, empty = files["kategori/paripurna/index.md"], files["kategori/komisi/index.md"]
    assert heading(full) == "Rapat Paripurna" and teasers(full) == ["Berita nomor 0", "Berita nomor 1"]
    assert EMPTY not in full
    assert heading(empty) == "Rapat Komisi" and teasers(empty) == [] and empty.count(EMPTY) == 1


def test_tag_page_lists_its_items():
    page = render_lists(CONFIG, [entry(1, dt.date(2026, 11, 20), tags=("apbd", "anggaran")),
                                 entry(2, dt.date(2026, 11, 19), tags=("reses",))])["tag/anggaran/index.md"]
    assert heading(page) == "#anggaran" and teasers(page) == ["Berita nomor 1"] and EMPTY not in page


def test_month_page_lists_its_items_only():
    files = render_lists(CONFIG, [entry(1, dt.date(2026, 11, 2)), entry(2, dt.date(2026, 10, 30))])
    november, october = files["arsip/2026/11/index.md"], files["arsip/2026/10/index.md"]
    assert heading(november) == "Arsip November 2026" and teasers(november) == ["Berita nomor 1"]
    assert heading(october) == "Arsip Oktober 2026" and teasers(october) == ["Berita nomor 2"]
    assert EMPTY not in november + october


def test_index_pages_show_their_links_and_no_empty_notice():
    files = render_lists(CONFIG, [entry(1, dt.date(2026, 11, 2)), entry(2, dt.date(2026, 10, 30), "komisi")])
    categories, tags, archive = files["kategori/index.md"], files["tag/index.md"], files["arsip/index.md"]
    assert heading(categories) == "Kategori Berita"
    assert links(categories) == [("paripurna/", "Rapat Paripurna", "1"), ("komisi/", "Rapat Komisi", "1")]
    assert heading(tags) == "Semua Tag" and links(tags) == [("apbd/", "#apbd", "2")]
    assert heading(archive) == "Arsip Berita"
    assert links(archive) == [("2026/11/", "November 2026", "1"), ("2026/10/", "Oktober 2026", "1")]
    for page in (categories, tags, archive):
        assert EMPTY not in page and 'class="portal-list"' not in page and teasers(page) == []


def test_index_pages_without_any_news():
    files = render_lists(CONFIG, [])
    # The categories are configured: listed with 0; no tag and no month yet: the empty notice alone.
    assert links(files["kategori/index.md"]) == [("paripurna/", "Rapat Paripurna", "0"),
                                                ("komisi/", "Rapat Komisi", "0")]
    assert EMPTY not in files["kategori/index.md"]
    for name in ("tag/index.md", "arsip/index.md"):
        assert links(files[name]) == [] and files[name].count(EMPTY) == 1
    assert not any(name.startswith(("tag/", "arsip/")) and name.count("/") > 1 for name in files)


def test_a_second_page_lists_the_rest():
    files = render_lists(CONFIG, news(PER_PAGE + 2))
    second = files["kategori/paripurna/halaman/2/index.md"]
    assert heading(second) == "Rapat Paripurna (halaman 2)"
    assert teasers(second) == [f"Berita nomor {n}" for n in (PER_PAGE, PER_PAGE + 1)] and EMPTY not in second
    assert "<span>Halaman 2 dari 2</span>" in second
    assert "kategori/paripurna/halaman/3/index.md" not in files


def test_each_list_page_has_the_date_of_its_newest_item_for_the_sitemap():
    files = render_lists(CONFIG, [entry(1, dt.date(2026, 11, 2)), entry(2, dt.date(2026, 10, 30), "komisi")])
    assert "\nlastmod: '2026-10-30'\n" in files["kategori/komisi/index.md"]
    assert "\nlastmod: '2026-11-02'\n" in files["arsip/index.md"]  # an index: the site's newest item
    assert "lastmod" not in render_lists(CONFIG, [])["arsip/index.md"]
