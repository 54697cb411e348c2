"""Rules for public documents and legal products, their PDFs included (issue 17)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from pipeline.config import Config
from pipeline.content.model import Problem

if TYPE_CHECKING:
    from pipeline.content.load import Content


def check_documents(config: Config, content: Content, today: dt.date) -> list[Problem]:
    """Every problem of the documents in ``content`` (in its scope); the model is read, never changed."""
    return []
