"""The agenda of sittings: ``content/agenda/`` (owned by the agenda work of issue 18).

``load_agenda`` reads every sitting in scope into the model, reporting only
what prevents reading (as ``load`` does for news items); the rules are in
``pipeline/check/agenda.py``, the pages and ``agenda.ics`` in
``pipeline/site/agenda.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import Config
from pipeline.content.model import Problem


@dataclass
class Sitting:
    """One sitting (rapat) of the agenda."""

    source: Path
    rel: str


def load_agenda(config: Config, covers: Callable[[Path], bool], problems: list[Problem]) -> list[Sitting]:
    """Every sitting under ``content/agenda/`` that ``covers`` accepts; reading problems go to ``problems``."""
    return []
