"""Read an item's ``videos:`` list into ``Video`` records (issue 16), judging nothing.

Like the photos (``load._fill_item``): only valid entries become records, an
existing ``.mp4`` beside index.md with a title;
``check/videos.py`` names every other entry with its fix.
"""

from __future__ import annotations

import math
import os

from pipeline.content import schema
from pipeline.content.model import Item, Video


def read_videos(item: Item, listing: list[str]) -> list[Video]:
    """The valid entries of ``item``'s ``videos`` list, in order (``listing``: the folder's files)."""
    entries = item.meta.get("videos") if item.doc is not None else None
    if not isinstance(entries, list) or item.doc is None:
        return []
    videos, seen = [], set()
    for index, entry in enumerate(entries):
        file = entry.get("file") if isinstance(entry, dict) else None
        if not isinstance(file, str) or not listed_file(file, listing, schema.VIDEO_EXTENSION) \
                or file.lower() in seen:
            continue  # the check names each of these; the first of two same names is the video
        seen.add(file.lower())
        title = entry.get("title")
        if not isinstance(title, str) or not title.strip():
            continue
        named = entry.get("caption_file")
        captions = named if isinstance(named, str) and listed_file(named, listing, schema.CAPTION_EXTENSION) \
            else None
        videos.append(Video(file=file, title=title.strip(), path=item.folder / file,
                            line=item.doc.line_of("videos", index, "file"), caption_file=captions,
                            captions=item.folder / captions if captions else None,
                            poster_at=poster_second(entry.get("poster_at"))))
    return videos


def listed_file(name: str, listing: list[str], extension: str) -> bool:
    """Whether ``name`` is a file of ``extension`` (any case) directly in the item folder.

    ``listing`` holds the folder's regular files, without dot-files and
    symlinks, so a name in it cannot leave the folder; a path into a
    subfolder is never a video (the rules say to put it beside index.md).
    """
    return name in listing and os.path.splitext(name)[1].lower() == extension


def poster_second(value: object) -> float | None:
    """``poster_at`` as seconds when it is a finite number >= 0 (the rules judge the duration), else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) and value >= 0 else None
