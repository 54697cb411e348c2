"""An item's ``retracted`` block: a withdrawn article (issue 15, part 2).

A published item is never deleted: its folder stays and gets
``retracted: {date, reason}``. Its URL keeps answering with a notice (title,
dates, reason), everything else of it leaves the site (``Item.listed``).
Reading is lenient and judges nothing: ``check.retraction`` says what is wrong.
"""

from __future__ import annotations

from pipeline.config import Config
from pipeline.content.frontmatter import day
from pipeline.content.model import Item, Retraction

KEYS = ("date", "reason")


def read_retraction(item: Item, config: Config) -> Retraction | None:
    """``item``'s retraction when its ``retracted`` block is valid, else None; judging is ``check.retraction``'s."""
    block = item.meta.get("retracted")
    if not isinstance(block, dict) or item.doc is None:
        return None
    date = day(block.get("date"))  # a day, read as an update's
    reason = block.get("reason")
    if date is None or not isinstance(reason, str) or not reason.strip():
        return None
    return Retraction(date=date, reason=reason.strip(), line=item.doc.line_of("retracted"))
