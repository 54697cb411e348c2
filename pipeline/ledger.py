"""The publication ledger: an append-only JSON Lines record of every post's state.

By default it lives on the git branch ``portal-ledger`` of the site's
repository and is pushed after every line, so the next CI run, on a fresh
clone, knows what was posted; it is also the public register of
publications. ``--ledger PATH`` keeps it in a local file instead.

The branch is written with git plumbing only (blob, tree, commit, ref):
the checkout it runs in (its work tree, index, HEAD) is never touched.
A push that loses a race with another run is re-applied on the new tip.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pipeline.errors import PortalError

STATES = ("PLANNED", "ATTEMPTING", "POSTED", "FAILED", "UNKNOWN")
README = ("# portal-ledger\n\nDaftar publikasi portal ke media sosial, ditulis otomatis oleh `portal publish` "
          "(satu baris JSON per perubahan status). Jangan disunting manual.\n")


class LedgerError(PortalError):
    """The ledger cannot be read or written."""


@dataclass
class Record:
    """One line of the ledger: the state of one item on one platform at one time."""

    item: str
    platform: str
    state: str
    time: str
    path: str = ""
    remote_id: str = ""
    url: str = ""
    message: str = ""
    data: dict = field(default_factory=dict)

    def to_json(self) -> str:
        values = {k: v for k, v in asdict(self).items() if v not in ("", {}, None)}
        return json.dumps(values, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, line: str) -> "Record":
        values = json.loads(line)
        if not isinstance(values, dict) or values.get("state") not in STATES:
            raise ValueError("not a ledger record")
        known = {k: values[k] for k in cls.__dataclass_fields__ if k in values}
        return cls(**known)


class Ledger:
    """Records read from a store; appends go to the store before returning."""

    def __init__(self, store):
        self.store = store
        self._records: list[Record] = []
        self._latest: dict[tuple[str, str], Record] = {}

    def load(self) -> None:
        self._records, self._latest = [], {}
        for number, line in enumerate(self.store.read().splitlines(), start=1):
            if not line.strip():
                continue
            try:
                record = Record.from_json(line)
            except (ValueError, TypeError):
                raise LedgerError(f"baris {number} daftar publikasi rusak: {line[:80]!r}. Perbaiki atau hapus "
                                  "baris itu di cabang portal-ledger (hanya bila yakin).") from None
            self._remember(record)

    def _remember(self, record: Record) -> None:
        self._records.append(record)
        self._latest[(record.item, record.platform)] = record

    def records(self) -> list[Record]:
        return list(self._records)

    def latest(self, item: str, platform: str) -> Record | None:
        """The last record of ``item`` on ``platform``."""
        return self._latest.get((item, platform))

    def pending(self) -> list[Record]:
        """Latest records still ATTEMPTING: a run died around a publishing call."""
        return [r for r in self._latest.values() if r.state == "ATTEMPTING"]

    def append(self, record: Record) -> None:
        """Persist ``record`` durably, then remember it."""
        self.store.append(record.to_json())
        self._remember(record)


class FileStore:
    """A local JSON Lines file (``--ledger PATH``)."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def read(self) -> str:
        try:
            return self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return ""
        except OSError as exc:
            raise LedgerError(f"daftar publikasi {self.path} tidak terbaca: {exc.strerror}") from None

    def append(self, line: str) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "a", encoding="utf-8") as f:
                f.write(line + "\n")
                f.flush()
                os.fsync(f.fileno())
        except OSError as exc:
            raise LedgerError(f"daftar publikasi {self.path} tidak dapat ditulis: {exc.strerror}") from None


