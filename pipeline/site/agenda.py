"""The agenda's pages, ``agenda.ics`` and the home page's coming sittings (owned by the agenda work of issue 18)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.config import Config
from pipeline.site.entries import AgendaTeaser

if TYPE_CHECKING:
    from pipeline.content.load import Content


def render(config: Config, content: Content) -> dict[str, str]:
    """Staged files of the agenda: site path -> text (Markdown pages, ``agenda.ics``)."""
    return {}


def upcoming(config: Config, content: Content, limit: int) -> list[AgendaTeaser]:
    """The next ``limit`` sittings from today (the site's zone), soonest first."""
    return []
