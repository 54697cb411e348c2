"""One built page of every page type of a site, for the checks that go over each type (Nu, browser).

The sections beyond news (agenda, council, documents, the register) are picked
from the built site's files through ``pipeline.content.urls``; a type the site
has no page of is left out (``missing``).
"""

from __future__ import annotations

from pathlib import Path

from pipeline.content import urls

# The sections' page types: a glob of their site paths, from urls with "*" for each part.
SECTIONS = {
    "agenda": urls.AGENDA,
    "sitting": urls.sitting("*", "*"),
    "member": urls.member("*", "*"),
    "body": urls.body("*", "*"),
    "faction": urls.faction("*", "*"),
    "documents": urls.INFORMASI,
    "kip": urls.kip("*"),
    "dip": urls.DIP,
    "document": urls.document("*"),
    "jdih": urls.JDIH,
    "legal-type": urls.legal_type("*"),
    "legal": urls.legal("*"),
    "register": urls.REGISTER,
}
# Pages that the one-level globs of a document and a legal product also match: pages of other types.
OTHER_TYPES = {urls.DIP, urls.kip("x").rsplit("x/", 1)[0], urls.legal_type("x").rsplit("x/", 1)[0],
               urls.JDIH + "integrasi/"}


def _first(site: Path, pattern: str) -> str | None:
    found = [path.relative_to(site).parent.as_posix() + "/" for path in sorted(site.glob(pattern + "index.html"))]
    if pattern in (urls.document("*"), urls.legal("*")):
        found = [path for path in found if path not in OTHER_TYPES]
    return found[0] if found else None


def page_types(site: Path) -> dict[str, str]:
    """Page type -> site path (``""`` is the home page) of one page of each type in ``site``."""
    pages = {
        "home": urls.HOME,
        "article": _first(site, "berita/*/*/"),
        "category": _first(site, urls.category("*")),
        "tag": _first(site, urls.tag("*")),
        "month": _first(site, f"{urls.ARCHIVE}*/*/"),  # urls.month formats numbers: no "*" through it
        "categories": urls.CATEGORIES,
        "tags": urls.TAGS,
        "archive": urls.ARCHIVE,
        "static": urls.page("profil"),
    }
    for name, pattern in SECTIONS.items():
        pages[name] = _first(site, pattern)
    return {name: path for name, path in pages.items() if path is not None and (site / path / "index.html").is_file()}


def missing(site: Path) -> list[str]:
    """The section page types the built site has no page of (yet)."""
    return [name for name in SECTIONS if name not in page_types(site)]
