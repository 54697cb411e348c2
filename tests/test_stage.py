"""Generated list pages: pagination, relative links, escaping."""

import datetime as dt

from pipeline.site.stage import PER_PAGE, Entry, _listing, format_date, relative_url


def entries(n):
    day = dt.date(2026, 11, 20)
    return [Entry(item=None, url=f"berita/2026/item-{i}/", title=f"Berita <{i}> & \"uji\"", date=day,
                  date_text=format_date(day), category="Rapat Paripurna", category_slug="paripurna",
                  caption="Ringkasan", photo=None, photos=[]) for i in range(n)]


def test_pagination_pages_and_links():
    pages = _listing("kategori/paripurna/", "Kategori: Rapat Paripurna", "Rapat Paripurna",
                     entries(PER_PAGE * 2 + 1), "desc")
    assert sorted(pages) == ["kategori/paripurna/halaman/2/index.md", "kategori/paripurna/halaman/3/index.md",
                             "kategori/paripurna/index.md"]
    first, second = pages["kategori/paripurna/index.md"], pages["kategori/paripurna/halaman/2/index.md"]
    assert first.count('class="portal-teaser"') == PER_PAGE
    assert '<a href="halaman/2/" rel="next">Lebih lama →</a>' in first and 'rel="prev"' not in first
    assert '<a href="../../" rel="prev">← Lebih baru</a>' in second
    assert '<a href="../3/" rel="next">Lebih lama →</a>' in second
    assert "<span>Halaman 2 dari 3</span>" in second
    assert "title: 'Kategori: Rapat Paripurna (halaman 2)'" in second
    # Titles are editor text: escaped, and links are relative to the page.
    assert '<a href="../../../../berita/2026/item-20/">Berita &lt;20&gt; &amp; &#34;uji&#34;</a>' in second


def test_relative_url():
    assert relative_url("", "berita/2026/x/") == "berita/2026/x/"
    assert relative_url("berita/2026/x/", "kategori/rdp/") == "../../../kategori/rdp/"
    assert relative_url("berita/2026/x/", "berita/2026/x/foto/a.webp") == "foto/a.webp"
    assert relative_url("kategori/rdp/", "") == "../../"


def test_format_date_in_indonesian():
    assert format_date(dt.date(2026, 11, 20)) == "Jumat, 20 November 2026"
    assert format_date(dt.date(2026, 8, 17)) == "Senin, 17 Agustus 2026"
