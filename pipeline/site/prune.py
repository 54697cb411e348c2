"""Files Material ships into every site that no page of this site loads: left out of ``site/`` (issue 18).

- ``assets/javascripts/lunr/``: lunr's language packs (32 files and two
  segmenters, ~0.95 MB). Material's search worker imports them only for a
  search language other than English; ``mkdocs.yml`` searches with
  ``lang: en`` (lunr has no Indonesian stemmer), read back from the built
  ``search/search_index.json``.
- ``*.map``: the source maps of Material's minified bundles (~1.3 MB), read
  only by a developer's browser tools, never by a visitor's page.
- ``assets/images/favicon.png``: Material's default icon, once ``theme.favicon``
  names the portal's emblem (every page's head is the same: ``404.html`` tells).

What stays although no page links it, and why: ``search/search_index.json``
(fetched by the search worker's script), ``sitemap.xml.gz`` (crawlers that
ask for it by name), ``robots.txt`` (crawlers), and each photo's ``social``
JPEG (fetched by Instagram and Telegram from the build record's URL).
Zensical's theme ships neither lunr nor source maps.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

LUNR = "assets/javascripts/lunr"
FAVICON = "assets/images/favicon.png"


def prune_theme_files(site: Path) -> list[str]:
    """Delete the theme's files no page of ``site`` loads; return their site paths."""
    removed = [path.relative_to(site).as_posix() for path in sorted((site / "assets").rglob("*.map"))]
    for name in removed:
        (site / name).unlink()
    if (site / LUNR).is_dir() and _search_languages(site) <= {"en"}:
        removed += [p.relative_to(site).as_posix() for p in sorted((site / LUNR).rglob("*")) if p.is_file()]
        shutil.rmtree(site / LUNR)
    favicon = site / FAVICON
    if favicon.is_file() and (site / "404.html").is_file() \
            and FAVICON not in (site / "404.html").read_text(encoding="utf-8"):
        favicon.unlink()
        removed.append(FAVICON)
    return removed


def _search_languages(site: Path) -> set[str]:
    # No search index: no worker, no language pack loaded either.
    try:
        config = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["config"]
    except (OSError, ValueError, KeyError, TypeError):
        return set()
    return set(config.get("lang") or ["en"])
