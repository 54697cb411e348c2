"""Feeds and discovery files of the built sample site: RSS 2.0, JSON Feed 1.1, sitemap, robots.txt.

Expected values come from content/ read with plain PyYAML, not from the
pipeline. The sample site is built once per session (tests/browser_support.py).
"""

from __future__ import annotations

import datetime as dt
import json
from email.utils import parsedate_to_datetime
from pathlib import Path
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

import pytest

pytest.register_assert_rewrite("browser_support")
from browser_support import SITE_URL, sample_items, sample_site  # noqa: E402 - after register_assert_rewrite

feedparser = pytest.importorskip("feedparser")
WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return sample_site(tmp_path_factory)


@pytest.fixture(scope="module")
def site(project) -> Path:
    return project / "site"


@pytest.fixture(scope="module")
def items(project):
    items = sample_items(project / "content")
    assert len(items) == 9
    return items


def site_file(site: Path, url: str) -> Path:
    """The file in ``site`` behind an absolute URL of the site."""
    assert url.startswith(SITE_URL), url
    path = url[len(SITE_URL):]
    return site / (path + "index.html" if path.endswith("/") or not path else path)


def lead_og(item) -> str:
    """URL of the lead photo's 1200x630 JPEG (the share-preview variant)."""
    stem = Path(item.meta["photos"][0]["file"]).stem
    return f"{item.url}foto/{stem}-og.jpg"


def test_rss_has_every_item_with_link_date_and_lead_image(site, items):
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "rss20"
    assert feed.feed.title == "Portal Informasi DPRD Kabupaten Contoh"
    assert feed.feed.link == SITE_URL
    assert feed.feed.language == "id"
    assert [e.link for e in feed.entries] == [i.url for i in items]  # newest first
    for entry, item in zip(feed.entries, items):
        assert entry.title == item.title
        assert entry.link.startswith("https://dprd.contoh.go.id/berita/")
        assert site_file(site, entry.link).is_file(), entry.link
        assert entry.id == item.url
        assert entry.summary == item.meta["caption"]
        published = parsedate_to_datetime(entry.published)
        assert published.astimezone(WIB).date() == item.date, entry.published
        assert published.utcoffset() == dt.timedelta(hours=7), entry.published

        enclosures = [(e.href, e.type, int(e.length)) for e in entry.enclosures]
        if item.meta.get("videos"):  # issue 16: RSS allows one enclosure, the first video; the photo is media:content
            video = enclosures.pop()
            assert enclosures == [] and video[:2] == (f"{item.url}video/{Path(item.meta['videos'][0]['file']).stem}"
                                                      ".mp4", "video/mp4"), video
            assert video[2] == site_file(site, video[0]).stat().st_size
        images = enclosures + [(m["url"], m.get("type"), None) for m in entry.get("media_content", [])]
        assert images, f"{item.path}: no enclosure and no media:content"
        for url, kind, length in images:
            assert url == lead_og(item), url
            assert kind == "image/jpeg"
            path = site_file(site, url)
            assert path.is_file(), url
            assert path.read_bytes()[:3] == b"\xff\xd8\xff", url
            if length is not None:
                assert length == path.stat().st_size, url


def test_json_feed_is_json_feed_1_1_with_the_same_items(site, items):
    feed = json.loads((site / "feed.json").read_text(encoding="utf-8"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] == "Portal Informasi DPRD Kabupaten Contoh"
    assert feed["home_page_url"] == SITE_URL
    assert feed["feed_url"] == SITE_URL + "feed.json"
    assert isinstance(feed["items"], list)
    rss = feedparser.parse((site / "feed.xml").read_bytes())
    assert [i["url"] for i in feed["items"]] == [e.link for e in rss.entries] == [i.url for i in items]
    ids = [i["id"] for i in feed["items"]]
    assert len(set(ids)) == len(ids)
    for entry, item in zip(feed["items"], items):
        assert isinstance(entry["id"], str) and entry["id"]
        assert entry["title"] == item.title
        assert entry.get("content_html") or entry.get("content_text"), "1.1: content_html or content_text"
        published = dt.datetime.fromisoformat(entry["date_published"])  # RFC 3339
        assert published.tzinfo is not None and published.astimezone(WIB).date() == item.date
        assert entry["image"] == lead_og(item)
        assert site_file(site, entry["image"]).is_file(), entry["image"]
        assert all(isinstance(tag, str) for tag in entry.get("tags", []))


def test_sitemap_lists_every_html_page(site):
    root = ET.parse(site / "sitemap.xml").getroot()
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    locs = [loc.text.strip() for loc in root.findall("s:url/s:loc", ns)]
    assert len(locs) == len(set(locs))
    pages = {SITE_URL + ("" if p.parent == site else p.parent.relative_to(site).as_posix() + "/")
             for p in site.rglob("index.html")}
    assert "404" not in " ".join(locs)
    assert set(locs) == pages, (f"missing: {sorted(pages - set(locs))}\n"
                                f"extra: {sorted(set(locs) - pages)}")
    assert len(pages) > 9 + 3  # articles, static pages and the archives


def test_robots_points_to_the_sitemap(site):
    lines = (site / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /" not in lines
    assert f"Sitemap: {SITE_URL}sitemap.xml" in lines
