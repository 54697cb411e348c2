"""`--changed-since` and the reviewer summary for every content kind, not only news and pages (issue 17).

A repository whose `main` holds the sample agenda, council, documents and
legal products (and one news item); a branch then adds a document and a
sitting, edits a legal product, a member and a term file, and deletes a
document. `portal check --changed-since main` checks exactly those units (a
term file: its whole term) and counts each kind; `portal preview` shows each
to the reviewer (compared with tests/golden/preview-kinds.md; regenerate
with PORTAL_UPDATE_GOLDEN=1 after a deliberate change and review the diff).
"""

import os
import shutil
from pathlib import Path

import pytest
from test_review import edit, git, portal  # the same repository helpers

from pipeline.check.changes import _unit

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "tests" / "golden" / "preview-kinds.md"
NEWS = "2026-11-20-rapat-paripurna-penetapan-apbd-2027"
HEAD_SHA = "4f2c9e1d0b7a6c5e8f9a0b1c2d3e4f5a6b7c8d9e"
NEW_SITTING = "content/agenda/2026/2026-12-20-komisi-i-rdp-diskominfo.md"
NEW_DOCUMENT = "content/informasi/daftar-hadir-rapat-2026"
SITTING_TEXT = """---
title: Rapat Dengar Pendapat Komisi I dengan Diskominfo tentang Layanan Informasi
start: "09:00"
end: "11:30"
place: Ruang Rapat Komisi I DPRD
body: komisi-i
public: true
status: terjadwal
---
Acara: evaluasi layanan informasi publik tahun 2026.
"""
DOCUMENT_TEXT = """---
title: Daftar Hadir Rapat Paripurna Tahun 2026
summary: Rekap kehadiran anggota DPRD pada setiap rapat paripurna tahun 2026.
kip: berkala
owner: Bagian Persidangan
responsible: Sekretaris DPRD
date: 2026-11-20
place: Kabupaten Contoh
form: softcopy
retention: 5 tahun
files:
  - file: daftar-hadir.pdf
    title: Rekap daftar hadir
  - file: lampiran.pdf
    title: Lampiran tanda tangan
---
"""


@pytest.fixture
def repo(tmp_path):
    """main: the samples of every kind beside one news item, and a sitting with an unknown status.

    Three sample sittings name news items this repository lacks (`agenda-news-missing`): four
    broken sittings on main, which a branch that does not touch them is not told about.
    """
    repo = tmp_path / "portal-situs"
    repo.mkdir()
    shutil.copy(REPO / "mkdocs.yml", repo / "mkdocs.yml")
    for kind in ("halaman", "agenda", "anggota", "informasi", "jdih"):
        shutil.copytree(REPO / "content" / kind, repo / "content" / kind)
    shutil.copytree(REPO / "content" / "berita" / "2026" / NEWS, repo / "content" / "berita" / "2026" / NEWS)
    broken = repo / "content" / "agenda" / "2026" / "2026-11-26-bk-rapat-internal.md"
    edit(broken, "status: dibatalkan", "status: ditunda")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Konten awal")
    git(repo, "switch", "-q", "-c", "informasi-baru")
    return repo


def change_every_kind(repo):
    """The branch: one change of each kind, committed."""
    (repo / NEW_SITTING).write_text(SITTING_TEXT, encoding="utf-8")
    document = repo / NEW_DOCUMENT
    document.mkdir()
    (document / "index.md").write_text(DOCUMENT_TEXT, encoding="utf-8")
    shutil.copy(REPO / "content" / "informasi" / "standar-layanan-ppid" / "standar-layanan.pdf",
                document / "daftar-hadir.pdf")  # lampiran.pdf is missing: an error the summary shows
    edit(repo / "content" / "jdih" / "perda-2026-3-apbd-2027" / "index.md", "status: berlaku",
         "status: tidak-berlaku")
    edit(repo / "content" / "anggota" / "2024-2029" / "agus-salim" / "index.md",
         "  - {body: bk, role: Anggota}", "  - {body: bk, role: Wakil Ketua}")
    term = repo / "content" / "anggota" / "2019-2024" / "masa-jabatan.yml"
    term.write_text(term.read_text(encoding="utf-8") + "# Dicek ulang dengan SK peresmian.\n", encoding="utf-8")
    shutil.rmtree(repo / "content" / "informasi" / "laporan-kinerja-2025")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Satu perubahan tiap jenis konten")


