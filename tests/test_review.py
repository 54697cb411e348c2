"""The review flow on a real git repository: `--changed-since` and the reviewer summary.

Each test makes a repository with a `main` branch holding sample items, then
a branch that changes them the way editors do, and runs the CLI in it.
The summary is compared with tests/golden/preview.md; regenerate it with
PORTAL_UPDATE_GOLDEN=1 after a deliberate change and review the diff.
"""

import json
import os
import re
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


# The PR's head commit as the workflow passes it (`--head`); links need not resolve in a test.
HEAD_SHA = "4f2c9e1d0b7a6c5e8f9a0b1c2d3e4f5a6b7c8d9e"
CUT_LINE = ("**Ringkasan dipotong karena melebihi batas GitHub (1 MiB)**: {left_out} dari {total} berita dan "
            "halaman tidak ditampilkan; selengkapnya di artefak `ringkasan-pemeriksa`.")


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


def ledger_branch(repo, lines):
    """A `portal-ledger` branch holding `ledger.jsonl` with ``lines`` (git plumbing: HEAD stays)."""
    text = "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines)

    def run(*args, data=None):
        return subprocess.run(["git", *args], cwd=repo, input=data, capture_output=True, text=True, env=ENV,
                              check=True).stdout.strip()

    blob = run("hash-object", "-w", "--stdin", data=text)
    tree = run("mktree", data=f"100644 blob {blob}\tledger.jsonl\n")
    run("update-ref", "refs/heads/portal-ledger", run("commit-tree", tree, "-m", "ledger"))


def posted(item_id, platform, url, state="POSTED", path=""):
    """One ledger line as `portal publish` writes it (fields the summary reads, and a signature it ignores)."""
    line = {"item": item_id, "platform": platform, "state": state, "time": "2026-11-01T02:00:00Z", "mac": "00"}
    return {**line, **({"url": url} if url else {}), **({"path": path} if path else {})}


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
        "1 galat dan 4 peringatan di 4 berkas; 5 berita dan 4 halaman diperiksa."

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

    from pipeline.check.changes import changed
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
    assert result.stdout == ("Tidak ada konten (berita, halaman, agenda, anggota, dokumen) yang berubah sejak main; "
                             "tidak ada yang diperiksa.\n")


def test_unknown_ref_is_a_usage_error(repo):
    result = portal(repo, "check", "--changed-since", "mian")
    assert result.returncode == 2
    assert result.stderr.endswith("Galat penggunaan: `mian` tidak dikenal git sebagai cabang atau commit. Contoh: "
                                  "--changed-since origin/main (ambil dulu dengan `git fetch origin main`).\n")
    assert "Traceback" not in result.stderr