class GitBranchStore:
    """The ledger file on a branch of the repository at ``repo``, pushed to ``remote``."""

    REMOTE_REF = "refs/portal/ledger-remote"

    def __init__(self, repo: Path, branch: str = "portal-ledger", remote: str | None = "origin",
                 filename: str = "ledger.jsonl", token: str | None = None):
        self.repo, self.branch, self.filename, self.token = Path(repo), branch, filename, token
        self.remote = remote if remote and remote in self._git("remote").split() else None
        self.tip: str | None = None
        self.content = ""

    def _env(self) -> dict:
        env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
        for role in ("AUTHOR", "COMMITTER"):
            env.setdefault(f"GIT_{role}_NAME", "portal")
            env.setdefault(f"GIT_{role}_EMAIL", "portal@localhost")
        if self.token:
            # Handed to git in its environment only: never on a command line or in .git/config.
            basic = base64.b64encode(f"x-access-token:{self.token}".encode()).decode()
            env.update(GIT_CONFIG_COUNT="1", GIT_CONFIG_KEY_0="http.extraheader",
                       GIT_CONFIG_VALUE_0=f"AUTHORIZATION: basic {basic}")
        return env

    def _redact(self, text: str) -> str:
        if self.token:
            basic = base64.b64encode(f"x-access-token:{self.token}".encode()).decode()
            text = text.replace(basic, "***").replace(self.token, "***")
        return text

    def _git(self, *args: str, input: str | None = None, check: bool = True) -> str:
        result = subprocess.run(["git", *args], cwd=self.repo, capture_output=True, text=True, input=input,
                                env=self._env(), encoding="utf-8", errors="replace")
        if check and result.returncode != 0:
            raise LedgerError(f"git {args[0]} gagal untuk daftar publikasi: "
                              f"{self._redact(result.stderr.strip())[:500]}")
        if check:
            return result.stdout
        return result.returncode, result.stderr

    def _fetch(self) -> str | None:
        code, err = self._git("fetch", "--quiet", self.remote, f"+refs/heads/{self.branch}:{self.REMOTE_REF}",
                              check=False)
        if code == 0:
            return self._git("rev-parse", self.REMOTE_REF).strip()
        if "couldn't find remote ref" in err:
            return None  # the first publication: no ledger yet
        raise LedgerError(f"daftar publikasi tidak dapat diambil dari {self.remote}: {self._redact(err.strip())[:500]}")

    def _content_at(self, commit: str | None) -> str:
        if commit is None:
            return ""
        code, _ = self._git("cat-file", "-e", f"{commit}:{self.filename}", check=False)
        return self._git("show", f"{commit}:{self.filename}") if code == 0 else ""

    def read(self) -> str:
        if self.remote:
            self.tip = self._fetch()
        else:
            code, _ = self._git("rev-parse", "--verify", "--quiet", f"refs/heads/{self.branch}", check=False)
            self.tip = self._git("rev-parse", f"refs/heads/{self.branch}").strip() if code == 0 else None
        self.content = self._content_at(self.tip)
        return self.content

    def _commit(self, content: str, parent: str | None, message: str) -> str:
        blob = self._git("hash-object", "-w", "--stdin", input=content).strip()
        readme = self._git("hash-object", "-w", "--stdin", input=README).strip()
        tree = self._git("mktree", input=f"100644 blob {readme}\tREADME.md\n100644 blob {blob}\t{self.filename}\n")
        args = ["commit-tree", tree.strip(), "-m", message] + (["-p", parent] if parent else [])
        return self._git(*args).strip()

    def append(self, line: str) -> None:
        record = json.loads(line)
        message = f"ledger: {record.get('item')} {record.get('platform')} {record.get('state')}"
        for _ in range(5):
            content = self.content + line + "\n"
            commit = self._commit(content, self.tip, message)
            if self.remote:
                code, err = self._git("push", "--quiet", self.remote, f"{commit}:refs/heads/{self.branch}",
                                      check=False)
                if code != 0:
                    if "non-fast-forward" in err or "fetch first" in err or "rejected" in err:
                        self.read()  # another run wrote meanwhile: add our line on top of theirs
                        continue
                    raise LedgerError(f"daftar publikasi tidak dapat dikirim ke {self.remote}: "
                                      f"{self._redact(err.strip())[:500]}")
            self._git("update-ref", f"refs/heads/{self.branch}", commit)
            self.tip, self.content = commit, content
            return
        raise LedgerError("daftar publikasi terus berubah oleh proses lain; coba jalankan lagi nanti.")
