"""``portal register``: the rows, their formats (golden JSON and CSV, XLSX read back), git alone, backfill.

The repository and the GitHub emulator are those of ``test_register_github``.
Set ``UPDATE_GOLDEN=1`` to rewrite the golden files after a deliberate change.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
from pathlib import Path

import pytest
from conftest import run_main
from test_register_github import HOSTILE_TITLE, ITEM_A, ITEM_B, ITEM_C, branch_lines, client_for, run_capture

from pipeline.config import load_config
from pipeline.register import capture
from pipeline.register.records import Register, open_store
from pipeline.register.report import content_items, gather, render
from pipeline.register.rows import document
from pipeline.site import register_page
from pipeline.social.ledger import FileStore, Record

pytest_plugins = ["test_register_github"]  # its fixtures: the repository (``repo``) and the emulator (``github``)
GOLDEN = Path(__file__).resolve().parent / "golden" / "register"
NOW = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)


def posts_ledger(path: Path, item_id: str) -> Path:
    """A local post ledger (unsigned: the register reads it without verifying) with two platforms of one item."""
    store = FileStore(path)
    for record in (Record(item_id, "facebook", "PLANNED", "2026-11-11T03:30:00Z"),
                   Record(item_id, "facebook", "POSTED", "2026-11-11T04:00:00Z", url="https://facebook.com/1_2"),
                   Record(item_id, "x", "FAILED", "2026-11-11T04:01:00Z", message="=cmd|' /C calc'!A0")):
        store.append(record.to_json())
    return path


@pytest.fixture
def captured(repo, github, tmp_path):
    """The register after the publish workflow captured both merges (with a token), and its sources."""
    work, _, shas = repo
    run_capture(work, shas["pr1"], client_for(github), "2026-11-11T03:00:00Z")
    run_capture(work, shas["pr2"], client_for(github), "2026-11-17T01:30:00Z")
    config = load_config(work)
    _, ids = content_items(config)
    ledger = posts_ledger(tmp_path / "ledger.jsonl", ids[ITEM_B])
    return config, gather(config, {}, None, ledger), shas


def stable(text, shas: dict[str, str]) -> str:
    """``text`` with the commit ids (which follow mkdocs.yml's bytes) replaced by their names."""
    assert isinstance(text, str)
    for name, sha in shas.items():
        text = text.replace(sha, f"<{name}>")
    return text


def golden(name: str, text: str) -> str:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    return path.read_bytes().decode("utf-8")


def test_the_json_is_the_contract_of_the_register_page_and_matches_the_golden_file(captured):
    config, sources, shas = captured
    doc = document(config, sources, now=NOW)
    register_page.validate(doc)  # F's reader accepts every field as written
    text = stable(render(config, doc, "json"), shas)
    assert text == golden("register.json", text)
    assert "\u202e" not in text and "\\u202e" in text  # the bidi control of the PR title, escaped
    rows = {(r["path"], r["decision"]): r for r in doc["rows"]}
    assert [r["activity_date"] for r in doc["rows"]] == sorted((r["activity_date"] for r in doc["rows"]), reverse=True)
    late = rows[(ITEM_C, "diterbitkan")]
    assert (late["on_time"], late["days_late"], late["live_at"]) == (False, 1, "2026-11-17T08:30:00+07:00")
    on_time = rows[(ITEM_B, "diterbitkan")]
    assert (on_time["on_time"], on_time["days_late"]) == (True, 0)
    assert on_time["posts"] == [
        {"platform": "facebook", "state": "POSTED", "at": "2026-11-11T11:00:00+07:00", "url": "https://facebook.com/1_2"},
        {"platform": "x", "state": "FAILED", "at": "2026-11-11T11:01:00+07:00", "url": None}]
    assert rows[(ITEM_A, "tanpa-pr")]["pr"] is None
    assert doc["empty_columns"] == []


def test_the_csv_matches_the_golden_file_and_keeps_hostile_text_inert(captured):
    config, sources, shas = captured
    text = stable(render(config, document(config, sources, now=NOW), "csv"), shas)
    assert text == golden("register.csv", text)
    assert '"\'=HYPERLINK(' in text and "\u202e" not in text
    assert "Rina Kartika" not in text  # kabag is not mapped in this project's people: the login shows


def test_the_xlsx_read_back_holds_only_strings(captured):
    from openpyxl import load_workbook

    config, sources, _ = captured
    data = render(config, document(config, sources, now=NOW), "xlsx")
    assert isinstance(data, bytes)
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert cells and all(cell.data_type == "s" for cell in cells)
    assert not [cell.value for cell in cells if str(cell.value).startswith(("=", "+", "-", "@"))]
    assert '\'=HYPERLINK("https://evil.example","Berita pribadi")' in [cell.value for cell in cells]
    assert "'+humas" in [cell.value for cell in cells]


def test_markdown_escapes_the_hostile_texts(captured):
    config, sources, _ = captured
    text = render(config, document(config, sources, now=NOW), "md")
    assert isinstance(text, str)
    assert "<script>" not in text and "<b>" not in text and "\u202e" not in text
    assert "alert\\(1\\)" in text


def test_since_keeps_the_activities_from_that_day(captured):
    config, sources, _ = captured
    doc = document(config, sources, since=dt.date(2026, 11, 12), now=NOW)
    assert sorted({r["activity_date"] for r in doc["rows"]}) == ["2026-11-12", "2026-11-14", "2026-11-15"]


def test_without_token_and_ledger_branch_the_register_comes_from_git_and_names_the_empty_columns(
        repo, monkeypatch, capsys):
    work, _, _ = repo
    code, out, err = run_main(work, monkeypatch, capsys, "register", "--format", "json")
    assert code == 0, err
    assert err == ("Kolom kosong: posts (cabang portal-ledger (daftar publikasi) belum ada); reviews (tanpa "
                   "GITHUB_TOKEN, ulasan pemeriksa tidak dapat dibaca dari GitHub); rejection_reason (tanpa "
                   "GITHUB_TOKEN, pull request yang ditolak tidak diketahui).\n")
    doc = json.loads(out)
    register_page.validate(doc)
    assert [(r["path"], r["decision"], (r["pr"] or {}).get("number"), r["author"], r["merged_by"])
            for r in doc["rows"]] == [(ITEM_C, "diterbitkan", 2, "humas", "kabag"),
                                      (ITEM_B, "diterbitkan", 1, "humas", "kabag"),
                                      (ITEM_A, "tanpa-pr", None, "operator", None)]
    assert doc["rows"][0]["pr"]["title"] == HOSTILE_TITLE  # from GitHub's merge message
    assert doc["rows"][0]["submitted_at"] == "2026-11-15T12:00:00+07:00"  # the branch's first commit


def test_backfill_with_a_token_records_history_reviews_and_rejections_once(repo, github):
    work, bare, _ = repo
    config = load_config(work)
    _, ids = content_items(config)

    def run() -> int:
        return capture.backfill(work, client_for(github), Register(open_store(work, env={})), ids,
                                now="2026-11-20T03:00:00Z")

    assert run() == 5
    assert run() == 0
    kinds = sorted((r["kind"], r["source"], len(r["reviews"])) for r in branch_lines(bare))
    assert kinds == [("approval", "github", 1), ("approval", "github", 4), ("direct", "git", 0),
                     ("rejection", "github", 0), ("rejection", "github", 2)]


def test_capture_needs_a_sha(repo, monkeypatch, capsys):
    work, _, _ = repo
    code, _, err = run_main(work, monkeypatch, capsys, "register", "capture")
    assert (code, err) == (2, "Galat penggunaan: `portal register capture` memerlukan --sha SHA (commit yang baru "
                              "tayang).\n")


def test_xlsx_to_the_terminal_is_refused(repo, monkeypatch, capsys):
    work, _, _ = repo
    code, _, err = run_main(work, monkeypatch, capsys, "register", "--format", "xlsx")
    assert code == 1
    assert err.endswith("Galat: format xlsx tidak dapat dicetak ke layar: tulis ke berkas dengan --output "
                        "BERKAS.xlsx.\n")
