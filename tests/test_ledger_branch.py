"""The ledger on a git branch: durable, shared through origin, race-safe, never touching the checkout."""

import base64
import os
import subprocess

import pytest

from pipeline.ledger import FileStore, GitBranchStore, Ledger, LedgerError, Record

ENV = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(cwd, *args):
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=ENV)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def origin(tmp_path):
    """A bare origin with one commit on main, and a function making fresh clones of it."""
    bare, seed = tmp_path / "origin.git", tmp_path / "seed"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    seed.mkdir()
    (seed / "mkdocs.yml").write_text("site_name: x\n")
    git(seed, "init", "-q", "-b", "main")
    git(seed, "add", "-A")
    git(seed, "-c", "user.name=a", "-c", "user.email=a@b", "commit", "-q", "-m", "awal")
    git(seed, "push", "-q", str(bare), "main")
    count = iter(range(100))

    def clone():
        path = tmp_path / f"clone{next(count)}"
        git(tmp_path, "clone", "-q", str(bare), str(path))
        return path

    return bare, clone


def record(item, state, platform="x"):
    return Record(item=item, platform=platform, state=state, time="2026-11-22T10:00:00Z")


def test_two_runs_appending_alternately_lose_no_line(origin):
    bare, clone = origin
    a, b = Ledger(GitBranchStore(clone())), Ledger(GitBranchStore(clone()))
    a.load()
    b.load()  # both start from "no ledger yet"
    for n in range(3):
        a.append(record(f"a{n}", "PLANNED"))
        b.append(record(f"b{n}", "PLANNED"))  # rejected as non-fast-forward, re-applied on a's tip
    fresh = Ledger(GitBranchStore(clone()))
    fresh.load()
    assert sorted(r.item for r in fresh.records()) == ["a0", "a1", "a2", "b0", "b1", "b2"]
    assert git(bare, "show", "portal-ledger:README.md").startswith("# portal-ledger")


def test_the_checkout_is_never_touched(origin):
    _, clone = origin
    work = clone()
    (work / "draft.md").write_text("belum di-commit\n")
    git(work, "add", "draft.md")
    state = (git(work, "rev-parse", "HEAD"), git(work, "status", "--porcelain"), git(work, "branch", "--show-current"))
    ledger = Ledger(GitBranchStore(work))
    ledger.load()
    ledger.append(record("i", "POSTED"))
    assert (git(work, "rev-parse", "HEAD"), git(work, "status", "--porcelain"),
            git(work, "branch", "--show-current")) == state
    assert ledger.latest("i", "x").state == "POSTED" and not ledger.pending()


def test_a_malformed_line_is_reported_with_its_number(tmp_path):
    path = tmp_path / "ledger.jsonl"
    path.write_text(record("i", "PLANNED").to_json() + "\n{rusak\n", encoding="utf-8")
    with pytest.raises(LedgerError) as error:
        Ledger(FileStore(path)).load()
    assert str(error.value).startswith("baris 2 daftar publikasi rusak: '{rusak'.")


def test_the_token_reaches_git_only_through_its_environment_and_never_its_messages(origin):
    _, clone = origin
    work = clone()
    git(work, "remote", "set-url", "origin", "https://127.0.0.1:9/dprd/portal.git")  # nothing listens there
    token = "ghs-SENTINEL-9d2e"
    basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    with pytest.raises(LedgerError) as error:
        Ledger(GitBranchStore(work, token=token)).load()
    message = str(error.value)
    assert message.startswith("daftar publikasi tidak dapat diambil dari origin: ")
    assert token not in message and basic not in message
    assert token not in (work / ".git" / "config").read_text()
    env = GitBranchStore.__new__(GitBranchStore)
    env.token = token
    built = env._env()
    assert built["GIT_CONFIG_KEY_0"] == "http.extraheader"
    assert built["GIT_CONFIG_VALUE_0"] == f"AUTHORIZATION: basic {basic}"
