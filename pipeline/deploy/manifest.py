"""What a built site holds, what travels, in which order, with which headers.

A manifest maps each file's POSIX path (relative to the site root) to its
sha256 and size. Comparing the new site's manifest with the one on the host
gives the plan: only files whose hash changed travel.
"""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pipeline.content import urls
from pipeline.deploy.hosts import DeployError

Entry = tuple[str, int]  # (sha256 hex, size in bytes)
Manifest = dict[str, Entry]

BUILD_FILE = "build.json"
FEEDS = (urls.RSS_FEED, urls.JSON_FEED)
SITEMAPS = (urls.SITEMAP, urls.SITEMAP + ".gz")
PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".avif"}
SHORT_CACHE = "public, max-age=300"
# Photo variant URLs are not content-fingerprinted yet (``<article>foto/<name>-<variant>.<ext>``):
# a re-encoded photo keeps its URL, so a day, never ``immutable``, until the URLs carry a hash.
LONG_CACHE = "public, max-age=86400"
_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
          ".js": "text/javascript; charset=utf-8", ".json": "application/json",
          ".xml": "application/xml", ".txt": "text/plain; charset=utf-8", ".webp": "image/webp",
          ".avif": "image/avif", ".svg": "image/svg+xml", ".map": "application/json",
          ".gz": "application/gzip", ".woff2": "font/woff2"}


@dataclass(frozen=True)
class Plan:
    """What a deploy does with each file: upload it, leave it, or retire it."""

    upload: list[str]
    unchanged: list[str]
    removed: list[str]


def safe_path(path: str) -> str:
    """``path`` when it is a clean relative POSIX path; a DeployError otherwise (a tampered manifest)."""
    parts = PurePosixPath(path).parts
    if not path or path.startswith("/") or "\\" in path or any(p in ("..", ".") for p in parts) \
            or PurePosixPath(path).as_posix() != path:
        raise DeployError(f"Path {path!r} tidak sah di manifest deploy (harus relatif, tanpa '..').")
    return path


def scan(site: Path) -> Manifest:
    """sha256 and size of every file under ``site``; refuses symlinks (they could leak files from outside)."""
    if not site.is_dir():
        raise DeployError(f"Folder situs {site} tidak ada: jalankan `portal build` lebih dulu.")
    files: Manifest = {}
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        if path.is_symlink():
            raise DeployError(f"{site}/{rel} adalah symlink; situs hasil build tidak boleh berisi symlink. "
                              "Hapus lalu jalankan `portal build` lagi.")
        if path.is_file():
            files[rel] = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_size)
    if "index.html" not in files:
        raise DeployError(f"Folder {site} tidak berisi index.html: bukan situs hasil `portal build`.")
    return files


def digest(files: Mapping[str, Entry]) -> str:
    """One sha256 over a whole manifest (paths and hashes), for the build id."""
    h = hashlib.sha256()
    for path in sorted(files):
        h.update(f"{path}\0{files[path][0]}\n".encode())
    return h.hexdigest()


def plan(new: Mapping[str, Entry], old: Mapping[str, Entry]) -> Plan:
    """Compare two manifests: changed or new files upload, same hash stays, absent from ``new`` retires."""
    upload = [p for p in new if old.get(p, ("",))[0] != new[p][0]]
    unchanged = [p for p in new if p in old and old[p][0] == new[p][0]]
    removed = sorted(p for p in old if p not in new)
    return Plan(order(upload), order(unchanged), removed)


def is_photo_variant(path: str) -> bool:
    """A photo variant: an image in an article's ``foto/`` folder (see ``urls.photo``)."""
    p = PurePosixPath(path)
    return p.suffix.lower() in PHOTO_SUFFIXES and len(p.parts) > 1 and p.parts[-2] == "foto"


def _rank(path: str) -> int:
    # Whatever a page references must be there before the page: photos and assets, then pages,
    # then what lists pages (feeds, sitemap), then build.json, which says the deploy is complete.
    if path == BUILD_FILE:
        return 4
    if path in SITEMAPS:
        return 3
    if path in FEEDS:
        return 2
    if path.endswith(".html"):
        return 1
    return 0


def order(paths: Iterable[str]) -> list[str]:
    """``paths`` in upload order: photo variants and assets, pages, feeds, sitemap, ``build.json`` last."""
    return sorted(paths, key=lambda p: (_rank(p), p))


def content_type(path: str) -> str:
    """The Content-Type a host that stores one (S3) should serve ``path`` with."""
    suffix = PurePosixPath(path).suffix.lower()
    return _TYPES.get(suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"


def cache_control(path: str) -> str:
    """Short max-age for what changes with every deploy (HTML, feeds, sitemap, build.json); a day for the rest."""
    if _rank(path) > 0 or path.endswith((".json", ".xml", ".txt")):
        return SHORT_CACHE
    return LONG_CACHE
