"""The facts of the Sekretariat DPRD's SOPs, each written once.

The SOP for publishing activity news ("dokumentasi kegiatan pada hari H,
terbit paling lambat H+1", at least 4 photos, a caption for social media of
at most 200 characters) and the portal's own rules derived from it (the
stable item id, the states of a post in the publication ledger) used to be
computed in several modules (the H+1 deadline three times, the suggested id
three times, the ledger states twice). Every module asks this one instead.

Nothing here reads files or prints: plain values and functions only, so
every stage may import it (it imports nothing of the pipeline).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

# --------------------------------------------------------------------------- deadline

DAYS_TO_PUBLISH = 1
"""SOP: news of an activity on day H is published at the latest on H+1."""

# Indonesia's three time zones (Keputusan Presiden No. 41 Tahun 1987), by the
# names editors use; any other zone is shown by its IANA name.
_ZONE_NAMES = {
    "Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA", "Asia/Ujung_Pandang": "WITA",
    "Asia/Jayapura": "WIT",
}


def deadline(date: dt.date) -> dt.date:
    """The last day the SOP allows for publishing news of an activity on ``date`` (H+1)."""
    return date + dt.timedelta(days=DAYS_TO_PUBLISH)


def is_late(date: dt.date, today: dt.date) -> bool:
    """True when a check on ``today`` is after the SOP's H+1 deadline of an activity on ``date``.

    ``today`` is the day in the site's configured time zone (``Config.today()``):
    the SOP counts days as the office does, not in UTC as a CI runner would.
    """
    return today > deadline(date)


def zone_name(timezone: str) -> str:
    """How editors name the IANA ``timezone``: "WIB", "WITA", "WIT", else the IANA name itself."""
    return _ZONE_NAMES.get(timezone, timezone)


# --------------------------------------------------------------------------- text limits

PHOTOS_MIN = 4
"""SOP: at least 4 photos of the activity per news item."""
PHOTOS_MAX = 20
"""Portal limit (gallery and review summary size), not from the SOP."""
CAPTION_MAX = 200
"""SOP: the caption for social media holds at most 200 characters (NFC)."""
TEXT_MAX = 200
"""Location, alt text and credit: at most 200 characters (NFC), the caption's SOP limit.

A longer text is cut silently by the platforms (X once cut a 10,000-character alt text).
"""

# --------------------------------------------------------------------------- item id

ID_SUFFIX_HEX = 6


def item_id(folder_name: str, *, fresh: bool = False) -> str:
    """The stable id for the item in folder ``folder_name`` (``YYYY-MM-DD-slug``): ``YYYY-MM-DD-a1b2c3``.

    The publication ledger keys posts by this id (SOP: each activity is posted
    once), so a renamed folder is not posted again. A suggestion in a message
    (``fresh=False``) is derived from the folder name, the same on every run;
    ``portal new`` (``fresh=True``) draws random hex, so that a folder deleted and
    made again never inherits the posts of its namesake.
    """
    suffix = secrets.token_hex(ID_SUFFIX_HEX // 2) if fresh else \
        hashlib.sha256(folder_name.encode()).hexdigest()[:ID_SUFFIX_HEX]
    return f"{folder_name[:10]}-{suffix}"


# --------------------------------------------------------------------------- ledger states

PLANNED, ATTEMPTING, POSTED, FAILED, UNKNOWN = "PLANNED", "ATTEMPTING", "POSTED", "FAILED", "UNKNOWN"
DELETED, MANUAL = "DELETED", "MANUAL"
"""A retracted item's post: deleted through the API, or listed for a person to delete ("hapus manual")."""
LEDGER_STATES = (PLANNED, ATTEMPTING, POSTED, FAILED, UNKNOWN, DELETED, MANUAL)
"""Every state of one item's post on one platform in the ledger (SOP: Admin Medsos posts each item once).

PLANNED -> ATTEMPTING (written before the call that makes the post public)
-> POSTED | FAILED | UNKNOWN. A retracted item's post: POSTED -> DELETED (through the
API) | MANUAL (a person deletes it: Instagram, Telegram after 48 hours, a refused
DELETE; also from UNKNOWN). Both are final: ``portal publish`` never acts on them again.
A correction's reply (``updates[].social``) has its own key, ``<id>#update-<date>``.
"""
SETTLED = (POSTED, FAILED, UNKNOWN)
"""States after which ``portal publish`` never posts on its own again."""
NEEDS_PERSON = (FAILED, UNKNOWN)
"""States that wait for a person's decision (``portal publish --resolve``)."""
