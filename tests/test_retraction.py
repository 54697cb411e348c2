"""A withdrawn item (`retracted: {date, reason}`, issue 15 part 2) on both engines and in the check.

One sample item is withdrawn in a copy of the sample project (its photos still listed, as an editor
leaves them); the site keeps its URL with a notice and nothing else of it: no photo variant, no entry
in the lists, feeds, sitemap or search index. The rule cases are `tests/cases/retracted-*`.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import feedparser
import pytest

pytest.register_assert_rewrite("browser_support")
from browser_support import copy_project  # noqa: E402 - after register_assert_rewrite
from conftest import run_cli  # noqa: E402
from test_review import BASE_ITEMS, edit, git, item, portal, repo  # noqa: E402,F401 - repo is a fixture (as in test_changes_ids)

TODAY = "2026-11-21"
FOLDER = "2026-10-14-bapemperda-harmonisasi-raperda-pengelolaan-sampah"
SLUG = FOLDER[11:]
URL = f"berita/2026/{SLUG}/"
TITLE = "Bapemperda Harmonisasi Raperda Inisiatif tentang Pengelolaan Sampah"
REASON = "Raperda belum diharmonisasi; rapat ditunda & berita terbit karena kekeliruan \"jadwal\"."
TAG = "pengelolaan-sampah"  # this item's alone among the samples
ENGINES = ("mkdocs", "zensical")
# A second sample item withdrawn as bare as the check allows: title, date and the block; no photo, caption or text.
BARE = "2026-09-14-komisi-ii-evaluasi-pendapatan-asli-daerah"
BARE_TEXT = """---
title: Komisi II Evaluasi Realisasi Pendapatan Asli Daerah Triwulan III
date: 2026-09-14
category: rapat-komisi
id: 2026-09-14-6daf06
retracted:
  date: 2026-09-20
  reason: Data realisasi yang diberitakan belum final.
---
"""


def withdraw(project: Path, folder: str = FOLDER, date: str = "2026-11-16", reason: str = REASON) -> Path:
    """Add a `retracted` block to the sample item ``folder`` of ``project``; its index.md."""
    index = project / "content" / "berita" / "2026" / folder / "index.md"
    text = index.read_text(encoding="utf-8")
    block = f"retracted:\n  date: {date}\n  reason: {json.dumps(reason, ensure_ascii=False)}\n"
    index.write_text(text.replace("\n---\n", f"\n{block}---\n", 1), encoding="utf-8")
    return index


@pytest.fixture(scope="module", params=ENGINES)
def site(request, tmp_path_factory) -> Path:
    """The sample project with one item withdrawn, built by each engine."""
    if request.param == "zensical":
        pytest.importorskip("zensical", reason="Zensical is a project dependency (pyproject.toml)")
    project = copy_project(tmp_path_factory.mktemp(f"retracted-{request.param}") / "project")
    withdraw(project)
    bare = project / "content" / "berita" / "2026" / BARE
    for file in bare.iterdir():
        file.unlink()
    (bare / "index.md").write_text(BARE_TEXT, encoding="utf-8")
    result = run_cli(project, "build", "--engine", request.param, today=TODAY)
    assert result.returncode == 0, result.stdout + result.stderr
    assert ": 7 berita (2 ditarik), 4 halaman" in result.stdout  # the build says what it did
    return project / "site"


def _notice_text(page: str) -> str:
    """The notice's words as a reader sees them: tags dropped, whitespace collapsed."""
    article = page[page.index("<h1"):page.index("Arsip berita</a>") + len("Arsip berita</a>")]
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", article).split()))


def test_the_article_url_answers_with_the_notice(site):
    page = (site / URL / "index.html").read_text(encoding="utf-8")
    assert _notice_text(page) == (
        f"{TITLE} Berita ini ditarik pada Senin, 16 November 2026 . Isi dan foto berita tidak lagi ditampilkan. "
        'Alasan penarikan Raperda belum diharmonisasi; rapat ditunda & berita terbit karena kekeliruan "jadwal". '
        "Tanggal kegiatan Rabu, 14 Oktober 2026 Tanggal ditarik Senin, 16 November 2026 "
        "← Beranda · Arsip berita")
    assert '<meta name="robots" content="noindex">' in page
    for absent in ("portal-gallery", "portal-share", "portal-lead", "/foto/", "Harmonisasi dilakukan",
                   "application/ld+json", "og:image\" content=\"https://dprd.contoh.go.id/berita"):
        assert absent not in page, absent
    assert '<meta property="og:type" content="website">' in page


def test_a_bare_withdrawn_item_gets_its_notice_too(site):
    page = (site / "berita" / "2026" / BARE[11:] / "index.html").read_text(encoding="utf-8")
    assert _notice_text(page) == (
        "Komisi II Evaluasi Realisasi Pendapatan Asli Daerah Triwulan III Berita ini ditarik pada Minggu, "
        "20 September 2026 . Isi dan foto berita tidak lagi ditampilkan. Alasan penarikan Data realisasi yang "
        "diberitakan belum final. Tanggal kegiatan Senin, 14 September 2026 Tanggal ditarik Minggu, 20 September "
        "2026 ← Beranda · Arsip berita")


def test_no_photo_of_it_is_in_the_site(site):
    assert [p.name for p in (site / URL).iterdir()] == ["index.html"]  # no foto/ folder
    photos = ("01-rapat-bapemperda", "02-paparan-dlh", "03-pembahasan-pasal", "04-catatan-tenaga-ahli")
    assert not [p for p in site.rglob("*") if p.name.startswith(photos)]


