"""The engine-independent sanitize pass: every HTML file of a built site, whatever built it.

The cleaner (nh3, the Ammonia sanitizer, with the portal's allowlist) runs
on each page's content; the MkDocs plugin calls it in-process as MkDocs
renders (fast), and ``sanitize_site`` runs it over a finished site for an
engine with no plugin API we can trust (Zensical drops unknown plugins
without a word). Either way ``check_coverage`` refuses a site in which any
HTML file was not covered: the safety of the site must not depend on one
engine's plugin API (issue 11).

A page's content is what lies between the stage's per-build body markers
(``pipeline.site.stage.body_markers``: random, so no content can forge them).
The rest of the page is the theme's: it is audited (no event handler, no
``javascript:``, no frame or plugin element, no third-party script or image,
and no inline script but those the content-free theme pages carry), never
rewritten, then given its Content-Security-Policy.
"""

from __future__ import annotations

import functools
import html as htmllib
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import nh3

from pipeline.errors import PortalError
from pipeline.site import csp

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details", "div", "dl", "dt",
    "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li",
    "mark", "nav", "ol", "p", "picture", "pre", "q", "s", "small", "source", "span", "strong", "sub", "summary",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "article",
    "section",  # an article's "Riwayat perubahan" (templates/article.md), named by its heading
    "video", "track",  # an article's videos (issue 16): the stage's block only, check's `html-media` refuses them in a narrative
}
# No "name" (it clobbers document.<name> like an id does) and no free "class":
# see CLASSES.
ATTRIBUTES = {
    "*": {"id", "lang", "title", "aria-label", "aria-hidden"},
    "a": {"href", "rel", "target", "tabindex", "data-width", "data-height"},
    "img": {"src", "alt", "width", "height", "loading", "decoding", "fetchpriority", "srcset", "sizes"},
    "source": {"type", "srcset", "sizes", "src"},
    # No autoplay, muted, loop, preload="auto", crossorigin or event handler: a video plays when the reader asks.
    "video": {"controls", "preload", "playsinline", "poster", "width", "height"},
    "track": {"kind", "src", "srclang", "label", "default"},
    "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan", "scope"},
    "time": {"datetime"}, "blockquote": {"cite"}, "q": {"cite"}, "ol": {"start"},
    "section": {"aria-labelledby"},
}
# The classes of the stage's own templates (pipeline/site/templates/), per tag, and
# nothing else: content must not dress up as the theme's interface.
CLASSES = {
    "p": {"portal-meta", "portal-more", "portal-tags", "portal-intro", "portal-note", "portal-provenance",
          "portal-register__empty", "portal-register__printed", "portal-register__note", "portal-register__filter"},
    "div": {"portal-lead", "portal-gallery", "portal-videos", "portal-list", "portal-home", "portal-grid", "portal-home__side",
            "portal-categories", "portal-category", "portal-register", "portal-register__scroll", "portal-dip"},
    "nav": {"portal-share", "portal-pager", "portal-pagination"},
    "a": {"portal-pager__newer", "portal-pager__older"},
    "article": {"portal-teaser", "portal-headline", "portal-card"},
    "ul": {"portal-links", "portal-agenda", "portal-agenda-list", "portal-quick"},
    # The agenda (templates/agenda*.md): status badges and the facts of a sitting.
    "span": {"portal-meta", "portal-badge", "portal-badge--diubah", "portal-badge--dibatalkan", "portal-register__label"},
    "dl": {"portal-facts"},
    # The register (templates/register.md): the table, its monthly summary and chart.
    "table": {"portal-register__table", "portal-register__log", "portal-register__summary"}, "figure": {"portal-register__chart"},
}
# Every id that comes from content starts with it; no id of Material
# (``__config``, ``__search``, ``__drawer``...) or of its JavaScript does.
ID_PREFIX = "isi-"
# The front-matter keys the theme prints: escaped before any template sees them.
TEXT_KEYS = ("title", "description", "category", "location", "image_alt")
# What a URL parser makes of a value before it looks for a scheme or a host:
# tabs and newlines vanish, leading spaces and controls are trimmed, "\" is "/".
_URL_NOISE = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_SRCSET_SPLIT = re.compile(r"[\s,]+")


def slugify(value: str, separator: str) -> str:
    """A heading's anchor: Markdown's ``toc`` slug with ``ID_PREFIX`` (``## Visi`` gets ``isi-visi``).

    The plugin sets it as ``toc``'s ``slugify`` so the table of contents and
    the headings agree; a heading reading ``__config`` cannot become the
    theme's ``<script id="__config">``.
    """
    from markdown.extensions.toc import slugify as markdown_slugify

    return ID_PREFIX + markdown_slugify(value, separator)


def prefixed(fragment: str) -> str:
    """``fragment`` (an id or a same-site link's fragment) in the content's namespace, ``ID_PREFIX``."""
    return fragment if not fragment or fragment.startswith(ID_PREFIX) else ID_PREFIX + fragment


def _local(url: str) -> bool:
    """``url`` points into this site: no scheme, no ``//host``."""
    url = _URL_NOISE.sub("", url).lstrip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f"
                                         "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
    url = url.replace("\\", "/")
    return not url.startswith("//") and not _SCHEME.match(url)


