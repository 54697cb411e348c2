"""The build record: what a successful ``portal build`` published, for ``portal publish``.

``portal publish`` runs in the one job that holds the four social tokens and a
``contents: write`` token. Checking content there would decode every photo
(Pillow, libheif) of every year: a crafted image would run in the process
that can steal them. So the build, which has decoded and checked everything
anyway (and only succeeds with zero errors), writes down per published item
exactly what the posts are made of: id, article path, title, caption, tags,
platforms and each photo's social JPEG with its alt text. ``portal publish``
reads this JSON file and opens no photo and no content file.

The record lives at ``.portal/build-record.json`` beside ``site/``, not inside
it: it is for the publishing job (CI passes it as an artifact), not for the
public. It is replaced only after the site itself was swapped in, so it always
describes the last complete build.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.config import PLATFORMS, Config
from pipeline.content import urls
from pipeline.content.model import Item
from pipeline.errors import PortalError

if TYPE_CHECKING:
    from pipeline.video.renditions import Copy

RECORD_PATH = ".portal/build-record.json"
VERSION = 1


def platforms_of(item: Item, config: Config) -> list[str]:
    """The platforms ``item`` goes to: its ``social`` list, else the configured default."""
    social = item.meta.get("social")
    chosen = social if isinstance(social, list) else config.social_default
    return [p for p in PLATFORMS if p in chosen]


@dataclass(frozen=True)
class RecordedPhoto:
    """A published photo: the site path of its social JPEG and its alt text."""

    social: str
    alt: str


@dataclass(frozen=True)
class RecordedUpdate:
    """A major correction (``updates``): its day, its public note, and whether it goes to social media."""

    date: str  # YYYY-MM-DD
    note: str
    social: bool


@dataclass(frozen=True)
class RecordedRetraction:
    """A retracted item (``retracted``): ``portal publish`` deletes its posts or lists them for a person."""

    date: str  # YYYY-MM-DD
    reason: str


@dataclass(frozen=True)
class RecordedRendition:
    """One platform's copy of an item's first video, as the site serves it (issue 16)."""

    platform: str
    path: str  # site path of the MP4 the platform uploads (the web one when it fits the platform)
    bytes: int
    duration: float  # seconds
    width: int
    height: int


@dataclass(frozen=True)
class RecordedVideo:
    """The item's first video (issue 16): what the social posts upload instead of the photos."""

    title: str
    path: str  # site path of the web MP4
    poster: str  # site path of the JPEG poster
    captions: str  # site path of the WebVTT captions, "" without
    renditions: tuple[RecordedRendition, ...]  # one per platform that takes the video, in PLATFORMS order

    def for_platform(self, platform: str) -> RecordedRendition | None:
        """The copy ``platform`` uploads, None when the video does not fit it (it then gets the photos)."""
        return next((r for r in self.renditions if r.platform == platform), None)


@dataclass(frozen=True)
class Published:
    """One published item as ``portal publish`` needs it."""

    id: str  # the ledger key
    path: str  # the item folder relative to the project root (content/berita/<YYYY>/<folder>)
    date: str  # YYYY-MM-DD, the day of the activity
    url: str  # the article's site path, berita/<YYYY>/<slug>/
    title: str
    caption: str
    tags: tuple[str, ...]
    platforms: tuple[str, ...]
    photos: tuple[RecordedPhoto, ...]
    updates: tuple[RecordedUpdate, ...] = ()  # oldest first
    retracted: RecordedRetraction | None = None  # a retracted item is recorded so its posts can be deleted
    video: RecordedVideo | None = None  # the item's first video, posted instead of the photos (issue 16)

    @property
    def name(self) -> str:
        """The item's folder name (what the summary table shows)."""
        return self.path.rsplit("/", 1)[-1]


def item_id(item: Item) -> str:
    """The ledger key of ``item``: its ``id``, else its folder (renaming such a folder posts it again)."""
    value = item.meta.get("id")
    return value if isinstance(value, str) and value else item.folder.name


def published(config: Config, item: Item, platforms: list[str], photos: list[tuple[str, str]],
              video: RecordedVideo | None = None) -> Published:
    """The record of a checked, built ``item``; ``photos`` are (social JPEG site path, alt) in order."""
    assert item.date is not None, "only dated items are built and recorded"
    return Published(
        id=item_id(item), path=item.folder.relative_to(config.root).as_posix(), date=item.date.isoformat(),
        url=item.url, title=item.title, caption=str(item.meta.get("caption") or ""),
        tags=tuple(t for t in item.meta.get("tags") or [] if isinstance(t, str)), platforms=tuple(platforms),
        photos=tuple(RecordedPhoto(social, alt) for social, alt in photos),
        updates=tuple(RecordedUpdate(u.date.isoformat(), u.note, u.social) for u in item.updates),
        retracted=RecordedRetraction(item.retraction.date.isoformat(), item.retraction.reason)
        if item.retraction else None, video=video)