@pytest.mark.parametrize(("path", "unit"), [
    ("content/berita/2026/2026-11-20-a/01.jpg", "content/berita/2026/2026-11-20-a"),
    ("content/halaman/kontak.md", "content/halaman/kontak.md"),
    ("content/agenda/2026/2026-12-20-rapat.md", "content/agenda/2026/2026-12-20-rapat.md"),
    ("content/agenda/2026-12-20-rapat.md", "content/agenda/2026-12-20-rapat.md"),  # misplaced: the check says so
    ("content/agenda/2026/catatan.txt", None),
    ("content/informasi/dip-2026/index.md", "content/informasi/dip-2026"),
    ("content/informasi/dip-2026/data.csv", "content/informasi/dip-2026"),
    ("content/informasi/catatan.md", None),
    ("content/jdih/perda-2026-3/abstrak.pdf", "content/jdih/perda-2026-3"),
    ("content/anggota/2024-2029/masa-jabatan.yml", "content/anggota/2024-2029"),
    ("content/anggota/2024-2029/catatan.txt", None),
    ("content/anggota/2024-2029/agus-salim/potret.jpg", "content/anggota/2024-2029/agus-salim"),
    ("content/anggota/README.md", None),
    ("mkdocs.yml", None),
])
def test_each_changed_path_belongs_to_one_unit(path, unit):
    assert _unit(path, "content") == unit


def test_changes_are_found_for_every_kind(repo):
    change_every_kind(repo)
    from pipeline.check.changes import changed
    from pipeline.config import load_config

    found = {(c.path, c.status) for c in changed(load_config(repo), "main")}
    assert found == {
        (NEW_SITTING, "baru"),
        (NEW_DOCUMENT, "baru"),
        ("content/jdih/perda-2026-3-apbd-2027", "diubah"),
        ("content/anggota/2024-2029/agus-salim", "diubah"),
        ("content/anggota/2019-2024", "diubah"),
        ("content/informasi/laporan-kinerja-2025", "dihapus"),
    }


def test_changed_since_checks_exactly_the_changed_units(repo):
    change_every_kind(repo)
    result = portal(repo, "check", "--changed-since", "main")
    assert result.returncode == 1, result.stdout + result.stderr
    # The sitting with the unknown status is on main, unchanged: not checked. The term file changed,
    # so its 4 members are checked with it; of the other term only the edited member.
    assert result.stdout.splitlines() == [
        f"{NEW_DOCUMENT}/index.md:14: galat [document-file-missing] Berkas `lampiran.pdf` tidak ada di folder "
        "daftar-hadir-rapat-2026/. Unggah berkasnya ke folder itu atau perbaiki namanya (huruf besar dan kecil "
        "dibedakan).",
        "1 galat dan 0 peringatan di 1 berkas; 0 berita, 0 halaman, 1 agenda rapat, 1 masa jabatan, 5 anggota DPRD, "
        "1 dokumen informasi publik dan 1 produk hukum diperiksa.",
    ]


def test_the_whole_tree_counts_every_kind(repo):
    result = portal(repo, "check", "content/agenda", "content/jdih")
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == (
        "4 galat dan 0 peringatan di 4 berkas; 0 berita, 0 halaman, 8 agenda rapat dan 2 produk hukum diperiksa.")
    assert portal(repo, "check").stdout.splitlines()[-1] == (
        "4 galat dan 0 peringatan di 4 berkas; 1 berita, 4 halaman, 8 agenda rapat, 2 masa jabatan, 25 anggota DPRD, "
        "4 dokumen informasi publik dan 2 produk hukum diperiksa.")


def test_nothing_changed_says_so_for_every_kind(repo):
    result = portal(repo, "check", "--changed-since", "main")
    assert result.returncode == 0
    assert result.stdout == ("Tidak ada konten (berita, halaman, agenda, anggota, dokumen) yang berubah sejak main; "
                             "tidak ada yang diperiksa.\n")


def test_reviewer_summary_of_every_kind_matches_the_golden_file(repo):
    """The summary shows the new sitting (day, time, place, status), the new document (category, each file
    with type and size, the missing one flagged), the edited legal product with its diff, the edited member
    (faction, bodies, portrait) and the term file's diff, and the deleted document."""
    change_every_kind(repo)
    result = portal(repo, "preview", "--changed-since", "main", "--repo-url",
                    "https://github.com/dprd-kabupaten-contoh/portal-situs", "--head", HEAD_SHA)
    assert result.returncode == 0, result.stdout + result.stderr
    if os.environ.get("PORTAL_UPDATE_GOLDEN"):
        GOLDEN.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == GOLDEN.read_text(encoding="utf-8")


def test_preview_of_a_path_names_what_it_shows(repo):
    result = portal(repo, "preview", "content/informasi/standar-layanan-ppid", "content/anggota/2024-2029/agus-salim")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[2] == "0 berita, 0 halaman, 1 anggota DPRD dan 1 dokumen informasi publik."
    assert [line for line in lines if line.startswith("### ")] == [
        "### Dokumen: Standar Layanan Informasi Publik", "### Anggota DPRD: Agus Salim, S.Ag."]
    assert "| 2 | jadwal-layanan.csv | Jadwal layanan meja informasi | CSV (data), 1 KB | tidak ada |" in lines
