"""Rules for the council: members, factions, bodies (owned by the council work of issue 18)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from pipeline.config import Config
from pipeline.content.model import Problem

if TYPE_CHECKING:
    from pipeline.content.load import Content


def check_council(config: Config, content: Content, today: dt.date) -> list[Problem]:
    """Every problem of the council in ``content`` (in its scope); the model is read, never changed."""
    return []
