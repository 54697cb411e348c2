"""Rules for the agenda of sittings (owned by the agenda work of issue 18)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from pipeline.config import Config
from pipeline.content.model import Problem

if TYPE_CHECKING:
    from pipeline.content.load import Content


def check_agenda(config: Config, content: Content, today: dt.date) -> list[Problem]:
    """Every problem of the sittings in ``content`` (in its scope); the model is read, never changed."""
    return []
