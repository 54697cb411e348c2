"""The council's pages: terms, members, bodies, factions (owned by the council work of issue 18)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.config import Config
from pipeline.photos.images import Processed

if TYPE_CHECKING:
    from pipeline.content.load import Content


def photo_paths(content: Content) -> list[Path]:
    """The members' portrait files, for the photo pipeline."""
    return []


def render(config: Config, content: Content, processed: dict[Path, Processed],
           cache_dir: Path | None) -> tuple[dict[str, str], dict[str, Path]]:
    """Staged pages (site path -> text) and the portrait variants they link (site path -> cache file)."""
    return {}, {}
