"""Checks that keep hostile input out of the site: paths, URLs, raw HTML.

These rules are deliberately stricter than the sanitizer that runs at
render time: the check tells the editor, at the right line, what will not
be published; the sanitizer is the second wall.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import PurePosixPath

# Tags an editor may write as raw HTML in a narrative.
SAFE_TAGS = frozenset("""
    a abbr b blockquote br caption cite code dd del details div dl dt em figcaption figure
    h2 h3 h4 h5 h6 hr i ins kbd li mark ol p pre q s small span strong sub summary sup
    table tbody td tfoot th thead tr u ul img
""".split())
SAFE_ATTRS = frozenset("href title alt src width height colspan rowspan lang class id cite datetime".split())
URL_ATTRS = frozenset("href src cite".split())
SAFE_SCHEMES = frozenset(("http", "https", "mailto", "tel"))

_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
_DRIVE = re.compile(r"^[A-Za-z]:")
_FENCE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:.+?)\1")
_MD_LINK = re.compile(r"\]\(\s*<?([^\s>]*)")
_MD_REFDEF = re.compile(r"^[ ]{0,3}\[[^\]]+\]:\s*<?(\S*?)>?(?:\s|$)")
_AUTOLINK = re.compile(r"<([a-zA-Z][a-zA-Z0-9+.\-]*:[^>\s]*)>")
_EMAIL_AUTOLINK = re.compile(r"<[^\s<>@]+@[^\s<>@]+>")
_ATTR_LIST = re.compile(r"\{:?\s*([^{}\n]*?)\s*\}")
_ATTR_PAIR = re.compile(r"""([^\s=]+)\s*=\s*("[^"]*"|'[^']*'|[^\s]+)""")


def unsafe_path(value: str) -> str | None:
    """Why ``value`` (a path from front-matter) could leave its folder, or None if safe."""
    if "\0" in value:
        return "mengandung karakter NUL"
    if _PERCENT.search(value):
        return "mengandung kode persen seperti `%2F`"
    if "\\" in value:
        return "memakai garis miring terbalik `\\`"
    if value.startswith("/"):
        return "berupa path absolut"
    if _DRIVE.match(value) or ":" in value:
        return "memakai huruf drive atau alamat (`:`)"
    parts = PurePosixPath(value).parts
    if ".." in parts:
        return "mengandung `..`"
    if not parts or any(p.startswith(".") for p in parts):
        return "menunjuk berkas tersembunyi atau kosong"
    return None


def unsafe_url(url: str) -> bool:
    """True when ``url`` uses a scheme other than http(s), mailto or tel (``javascript:``, ``data:`` ...)."""
    # Browsers ignore entities, whitespace and control characters inside
    # the scheme ("java&#x09;script:"), so normalise the same way first.
    cleaned = _INVISIBLE.sub("", html.unescape(url)).lower()
    match = _SCHEME.match(cleaned)
    return bool(match) and match.group(1) not in SAFE_SCHEMES


def mask_code(text: str) -> str:
    """Blank out fenced code blocks and code spans, keeping line numbers and columns."""
    out = []
    fence = None
    for line in text.split("\n"):
        match = _FENCE.match(line)
        if fence:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            out.append(" " * len(line))
            continue
        if match:
            fence = match.group(1)
            out.append(" " * len(line))
            continue
        out.append(_CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line))
    return "\n".join(out)


def html_findings(markdown: str) -> list[tuple[int, str, str]]:
    """Unsafe raw HTML, links and attribute lists in ``markdown``.

    Returns ``(line, rule, message)`` with 1-based lines within ``markdown``.
    """
    text = mask_code(markdown)
    findings: list[tuple[int, str, str]] = []
    # Autolinks (<https://...>, <nama@contoh.go.id>) are Markdown, not tags:
    # hide them from the HTML scanner; their URLs are checked below.
    blank = lambda m: " " * len(m.group(0))
    parser = _Scanner(findings)
    parser.feed(_EMAIL_AUTOLINK.sub(blank, _AUTOLINK.sub(blank, text)))
    parser.close()
    for number, line in enumerate(text.split("\n"), start=1):
        links = [_balanced(url) for url in _MD_LINK.findall(line)]
        for url in links + _AUTOLINK.findall(line):
            if unsafe_url(url):
                findings.append((number, "html-url", _url_message(url)))
        ref = _MD_REFDEF.match(line)
        if ref and unsafe_url(ref.group(1)):
            findings.append((number, "html-url", _url_message(ref.group(1))))
        for body in _ATTR_LIST.findall(line):
            for name, value in _ATTR_PAIR.findall(body):
                bad = _bad_attribute(name.lower(), value.strip("\"'"))
                if bad:
                    findings.append((number, "html-attr",
                                     f"Daftar atribut Markdown `{{{body}}}` memuat {bad}. Hapus atribut itu."))
    findings.sort()
    return findings


def _balanced(url: str) -> str:
    """The link target of ``[text](url)``: up to the ``)`` that closes it (URLs may hold pairs)."""
    depth = 0
    for index, char in enumerate(url):
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                return url[:index]
            depth -= 1
    return url


def _url_message(url: str) -> str:
    shown = url if len(url) <= 60 else url[:57] + "..."
    return (f"Tautan `{shown}` memakai skema yang tidak aman. Hanya alamat http(s)://, mailto: "
            "dan tel: yang boleh; ganti atau hapus tautan itu.")


def _bad_attribute(name: str, value: str) -> str | None:
    if name.startswith("on"):
        return f"atribut event `{name}` (menjalankan skrip)"
    if name == "style":
        return "atribut `style`"
    if name in URL_ATTRS and unsafe_url(value):
        return f"alamat tidak aman di `{name}`"
    if name not in SAFE_ATTRS:
        return f"atribut `{name}` yang tidak diizinkan"
    return None


class _Scanner(HTMLParser):
    """Collect disallowed tags and attributes, with their lines."""

    def __init__(self, findings):
        super().__init__(convert_charrefs=True)
        self.findings = findings

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        if tag not in SAFE_TAGS:
            self.findings.append((line, "html-tag",
                                  f"Tag HTML `<{tag}>` tidak diizinkan di narasi. Hapus tag itu; tulis "
                                  "narasi dengan Markdown biasa."))
            return
        for name, value in attrs:
            bad = _bad_attribute(name, value or "")
            if bad:
                self.findings.append((line, "html-attr",
                                      f"Tag `<{tag}>` memuat {bad}. Hapus atribut itu."))

    handle_startendtag = handle_starttag

    def handle_pi(self, data):
        self.findings.append((self.getpos()[0], "html-tag",
                              "Instruksi pemrosesan `<?...>` tidak diizinkan di narasi. Hapus bagian itu."))
