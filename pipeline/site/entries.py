"""What an item looks like once staged: its photos' and videos' site paths and its list entry.

Shared by ``stage`` (pages) and ``feeds`` (RSS, JSON Feed), which both read
entries; kept apart so neither imports the other (``stage`` calls ``feeds``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.content.model import Item

DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
          "Oktober", "November", "Desember")


def format_date(date: dt.date) -> str:
    """A date as Indonesian readers write it: ``Kamis, 20 November 2026``."""
    return f"{DAYS[date.weekday()]}, {date.day} {MONTHS[date.month - 1]} {date.year}"


@dataclass
class WebPhoto:
    """What a template needs of one photo: site paths of its variants, sizes, alt, credit."""

    alt: str
    credit: str | None
    widths: list[tuple[int, str]]
    fallback: str
    width: int
    height: int
    large: str
    large_width: int
    large_height: int
    thumb: str
    thumb_width: int
    thumb_height: int
    og: str
    og_bytes: int
    social: str
    files: dict[str, str]  # site path -> cache file name (only the variants a page or post uses)
    thumbs: list[tuple[int, str]] = field(default_factory=list)  # (width, site path) of every thumbnail size


@dataclass
class WebVideo:
    """What the article, its head and the feeds need of one video (issue 16): site paths, size, duration.

    ``files`` maps each site path to the file linked there: the cached MP4 and
    posters, and the item's own WebVTT file (served as the editor wrote it).
    """

    title: str
    src: str              # site path of the web MP4 (urls.video)
    poster: str           # site path of the WebP poster, the page's
    poster_jpeg: str      # site path of the JPEG poster, for JSON-LD, og and feeds
    captions: str | None  # site path of the WebVTT captions, None without
    width: int
    height: int
    duration: float       # seconds
    bytes: int
    files: dict[str, Path]

    @property
    def iso_duration(self) -> str:
        """The duration as ISO 8601 (schema.org ``duration``): ``PT1M5S``, whole seconds rounded."""
        minutes, seconds = divmod(round(self.duration), 60)
        hours, minutes = divmod(minutes, 60)
        return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + \
            (f"{seconds}S" if seconds or not (hours or minutes) else "")


@dataclass
class Entry:
    """An item as lists, feeds and neighbours see it."""

    item: Item
    url: str
    title: str
    date: dt.date
    date_text: str
    category: str
    category_slug: str
    caption: str
    photo: WebPhoto | None
    photos: list[WebPhoto]
    videos: list[WebVideo] = field(default_factory=list)  # the item's videos that were transcoded (issue 16)


@dataclass
class AgendaTeaser:
    """A coming sitting as the home page lists it (``pipeline.site.agenda.upcoming``)."""

    url: str          # site path of the sitting's page
    title: str
    date: dt.date
    date_text: str    # format_date(date)
    time_text: str    # "09.00–12.00 WIB" in the site's zone
    place: str
    body: str         # the body's label: "Rapat Paripurna", "Komisi II" ...
    status: str       # the status label: "Terjadwal", "Diubah", "Dibatalkan", "Selesai"


@dataclass
class Provenance:
    """The register's record of one article: who submitted, reviewed and published it, and when.

    ``text`` is the line the article shows ("Diserahkan … · Diperiksa oleh … pada … · Terbit …");
    ``reviewed_by`` the reviewers' display names and ``last_reviewed`` the ISO time of the last
    approval, for the JSON-LD ``reviewedBy`` and ``lastReviewed``.
    """

    text: str
    reviewed_by: list[str]
    last_reviewed: str | None
