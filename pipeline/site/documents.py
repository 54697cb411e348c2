"""The public documents' pages, the Daftar Informasi Publik, the JDIH pages and ``document.json`` (issue 17)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.config import Config

if TYPE_CHECKING:
    from pipeline.content.load import Content


def render(config: Config, content: Content) -> tuple[dict[str, str], dict[str, Path]]:
    """Staged pages and text files (site path -> text) and the binary files they link (site path -> file).

    The binaries (cleaned PDFs, thumbnails, XLSX) are made into a cache under ``.portal/cache/``
    and linked into the site, as photo variants are.
    """
    return {}, {}
