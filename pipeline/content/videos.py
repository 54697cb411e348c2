"""Read an item's ``videos:`` list into ``Video`` records (issue 16), judging nothing.

Stub: the owner of the video rules fills it (valid entries only, like the photos:
a safe relative path to an existing file in the folder; the rules name the rest).
"""

from __future__ import annotations

from pipeline.content.model import Item, Video


def read_videos(item: Item, listing: list[str]) -> list[Video]:
    """The valid entries of ``item``'s ``videos`` list, in order (``listing``: the folder's files)."""
    return []
