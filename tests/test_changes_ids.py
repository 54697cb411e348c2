"""Ids are for ever: `portal check --changed-since` on a real git repository (issue 12, item 5).

The ledger keys posts by an item's `id` (or its folder name without one): a
key that changes re-posts the item, a key used before makes a new item count
as posted. Each test builds `main` with sample items, a branch that changes
them, and reads the exact problems `portal check --changed-since main` reports.
"""

import json
import shutil


from test_review import (  # noqa: F401 - repo is a fixture
    BASE_ITEMS, SAMPLES, add_sample, edit, git, item, ledger_branch, portal, repo)

RDP, BRIDGE, BIMTEK = BASE_ITEMS
PARIPURNA = "2026-11-20-rapat-paripurna-penetapan-apbd-2027"
RESES = "2026-09-23-reses-anggota-dprd-dapil-ii"


# `repo` (main: three sample items and the static pages; HEAD: a new branch) is test_review's.


def problems(repo):
    """(folder, line, rule, message) of every problem, and the exit status."""
    result = portal(repo, "check", "--changed-since", "main", "--format", "json")
    assert result.stderr == ""
    found = [(p["file"].split("/")[3], p["line"], p["rule"], p["message"]) for p in json.loads(result.stdout)]
    return found, result.returncode


def test_a_changed_id_is_an_error_with_the_old_one_to_restore(repo):
    edit(item(repo, BRIDGE) / "index.md", "id: 2026-10-08-e66a55", "id: 2026-10-08-jembatan")
    assert problems(repo) == ([(BRIDGE, 28, "id-changed",
        "`id` berita ini diubah dari `2026-10-08-e66a55` (di `main`) menjadi `2026-10-08-jembatan`. Id berita yang "
        "sudah ada tidak boleh dihapus atau diubah: kiriman media sosialnya tercatat dengan id itu, jadi berita ini "
        "akan terkirim lagi. Kembalikan `id: 2026-10-08-e66a55`.")], 1)


def test_a_removed_id_is_an_error_at_the_title(repo):
    edit(item(repo, BRIDGE) / "index.md", "id: 2026-10-08-e66a55\n", "")
    assert problems(repo) == ([(BRIDGE, 2, "id-changed",
        "Baris `id: 2026-10-08-e66a55` dihapus dari berita ini (ada di `main`). Id berita yang sudah ada tidak boleh "
        "dihapus atau diubah: kiriman media sosialnya tercatat dengan id itu, jadi berita ini akan terkirim lagi. "
        "Kembalikan baris `id: 2026-10-08-e66a55` di front-matter.")], 1)


def test_a_renamed_folder_keeps_its_id_and_passes(repo):
    git(repo, "mv", f"content/berita/2026/{BIMTEK}", "content/berita/2026/2026-09-03-bimtek-ppid")
    assert problems(repo) == ([], 0)


def test_a_renamed_folder_without_id_needs_its_old_name_as_id(repo):
    """An old item without `id` is keyed by its folder: renaming it would post it again."""
    edit(item(repo, BIMTEK) / "index.md", "id: 2026-09-03-873985\n", "")
    git(repo, "commit", "-q", "-am", "Tanpa id")
    git(repo, "branch", "-f", "main")
    git(repo, "mv", f"content/berita/2026/{BIMTEK}", "content/berita/2026/2026-09-03-bimtek-ppid")
    assert problems(repo) == ([("2026-09-03-bimtek-ppid", 2, "id-changed",
        f"Berita ini sudah ada di `main` tanpa `id`, jadi kiriman media sosialnya tercatat dengan nama foldernya "
        f"`{BIMTEK}`; nama folder yang baru membuat berita ini terkirim lagi. Tulis `id: {BIMTEK}` di "
        "front-matter.")], 1)
    edit(item(repo, "2026-09-03-bimtek-ppid") / "index.md", "title:", f"id: {BIMTEK}\ntitle:")
    assert problems(repo) == ([], 0)


def test_the_id_of_a_deleted_item_is_not_used_again(repo):
    """Deleted on main long ago: its id is in the history of main, not in its tree."""
    git(repo, "rm", "-q", "-r", f"content/berita/2026/{BIMTEK}")
    git(repo, "commit", "-q", "-m", "Hapus bimtek")
    git(repo, "branch", "-f", "main")
    add_sample(repo, PARIPURNA)
    edit(item(repo, PARIPURNA) / "index.md", "id: 2026-11-20-196bee", "id: 2026-09-03-873985")
    assert problems(repo) == ([(PARIPURNA, 28, "id-reused",
        f"`id: 2026-09-03-873985` sudah pernah dipakai oleh content/berita/2026/{BIMTEK} (riwayat git `main`). Id "
        "yang pernah dipakai tidak boleh dipakai lagi: daftar publikasi menganggap berita ini sudah terkirim, jadi "
        "berita ini tidak akan pernah terkirim. Pakai id baru, misalnya `id: 2026-11-20-196bee`.")], 1)


