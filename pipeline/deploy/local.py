"""A folder on this machine (a web server's document root): an atomic host.

Files are written to a temporary name and renamed into place, releases share
unchanged files by hard link (a copy across filesystems), and ``current`` is
switched by renaming a fresh symlink over it, which POSIX makes atomic.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from pipeline.deploy.hosts import DeployError

FILE_MODE = 0o644
DIR_MODE = 0o755
_ADVICE = {
    errno.ENOSPC: "disk penuh: kosongkan ruang lalu jalankan deploy lagi",
    errno.EDQUOT: "kuota disk habis: kosongkan ruang lalu jalankan deploy lagi",
    errno.EACCES: "izin ditolak: pastikan pengguna deploy boleh menulis ke folder itu",
    errno.EPERM: "izin ditolak: pastikan pengguna deploy boleh menulis ke folder itu",
    errno.EROFS: "sistem berkas hanya-baca: pilih folder lain",
}


class LocalHost:
    """The Host protocol over a local folder."""

    atomic = True

    def __init__(self, root: Path) -> None:
        self.root = root
        self.label = str(root)

    def _path(self, path: str) -> Path:
        if path.startswith("/") or ".." in path.split("/"):
            raise DeployError(f"Path {path!r} tidak sah untuk {self.label}.")
        return self.root / path if path else self.root

    def _fail(self, what: str, path: str, exc: OSError) -> DeployError:
        advice = _ADVICE.get(exc.errno or 0, exc.strerror or type(exc).__name__)
        return DeployError(f"Gagal {what} {path} di {self.label}: {advice}.")

    def _mkdirs(self, folder: Path) -> None:
        missing = []
        while not folder.exists():
            missing.append(folder)
            folder = folder.parent
        for each in reversed(missing):
            try:
                each.mkdir()
            except FileExistsError:
                continue
            each.chmod(DIR_MODE)  # mkdir's mode is filtered by the umask: 0755 whatever it is

    def read(self, path: str) -> bytes | None:
        """The bytes of ``path``, or None."""
        try:
            return self._path(path).read_bytes()
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return None
        except OSError as exc:
            raise self._fail("membaca", path, exc) from None

    def write(self, path: str, data: bytes, content_type: str = "", cache_control: str = "") -> None:
        """A temporary file in the same folder, 0644, then renamed over ``path``."""
        target = self._path(path)
        try:
            self._mkdirs(target.parent)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(data)
                os.chmod(tmp, FILE_MODE)
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise self._fail("menulis", path, exc) from None

    def create(self, path: str, data: bytes) -> bool:
        """O_EXCL: exactly one of two deploys creates the lock."""
        target = self._path(path)
        try:
            self._mkdirs(target.parent)
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        except FileExistsError:
            return False
        except OSError as exc:
            raise self._fail("membuat", path, exc) from None
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        return True

    def delete(self, path: str) -> None:
        """Remove a file; already gone is fine."""
        try:
            self._path(path).unlink(missing_ok=True)
        except OSError as exc:
            raise self._fail("menghapus", path, exc) from None

    def walk(self, prefix: str) -> Iterator[str]:
        """Every file under ``prefix``, root-relative, in sorted order."""
        base = self._path(prefix)
        if not base.is_dir():
            return
        for folder, dirs, files in os.walk(base):
            dirs.sort()
            for name in sorted(files):
                yield (Path(folder) / name).relative_to(self.root).as_posix()

    def close(self) -> None:
        """Nothing to release."""

    def link(self, source: str, target: str) -> None:
        """A hard link (the same bytes, no copy); a copy when the folders are on different filesystems."""
        src, dst = self._path(source), self._path(target)
        try:
            self._mkdirs(dst.parent)
            dst.unlink(missing_ok=True)
            try:
                os.link(src, dst)
            except OSError as exc:
                if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK):
                    raise
                shutil.copyfile(src, dst)
                dst.chmod(FILE_MODE)
        except OSError as exc:
            raise self._fail("menautkan", source, exc) from None

    def switch(self, link: str, target: str) -> None:
        """A new relative symlink, renamed over ``link``: the web server sees the old or the new, never none."""
        path = self._path(link)
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        try:
            self._mkdirs(path.parent)
            tmp.unlink(missing_ok=True)
            os.symlink(target, tmp)
            os.replace(tmp, path)
        except OSError as exc:
            raise self._fail("mengganti", link, exc) from None

    def readlink(self, link: str) -> str | None:
        """The symlink's target, or None."""
        try:
            return os.readlink(self._path(link))
        except OSError:  # missing, or not a symlink
            return None

    def remove_tree(self, path: str) -> None:
        """Remove a release folder."""
        try:
            shutil.rmtree(self._path(path))
        except FileNotFoundError:
            return
        except OSError as exc:
            raise self._fail("menghapus", path, exc) from None


def open_host(target: Any, env: Mapping[str, str]) -> LocalHost:
    """The folder ``target.path`` (created 0755 when missing)."""
    root = Path(target.path)
    host = LocalHost(root)
    try:
        host._mkdirs(root)
    except OSError as exc:
        raise host._fail("membuat folder", str(root), exc) from None
    if not root.is_dir():
        raise DeployError(f"{root} bukan folder; pilih folder tujuan deploy.")
    return host
