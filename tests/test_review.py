"""The review flow on a real git repository: `--changed-since` and the reviewer summary.

Each test makes a repository with a `main` branch holding sample items, then
a branch that changes them the way editors do, and runs the CLI in it.
The summary is compared with tests/golden/preview.md; regenerate it with
PORTAL_UPDATE_GOLDEN=1 after a deliberate change and review the diff.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "content" / "berita" / "2026"
GOLDEN = REPO / "tests" / "golden" / "preview.md"
BASE_ITEMS = ["2026-11-12-rdp-komisi-iv-dinas-kesehatan-layanan-puskesmas",
              "2026-10-08-komisi-iii-tinjau-pembangunan-jembatan",
              "2026-09-03-bimtek-pelayanan-informasi-publik"]
ENV = {**os.environ, "PORTAL_TODAY": "2026-11-21", "GIT_AUTHOR_NAME": "Tim Pelaksana",
       "GIT_AUTHOR_EMAIL": "tim@example.invalid", "GIT_COMMITTER_NAME": "Tim Pelaksana",
       "GIT_COMMITTER_EMAIL": "tim@example.invalid", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(repo, *args):
    result = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, env=ENV)
    assert result.returncode == 0, result.stderr
    return result.stdout


def portal(repo, *args):
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=repo, capture_output=True, text=True,
                          env=ENV)


@pytest.fixture
def repo(tmp_path):
    """A site repository: main holds three sample items and the static pages; HEAD is a new branch."""
    repo = tmp_path / "portal-situs"
    (repo / "content" / "berita" / "2026").mkdir(parents=True)
    shutil.copy(REPO / "mkdocs.yml", repo / "mkdocs.yml")
    shutil.copytree(REPO / "content" / "halaman", repo / "content" / "halaman")
    for name in BASE_ITEMS:
        shutil.copytree(SAMPLES / name, repo / "content" / "berita" / "2026" / name)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Konten awal")
    git(repo, "switch", "-q", "-c", "berita-baru")
    return repo


def item(repo, name):
    return repo / "content" / "berita" / "2026" / name


def add_sample(repo, name):
    shutil.copytree(SAMPLES / name, item(repo, name))


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_changed_since_picks_exactly_the_changed_items(repo):
    rdp, bridge, bimtek = BASE_ITEMS
    add_sample(repo, "2026-11-20-rapat-paripurna-penetapan-apbd-2027")  # added (committed)
    edit(item(repo, bridge) / "index.md", "caption: Komisi III", "caption: Hari ini Komisi III")  # modified
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Berita paripurna, caption jembatan")
    git(repo, "mv", f"content/berita/2026/{bimtek}", "content/berita/2026/2026-09-03-bimtek-ppid")  # renamed
    (item(repo, rdp) / "04-forum-warga.jpg").unlink()  # a deleted photo, not committed yet
    add_sample(repo, "2026-09-23-reses-anggota-dprd-dapil-ii")  # untracked

    result = portal(repo, "check", "--changed-since", "main", "--format", "json")
    found = {(p["file"].split("/")[3], p["rule"]) for p in json.loads(result.stdout)}
    # The item that lost a photo fails; the new reses item is past H+1. The
    # edited and moved items were published before: an edit is never "late".
    assert found == {(rdp, "photo-missing"), ("2026-09-23-reses-anggota-dprd-dapil-ii", "date-late")}
    assert result.returncode == 1

    text = portal(repo, "check", "--changed-since", "main").stdout
    # Five items: added (committed), modified, renamed, a deleted photo, added (untracked).
    assert text.splitlines()[-1] == "1 galat dan 1 peringatan di 2 berkas; 5 berita dan 0 halaman diperiksa."
    assert "[photo-missing] Berkas foto `04-forum-warga.jpg` tidak ditemukan." in text
    # Checked the whole tree instead, every old item would be "late".
    assert portal(repo, "check").stdout.splitlines()[-1] == \
        "1 galat dan 4 peringatan di 4 berkas; 5 berita dan 3 halaman diperiksa."

    # The same set, and how each changed, as the reviewer summary shows it.
    summary = portal(repo, "preview", "--changed-since", "main").stdout
    assert "Berubah sejak `main`: 2 baru, 2 diubah, 1 dipindah." in summary, summary
    assert "**dipindah** dari `content/berita/2026/2026-09-03-bimtek-pelayanan-informasi-publik`" in summary


def test_changed_since_counts_each_change_kind(repo):
    rdp, bridge, bimtek = BASE_ITEMS
    add_sample(repo, "2026-11-20-rapat-paripurna-penetapan-apbd-2027")
    edit(item(repo, bridge) / "index.md", "caption: Komisi III", "caption: Hari ini Komisi III")
    git(repo, "mv", f"content/berita/2026/{bimtek}", "content/berita/2026/2026-09-03-bimtek-ppid")
    (item(repo, rdp) / "04-forum-warga.jpg").unlink()
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Perubahan")

    from pipeline.changes import changed
    from pipeline.config import load_config

    kinds = {c.path.rsplit("/", 1)[1]: (c.status, c.old_path.rsplit("/", 1)[-1])
             for c in changed(load_config(repo), "main")}
    assert kinds == {
        "2026-11-20-rapat-paripurna-penetapan-apbd-2027": ("baru", ""),
        bridge: ("diubah", ""),
        "2026-09-03-bimtek-ppid": ("dipindah", bimtek),
        rdp: ("diubah", ""),
    }


def test_nothing_changed_checks_nothing(repo):
    result = portal(repo, "check", "--changed-since", "main")
    assert result.returncode == 0
    assert result.stdout == "Tidak ada berita atau halaman yang berubah sejak main; tidak ada yang diperiksa.\n"


def test_unknown_ref_is_a_usage_error(repo):
    result = portal(repo, "check", "--changed-since", "mian")
    assert result.returncode == 2
    assert result.stderr.endswith("Galat penggunaan: `mian` tidak dikenal git sebagai cabang atau commit. Contoh: "
                                  "--changed-since origin/main (ambil dulu dengan `git fetch origin main`).\n")
    assert "Traceback" not in result.stderr


def test_reviewer_summary_matches_the_golden_file(repo):
    """A branch that adds two items and edits one (a caption too long for X, a hostile title)."""
    add_sample(repo, "2026-11-20-rapat-paripurna-penetapan-apbd-2027")
    add_sample(repo, "2026-11-04-paripurna-pandangan-umum-fraksi-raperda-apbd-2027")
    edit(item(repo, BASE_ITEMS[1]) / "index.md",
         "title: Komisi III Tinjau Progres Pembangunan Jembatan Sungai Contoh",
         'title: "Komisi III Tinjau Jembatan | Progres 64% & *Sungai* Contoh a\\"; echo PWNED; #"')
    edit(item(repo, BASE_ITEMS[1]) / "index.md", "serta jadwal pekerjaan.",
         "serta jadwal agar jembatan dapat dipakai warga sebelum musim hujan.")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Dua berita baru, satu disunting")

    result = portal(repo, "preview", "--changed-since", "main")
    assert result.returncode == 0, result.stdout + result.stderr
    if os.environ.get("PORTAL_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == GOLDEN.read_text(encoding="utf-8")


def test_a_new_item_without_id_gets_a_warning_with_one_to_paste(repo):
    """Items made in GitHub's web editor have no `id` unless the editor adds one."""
    name = "2026-11-20-rapat-paripurna-penetapan-apbd-2027"
    add_sample(repo, name)
    edit(item(repo, name) / "index.md", "id: 2026-11-20-196bee\n", "")
    edit(item(repo, BASE_ITEMS[0]) / "index.md", "id: 2026-11-12-f70ede\n", "")  # an old item: not warned
    result = portal(repo, "check", "--changed-since", "main")
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        f"content/berita/2026/{name}/index.md:2: peringatan [id-missing] Berita baru ini belum punya `id`. "
        "Tambahkan baris `id: 2026-11-20-196bee` di front-matter: pengenal tetap untuk media sosial, agar berita "
        "tidak terunggah dua kali bila foldernya kelak diganti nama.",
        "0 galat dan 1 peringatan di 1 berkas; 2 berita dan 0 halaman diperiksa."]


