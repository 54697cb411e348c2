"""The publication ledger: records, the local file store and the git branch store, on real git repositories."""

from __future__ import annotations

import base64
import json
import os
import subprocess
from types import SimpleNamespace

import pytest

import pipeline.social.ledger as ledger_module
from pipeline.errors import PortalError
from pipeline.social.ledger import (README, FileStore, GitBranchStore, Ledger, LedgerError, Record, _git_env, _redact,
                                    key_from_env, last_mac, signed_line)

TOKEN = "ghs-SENTINEL-7f3a"
KEY = b"k" * 32
BASIC = base64.b64encode(f"x-access-token:{TOKEN}".encode()).decode()


@pytest.fixture(autouse=True)
def isolated_git(monkeypatch):
    """Neither the developer's nor the machine's git configuration (signing, hooks, identity) leaks in."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("GIT_CONFIG_COUNT", "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(name, raising=False)


def git(cwd, *args) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def origin(tmp_path):
    """A bare origin with one commit of content on main, and a function making fresh clones of it."""
    bare, seed = tmp_path / "origin.git", tmp_path / "seed"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    (seed / "content" / "berita").mkdir(parents=True)
    (seed / "mkdocs.yml").write_text("site_name: x\n")
    (seed / "content" / "berita" / "index.md").write_text("# Berita\n")
    git(seed, "init", "-q", "-b", "main")
    git(seed, "add", "-A")
    git(seed, "-c", "user.name=a", "-c", "user.email=a@b", "commit", "-q", "-m", "awal")
    git(seed, "push", "-q", str(bare), "main")
    count = iter(range(100))

    def clone():
        path = tmp_path / f"clone{next(count)}"
        git(tmp_path, "clone", "-q", str(bare), str(path))
        return path

    clone.bare = bare
    return clone


def record(item, state, platform="x", **more):
    return Record(item=item, platform=platform, state=state, time="2026-11-22T10:00:00Z", **more)


def loaded(store, key=KEY) -> Ledger:
    ledger = Ledger(store, key)
    ledger.load()
    return ledger


def signed(*records: Record, previous: str = "") -> str:
    """The ledger lines of ``records``, signed with KEY and chained from ``previous``."""
    lines = []
    for each in records:
        lines.append(signed_line(KEY, previous, each.values()))
        previous = last_mac(lines[-1])
    return "\n".join(lines) + "\n"


# --- records ---------------------------------------------------------------------------------------------------


def test_a_record_is_one_sorted_line_without_its_empty_optional_fields():
    full = record("i", "POSTED", platform="instagram", path="content/berita/2026/2026-11-20-x", remote_id="17",
                  url="https://instagram.com/p/1", message="Rapat — “APBD”", data={"container_id": "c9"})
    line = full.to_json()
    assert "\n" not in line and "“APBD”" in line  # ensure_ascii=False: the register stays readable
    assert list(json.loads(line)) == sorted(json.loads(line))
    assert Record.from_json(line) == full
    assert record("i", "PLANNED").to_json() == (
        '{"item": "i", "platform": "x", "state": "PLANNED", "time": "2026-11-22T10:00:00Z"}')


@pytest.mark.parametrize("line", ['{rusak', '[1]', '{"item": "i", "platform": "x", "time": "t"}',
                                  '{"item": "i", "platform": "x", "state": "DONE", "time": "t"}',
                                  '{"item": "i", "platform": "x", "state": "POSTED", "time": "t", "data": []}'])
def test_from_json_refuses_what_is_not_a_record(line):
    with pytest.raises(ValueError):
        Record.from_json(line)


def test_a_record_that_could_not_be_read_back_is_never_written(tmp_path):
    store = FileStore(tmp_path / "ledger.jsonl")
    with pytest.raises(ValueError):
        Ledger(store).append(record("i", "DONE"))
    assert store.read() == ""


# --- the ledger over a file ------------------------------------------------------------------------------------


def test_latest_is_the_last_state_per_item_and_platform_and_pending_the_attempting_ones(tmp_path):
    ledger = loaded(FileStore(tmp_path / "ledger.jsonl"))
    for item, platform, state in [("a", "x", "PLANNED"), ("a", "x", "ATTEMPTING"), ("a", "telegram", "ATTEMPTING"),
                                  ("b", "x", "ATTEMPTING"), ("a", "x", "POSTED"), ("c", "x", "ATTEMPTING"),
                                  ("b", "x", "FAILED"), ("b", "x", "ATTEMPTING")]:
        ledger.append(record(item, state, platform=platform))
    again = loaded(FileStore(tmp_path / "ledger.jsonl"))
    for each in (ledger, again):
        assert each.latest("a", "x").state == "POSTED"
        assert each.latest("a", "telegram").state == "ATTEMPTING"
        assert each.latest("a", "facebook") is None
        assert [(r.item, r.platform) for r in each.pending()] == [("a", "telegram"), ("c", "x"), ("b", "x")]
        assert len(each.records()) == 8


def test_a_malformed_line_is_reported_with_its_number(tmp_path):
    path = tmp_path / "ledger.jsonl"
    path.write_text(signed(record("i", "PLANNED")) + "\n" + '{"item": "i"}\n', encoding="utf-8")
    with pytest.raises(LedgerError) as error:
        loaded(FileStore(path))
    assert str(error.value).startswith("baris 3 daftar publikasi rusak: ")
    assert isinstance(error.value, PortalError)  # shown as "Galat: ..." without a traceback


def test_the_file_store_creates_its_folders_appends_exact_lines_and_fsyncs(tmp_path, monkeypatch):
    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))
    path = tmp_path / "a" / "b" / "ledger.jsonl"
    store = FileStore(path)
    assert store.read() == "" and not path.exists()
    store.append("satu")
    assert len(synced) == 2  # the file, then the folder that now holds it
    store.append("dua ✓")
    assert len(synced) == 3
    assert path.read_bytes() == "satu\ndua ✓\n".encode("utf-8") == store.read().encode("utf-8")


def test_a_line_torn_by_a_killed_run_is_not_glued_to_the_next_record(tmp_path):
    path = tmp_path / "ledger.jsonl"
    path.write_text(signed(record("i", "PLANNED")) + '{"item": "i", "pla', encoding="utf-8")
    FileStore(path).append(record("j", "PLANNED").to_json())
    assert path.read_text(encoding="utf-8").splitlines()[2] == record("j", "PLANNED").to_json()
    with pytest.raises(LedgerError, match="^baris 2 "):  # the torn line is named, never silently dropped
        loaded(FileStore(path))


def test_line_separators_inside_a_message_do_not_split_the_record(tmp_path):
    odd = record("i", "FAILED", message="galat\u2028baris\x85lagi\r")
    ledger = loaded(FileStore(tmp_path / "ledger.jsonl"))
    ledger.append(odd)
    assert loaded(FileStore(tmp_path / "ledger.jsonl")).records() == [odd]


def test_an_unwritable_file_is_a_ledger_error(tmp_path):
    (tmp_path / "berkas").write_text("bukan folder")
    with pytest.raises(LedgerError, match="tidak dapat ditulis"):
        FileStore(tmp_path / "berkas" / "ledger.jsonl").append("x")


# --- the ledger on a git branch --------------------------------------------------------------------------------


def test_a_fresh_clone_without_the_branch_has_an_empty_ledger(origin):
    store = GitBranchStore(origin())
    ledger = loaded(store)
    assert ledger.records() == [] and ledger.pending() == [] and store.tip is None


def test_appends_are_pushed_and_a_second_fresh_clone_sees_them(origin, monkeypatch):
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(name, raising=False)  # a CI machine without a git identity
    work = origin()
    ledger = loaded(GitBranchStore(work))
    ledger.append(record("i", "PLANNED", path="content/berita/2026/2026-11-20-x"))
    ledger.append(record("i", "ATTEMPTING"))
    ledger.append(record("i", "POSTED", remote_id="99", url="https://x.com/dprd/status/99"))

    fresh = loaded(GitBranchStore(origin()))
    assert fresh.records() == ledger.records()
    assert fresh.latest("i", "x").remote_id == "99"
    bare = origin.bare
    assert git(bare, "show", "portal-ledger:README.md") == README
    assert git(bare, "ls-tree", "--name-only", "portal-ledger").split() == ["README.md", "ledger.jsonl"]
    assert git(bare, "log", "--format=%s|%an <%ae>|%cn", "portal-ledger").splitlines() == [
        f"ledger: i x {s}|portal <portal@localhost>|portal" for s in ("POSTED", "ATTEMPTING", "PLANNED")]
    assert git(bare, "rev-parse", "portal-ledger") == git(work, "rev-parse", "refs/heads/portal-ledger")


def test_appends_never_touch_the_checkout(origin):
    work = origin()
    (work / "mkdocs.yml").write_text("site_name: diubah\n")  # modified, unstaged
    (work / "draft.md").write_text("belum di-commit\n")
    git(work, "add", "draft.md")  # staged
    (work / "catatan.txt").write_text("untracked\n")

    def snapshot():
        return (git(work, "rev-parse", "HEAD"), git(work, "branch", "--show-current"),
                git(work, "status", "--porcelain"), git(work, "ls-files", "--stage"),
                sorted(p.name for p in work.iterdir()))

    before = snapshot()
    ledger = loaded(GitBranchStore(work))
    ledger.append(record("i", "PLANNED"))
    ledger.append(record("i", "POSTED"))
    assert snapshot() == before
    assert (work / "mkdocs.yml").read_text() == "site_name: diubah\n"


def test_two_runs_appending_alternately_lose_no_line(origin):
    a, b = loaded(GitBranchStore(origin())), loaded(GitBranchStore(origin()))  # both: "no ledger yet"
    for n in range(3):
        a.append(record(f"a{n}", "PLANNED"))
        b.append(record(f"b{n}", "PLANNED"))  # rejected as non-fast-forward, re-applied on a's tip
    lines = git(origin.bare, "show", "portal-ledger:ledger.jsonl").splitlines()
    assert [Record.from_json(line).item for line in lines] == ["a0", "b0", "a1", "b1", "a2", "b2"]
    # b's lines were signed again on a's tip: the chain holds across the race.
    assert [r.item for r in loaded(GitBranchStore(origin())).records()] == ["a0", "b0", "a1", "b1", "a2", "b2"]
    assert len(git(origin.bare, "rev-list", "portal-ledger").split()) == 6  # a linear history, one commit a line


def test_a_run_that_keeps_losing_the_race_gives_up_with_a_clear_error(origin, monkeypatch):
    store = GitBranchStore(origin())
    loaded(store)
    monkeypatch.setattr(store, "_publish", lambda commit: False)
    with pytest.raises(LedgerError, match="terus diubah proses lain"):
        store.append(record("i", "PLANNED").to_json())


def test_a_push_refused_for_another_reason_is_not_retried(origin):
    hook = origin.bare / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'cabang dilindungi' >&2\nexit 1\n")
    hook.chmod(0o755)
    ledger = loaded(GitBranchStore(origin()))
    with pytest.raises(LedgerError) as error:
        ledger.append(record("i", "PLANNED"))
    assert str(error.value).startswith("daftar publikasi tidak dapat dikirim ke origin: ")
    assert "cabang dilindungi" in str(error.value)
    assert ledger.records() == []  # not remembered: it was not stored


def test_a_malformed_line_on_the_branch_is_reported_with_its_number(origin):
    ledger = loaded(GitBranchStore(origin()))
    ledger.append(record("i", "PLANNED"))
    store = GitBranchStore(origin())
    store.read()
    store.append("bukan json")  # the store writes whatever line it is given
    with pytest.raises(LedgerError, match="^baris 2 daftar publikasi rusak: 'bukan json'"):
        loaded(GitBranchStore(origin()))


def test_without_a_remote_the_local_branch_is_the_ledger(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    a, b = loaded(GitBranchStore(repo)), loaded(GitBranchStore(repo, remote=None))
    a.append(record("a", "PLANNED"))
    b.append(record("b", "PLANNED"))  # its tip is stale: the compare-and-swap makes it re-read
    assert [r.item for r in loaded(GitBranchStore(repo)).records()] == ["a", "b"]
    assert git(repo, "status", "--porcelain") == ""


def test_a_folder_outside_git_is_a_clear_error(tmp_path):
    with pytest.raises(LedgerError, match="bukan repositori git.*--ledger PATH"):
        GitBranchStore(tmp_path)


# --- the token -------------------------------------------------------------------------------------------------


@pytest.fixture
def spy(monkeypatch):
    """Every git command the ledger runs: (argv, env)."""
    calls = []
    real_run = subprocess.run

    def run(args, **kwargs):
        calls.append((list(args), dict(kwargs["env"])))
        return real_run(args, **kwargs)

    # Only the ledger module sees the spy: the tests' own git calls are not recorded.
    monkeypatch.setattr(ledger_module, "subprocess", SimpleNamespace(run=run))
    return calls


def test_the_token_env_carries_an_authorization_header_only():
    env = _git_env(TOKEN, base={"PATH": "/usr/bin"})
    assert env["GIT_CONFIG_COUNT"] == "1"
    assert env["GIT_CONFIG_KEY_0"] == "http.extraheader"
    assert env["GIT_CONFIG_VALUE_0"] == f"AUTHORIZATION: basic {BASIC}"
    assert env["GIT_TERMINAL_PROMPT"] == "0" and env["GIT_AUTHOR_NAME"] == "portal"
    assert not any("GIT_CONFIG" in k for k in _git_env(None, base={}))
    # Entries already in the environment are kept; ours goes after them.
    env = _git_env(TOKEN, base={"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "a.b", "GIT_CONFIG_VALUE_0": "c",
                                "GIT_AUTHOR_NAME": "Tim"})
    assert (env["GIT_CONFIG_COUNT"], env["GIT_CONFIG_KEY_0"], env["GIT_CONFIG_KEY_1"]) == ("2", "a.b",
                                                                                          "http.extraheader")
    assert env["GIT_AUTHOR_NAME"] == "Tim"


def test_redaction_covers_the_token_and_its_base64():
    text = f"fatal: {TOKEN} AUTHORIZATION: basic {BASIC} {base64.b64encode(TOKEN.encode()).decode()}"
    assert _redact(text, TOKEN) == "fatal: *** AUTHORIZATION: basic *** ***"
    assert _redact(text, None) == text


def test_a_local_path_remote_is_never_given_the_token(origin, spy):
    ledger = loaded(GitBranchStore(origin(), token=TOKEN))
    ledger.append(record("i", "PLANNED"))
    assert spy and all(TOKEN not in " ".join(argv) and "GIT_CONFIG_COUNT" not in env for argv, env in spy)


def test_an_https_remote_gets_the_token_in_the_environment_of_fetch_and_push_only(origin, spy):
    work = origin()
    # Fetch from the local origin, push to a port where nothing listens; the URL carries the secrets
    # so that git's own error message contains them and redaction is really exercised.
    git(work, "remote", "set-url", "--push", "origin", f"https://127.0.0.1:9/{TOKEN}/{BASIC}/portal.git")
    config = (work / ".git" / "config").read_text()
    ledger = loaded(GitBranchStore(work, token=TOKEN))
    with pytest.raises(LedgerError) as error:
        ledger.append(record("i", "PLANNED"))
    message = str(error.value)
    assert message.startswith("daftar publikasi tidak dapat dikirim ke origin: ") and "127.0.0.1" in message
    assert TOKEN not in message and BASIC not in message and "***" in message

    header = f"AUTHORIZATION: basic {BASIC}"
    assert all(TOKEN not in " ".join(argv) and BASIC not in " ".join(argv) for argv, _ in spy)
    by_command = {argv[1]: env for argv, env in spy}
    assert by_command["fetch"]["GIT_CONFIG_VALUE_0"] == header
    assert by_command["push"]["GIT_CONFIG_VALUE_0"] == header
    assert all("GIT_CONFIG_COUNT" not in env for argv, env in spy if argv[1] not in ("fetch", "push"))
    assert (work / ".git" / "config").read_text() == config  # nothing stored in git's configuration


def test_an_unreachable_https_remote_is_a_redacted_error_not_an_empty_ledger(origin):
    work = origin()
    git(work, "remote", "set-url", "origin", f"https://127.0.0.1:9/{TOKEN}/portal.git")
    with pytest.raises(LedgerError) as error:
        loaded(GitBranchStore(work, token=TOKEN))
    message = str(error.value)
    assert message.startswith("daftar publikasi tidak dapat diambil dari origin: ")
    assert TOKEN not in message and BASIC not in message


# The lifecycle README.md ("portal publish") and docs/panduan-admin.md promise.
DOCUMENTED_STATES = ["PLANNED", "ATTEMPTING", "POSTED", "FAILED", "UNKNOWN"]


def test_every_documented_state_is_stored_and_read_back_and_no_other(tmp_path):
    path = tmp_path / "ledger.jsonl"
    ledger = loaded(FileStore(path))
    for state in DOCUMENTED_STATES:
        ledger.append(record(f"item-{state}", state))
    for wrong in ("posted", "DONE", "SKIPPED", " POSTED"):
        with pytest.raises(ValueError) as info:
            ledger.append(record("item-x", wrong))
        assert str(info.value) == f"invalid ledger record: status {wrong!r} tidak dikenal"
    assert [r.state for r in loaded(FileStore(path)).records()] == DOCUMENTED_STATES


# --- signatures (issue 12: a ledger nobody can bend) -----------------------------------------------------------

BROKEN = (". Baris ini tidak ditulis oleh `portal publish` dengan kunci PORTAL_LEDGER_KEY, atau ada baris sebelumnya "
          "yang dihapus atau ditukar urutannya; tidak ada yang diunggah. Periksa riwayat cabang portal-ledger "
          "(git log -p portal-ledger), lalu lihat docs/panduan-admin.md.")


def three_lines(tmp_path):
    """A signed ledger of one post's three states; its path and lines."""
    path = tmp_path / "ledger.jsonl"
    ledger = loaded(FileStore(path))
    for state in ("PLANNED", "ATTEMPTING", "POSTED"):
        ledger.append(record("i", state, path="content/berita/2026/2026-11-20-x"))
    return path, path.read_text(encoding="utf-8").splitlines()


