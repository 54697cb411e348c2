"""Scheduled publishing (issue 15, part 3): ``publish_at`` keeps an item off the site until its time.

The rules' messages are pinned by the ``tests/cases/schedule-*`` cases; here the
reader, and a real build (both engines) before and at the item's time: before it,
nothing of the item is anywhere in the site or in the build record (so
``portal publish`` cannot post it); at its time it is there, and ``portal build
--due`` tells the scheduled workflow run to build.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import REPO, TODAY, listed_jpeg, new_project

from pipeline.content.schedule import parse_publish_at

BASE = (REPO / "tests" / "cases" / "schedule-ok" / "index.md").read_text(encoding="utf-8")
SCHEDULED = "berita/2026/2026-11-20-rapat-embargo-anggaran"
PLAIN = "berita/2026/2026-11-20-rapat-tanpa-jadwal"
SCHEDULED_TITLE = "Rapat Embargo Anggaran Daerah 2027"
AT = "2026-11-21 08:00"
BEFORE, ON_TIME = "2026-11-21T07:59", "2026-11-21T08:00"
WIB = ZoneInfo("Asia/Jakarta")


def _item(project: Path, folder: str, title: str, publish_at: str | None) -> None:
    text = BASE.replace("title: Rapat Paripurna Penetapan APBD 2027", f"title: {title}")
    text = text.replace("publish_at: 2026-11-21 08:00\n", f"publish_at: {publish_at}\n" if publish_at else "")
    text = text.replace("tags: [apbd, anggaran]", "tags: [embargo]" if publish_at else "tags: [apbd]")
    target = project / "content" / folder
    target.mkdir(parents=True)
    (target / "index.md").write_text(text, encoding="utf-8")
    for number in range(1, 5):
        (target / f"foto-{number}.jpg").write_bytes(listed_jpeg(f"foto-{number}.jpg"))


def _portal(project: Path, now: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PORTAL_TODAY": TODAY, "PORTAL_NOW": now, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=project, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=300)


def _build(project: Path, now: str, engine: str) -> tuple[Path, list[dict]]:
    """Build at ``now`` into its own folder: (the site, the build record's items)."""
    site = f"site-{engine}-{now[-5:].replace(':', '')}"
    result = _portal(project, now, "build", "--engine", engine, "--site-dir", site)
    assert result.returncode == 0, result.stdout + result.stderr
    waiting = (f"Terjadwal, belum terbit: content/{SCHEDULED}/index.md (terbit {AT} WIB; build berikutnya sesudah "
               "jam itu menerbitkannya).")
    before = now < AT.replace(" ", "T")
    assert f": {'1 berita (1 terjadwal)' if before else '2 berita'}, 0 halaman" in result.stdout
    assert result.stdout.endswith(f"detik).\n{waiting}\n" if before else "detik).\n")
    record = json.loads((project / ".portal" / "build-record.json").read_text(encoding="utf-8"))
    return project / site, record["items"]


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    project = new_project(tmp_path_factory.mktemp("schedule") / "site")
    _item(project, SCHEDULED, SCHEDULED_TITLE, AT)
    _item(project, PLAIN, "Rapat Paripurna Tanpa Jadwal 2027", None)
    return project


def _article(site: Path, folder: str) -> Path:
    return site / "berita" / "2026" / folder.rsplit("/", 1)[1][len("2026-11-20-"):] / "index.html"


def _mentions(site: Path, *needles: str) -> list[str]:
    """Every file of ``site`` (pages, feeds, sitemap, search index) that holds one of ``needles``."""
    found = []
    for path in sorted(site.rglob("*")):
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".txt", ".js", ".ics"):
            text = path.read_text(encoding="utf-8", errors="replace")
            found += [path.relative_to(site).as_posix() for needle in needles if needle in text]
    return found


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_a_scheduled_item_is_absent_before_its_time_and_present_at_it(project, engine):
    slug = SCHEDULED.rsplit("/", 1)[1][len("2026-11-20-"):]
    before, recorded = _build(project, BEFORE, engine)
    assert not _article(before, SCHEDULED).exists()
    assert not (before / "berita" / "2026" / slug).exists(), "no page and no photo of it"
    # Lists, tag and month archives, feeds, sitemap, search index, the DIP: nowhere a word of it.
    assert _mentions(before, SCHEDULED_TITLE, slug, "embargo") == []
    assert [i["path"] for i in recorded] == [f"content/{PLAIN}"], "portal publish reads this: it cannot post it"
    assert _article(before, PLAIN).is_file()

    after, recorded = _build(project, ON_TIME, engine)
    assert SCHEDULED_TITLE in _article(after, SCHEDULED).read_text(encoding="utf-8")
    mentions = set(_mentions(after, SCHEDULED_TITLE))
    assert {"index.html", "arsip/2026/11/index.html", "kategori/paripurna/index.html", "tag/embargo/index.html",
            "feed.xml", "feed.json", "informasi/dip/index.html"} <= mentions
    assert mentions & {"search/search_index.json", "search.json"}, "in the engine's search index"
    assert slug in (after / "sitemap.xml").read_text(encoding="utf-8")
    assert sorted(i["path"] for i in recorded) == sorted([f"content/{PLAIN}", f"content/{SCHEDULED}"])


