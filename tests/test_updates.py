"""Corrections with change notes (issue 15, part 1): ``updates`` on the article, in its head, feeds and sitemap.

The rules' messages are pinned by the ``tests/cases/updates-*`` cases; here the
reader and what the public sees, built by both engines.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import feedparser
import pytest
from conftest import REPO, TODAY, listed_jpeg, new_project, run_cli
from test_review import BASE_ITEMS, edit, git, portal, repo  # noqa: F401 (the review tests' git repository fixture)

BASE = (REPO / "tests" / "cases" / "updates-ok" / "index.md").read_text(encoding="utf-8")
CORRECTED = "berita/2026/2026-11-19-rapat-koreksi-anggaran"
PLAIN = "berita/2026/2026-11-20-rapat-tanpa-koreksi"
UPDATES = """updates:
  - date: 2026-11-19
    note: Nama juru bicara Fraksi Pembangunan diperbaiki.
  - date: 2026-11-20
    note: Jumlah anggaran belanja modal dikoreksi (< 5 persen) & "rincian" disesuaikan.
    social: true
"""


def _item(project: Path, folder: str, title: str, date: str, updates: str = "") -> Path:
    text = re.sub(r"updates:\n(?:  .*\n)+", updates, BASE)
    text = text.replace("title: Rapat Paripurna Penetapan APBD 2027", f"title: {title}")
    text = text.replace("\ndate: 2026-11-20", f"\ndate: {date}", 1)  # the item's, not an entry's
    target = project / "content" / folder
    target.mkdir(parents=True)
    (target / "index.md").write_text(text, encoding="utf-8")
    for name in re.findall(r"file: (\S+)", text):
        (target / name).write_bytes(listed_jpeg(name))
    return target / "index.md"


def _project(root: Path) -> Path:
    project = new_project(root)
    shutil.copytree(REPO / "overrides", project / "overrides", dirs_exist_ok=True)  # the head's JSON-LD
    _item(project, CORRECTED, "Rapat Paripurna Koreksi Anggaran 2027", "2026-11-19", UPDATES)
    _item(project, PLAIN, "Rapat Paripurna Tanpa Koreksi 2027", "2026-11-20")
    return project


def _build(project: Path, engine: str) -> Path:
    site = f"site-{engine}"
    result = run_cli(project, "build", "--engine", engine, "--site-dir", site)
    assert result.returncode == 0, result.stdout + result.stderr
    return project / site


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return _project(tmp_path_factory.mktemp("updates") / "site")


@pytest.fixture(scope="module", params=["mkdocs", "zensical"])
def site(request, project) -> Path:
    return _build(project, request.param)


def _article(site: Path, folder: str) -> str:
    slug = folder.rsplit("/", 1)[1][len("2026-11-20-"):]
    return (site / "berita" / "2026" / slug / "index.html").read_text(encoding="utf-8")


def _json_ld(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[1])


def _text(fragment: str) -> str:
    """What a reader sees of an HTML ``fragment``: tags gone, entities read, spaces folded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


# --------------------------------------------------------------------------- reader

def test_reader_keeps_valid_entries_oldest_first(tmp_path):
    from pipeline.config import load_config
    from pipeline.content.load import load

    project = new_project(tmp_path / "site")
    _item(project, CORRECTED, "Rapat Paripurna Koreksi Anggaran 2027", "2026-11-19",
          "updates:\n  - date: 2026-11-20\n    note: Kedua.\n  - Bukan entri\n  - date: 2026-11-19\n    note: >-\n"
          "      Pertama,\n      dilipat.\n  - date: 2026-11-31\n    note: Tanggal salah.\n"
          "  - date: 2026-11-20\n    note: ''\n  - date: 2026-11-20\n    note: Social salah.\n    social: ya\n")
    item = next(i for i in load(load_config(project)).items)
    assert [(u.date.isoformat(), u.note, u.social, u.line) for u in item.updates] == [
        ("2026-11-19", "Pertama, dilipat.", False, 22), ("2026-11-20", "Kedua.", False, 19)]
    assert item.updated.isoformat() == "2026-11-20"


# --------------------------------------------------------------------------- the article, both engines

def test_article_shows_updated_date_and_history(site):
    html = _article(site, CORRECTED)
    updated = re.search(r'<p class="portal-meta">Diperbarui .*?</p>', html, re.S)[0]
    assert '<time datetime="2026-11-20">Jumat, 20 November 2026</time>' in updated
    assert _text(updated) == "Diperbarui Jumat, 20 November 2026 · Riwayat perubahan"
    assert 'href="#isi-portal-riwayat"' in updated
    section = re.search(r'<section aria-labelledby="isi-portal-riwayat">(.*?)</section>', html, re.S)[1]
    assert '<h2 id="isi-portal-riwayat">Riwayat perubahan</h2>' in section
    items = [_text(li) for li in re.findall(r"<li>(.*?)</li>", section, re.S)]
    assert items == ["Jumat, 20 November 2026: Jumlah anggaran belanja modal dikoreksi (< 5 persen) & \"rincian\" "
                     "disesuaikan.", "Kamis, 19 November 2026: Nama juru bicara Fraksi Pembangunan diperbaiki."]
    assert "(&lt; 5 persen) &amp;" in section  # the note is text, escaped
    assert re.findall(r'<time datetime="([^"]+)">', section) == ["2026-11-20", "2026-11-19"]