def refusal(path) -> str:
    with pytest.raises(LedgerError) as error:
        loaded(FileStore(path))
    return str(error.value)


def test_every_line_carries_a_mac_chained_to_the_previous_line(tmp_path):
    path, lines = three_lines(tmp_path)
    macs = [json.loads(line)["mac"] for line in lines]
    assert len(set(macs)) == 3 and all(len(mac) == 64 for mac in macs)
    assert [r.state for r in loaded(FileStore(path)).records()] == ["PLANNED", "ATTEMPTING", "POSTED"]
    # The same record after another line gets another mac: a line cannot be moved.
    assert signed(record("i", "POSTED")) != signed(record("i", "POSTED"), previous=macs[0])


def test_a_forged_planned_line_is_refused_naming_it(tmp_path):
    path, lines = three_lines(tmp_path)
    forged = json.dumps({"item": "i", "platform": "x", "state": "PLANNED", "time": "2026-11-23T00:00:00Z",
                         "mac": "0" * 64}, sort_keys=True)
    path.write_text("\n".join([*lines, forged]) + "\n", encoding="utf-8")
    assert refusal(path) == f"baris 4 daftar publikasi tidak sah (tanda tangan tidak cocok): {forged[:80]!r}" + BROKEN


def test_a_forged_posted_line_signed_with_another_key_is_refused(tmp_path):
    path = tmp_path / "ledger.jsonl"
    loaded(FileStore(path)).append(record("i", "PLANNED"))
    Ledger(FileStore(path), b"kunci-lain-yang-cukup-panjang-32+").append(record("j", "POSTED"))
    line = path.read_text(encoding="utf-8").splitlines()[1]
    assert refusal(path) == f"baris 2 daftar publikasi tidak sah (tanda tangan tidak cocok): {line[:80]!r}" + BROKEN