def test_it_leaves_every_list(site):
    lists = [site / "index.html", site / "kategori" / "bapemperda" / "index.html", site / "arsip" / "index.html",
             site / "arsip" / "2026" / "10" / "index.html"]
    for page in lists:
        if page.exists():
            assert SLUG not in page.read_text(encoding="utf-8"), page
    assert not (site / "tag" / TAG).exists()  # the only item of its tag: the tag page goes too
    assert TAG not in (site / "tag" / "index.html").read_text(encoding="utf-8")
    for page in site.rglob("*.html"):
        if page != site / URL / "index.html":
            assert f"{SLUG}/" not in page.read_text(encoding="utf-8"), page


def test_it_leaves_the_feeds(site):
    rss = feedparser.parse((site / "feed.xml").read_bytes())
    assert rss.entries and not [e for e in rss.entries if SLUG in e.link]
    feed = json.loads((site / "feed.json").read_text(encoding="utf-8"))
    assert feed["items"] and not [i for i in feed["items"] if SLUG in i["url"]]


def test_it_leaves_the_sitemap(site):
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "berita/2026/" in sitemap and SLUG not in sitemap
    assert not re.search(r"\n\s*\n", sitemap)  # the dropped entry leaves no blank line


def test_it_leaves_the_search_index(site):
    mkdocs = site / "search" / "search_index.json"
    index = mkdocs if mkdocs.exists() else site / "search.json"
    data = json.loads(index.read_text(encoding="utf-8"))
    entries = data["docs"] if "docs" in data else data["items"]
    assert [e for e in entries if e["location"].startswith("berita/")]
    assert not [e for e in entries if SLUG in e["location"]]
    assert "Harmonisasi" not in index.read_text(encoding="utf-8")


def test_the_build_record_keeps_it_without_photos(site):
    record = json.loads((site.parent / ".portal" / "build-record.json").read_text(encoding="utf-8"))
    entry = next(e for e in record["items"] if e["path"].endswith(FOLDER))
    assert entry["retracted"] == {"date": "2026-11-16", "reason": REASON}
    assert entry["photos"] == []  # its photos left the site: the posts' deletion needs none


# --------------------------------------------------------------------------- a deleted folder (a real git repo)

BRIDGE = BASE_ITEMS[1]


def _check(repo):
    result = portal(repo, "check", "--changed-since", "main")
    assert result.stderr == ""
    return result.stdout.splitlines(), result.returncode


def test_a_deleted_published_item_is_an_error_that_points_to_retracted(repo):
    git(repo, "rm", "-q", "-r", f"content/berita/2026/{BRIDGE}")
    path = f"content/berita/2026/{BRIDGE}"
    assert _check(repo) == ([
        f"{path}/index.md:1: galat [item-deleted] Folder berita ini dihapus, padahal berita ini sudah ada di `main` "
        "(sudah terbit). Berita yang sudah terbit jangan dihapus: alamatnya mati tanpa penjelasan dan unggahan media "
        f"sosialnya tetap ada. Kembalikan foldernya (misalnya `git checkout main -- {path}`) lalu tarik beritanya "
        "dengan `retracted:` di front-matter, misalnya `retracted: {date: 2026-11-21, reason: Alasan berita "
        "ditarik.}`; fotonya boleh dihapus dari folder.",
        "1 galat dan 0 peringatan di 1 berkas; 0 berita dan 0 halaman diperiksa."], 1)
    git(repo, "commit", "-q", "-m", "Hapus berita jembatan")  # committed on the branch: the same
    assert _check(repo)[1] == 1


def test_withdrawing_it_instead_passes_with_its_photos_gone(repo):
    folder = item(repo, BRIDGE)
    withdraw(repo, BRIDGE, date="2026-11-21", reason="Data progres pembangunan jembatan keliru.")
    for photo in folder.glob("*.jpg"):
        git(repo, "rm", "-q", str(photo.relative_to(repo)))
    assert _check(repo) == (["Tidak ada masalah: 1 berita dan 0 halaman diperiksa."], 0)


def test_a_deleted_draft_or_a_moved_item_is_no_error(repo):
    rdp, _, bimtek = BASE_ITEMS
    edit(item(repo, rdp) / "index.md", "\n---\n", "\ndraft: true\n---\n")
    git(repo, "commit", "-q", "-am", "Draf")
    git(repo, "branch", "-f", "main")
    git(repo, "rm", "-q", "-r", f"content/berita/2026/{rdp}")
    # Moved and rewritten past git's rename detection: its id lives on in the new folder.
    moved = item(repo, "2026-09-03-bimtek-ppid")
    moved.mkdir()
    (moved / "index.md").write_bytes((item(repo, bimtek) / "index.md").read_bytes())
    git(repo, "rm", "-q", "-r", f"content/berita/2026/{bimtek}")
    assert not [line for line in _check(repo)[0] if "item-deleted" in line]


def test_the_reviewer_summary_says_what_merging_a_withdrawal_does(repo):
    withdraw(repo, BRIDGE, date="2026-11-21", reason="Data progres pembangunan jembatan keliru.")
    summary = portal(repo, "preview", "--changed-since", "main").stdout
    section = summary[summary.index(f"`content/berita/2026/{BRIDGE}`"):]
    assert ("**Berita ditarik** pada Sabtu, 21 November 2026. Alasan yang tampil di situs: Data progres pembangunan "
            "jembatan keliru.\n\nSetelah digabung, alamat berita hanya berisi pemberitahuan penarikan (tanpa narasi dan "
            "foto), dan berita keluar dari daftar, feed, pencarian dan peta situs. Tidak ada yang dikirim ke media "
            "sosial; unggahan yang sudah terkirim dihapus (Facebook, X, dan Telegram bila belum 48 jam) atau didaftar "
            "untuk **hapus manual** oleh admin (Instagram, Telegram sesudah 48 jam).") in section
    assert "Teks untuk media sosial" not in section
