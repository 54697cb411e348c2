"""What git alone knows of each submission: the merge commits and direct pushes that added or changed items.

Main's first-parent history is read once (``git log --first-parent
--diff-merges=first-parent``): each commit there is either the merge of a
pull request (``Merge pull request #N from ...``, GitHub's merge message; the
merged branch is its second parent) or a push straight to main. The item
folders it touched (``content/berita/<YYYY>/<folder>/``) get one entry each.
Logins come from GitHub's no-reply e-mail addresses (``123+login@users.
noreply.github.com``) when present, else the git name stands in.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.register.records import APPROVAL, DIRECT, Entry, RegisterError

ITEM_PATH = re.compile(r"^(content/berita/\d{4}/\d{4}-\d{2}-\d{2}-[a-z0-9-]+)/")
MERGE_SUBJECT = re.compile(r"^Merge pull request #(\d+) from ")
NOREPLY = re.compile(r"^(?:\d+\+)?([A-Za-z0-9-]+)@users\.noreply\.github\.com$")
_SEP = "\x1f"


@dataclass
class Commit:
    """One commit of main's first-parent history."""

    sha: str
    parents: list[str]
    author: str
    committed_at: str
    subject: str
    paths: list[str]
    title: str = ""  # GitHub writes the pull request's title on the third line of its merge message

    @property
    def pr_number(self) -> int | None:
        """The pull request a GitHub merge commit merged, from its message."""
        match = MERGE_SUBJECT.match(self.subject)
        return int(match.group(1)) if match and len(self.parents) > 1 else None


def git(root: Path, *args: str) -> str:
    """The output of one git command in ``root``; RegisterError when git fails."""
    try:
        result = subprocess.run(["git", *args], cwd=root, capture_output=True, env={**os.environ, "LC_ALL": "C"})
    except OSError as exc:
        raise RegisterError(f"git tidak dapat dijalankan untuk register: {exc.strerror}") from None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip()[:300]
        raise RegisterError(f"git {args[0]} gagal untuk register: {message}")
    return result.stdout.decode("utf-8", "replace")


def login(name: str, email: str) -> str:
    """The GitHub login in a no-reply ``email``, else ``name``."""
    match = NOREPLY.match(email.strip())
    return match.group(1) if match else name


def commits(root: Path, ref: str = "HEAD") -> list[Commit]:
    """Main's first-parent commits touching items, oldest first."""
    fmt = _SEP.join(["%x1e%H", "%P", "%an", "%ae", "%cI", "%s", "%b"]) + _SEP
    out = git(root, "log", "--first-parent", "--diff-merges=first-parent", "--reverse", "--name-only",
              f"--format={fmt}", ref, "--", "content/berita")
    found = []
    for block in out.split("\x1e")[1:]:
        found.append(_parse(block))
    return found


def commit(root: Path, sha: str) -> Commit:
    """The commit ``sha`` (its paths compared with its first parent); RegisterError when unknown."""
    fmt = _SEP.join(["%H", "%P", "%an", "%ae", "%cI", "%s", "%b"]) + _SEP
    try:
        out = git(root, "log", "-1", "--first-parent", "--name-only", f"--format={fmt}", f"{sha}^{{commit}}", "--")
    except RegisterError:
        raise RegisterError(f"commit {sha!r} tidak ada di repositori ini: periksa --sha (di GitHub Actions: "
                            "${{ github.sha }}) dan pastikan checkout memakai fetch-depth: 0.") from None
    return _parse(out)


def _parse(block: str) -> Commit:
    """A commit from ``git log`` output in the format of ``commits`` (fields, body, then the paths)."""
    sha, parents, name, email, when, subject, body, names = block.split(_SEP, 7)
    title = next((line.strip() for line in body.splitlines() if line.strip()), "")
    return Commit(sha.strip(), parents.split(), login(name, email), when, subject,
                  [n for n in names.splitlines() if n.strip()], title)


def item_folders(paths: list[str]) -> list[str]:
    """The item folders (``content/berita/<YYYY>/<folder>``) among ``paths``, in first-seen order."""
    return list(dict.fromkeys(m.group(1) for m in map(ITEM_PATH.match, paths) if m))


def _branch_start(root: Path, commit: Commit) -> tuple[str | None, str | None]:
    """(author login, author time) of the first commit of the branch a merge brought in."""
    out = git(root, "log", "--reverse", f"--format=%an{_SEP}%ae{_SEP}%aI", f"{commit.parents[0]}..{commit.parents[1]}")
    first = out.splitlines()[0].split(_SEP) if out.strip() else None
    return (login(first[0], first[1]), first[2]) if first else (None, None)


def pulls_base(root: Path) -> str:
    """The web address pull request numbers are appended to (from GITHUB_SERVER_URL/GITHUB_REPOSITORY, else
    origin's GitHub URL), or "" when neither names a GitHub repository."""
    server, repository = os.environ.get("GITHUB_SERVER_URL"), os.environ.get("GITHUB_REPOSITORY")
    if server and repository:
        return f"{server.rstrip('/')}/{repository}/pull/"
    try:
        remote = git(root, "remote", "get-url", "origin").strip()
    except RegisterError:
        return ""
    match = re.match(r"^(?:https://github\.com/|git@github\.com:)([^/]+/[^/]+?)(?:\.git)?$", remote)
    return f"https://github.com/{match.group(1)}/pull/" if match else ""


def entries_of(root: Path, commit: Commit, ids: dict[str, str], now: str,
               known: Collection[tuple[str, str, str]] = (), pulls: str | None = None) -> list[Entry]:
    """The register entries git knows for ``commit``: one per item folder it touched, but those ``known``."""
    number = commit.pr_number
    kind, ref = (APPROVAL, f"#{number}") if number is not None else (DIRECT, commit.sha)
    folders = [f for f in item_folders(commit.paths) if (ids.get(f, f.rsplit("/", 1)[-1]), ref, kind) not in known]
    if not folders:
        return []  # before asking git about the branch: the build reads thousands of known merges
    author, submitted = _branch_start(root, commit) if number is not None else (commit.author, commit.committed_at)
    found = []
    for folder in folders:
        common: dict[str, Any] = dict(item=ids.get(folder, folder.rsplit("/", 1)[-1]), path=folder, source="git",
                                      commit=commit.sha, author=author, submitted_at=submitted,
                                      live_at=commit.committed_at, recorded_at=now)
        if number is not None:
            base = pulls_base(root) if pulls is None else pulls
            pr = {"number": number, "url": f"{base}{number}" if base else "", "title": commit.title}
            found.append(Entry(kind=APPROVAL, pr=pr, merged_by=commit.author, merged_at=commit.committed_at, **common))
        else:
            found.append(Entry(kind=DIRECT, **common))
    return found


def from_git(root: Path, ids: dict[str, str], now: str | None = None,
             known: Collection[tuple[str, str, str]] = ()) -> list[Entry]:
    """Every entry git knows but those ``known``: each merge or direct push on main that added or changed an item."""
    now = now or dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    base = pulls_base(root)  # one `git remote` for the whole history
    found = []
    for commit in commits(root):
        found.extend(entries_of(root, commit, ids, now, known, base))
    return found