def test_reviewer_summary_matches_the_golden_file(repo):
    """A branch that adds two items (a PNG and a HEIC photo, one item late), edits one (a caption too
    long for X, a hostile title, a sentence of the narrative, an alt text, a credit removed), renames
    one and edits a static page: the summary shows each narrative and page body in full, the diffs of
    the edits, and every photo linked to the PR's head commit with its alt text and credit. The
    ledger has the edited and the renamed item posted already (one FAILED post): they are not sent
    again; the new items are."""
    ledger_branch(repo, [
        posted("2026-10-08-e66a55", "facebook", "https://www.facebook.com/100200300/posts/400500600"),
        posted("2026-10-08-e66a55", "x", "", state="ATTEMPTING"),
        posted("2026-10-08-e66a55", "x", "https://x.com/dprdcontoh/status/1850000000000000001"),
        posted("2026-10-08-e66a55", "telegram", "", state="FAILED"),
        posted("2026-09-03-873985", "facebook", "https://www.facebook.com/100200300/posts/400500700"),
        posted("2026-09-03-873985", "instagram", "https://www.instagram.com/p/DAbCdEf12/)](javascript:alert(1)"),
    ])
    git(repo, "mv", f"content/berita/2026/{BASE_ITEMS[2]}", "content/berita/2026/2026-09-03-bimtek-ppid")
    add_sample(repo, "2026-11-20-rapat-paripurna-penetapan-apbd-2027")
    edit(item(repo, "2026-11-20-rapat-paripurna-penetapan-apbd-2027") / "index.md", "\ncategory:",
         "\npublish_at: 2026-11-21 08:00\ncategory:")  # scheduled publishing (issue 15)
    add_sample(repo, "2026-09-23-reses-anggota-dprd-dapil-ii")
    bridge = item(repo, BASE_ITEMS[1]) / "index.md"
    edit(bridge, "title: Komisi III Tinjau Progres Pembangunan Jembatan Sungai Contoh",
         'title: "Komisi III Tinjau Jembatan | Progres 64% & *Sungai* Contoh a\\"; echo PWNED; #"')
    edit(bridge, "serta jadwal pekerjaan.", "serta jadwal agar jembatan dapat dipakai warga sebelum musim hujan.")
    edit(bridge, "progres fisik pekerjaan telah mencapai 64 persen.",
         "progres fisik pekerjaan telah mencapai 64 persen, sesuai jadwal.")
    edit(bridge, "alt: Rangka baja jembatan yang sedang dipasang di atas sungai",
         "alt: Rangka baja jembatan sepanjang 60 meter yang sedang dipasang di atas sungai")
    edit(bridge, "    credit: Humas Setwan Kabupaten Contoh\nsocial:", "social:")
    edit(bridge, "id: 2026-10-08-e66a55\n", "updates:\n  - date: 2026-11-21\n    note: Progres fisik dilengkapi "
         "keterangan sesuai jadwal.\n    social: true\nid: 2026-10-08-e66a55\n")  # a correction note
    edit(repo / "content" / "halaman" / "kontak.md", "- Jumat: 08.00 sampai 11.00 WIB",
         "- Jumat: 08.00 sampai 11.30 WIB")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Dua berita baru, satu berita dan halaman kontak disunting")

    result = portal(repo, "preview", "--changed-since", "main", "--repo-url",
                    "https://github.com/dprd-kabupaten-contoh/portal-situs", "--head", HEAD_SHA)
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
    # An old item losing its id is an error instead (`id-changed`, tests/test_changes_ids.py).
    result = portal(repo, "check", "--changed-since", "main")
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        f"content/berita/2026/{name}/index.md:2: peringatan [id-missing] Berita baru ini belum punya `id`. "
        "Tambahkan baris `id: 2026-11-20-196bee` di front-matter: pengenal tetap untuk media sosial, agar berita "
        "tidak terunggah dua kali bila foldernya kelak diganti nama.",
        "0 galat dan 1 peringatan di 1 berkas; 1 berita dan 0 halaman diperiksa."]


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
        f"### Dihapus: `content/berita/2026/{bimtek}`\n\nBerita ini dihapus oleh perubahan ini. Berita yang sudah "
        "terbit tidak boleh dihapus (`item-deleted`): foldernya tetap, dan berita ditarik dengan `retracted: {date, "
        "reason}`, yang meninggalkan pemberitahuan di alamatnya dan menghapus unggahan media sosialnya.\n")


def test_changed_since_outside_a_git_repository(tmp_path):
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    (tmp_path / "content").mkdir()
    result = portal(tmp_path, "check", "--changed-since", "main")
    assert result.returncode == 1
    assert result.stderr == (f"Galat: `--changed-since` memerlukan repositori git, tetapi {tmp_path} bukan "
                             "repositori git.\n")


# --------------------------------------------------------------------------- what the summary shows, safely

def set_body(path, body):
    """Replace the narrative of an item (or the body of a page), keeping its front-matter."""
    front, _ = path.read_text(encoding="utf-8").split("\n---\n", 1)
    path.write_text(f"{front}\n---\n{body}", encoding="utf-8")


def outside_code(markdown):
    """The lines of ``markdown`` outside fenced code blocks, by CommonMark's fence rules
    (written here independently of pipeline.review.summary.fenced)."""
    outside, fence = [], None
    for line in markdown.split("\n"):
        if fence is None:
            opening = re.match(r" {0,3}(`{3,})[^`]*$", line)
            if opening:
                fence = opening.group(1)
            else:
                outside.append(line)
        elif re.fullmatch(rf" {{0,3}}`{{{len(fence)},}}[ \t]*", line):
            fence = None
    return outside


