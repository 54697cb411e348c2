"""The ``portal`` MkDocs plugin (``plugins: [portal]``): the last wall before HTML is written.

1. Front-matter text becomes escaped ``Markup``: MkDocs renders templates
   without autoescaping, and Material prints ``page.meta.title`` raw in the
   header. As Markup, raw output is escaped and ``| e`` does not double it.
2. The HTML blocks the stage already rendered (marked ``<!--portal:raw-->``)
   skip Markdown: parsing them again was a third of MkDocs' time at 1,000
   items. They come back verbatim after rendering.
3. Every page's HTML is sanitized with an allowlist (nh3, the Ammonia
   sanitizer) *after* Markdown rendering, so raw HTML or attribute-list
   tricks that slipped past ``portal check`` cannot reach the site; the
   returned blocks are sanitized with the rest.
"""

from __future__ import annotations

import re

import nh3
from markupsafe import Markup, escape
from mkdocs.plugins import BasePlugin

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details", "div", "dl", "dt",
    "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li",
    "mark", "nav", "ol", "p", "picture", "pre", "q", "s", "small", "source", "span", "strong", "sub", "summary",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "article",
}
ATTRIBUTES = {
    "*": {"class", "id", "lang", "title", "aria-label", "aria-hidden"},
    "a": {"href", "rel", "target", "tabindex", "data-width", "data-height"},
    "img": {"src", "alt", "width", "height", "loading", "decoding", "fetchpriority", "srcset", "sizes"},
    "source": {"type", "srcset", "sizes"},
    "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"},
    "time": {"datetime"}, "blockquote": {"cite"}, "q": {"cite"}, "ol": {"start"},
}
TEXT_KEYS = ("title", "description", "category", "location", "image_alt")
RAW = re.compile(r"<!--portal:raw-->\n(.*?)\n<!--/portal:raw-->", re.DOTALL)
TOKEN = "portalraw{}portalraw"
TOKEN_P = re.compile(r"<p>portalraw(\d+)portalraw</p>")


class PortalPlugin(BasePlugin):
    """Escape front-matter text for the theme; sanitize every page's HTML."""

    def __init__(self):
        self.raw: dict[str, list[str]] = {}

    def on_page_markdown(self, markdown, page, config, files):
        for key in TEXT_KEYS:
            value = page.meta.get(key)
            if isinstance(value, str) and not isinstance(value, Markup):
                page.meta[key] = escape(value)
        blocks: list[str] = []

        def hold(match):
            blocks.append(match.group(1))
            return f"\n\n{TOKEN.format(len(blocks) - 1)}\n\n"

        markdown = RAW.sub(hold, markdown)
        self.raw[page.file.src_uri] = blocks
        return markdown

    def on_page_content(self, html, page, config, files):
        blocks = self.raw.pop(page.file.src_uri, [])
        html = TOKEN_P.sub(lambda m: blocks[int(m.group(1))], html)
        return sanitize(html)


def sanitize(html: str) -> str:
    """``html`` with only allowlisted tags, attributes and URL schemes left."""
    # rel is ours to set (share links open in a new tab); nh3 would add its own.
    return nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes={"http", "https", "mailto", "tel"},
                     link_rel=None, strip_comments=True)