def test_build_due_counts_what_fell_due_since_the_last_build(project):
    _build(project, BEFORE, "mkdocs")
    early = _portal(project, BEFORE, "build", "--due")
    assert (early.returncode, early.stdout, early.stderr) == (0, "due=0\n", "")
    due = _portal(project, ON_TIME, "build", "--due")
    assert due.returncode == 0 and due.stdout == "due=1\n"
    assert due.stderr == f"Terjadwal, sudah tiba waktunya: content/{SCHEDULED}/index.md ({AT}).\n"
    _build(project, ON_TIME, "mkdocs")
    again = _portal(project, "2026-11-21T08:15", "build", "--due")
    assert again.stdout == "due=0\n", "a run after the build that published it builds nothing"


def test_check_does_not_depend_on_the_clock(project):
    for now in (BEFORE, ON_TIME):
        result = _portal(project, now, "check")
        assert result.returncode == 0 and result.stdout.startswith("Tidak ada masalah: 2 berita"), result.stdout


@pytest.mark.parametrize(("value", "expected"), [
    ("2026-11-21 08:00", dt.datetime(2026, 11, 21, 8, 0, tzinfo=WIB)),
    (" 2026-11-21T8:05 ", dt.datetime(2026, 11, 21, 8, 5, tzinfo=WIB)),
    ("2026-11-21 08:00:30", dt.datetime(2026, 11, 21, 8, 0, 30, tzinfo=WIB)),
    (dt.datetime(2026, 11, 21, 8, 0), dt.datetime(2026, 11, 21, 8, 0, tzinfo=WIB)),  # YAML's, with seconds
    (dt.datetime(2026, 11, 21, 1, 0, tzinfo=dt.UTC), dt.datetime(2026, 11, 21, 8, 0, tzinfo=WIB)),
    (dt.date(2026, 11, 21), None),
    ("2026-11-31 08:00", None),
    ("2026-11-21 24:00", None),
    ("besok pagi", None),
    (202611210800, None),
    (None, None),
])
def test_parse_publish_at(value, expected):
    got = parse_publish_at(value, WIB)
    assert got == expected
    if got is not None:
        assert got.utcoffset() == dt.timedelta(hours=7)


def test_the_public_register_shows_a_scheduled_item_only_from_its_time(tmp_path):
    project = new_project(tmp_path / "site")
    _item(project, SCHEDULED, SCHEDULED_TITLE, AT)
    git = ["git", "-c", "user.name=Editor", "-c", "user.email=editor@example.org", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=project, check=True)
    subprocess.run([*git, "add", "-A"], cwd=project, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "Berita terjadwal"], cwd=project, check=True)

    def rows(now: str) -> list[dict]:
        result = _portal(project, now, "register", "--format", "json")
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)["rows"]

    assert rows(BEFORE) == []
    (row,) = rows(ON_TIME)
    assert (row["path"], row["title"]) == (f"content/{SCHEDULED}", SCHEDULED_TITLE)
