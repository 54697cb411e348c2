"""Weak-content rules that a case folder cannot show: an id clash with a *published* item.

Which item of a clash is the original comes from the build record
(``.portal/build-record.json``, written by ``portal build``): the published
one keeps its id and gets no message; the copy is told to take a new one and
is given the original's folder.
"""

from __future__ import annotations

import json

from conftest import CASES, install, new_project, run_main

ORIGINAL = "content/berita/2026/2026-11-20-rapat-paripurna-salinan"
COPY = "content/berita/2026/2026-11-19-id-duplicate"


def _record(project, *paths):
    record = project / ".portal" / "build-record.json"
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps({"version": 1, "built": "2026-11-20T10:00:00+08:00",
                                  "items": [{"path": p, "id": "2026-11-20-a1b2c3"} for p in paths]}),
                      encoding="utf-8")


def _id_lines(out):
    return [line for line in out.splitlines() if "[id-duplicate]" in line]


def test_the_published_item_keeps_its_id_and_the_copy_is_told(tmp_path, monkeypatch, capsys):
    project = new_project(tmp_path / "site")
    install(CASES / "id-duplicate", project)  # two folders, one id
    _record(project, ORIGINAL)  # the later folder is live: the earlier one is the copy
    code, out, _ = run_main(project, monkeypatch, capsys, "check")
    assert code == 1
    assert _id_lines(out) == [
        f"{COPY}/index.md:18: galat [id-duplicate] `id: 2026-11-20-a1b2c3` juga dipakai oleh {ORIGINAL}. "
        f"Berita {ORIGINAL} sudah terbit, jadi berita ini salinannya: ganti id berita ini, misalnya "
        "`id: 2026-11-19-115d4e`. Id berita aslinya jangan diubah."]


def test_without_a_record_the_earlier_folder_is_the_original(tmp_path, monkeypatch, capsys):
    project = new_project(tmp_path / "site")
    install(CASES / "id-duplicate", project)  # two folders, one id
    _, out, _ = run_main(project, monkeypatch, capsys, "check")
    assert [line.split(":", 1)[0] for line in _id_lines(out)] == [f"{ORIGINAL}/index.md"]
    assert "bertanggal lebih awal" in _id_lines(out)[0]


def test_a_broken_record_is_no_record(tmp_path, monkeypatch, capsys):
    project = new_project(tmp_path / "site")
    install(CASES / "id-duplicate", project)  # two folders, one id
    (project / ".portal").mkdir()
    (project / ".portal" / "build-record.json").write_text("{bukan json", encoding="utf-8")
    _, out, _ = run_main(project, monkeypatch, capsys, "check")
    assert [line.split(":", 1)[0] for line in _id_lines(out)] == [f"{ORIGINAL}/index.md"]
