"""The rules of an item's ``videos:`` list (issue 16).

Stub: the owner fills it (schema of each entry, probe of each file with a bounded
time and memory, too long, too big, missing captions).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from pipeline.config import Config
from pipeline.content.model import Document, Item, Problem


def check_videos(item: Item, doc: Document, config: Config, today: dt.date) -> Iterator[Problem]:
    """Every problem of the item's ``videos``, with file, line and the fix, in Indonesian."""
    yield from ()
