"""What every generated page is rendered with: the Jinja environment, the raw-HTML markers, front-matter.

Kept out of ``stage`` so that the sections ``stage`` calls (through
``sections``: the agenda, the council, documents) render their pages with the
same environment and markers without importing ``stage`` (an import cycle).
``stage`` re-exports every name under its old one.
"""

from __future__ import annotations

import datetime as dt
import secrets

import yaml
from jinja2 import Environment, PackageLoader
from markupsafe import Markup

from pipeline.content import urls
from pipeline.site.entries import Entry, WebPhoto
from pipeline.site.sanitize import body_marks

PER_PAGE = 20  # a phone scrolls 20 teasers easily; half the pages for MkDocs to render
# Where thumbnails show (portal.css): a teaser's is 10rem wide, at most 35vw; the gallery's
# columns are at least 9rem, about half the screen on a phone. Media queries count 16 px ems.
THUMB_SIZES = "(max-width: 36em) 35vw, 240px"
GALLERY_SIZES = "(max-width: 36em) 50vw, 240px"

# Autoescaped: titles, captions, alt texts and credits are editor input.
env = Environment(loader=PackageLoader("pipeline.site", "templates"), autoescape=True,
                  trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)

# The markers the portal MkDocs plugin looks for: trusted HTML blocks that skip
# Markdown, and the bounds of an article's search text. Random per process, so
# no narrative can forge them: a fixed text (``portalraw0portalraw``,
# ``<!--/portal:text-->``) crashed the build or cut the search index (issue 10).
# ``portal build`` and ``portal serve`` stage and render in the same process.
MARKER = secrets.token_hex(8)
RAW_START, RAW_END = f"<!--portal-{MARKER}:raw-->", f"<!--/portal-{MARKER}:raw-->"
TEXT_START, TEXT_END = f"<!--portal-{MARKER}:text-->", f"<!--/portal-{MARKER}:text-->"
BODY_START, BODY_END = body_marks(MARKER)
env.globals.update(raw_start=Markup(RAW_START), raw_end=Markup(RAW_END),
                   text_start=Markup(TEXT_START), text_end=Markup(TEXT_END))

_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml: ~10x faster at 1,000s of pages


def front_matter(**meta) -> Markup:
    """``meta`` as the YAML of a staged page's front-matter."""
    return Markup(yaml.dump(meta, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000).strip())


def md_text(text: str) -> str:
    """Plain text into Markdown: escape what Markdown or HTML would interpret."""
    out = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for ch in "\\`*_[]#":
        out = out.replace(ch, "\\" + ch)
    return out


def linker(page_url: str):
    """``rel(target)``: the site path ``target`` relative to the page at ``page_url``."""
    def rel(target: str) -> str:
        return urls.relative(page_url, target)

    return rel


def helpers(page_url: str) -> dict:
    """The functions and sizes every template gets for the page at ``page_url``: ``rel``, ``srcset`` ..."""
    rel = linker(page_url)

    def srcset(photo: WebPhoto) -> str:
        return ", ".join(f"{rel(url)} {width}w" for width, url in photo.widths)

    def thumb_srcset(photo: WebPhoto) -> str:
        """The thumbnail sizes (160, 320, 480 px) for ``srcset``: lists show them at ~144-240 CSS px."""
        return ", ".join(f"{rel(url)} {width}w" for width, url in photo.thumbs or [(photo.thumb_width, photo.thumb)])

    return {"rel": rel, "srcset": srcset, "thumb_srcset": thumb_srcset,
            "thumb_sizes": THUMB_SIZES, "gallery_sizes": GALLERY_SIZES}




def listing(url: str, title: str, heading: str, entries: list[Entry], description: str, *,
             intro: str = "", more: str | None = None, links=None, per_page: int = PER_PAGE,
             changed: dt.date | None = None) -> dict[str, str]:
    """``url`` and its pagination pages (``<url>halaman/N/``).

    Each page's ``lastmod`` (sitemap) is its newest entry's date, else ``changed`` (an index
    page of ``links``: the newest item of the site).
    """
    chunks = [entries[i:i + per_page] for i in range(0, len(entries), per_page)] or [[]]
    pages = len(chunks)
    out = {}
    for number, chunk in enumerate(chunks, start=1):
        page_url = urls.list_page(url, number)
        previous = None if number == 1 else urls.list_page(url, number - 1)
        following = urls.list_page(url, number + 1) if number < pages else None
        suffix = f" (halaman {number})" if number > 1 else ""
        # Lists repeat the articles' teasers: keep them out of the search index.
        newest = max((entry.date for entry in chunk), default=changed)
        dates = {"lastmod": newest.isoformat()} if newest else {}
        head = front_matter(title=title + suffix, description=description, search={"exclude": True}, **dates)
        text = env.get_template("listing.md").render(
            front_matter=head, heading=heading + suffix, intro=intro, entries=chunk, pages=pages, number=number,
            previous=previous, next=following, more=more if number == 1 else None,
            links=links if number == 1 else None, **helpers(page_url))
        out[urls.index_source(page_url)] = text
    return out
