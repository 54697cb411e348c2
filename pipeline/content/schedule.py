"""An item's ``publish_at``: publication held until a time (issue 15, part 3).

An approved item may wait for an embargo: ``publish_at: 2026-11-21 08:00`` keeps it
off the site and off social media until that time in the site's zone
(``extra.portal.timezone``). ``load`` sets ``Item.due`` from it; the scheduled
publish workflow (every 15 minutes) builds the site again, and the item appears
in the first build at or after its time.

YAML reads ``2026-11-21 08:00`` as a string (a timestamp needs seconds) and
``2026-11-21 08:00:00`` as a datetime: both mean the same, as does a quoted
string, so editors need not know the difference.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pipeline.config import Config
from pipeline.content.model import Item

KEY = "publish_at"
EXAMPLE = "2026-11-21 08:00"
_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")


def read_publish_at(item: Item, config: Config) -> dt.datetime | None:
    """``item``'s ``publish_at`` as an aware time in the site's zone when valid, else None."""
    return parse_publish_at(item.meta.get(KEY), config.tz)


def parse_publish_at(value: Any, tz: ZoneInfo) -> dt.datetime | None:
    """A front-matter ``publish_at`` value as an aware time in ``tz``; None when absent or invalid.

    A naive time (what editors write) is site time; a time with an offset
    (``2026-11-21 08:00:00+07:00``, read by YAML as an aware datetime) is converted.
    """
    if isinstance(value, dt.datetime):
        return value.astimezone(tz) if value.tzinfo else value.replace(tzinfo=tz)
    if not isinstance(value, str):
        return None  # a bare date (no time), a number, a list: check.schedule says why
    match = _TIME.match(value.strip())
    if not match:
        return None
    day, hour, minute, second = match.groups()
    try:
        return dt.datetime.combine(dt.date.fromisoformat(day),
                                   dt.time(int(hour), int(minute), int(second or 0)), tzinfo=tz)
    except ValueError:
        return None


def looks_like_time(value: Any) -> bool:
    """True when ``value`` has the shape ``YYYY-MM-DD HH:MM`` (its day or time may still not exist)."""
    return isinstance(value, str) and _TIME.match(value.strip()) is not None


def shown(when: dt.datetime) -> str:
    """``when`` as editors write it: ``2026-11-21 08:00`` (seconds only when there are some)."""
    return when.strftime("%Y-%m-%d %H:%M:%S" if when.second else "%Y-%m-%d %H:%M")


def fell_due(items: list[Item], recorded: set[str], root: Path) -> list[Item]:
    """The scheduled items on the site now that ``recorded`` (the item folders of the last build) lacks.

    The scheduled publish run (every 15 minutes) builds and deploys only when this
    is not empty: a run in which nothing fell due changes nothing on the site.
    Only items with a ``publish_at`` count: anything else arrives with its own push.
    """
    return [item for item in items if item.publish_at is not None and item.on_site
            and item.folder.relative_to(root).as_posix() not in recorded]
