"""The register against a GitHub REST emulator and a real git repository (issue 13, parts 1-4).

The repository is made by the test: an origin (bare) and a clone, a direct
push to main, two pull requests merged with ``--no-ff`` (GitHub's merge
message), the second after three review rounds ending in an approval; a third
pull request closed unmerged ("Tolak") exists only on the emulator, as it
would on GitHub. Titles, review texts and logins are hostile.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import new_project
from github_emulator import GitHubEmulator, changed, pull, review

from pipeline.config import load_config
from pipeline.register import capture
from pipeline.register.github import GitHub, GitHubError
from pipeline.register.records import Register, open_store, parse
from pipeline.register.report import content_items

REPO = Path(__file__).resolve().parent.parent
TOKEN = "ghs_emulatortoken1234567890"
HOSTILE_TITLE = '=HYPERLINK("https://evil.example","klik") <b>Kunker</b> \u202egnp.exe'
HOSTILE_REVIEW = "-Setuju <script>alert(1)</script> @ppid"
ITEM_A = "content/berita/2026/2026-11-02-sosialisasi-perda-ketertiban"
ITEM_B = "content/berita/2026/2026-11-10-rapat-paripurna-apbd"
ITEM_C = "content/berita/2026/2026-11-15-kunjungan-kerja-komisi-i"
ITEM_REJECTED = "content/berita/2026/2026-11-12-rapat-paripurna-apbd-ganda"


def git(cwd: Path, *args: str, when: str | None = None, who: tuple[str, str] = ("Admin", "1+admin@users.noreply.github.com")) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": who[0], "GIT_AUTHOR_EMAIL": who[1], "GIT_COMMITTER_NAME": who[0],
           "GIT_COMMITTER_EMAIL": who[1], "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    if when:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = when
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def add_item(root: Path, path: str, title: str, category: str = "paripurna") -> None:
    folder = root / path
    folder.mkdir(parents=True)
    date = folder.name[:10]
    (folder / "index.md").write_text(
        f"---\ntitle: {title}\ndate: {date}\ncategory: {category}\ncaption: Ringkasan kegiatan.\n"
        f"id: {date}-{hashlib.sha256(path.encode()).hexdigest()[:6]}\nphotos: []\n---\nNarasi.\n", encoding="utf-8")


HUMAS = ("Humas", "5+humas@users.noreply.github.com")
KABAG = ("Kabag", "3+kabag@users.noreply.github.com")
OPERATOR = ("Operator", "9+operator@users.noreply.github.com")


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """(clone, bare origin, {name: sha}): a direct push and two merged pull requests on main."""
    for name in ("GITHUB_TOKEN", "GITHUB_REPOSITORY", "GITHUB_SERVER_URL", "GITHUB_API_URL", "PORTAL_LEDGER_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    bare, work = tmp_path / "origin.git", new_project(tmp_path / "work")
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    git(work, "init", "-q", "-b", "main")
    (work / "content" / ".gitkeep").write_text("")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "awal", when="2026-11-01T08:00:00+07:00")
    add_item(work, ITEM_A, "Sosialisasi Perda Ketertiban Umum")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "berita sosialisasi langsung ke main", when="2026-11-04T10:00:00+07:00", who=OPERATOR)
    shas = {"direct": git(work, "rev-parse", "HEAD")}
    git(work, "checkout", "-q", "-b", "berita-apbd")
    add_item(work, ITEM_B, "Rapat Paripurna Penetapan APBD 2027")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "berita apbd", when="2026-11-10T15:00:00+07:00", who=HUMAS)
    git(work, "checkout", "-q", "main")
    git(work, "merge", "-q", "--no-ff", "berita-apbd", "-m", "Merge pull request #1 from dprd/berita-apbd",
        "-m", "Rapat Paripurna APBD 2027", when="2026-11-11T09:00:00+07:00", who=KABAG)
    shas["pr1"] = git(work, "rev-parse", "HEAD")
    git(work, "checkout", "-q", "-b", "kunker")
    add_item(work, ITEM_C, "Kunjungan Kerja Komisi I ke Kecamatan", "kunjungan-kerja")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "kunker", when="2026-11-15T12:00:00+07:00", who=HUMAS)
    (work / ITEM_C / "index.md").write_text((work / ITEM_C / "index.md").read_text() + "Perbaikan.\n")
    git(work, "commit", "-q", "-am", "perbaikan", when="2026-11-16T09:00:00+07:00", who=HUMAS)
    git(work, "checkout", "-q", "main")
    git(work, "merge", "-q", "--no-ff", "kunker", "-m", "Merge pull request #2 from dprd/kunker",
        "-m", HOSTILE_TITLE, when="2026-11-17T08:00:00+07:00", who=KABAG)
    shas["pr2"] = git(work, "rev-parse", "HEAD")
    git(work, "remote", "add", "origin", str(bare))
    git(work, "push", "-q", "origin", "main")
    return work, bare, shas


@pytest.fixture
def github(repo):
    """The emulator seeded with the repository's pull requests, the rejected ones too."""
    _, _, shas = repo
    gh = GitHubEmulator()
    gh.pulls[1] = pull(1, "Rapat Paripurna APBD 2027", "humas", "2026-11-10T08:05:00Z",
                       merged="2026-11-11T02:00:00Z", merged_by="kabag", merge_sha=shas["pr1"])
    gh.reviews[1] = [review("kabag", "APPROVED", "2026-11-11T01:50:00Z", "Setuju, silakan terbit.")]
    gh.files[1] = [changed(f"{ITEM_B}/index.md")]
    gh.pulls[2] = pull(2, HOSTILE_TITLE, "+humas", "2026-11-15T05:10:00Z", merged="2026-11-17T01:00:00Z",
                       merged_by="kabag", merge_sha=shas["pr2"])
    gh.reviews[2] = [
        review("kabag", "CHANGES_REQUESTED", "2026-11-15T07:00:00Z", "Foto kurang jelas, ganti foto 2."),
        review("@ppid", "COMMENTED", "2026-11-15T08:00:00Z", "=HYPERLINK(\"https://evil.example\")"),
        review("kabag", "CHANGES_REQUESTED", "2026-11-16T03:00:00Z", "Judul terlalu panjang."),
        review("kabag", "APPROVED", "2026-11-17T00:50:00Z", HOSTILE_REVIEW),
    ]
    gh.files[2] = [changed(f"{ITEM_C}/index.md"), changed(f"{ITEM_C}/01.jpg"), changed("mkdocs.yml", "modified")]
    gh.pulls[3] = pull(3, "Rapat Paripurna APBD (ganda)", "humas", "2026-11-12T02:00:00Z",
                       updated="2026-11-13T04:00:00Z")
    gh.reviews[3] = [review("kabag", "COMMENTED", "2026-11-12T05:00:00Z", "Cek dulu."),
                     review("kabag", "CHANGES_REQUESTED", "2026-11-13T03:00:00Z", "Sudah diberitakan di #1; ditutup.")]
    gh.files[3] = [changed(f"{ITEM_REJECTED}/index.md")]
    gh.pulls[4] = pull(4, "Ubah halaman profil", "humas", "2026-11-13T02:00:00Z", updated="2026-11-14T04:00:00Z")
    gh.files[4] = [changed("content/halaman/profil.md", "modified")]
    gh.pulls[5] = pull(5, '=HYPERLINK("https://evil.example","Berita pribadi")', "-tamu", "2026-11-14T02:00:00Z", updated="2026-11-14T06:00:00Z")
    gh.files[5] = [changed("content/berita/2026/2026-11-14-acara-pribadi/index.md")]
    gh.comments[5] = [{"id": 1, "user": {"login": "ppid"}, "body": "Ditolak: bukan kegiatan DPRD.",
                       "created_at": "2026-11-14T06:00:00Z"}]
    gh.commits = {shas["pr1"]: [1], shas["pr2"]: [2], shas["direct"]: []}
    gh.start()
    yield gh
    gh.stop()


