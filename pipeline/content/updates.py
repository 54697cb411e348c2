"""An item's ``updates``: the major corrections after publication (issue 15, part 1).

Each entry is ``{date, note}`` (``social: true`` also replies under the item's
social posts). An edit without a new entry is minor: no date changes anywhere.
"""

from __future__ import annotations

from pipeline.config import Config
from pipeline.content.frontmatter import day
from pipeline.content.model import Item, Update

KEYS = ("date", "note", "social")


def read_updates(item: Item, config: Config) -> list[Update]:
    """The valid entries of ``item``'s ``updates`` list, oldest first; judging is ``check.updates``'s."""
    entries = item.meta.get("updates")
    if not isinstance(entries, list) or item.doc is None:
        return []
    found = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            continue
        date, note, social = day(entry.get("date")), entry.get("note"), entry.get("social", False)
        if date is None or not isinstance(note, str) or not note.strip() or not isinstance(social, bool):
            continue
        found.append(Update(date, " ".join(note.split()), social, item.doc.line_of("updates", index)))
    return sorted(found, key=lambda u: (u.date, u.line))
