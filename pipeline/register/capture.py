"""Recording submissions: ``portal register capture --sha SHA`` (after a deploy) and ``backfill``.

``capture`` asks GitHub which merged pull request produced the pushed commit,
reads its reviews (every round, oldest first: three rounds ending in an
approval stay three), the files it changed and so the items it added or
changed, and makes one approval record per item; a commit no pull request
merged is a direct push, recorded and flagged. The same run looks at pull
requests closed unmerged since the last record: one that added an item is a
rejection, with its written reason (the last "changes requested" review, else
the last comment). Everything is read and checked before anything is written:
an answer outside GitHub's contract leaves the register as it was.

Without a token only git is asked (``history``): merges and direct pushes,
no reviews, no rejections; ``backfill`` does this over the whole history.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pipeline.register import history
from pipeline.register.github import GitHub, field
from pipeline.register.records import APPROVAL, REJECTION, Entry, Register

REVIEW_STATES = ("APPROVED", "CHANGES_REQUESTED", "COMMENTED")
RESCAN_MARGIN = dt.timedelta(days=1)  # closed PRs updated shortly before the last record are looked at again


def now_iso() -> str:
    """The current time, UTC, to the second."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _login(where: str, value: dict, name: str) -> str | None:
    user = value.get(name)
    if user is None:
        return None
    if not isinstance(user, dict):
        field(where, value, name, dict)
    return str(field(where, user, "login", str))


def pr_info(client: GitHub, number: int) -> dict:
    """The fields of pull request ``number`` the register keeps, checked against the contract."""
    where = f"/repos/{client.repository}/pulls/{number}"
    pull = client.pull(number)
    return {"pr": {"number": field(where, pull, "number", int), "url": field(where, pull, "html_url", str),
                   "title": field(where, pull, "title", str)},
            "author": _login(where, pull, "user"), "submitted_at": field(where, pull, "created_at", str),
            "merged_by": _login(where, pull, "merged_by"),
            "merged_at": field(where, pull, "merged_at", (str, type(None)))}


def reviews(client: GitHub, number: int) -> list[dict]:
    """Every submitted review of pull request ``number``, oldest first."""
    where = f"/repos/{client.repository}/pulls/{number}/reviews"
    found = []
    for review in client.reviews(number):
        state = field(where, review, "state", str)
        if state not in REVIEW_STATES:
            continue  # PENDING (not submitted) or DISMISSED: not a decision
        found.append({"reviewer": _login(where, review, "user") or "", "state": state,
                      "at": field(where, review, "submitted_at", str), "text": field(where, review, "body", (str, type(None))) or ""})
    return found


def pr_folders(client: GitHub, number: int, added_only: bool = False) -> list[str]:
    """Item folders pull request ``number`` adds or changes (only adds with ``added_only``)."""
    where = f"/repos/{client.repository}/pulls/{number}/files"
    paths = []
    for entry in client.files(number):
        status = field(where, entry, "status", str)
        if status == "removed" or (added_only and status != "added"):
            continue
        paths.append(field(where, entry, "filename", str))
    return history.item_folders(paths)


def _merged_pull(client: GitHub, sha: str) -> int | None:
    where = f"/repos/{client.repository}/commits/{sha}/pulls"
    merged = []
    for pull in client.commit_pulls(sha):
        number = field(where, pull, "number", int)
        if field(where, pull, "merged_at", (str, type(None))):
            exact = pull.get("merge_commit_sha") == sha
            merged.append((not exact, number))
    return min(merged)[1] if merged else None


def _reason(client: GitHub, number: int, found: list[dict]) -> str | None:
    """The written reason of a rejection: the last changes-requested review text, else the last comment."""
    for review in reversed(found):
        if review["state"] == "CHANGES_REQUESTED" and review["text"].strip():
            return review["text"]
    where = f"/repos/{client.repository}/issues/{number}/comments"
    texts = [field(where, c, "body", (str, type(None))) or "" for c in client.comments(number)]
    texts = [t for t in texts if t.strip()]
    return texts[-1] if texts else None