def test_an_unsigned_line_is_refused(tmp_path):
    path = tmp_path / "ledger.jsonl"
    line = record("i", "POSTED").to_json()
    path.write_text(line + "\n", encoding="utf-8")
    assert refusal(path) == f"baris 1 daftar publikasi tidak sah (tanpa tanda tangan): {line[:80]!r}" + BROKEN


def test_a_deleted_line_breaks_the_chain_at_the_next_line(tmp_path):
    path, lines = three_lines(tmp_path)
    path.write_text("\n".join([lines[0], lines[2]]) + "\n", encoding="utf-8")
    assert refusal(path).startswith(f"baris 2 daftar publikasi tidak sah (tanda tangan tidak cocok): {lines[2][:80]!r}")


def test_reordered_lines_are_refused(tmp_path):
    path, lines = three_lines(tmp_path)
    path.write_text("\n".join([lines[0], lines[2], lines[1]]) + "\n", encoding="utf-8")
    assert refusal(path).startswith(f"baris 2 daftar publikasi tidak sah (tanda tangan tidak cocok): {lines[2][:80]!r}")


def test_an_edited_field_is_refused(tmp_path):
    path, lines = three_lines(tmp_path)
    edited = lines[2].replace('"POSTED"', '"FAILED"')
    path.write_text("\n".join([*lines[:2], edited]) + "\n", encoding="utf-8")
    assert refusal(path).startswith("baris 3 daftar publikasi tidak sah (tanda tangan tidak cocok): ")


