"""An item's ``updates``: the major corrections after publication (issue 15, part 1).

Each entry is ``{date, note}`` (``social: true`` also replies under the item's
social posts). An edit without a new entry is minor: no date changes anywhere.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pipeline.config import Config
from pipeline.content.model import Item, Update

KEYS = ("date", "note", "social")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def update_date(value: Any) -> dt.date | None:
    """The day of an entry's ``date`` (YAML date or quoted ``YYYY-MM-DD``), None when it is not one."""
    if isinstance(value, dt.datetime):
        return None  # a time is not asked for: the day is what readers see
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def read_updates(item: Item, config: Config) -> list[Update]:
    """The valid entries of ``item``'s ``updates`` list, oldest first; judging is ``check.updates``'s."""
    entries = item.meta.get("updates")
    if not isinstance(entries, list) or item.doc is None:
        return []
    found = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            continue
        date, note, social = update_date(entry.get("date")), entry.get("note"), entry.get("social", False)
        if date is None or not isinstance(note, str) or not note.strip() or not isinstance(social, bool):
            continue
        found.append(Update(date, " ".join(note.split()), social, item.doc.line_of("updates", index)))
    return sorted(found, key=lambda u: (u.date, u.line))