def client_for(gh: GitHubEmulator, sleeps: list | None = None, **kwargs) -> GitHub:
    record = sleeps.append if sleeps is not None else (lambda seconds: None)
    return GitHub(gh.repository, gh.token, gh.url, sleep=record, clock=lambda: gh.now, **kwargs)


def branch_lines(bare: Path) -> list[dict]:
    """The register records on origin's portal-ledger branch (none when it does not exist)."""
    result = subprocess.run(["git", "show", "portal-ledger:register.jsonl"], cwd=bare, capture_output=True, text=True)
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()] if result.returncode == 0 else []


def run_capture(work: Path, sha: str, client: GitHub | None, now: str) -> int:
    _, ids = content_items(load_config(work))
    return capture.capture(work, sha, client, Register(open_store(work, env={})), ids, now=now)


# --------------------------------------------------------------------------- capture


def test_capture_keeps_every_review_round_in_order_and_records_the_rejections(repo, github):
    work, bare, shas = repo
    github.page_cap = 2  # four reviews: two pages, followed through Link rel="next"
    assert run_capture(work, shas["pr2"], client_for(github), "2026-11-17T01:30:00Z") == 3
    lines = branch_lines(bare)
    approval = next(r for r in lines if r["kind"] == "approval")
    assert approval["path"] == ITEM_C and approval["pr"] == {
        "number": 2, "url": "https://github.com/dprd/portal/pull/2", "title": HOSTILE_TITLE}
    assert [(r["reviewer"], r["state"]) for r in approval["reviews"]] == [
        ("kabag", "CHANGES_REQUESTED"), ("@ppid", "COMMENTED"), ("kabag", "CHANGES_REQUESTED"), ("kabag", "APPROVED")]
    assert approval["reviews"][-1]["text"] == HOSTILE_REVIEW
    assert (approval["author"], approval["merged_by"], approval["commit"]) == ("+humas", "kabag", shas["pr2"])
    rejections = {r["path"]: r["rejection_reason"] for r in lines if r["kind"] == "rejection"}
    assert rejections == {ITEM_REJECTED: "Sudah diberitakan di #1; ditutup.",
                          "content/berita/2026/2026-11-14-acara-pribadi": "Ditolak: bukan kegiatan DPRD."}
    paths = [path for path, _ in github.requests]
    assert any("/pulls/2/reviews?per_page=100&page=2" in p for p in paths)
    headers = github.requests[0][1]
    assert headers["Accept"] == "application/vnd.github+json"
    assert headers["X-GitHub-Api-Version"] == "2022-11-28"
    # A second run (and a run for the same commit after a crash) converges: nothing new, no duplicate.
    assert run_capture(work, shas["pr2"], client_for(github), "2026-11-17T02:00:00Z") == 0
    assert branch_lines(bare) == lines