def test_an_id_in_the_ledger_is_not_used_again(repo):
    ledger_branch(repo, [{"item": "2025-03-01-0a1b2c", "platform": "facebook", "state": "POSTED",
                          "time": "2025-03-02T01:00:00Z", "path": "content/berita/2025/2025-03-01-reses"}])
    add_sample(repo, PARIPURNA)
    edit(item(repo, PARIPURNA) / "index.md", "id: 2026-11-20-196bee", "id: 2025-03-01-0a1b2c")
    assert problems(repo) == ([(PARIPURNA, 28, "id-reused",
        "`id: 2025-03-01-0a1b2c` sudah tercatat di daftar publikasi (cabang portal-ledger), "
        "content/berita/2025/2025-03-01-reses. Id yang pernah dipakai tidak boleh dipakai lagi: daftar publikasi "
        "menganggap berita ini sudah terkirim, jadi berita ini tidak akan pernah terkirim. Pakai id baru, misalnya "
        "`id: 2026-11-20-196bee`.")], 1)


def test_an_unreadable_ledger_line_is_skipped(repo):
    ledger_branch(repo, ["not a record", {"item": 3}])
    add_sample(repo, PARIPURNA)
    assert problems(repo) == ([], 0)


def test_an_id_equal_to_another_items_folder_is_an_error(repo):
    add_sample(repo, PARIPURNA)
    edit(item(repo, PARIPURNA) / "index.md", "id: 2026-11-20-196bee", f"id: {RDP}")
    assert problems(repo) == ([(PARIPURNA, 28, "id-folder",
        f"`id: {RDP}` sama dengan nama folder berita lain, content/berita/2026/{RDP}. Berita tanpa `id` dicatat di "
        "daftar publikasi dengan nama foldernya, jadi kiriman kedua berita akan tertukar. Pakai id lain, misalnya "
        "`id: 2026-11-20-196bee`.")], 1)


def test_an_id_equal_to_its_own_folder_passes(repo):
    add_sample(repo, PARIPURNA)
    edit(item(repo, PARIPURNA) / "index.md", "id: 2026-11-20-196bee", f"id: {PARIPURNA}")
    assert problems(repo) == ([], 0)


def test_a_new_folder_named_like_a_used_id_needs_an_id(repo):
    """Without `id`, the folder name is the key: a folder named after an old id looks posted."""
    folder = item(repo, "2026-11-12-f70ede")
    shutil.copytree(SAMPLES / PARIPURNA, folder)
    edit(folder / "index.md", "date: 2026-11-20", "date: 2026-11-12")
    edit(folder / "index.md", "id: 2026-11-20-196bee\n", "")
    found, status = problems(repo)
    assert found[2][2] == "date-late" and len(found) == 3  # past H+1 as well: a warning
    assert (found[:2], status) == ([
        ("2026-11-12-f70ede", 2, "id-folder",
         "Berita baru ini belum punya `id` dan nama foldernya `2026-11-12-f70ede` sama dengan `id` berita lain, "
         f"content/berita/2026/{RDP}. Tanpa `id`, daftar publikasi mencatat berita dengan nama foldernya, jadi "
         "berita ini dianggap sudah terkirim dan tidak akan pernah terkirim. Tambahkan baris "
         "`id: 2026-11-12-968377` di front-matter."),
        ("2026-11-12-f70ede", 2, "id-missing",
         "Berita baru ini belum punya `id`. Tambahkan baris `id: 2026-11-12-968377` di front-matter: pengenal tetap "
         "untuk media sosial, agar berita tidak terunggah dua kali bila foldernya kelak diganti nama."),
    ], 1)


def test_a_move_git_does_not_see_keeps_its_id(repo):
    """Moved and rewritten in one change (git finds no rename): the id goes with the item, no error."""
    git(repo, "rm", "-q", "-r", f"content/berita/2026/{BIMTEK}")
    moved = item(repo, "2026-09-03-bimtek-keterbukaan-informasi")
    shutil.copytree(SAMPLES / PARIPURNA, moved)
    edit(moved / "index.md", "date: 2026-11-20", "date: 2026-09-03")
    edit(moved / "index.md", "id: 2026-11-20-196bee", "id: 2026-09-03-873985")
    found, _ = problems(repo)
    assert [rule for *_, rule, _ in found] == ["date-late"]  # new to git: the H+1 warning, no id error
