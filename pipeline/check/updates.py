"""The rules of an item's ``updates`` (issue 15)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from pipeline.config import Config
from pipeline.content.model import Document, Item, Problem


def check_updates(item: Item, doc: Document, config: Config, today: dt.date) -> Iterator[Problem]:
    """Every problem of the item's key, with file, line and the fix, in Indonesian."""
    yield from ()
