"""The register file: ``register.jsonl`` on the ``portal-ledger`` branch, beside the post ledger.

One JSON object per line, one line per record: an *approval* (an item added
or changed by a merged pull request, with every review), a *rejection* (a
pull request that added an item, closed unmerged, with its written reason)
or a *direct* push to main (no pull request: flagged on the register).

A run collects all its records first and appends them in one commit, pushed
once: a run killed before that commit left nothing, one killed after it left
everything. Records are keyed by (item, pull request number or commit, kind)
and a key already stored is skipped, also when another run appended it
between our read and our push (the new lines are computed against the
content the store holds at that moment), so a re-run converges without
duplicate rows.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import PortalError
from pipeline.social.ledger import FileStore, GitBranchStore

FILENAME = "register.jsonl"
BRANCH = "portal-ledger"
APPROVAL, REJECTION, DIRECT = "approval", "rejection", "direct"
KINDS = (APPROVAL, REJECTION, DIRECT)


class RegisterError(PortalError):
    """The register file cannot be read or written."""


@dataclass
class Entry:
    """One record of the register (see the module docstring for the kinds)."""

    kind: str
    item: str  # the item's stable id (its folder name without one, or for a rejected submission)
    path: str  # content/berita/<YYYY>/<folder>
    source: str  # "github" (from the API) or "git" (from history alone)
    pr: dict | None = None  # {"number", "url", "title"}
    commit: str = ""  # the merge commit, or the pushed commit of a direct push
    author: str | None = None
    submitted_at: str | None = None
    reviews: list[dict] = field(default_factory=list)  # {"reviewer", "state", "at", "text"}, oldest first
    merged_by: str | None = None
    merged_at: str | None = None
    live_at: str | None = None
    rejection_reason: str | None = None
    recorded_at: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        """What makes a record unique: (item, pull request number or commit, kind)."""
        return key_of(self.__dict__)

    def to_json(self) -> str:
        """The record as one JSON line (sorted keys)."""
        return json.dumps(self.__dict__, ensure_ascii=False, sort_keys=True)


def key_of(values: dict) -> tuple[str, str, str]:
    """The key of a record's JSON object."""
    pr = values.get("pr")
    ref = f"#{pr['number']}" if isinstance(pr, dict) and "number" in pr else str(values.get("commit") or "")
    return str(values.get("item")), ref, str(values.get("kind"))


def _problem(values) -> str | None:
    if not isinstance(values, dict):
        return "bukan objek JSON"
    if values.get("kind") not in KINDS:
        return f"jenis {values.get('kind')!r} tidak dikenal"
    for name in ("item", "path", "source"):
        if not isinstance(values.get(name), str) or not values[name]:
            return f"`{name}` kosong atau bukan teks"
    if not isinstance(values.get("reviews", []), list):
        return "`reviews` bukan daftar"
    pr = values.get("pr")
    if pr is not None and not (isinstance(pr, dict) and isinstance(pr.get("number"), int)):
        return "`pr` tanpa nomor"
    return None


def parse(text: str, where: str = FILENAME) -> list[Entry]:
    """The records of a register file's ``text``; RegisterError naming the line when one is broken."""
    entries = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            values = json.loads(line)
        except ValueError:
            values = None
        problem = _problem(values) if values is not None else "bukan JSON"
        if problem:
            raise RegisterError(f"{where} baris {number} rusak ({problem}): {line[:80]!r}. Baris ini tidak ditulis "
                                "oleh `portal register`; perbaiki atau hapus baris itu di cabang portal-ledger.")
        known = {k: values[k] for k in Entry.__dataclass_fields__ if k in values}
        entries.append(Entry(**known))
    return entries


class Register:
    """The register records of a store (the ledger branch, or a local file with ``--register PATH``)."""

    def __init__(self, store: GitBranchStore | FileStore):
        self.store = store
        self.entries: list[Entry] = []

    @property
    def found(self) -> bool:
        """Whether the store held a register file at the last read."""
        return bool(getattr(self.store, "found", False))

    def load(self) -> list[Entry]:
        """Read every record (RegisterError on a broken line)."""
        self.entries = parse(self.store.read())
        return self.entries

    def keys(self) -> set[tuple[str, str, str]]:
        """The keys of the records read last."""
        return {e.key for e in self.entries}

    def add(self, entries: list[Entry]) -> int:
        """Append the ``entries`` whose key is not stored yet, in one commit; how many were new."""
        added: list[Entry] = []

        def lines(content: str) -> str:
            stored = {e.key for e in parse(content)}
            added[:] = []
            for entry in entries:
                if entry.key not in stored:
                    stored.add(entry.key)
                    added.append(entry)
            return "\n".join(e.to_json() for e in added)

        if not [e for e in entries if e.key not in self.keys()]:
            return 0
        text = lines(getattr(self.store, "content", "") or self.store.read())
        if not text:
            return 0
        # The callable recomputes the lines on the content a lost race brought in: no duplicate key.
        self.store.append(lambda content: lines(content) or "")
        self.entries.extend(added)
        return len(added)


def open_store(root: Path, local: Path | None = None, env: dict | None = None) -> GitBranchStore | FileStore:
    """The register's store: ``local`` file, else ``register.jsonl`` on the ledger branch of ``root``."""
    if local is not None:
        return FileStore(local)
    token = (env if env is not None else os.environ).get("GITHUB_TOKEN") or None
    try:
        return GitBranchStore(root, BRANCH, filename=FILENAME, token=token)
    except PortalError as exc:
        raise RegisterError(str(exc).replace("daftar publikasi", "register")) from None
