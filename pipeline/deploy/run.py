"""The deploy procedure, the same for every host: lock, upload, verify, switch, prune; and rollback.

Layout on the host (paths relative to the target's root)::

    .portal-deploy/lock                 who deploys now (JSON: owner, pid, time); stale after 30 minutes
    .portal-deploy/manifest.json        the live release: build id, commit, time, files
    .portal-deploy/history.json         releases that went live, newest last (in place: retired paths)
    .portal-deploy/manifests/<id>.json  every release's manifest, written before its first upload
    releases/<id>/ + current            atomic hosts: the site, and the symlink the web server serves
    .portal-deploy/releases/<id>/       in-place hosts: copies of the non-photo files, for rollback

A manifest entry is ``[sha256, size, origin]``: ``origin`` is the release
whose folder (atomic) or copy folder (in place) holds those bytes.

On an atomic host the public sees ``current`` only, switched by one rename
after the new release was read back, so a deploy killed at any point leaves
the previous site whole; the release actually live is ``readlink(current)``,
not manifest.json (a kill between the switch and manifest.json is harmless).
On an in-place host files are replaced in ``manifest.order`` and
manifest.json is written last, so a re-run after a kill uploads the same set
again and converges.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from pipeline.deploy import manifest as mf
from pipeline.deploy.hosts import DeployError, Host
from pipeline.errors import UsageError

STATE = ".portal-deploy"
LOCK = f"{STATE}/lock"
LIVE = f"{STATE}/manifest.json"
HISTORY = f"{STATE}/history.json"
MANIFESTS = f"{STATE}/manifests"
COPIES = f"{STATE}/releases"
RELEASES = "releases"
CURRENT = "current"
STALE_AFTER = 30 * 60  # seconds: a lock older than this belongs to a deploy that died
POLL = 1.0  # seconds between two looks at a held lock
SAMPLE = 8  # uploaded files read back and hashed before the switch
SCHEMES = ("local", "sftp", "ftps", "ftp", "s3")
DEFAULT_PORTS = {"sftp": 22, "ftps": 21, "ftp": 21}


@dataclass(frozen=True)
class Target:
    """Where to deploy, parsed from the command line's TARGET; ``label`` never holds a secret."""

    scheme: str
    user: str
    host: str
    port: int | None
    path: str
    label: str


@dataclass
class Summary:
    """What a deploy did (or, with dry_run, would do)."""

    build: str
    uploaded: list[str] = field(default_factory=list)
    unchanged: int = 0
    deleted: list[str] = field(default_factory=list)
    bytes: int = 0
    seconds: float = 0.0
    dry_run: bool = False
    notes: list[str] = field(default_factory=list)

    def line(self) -> str:
        """The last line: "diunggah N, tidak berubah M, dihapus K, X MB, Y detik" (decimal comma)."""
        mb = f"{self.bytes / 1_000_000:.1f}".replace(".", ",")
        secs = f"{self.seconds:.1f}".replace(".", ",")
        return (f"diunggah {len(self.uploaded)}, tidak berubah {self.unchanged}, dihapus {len(self.deleted)}, "
                f"{mb} MB, {secs} detik")


# --------------------------------------------------------------------------- targets

def parse_target(text: str, insecure: bool = False) -> Target:
    """TARGET -> Target: ``sftp://user@host[:port]/path``, ``ftps://…``, ``ftp://…`` (only with
    ``insecure``), ``s3://bucket/prefix``, ``file:///path`` or a local folder path."""
    text = text.strip()
    if "://" not in text:
        return _local(text)
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme == "file":
        return _local(unquote(parts.path))
    if scheme not in SCHEMES:
        raise UsageError(f"TARGET {_no_secret(text)}: skema {scheme}:// tidak dikenal; pakai sftp://, ftps://, "
                         "s3:// atau folder lokal.")
    if parts.password is not None:
        raise UsageError("TARGET tidak boleh memuat kata sandi; berikan lewat variabel lingkungan "
                         "DEPLOY_PASSWORD (secret di GitHub).")
    if scheme == "ftp" and not insecure:
        raise UsageError(f"TARGET {_no_secret(text)}: FTP tanpa TLS mengirim kata sandi terbuka; pakai ftps://, "
                         "atau --insecure bila server benar-benar tidak mendukung TLS.")
    if not parts.hostname:
        raise UsageError(f"TARGET {_no_secret(text)}: nama host (atau bucket) tidak ada.")
    if scheme == "s3":
        prefix = unquote(parts.path).strip("/")
        return Target("s3", "", parts.hostname, None, prefix, f"s3://{parts.hostname}/{prefix}".rstrip("/"))
    if not parts.username:
        raise UsageError(f"TARGET {_no_secret(text)}: nama pengguna tidak ada (contoh: {scheme}://deploy@host/var/www/dprd).")
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError:
        raise UsageError(f"TARGET {_no_secret(text)}: nomor port tidak sah.") from None
    path = unquote(parts.path) or "/"
    user = unquote(parts.username)
    return Target(scheme, user, parts.hostname, port, path, f"{scheme}://{user}@{parts.hostname}:{port}{path}")


