"""What a deploy needs from a host, whatever the protocol.

Paths are POSIX paths relative to the target's root (``sftp://u@h/var/www/dprd``
-> ``/var/www/dprd``), never absolute, never with ``..``. Every method raises
``DeployError`` (with an Indonesian message naming the host, never a secret)
for anything the host refuses; a missing file is ``None``/``False``, not an error.

Two kinds of host:

- ``atomic`` (local directory, SFTP): the site lives in ``releases/<build-id>/``
  and the web server serves ``current``, a symlink switched with an atomic
  rename. ``link`` makes an unchanged file of the previous release appear in
  the new one without uploading it (a hard link, or a server-side copy).
- in place (FTPS, S3): no symlinks; files are replaced where they are, in an
  order in which no page ever points to a missing file (``manifest.order``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Protocol

from pipeline.errors import PortalError


class DeployError(PortalError):
    """A host refused or failed; the message says what happened and what to do."""


class Host(Protocol):
    """One deploy target's storage."""

    atomic: bool
    label: str  # for messages, without any secret: "sftp://deploy@web.contoh.go.id:22/var/www/dprd"

    def read(self, path: str) -> bytes | None:
        """The bytes of ``path``, or None when it does not exist."""

    def write(self, path: str, data: bytes, content_type: str, cache_control: str) -> None:
        """Store ``data`` at ``path`` (parents created; 0644 files, 0755 folders), replacing it.

        Where the protocol allows it the file appears whole or not at all (a
        temporary name, then a rename); S3 objects get the Content-Type and
        Cache-Control given (others ignore both).
        """

    def create(self, path: str, data: bytes) -> bool:
        """Create ``path`` only if it does not exist (the deploy lock); False when it already did."""

    def delete(self, path: str) -> None:
        """Remove the file ``path``; nothing happens when it is already gone."""

    def walk(self, prefix: str) -> Iterator[str]:
        """Every file under the folder ``prefix`` (``""`` for the root), as root-relative paths."""

    def close(self) -> None:
        """Release the connection."""

    # --- atomic hosts only -------------------------------------------------
    def link(self, source: str, target: str) -> None:
        """Make the existing file ``source`` also appear at ``target`` (hard link or server-side copy)."""

    def switch(self, link: str, target: str) -> None:
        """Point the symlink ``link`` at ``target`` (relative), atomically: a new link, then rename over."""

    def readlink(self, link: str) -> str | None:
        """Where the symlink ``link`` points, or None when there is none."""

    def remove_tree(self, path: str) -> None:
        """Remove the folder ``path`` and everything in it (an old release)."""


# A factory: the target URL (parsed by run.parse_target) and the environment -> a connected Host.
Opener = Callable[[object, dict[str, str]], Host]