def test_without_a_key_lines_are_read_unverified_and_nothing_is_written(tmp_path):
    path, _ = three_lines(tmp_path)
    ledger = loaded(FileStore(path), key=None)  # the reviewer summary: no production secrets
    assert ledger.latest("i", "x").state == "POSTED"
    with pytest.raises(LedgerError, match="^PORTAL_LEDGER_KEY belum diatur: daftar publikasi tidak dapat ditulis"):
        ledger.append(record("i", "PLANNED"))


def test_the_key_comes_from_the_environment_and_must_be_long_enough():
    assert key_from_env({"PORTAL_LEDGER_KEY": "a" * 64}) == b"a" * 64
    with pytest.raises(LedgerError) as error:
        key_from_env({})
    assert str(error.value) == (
        "PORTAL_LEDGER_KEY belum diatur di environment: tanpa kunci ini daftar publikasi tidak dapat diperiksa "
        "keasliannya, jadi tidak ada yang diunggah. Isi secret PORTAL_LEDGER_KEY di environment production "
        "(lihat docs/panduan-admin.md).")
    with pytest.raises(LedgerError) as error:
        key_from_env({"PORTAL_LEDGER_KEY": "pendek"})
    assert str(error.value) == ("PORTAL_LEDGER_KEY terlalu pendek (6 karakter; minimal 32). Buat kunci baru dengan "
                                "`openssl rand -hex 32`.")