def _srcset_local(value: str) -> bool:
    # Each candidate URL starts after a space or a comma: checking every token
    # split there covers them all (a comma inside a URL only adds tokens).
    return all(_local(token) for token in _SRCSET_SPLIT.split(value) if token)


def _filter(tag: str, attribute: str, value: str) -> str | None:
    """nh3's attribute callback: ids and same-site fragments in ``ID_PREFIX``; local images; known classes."""
    if attribute == "href":
        if value.startswith("#"):
            return "#" + prefixed(value[1:])
        if "#" in value and _local(value):  # another page of this site
            path, fragment = value.split("#", 1)
            return f"{path}#{prefixed(fragment)}"
        return value
    if attribute == "aria-labelledby":  # names ids, which nh3 has prefixed: follow them
        return " ".join(prefixed(name) for name in value.split()) or None
    if attribute in ("src", "poster"):
        return value if _local(value) else None
    if attribute == "preload":  # "auto"/"metadata" would fetch video bytes before the reader presses play
        return value if value == "none" else None
    if attribute == "srcset":
        return value if _srcset_local(value) else None
    if attribute == "class":
        allowed = CLASSES.get(tag, ())
        return " ".join(name for name in value.split() if name in allowed) or None
    return value


def sanitize(html: str) -> str:
    """``html`` with only allowlisted tags, attributes and URL schemes left."""
    return _CLEANER.clean(html)


# Built once: nh3.clean() rebuilds its allowlists on every call.
# rel is ours to set (share links open in a new tab); nh3 would add its own.
# id_prefix prefixes ids before _filter sees them; allowed_classes enforces
# CLASSES again after it (_filter drops a class attribute left empty).
# _filter is a pure function of its arguments and nh3 calls it for every
# attribute of every page; most (tag, attribute, value) triples repeat
# (classes, sizes, relative links), so a bounded memo answers them without
# running Python code (a fifth of the cleaning time at 1,000 items).
_CLEANER = nh3.Cleaner(tags=TAGS, attributes=ATTRIBUTES, url_schemes={"http", "https", "mailto", "tel"},
                       link_rel=None, strip_comments=True, id_prefix=ID_PREFIX,
                       attribute_filter=functools.lru_cache(maxsize=1 << 14)(_filter), allowed_classes=CLASSES)


# Theme templates rendered without any content (no body markers): their
# inline scripts are the reference of what the theme itself emits.
THEME_PAGES = frozenset({"404.html"})
# Elements no part of the theme needs and content must never get into it.
_FORBIDDEN = {"iframe", "frame", "frameset", "object", "embed", "base", "applet", "portal"}
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "srcset", "poster", "xlink:href", "data"}
_BAD_SCHEME = re.compile(r"(?:javascript|vbscript|data):", re.IGNORECASE)
# Material's first inline script sets its scope from the page's relative base URL ("../.."), the one
# part of the theme's inline scripts that varies by page: compare them without it.
_SCOPE = re.compile(r'new URL\("[./]*",location\)')


def body_marks(marker: str) -> tuple[str, str]:
    """The comments the stage puts around each page's body, for the per-build ``marker``."""
    return f"<!--portal-{marker}:body-->", f"<!--/portal-{marker}:body-->"


def text_marks(marker: str) -> tuple[str, str]:
    """The comments around an article's search text (``pipeline.site.stage.TEXT_START``/``TEXT_END``)."""
    return f"<!--portal-{marker}:text-->", f"<!--/portal-{marker}:text-->"