def code_block_after(markdown, label):
    """The text of the fenced block that follows the line starting with ``label``."""
    lines = markdown.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith(label)) + 2
    fence = re.fullmatch(r"(`{3,})[a-z]*", lines[start]).group(1)
    end = next(i for i in range(start + 1, len(lines))
               if re.fullmatch(rf" {{0,3}}`{{{len(fence)},}}[ \t]*", lines[i]))
    return "\n".join(lines[start + 1:end])


HOSTILE_NARRATIVE = (
    "Sekretariat DPRD Kabupaten Contoh menggelar rapat koordinasi tentang layanan informasi publik bersama "
    "perangkat daerah. Rapat membahas jadwal pemutakhiran daftar informasi publik, tata cara permohonan, dan "
    "laporan layanan semester kedua tahun ini.\n\n"
    "```\n</code></pre><script>alert(1)</script>\n```\n\n"
    "Satu `` ` `` dua ```` ``` ```` lima ````` dan tabel | a | b |\n\n"
    "<script>alert(document.domain)</script>\n\n"
    "[Unduh laporan](javascript:alert(1)) ![x](javascript:alert(2))\n"
    "~~~\n"
    "    ```\n")


def test_a_hostile_narrative_stays_inside_its_block(repo):
    """Backtick runs, pipes, <script> and javascript: links in a narrative: all shown as text in one block;
    a hostile alt text and a photo name with `)` and spaces stay inert in the table and the link."""
    name = "2026-11-20-rapat-paripurna-penetapan-apbd-2027"
    add_sample(repo, name)
    index = item(repo, name) / "index.md"
    set_body(index, HOSTILE_NARRATIVE)
    edit(index, "alt: Ketua DPRD membuka", "alt: \"| sel [klik](javascript:alert(3)) <img src=x onerror=alert(4)>\"\n"
                "    # Ketua DPRD membuka")
    (item(repo, name) / "01-pembukaan.jpg").rename(item(repo, name) / "01 pembukaan (1).jpg")
    edit(index, "file: 01-pembukaan.jpg", "file: 01 pembukaan (1).jpg")

    result = portal(repo, "preview", "--changed-since", "main", "--repo-url", "https://github.com/o/r",
                    "--head", HEAD_SHA)
    summary = result.stdout
    assert result.returncode == 0, result.stderr
    assert code_block_after(summary, "**Narasi**") == HOSTILE_NARRATIVE.strip("\n")
    outside = "\n".join(outside_code(summary))
    # Outside code, editors' text is escaped (the check's messages quote it too): no tag, no link.
    assert not re.search(r"(?<!\\)<(script|img)", outside)
    assert not re.search(r"(?<!\\)\]\(javascript:", outside)
    folder = f"content/berita/2026/{name}"
    assert (f"| 1 | [01 pembukaan (1).jpg](https://github.com/o/r/blob/{HEAD_SHA}/{folder}/"
            "01%20pembukaan%20%281%29.jpg) | \\| sel \\[klik\\](javascript:alert(3)) \\<img src=x onerror=alert(4)\\> | "
            "Humas Setwan Kabupaten Contoh |") in summary


def test_summary_is_cut_to_its_byte_budget(repo, monkeypatch):
    """Whole items while they fit, then the cut line; never over the budget (GitHub refuses over 1 MiB)."""
    from pipeline.config import load_config
    from pipeline.review.summary import collect
    from pipeline.check.rules import check

    set_body(item(repo, BASE_ITEMS[0]) / "index.md", "Narasi panjang yang diulang. " * 3000)
    monkeypatch.setenv("PORTAL_TODAY", "2026-11-21")
    config = load_config(repo)
    result = collect(config, check(config))
    full = result.text(None)
    size = len(full.encode("utf-8"))
    assert size > 100_000 and result.text(size) == full  # the long narrative: all of it, when it fits
    assert len(result.sections) == 7  # three items, four pages
    newest, *_ = result.sections  # the RDP item, 2026-11-12, with the long narrative

    cut_after_one = CUT_LINE.format(left_out=6, total=7)
    budget = len((result.head + "\n" + newest + "\n\n" + cut_after_one + "\n").encode("utf-8"))
    assert result.text(budget) == result.head + "\n" + newest + "\n\n" + cut_after_one + "\n"
    smaller = result.text(budget - 1)  # the long item no longer fits: only the head remains
    assert smaller == result.head + "\n\n" + CUT_LINE.format(left_out=7, total=7) + "\n"
    for limit in (budget - 1, budget, size - 1, 50_000):
        assert len(result.text(limit).encode("utf-8")) <= limit
    assert result.text(size - 1).endswith("\n\n" + CUT_LINE.format(left_out=1, total=7) + "\n")


