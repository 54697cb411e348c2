"""Every site path and public URL of the portal, decided here and nowhere else.

As MkDocs' ``File.url`` / ``url_relative_to`` and Pelican's ``Content.url`` /
``save_as``: the stage, the feeds, the social posts, the build record and
``portal publish`` ask this module, so a path cannot drift between the page
that links it and the post that shares it.

Site paths are relative to the site root, without a leading slash; a page's
path is a directory ending in ``/`` (the home page is ``""``). This module
imports nothing from the pipeline (``tests/test_imports.py``): the model, the
stage and ``portal publish`` (which must not load Pillow) all depend on it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import Protocol

SLUG_MAX = 60

HOME = ""
ARCHIVE = "arsip/"
CATEGORIES = "kategori/"
TAGS = "tag/"
RSS_FEED = "feed.xml"
JSON_FEED = "feed.json"
ROBOTS = "robots.txt"
SITEMAP = "sitemap.xml"
AGENDA = "agenda/"
AGENDA_ICS = "agenda.ics"
COUNCIL = "anggota/"
BODIES = "alat-kelengkapan/"
FACTIONS = "fraksi/"
REGISTER = "register/"
INFORMASI = "informasi/"
DIP = "informasi/dip/"
JDIH = "jdih/"
# JDIHN harvests each member's feed from a fixed path of its JDIH site: <site>/jdih/integrasi/document.json.
JDIH_FEED = "jdih/integrasi/document.json"


class HasSiteUrl(Protocol):
    """Anything carrying the configured ``site_url`` (``config.Config``)."""

    @property
    def site_url(self) -> str | None: ...


class HasFile(Protocol):
    """A photo as the model holds it: its ``file`` name as written in front-matter."""

    file: str


def slugify(text: str, limit: int = SLUG_MAX) -> str:
    """ASCII slug of ``text``: ``"Rapat Paripurna APBD 2027"`` -> ``"rapat-paripurna-apbd-2027"``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0]  # never cut a word in half
    return slug


def article(year: str | int, slug: str) -> str:
    """Site path of a news article: ``berita/<YYYY>/<slug>/``, stable across rebuilds."""
    return f"berita/{year}/{slug}/"


def photo_names(photos: Sequence[HasFile]) -> list[str]:
    """The site name of each photo: its file's slug (``foto-<n>`` if none), made unique by its position."""
    return _file_names(photos, "foto")


def _file_names(entries: Sequence[HasFile], fallback: str) -> list[str]:
    names, used = [], set()
    for index, entry in enumerate(entries, start=1):
        name = slugify(PurePosixPath(entry.file).stem) or f"{fallback}-{index}"
        if name in used:
            name = f"{name}-{index}"
        used.add(name)
        names.append(name)
    return names


def photo(article_path: str, name: str, variant: str, extension: str) -> str:
    """Site path of one variant of a photo: ``<article>foto/<name>-<variant>.<ext>``."""
    return f"{article_path}foto/{name}-{variant}.{extension}"


def social_photo(article_path: str, name: str) -> str:
    """Site path of a photo's social JPEG (what Instagram and Telegram fetch, X and Facebook upload)."""
    return photo(article_path, name, "social", "jpg")


def video_names(videos: Sequence[HasFile]) -> list[str]:
    """The site name of each video: its file's slug (``video-<n>`` if none), made unique by its position."""
    return _file_names(videos, "video")


def video(article_path: str, name: str) -> str:
    """Site path of a video's web rendition (H.264/AAC MP4): ``<article>video/<name>.mp4``."""
    return f"{article_path}video/{name}.mp4"


def video_poster(article_path: str, name: str, extension: str) -> str:
    """Site path of a video's poster frame (``webp`` for the page, ``jpg`` for og and feeds)."""
    return f"{article_path}video/{name}-poster.{extension}"


def video_captions(article_path: str, name: str) -> str:
    """Site path of a video's WebVTT captions: ``<article>video/<name>.vtt``."""
    return f"{article_path}video/{name}.vtt"


def social_video(article_path: str, name: str, platform: str) -> str:
    """Site path of a platform's own rendition of a video, when the web one does not fit it."""
    return f"{article_path}video/{name}-{platform}.mp4"


def category(slug: str) -> str:
    """Site path of a category's list: ``kategori/<slug>/``."""
    return f"{CATEGORIES}{slug}/"


def tag(name: str) -> str:
    """Site path of a tag's list: ``tag/<tag>/``."""
    return f"{TAGS}{name}/"


def month(year: int, number: int) -> str:
    """Site path of a monthly archive: ``arsip/<YYYY>/<MM>/``."""
    return f"{ARCHIVE}{year}/{number:02d}/"