class _Audit(HTMLParser):
    """Collects what the theme's part of a page must not hold, and its inline scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.inline: list[str] = []
        self._script: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        values = {name: value or "" for name, value in attrs}
        if tag in _FORBIDDEN:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append(f"{name}=")
            elif name in _URL_ATTRIBUTES and _BAD_SCHEME.match(re.sub(r"[\x00-\x20]", "", value)):
                self.problems.append(f"{name}={value[:40]!r}")
        remote = [values[n] for n in ("src", "srcset") if n in values and not _srcset_local(values[n])]
        if tag == "link" and values.get("rel", "") in ("stylesheet", "preload", "modulepreload", "icon",
                                                        "manifest") and not _local(values.get("href", "")):
            remote.append(values.get("href", ""))
        if remote:
            self.problems.append(f"<{tag}> dari situs lain ({remote[0][:60]})")
        if tag == "script" and "src" not in values and values.get("type", "").strip().lower() in csp.JS_TYPES:
            self._script = []

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.inline.append(_SCOPE.sub('new URL("",location)', "".join(self._script)))
            self._script = None


def _audit(html: str) -> _Audit:
    audit = _Audit()
    audit.feed(html)
    audit.close()
    return audit


def sanitize_site(site_dir: Path, marker: str, style_hashes: tuple[str, ...] = ()) -> tuple[set[str], dict[str, str]]:
    """Sanitize the content of every HTML page of ``site_dir``, audit the theme's part, add the CSP.

    Returns the pages covered (site-relative POSIX paths) and, per article
    page, its search text (what lies between the stage's text markers,
    sanitized). Pages without one pair of body markers are allowed only in
    ``THEME_PAGES``. Raises ``PortalError`` naming every page that fails the
    audit: nothing is written then (the caller discards the site).
    ``style_hashes`` (``'sha256-...'``) are added to ``style-src``: an engine's
    own script may insert a known ``<style>`` element.
    """
    start, end = body_marks(marker)
    text_start, text_end = text_marks(marker)
    mark = f"portaltext{marker}"  # survives nh3, which drops comments
    pages: dict[str, str] = {}
    for folder, _, names in os.walk(site_dir):
        for name in names:
            if name.endswith(".html"):
                path = Path(folder, name)
                pages[path.relative_to(site_dir).as_posix()] = path.read_text(encoding="utf-8")
    # The inline scripts the theme emits on its content-free pages: the only ones allowed elsewhere.
    allowed = {body for rel in THEME_PAGES if rel in pages for body in _audit(pages[rel]).inline}
    problems: list[str] = []
    out: dict[str, str] = {}
    texts: dict[str, str] = {}
    for rel, text in sorted(pages.items()):
        if text.count(start) == 1 and text.count(end) == 1 and text.index(start) < text.index(end):
            before, rest = text.split(start)
            body, after = rest.split(end)
        elif rel in THEME_PAGES and start not in text and end not in text:
            before, body, after = text, "", ""
        else:
            problems.append(f"{rel}: penanda isi halaman tidak tepat satu pasang")
            continue
        theme = _audit(before + after)
        found = theme.problems + [f"skrip inline bukan dari tema ({s.strip()[:40]!r})"
                                  for s in theme.inline if s not in allowed]
        if found:
            problems.append(f"{rel}: bagian tema memuat {', '.join(dict.fromkeys(found))}")
            continue
        body = sanitize(body.replace(text_start, mark).replace(text_end, mark))
        if body.count(mark) == 2:
            head, searched, tail = body.split(mark)
            body = head + searched + tail
            texts[rel] = searched
        out[rel] = csp.add_meta(before + body + after, style_hashes)
    if problems:
        raise PortalError("Build ditolak: halaman berikut tidak bisa disaring dengan aman; situs lama "
                          "tidak diubah:\n" + "\n".join(f"  - {p}" for p in problems))
    for rel, text in out.items():
        (site_dir / rel).write_text(text, encoding="utf-8")
    return set(out), texts


def check_coverage(site_dir: Path, covered: set[str]) -> None:
    """Refuse the site unless every HTML file under ``site_dir`` is in ``covered`` or ``THEME_PAGES``.

    ``covered`` holds site-relative POSIX paths. The message names every
    uncovered file; the caller discards the site, so ``site/`` stays as it was.
    """
    missing = []
    for folder, _, names in os.walk(site_dir):
        for name in names:
            if name.endswith(".html"):
                rel = Path(folder, name).relative_to(site_dir).as_posix()
                if rel not in covered and rel not in THEME_PAGES:
                    missing.append(rel)
    if missing:
        raise PortalError("Build ditolak: berkas HTML berikut tidak melewati penyaringan (sanitize), "
                          "situs lama tidak diubah: " + ", ".join(sorted(missing)))


def search_entry_text(text: str) -> str:
    """An article's search text as Material's and Zensical's indexes hold it: p/ul/ol/li tags kept, no lead photo."""
    text = re.sub(r'<div class="portal-lead">.*?</div>', "", text, flags=re.DOTALL)
    return re.sub(r"\s+", " ", re.sub(r"<(?!/?(?:p|ul|ol|li)\b)[^>]*>", "", text)).strip()


def sanitize_search(index_file: Path, texts: dict[str, str]) -> None:
    """Make Zensical's ``search.json`` safe to render and index articles as the MkDocs build does.

    The theme turns ``text`` into elements and prints title, path and tags:
    ``text`` goes through the cleaner, the rest is escaped. Each article
    (a page with search text in ``texts``) becomes one entry of that text,
    as the portal plugin's ``_index`` makes for Material.
    """
    data = json.loads(index_file.read_text(encoding="utf-8"))
    articles = {rel[: -len("index.html")]: text for rel, text in texts.items() if rel.endswith("index.html")}
    items, seen = [], set()
    for item in data.get("items", []):
        location = str(item.get("location", ""))
        page = location.split("#", 1)[0]
        if page in articles:
            if page in seen:
                continue  # one entry per article: its sections are in the text already
            seen.add(page)
            item = {**item, "location": page, "level": 0, "text": search_entry_text(articles[page])}
        else:
            item = {**item, "text": sanitize(str(item.get("text", "")))}
        item["title"] = _escape(item.get("title", ""))
        item["path"] = [_escape(part) for part in item.get("path", []) or []]
        item["tags"] = [_escape(tag) for tag in item.get("tags", []) or []]
        items.append(item)
    data["items"] = items
    index_file.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _escape(value) -> str:
    # Zensical hands its index text to innerHTML; an entity already there stays as the reader sees it.
    return htmllib.escape(htmllib.unescape(str(value)), quote=False)