def test_capture_of_a_direct_push_records_it_as_such(repo, github):
    work, bare, shas = repo
    run_capture(work, shas["direct"], client_for(github), "2026-11-04T03:10:00Z")
    direct = [r for r in branch_lines(bare) if r["kind"] == "direct"]
    assert [(r["path"], r["pr"], r["author"], r["commit"]) for r in direct] == [(ITEM_A, None, "operator", shas["direct"])]


def test_the_register_keeps_the_post_ledger_beside_it(repo, github):
    work, bare, shas = repo
    from pipeline.social.ledger import GitBranchStore, Ledger, Record

    ledger = Ledger(GitBranchStore(work), key=b"k" * 32)
    ledger.load()
    ledger.append(Record(item="x", platform="x", state="PLANNED", time="2026-11-11T03:00:00Z"))
    run_capture(work, shas["pr1"], client_for(github), "2026-11-11T03:00:00Z")
    names = git(bare, "ls-tree", "--name-only", "portal-ledger").split()
    assert names == ["README.md", "ledger.jsonl", "register.jsonl"]


# --------------------------------------------------------------------------- limits and contract


@pytest.mark.parametrize("fault, options, waited", [
    ("secondary", {"retry_after": 7}, [7.0]),
    ("secondary", {"retry_after": None}, [60.0]),
    ("primary", {"reset_in": 30}, [31.0]),
])
def test_rate_limits_are_waited_out_as_github_documents(github, fault, options, waited):
    sleeps: list[float] = []
    github.inject("/pulls/2/reviews", fault, **options)
    reviews = client_for(github, sleeps).reviews(2)
    assert sleeps == waited and len(reviews) == 4


def test_a_wait_longer_than_the_bound_is_a_clear_error(github):
    github.inject("/pulls/2/reviews", "primary", reset_in=3600)
    with pytest.raises(GitHubError) as caught:
        client_for(github, max_wait=300).reviews(2)
    assert str(caught.value) == (
        "GitHub API /repos/dprd/portal/pulls/2/reviews: batas laju (rate limit) tercapai; GitHub meminta menunggu "
        "3601 detik, lebih dari batas 300 detik. Jalankan lagi `portal register` setelah itu; belum ada yang dicatat.")


