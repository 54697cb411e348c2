"""An item's ``updates``: the major corrections after publication (issue 15, part 1)."""

from __future__ import annotations

from pipeline.config import Config
from pipeline.content.model import Item, Update


def read_updates(item: Item, config: Config) -> list[Update]:
    """The valid entries of ``item``'s ``updates`` list, oldest first; judging is ``check.updates``'s."""
    return []
