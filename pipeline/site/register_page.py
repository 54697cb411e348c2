"""The public page "Register Dokumentasi dan Konten" and each article's provenance line (issue 13).

Both read the register's rows as ``portal register --format json`` wrote
them (``REGISTER_FILE``): the site never calls GitHub or reads the ledger.
"""

from __future__ import annotations

from pipeline.config import Config
from pipeline.content.model import Item
from pipeline.site.entries import Provenance

REGISTER_FILE = ".portal/register.json"


def render(config: Config) -> dict[str, str]:
    """Staged files of the register page and its downloads: site path -> text."""
    return {}


def provenance(config: Config, item: Item) -> Provenance | None:
    """The provenance of ``item``'s article from the register, or None."""
    return None
