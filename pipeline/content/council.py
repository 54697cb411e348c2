"""The council: members per term of office, factions and bodies (owned by the council work of issue 18).

``load_council`` reads ``content/anggota/`` into the model, reporting only
what prevents reading; the rules are in ``pipeline/check/council.py``, the
pages in ``pipeline/site/council.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import Config
from pipeline.content.model import Problem


@dataclass
class Council:
    """Every term of office with its members, factions and bodies."""


def load_council(config: Config, covers: Callable[[Path], bool], problems: list[Problem]) -> Council:
    """The council as found under ``content/anggota/`` (what ``covers`` accepts); problems go to ``problems``."""
    return Council()