def test_article_head_carries_date_modified(site):
    ld = _json_ld(_article(site, CORRECTED))
    assert (ld["datePublished"], ld["dateModified"]) == ("2026-11-19T00:00:00+07:00", "2026-11-20T00:00:00+07:00")
    assert '<meta property="article:modified_time" content="2026-11-20T00:00:00+07:00">' in _article(site, CORRECTED)


def test_article_without_updates_shows_no_change(site):
    html = _article(site, PLAIN)
    assert "Diperbarui" not in html and "Riwayat perubahan" not in html and "<section" not in html
    ld = _json_ld(html)
    assert ld["dateModified"] == ld["datePublished"] == "2026-11-20T00:00:00+07:00"


def test_sitemap_lastmod_is_the_update(site):
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    lastmods = dict(re.findall(r"<loc>[^<]*/berita/2026/([^/<]+)/</loc>\s*<lastmod>([^<]+)</lastmod>", sitemap))
    assert lastmods == {"rapat-koreksi-anggaran": "2026-11-20", "rapat-tanpa-koreksi": "2026-11-20"}


def test_feeds_mark_the_entry_updated(site):
    feed = json.loads((site / "feed.json").read_text(encoding="utf-8"))
    by_title = {entry["title"]: entry for entry in feed["items"]}
    corrected = by_title["Rapat Paripurna Koreksi Anggaran 2027"]
    assert (corrected["date_published"], corrected["date_modified"]) == ("2026-11-19T00:00:00+07:00",
                                                                         "2026-11-20T00:00:00+07:00")
    assert "date_modified" not in by_title["Rapat Paripurna Tanpa Koreksi 2027"]
    # feedparser 6.0 reads no JSON Feed: the field is JSON Feed 1.1's `date_modified` (RFC 3339), checked above.
    rss = feedparser.parse((site / "feed.xml").read_bytes())
    assert not rss.bozo
    entry = next(e for e in rss.entries if e.title == "Rapat Paripurna Koreksi Anggaran 2027")
    assert entry.published == "Thu, 19 Nov 2026 00:00:00 +0700"  # RSS 2.0 has no updated date: pubDate stays


# --------------------------------------------------------------------------- a minor edit

def test_edit_without_a_new_entry_changes_no_date(tmp_path):
    project = _project(tmp_path / "site")
    before = _build(project, "mkdocs")
    dates = _dates(before)
    source = project / "content" / CORRECTED / "index.md"
    source.write_text(source.read_text(encoding="utf-8").replace("dalam rapat paripurna, Jumat",
                                                                 "dalam rapat paripurna terbuka, Jumat"),
                      encoding="utf-8")
    after = _build(project, "mkdocs")
    assert "rapat paripurna terbuka" in _article(after, CORRECTED)  # the edit is live
    assert _dates(after) == dates


def _dates(site: Path) -> tuple:
    html = _article(site, CORRECTED)
    feed = json.loads((site / "feed.json").read_text(encoding="utf-8"))
    return (re.search(r"Diperbarui <time[^>]*>[^<]*</time>", html)[0], _json_ld(html)["dateModified"],
            [e.get("date_modified") for e in feed["items"]],
            re.findall(r"<lastmod>([^<]+)</lastmod>", (site / "sitemap.xml").read_text(encoding="utf-8")))


def test_today_is_pinned():
    assert TODAY == "2026-11-20"  # the dates above are valid only then (no update in the future)


# --------------------------------------------------------------------------- the reviewer summary

def test_summary_says_an_edit_without_an_entry_is_minor(repo):  # noqa: F811 (the fixture)
    bridge = repo / "content" / "berita" / "2026" / BASE_ITEMS[1] / "index.md"
    edit(bridge, "telah mencapai 64 persen.", "telah mencapai 64 persen, sesuai jadwal.")
    git(repo, "commit", "-q", "-am", "Suntingan kecil")
    result = portal(repo, "preview", "--changed-since", "main")
    assert result.returncode == 0, result.stdout + result.stderr
    assert ("**Koreksi**: tidak ada entri baru di `updates`, jadi ini perubahan kecil: tanggal \"Diperbarui\" dan "
            "riwayat perubahan di situs tidak berubah.") in result.stdout
    assert "**Koreksi penting**" not in result.stdout
