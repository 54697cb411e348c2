"""The `portal` command line: exit codes, formats, messages and `portal new`."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli import main, make_parser

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def project(tmp_path, monkeypatch):
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    (tmp_path / "overrides").mkdir()
    (tmp_path / "content" / "berita").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PORTAL_TODAY", "2026-11-20")
    return tmp_path


def run(*args):
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True,
                          env={**os.environ})


def test_python_m_and_version(project):
    result = run("--version")
    assert result.returncode == 0 and result.stdout.strip() == "portal 0.1.0"


def test_no_project_is_a_user_error_without_traceback(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("check")
    assert result.returncode == 1
    assert result.stderr == (f"Galat: mkdocs.yml tidak ditemukan di {tmp_path}. Jalankan perintah portal dari "
                             "folder proyek situs (folder yang berisi mkdocs.yml).\n")


def test_usage_errors_exit_2(project):
    assert run("check", "--format", "xml").returncode == 2
    result = run("check", "content/berita/tidak-ada")
    assert result.returncode == 2
    assert result.stderr == "Galat penggunaan: Path `content/berita/tidak-ada` tidak ditemukan.\n"
    result = run("check", "mkdocs.yml")
    assert result.returncode == 2
    assert result.stderr == "Galat penggunaan: Path `mkdocs.yml` berada di luar folder konten `content/`.\n"


def test_clean_project_exits_0(project):
    result = run("check")
    assert result.returncode == 0
    assert result.stdout == "Tidak ada masalah: 0 berita dan 0 halaman diperiksa.\n"


def test_new_item_reports_only_what_the_editor_must_still_do(project, capsys):
    code = main(["new", "Rapat Paripurna Penetapan APBD 2027", "--date", "2026-11-20", "--category", "paripurna"])
    assert code == 0
    folder = "content/berita/2026/2026-11-20-rapat-paripurna-penetapan-apbd-2027"
    out = capsys.readouterr().out
    assert out.splitlines()[0] == f"Berita baru dibuat: {folder}/index.md"
    assert f"portal check {folder}" in out
    result = run("check", "--format", "json", folder)
    problems = json.loads(result.stdout)
    # The photos, and the template's placeholder location (a warning: it may be right),
    # caption and narrative: valid text an editor could otherwise submit unchanged.
    assert [(p["line"], p["rule"]) for p in problems] == [(6, "template-location"), (7, "template-text"),
                                                         (10, "photos-count"), (27, "template-text")]
    assert problems[2]["message"] == ("Berita memiliki 0 foto; SOP mewajibkan minimal 4 foto kegiatan. "
                                      "Tambahkan 4 foto ke folder berita dan daftarkan di `photos:`.")
    assert problems[1]["message"] == ("Caption masih berisi teks contoh dari templat (\"Ringkasan kegiatan untuk "
                                      "media sosial: apa, siapa dan hasilnya…\"). Ganti dengan isi kegiatan yang "
                                      "sebenarnya.")
    assert problems[3]["message"].startswith("Narasi masih berisi teks contoh dari templat (\"Tulis narasi")
    assert problems[0]["severity"] == "warning"


def test_new_with_a_title_that_needs_yaml_quoting(project, capsys):
    assert main(["new", 'Rapat: "APBD" #2027 & Perda', "--date", "2026-11-20"]) == 0
    result = run("check", "--format", "json")
    assert [p["rule"] for p in json.loads(result.stdout)] == ["template-location", "template-text", "photos-count",
                                                              "template-text"]
    text = (project / "content/berita/2026/2026-11-20-rapat-apbd-2027-perda/index.md").read_text()
    assert text.splitlines()[1] == 'title: "Rapat: \\"APBD\\" #2027 & Perda"'


def test_new_refuses_existing_folder_unknown_category_and_future_date(project, capsys):
    assert main(["new", "Rapat Paripurna Penetapan APBD 2027"]) == 0
    assert main(["new", "Rapat Paripurna Penetapan APBD 2027"]) == 1
    assert main(["new", "Rapat Paripurna Penetapan APBD 2027", "--category", "olahraga"]) == 1
    assert main(["new", "Rapat Paripurna Penetapan APBD 2027", "--date", "2026-12-01"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "Galat: Folder content/berita/2026/2026-11-20-rapat-paripurna-penetapan-apbd-2027 sudah ada. "
        "Pakai judul lain atau sunting berita yang sudah ada.",
        "Galat: Kategori `olahraga` tidak dikenal. Pilih salah satu: paripurna, rapat-komisi, rdp, reses, "
        "kunjungan-kerja, bapemperda, badan-anggaran, sekretariat.",
        "Galat: Tanggal 2026-12-01 ada di masa depan. Berita ditulis pada hari kegiatan (H).",
    ]


def test_bad_config_lists_every_problem(project):
    text = (project / "mkdocs.yml").read_text()
    text = text.replace("timezone: Asia/Jakarta", "timezone: Mars/Olympus\n    colour: red")
    text = text.replace("      paripurna: Rapat Paripurna", "      Paripurna!: Rapat Paripurna", 1)  # the category
    (project / "mkdocs.yml").write_text(text)
    result = run("check")
    assert result.returncode == 1
    assert result.stderr == (
        "Galat: mkdocs.yml tidak valid:\n"
        "  - kunci `extra.portal.colour` tidak dikenal (yang dikenal: bodies, categories, content_dir, deploy_target, "
        "dip_defaults, engine, identity, limits, link_domains, people, publish, quick_links, social_default, "
        "timezone, x_link)\n"
        "  - `extra.portal.timezone` 'Mars/Olympus' bukan zona waktu yang dikenal (contoh: Asia/Jakarta)\n"
        "  - kategori 'Paripurna!': slug hanya huruf kecil, angka dan tanda hubung\n")


def test_every_command_is_documented_in_the_readme():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    commands = make_parser()._subparsers._group_actions[0].choices
    for name in commands:
        assert re.search(rf"`portal {name}\b", readme), f"portal {name} is not in README.md"


def test_every_command_has_indonesian_help_with_an_example():
    commands = make_parser()._subparsers._group_actions[0].choices
    for name, parser in commands.items():
        assert "Contoh: portal " + name in parser.description, f"portal {name} --help shows no example"