def sitting(date_text: str, slug: str) -> str:
    """Site path of one sitting of the agenda: ``agenda/<YYYY-MM-DD>-<slug>/``."""
    return f"{AGENDA}{date_text}-{slug}/"


def member(term: str, slug: str) -> str:
    """Site path of a council member in a term of office: ``anggota/<term>/<slug>/`` (term ``2024-2029``)."""
    return f"{COUNCIL}{term}/{slug}/"


def term(term: str) -> str:
    """Site path of the members of one term of office: ``anggota/<term>/``."""
    return f"{COUNCIL}{term}/"


def body(term: str, slug: str) -> str:
    """Site path of a council body (komisi, Badan Anggaran ...) in a term: ``alat-kelengkapan/<term>/<slug>/``."""
    return f"{BODIES}{term}/{slug}/"


def faction(term: str, slug: str) -> str:
    """Site path of a faction in a term: ``fraksi/<term>/<slug>/``."""
    return f"{FACTIONS}{term}/{slug}/"


def term_bodies(term: str) -> str:
    """Site path of the bodies of a term: ``alat-kelengkapan/<term>/``."""
    return f"{BODIES}{term}/"


def term_factions(term: str) -> str:
    """Site path of the factions of a term: ``fraksi/<term>/``."""
    return f"{FACTIONS}{term}/"


def register_download(extension: str) -> str:
    """Site path of a download of the public register: ``register/register.<csv|json|xlsx>``."""
    return f"{REGISTER}register.{extension}"


def register_chart() -> str:
    """Site path of the register's monthly summary chart (SVG, drawn at build time): ``register/ringkasan.svg``."""
    return f"{REGISTER}ringkasan.svg"


def document(slug: str) -> str:
    """Site path of a public information document: ``informasi/<slug>/``."""
    return f"{INFORMASI}{slug}/"


def document_file(page: str, name: str) -> str:
    """Site path of a file of a document or legal product (its page ``page``) as served: ``<page><name>``."""
    return f"{page}{name}"


def kip(category: str) -> str:
    """Site path of the documents of one KIP category: ``informasi/kategori/<berkala|serta-merta|setiap-saat>/``."""
    return f"{INFORMASI}kategori/{category}/"


def dip_download(extension: str) -> str:
    """Site path of a download of the Daftar Informasi Publik: ``informasi/dip/dip.<csv|xlsx>``."""
    return f"{DIP}dip.{extension}"


def legal(slug: str) -> str:
    """Site path of a legal product (Perda, Keputusan DPRD ...): ``jdih/<slug>/``."""
    return f"{JDIH}{slug}/"


def legal_type(kind: str) -> str:
    """Site path of the legal products of one type: ``jdih/jenis/<type>/``."""
    return f"{JDIH}jenis/{kind}/"


def list_page(path: str, number: int) -> str:
    """Site path of page ``number`` of the list at ``path``: the list itself, then ``<path>halaman/N/``."""
    return path if number == 1 else f"{path}halaman/{number}/"


def page(name: str) -> str:
    """Site path of a static page (``content/halaman/<name>.md``): ``<name>/``."""
    return f"{name}/"


def source(path: str) -> str:
    """The staged Markdown file of the page at ``path``: ``x/y/`` -> ``x/y.md``."""
    return f"{path.rstrip('/')}.md"


def source_page(name: str) -> str:
    """The site path of the staged Markdown file ``name``: the inverse of ``source`` and ``index_source``."""
    stem = name.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return f"{stem}/"


def index_source(path: str) -> str:
    """The staged Markdown file as ``<path>index.md`` (lists; articles on an engine that resolves
    links in raw HTML against the source file); the home page is ``index.md``."""
    return f"{path}index.md"


def absolute(site: HasSiteUrl | str | None, path: str) -> str:
    """The public URL of the site path ``path`` on ``site`` (a config or its ``site_url``).

    Without a site URL the result is root-relative (``/<path>``).
    """
    site_url = site if isinstance(site, str) or site is None else site.site_url
    return (site_url or "").rstrip("/") + "/" + path


def relative(page: str, target: str) -> str:
    """``target`` (a site path such as ``berita/2026/x/``) as seen from the page at ``page``.

    Both are site-root paths without a leading slash; pages are directories
    (``.../``). Plain string work: ``posixpath.relpath`` was a third of the
    stage's time at 1,000 items (35,000 links).
    """
    if page and target.startswith(page):  # the article's own photos: the common case
        return target[len(page):]
    base = page.split("/")[:-1] if page.endswith("/") else page.split("/")
    base = [part for part in base if part]
    parts = [part for part in target.split("/") if part]
    common = 0
    while common < len(base) and common < len(parts) and base[common] == parts[common]:
        common += 1
    path = "/".join([".."] * (len(base) - common) + parts[common:]) or "."
    return path + "/" if target.endswith("/") or target == "" else path
