"""``pipeline.content.urls``: every site path and public URL, each kind pinned exactly."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from pipeline.content import urls
from pipeline.config import Config


@dataclass
class _Photo:
    file: str


ARTICLE = "berita/2026/rapat-paripurna/"


def test_article_path():
    assert urls.article("2026", "rapat-paripurna") == ARTICLE
    assert urls.article(2027, "x") == "berita/2027/x/"


def test_photo_variant_paths():
    assert urls.photo(ARTICLE, "sidang", "w800", "webp") == "berita/2026/rapat-paripurna/foto/sidang-w800.webp"
    assert urls.photo(ARTICLE, "sidang", "fallback", "jpg") == "berita/2026/rapat-paripurna/foto/sidang-fallback.jpg"
    assert urls.social_photo(ARTICLE, "sidang") == "berita/2026/rapat-paripurna/foto/sidang-social.jpg"


def test_photo_names_slug_unique_and_fallback():
    photos = [_Photo("Sidang Paripurna.JPG"), _Photo("sidang-paripurna.heic"), _Photo("___.jpg"),
              _Photo("foto/Ketua DPRD.jpeg")]
    assert urls.photo_names(photos) == ["sidang-paripurna", "sidang-paripurna-2", "foto-3", "ketua-dprd"]


def test_list_pages_and_pagination():
    assert urls.list_page(urls.HOME, 1) == ""
    assert urls.list_page("kategori/rdp/", 1) == "kategori/rdp/"
    assert urls.list_page("kategori/rdp/", 3) == "kategori/rdp/halaman/3/"
    assert urls.list_page(urls.ARCHIVE, 2) == "arsip/halaman/2/"


def test_category_tag_and_month_paths():
    assert urls.category("paripurna") == "kategori/paripurna/"
    assert urls.tag("apbd") == "tag/apbd/"
    assert urls.month(2026, 3) == "arsip/2026/03/"
    assert (urls.CATEGORIES, urls.TAGS, urls.ARCHIVE) == ("kategori/", "tag/", "arsip/")


def test_feed_and_discovery_paths():
    assert (urls.RSS_FEED, urls.JSON_FEED, urls.ROBOTS, urls.SITEMAP) == (
        "feed.xml", "feed.json", "robots.txt", "sitemap.xml")


def test_staged_sources():
    assert urls.source(ARTICLE) == "berita/2026/rapat-paripurna.md"
    assert urls.source(urls.page("profil")) == "profil.md"
    assert urls.index_source(ARTICLE) == "berita/2026/rapat-paripurna/index.md"
    assert urls.index_source("tag/apbd/halaman/2/") == "tag/apbd/halaman/2/index.md"
    assert urls.index_source(urls.HOME) == "index.md"


@pytest.mark.parametrize(("site", "path", "expected"), [
    ("https://dprd.example.go.id/", ARTICLE, "https://dprd.example.go.id/berita/2026/rapat-paripurna/"),
    ("https://dprd.example.go.id", "feed.xml", "https://dprd.example.go.id/feed.xml"),
    ("https://dprd.example.go.id/", "", "https://dprd.example.go.id/"),
    ("", "sitemap.xml", "/sitemap.xml"),
    (None, "", "/"),
])
def test_absolute(site, path, expected):
    assert urls.absolute(site, path) == expected


def test_absolute_from_config(tmp_path):
    config = Config(root=tmp_path, site_url="https://dprd.example.go.id/")
    assert urls.absolute(config, "feed.json") == "https://dprd.example.go.id/feed.json"


@pytest.mark.parametrize(("page", "target", "expected"), [
    ("", ARTICLE, ARTICLE),
    (ARTICLE, "kategori/rdp/", "../../../kategori/rdp/"),
    (ARTICLE, ARTICLE + "foto/a.webp", "foto/a.webp"),
    ("kategori/rdp/", "", "../../"),
    ("kategori/rdp/halaman/2/", "kategori/rdp/", "../../"),
    ("berita/2026/a/", "berita/2025/b/", "../../2025/b/"),
])
def test_relative(page, target, expected):
    assert urls.relative(page, target) == expected


def test_item_url_asks_urls(tmp_path):
    from pipeline.content.model import Item

    item = Item(source=tmp_path / "index.md", rel="x", doc=None, slug="rapat", folder_date="2026-11-20")
    assert item.url == "berita/2026/rapat/"
