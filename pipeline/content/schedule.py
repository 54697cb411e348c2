"""An item's ``publish_at``: publication held until a time (issue 15, part 3)."""

from __future__ import annotations

import datetime as dt

from pipeline.config import Config
from pipeline.content.model import Item


def read_publish_at(item: Item, config: Config) -> dt.datetime | None:
    """``item``'s ``publish_at`` as an aware time in the site's zone when valid, else None."""
    return None