def test_full_writes_the_uncut_summary(repo, tmp_path):
    """Three narratives of 400 KB each (the check refuses files over 1 MB): 1.2 MB of summary."""
    for name in BASE_ITEMS:
        set_body(item(repo, name) / "index.md", f"{name} " + "Kata " * 80_000)
    full = tmp_path / "ringkasan-pemeriksa.md"
    result = portal(repo, "preview", "--full", str(full))
    assert result.returncode == 0, result.stderr
    text = full.read_text(encoding="utf-8")
    assert len(text.encode("utf-8")) > 1_200_000
    assert all(f"{name} " + ("Kata " * 80_000).strip() in text for name in BASE_ITEMS)
    # Printed for the job summary: the two newest items, then the cut line.
    assert len(result.stdout.encode("utf-8")) <= 1_000_000
    assert result.stdout.endswith("\n\n" + CUT_LINE.format(left_out=5, total=7) + "\n")
    assert BASE_ITEMS[1] + " Kata" in result.stdout and BASE_ITEMS[2] + " Kata" not in result.stdout
    assert text.startswith(result.stdout.split("\n\n**Ringkasan dipotong", 1)[0])


def test_without_repo_url_and_head_photos_are_named_not_linked(repo):
    summary = portal(repo, "preview", f"content/berita/2026/{BASE_ITEMS[1]}").stdout
    assert "| 1 | 01-tiba-di-lokasi.jpg | Rombongan Komisi III tiba di lokasi pembangunan jembatan | " \
           "Humas Setwan Kabupaten Contoh |" in summary
    assert "](http" not in summary
    assert ("Foto tidak ditautkan: tanpa `--repo-url` dan `--head` (di pull request tautannya dibuat otomatis), "
            "buka fotonya di folder berita.") in summary


