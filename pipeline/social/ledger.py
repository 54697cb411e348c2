"""The publication ledger: an append-only JSON Lines record of every post's state.

By default it lives on the git branch ``portal-ledger`` of the site's
repository and is pushed after every line, so the next CI run, on a fresh
clone, knows what was posted; it is also the public register of
publications. ``--ledger PATH`` keeps it in a local file instead.

The branch is written with git plumbing only (blob, tree, commit, ref):
the checkout it runs in (its work tree, index, HEAD) is never touched.
A push that loses a race with another run is re-applied on the new tip.

Every line is signed: ``mac`` is HMAC-SHA256, with the key
``PORTAL_LEDGER_KEY`` (held by the ``production`` environment only), over the
previous line's ``mac`` and the line's other fields. Any repository writer can
push to the branch, so without the key a forged line (a PLANNED that re-posts,
a POSTED that silences an item), a deleted line or two swapped lines break the
chain at a line that ``load`` names. What the chain cannot show is lines cut
from the end; the branch's ruleset (no force push) keeps that in git history.
A ledger started on purpose (``--new-ledger --since DATE``) opens with a
signed ``start`` line carrying that date.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pipeline.content.sop import ATTEMPTING, LEDGER_STATES
from pipeline.errors import PortalError

STATES = LEDGER_STATES  # defined with the other SOP facts in pipeline/content/sop.py
README = ("# portal-ledger\n\nDaftar publikasi portal ke media sosial (`ledger.jsonl`), ditulis otomatis oleh "
          "`portal publish` (satu baris JSON per perubahan status, ditandatangani dengan PORTAL_LEDGER_KEY), dan "
          "register dokumentasi dan konten (`register.jsonl`), ditulis oleh `portal register capture`. "
          "Jangan disunting manual: baris yang diubah, dihapus atau ditukar membuat `portal publish` berhenti.\n")
RETRIES = 5  # re-applications after a push lost a race with another run
KEY_ENV = "PORTAL_LEDGER_KEY"
KEY_MIN = 32  # characters: `openssl rand -hex 32` gives 64
_REQUIRED = ("item", "platform", "state", "time")
_OPTIONAL_TEXT = ("path", "remote_id", "url", "message")


class LedgerError(PortalError):
    """The ledger cannot be read or written."""


def _problem(values) -> str | None:
    """Why ``values`` is not a ledger record, or None when it is one."""
    if not isinstance(values, dict):
        return "bukan objek JSON"
    for name in _REQUIRED:
        if not isinstance(values.get(name), str) or not values[name]:
            return f"`{name}` kosong atau bukan teks"
    if values["state"] not in STATES:
        return f"status {values['state']!r} tidak dikenal"
    for name in _OPTIONAL_TEXT:
        if not isinstance(values.get(name, ""), str):
            return f"`{name}` bukan teks"
    if not isinstance(values.get("data", {}), dict):
        return "`data` bukan objek"
    return None


def _canonical(values: dict) -> str:
    """``values`` as one JSON line with sorted keys: the text a line's ``mac`` covers."""
    line = json.dumps(values, ensure_ascii=False, sort_keys=True)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (from a platform's JSON) cannot be stored as UTF-8; escaped it round-trips.
        line = json.dumps(values, ensure_ascii=True, sort_keys=True)
    return line


def sign(key: bytes, previous: str, values: dict) -> str:
    """The ``mac`` of a line with ``values`` (without ``mac``) following a line whose ``mac`` is ``previous``."""
    message = f"{previous}\n{_canonical(values)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def signed_line(key: bytes, previous: str, values: dict) -> str:
    """``values`` as a ledger line with its ``mac``, chained to ``previous``."""
    return _canonical({**values, "mac": sign(key, previous, values)})


def last_mac(content: str) -> str:
    """The ``mac`` of the last line of ``content`` ("" when there is none or it is not a signed line)."""
    for line in reversed(content.split("\n")):
        if line.strip():
            try:
                values = json.loads(line)
            except ValueError:
                return ""
            mac = values.get("mac") if isinstance(values, dict) else None
            return mac if isinstance(mac, str) else ""
    return ""


def key_from_env(env: Mapping[str, str]) -> bytes:
    """The signing key from ``PORTAL_LEDGER_KEY``; LedgerError naming the variable when unusable."""
    value = env.get(KEY_ENV) or ""
    if not value:
        raise LedgerError(f"{KEY_ENV} belum diatur di environment: tanpa kunci ini daftar publikasi tidak dapat "
                          "diperiksa keasliannya, jadi tidak ada yang diunggah. Isi secret "
                          f"{KEY_ENV} di environment production (lihat docs/panduan-admin.md).")
    if len(value) < KEY_MIN:
        raise LedgerError(f"{KEY_ENV} terlalu pendek ({len(value)} karakter; minimal {KEY_MIN}). Buat kunci baru "
                          "dengan `openssl rand -hex 32`.")
    return value.encode("utf-8")


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

    def values(self) -> dict:
        """The fields stored: empty optional fields left out."""
        return {k: v for k, v in asdict(self).items() if k in _REQUIRED or v not in ("", {}, None)}

    def to_json(self) -> str:
        """The record as one JSON line, unsigned: sorted keys, empty optional fields left out."""
        return _canonical(self.values())

    @classmethod
    def from_json(cls, line: str) -> Record:
        """Parse one ledger line; ValueError when it is not a valid record."""
        return cls.from_values(json.loads(line))

    @classmethod
    def from_values(cls, values) -> Record:
        """A record from a line's parsed JSON; ValueError when it is not a valid record."""
        problem = _problem(values)
        if problem:
            raise ValueError(problem)
        # Unknown keys (``mac`` among them) are ignored so that an older portal can read a newer ledger.
        return cls(**{k: values[k] for k in cls.__dataclass_fields__ if k in values})


def _broken(number: int, line: str, why: str) -> LedgerError:
    return LedgerError(f"baris {number} daftar publikasi tidak sah ({why}): {line[:80]!r}. Baris ini tidak ditulis "
                       "oleh `portal publish` dengan kunci PORTAL_LEDGER_KEY, atau ada baris sebelumnya yang "
                       "dihapus atau ditukar urutannya; tidak ada yang diunggah. Periksa riwayat cabang "
                       "portal-ledger (git log -p portal-ledger), lalu lihat docs/panduan-admin.md.")


class Ledger:
    """Records read from a store and verified with ``key``; appends go to the store, signed, before returning.

    Without a key (the reviewer summary, which runs without the production
    secrets) the lines are read but not verified, and nothing can be appended.
    """

    def __init__(self, store, key: bytes | None = None):
        self.store = store
        self.key = key
        self.since: str | None = None  # the --since DATE of a ledger started on purpose
        self._records: list[Record] = []
        self._latest: dict[tuple[str, str], Record] = {}
        self._ids: dict[tuple[str, str], list[str]] = {}  # (folder path, platform) -> ids, first seen first

    @property
    def found(self) -> bool:
        """Whether the store had a ledger at all (the branch and its file, or the local file)."""
        return bool(getattr(self.store, "found", True))

    def load(self) -> None:
        """Read and verify every line; a malformed, unsigned or out-of-chain line raises LedgerError naming it."""
        self._records, self._latest, self._ids, self.since = [], {}, {}, None
        previous = ""
        # split("\n"), not splitlines(): a message may hold U+2028 or \x85, which JSON keeps raw.
        for number, line in enumerate(self.store.read().split("\n"), start=1):
            line = line.removesuffix("\r")
            if not line.strip():
                continue  # no record there, so nothing is lost
            try:
                values = json.loads(line)
                if not isinstance(values, dict):
                    raise ValueError("bukan objek JSON")
                mac = values.pop("mac", None)
                start = values.get("kind") == "start"
                record = None if start else Record.from_values(values)
            except ValueError as exc:  # json.JSONDecodeError is a ValueError
                raise LedgerError(f"baris {number} daftar publikasi rusak: {line[:80]!r}. Perbaiki atau hapus "
                                  f"baris itu di cabang portal-ledger (hanya bila yakin). ({exc})") from None
            if self.key is not None:
                if not isinstance(mac, str) or not mac:
                    raise _broken(number, line, "tanpa tanda tangan")
                if not hmac.compare_digest(mac, sign(self.key, previous, values)):
                    raise _broken(number, line, "tanda tangan tidak cocok")
            previous = mac if isinstance(mac, str) else ""
            if start:
                if self._records or self.since is not None:
                    raise _broken(number, line, "baris awal daftar baru di tengah daftar")
                self.since = str(values.get("since") or "")
            else:
                assert record is not None
                self._remember(record)

    def _remember(self, record: Record) -> None:
        self._records.append(record)
        self._latest[(record.item, record.platform)] = record
        if record.path:
            ids = self._ids.setdefault((record.path, record.platform), [])
            if record.item not in ids:
                ids.append(record.item)

    def records(self) -> list[Record]:
        """Every record, in ledger order."""
        return list(self._records)

    def latest(self, item: str, platform: str) -> Record | None:
        """The last record of ``item`` on ``platform``, or None if it has none."""
        return self._latest.get((item, platform))

    def posted_under_other_id(self, item: str, path: str, platform: str) -> Record | None:
        """The last POSTED record of the folder ``path`` on ``platform`` under an id other than ``item``."""
        found = None
        for other in self._ids.get((path, platform), []):
            latest = self._latest[(other, platform)]
            if other != item and latest.state == "POSTED":
                found = latest
        return found

    def pending(self) -> list[Record]:
        """Latest records still ATTEMPTING (a run died around a publishing call), in ledger order."""
        return [r for r in self._records if r.state == ATTEMPTING and self._latest[(r.item, r.platform)] is r]

    def _line_for(self, values: dict) -> Callable[[str], str]:
        """What the store appends: ``values`` signed on top of whatever content the store holds then."""
        if self.key is None:
            raise LedgerError(f"{KEY_ENV} belum diatur: daftar publikasi tidak dapat ditulis tanpa kunci.")
        key = self.key
        return lambda content: signed_line(key, last_mac(content), values)

    def append(self, record: Record) -> None:
        """Persist ``record`` durably, signed (LedgerError if impossible), then remember it."""
        problem = _problem(asdict(record))
        if problem:
            # A bad line would make the whole ledger unreadable on the next run: refuse it here.
            raise ValueError(f"invalid ledger record: {problem}")
        self.store.append(self._line_for(record.values()))
        self._remember(record)

    def start(self, since: str, time: str) -> None:
        """Replace the store's content by a new ledger opened with a signed ``start`` line (``--new-ledger``)."""
        self.store.reset()
        self.store.append(self._line_for({"kind": "start", "since": since, "time": time}))
        self._records, self._latest, self._ids, self.since = [], {}, {}, since


class FileStore:
    """A local JSON Lines file (``--ledger PATH``), created with its folders on the first append."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.found = False  # whether the file existed at the last read

    def read(self) -> str:
        """The file's text; empty when it does not exist yet."""
        try:
            text = self.path.read_bytes().decode("utf-8")
        except FileNotFoundError:
            self.found = False
            return ""
        except UnicodeDecodeError as exc:
            raise LedgerError(f"daftar publikasi {self.path} bukan teks UTF-8 (bita ke-{exc.start}).") from None
        except OSError as exc:
            raise LedgerError(f"daftar publikasi {self.path} tidak terbaca: {exc.strerror}") from None
        self.found = True
        return text

    def reset(self) -> None:
        """Set the current file aside as ``PATH.lama`` (kept for people), so the next append starts a new one."""
        try:
            if self.path.exists():
                os.replace(self.path, self.path.with_name(self.path.name + ".lama"))
        except OSError as exc:
            raise LedgerError(f"daftar publikasi {self.path} tidak dapat dipindahkan: {exc.strerror}") from None

    def append(self, line: str | Callable[[str], str]) -> None:
        """Append ``line`` (or ``line(current content)``) and a newline, and fsync before returning."""
        if callable(line):
            line = line(self.read())
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            created = not self.path.exists()
            fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                data = (line + "\n").encode("utf-8")
                size = os.fstat(fd).st_size
                if size and os.pread(fd, 1, size - 1) != b"\n":
                    # A line torn by a killed run stays on its own line (and is reported by load),
                    # rather than swallowing this record into it.
                    data = b"\n" + data
                os.write(fd, data)  # one write with O_APPEND: never interleaved with another writer
                os.fsync(fd)
            finally:
                os.close(fd)
            if created and hasattr(os, "O_DIRECTORY"):
                # The new file's directory entry must be durable too, or a crash can lose the file.
                dir_fd = os.open(self.path.parent, os.O_RDONLY | os.O_DIRECTORY)
                try:
                    os.fsync(dir_fd)
                finally:
                    os.close(dir_fd)
        except OSError as exc:
            raise LedgerError(f"daftar publikasi {self.path} tidak dapat ditulis: {exc.strerror}") from None


def _basic(token: str) -> str:
    return base64.b64encode(f"x-access-token:{token}".encode()).decode()


def _git_env(token: str | None = None, base: Mapping[str, str] | None = None) -> dict:
    """The environment for a git command; with ``token``, an Authorization header for http(s) remotes.

    The token reaches git only here, in GIT_CONFIG_* variables: never on a
    command line (visible in ``ps``) and never in ``.git/config``.
    """
    env = dict(os.environ if base is None else base)
    env["GIT_TERMINAL_PROMPT"] = "0"  # in CI a credential prompt would hang the run
    env["LC_ALL"] = "C"  # git's messages are parsed ("couldn't find remote ref", "[rejected]")
    for role in ("AUTHOR", "COMMITTER"):
        env.setdefault(f"GIT_{role}_NAME", "portal")
        env.setdefault(f"GIT_{role}_EMAIL", "portal@localhost")
    if token:
        # Added after any GIT_CONFIG_* entries already in the environment instead of replacing them.
        try:
            index = int(env.get("GIT_CONFIG_COUNT", "0"))
        except ValueError:
            index = 0
        env["GIT_CONFIG_COUNT"] = str(index + 1)
        env[f"GIT_CONFIG_KEY_{index}"] = "http.extraheader"
        env[f"GIT_CONFIG_VALUE_{index}"] = f"AUTHORIZATION: basic {_basic(token)}"
    return env


def _redact(text: str, token: str | None) -> str:
    """``text`` with ``token`` and its base64 forms replaced by ``***``."""
    if token:
        for secret in (_basic(token), base64.b64encode(token.encode()).decode(), token):
            text = text.replace(secret, "***")
    return text


class GitBranchStore:
    """The ledger file on a branch of the repository at ``repo``, pushed to ``remote`` after every append."""

    REMOTE_REF = "refs/portal/ledger-remote"

    def __init__(self, repo: Path, branch: str = "portal-ledger", remote: str | None = "origin",
                 filename: str = "ledger.jsonl", token: str | None = None):
        self.repo, self.branch, self.filename = Path(repo), branch, filename
        self._secret = token  # redacted from every message, used or not
        self.token = None
        self.tip: str | None = None  # the commit read last: the parent of the next append
        self.content = ""
        self.found = False  # whether the branch and its file existed at the last read
        self._fresh = False  # reset(): the next append replaces the file instead of adding to it
        if self._run("rev-parse", "--git-dir").returncode != 0:
            raise LedgerError(f"{self.repo} bukan repositori git, jadi daftar publikasi tidak dapat disimpan "
                              f"di cabang {branch}. Jalankan di dalam clone repositori, atau pakai --ledger PATH.")
        self.remote = remote if remote and remote in self._git("remote").split() else None
        if self.remote and token:
            urls = self._git("remote", "get-url", self.remote) + self._git("remote", "get-url", "--push", self.remote)
            if any(url.lower().startswith(("https://", "http://")) for url in urls.split()):
                self.token = token  # an ssh or local remote gets no header it has no use for

    def _env(self, auth: bool = True) -> dict:
        return _git_env(self.token if auth else None)

    def _run(self, *args: str, input: bytes | None = None, auth: bool = False) -> subprocess.CompletedProcess:
        """Run one git command in the repository; the only place a process is started."""
        try:
            return subprocess.run(["git", *args], cwd=self.repo, input=input, capture_output=True,
                                  env=self._env(auth))
        except OSError as exc:
            raise LedgerError(f"git tidak dapat dijalankan untuk daftar publikasi: {exc.strerror}") from None

    def _message(self, result: subprocess.CompletedProcess) -> str:
        text = (result.stderr + result.stdout).decode("utf-8", "replace").strip()
        return _redact(text, self._secret)[:500]  # redacted before cutting: no token half survives

    def _git(self, *args: str, input: bytes | None = None) -> str:
        result = self._run(*args, input=input)
        if result.returncode != 0:
            raise LedgerError(f"git {args[0]} gagal untuk daftar publikasi: {self._message(result)}")
        return result.stdout.decode("utf-8")

    def _local_tip(self) -> str | None:
        result = self._run("rev-parse", "--verify", "--quiet", f"refs/heads/{self.branch}^{{commit}}")
        return result.stdout.decode().strip() if result.returncode == 0 else None

    def _fetch(self) -> str | None:
        assert self.remote is not None, "fetched only when the repository has the remote"
        result = self._run("fetch", "--quiet", "--no-tags", self.remote,
                           f"+refs/heads/{self.branch}:{self.REMOTE_REF}", auth=True)
        if result.returncode == 0:
            return self._git("rev-parse", f"{self.REMOTE_REF}^{{commit}}").strip()
        if b"couldn't find remote ref" in result.stderr:
            return None  # the first publication: no ledger yet
        raise LedgerError(f"daftar publikasi tidak dapat diambil dari {self.remote}: {self._message(result)}. "
                          "Periksa jaringan dan izin GITHUB_TOKEN (perlu contents: write).")

    def _content_at(self, commit: str | None) -> str:
        self.found = False
        if commit is None:
            return ""
        if self._run("cat-file", "-e", f"{commit}:{self.filename}").returncode != 0:
            return ""
        self.found = True
        blob = self._run("cat-file", "blob", f"{commit}:{self.filename}")
        try:
            return blob.stdout.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise LedgerError(f"{self.filename} di cabang {self.branch} bukan teks UTF-8 "
                              f"(bita ke-{exc.start}).") from None

    def read(self) -> str:
        """The ledger text at the remote branch (fetched now), or the local branch without a remote."""
        self.tip = self._fetch() if self.remote else self._local_tip()
        self.content = self._content_at(self.tip)
        return self.content

    def _commit(self, content: str, parent: str | None, message: str) -> str:
        """A commit on ``parent`` whose tree has ``content`` as this store's file and keeps every other file.

        The branch holds the post ledger and the register side by side: writing one must never drop the
        other. A new branch starts with a README for people who open it.
        """
        blob = self._git("hash-object", "-w", "--stdin", input=content.encode("utf-8")).strip()
        entries = self._git("ls-tree", parent).splitlines() if parent else []
        kept = [e for e in entries if e.split("\t", 1)[-1] != self.filename]
        if not any(e.endswith("\tREADME.md") for e in kept):
            readme = self._git("hash-object", "-w", "--stdin", input=README.encode("utf-8")).strip()
            kept.append(f"100644 blob {readme}\tREADME.md")
        listing = "\n".join([*kept, f"100644 blob {blob}\t{self.filename}"]) + "\n"
        tree = self._git("mktree", input=listing.encode()).strip()
        parents = ["-p", parent] if parent else []
        return self._git("commit-tree", "--no-gpg-sign", tree, *parents, "-m", message).strip()

    def _publish(self, commit: str) -> bool:
        """Move the branch to ``commit``; False if another writer moved it first."""
        if not self.remote:
            # Compare-and-swap: "" means the branch must not exist yet.
            result = self._run("update-ref", f"refs/heads/{self.branch}", commit, self.tip or "")
            if result.returncode == 0:
                return True
            if self._local_tip() != self.tip:
                return False  # another process in this clone appended meanwhile
            raise LedgerError(f"cabang {self.branch} tidak dapat diperbarui: {self._message(result)}")
        result = self._run("push", "--quiet", "--porcelain", "--no-verify", self.remote,
                           f"{commit}:refs/heads/{self.branch}", auth=True)
        if result.returncode != 0:
            # "[rejected]" is a lost race (non-fast-forward, fetch first); "[remote rejected]" is not.
            if b"\t[rejected]" in result.stdout:
                return False
            raise LedgerError(f"daftar publikasi tidak dapat dikirim ke {self.remote}: {self._message(result)}")
        # A local copy for people reading the clone, best effort: the line is already stored on the
        # remote, and reporting failure now would stop a run whose record is in fact durable.
        self._run("update-ref", f"refs/heads/{self.branch}", commit)
        return True

    def reset(self) -> None:
        """Make the next append start a new file on top of the branch (the old lines stay in its history)."""
        self.content = ""
        self._fresh = True

    def append(self, line: str | Callable[[str], str]) -> None:
        """Append ``line`` (or ``line(current content)``) to the branch as a new commit, pushed before returning.

        A callable is called again on the new content after a lost race: a
        signed line chains to the line before it, whichever run wrote that.
        """
        for _ in range(1 + RETRIES):
            if self._fresh:
                self.content = ""
            text = line(self.content) if callable(line) else line
            try:
                record = json.loads(text)
                message = f"ledger: {record['item']} {record['platform']} {record['state']}"
            except (ValueError, TypeError, KeyError):
                name = self.filename.rsplit(".", 1)[0]  # ledger, register: the files of the branch
                message = f"{name}: daftar baru" if '"kind": "start"' in text else f"{name}: tambah baris"
            base = self.content if not self.content or self.content.endswith("\n") else self.content + "\n"
            content = base + text + "\n"
            commit = self._commit(content, self.tip, message)
            if self._publish(commit):
                self.tip, self.content, self.found, self._fresh = commit, content, True, False
                return
            self.read()  # another run wrote meanwhile: add the same line on top of theirs
        raise LedgerError(f"daftar publikasi di cabang {self.branch} terus diubah proses lain "
                          f"({1 + RETRIES} kali ditolak); baris ini belum tersimpan. Jalankan lagi nanti.")
