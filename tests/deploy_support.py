"""Shared deploy scenarios: sample sites, reading a deployed site back, a deploy killed halfway.

Every host's tests (test_deploy.py: local; test_deploy_sftp/ftps/s3.py) use these:

- ``sample_sites`` (session fixture, import it by name): the sample content built
  three times with ``portal build``: ``old``; ``new`` (one item's narrative
  changed: ``changed`` lists the files that differ, what a second deploy must
  upload); ``renamed`` (``new`` with another site_name: every page differs, for
  the deploy killed halfway).
- ``assert_serves(host, site, prefix)``: every file of ``site`` reads back from
  the host under ``prefix`` (``"current"`` on atomic hosts, ``""`` in place) byte
  for byte, and ``build.json`` names a build.
- ``broken_references(host, prefix)``: every HTML page under ``prefix`` and each
  local href/src/srcset it holds; returns the (page, reference) pairs whose file
  is missing.
- ``deploy_paused(project, target, site, env, after)``: ``python -m pipeline deploy``
  as a subprocess that stops right after its ``after``-th upload of a site file;
  the caller then ``kill_deploy(proc)``s it with SIGKILL (or runs a second deploy
  meanwhile).
- ``foreign_lock(host, age)``: the lock of another machine's deploy, ``age`` seconds old.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import pytest
from conftest import REPO, TODAY

SAMPLE_ITEM = "2026-09-03-bimtek-pelayanan-informasi-publik"
STATE = ".portal-deploy"


@dataclass(frozen=True)
class SampleSites:
    """Three builds of the sample content (see the module docstring)."""

    project: Path
    old: Path
    new: Path
    renamed: Path
    changed: list[str]  # site files that differ between old and new (build.json is the deploy's own)


def site_files(site: Path) -> dict[str, str]:
    """Path -> sha256 of every file of a built site."""
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def build(project: Path, site: Path) -> Path:
    """``portal build --site-dir site`` in ``project``; fails the test with the build's output otherwise."""
    env = {**os.environ, "PORTAL_TODAY": TODAY, "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run([sys.executable, "-m", "pipeline", "build", "--site-dir", str(site)], cwd=project,
                          env=env, capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return site


def change_item(project: Path, item: str = SAMPLE_ITEM) -> Path:
    """Add a sentence to one sample item's narrative (what an editor's small correction does)."""
    index = project / "content" / "berita" / "2026" / item / "index.md"
    index.write_text(index.read_text(encoding="utf-8") + "\nTambahan kalimat untuk uji deploy.\n", encoding="utf-8")
    return index


def build_sample_sites(root: Path) -> SampleSites:
    """The sample project copied into ``root`` and built three times (photo cache reused when present)."""
    project = root / "proyek"
    project.mkdir(parents=True)
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(REPO / "overrides", project / "overrides")
    shutil.copytree(REPO / "content", project / "content")
    if (REPO / ".portal" / "cache").is_dir():  # the photo cache is keyed by input bytes and settings: safe to share
        shutil.copytree(REPO / ".portal" / "cache", project / ".portal" / "cache")
    old = build(project, root / "site-lama")
    change_item(project)
    new = build(project, root / "site-baru")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "site_name: Portal Informasi DPRD Kabupaten Contoh", "site_name: Portal DPRD Kabupaten Contoh", 1),
        encoding="utf-8")
    renamed = build(project, root / "site-ganti-nama")
    before, after = site_files(old), site_files(new)
    changed = sorted(p for p in after if before.get(p) != after[p])
    return SampleSites(project, old, new, renamed, changed)


@pytest.fixture(scope="session")
def sample_sites(tmp_path_factory) -> SampleSites:
    """The sample sites, built once per test session."""
    return build_sample_sites(tmp_path_factory.mktemp("contoh-deploy"))


# --------------------------------------------------------------------------- reading back

def _join(prefix: str, path: str) -> str:
    return f"{prefix}/{path}" if prefix else path


def assert_serves(host, site: Path, prefix: str = "current") -> dict:
    """Every file of ``site`` is on ``host`` under ``prefix`` with the same bytes; returns the live build.json."""
    wrong = []
    for path, sha in site_files(site).items():
        if path == "build.json":
            continue
        data = host.read(_join(prefix, path))
        if data is None or hashlib.sha256(data).hexdigest() != sha:
            wrong.append(path)
    assert wrong == [], f"{len(wrong)} files not as in {site.name}: {wrong[:10]}"
    data = host.read(_join(prefix, "build.json"))
    assert data is not None, "build.json missing"
    record = json.loads(data)
    assert set(record) == {"build", "commit", "time"}
    return record


