"""The parts of the site beyond news: the agenda, the council and the public register.

``stage`` and ``build`` ask this module, so each part (its own module in
``pipeline/site/``) plugs in at one place: the photos it needs processed,
the pages it stages (with the photo links they use), the coming sittings on
the home page, and the register's line on each article.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.config import Config
from pipeline.content.model import Item
from pipeline.photos.images import Processed
from pipeline.site import agenda, council, documents, register_page
from pipeline.site.entries import AgendaTeaser, Provenance

if TYPE_CHECKING:
    from pipeline.content.load import Content


def photo_paths(content: Content) -> list[Path]:
    """Source photos beyond the news items' that the site shows (members' portraits)."""
    return council.photo_paths(content)


def render(config: Config, content: Content, processed: dict[Path, Processed],
           cache_dir: Path | None) -> tuple[dict[str, str], dict[str, Path]]:
    """The staged pages of every part (site path -> text) and the photo variants they link."""
    files: dict[str, str] = {}
    links: dict[str, Path] = {}
    files.update(agenda.render(config, content))
    council_files, council_links = council.render(config, content, processed, cache_dir)
    files.update(council_files)
    links.update(council_links)
    files.update(register_page.render(config))
    links.update(register_page.downloads(config))  # the XLSX: binary, linked from a cache like a photo
    document_files, document_links = documents.render(config, content)
    files.update(document_files)
    links.update(document_links)
    return files, links


def upcoming(config: Config, content: Content | None, limit: int = 3) -> list[AgendaTeaser]:
    """The next ``limit`` sittings for the home page (none without content)."""
    return agenda.upcoming(config, content, limit) if content is not None else []


def notices(config: Config, content: Content | None) -> list[dict[str, str]]:
    """The serta-merta notices every page announces today (``title``, ``url``, ``until``)."""
    return documents.notices(config, content) if content is not None else []


def provenance(config: Config, item: Item) -> Provenance | None:
    """The register's line for ``item``'s article, or None when the register has no record of it."""
    return register_page.provenance(config, item)