def _local(text: str) -> Target:
    if not text:
        raise UsageError("TARGET kosong: berikan folder tujuan atau alamat sftp://, ftps://, s3://.")
    path = str(Path(text).expanduser().absolute())
    return Target("local", "", "", None, path, path)


def _no_secret(text: str) -> str:
    """``text`` without a ``user:password@`` password, for messages."""
    parts = urlsplit(text)
    if parts.password is None:
        return text
    return text.replace(f":{parts.password}@", ":***@", 1)


def open_host(target: Target, env: Mapping[str, str]) -> Host:
    """A connected Host for ``target``: ``pipeline.deploy.<scheme>.open_host(target, env)`` (ftp -> ftps)."""
    module = {"ftp": "ftps"}.get(target.scheme, target.scheme)
    opener = importlib.import_module(f"pipeline.deploy.{module}").open_host
    return opener(target, dict(env))


# --------------------------------------------------------------------------- deploy

def deploy(site: Path, target: Target, env: Mapping[str, str], *, keep: int = 5, dry_run: bool = False,
           verify_url: str | None = None, wait: float = 0, progress: bool | None = None) -> Summary:
    """Put the built ``site`` on ``target``: only changed files travel; the public never sees half a site.

    ``keep`` releases stay on the host for rollback (in place: retired files
    are deleted only after ``keep`` later deploys). ``wait`` seconds to wait
    for another deploy's lock. ``verify_url``: the site's public address,
    whose ``build.json`` must then show this build.
    """
    if keep < 2:
        raise UsageError("--keep minimal 2: rilis yang tayang dan rilis sebelumnya selalu disimpan.")
    started = time.monotonic()
    files = mf.scan(site)  # everything read and hashed before the host is touched
    files.pop(mf.BUILD_FILE, None)  # ours: written below
    commit = _commit(env)
    host = open_host(target, env)
    try:
        if dry_run:
            summary = _dry_run(host, _release(site, files, commit, []))
        else:
            with _locked(host, wait) as notes:
                release = _release(site, files, commit, _known_builds(host))
                procedure = _deploy_atomic if host.atomic else _deploy_in_place
                summary = procedure(host, release, keep, _progress_bar(progress))
                summary.notes[:0] = notes
                if verify_url:
                    _verify_url(host, verify_url, release.build)
    finally:
        host.close()
    summary.seconds = time.monotonic() - started
    return summary


@dataclass
class _Release:
    site: Path
    build: str
    commit: str
    time: dt.datetime
    files: mf.Manifest
    build_json: bytes

    def data(self, path: str) -> bytes:
        return self.build_json if path == mf.BUILD_FILE else (self.site / path).read_bytes()

    def record(self, origins: Mapping[str, str]) -> dict[str, Any]:
        files = {p: [h, size, origins[p]] for p, (h, size) in sorted(self.files.items())}
        return {"build": self.build, "commit": self.commit, "time": self.time.isoformat(), "files": files}


def _release(site: Path, files: mf.Manifest, commit: str, taken: list[str]) -> _Release:
    """The release to upload: its id (UTC time + 8 hex of the manifest hash) and its build.json."""
    now = _now()
    build = base = f"{now.strftime('%Y%m%dT%H%M%SZ')}-{mf.digest(files)[:8]}"
    number = 1
    while build in taken:  # the same site twice within a second: never reuse a release folder
        number += 1
        build = f"{base}-{number}"
    build_json = _dumps({"build": build, "commit": commit, "time": now.isoformat()})
    files = {**files, mf.BUILD_FILE: (hashlib.sha256(build_json).hexdigest(), len(build_json))}
    return _Release(site, build, commit, now, files, build_json)