@pytest.mark.parametrize("args, message", [
    (["--head", HEAD_SHA], "--head memerlukan --repo-url (atau variabel GITHUB_SERVER_URL dan GITHUB_REPOSITORY). "
                           "Contoh: --repo-url https://github.com/pemilik/repositori --head 3f2a1b0"),
    (["--head", "main", "--repo-url", "https://github.com/o/r"],
     "--head 'main' bukan SHA commit (7 sampai 64 digit heksadesimal)."),
    (["--head", HEAD_SHA, "--repo-url", "https://github.com/o/r)(javascript:alert(1)"],
     "--repo-url 'https://github.com/o/r)(javascript:alert(1)' bukan alamat repositori. Contoh: "
     "https://github.com/pemilik/repositori"),
])
def test_photo_link_options_are_checked(repo, args, message):
    env = {key: value for key, value in ENV.items() if key not in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY")}
    result = subprocess.run([sys.executable, "-m", "pipeline", "preview", *args], cwd=repo, capture_output=True,
                            text=True, env=env)
    assert result.returncode == 2
    assert result.stderr == f"Galat penggunaan: {message}\n"


def test_in_actions_the_repository_comes_from_the_environment(repo):
    env = {**ENV, "GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "dprd-kabupaten-contoh/situs"}
    result = subprocess.run([sys.executable, "-m", "pipeline", "preview", "--head", HEAD_SHA,
                             f"content/berita/2026/{BASE_ITEMS[1]}"], cwd=repo, capture_output=True, text=True,
                            env=env)
    assert (f"[01-tiba-di-lokasi.jpg](https://github.com/dprd-kabupaten-contoh/situs/blob/{HEAD_SHA}/"
            f"content/berita/2026/{BASE_ITEMS[1]}/01-tiba-di-lokasi.jpg)") in result.stdout


def test_a_gitattributes_file_cannot_hide_an_edit(repo):
    """A PR may add `.gitattributes` marking Markdown as binary: the summary's diff is git's, without it."""
    (repo / "content" / ".gitattributes").write_text("*.md -diff\n", encoding="utf-8")
    edit(repo / "content" / "halaman" / "kontak.md", "- Jumat: 08.00 sampai 11.00 WIB", "- Jumat: tutup")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Jam layanan")
    summary = portal(repo, "preview", "--changed-since", "main").stdout
    assert "\n-- Jumat: 08.00 sampai 11.00 WIB\n+- Jumat: tutup\n" in summary


def test_full_into_a_missing_folder_is_a_user_error(repo, tmp_path):
    target = tmp_path / "tidak-ada" / "ringkasan.md"
    result = portal(repo, "preview", "--full", str(target))
    assert result.returncode == 1
    assert result.stderr == (f"Galat: Ringkasan utuh tidak dapat ditulis ke {target}: folder tujuannya tidak ada "
                             "atau tidak boleh ditulis (No such file or directory).\n")


# --------------------------------------------------------------------------- what the ledger and mkdocs.yml say

def test_an_unchanged_posted_item_says_sent_with_its_link(repo):
    """Without --changed-since nothing is an edit: a posted item is "sudah terkirim", the rest "akan dikirim"."""
    ledger_branch(repo, [posted("2026-10-08-e66a55", "telegram", "https://t.me/dprdcontoh/812")])
    summary = portal(repo, "preview", f"content/berita/2026/{BASE_ITEMS[1]}").stdout
    assert "Status kiriman media sosial menurut daftar publikasi (cabang `portal-ledger`).\n" in summary
    assert "**Telegram** · 6 foto · 228/1024 karakter · **sudah terkirim** ([tautan](https://t.me/dprdcontoh/812))\n" \
        in summary
    assert "**Facebook** · 6 foto · 302/63206 karakter · **akan dikirim**\n" in summary


def test_a_renamed_item_without_id_is_found_by_its_old_path(repo):
    """Keyed by its old folder name, the ledger still knows it by the path it was posted from."""
    bimtek = BASE_ITEMS[2]
    ledger_branch(repo, [posted(bimtek, "facebook", "https://www.facebook.com/1/posts/2",
                                path=f"content/berita/2026/{bimtek}")])
    edit(item(repo, bimtek) / "index.md", "id: 2026-09-03-873985\n", "")
    git(repo, "commit", "-q", "-am", "Tanpa id")
    git(repo, "branch", "-f", "main")
    git(repo, "mv", f"content/berita/2026/{bimtek}", "content/berita/2026/2026-09-03-bimtek-ppid")
    summary = portal(repo, "preview", "--changed-since", "main").stdout
    assert ("**Facebook** · 4 foto · 267/63206 karakter · **tidak dikirim lagi (suntingan)**: sudah terkirim "
            "([tautan](https://www.facebook.com/1/posts/2)), unggahan itu tidak ikut berubah") not in summary
    # The rename without id is an error first (`id-changed`): no post text until it is fixed.
    assert "- Galat `id-changed` (baris 2): Berita ini sudah ada di \\`main\\` tanpa \\`id\\`" in summary
    edit(item(repo, "2026-09-03-bimtek-ppid") / "index.md", "title:", f"id: {bimtek}\ntitle:")
    summary = portal(repo, "preview", "--changed-since", "main").stdout
    assert ("**Facebook** · 4 foto · 267/63206 karakter · **tidak dikirim lagi (suntingan)**: sudah terkirim "
            "([tautan](https://www.facebook.com/1/posts/2)), unggahan itu tidak ikut berubah") in summary


def test_without_a_ledger_the_summary_says_so(repo):
    summary = portal(repo, "preview", f"content/berita/2026/{BASE_ITEMS[1]}").stdout
    assert ("Daftar publikasi (cabang `portal-ledger`) tidak ada di clone ini: \"akan dikirim\" di bawah berarti "
            "bila belum pernah terkirim.\n") in summary


@pytest.mark.parametrize("x_link, length, note", [
    ("reply", 209, "Tautan berita dikirim sebagai balasan atas posting di atas (`x_link: reply` di mkdocs.yml); di X, "
                   "posting bertautan berbiaya US$0,200, 13× posting tanpa tautan (US$0,015). Balasannya:\n\n"
                   "```text\nhttps://dprd.contoh.go.id/berita/2026/komisi-iii-tinjau-pembangunan-jembatan/\n```"),
    ("none", 209, "Tautan berita tidak dikirim ke X (`x_link: none` di mkdocs.yml); di X, posting bertautan berbiaya "
                  "US$0,200, 13× posting tanpa tautan (US$0,015)."),
])
def test_x_link_decides_where_the_link_goes_on_x(repo, x_link, length, note):
    config = repo / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "    social_default:", f"    x_link: {x_link}\n    social_default:", 1), encoding="utf-8")
    summary = portal(repo, "preview", f"content/berita/2026/{BASE_ITEMS[1]}").stdout
    text = code_block_after(summary, "**X** ·")
    assert "https://" not in text
    assert f"**X** · 4 foto · {length}/280 karakter · **akan dikirim**" in summary
    assert note in summary