def recorded_video(item: Item, platforms: list[str], copies: Mapping[str, Copy]) -> RecordedVideo:
    """The record of ``item``'s first video: its site paths and each platform's copy, in PLATFORMS order.

    ``copies`` maps a platform to its copy (``renditions.platform_copy`` in the build, ``renditions.expected``
    in the reviewer summary); a platform without one gets the photos.
    """
    video, name = item.videos[0], urls.video_names(item.videos)[0]
    return RecordedVideo(
        title=video.title, path=urls.video(item.url, name), poster=urls.video_poster(item.url, name, "jpg"),
        captions=urls.video_captions(item.url, name) if video.captions else "",
        renditions=tuple(RecordedRendition(
            platform, copy_path(item.url, name, copy), copy.bytes, copy.duration, copy.width, copy.height)
            for platform in platforms if (copy := copies.get(platform)) is not None))


def copy_path(article: str, name: str, copy: Copy) -> str:
    """The site path a platform uploads: the web MP4 when it fits the platform, else the platform's own copy."""
    return urls.video(article, name) if copy.reused else urls.social_video(article, name, copy.platform)


def record_path(config: Config) -> Path:
    return config.root / RECORD_PATH


def write(config: Config, items: list[Published]) -> Path:
    """Replace the record atomically (a reader never sees half of it)."""
    path = record_path(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    # "built": when the site holding these items was built; `portal publish` fails an article
    # that is still not served some hours later (a wrong site_url must not wait forever).
    built = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    data = {"version": VERSION, "built": built, "items": [asdict(item) for item in items]}
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def read(config: Config) -> list[Published]:
    """The published items of the last build; a clear error when there is no (valid) record."""
    path = record_path(config)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PortalError(f"Catatan build {RECORD_PATH} tidak ada: `portal publish` hanya mengirim berita yang "
                          "sudah dibangun. Jalankan `portal build` dulu (di GitHub Actions: job build "
                          "mengunggahnya sebagai artefak catatan-build).") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise PortalError(f"Catatan build {RECORD_PATH} tidak terbaca ({exc}). Jalankan `portal build` lagi.") from None
    try:
        if data.get("version") != VERSION:
            raise ValueError(f"versi {data.get('version')!r}, yang dikenal {VERSION}")
        return [_entry(raw) for raw in data["items"]]
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise PortalError(f"Catatan build {RECORD_PATH} rusak ({type(exc).__name__}: {exc}). "
                          "Jalankan `portal build` lagi.") from None


def _entry(raw: dict) -> Published:
    # Every field is checked for its type: the file comes from another job.
    text = {key: _str(raw[key], key) for key in ("id", "path", "date", "url", "title", "caption")}
    dt.date.fromisoformat(text["date"])
    platforms = tuple(_str(p, "platforms") for p in raw["platforms"])
    if not set(platforms) <= set(PLATFORMS):
        raise ValueError(f"platform tidak dikenal: {sorted(set(platforms) - set(PLATFORMS))}")
    photos = tuple(RecordedPhoto(_str(p["social"], "social"), _str(p["alt"], "alt")) for p in raw["photos"])
    updates = tuple(RecordedUpdate(_date(u["date"], "updates"), _str(u["note"], "note"), _bool(u["social"], "social"))
                    for u in raw.get("updates", ()))
    retracted = raw.get("retracted")
    return Published(**text, tags=tuple(_str(t, "tags") for t in raw["tags"]), platforms=platforms, photos=photos,
                     updates=updates, retracted=None if retracted is None else RecordedRetraction(
                         _date(retracted["date"], "retracted"), _str(retracted["reason"], "reason")),
                     video=_video(raw.get("video")))


def _video(raw) -> RecordedVideo | None:
    if raw is None:
        return None
    renditions = tuple(RecordedRendition(
        _str(r["platform"], "platform"), _str(r["path"], "path"), _int(r["bytes"], "bytes"),
        _number(r["duration"], "duration"), _int(r["width"], "width"), _int(r["height"], "height"))
        for r in raw["renditions"])
    if not {r.platform for r in renditions} <= set(PLATFORMS):
        raise ValueError(f"platform video tidak dikenal: {sorted({r.platform for r in renditions} - set(PLATFORMS))}")
    return RecordedVideo(_str(raw["title"], "title"), _str(raw["path"], "path"), _str(raw["poster"], "poster"),
                         _str(raw["captions"], "captions"), renditions)


def _int(value, key: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise TypeError(f"`{key}` bukan bilangan bulat")
    return value


def _number(value, key: str) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
        raise TypeError(f"`{key}` bukan angka")
    return float(value)


def _date(value, key: str) -> str:
    dt.date.fromisoformat(_str(value, key))
    return value


def _bool(value, key: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"`{key}` bukan true/false")
    return value


def _str(value, key: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"`{key}` bukan teks")
    return value