def _dry_run(host: Host, release: _Release) -> Summary:
    plan = mf.plan(release.files, _entries(_live_record(host)))
    uploaded = [p for p in plan.upload if p != mf.BUILD_FILE]
    return Summary(release.build, uploaded, len(plan.unchanged), plan.removed if host.atomic else [],
                   sum(release.files[p][1] for p in uploaded), dry_run=True)


def _deploy_atomic(host: Host, release: _Release, keep: int, bar: Callable[[int, int], None]) -> Summary:
    live = _live_record(host)
    old = _entries(live)
    plan = mf.plan(release.files, old)
    folder = f"{RELEASES}/{release.build}"
    origins = {p: release.build for p in release.files}
    host.write(f"{MANIFESTS}/{release.build}.json", _dumps(release.record(origins)), "application/json",
               mf.SHORT_CACHE)  # before the first upload: prune finds a half-made release by it
    total = len(release.files)
    pairs = [(f"{RELEASES}/{live['build']}/{path}", f"{folder}/{path}") for path in plan.unchanged]
    link_all = getattr(host, "link_all", None)
    if link_all is not None:
        # Optional batch form of link (e.g. one `cp -l` over SSH for thousands of files): per-file
        # round trips would dominate a no-change redeploy of a large site.
        link_all(pairs)
        bar(len(pairs), total)
    else:
        for done, (source, target) in enumerate(pairs, 1):
            try:
                host.link(source, target)
            except DeployError:  # gone from the live release (edited by hand on the server): upload it
                path = target[len(folder) + 1:]
                host.write(target, release.data(path), mf.content_type(path), mf.cache_control(path))
            bar(done, total)
    for done, path in enumerate(plan.upload, len(plan.unchanged) + 1):
        host.write(f"{folder}/{path}", release.data(path), mf.content_type(path), mf.cache_control(path))
        bar(done, total)
    _read_back(host, folder, release, plan.upload)
    host.switch(CURRENT, folder)
    _publish_record(host, release.record(origins), release.build)
    uploaded = [p for p in plan.upload if p != mf.BUILD_FILE]
    summary = Summary(release.build, uploaded, len(plan.unchanged), plan.removed,
                      sum(release.files[p][1] for p in uploaded))
    _prune_atomic(host, keep)
    return summary


def _deploy_in_place(host: Host, release: _Release, keep: int, bar: Callable[[int, int], None]) -> Summary:
    live = _live_record(host)
    old = _entries(live)
    plan = mf.plan(release.files, old)
    origins = {p: (live["files"][p][2] if p in plan.unchanged else release.build) for p in release.files}
    host.write(f"{MANIFESTS}/{release.build}.json", _dumps(release.record(origins)), "application/json",
               mf.SHORT_CACHE)
    total = len(plan.upload)
    for done, path in enumerate(plan.upload, 1):
        data = release.data(path)
        if not mf.is_photo_variant(path):  # a rollback re-publishes pages from these copies
            host.write(f"{COPIES}/{release.build}/{path}", data, mf.content_type(path), mf.cache_control(path))
        host.write(path, data, mf.content_type(path), mf.cache_control(path))
        bar(done, total)
    _read_back(host, "", release, plan.upload)
    history = _history(host)
    deleted = _delete_retired(host, history, set(release.files), keep)
    history.append({"build": release.build, "commit": release.commit, "time": release.time.isoformat(),
                    "retired": plan.removed})
    _write_json(host, HISTORY, history)
    host.write(LIVE, _dumps(release.record(origins)), "application/json", mf.SHORT_CACHE)
    uploaded = [p for p in plan.upload if p != mf.BUILD_FILE]
    summary = Summary(release.build, uploaded, len(plan.unchanged), deleted,
                      sum(release.files[p][1] for p in uploaded))
    _prune_in_place(host, keep)
    return summary