class _References(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if not value:
                continue
            if name in ("href", "src"):
                self.found.append(value)
            elif name == "srcset":
                self.found.extend(part.strip().split(" ")[0] for part in value.split(",") if part.strip())


def local_references(page: str, html: str) -> list[str]:
    """The site paths a page refers to (relative or root-absolute URLs; fragments and other hosts left out)."""
    parser = _References()
    parser.feed(html)
    paths = []
    for ref in parser.found:
        parts = urlsplit(ref)
        if parts.scheme or parts.netloc or not parts.path:
            continue
        base = PurePosixPath(page).parent
        raw = unquote(parts.path)
        joined = PurePosixPath(raw.lstrip("/")) if raw.startswith("/") else base / raw
        resolved: list[str] = []
        for part in joined.parts:
            if part == "..":
                if resolved:
                    resolved.pop()
            elif part != ".":
                resolved.append(part)
        path = "/".join(resolved)
        if raw.endswith("/") or raw in ("..", ".") or raw.endswith(("/..", "/.")) or not path:
            path = f"{path}/index.html" if path else "index.html"
        paths.append(path)
    return paths


def served_files(host, prefix: str) -> list[str]:
    """Site paths under ``prefix`` (the deploy's own state folder left out)."""
    start = len(prefix) + 1 if prefix else 0
    return [p[start:] for p in host.walk(prefix) if not p[start:].startswith(STATE + "/")]


def broken_references(host, prefix: str = "current") -> list[tuple[str, str]]:
    """(page, reference) for every local reference of every served HTML page whose file is missing."""
    files = set(served_files(host, prefix))
    pages = sorted(p for p in files if p.endswith(".html"))
    assert pages, f"no HTML page under {prefix!r}"
    broken = []
    for page in pages:
        html = (host.read(_join(prefix, page)) or b"").decode("utf-8")
        broken.extend((page, ref) for ref in local_references(page, html) if ref not in files)
    return broken


# --------------------------------------------------------------------------- killed and concurrent deploys

_PAUSED = r"""
import sys, time
import pipeline.deploy.run as run
after, opened = int(sys.argv[1]), run.open_host
def open_host(target, env):
    host = opened(target, env)
    write, count = host.write, [0]
    def paused(path, data, content_type="", cache_control=""):
        write(path, data, content_type, cache_control)
        if not path.startswith(".portal-deploy/"):
            count[0] += 1
            if count[0] == after:
                print("PAUSED", path, flush=True)
                time.sleep(3600)
    host.write = paused
    return host
run.open_host = open_host
from pipeline.cli import main
sys.exit(main(sys.argv[2:]))
"""


def deploy_paused(project: Path, target: str, site: Path, env: dict[str, str], after: int,
                  *extra: str) -> subprocess.Popen:
    """``python -m pipeline deploy TARGET --site-dir SITE``, stopped right after its ``after``-th site upload.

    Returns once it stopped (the process holds the deploy lock and sleeps);
    fails with its output when it ended first.
    """
    full = {**os.environ, **env, "PYTHONIOENCODING": "utf-8", "PORTAL_TODAY": TODAY}
    proc = subprocess.Popen([sys.executable, "-c", _PAUSED, str(after), "deploy", target, "--site-dir", str(site),
                             *extra], cwd=project, env=full, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, encoding="utf-8")
    assert proc.stdout is not None
    line = proc.stdout.readline()  # blocks until PAUSED, or EOF when the deploy ended
    if not line.startswith("PAUSED"):
        out, err = proc.communicate(timeout=60)
        pytest.fail(f"the deploy did not pause after {after} uploads (exit {proc.returncode}):\n{line}{out}{err}")
    return proc


def kill_deploy(proc: subprocess.Popen) -> str:
    """SIGKILL the paused deploy; its whole output (for the secrets check)."""
    proc.send_signal(signal.SIGKILL)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    return out + err


def run_deploy(project: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """``python -m pipeline ARGS`` (deploy or rollback) with exactly ``env`` added to this environment."""
    full = {**os.environ, **env, "PYTHONIOENCODING": "utf-8", "PORTAL_TODAY": TODAY}
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=project, env=full, capture_output=True,
                          text=True, encoding="utf-8", timeout=300)


def foreign_lock(host, age: float = 0) -> dict:
    """Put another machine's deploy lock on ``host``, ``age`` seconds old; its content."""
    since = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(seconds=age)
    lock = {"owner": "deploy@mesin-lain", "pid": 4242, "time": since.isoformat(), "token": "lain"}
    host.write(f"{STATE}/lock", json.dumps(lock).encode(), "application/json", "no-cache")
    return lock


def history(host) -> list[str]:
    """Build ids of the releases that went live on ``host``, oldest first."""
    return [h["build"] for h in json.loads(host.read(f"{STATE}/history.json") or b"[]")]


def live_build(host) -> str:
    """The build id ``.portal-deploy/manifest.json`` names."""
    return json.loads(host.read(f"{STATE}/manifest.json"))["build"]
