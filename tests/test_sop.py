"""The SOP facts (pipeline/content/sop.py): the H+1 deadline in the configured zone, the id suggestion, one set of ledger states."""

import datetime as dt
import re

import pytest
from conftest import listed_jpeg, new_project, run_main, split_summary
from test_hostile import edit, item

from pipeline.social import ledger, publish
from pipeline.content import schema, sop
from pipeline.review.summary import deadline_text

H = dt.date(2026, 11, 20)


def test_the_deadline_is_h_plus_one_and_late_only_after_it():
    assert sop.deadline(H) == dt.date(2026, 11, 21)
    assert sop.deadline(dt.date(2026, 12, 31)) == dt.date(2027, 1, 1)
    assert [sop.is_late(H, H + dt.timedelta(days=n)) for n in (0, 1, 2)] == [False, False, True]


def test_the_reviewer_summary_shows_the_same_deadline():
    assert deadline_text(H, dt.date(2026, 11, 21)) == "Sabtu, 21 November 2026 (hari ini)"
    assert deadline_text(H, dt.date(2026, 11, 23)) == "Sabtu, 21 November 2026: terlambat 2 hari"


@pytest.mark.parametrize(("zone", "name"), [
    ("Asia/Jakarta", "WIB"), ("Asia/Pontianak", "WIB"), ("Asia/Makassar", "WITA"), ("Asia/Jayapura", "WIT"),
    ("Europe/Amsterdam", "Europe/Amsterdam"),
])
def test_zone_names(zone, name):
    assert sop.zone_name(zone) == name


@pytest.mark.parametrize(("zone", "name"), [("Asia/Jakarta", "WIB"), ("Asia/Makassar", "WITA")])
def test_date_future_names_the_configured_zone(tmp_path, monkeypatch, capsys, zone, name):
    project = new_project(tmp_path / "site")
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    assert "timezone: Asia/Jakarta" in config
    (project / "mkdocs.yml").write_text(config.replace("timezone: Asia/Jakarta", f"timezone: {zone}"),
                                        encoding="utf-8")
    folder = project / "content/berita/2026/2026-11-21-rapat-besok"
    folder.mkdir(parents=True)
    (folder / "index.md").write_text(item(edit("date: 2026-11-20", "date: 2026-11-21")), encoding="utf-8")
    for n in range(1, 5):
        (folder / f"foto-{n}.jpg").write_bytes(listed_jpeg(f"foto-{n}.jpg"))
    code, out, _ = run_main(project, monkeypatch, capsys, "check")
    lines, _ = split_summary(out)
    assert code == 1
    assert lines == [
        "content/berita/2026/2026-11-21-rapat-besok/index.md:3: galat [date-future] Tanggal kegiatan 2026-11-21 "
        f"ada di masa depan (hari ini 2026-11-20 {name}). Isi `date` dengan hari kegiatan berlangsung (hari H)."]


def test_the_suggested_id_is_stable_and_valid():
    folder = "2026-11-20-rapat-paripurna-penetapan-apbd-2027"
    suggested = sop.item_id(folder)
    assert suggested == sop.item_id(folder) == "2026-11-20-" + suggested[-6:]
    assert re.fullmatch(schema.ID_PATTERN, suggested)
    fresh = {sop.item_id(folder, fresh=True) for _ in range(20)}
    assert len(fresh) > 1 and all(re.fullmatch(r"2026-11-20-[0-9a-f]{6}", i) for i in fresh)


def test_ledger_and_publish_share_the_sop_states():
    assert ledger.STATES is sop.LEDGER_STATES
    assert (publish.POSTED, publish.FAILED, publish.UNKNOWN) == sop.SETTLED
    assert set(sop.NEEDS_PERSON) < set(sop.SETTLED) < set(sop.LEDGER_STATES)
