"""What an item looks like once staged: its photos' site paths and its list entry.

Shared by ``stage`` (pages) and ``feeds`` (RSS, JSON Feed), which both read
entries; kept apart so neither imports the other (``stage`` calls ``feeds``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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
    files: dict[str, str]  # site path -> cache file name


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