def rejections(client: GitHub, since: str | None, now: str) -> list[Entry]:
    """Rejection entries of pull requests closed unmerged (updated since ``since``) that added an item."""
    where = f"/repos/{client.repository}/pulls"
    cutoff = _parse(since) - RESCAN_MARGIN if since else None

    def stop(pull: dict) -> bool:
        return cutoff is not None and _parse(field(where, pull, "updated_at", str)) < cutoff

    found = []
    for pull in client.closed_pulls(stop):
        number = field(where, pull, "number", int)
        if field(where, pull, "merged_at", (str, type(None))):
            continue
        folders = pr_folders(client, number, added_only=True)
        if not folders:
            continue
        info = pr_info(client, number)
        written = reviews(client, number)
        reason = _reason(client, number, written)
        for folder in folders:
            found.append(Entry(kind=REJECTION, item=folder.rsplit("/", 1)[-1], path=folder, source="github",
                               pr=info["pr"], author=info["author"], submitted_at=info["submitted_at"],
                               reviews=written, rejection_reason=reason, recorded_at=now))
    return found


def _parse(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _approvals(client: GitHub, number: int, folders: list[str], ids: dict[str, str], commit: str,
               live_at: str | None, now: str) -> list[Entry]:
    info = pr_info(client, number)
    written = reviews(client, number)
    return [Entry(kind=APPROVAL, item=ids.get(f, f.rsplit("/", 1)[-1]), path=f, source="github", commit=commit,
                  reviews=written, live_at=live_at, recorded_at=now, **info) for f in folders]


def collect_capture(root: Path, sha: str, client: GitHub | None, register: Register, ids: dict[str, str],
                    now: str) -> list[Entry]:
    """The entries of pushed commit ``sha`` (made live just now) and of rejections since the last record."""
    commit = history.commit(root, sha)
    if client is None:
        return [_live(e, now) for e in history.entries_of(root, commit, ids, now)]
    number = _merged_pull(client, commit.sha)
    if number is None:
        # No pull request merged it: a direct push (or a merge GitHub does not know, recorded from git).
        found = [_live(e, now) for e in history.entries_of(root, commit, ids, now)]
    else:
        folders = list(dict.fromkeys([*pr_folders(client, number), *history.item_folders(commit.paths)]))
        found = _approvals(client, number, folders, ids, commit.sha, now, now)
    last = max((e.recorded_at for e in register.entries), default=None)
    return found + rejections(client, last, now)


def _live(entry: Entry, now: str) -> Entry:
    entry.live_at = now  # capture runs right after the deploy that made the commit live
    return entry


def collect_backfill(root: Path, client: GitHub | None, ids: dict[str, str], now: str) -> list[Entry]:
    """Entries for all of main's history; with a client the merges' pull requests and the rejections too."""
    found = history.from_git(root, ids, now)
    if client is None:
        return found
    enriched: list[Entry] = []
    by_pr: dict[int, tuple[dict, list[dict]]] = {}
    for entry in found:
        if entry.pr is not None:
            number = int(entry.pr["number"])
            if number not in by_pr:
                by_pr[number] = (pr_info(client, number), reviews(client, number))
            info, written = by_pr[number]
            entry = Entry(**{**entry.__dict__, **info, "reviews": written, "source": "github"})
        enriched.append(entry)
    return enriched + rejections(client, None, now)


def capture(root: Path, sha: str, client: GitHub | None, register: Register, ids: dict[str, str],
            now: str | None = None) -> int:
    """Record commit ``sha``'s submissions (see the module docstring); how many records were new."""
    register.load()
    return register.add(collect_capture(root, sha, client, register, ids, now or now_iso()))


def backfill(root: Path, client: GitHub | None, register: Register, ids: dict[str, str],
             now: str | None = None) -> int:
    """Record every submission history knows; how many records were new."""
    register.load()
    return register.add(collect_backfill(root, client, ids, now or now_iso()))
