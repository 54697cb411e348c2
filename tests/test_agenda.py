"""The agenda of sittings: rules, pages, ``agenda.ics`` (parsed back and checked against RFC 5545), JSON-LD.

The exact message of each rule is pinned by the cases ``tests/cases/agenda-*``
(run by test_cases.py); here: that every rule has a case, the pages, the
calendar feed, hostile text on every output, and both engines on the sample.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import icalendar
import pytest
from conftest import CASES, REPO, TODAY, expected, new_project, run_cli, split_summary

SAMPLE_TODAY = "2026-12-05"  # the sample agenda's "now": two sittings to come, one moved, one cancelled

RULES = {"agenda-file-name", "agenda-key-unknown", "agenda-required", "agenda-public", "agenda-id-format",
         "agenda-key-type", "agenda-time", "agenda-end-before-start", "agenda-body-unknown", "agenda-status-unknown",
         "agenda-change-missing", "agenda-past-scheduled", "agenda-news-missing", "agenda-id-duplicate"}
# agenda-key-type is reached only by a number or list where a text belongs: pinned below, not as a case.
CASE_FREE = {"agenda-key-type"}

SITTING = """---
title: {title}
start: "{start}"
end: "{end}"
place: Ruang Rapat Paripurna DPRD
body: {body}
public: {public}
status: {status}
{extra}---
Acara: {agenda}
"""


def write_sitting(project: Path, name: str, *, title: str = "Rapat Paripurna Penetapan Propemperda 2027",
                  start: str = "09:00", end: str = "12:00", body: str = "paripurna", public: str = "true",
                  status: str = "terjadwal", extra: str = "", agenda: str = "penetapan Propemperda.") -> Path:
    """A sitting file ``content/agenda/<year>/<name>.md``."""
    path = project / "content" / "agenda" / name[:4] / f"{name}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(SITTING.format(title=title, start=start, end=end, body=body, public=public, status=status,
                                   extra=extra, agenda=agenda), encoding="utf-8")
    return path


def rendered(project: Path, monkeypatch, today: str = SAMPLE_TODAY) -> tuple[dict[str, str], list]:
    """The agenda's staged files and the home page's coming sittings for ``project``."""
    from pipeline.config import load_config
    from pipeline.content.load import load
    from pipeline.site import agenda

    monkeypatch.setenv("PORTAL_TODAY", today)
    config = load_config(project)
    content = load(config)
    return agenda.render(config, content), agenda.upcoming(config, content, 3)


@pytest.fixture
def agenda_project(tmp_path):
    """Four sittings around 2026-12-05: one done, one cancelled, one moved, one to come."""
    project = new_project(tmp_path / "site")
    write_sitting(project, "2026-11-20-paripurna-apbd", title="Rapat Paripurna Penetapan APBD 2027",
                  status="selesai")
    write_sitting(project, "2026-12-07-bk-internal", title="Rapat Internal Badan Kehormatan", body="bk",
                  public="false", status="dibatalkan", extra="change: Dibatalkan karena pimpinan bertugas ke luar daerah.\n")
    write_sitting(project, "2026-12-10-komisi-ii-bapenda", title="Rapat Dengar Pendapat Komisi II dengan Bapenda",
                  start="13:00", end="15:30", body="komisi-ii", status="diubah",
                  extra='change: Diundur dari 8 Desember 09.00.\nprevious_start: "2026-12-08 09:00"\n')
    write_sitting(project, "2027-01-12-bamus-jadwal", title="Rapat Badan Musyawarah Jadwal Masa Sidang I",
                  start="10:00", end="12:00", body="bamus", public="false")
    return project


# --------------------------------------------------------------------------- rules

def test_every_agenda_rule_has_a_case():
    covered = Counter(line.split("[", 1)[1].split("]", 1)[0]
                      for case in CASES.glob("agenda-*") for line in expected(case))
    assert set(covered) >= RULES - CASE_FREE
    assert {rule for rule in covered if rule.startswith("agenda-")} <= RULES


def test_a_number_where_a_text_belongs(tmp_path):
    project = new_project(tmp_path / "site")
    write_sitting(project, "2026-11-25-paripurna", extra="change: 12\n", status="diubah")
    result = run_cli(project, "check")
    lines, _ = split_summary(result.stdout)
    assert lines == ["content/agenda/2026/2026-11-25-paripurna.md:8: galat [agenda-change-missing] Rapat berstatus "
                     "`diubah` tanpa keterangan. Tambahkan `change:` yang menjelaskan apa yang diubah, misalnya "
                     "`change: Diundur dari 12 Desember 09.00`.",
                     "content/agenda/2026/2026-11-25-paripurna.md:9: galat [agenda-key-type] "
                     "`change` harus teks biasa satu baris, bukan `12`."]


def test_portal_check_on_a_broken_agenda_file(tmp_path):
    project = new_project(tmp_path / "site")
    write_sitting(project, "2026-11-25-paripurna", start="14:00", end="10:00", body="komisi-v", status="ditunda")
    result = run_cli(project, "check", "content/agenda")
    assert result.returncode == 1 and result.stderr == ""
    file = "content/agenda/2026/2026-11-25-paripurna.md"
    assert result.stdout.splitlines() == [
        f"{file}:4: galat [agenda-end-before-start] Jam selesai 10:00 tidak sesudah jam mulai 14:00. Perbaiki "
        "`end` atau `start`; rapat yang lewat tengah malam ditulis sampai 23:59.",
        f"{file}:6: galat [agenda-body-unknown] Alat kelengkapan `komisi-v` tidak dikenal. Pakai salah satu dari: "
        "paripurna, pimpinan, bamus, banggar, bapemperda, bk, komisi-i, komisi-ii, komisi-iii, komisi-iv, pansus.",
        f"{file}:8: galat [agenda-status-unknown] Status `ditunda` tidak dikenal. Pakai salah satu dari: "
        "terjadwal, diubah, dibatalkan, selesai.",
        "3 galat dan 0 peringatan di 1 berkas; 0 berita, 0 halaman dan 1 agenda rapat diperiksa.",
    ]


def test_news_is_found_by_folder_or_id_even_out_of_the_checks_scope(tmp_path):
    project = new_project(tmp_path / "site")
    item = project / "content" / "berita" / "2026" / "2026-11-20-rapat-paripurna"
    item.mkdir(parents=True)
    (item / "index.md").write_text("---\ntitle: Rapat Paripurna Penetapan APBD\nid: 2026-11-20-abc123\n---\nx\n",
                                   encoding="utf-8")
    write_sitting(project, "2026-11-20-a", status="selesai", extra="news: 2026-11-20-abc123\n")
    write_sitting(project, "2026-11-20-b", status="selesai", extra="news: 2026-11-20-rapat-paripurna\n")
    result = run_cli(project, "check", "content/agenda")
    assert result.returncode == 0, result.stdout
    assert "agenda-news-missing" not in result.stdout


# --------------------------------------------------------------------------- pages

def test_agenda_page_lists_coming_soonest_first_then_past_by_month(agenda_project, monkeypatch):
    files, _ = rendered(agenda_project, monkeypatch)
    page = files["agenda/index.md"]
    coming, past = page.split("## Agenda mendatang", 1)[1].split("## Rapat yang telah berlangsung", 1)
    titles = re.findall(r'<h3><a href="([^"]+)">', coming)  # h3 under the h2, h4 under each month's h3
    assert titles == ["2026-12-07-bk-internal/", "2026-12-10-komisi-ii-bapenda/", "2027-01-12-bamus-jadwal/"]
    assert "### November 2026" in past and '<h4><a href="2026-11-20-paripurna-apbd/">' in past
    assert '<span class="portal-badge portal-badge--dibatalkan">Dibatalkan</span>' in coming
    assert '<span class="portal-badge portal-badge--diubah">Diubah</span>' in coming
    assert '<p class="portal-note">Diundur dari 8 Desember 09.00.</p>' in coming
    assert "Rapat Paripurna · Ruang Rapat Paripurna DPRD · Terbuka untuk umum" in past
    assert "Badan Kehormatan · Ruang Rapat Paripurna DPRD · Tertutup" in coming
    assert '<a href="../agenda.ics">agenda.ics</a>' in page
    assert "Kamis, 10 Desember 2026, 13.00–15.30 WIB" in coming


def test_sitting_page_holds_its_facts_and_event_keys(agenda_project, monkeypatch):
    files, _ = rendered(agenda_project, monkeypatch)
    page = files["agenda/2026-12-10-komisi-ii-bapenda/index.md"]
    head = page.split("---\n")[1]
    assert "type: event\n" in head
    assert "event_start: '2026-12-10T13:00:00+07:00'\n" in head
    assert "event_end: '2026-12-10T15:30:00+07:00'\n" in head
    assert "event_status: EventRescheduled\n" in head
    assert "previous_start: '2026-12-08T09:00:00+07:00'\n" in head
    assert "<dt>Sifat</dt><dd>Terbuka untuk umum</dd>" in page
    assert "Acara: penetapan Propemperda." in page
    cancelled = files["agenda/2026-12-07-bk-internal/index.md"]
    assert "event_status: EventCancelled\n" in cancelled and "<dt>Sifat</dt><dd>Tertutup</dd>" in cancelled


def test_upcoming_leaves_out_cancelled_and_past_sittings(agenda_project, monkeypatch):
    _, coming = rendered(agenda_project, monkeypatch)
    assert [(t.url, t.status, t.time_text) for t in coming] == [
        ("agenda/2026-12-10-komisi-ii-bapenda/", "Diubah", "13.00–15.30 WIB"),
        ("agenda/2027-01-12-bamus-jadwal/", "Terjadwal", "10.00–12.00 WIB")]
    assert coming[0].body == "Komisi II" and coming[0].date_text == "Kamis, 10 Desember 2026"
    _, later = rendered(agenda_project, monkeypatch, today="2027-02-01")
    assert later == []


def test_no_agenda_still_has_its_page_but_no_calendar(tmp_path, monkeypatch):
    """The navigation and the home page link the agenda: its page says no sitting is planned."""
    files, coming = rendered(new_project(tmp_path / "site"), monkeypatch)
    assert list(files) == ["agenda/index.md"] and coming == []
    assert "<p>Belum ada rapat terjadwal.</p>" in files["agenda/index.md"]
    assert "agenda.ics" not in files["agenda/index.md"]


# --------------------------------------------------------------------------- agenda.ics

def rfc5545_problems(data: bytes) -> list[str]:
    """Our own RFC 5545 checks of a calendar stream (section 3.1 lines, 3.4 stream, 3.6 components)."""
    problems = []
    if not data.endswith(b"\r\n"):
        problems.append("does not end with CRLF")
    if re.search(rb"(?<!\r)\n|\r(?!\n)", data):
        problems.append("a line break other than CRLF")
    physical = data[:-2].split(b"\r\n")
    for number, line in enumerate(physical, 1):
        if len(line) > 75:
            problems.append(f"line {number} is {len(line)} octets")
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            problems.append(f"line {number} splits a UTF-8 character")
    logical: list[str] = []
    for line in data.decode("utf-8")[:-2].split("\r\n"):
        if line[:1] in (" ", "\t"):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    if logical[0] != "BEGIN:VCALENDAR" or logical[-1] != "END:VCALENDAR":
        problems.append("not one VCALENDAR")
    names = [line.split(":", 1)[0].split(";", 1)[0] for line in logical]
    for name in ("PRODID", "VERSION"):
        if names.count(name) != 1:
            problems.append(f"{name} {names.count(name)} times")
    if "VERSION:2.0" not in logical:
        problems.append("VERSION is not 2.0")
    zones = {line.split(":", 1)[1] for line in logical if line.startswith("TZID:")}
    for line in logical:
        for zone in re.findall(r";TZID=([^:;]+)", line.split(":", 1)[0]):
            if zone not in zones:
                problems.append(f"TZID {zone} without its VTIMEZONE")
    events, uids = _events(logical), []
    for event in events:
        props = [line.split(":", 1)[0].split(";", 1)[0] for line in event]
        for name in ("UID", "DTSTAMP", "DTSTART"):
            if props.count(name) != 1:
                problems.append(f"VEVENT with {props.count(name)} {name}")
        uids += [line.split(":", 1)[1] for line in event if line.startswith("UID:")]
        stamp = [line for line in event if line.startswith("DTSTAMP")]
        if stamp and not re.fullmatch(r"DTSTAMP:\d{8}T\d{6}Z", stamp[0]):
            problems.append(f"DTSTAMP not in UTC: {stamp[0]}")
    if len(uids) != len(set(uids)):
        problems.append("duplicate UID")
    return problems


def _events(logical: list[str]) -> list[list[str]]:
    events, current = [], None
    for line in logical:
        if line == "BEGIN:VEVENT":
            current = []
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            current.append(line)
    return events


def test_ics_is_valid_and_parses_back(agenda_project, monkeypatch):
    files, _ = rendered(agenda_project, monkeypatch)
    data = files["agenda.ics"].encode("utf-8")
    assert rfc5545_problems(data) == []
    cal = icalendar.Calendar.from_ical(data)
    assert str(cal["PRODID"]) == "-//Sekretariat DPRD//portal//ID" and str(cal["VERSION"]) == "2.0"
    assert str(cal["X-WR-CALNAME"]) == "Agenda Portal Informasi DPRD Kabupaten Contoh"
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Asia/Jakarta"]
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert sorted(events) == ["2026-11-20-paripurna-apbd@dprd.contoh.go.id", "2026-12-07-bk-internal@dprd.contoh.go.id",
                              "2026-12-10-komisi-ii-bapenda@dprd.contoh.go.id", "2027-01-12-bamus-jadwal@dprd.contoh.go.id"]
    moved = events["2026-12-10-komisi-ii-bapenda@dprd.contoh.go.id"]
    assert moved.decoded("DTSTART").isoformat() == "2026-12-10T13:00:00+07:00"
    assert moved.decoded("DTEND").isoformat() == "2026-12-10T15:30:00+07:00"
    assert moved["DTSTART"].params["TZID"] == "Asia/Jakarta"
    assert str(moved["SUMMARY"]) == "Rapat Dengar Pendapat Komisi II dengan Bapenda"
    assert str(moved["LOCATION"]) == "Ruang Rapat Paripurna DPRD"
    assert str(moved["STATUS"]) == "CONFIRMED" and int(moved["SEQUENCE"]) == 1
    assert str(moved["URL"]) == "https://dprd.contoh.go.id/agenda/2026-12-10-komisi-ii-bapenda/"
    assert str(moved["DESCRIPTION"]).startswith("Komisi II. Terbuka untuk umum.\nDiubah: Diundur dari 8 Desember")
    cancelled = events["2026-12-07-bk-internal@dprd.contoh.go.id"]
    assert str(cancelled["STATUS"]) == "CANCELLED" and int(cancelled["SEQUENCE"]) == 1
    done = events["2026-11-20-paripurna-apbd@dprd.contoh.go.id"]
    assert int(done["SEQUENCE"]) == 0
    assert done.decoded("DTSTAMP").isoformat() == "2026-12-04T17:00:00+00:00"  # today 00:00 WIB, in UTC


def test_uid_is_stable_and_the_file_the_same_across_builds(agenda_project, monkeypatch):
    first, _ = rendered(agenda_project, monkeypatch)
    path = write_sitting(agenda_project, "2026-12-10-komisi-ii-bapenda", title="Rapat Dengar Pendapat Komisi II "
                         "dengan Bapenda tentang Pajak", start="14:00", end="16:00", body="komisi-ii", status="diubah",
                         extra="change: Diundur dari 8 Desember 09.00.\n")
    second, _ = rendered(agenda_project, monkeypatch)
    again, _ = rendered(agenda_project, monkeypatch)
    assert second["agenda.ics"] == again["agenda.ics"]

    def uids(text):
        return [str(e["UID"]) for e in icalendar.Calendar.from_ical(text).walk("VEVENT")]

    assert uids(first["agenda.ics"]) == uids(second["agenda.ics"])
    # An explicit id keeps the UID when the file is renamed (the sitting moved to another day).
    text = path.read_text(encoding="utf-8").replace("status: diubah\n", "status: diubah\nid: rdp-komisi-ii-bapenda\n")
    path.unlink()
    (path.parent / "2026-12-11-komisi-ii-bapenda.md").write_text(text, encoding="utf-8")
    third, _ = rendered(agenda_project, monkeypatch)
    assert "rdp-komisi-ii-bapenda@dprd.contoh.go.id" in uids(third["agenda.ics"])


def test_long_multibyte_text_is_folded_without_splitting_characters(tmp_path, monkeypatch):
    project = new_project(tmp_path / "site")
    write_sitting(project, "2026-12-10-panjang", title="Rapat — " * 14 + "Komisi", agenda="Pembahasan — ✓ " * 30)
    files, _ = rendered(project, monkeypatch)
    assert rfc5545_problems(files["agenda.ics"].encode("utf-8")) == []
    event = icalendar.Calendar.from_ical(files["agenda.ics"]).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Rapat — " * 14 + "Komisi"


# --------------------------------------------------------------------------- hostile text

HOSTILE_TITLE = 'Rapat </script><script>alert(1)</script> & "Komisi" \u2028 <b>x</b>'
HOSTILE_CHANGE = "Diundur\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil@x\r\nSUMMARY:palsu"


def hostile_project(root: Path) -> Path:
    project = new_project(root)
    shutil.copytree(REPO / "overrides", project / "overrides", dirs_exist_ok=True)  # main.html: the JSON-LD
    path = write_sitting(project, "2026-12-10-jahat", title="PLACEHOLDER", status="diubah",
                         agenda="<script>alert(2)</script> <img src=x onerror=alert(3)>")
    text = path.read_text(encoding="utf-8").replace("title: PLACEHOLDER", f"title: {json.dumps(HOSTILE_TITLE)}")
    text = text.replace("status: diubah\n", f"status: diubah\nchange: {json.dumps(HOSTILE_CHANGE)}\n")
    path.write_text(text, encoding="utf-8")
    return project


def test_hostile_text_stays_inert_in_the_ics(tmp_path, monkeypatch):
    files, _ = rendered(hostile_project(tmp_path / "site"), monkeypatch)
    data = files["agenda.ics"]
    assert rfc5545_problems(data.encode("utf-8")) == []
    events = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert len(events) == 1 and str(events[0]["UID"]) == "2026-12-10-jahat@dprd.contoh.go.id"
    assert str(events[0]["SUMMARY"]) == HOSTILE_TITLE
    lines = data.split("\r\n")
    assert lines.count("BEGIN:VEVENT") == 1 and not [line for line in lines if line.startswith("UID:evil")]


def build_unchecked(project: Path, engine: str) -> Path:
    """Build ``project`` as ``portal build`` does, minus its refusal on errors: the sanitizer must hold alone."""
    from pipeline.check.rules import check
    from pipeline.config import load_config
    from pipeline.site.build import run_mkdocs, swap
    from pipeline.site.stage import MARKER, stage

    config = load_config(project)
    report = check(config)
    assert report.errors  # the check refuses it: this build goes around it on purpose
    files, variants = stage(config, report.items, report.pages, None, {}, project / ".portal" / "cache",
                            marked=engine == "zensical", content=report.content)
    if engine == "zensical":
        from pipeline.site import zensical
        swap(zensical.run_zensical(config, files, project / "site", variants, MARKER), project / "site")
    else:
        run_mkdocs(config, files, project / "site", variants)
    return project / "site"


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_hostile_text_stays_inert_in_the_page_and_json_ld(tmp_path, monkeypatch, engine):
    monkeypatch.setenv("PORTAL_TODAY", SAMPLE_TODAY)
    site = build_unchecked(hostile_project(tmp_path / "site"), engine)
    html = (site / "agenda" / "2026-12-10-jahat" / "index.html").read_text(encoding="utf-8")
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    events = [json.loads(block) for block in blocks]
    assert [e["@type"] for e in events] == ["Event"]
    assert events[0]["name"] == " ".join(HOSTILE_TITLE.split())  # striptags normalizes white space
    assert events[0]["eventStatus"] == "https://schema.org/EventRescheduled"
    assert "</script><script>alert(1)" not in html and "<script>alert(2)" not in html
    assert "onerror" not in html and "<b>x</b>" not in html
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as text in the heading


# --------------------------------------------------------------------------- the sample, both engines

def _sample(tmp_path: Path, engine: str) -> Path:
    project = tmp_path / "project"
    shutil.copy(REPO / "mkdocs.yml", project.mkdir() or project / "mkdocs.yml")
    for name in ("overrides", "content"):
        shutil.copytree(REPO / name, project / name)
    env = {**os.environ, "PORTAL_TODAY": SAMPLE_TODAY, "PYTHONIOENCODING": "utf-8"}
    result = subprocess.run([sys.executable, "-m", "pipeline", "build", "--engine", engine], cwd=project,
                            capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "site"


def _check_sample_site(site: Path) -> None:
    sittings = sorted((REPO / "content" / "agenda").glob("*/*.md"))
    assert len(sittings) >= 8
    for path in sittings:
        page = site / "agenda" / path.stem / "index.html"
        assert page.is_file(), page
        events = [json.loads(m) for m in re.findall(r'<script type="application/ld\+json">(.*?)</script>',
                                                     page.read_text(encoding="utf-8"), re.S)]
        assert [e["@type"] for e in events] == ["Event"], page
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:00\+07:00", events[0]["startDate"])
        assert events[0]["organizer"]["@type"] == "GovernmentOrganization"
    data = (site / "agenda.ics").read_bytes()
    assert rfc5545_problems(data) == []
    assert len(icalendar.Calendar.from_ical(data).walk("VEVENT")) == len(sittings)
    agenda = (site / "agenda" / "index.html").read_text(encoding="utf-8")
    assert 'class="portal-badge portal-badge--diubah"' in agenda
    assert 'class="portal-badge portal-badge--dibatalkan"' in agenda
    linked = (site / "agenda" / "2026-11-20-paripurna-penetapan-apbd-2027" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../berita/2026/rapat-paripurna-penetapan-apbd-2027/"' in linked
    assert "agenda/2027-01-12-bamus-jadwal-masa-sidang/" in (site / "sitemap.xml").read_text(encoding="utf-8")


def test_the_sample_agenda_builds_on_mkdocs(tmp_path):
    _check_sample_site(_sample(tmp_path, "mkdocs"))


def test_the_sample_agenda_builds_on_zensical(tmp_path):
    pytest.importorskip("zensical", reason="Zensical is a project dependency (pyproject.toml)")
    _check_sample_site(_sample(tmp_path, "zensical"))


def test_sample_agenda_has_no_problems_on_the_cases_day(tmp_path):
    project = new_project(tmp_path / "site")
    shutil.copytree(REPO / "content" / "agenda", project / "content" / "agenda")
    for index in (REPO / "content" / "berita").glob("*/*/index.md"):  # what `news:` points to (photos not needed)
        target = project / index.relative_to(REPO)
        target.parent.mkdir(parents=True)
        shutil.copyfile(index, target)
    result = run_cli(project, "check", "content/agenda", today=TODAY)
    assert result.returncode == 0 and result.stdout.startswith("Tidak ada masalah"), result.stdout


def test_the_guides_agenda_example_passes_the_check(tmp_path):
    text = (REPO / "docs" / "panduan-penulis.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- contoh-agenda: (\S+) -->\n```markdown\n(.*?)^```$", text, re.S | re.M)
    assert match, "the writer's guide shows an agenda example"
    project = new_project(tmp_path / "site")
    path = project / match[1]
    path.parent.mkdir(parents=True)
    path.write_text(match[2], encoding="utf-8")
    result = run_cli(project, "check", "--strict")
    assert result.returncode == 0 and result.stdout.startswith("Tidak ada masalah"), result.stdout


def test_portal_new_agenda_writes_a_sitting_that_asks_for_its_place(tmp_path):
    project = new_project(tmp_path / "site")
    result = run_cli(project, "new", "Rapat Paripurna Penetapan Propemperda 2027", "--agenda", "--date", "2026-12-15",
                     "--body", "paripurna")
    path = "content/agenda/2026/2026-12-15-rapat-paripurna-penetapan-propemperda-2027.md"
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == f"Agenda rapat dibuat: {path}"
    check = run_cli(project, "check")
    assert split_summary(check.stdout)[0] == [
        f"{path}:5: galat [agenda-required] `place` wajib diisi: tempat rapat. Tambahkan baris `place: ...` di "
        "front-matter."]
    again = run_cli(project, "new", "Rapat Paripurna Penetapan Propemperda 2027", "--agenda", "--date", "2026-12-15")
    assert again.returncode == 1 and again.stderr == f"Galat: Berkas {path} sudah ada. Sunting berkas itu.\n"
    wrong = run_cli(project, "new", "Rapat Komisi V Bahas Pendidikan", "--agenda", "--body", "komisi-v")
    assert wrong.returncode == 1 and "Alat kelengkapan `komisi-v` tidak dikenal." in wrong.stderr