def test_found_tells_a_missing_ledger_from_an_empty_one(tmp_path, origin):
    path = tmp_path / "ledger.jsonl"
    assert not loaded(FileStore(path)).found
    path.write_text("")
    assert loaded(FileStore(path)).found
    work = origin()
    assert not loaded(GitBranchStore(work)).found
    loaded(GitBranchStore(work)).append(record("i", "PLANNED"))
    assert loaded(GitBranchStore(origin())).found


def test_a_new_ledger_opens_with_a_signed_start_line_and_keeps_the_old_history(tmp_path, origin):
    path, lines = three_lines(tmp_path)
    ledger = Ledger(FileStore(path), KEY)
    ledger.start("2026-11-20", "2026-11-21T00:00:00Z")
    ledger.append(record("j", "PLANNED"))
    again = loaded(FileStore(path))
    assert again.since == "2026-11-20" and [r.item for r in again.records()] == ["j"]
    assert (tmp_path / "ledger.jsonl.lama").read_text(encoding="utf-8").splitlines() == lines
    # On the branch: a new file on top of the old one, which stays in the branch's history.
    work = origin()
    old = loaded(GitBranchStore(work))
    old.append(record("i", "POSTED"))
    fresh = Ledger(GitBranchStore(work), KEY)
    fresh.start("2026-11-20", "2026-11-21T00:00:00Z")
    reread = loaded(GitBranchStore(origin()))
    assert reread.since == "2026-11-20" and reread.records() == []
    assert git(origin.bare, "log", "--format=%s", "portal-ledger").splitlines() == ["ledger: daftar baru",
                                                                                     "ledger: i x POSTED"]


def test_a_start_line_in_the_middle_is_refused(tmp_path):
    path = tmp_path / "ledger.jsonl"
    ledger = loaded(FileStore(path))
    ledger.append(record("i", "PLANNED"))
    FileStore(path).append(lambda content: signed_line(KEY, last_mac(content), {"kind": "start", "since": "2020-01-01",
                                                                                   "time": "t"}))
    assert refusal(path).startswith("baris 2 daftar publikasi tidak sah (baris awal daftar baru di tengah daftar): ")


def test_an_item_posted_under_another_id_is_found_by_its_folder(tmp_path):
    ledger = loaded(FileStore(tmp_path / "ledger.jsonl"))
    folder = "content/berita/2026/2026-11-20-x"
    ledger.append(record("lama", "PLANNED", path=folder))
    ledger.append(record("lama", "POSTED", path=folder, url="https://x.com/dprd/status/1"))
    assert ledger.posted_under_other_id("baru", folder, "x").url == "https://x.com/dprd/status/1"
    assert ledger.posted_under_other_id("lama", folder, "x") is None
    assert ledger.posted_under_other_id("baru", folder, "telegram") is None
    assert ledger.posted_under_other_id("baru", "content/berita/2026/lain", "x") is None