def test_a_copied_folder_clashes_with_the_unchanged_original(repo):
    """Only the copy is checked; the original's id is found without checking it."""
    original = BASE_ITEMS[1]
    copy = item(repo, "2026-11-20-tinjau-jembatan-tahap-dua")
    shutil.copytree(item(repo, original), copy)
    edit(copy / "index.md", "date: 2026-10-08", "date: 2026-11-20")
    result = portal(repo, "check", "--changed-since", "main", "--format", "json")
    problems = [(p["file"].split("/")[3], p["rule"]) for p in json.loads(result.stdout)]
    assert problems == [("2026-11-20-tinjau-jembatan-tahap-dua", "id-duplicate")]
    assert json.loads(result.stdout)[0]["message"].startswith(
        f"`id: 2026-10-08-e66a55` juga dipakai oleh content/berita/2026/{original}. ")


def test_summary_says_what_will_not_be_posted_and_what_was_deleted(repo):
    rdp, bridge, bimtek = BASE_ITEMS
    git(repo, "rm", "-q", "-r", f"content/berita/2026/{bimtek}")
    edit(item(repo, rdp) / "index.md", "social: [facebook, telegram]", "social: []\ndraft: true")
    edit(item(repo, bridge) / "index.md", "caption: Komisi III", "caption: " + "Sangat panjang " * 15 + "Komisi III")
    summary = portal(repo, "preview", "--changed-since", "main").stdout
    assert "Berubah sejak `main`: 2 diubah, 1 dihapus." in summary
    assert f"`content/berita/2026/{rdp}` · **diubah** · **draf** (tidak terbit sampai `draft: false`)" in summary
    assert "Tidak ada: berita ini hanya terbit di situs (`social: []`)." in summary
    assert "- Galat `caption-too-long` (baris 7): Caption berisi" in summary
    assert "**Teks untuk media sosial** (persis yang akan dikirim setelah digabung):\n\n" \
           "Belum dapat dibuat: perbaiki galat di atas lebih dulu." in summary
    assert summary.endswith(
        f"### Dihapus: `content/berita/2026/{bimtek}`\n\nBerita atau halaman ini dihapus oleh perubahan ini. Bila "
        "sudah terbit, halamannya hilang dari situs setelah digabung; unggahan media sosial yang sudah ada tidak ikut "
        "terhapus.\n")


def test_changed_since_outside_a_git_repository(tmp_path):
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    (tmp_path / "content").mkdir()
    result = portal(tmp_path, "check", "--changed-since", "main")
    assert result.returncode == 1
    assert result.stderr == (f"Galat: `--changed-since` memerlukan repositori git, tetapi {tmp_path} bukan "
                             "repositori git.\n")
