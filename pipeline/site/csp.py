"""The Content-Security-Policy of the site's pages.

GitHub Pages sets no response headers, so every HTML page carries its policy
as the first element of ``<head>`` (a ``<meta http-equiv>`` applies only to
what comes after it). ``portal view`` sends the same policy as a header.

The policy allows only the site itself: scripts, the search worker, styles,
fonts, fetches. The inline scripts the theme emits (Material's base.html
defines ``__md_scope``, ``__md_get``... inline; its text holds the page's
relative base URL, so it differs by depth) are allowed by their SHA-256
hash, per page: any other inline script, an injected one included, does not
run. ``type="application/json"``/``ld+json`` blocks are data, never run,
and need nothing. ``img-src`` allows ``data:``: Material's stylesheet draws
its icons as ``data:`` SVG masks. ``frame-ancestors`` is ignored in a meta
element; the hosts that can send headers send it (``portal view``).
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from collections.abc import Iterable, Set
from functools import lru_cache
from pathlib import Path

# Directive by directive; "script-src" gets the page's hashes appended.
DIRECTIVES = (
    ("default-src", "'self'"),
    ("script-src", "'self'"),
    ("worker-src", "'self'"),
    ("style-src", "'self'"),
    ("img-src", "'self' data:"),
    ("media-src", "'self'"),  # an article's videos and their captions (issue 16), from the site only
    ("font-src", "'self'"),
    ("connect-src", "'self'"),
    ("object-src", "'none'"),
    ("base-uri", "'self'"),
    ("form-action", "'self'"),
)
# The types that make a <script> run (HTML's JavaScript MIME type essences,
# plus "module"); any other type is a data block.
JS_TYPES = {
    "", "module", "application/ecmascript", "application/javascript", "application/x-ecmascript",
    "application/x-javascript", "text/ecmascript", "text/javascript", "text/javascript1.0",
    "text/javascript1.1", "text/javascript1.2", "text/javascript1.3", "text/javascript1.4",
    "text/javascript1.5", "text/jscript", "text/livescript", "text/x-ecmascript", "text/x-javascript",
}

# Script contents are raw text: the first "</script" ends them.
_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script", re.DOTALL | re.IGNORECASE)
_ATTR = re.compile(r"""(?<![\w-])(type|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))|(?<![\w-])src(?![\w-])""",
                   re.IGNORECASE)
_HEAD = re.compile(r"<head\b[^>]*>", re.IGNORECASE)
_HTML = re.compile(r"<html\b[^>]*>", re.IGNORECASE)
_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="[^"]*">')
_META_CONTENT = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')
_HASH_SOURCE = re.compile(r"'sha(256|384|512)-[A-Za-z0-9+/]+={0,2}'")


def policy_for(html: str, style_hashes: Iterable[str] = ()) -> str:
    """The Content-Security-Policy of the page ``html``: the site's own resources, its inline scripts by hash.

    ``style_hashes`` (``'sha256-...'``) are inline styles an engine's
    JavaScript adds at run time (Zensical's search dialog), which no page
    text shows.
    """
    hashes = [_hash(body) for attributes, body in _SCRIPT.findall(html) if _runs_inline(attributes)]
    extra = {"script-src": list(dict.fromkeys(hashes)), "style-src": list(dict.fromkeys(style_hashes))}
    parts = []
    for name, value in DIRECTIVES:
        if extra.get(name):
            value = " ".join([value, *extra[name]])  # once each, in page order
        parts.append(f"{name} {value}")
    return "; ".join(parts)


def declared_style_hashes(html: str) -> tuple[str, ...]:
    """The ``'sha256-...'`` sources of ``style-src`` in the page's own policy meta, and nothing else.

    ``portal view`` sends a page's policy as a header computed from the page
    itself; the run-time styles it cannot see come from the meta the build
    wrote, limited to hashes (a ``'unsafe-inline'`` or a host there is ignored).
    """
    match = _META_CONTENT.search(html)
    if not match:
        return ()
    for directive in match.group(1).split(";"):
        name, _, sources = directive.strip().partition(" ")
        if name == "style-src":
            return tuple(s for s in sources.split() if _HASH_SOURCE.fullmatch(s))
    return ()


def meta_tag(policy: str) -> str:
    """``policy`` as a ``<meta http-equiv>`` element (its values hold no quote or ampersand to escape)."""
    return f'<meta http-equiv="Content-Security-Policy" content="{policy}">'


def add_meta(html: str, style_hashes: Iterable[str] = ()) -> str:
    """``html`` with its policy as the first element of ``<head>`` (an earlier one replaced)."""
    html = _META.sub("", html, count=1)
    tag = meta_tag(policy_for(html, style_hashes))
    match = _HEAD.search(html) or _HTML.search(html)
    at = match.end() if match else 0
    return html[:at] + tag + html[at:]


def add_to_site(site: Path, done: Set[str] = frozenset()) -> int:
    """Give every HTML page under ``site`` its policy, except those in ``done``; returns how many it changed.

    ``done`` holds the normalised paths (``os.path.normpath``) of pages that
    already carry it: the portal plugin adds the policy as MkDocs writes a
    page, and this walk (60 ms over 30,000 files at 1,000 items: os.walk
    needs no stat) catches any HTML file written some other way.
    """
    count = 0
    for folder, _, names in os.walk(site):
        for name in names:
            if name.endswith(".html") and os.path.normpath(os.path.join(folder, name)) not in done:
                path = Path(folder, name)
                path.write_text(add_meta(path.read_text(encoding="utf-8")), encoding="utf-8")
                count += 1
    return count


def _runs_inline(attributes: str) -> bool:
    # An inline script that runs: no src, and a JavaScript type (or none).
    script_type = ""
    for match in _ATTR.finditer(attributes):
        if match.group(1) is None or match.group(1).lower() == "src":
            return False
        script_type = next(v for v in match.group(2, 3, 4) if v is not None)
    return script_type.strip().lower() in JS_TYPES


@lru_cache(maxsize=256)
def _hash(body: str) -> str:
    # Few distinct scripts (one per page depth): hash each once.
    digest = hashlib.sha256(body.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"
