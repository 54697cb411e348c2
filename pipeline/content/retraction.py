"""An item's ``retracted`` block: a withdrawn article (issue 15, part 2)."""

from __future__ import annotations

from pipeline.config import Config
from pipeline.content.model import Item, Retraction


def read_retraction(item: Item, config: Config) -> Retraction | None:
    """``item``'s retraction when its ``retracted`` block is valid, else None; judging is ``check.retraction``'s."""
    return None