def _read_back(host: Host, folder: str, release: _Release, uploaded: list[str]) -> None:
    """Read build.json and a sample of the uploaded files back, before anything goes live."""
    prefix = f"{folder}/" if folder else ""
    step = max(1, len(uploaded) // SAMPLE)
    for path in [mf.BUILD_FILE, *uploaded[::step][:SAMPLE]]:
        data = host.read(prefix + path)
        if data is None or hashlib.sha256(data).hexdigest() != release.files[path][0]:
            raise DeployError(f"Berkas {path} di {host.label} tidak sama dengan yang diunggah; situs yang tayang "
                              "tidak diubah. Periksa ruang disk di server lalu jalankan deploy lagi.")


def _publish_record(host: Host, record: dict[str, Any], build: str) -> None:
    """After an atomic switch: history and manifest.json say which release is live."""
    history = [h for h in _history(host) if h["build"] != build]
    history.append({"build": build, "commit": record["commit"], "time": record["time"]})
    _write_json(host, HISTORY, history)
    host.write(LIVE, _dumps(record), "application/json", mf.SHORT_CACHE)


def _delete_retired(host: Host, history: list[dict[str, Any]], used: set[str], keep: int) -> list[str]:
    """Delete files whose last release is ``keep`` deploys back (no kept manifest uses them), unless used again.

    ``history[j]`` (deploy j+1) retired what deploy j used last: this deploy,
    number len(history)+1, is ``keep`` deploys later when j + keep <= len(history) + 1.
    """
    deleted: list[str] = []
    for entry in history[: max(0, len(history) + 2 - keep)]:
        for path in entry.get("retired", []):
            if path not in used:
                host.delete(mf.safe_path(path))
                deleted.append(path)
        entry["retired"] = []
    return sorted(set(deleted))


def _prune_atomic(host: Host, keep: int) -> None:
    """Keep the ``keep`` newest releases, and always the live one and the one before it."""
    history = _history(host)
    protected = _protected(history, _live_build(host))
    for build in _known_builds(host)[:-keep]:
        if build not in protected:
            host.remove_tree(f"{RELEASES}/{build}")
            host.delete(f"{MANIFESTS}/{build}.json")
    kept = set(_known_builds(host))
    _write_json(host, HISTORY, [h for h in history if h["build"] in kept])


def _protected(history: list[dict[str, Any]], live: str | None) -> set[str]:
    """The live release and the one deployed before it: never pruned (rollback needs the latter)."""
    builds = [h["build"] for h in history]
    protected = {live or ""}
    if live in builds and builds.index(live) > 0:
        protected.add(builds[builds.index(live) - 1])
    return protected


def _prune_in_place(host: Host, keep: int) -> None:
    """Drop manifests beyond ``keep``, and copy folders no kept manifest needs any more."""
    builds = _known_builds(host)
    history = _history(host)
    protected = _protected(history, _live_build(host))
    dropped = [b for b in builds[:-keep] if b not in protected]
    for build in dropped:
        host.delete(f"{MANIFESTS}/{build}.json")
    needed = {entry[2] for b in builds if b not in dropped for entry in _manifest(host, b)["files"].values()}
    for path in list(host.walk(COPIES)):
        build = path[len(COPIES) + 1:].split("/", 1)[0]
        if build not in needed:
            host.delete(path)
    kept = set(_known_builds(host))
    _write_json(host, HISTORY, [h for h in history if h["build"] in kept])


# --------------------------------------------------------------------------- rollback

def rollback(target: Target, env: Mapping[str, str], *, to: str | None = None) -> str:
    """Make the release deployed before the live one (or release ``to``, older or newer) live again; its id.

    History keeps the deploy order, so a second rollback goes one further back
    and ``to`` the newest release is the roll-forward.
    """
    host = open_host(target, env)
    try:
        with _locked(host, 0):
            live = _live_build(host)
            history = [h["build"] for h in _history(host)]
            chosen = to or _previous(history, live, host.label)
            if chosen not in _known_builds(host):
                raise DeployError(f"Rilis {chosen} tidak ada di {host.label}; rilis yang tersedia: "
                                  f"{', '.join(_known_builds(host)) or '(tidak ada)'}.")
            record = _manifest(host, chosen)
            if host.atomic:
                if host.read(f"{RELEASES}/{chosen}/{mf.BUILD_FILE}") is None:
                    raise DeployError(f"Rilis {chosen} di {host.label} tidak lengkap (deploy yang terhenti); "
                                      "pilih rilis lain dengan --to.")
                host.switch(CURRENT, f"{RELEASES}/{chosen}")
                host.write(LIVE, _dumps(record), "application/json", mf.SHORT_CACHE)
            else:
                _republish(host, record, _live_record(host))
            return chosen
    finally:
        host.close()


def _previous(history: list[str], live: str | None, label: str) -> str:
    if live in history and history.index(live) > 0:
        return history[history.index(live) - 1]
    raise DeployError(f"Tidak ada rilis sebelum rilis yang tayang di {label}; tidak ada yang bisa dikembalikan.")


def _republish(host: Host, record: dict[str, Any], live: dict[str, Any]) -> None:
    """In place: write back, in upload order, each file whose bytes differ from the live release's."""
    current = _entries(live)
    for path in mf.order(record["files"]):
        sha, _size, origin = record["files"][path]
        if current.get(path, ("",))[0] == sha:
            continue
        if mf.is_photo_variant(path):
            continue  # photos are never copied: a retired one is still on the host (deleted only after --keep)
        data = host.read(f"{COPIES}/{origin}/{mf.safe_path(path)}")
        if data is None or hashlib.sha256(data).hexdigest() != sha:
            raise DeployError(f"Salinan {path} dari rilis {origin} hilang atau rusak di {host.label}; rollback "
                              "berhenti. Jalankan `portal deploy` dari commit yang diinginkan.")
        host.write(path, data, mf.content_type(path), mf.cache_control(path))
    host.write(LIVE, _dumps(record), "application/json", mf.SHORT_CACHE)


# --------------------------------------------------------------------------- lock

@contextmanager
def _locked(host: Host, wait: float) -> Iterator[list[str]]:
    """Hold ``.portal-deploy/lock`` for the block; yields notes (a stale lock taken over)."""
    token = f"{_owner()}#{os.getpid()}#{time.time_ns()}"
    body = _dumps({"owner": _owner(), "pid": os.getpid(), "time": _now().isoformat(), "token": token})
    notes: list[str] = []
    deadline = time.monotonic() + wait
    while not host.create(LOCK, body):
        held = _read_json(host, LOCK)
        if held is None:
            continue  # released between our create and read
        if _stale(held):
            notes.append(f"Kunci deploy lama ({held.get('owner', '?')}, sejak {held.get('time', '?')}) "
                         "ditinggalkan deploy yang sudah berhenti; kunci diambil alih.")
            host.delete(LOCK)
            continue
        if time.monotonic() >= deadline:
            raise DeployError(f"deploy lain sedang berjalan sejak {held.get('time')} ({held.get('owner')}, "
                              f"pid {held.get('pid')}) di {host.label}; tunggu hingga selesai lalu ulangi, "
                              "atau pakai --wait DETIK. Kunci yang lebih tua dari 30 menit diambil alih otomatis.")
        time.sleep(min(POLL, max(0.0, deadline - time.monotonic())))
    try:
        yield notes
    except BaseException:
        # The deploy failed (often: the connection dropped). Releasing the lock is
        # then best effort: its own failure must not hide the one that matters, and
        # a lock left behind is taken over once its process is gone or 30 minutes passed.
        with suppress(DeployError):
            _unlock(host, token)
        raise
    _unlock(host, token)


def _unlock(host: Host, token: str) -> None:
    """Delete the lock if it is still ours (a takeover may have replaced it)."""
    held = _read_json(host, LOCK)
    if held is not None and held.get("token") == token:
        host.delete(LOCK)


def _stale(held: Mapping[str, Any]) -> bool:
    """Older than 30 minutes, or taken on this machine by a process that no longer runs (killed)."""
    since = _parse_time(held.get("time"))
    if since is None or since.tzinfo is None or (_now() - since).total_seconds() > STALE_AFTER:
        return True
    if held.get("owner") != _owner() or not isinstance(held.get("pid"), int):
        return False
    try:
        os.kill(held["pid"], 0)
    except ProcessLookupError:
        return True
    except OSError:  # alive, someone else's
        return False
    return False


def _owner() -> str:
    try:
        user = os.getlogin()
    except OSError:
        user = os.environ.get("USER", "") or str(os.getuid())
    return f"{user}@{socket.gethostname()}"


# --------------------------------------------------------------------------- verify

def _verify_url(host: Host, url: str, build: str) -> None:
    """Fetch ``url/build.json``; on a mismatch roll back (atomic) or fail loudly (in place)."""
    import requests

    address = url.rstrip("/") + "/" + mf.BUILD_FILE
    try:
        response = requests.get(address, timeout=30, headers={"Cache-Control": "no-cache"})
        seen = response.json().get("build") if response.ok else f"HTTP {response.status_code}"
    except (requests.RequestException, ValueError, AttributeError) as exc:
        seen = type(exc).__name__
    if seen == build:
        return
    if host.atomic:
        history = [h["build"] for h in _history(host)]
        if len(history) >= 2 and history[-1] == build:
            host.switch(CURRENT, f"{RELEASES}/{history[-2]}")
            host.write(LIVE, _dumps(_manifest(host, history[-2])), "application/json", mf.SHORT_CACHE)
            raise DeployError(f"{address} menunjukkan {seen!r}, bukan build {build}: situs dikembalikan ke rilis "
                              f"{history[-2]}. Periksa apakah document root server menunjuk ke folder current.")
    raise DeployError(f"{address} menunjukkan {seen!r}, bukan build {build}. Berkas sudah diunggah ke {host.label}; "
                      "periksa alamat --verify-url, cache CDN, dan document root server.")


# --------------------------------------------------------------------------- host state

def _known_builds(host: Host) -> list[str]:
    """Every release with a manifest on the host, oldest first.

    Ids start with their UTC time (to the second); within one second the deploy
    order in history decides, and a release that never went live comes first.
    """
    names = (p[len(MANIFESTS) + 1:] for p in host.walk(MANIFESTS))
    builds = [n[: -len(".json")] for n in names if n.endswith(".json") and "/" not in n]
    position = {h["build"]: i for i, h in enumerate(_history(host))}
    return sorted(builds, key=lambda b: (b.split("-", 1)[0], position.get(b, -1), b))


def _live_build(host: Host) -> str | None:
    if host.atomic:
        link = host.readlink(CURRENT)
        return link.rstrip("/").rsplit("/", 1)[-1] if link else None
    live = _read_json(host, LIVE)
    return live.get("build") if live else None


def _live_record(host: Host) -> dict[str, Any]:
    """The live release's manifest record ({} files when nothing was deployed yet)."""
    build = _live_build(host)
    if build is None:
        return {"build": None, "files": {}}
    record = _read_json(host, f"{MANIFESTS}/{build}.json") if host.atomic else _read_json(host, LIVE)
    if record is None:
        raise DeployError(f"Manifest rilis {build} yang tayang tidak ada di {host.label}; hapus folder "
                          f"{STATE} dan {CURRENT} hanya bila Anda ingin mengunggah ulang semuanya.")
    return record


def _manifest(host: Host, build: str) -> dict[str, Any]:
    record = _read_json(host, f"{MANIFESTS}/{build}.json")
    if record is None:
        raise DeployError(f"Manifest rilis {build} tidak ada di {host.label}.")
    return record


def _entries(record: Mapping[str, Any]) -> mf.Manifest:
    return {mf.safe_path(p): (e[0], int(e[1])) for p, e in record.get("files", {}).items()}


def _history(host: Host) -> list[dict[str, Any]]:
    history = _read_json(host, HISTORY)
    return history if isinstance(history, list) else []


def _read_json(host: Host, path: str) -> Any:
    data = host.read(path)
    if data is None:
        return None
    try:
        return json.loads(data)
    except ValueError:
        raise DeployError(f"{path} di {host.label} rusak (bukan JSON); periksa atau hapus berkas itu.") from None


def _write_json(host: Host, path: str, value: Any) -> None:
    host.write(path, _dumps(value), "application/json", mf.SHORT_CACHE)


def _dumps(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _parse_time(value: object) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None


def _commit(env: Mapping[str, str]) -> str:
    """The commit deployed: GITHUB_SHA in Actions, else ``git rev-parse HEAD``, else empty."""
    if env.get("GITHUB_SHA"):
        return env["GITHUB_SHA"]
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10, check=False)
    except OSError:
        return ""
    return out.stdout.strip() if out.returncode == 0 else ""


def _progress_bar(progress: bool | None) -> Callable[[int, int], None]:
    """A bar on stderr when it is a terminal (and not CI); otherwise nothing."""
    if progress is None:
        progress = sys.stderr.isatty() and os.environ.get("CI", "").lower() not in ("true", "1", "yes")
    if not progress:
        return lambda done, total: None

    def bar(done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        end = "\n" if done >= total else ""
        print(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} berkas", end=end, file=sys.stderr,
              flush=True)

    return bar