def test_x_link_must_be_one_of_three(repo):
    config = repo / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "    social_default:", "    x_link: thread\n    social_default:", 1), encoding="utf-8")
    result = portal(repo, "check")
    assert result.returncode == 1
    assert result.stderr == ("Galat: mkdocs.yml tidak valid:\n"
                             "  - `extra.portal.x_link` 'thread' tidak dikenal (pilihan: post, reply, none)\n")


def test_mentions_are_listed_for_the_reviewer(repo):
    index = item(repo, BASE_ITEMS[1]) / "index.md"
    edit(index, "caption: Komisi III", "caption: Bersama @dinaspupr.contoh dan @bupati_contoh, Komisi III")
    edit(index, "progres fisik pekerjaan", "progres fisik pekerjaan (surel humas@dprd.contoh.go.id, @bupati_contoh)")
    summary = portal(repo, "preview", f"content/berita/2026/{BASE_ITEMS[1]}").stdout
    assert "| Akun yang disebut (@; periksa ejaannya) | @dinaspupr.contoh, @bupati\\_contoh |" in summary


def test_the_summary_words_the_states_of_a_withdrawn_items_posts():
    from pipeline.check.changes import LedgerEntry
    from pipeline.review.summary import Sent

    sent = Sent([LedgerEntry("2026-11-20-a1b2c3", "facebook", "POSTED", url="https://www.facebook.com/1_2"),
                 LedgerEntry("2026-11-20-a1b2c3", "facebook", "DELETED"),
                 LedgerEntry("2026-11-20-a1b2c3", "instagram", "MANUAL", url="https://www.instagram.com/p/Abc/")])
    assert sent.status("2026-11-20-a1b2c3", ("", ""), "facebook", None) == "**dihapus** (berita ditarik)"
    assert sent.status("2026-11-20-a1b2c3", ("", ""), "instagram", None) == \
        "**hapus manual** (berita ditarik): [tautan](https://www.instagram.com/p/Abc/)"


def test_summary_of_an_item_with_a_video_shows_it_and_what_each_platform_gets(repo):
    """The sample item with a video (issue 16), sent to every platform: the reviewer sees the video's file,
    title and captions linked to the head commit, and for each platform the video it will receive (an
    estimate from the probe: the summary encodes nothing). Instagram takes Reels of 3 s or more only."""
    name = "2026-09-29-banggar-bahas-kua-ppas-2027"
    add_sample(repo, name)
    edit(item(repo, name) / "index.md", "social: []", "social: [facebook, instagram, x, telegram]")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Berita dengan video")
    result = portal(repo, "preview", "--changed-since", "main", "--repo-url",
                    "https://github.com/dprd-kabupaten-contoh/portal-situs", "--head", HEAD_SHA)
    assert result.returncode == 0, result.stdout + result.stderr
    blob = f"https://github.com/dprd-kabupaten-contoh/portal-situs/blob/{HEAD_SHA}/content/berita/2026/{name}"
    assert (f"| 1 | [cuplikan-rapat.mp4]({blob}/cuplikan-rapat.mp4) | Cuplikan rapat Badan Anggaran dan TAPD "
            f"(contoh video) | [cuplikan-rapat.vtt]({blob}/cuplikan-rapat.vtt) |") in result.stdout
    media = re.findall(r"^\*\*(\w+)\*\* · (.+?) · \d+/\d+ karakter", result.stdout, re.M)
    video = "video Cuplikan rapat Badan Anggaran dan TAPD (contoh video) (0:08 menit, 0,3 MB)"
    assert media == [("Facebook", video), ("Instagram", video), ("X", video), ("Telegram", video)]
