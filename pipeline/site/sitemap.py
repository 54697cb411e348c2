"""``sitemap.xml``'s ``<lastmod>``: each page's own date, never the build day for all (issue 18).

Both engines write a sitemap with the build day as every page's ``lastmod``
(MkDocs) or none at all (Zensical); this pass rewrites it from the staged
pages' ``lastmod`` front-matter:

- an article: the day of its latest major correction (``updates``), else the
  day of the activity (its ``date``); a minor edit changes no date;
- a list (home, category, tag, month and their ``halaman/N/``): the newest
  item it shows, the day the list last changed;
- a page with no ``lastmod`` (static pages, Material's search page) gets no
  ``<lastmod>``: the protocol makes it optional, and git is not in every
  build while a file's mtime in a fresh CI checkout is the build day again,
  the very error this fixes. A part may give its pages ``lastmod`` in their
  front-matter (an ISO date) and they get it here.

A page whose front-matter says ``robots: noindex`` (a withdrawn article's
notice, issue 15) leaves the sitemap: ``lastmods`` gives it ``EXCLUDED``.

The same pass runs for MkDocs (the portal plugin's ``on_post_build``) and
Zensical (``zensical.run_zensical``), and writes ``sitemap.xml.gz`` anew.
"""

from __future__ import annotations

import gzip
import html
import re
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.content import urls

_LASTMOD = re.compile(r"^lastmod: '?(\d{4}-\d{2}-\d{2})'?$", re.MULTILINE)
_NOINDEX = re.compile(r"^robots: '?noindex'?$", re.MULTILINE)
EXCLUDED = ""  # the "date" of a page that leaves the sitemap
_BLANK_LINE = re.compile(r"\n[ \t]*(?=\n)")  # where a left-out entry was
_URL = re.compile(r"<url>\s*<loc>([^<]*)</loc>(?:\s*<lastmod>[^<]*</lastmod>)?\s*</url>")


def lastmods(files: dict[str, str]) -> dict[str, str]:
    """Site path -> ISO date of every staged page whose front-matter has ``lastmod``; ``EXCLUDED`` if noindex."""
    out = {}
    for name, text in files.items():
        if name.endswith(".md"):
            head = text[:text.find("\n---\n", 4) + 5] if text.startswith("---\n") else ""
            match = _LASTMOD.search(head)
            if _NOINDEX.search(head):
                out[urls.source_page(name)] = EXCLUDED
            elif match:
                out[urls.source_page(name)] = match.group(1)
    return out


def rewrite(site: Path, dates: dict[str, str], site_url: str | None) -> None:
    """Give each ``<url>`` of ``site/sitemap.xml`` its page's date from ``dates`` (or none); gzip it anew.

    ``site_url``'s path (a site under ``https://host/portal/``) is not part of the site paths.
    """
    base = urlsplit(site_url or "/").path
    sitemap = site / "sitemap.xml"
    if not sitemap.is_file():
        return

    def entry(match: re.Match) -> str:
        loc = match.group(1)
        date = dates.get(urlsplit(html.unescape(loc)).path.removeprefix(base).lstrip("/"))
        if date == EXCLUDED:
            return ""
        lastmod = f"\n         <lastmod>{date}</lastmod>" if date else ""
        return f"<url>\n         <loc>{loc}</loc>{lastmod}\n    </url>"

    text = _BLANK_LINE.sub("", _URL.sub(entry, sitemap.read_text(encoding="utf-8")))
    sitemap.write_text(text, encoding="utf-8")
    (site / "sitemap.xml.gz").write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