def test_an_unknown_commit_is_a_clear_error(repo, github):
    work, bare, shas = repo
    del github.commits[shas["pr1"]]
    with pytest.raises(GitHubError) as caught:
        run_capture(work, shas["pr1"], client_for(github), "2026-11-11T03:00:00Z")
    assert str(caught.value) == (
        f"GitHub API /repos/dprd/portal/commits/{shas['pr1']}/pulls menjawab HTTP 404 (No commit found for SHA: "
        f"{shas['pr1']}): tidak ditemukan: periksa SHA commit atau nomor pull request, dan nama repositori.")
    assert branch_lines(bare) == []


def test_a_wrong_token_is_refused_without_showing_it(github):
    client = GitHub(github.repository, "ghp_wrongtoken123456", github.url)
    with pytest.raises(GitHubError) as caught:
        client.pull(1)
    assert str(caught.value) == ("GitHub API /repos/dprd/portal/pulls/1 menjawab HTTP 401 (Requires authentication): "
                                 "GITHUB_TOKEN ditolak: periksa token dan izinnya (pull-requests: read).")


@pytest.mark.parametrize("prefix, fault, options, problem", [
    ("/pulls/2", "missing", {"field": "merged_at"}, "`merged_at` tidak ada"),
    ("/pulls/2/reviews", "missing", {"field": "state"}, "`state` tidak ada"),
    ("/pulls/2/files", "not_json", {}, "jawaban bukan JSON"),
])
def test_an_answer_outside_the_contract_is_an_exact_error_and_nothing_is_written(repo, github, prefix, fault,
                                                                                 options, problem):
    work, bare, shas = repo
    github.inject(prefix, fault, **options)
    with pytest.raises(GitHubError) as caught:
        run_capture(work, shas["pr2"], client_for(github), "2026-11-17T01:30:00Z")
    assert str(caught.value) == (
        f"jawaban GitHub API /repos/dprd/portal{prefix} tidak sesuai kontrak ({problem}); tidak ada yang dicatat. "
        "Jalankan lagi nanti; bila berulang, laporkan ke admin portal.")
    assert branch_lines(bare) == []


# --------------------------------------------------------------------------- a killed run


def cli(work: Path, gh: GitHubEmulator, *args: str) -> subprocess.Popen:
    env = {**os.environ, "GITHUB_TOKEN": gh.token, "GITHUB_REPOSITORY": gh.repository, "GITHUB_API_URL": gh.url}
    return subprocess.Popen([sys.executable, "-m", "pipeline", "register", *args], cwd=work, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_run_killed_with_sigkill_then_run_again_converges_without_duplicates(repo, github):
    work, bare, shas = repo
    run_capture(work, shas["pr1"], client_for(github), "2026-11-11T03:00:00Z")
    before = branch_lines(bare)
    github.inject("/pulls/5/files", "hold")  # late in the run: the approval of #2 is already collected
    process = cli(work, github, "capture", "--sha", shas["pr2"])
    assert github.holding.wait(30), process.communicate(timeout=5)
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    assert branch_lines(bare) == before  # nothing half-written
    github.release.set()
    for expected in ("Register: 1 catatan baru.", "Register: 0 catatan baru."):
        out, err = cli(work, github, "capture", "--sha", shas["pr2"]).communicate(timeout=60)
        assert out.strip() == expected, err
    keys = [(r["item"], (r["pr"] or {}).get("number") or r["commit"], r["kind"]) for r in branch_lines(bare)]
    assert len(keys) == len(set(keys)) == 4
    assert parse("\n".join(json.dumps(r) for r in branch_lines(bare)))  # still a valid register file


def test_a_token_echoed_in_an_error_is_redacted(github):
    github.pulls[9] = pull(9, "x", "humas", "2026-11-10T08:05:00Z")
    github.inject("/pulls/9", "echo")
    with pytest.raises(GitHubError) as caught:
        client_for(github).pull(9)
    assert TOKEN not in str(caught.value)
    assert str(caught.value) == ("GitHub API /repos/dprd/portal/pulls/9 menjawab HTTP 422 (Bad credentials Bearer "
                                 "***): GitHub menolak permintaan.")


def test_without_a_token_capture_records_what_git_knows(repo):
    work, bare, shas = repo
    assert run_capture(work, shas["pr2"], None, "2026-11-17T01:30:00Z") == 1
    (record,) = branch_lines(bare)
    assert (record["kind"], record["source"], record["pr"]["number"], record["reviews"], record["live_at"]) == (
        "approval", "git", 2, [], "2026-11-17T01:30:00Z")
