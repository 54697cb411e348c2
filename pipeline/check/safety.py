"""Checks that keep hostile input out of the site: paths, URLs, raw HTML, oversized Markdown.

These rules are deliberately stricter than the sanitizer that runs at
render time: the check tells the editor, at the right line, what will not
be published; the sanitizer is the second wall.

Every rule here runs in linear time. A regex with adjacent or nested
quantifiers over the same characters backtracks polynomially: the old
attribute-list pattern took 1 min 45 s on one 6 KB line. Patterns below
match each character a bounded number of times; trimming and pairing are
done in Python. ``python benchmarks/adversarial.py`` measures them.

Python-Markdown itself is not linear: an unclosed ``[`` or ``<`` makes it
scan to the end of the paragraph (or document), so 20 KB of ``[`` took
65 s to build, and a list nested 500 deep overflows its recursion.
:func:`bound_findings` refuses such input (``markup-run``,
``nesting-too-deep``, ``line-too-long``) with limits measured so that
whatever the check accepts renders in well under a second.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from pipeline.content.load import unsafe_path as unsafe_path  # where front-matter paths are judged

# Tags an editor may write as raw HTML in a narrative. No `img`: a picture
# in a narrative is either remote (a tracking pixel, swappable after review)
# or a local file the photo pipeline never publishes; photos go in `photos:`.
SAFE_TAGS = frozenset("""
    a abbr b blockquote br caption cite code dd del details div dl dt em figcaption figure
    h2 h3 h4 h5 h6 hr i ins kbd li mark ol p pre q s small span strong sub summary sup
    table tbody td tfoot th thead tr u ul
""".split())
# No `class` (free classes can imitate the theme's interface) and no `name`
# (DOM clobbering); `id` stays: the sanitizer moves content ids to `isi-...`.
SAFE_ATTRS = frozenset("href title alt width height colspan rowspan lang id cite datetime".split())
URL_ATTRS = frozenset("href src cite".split())
SAFE_SCHEMES = frozenset(("http", "https", "mailto", "tel"))
_NETWORK_SCHEMES = frozenset(("http", "https", "ftp", "ftps", "ws", "wss"))
# Tags that load a picture, sound or video: `html-media` (frames, objects and
# embeds are not in SAFE_TAGS at all: `html-tag`).
MEDIA_TAGS = frozenset("img picture source video audio track image".split())

# Limits that keep Python-Markdown fast (see the module docstring).
MAX_NESTING = 6  # list and blockquote levels; Python-Markdown overflows near 500
MAX_BRACKETS = 20  # `[` per paragraph: each unclosed one scans to the paragraph's end
MAX_ANGLES = 40  # `<` per narrative: each unclosed one scans to the document's end

_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")
_FENCE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})")
_BACKTICKS = re.compile(r"`+")
_MD_LINK = re.compile(r"\]\(\s*<?([^\s>]*)")
_MD_IMAGE = re.compile(r"(?<!<)!\[")  # not the `<![` of a declaration
_MD_REFDEF = re.compile(r"^[ ]{0,3}\[[^\]]+\]:\s*<?(\S*?)>?(?:\s|$)")
# No `<` inside: an autolink cannot hold one (CommonMark), and allowing it let
# every `<a:` of a long run scan to the end of the line.
_AUTOLINK = re.compile(r"<([a-zA-Z][a-zA-Z0-9+.\-]*:[^<>\s]*)>")
_EMAIL_AUTOLINK = re.compile(r"<[^\s<>@]+@[^\s<>@]+>")
# The braces and what is between them; the optional `:` and spaces are
# trimmed in Python (`\{:?\s*(.*?)\s*\}` was cubic on a line of spaces).
_ATTR_LIST = re.compile(r"\{([^{}\n]*)\}")
# One token of an attribute list: `name=value` or a bare word. The bare-word
# fallback consumes a word that has no `=`, so no position is tried twice.
_ATTR_TOKEN = re.compile(r"""([^\s=]+)\s*=\s*("[^"]*"|'[^']*'|\S*)|(\S+)""")
_LIST_MARKER = re.compile(r"(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$)")


def unsafe_url(url: str) -> bool:
    """True when ``url`` uses a scheme other than http(s), mailto or tel (``javascript:``, ``data:`` ...)."""
    # Browsers ignore entities, whitespace and control characters inside
    # the scheme ("java&#x09;script:"), so normalise the same way first.
    cleaned = _INVISIBLE.sub("", html.unescape(url)).lower()
    match = _SCHEME.match(cleaned)
    return match is not None and match.group(1) not in SAFE_SCHEMES


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
        out.append(_mask_spans(line))
    return "\n".join(out)


def _mask_spans(line: str) -> str:
    """``line`` with its code spans blanked, paired as Python-Markdown pairs them, in linear time.

    Python-Markdown's ``(`+)(.+?)(?<!`)\\2(?!`)`` opens with the longest
    prefix of a backtick run that a later run of exactly that length closes
    (no run after a backslash). Masking a span Markdown does not make would
    hide HTML from the check, so the pairing follows Markdown's.
    """
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(line)]
    if len(runs) < 2:
        return line
    # Indices of the runs of each length, and a cursor per length that only
    # moves forward: each query costs O(length of the opening run).
    by_length: dict[int, list[int]] = {}
    for index, (start, end) in enumerate(runs):
        by_length.setdefault(end - start, []).append(index)
    cursor = dict.fromkeys(by_length, 0)
    chars = list(line)
    index = 0
    while index < len(runs):
        start, end = runs[index]
        if start and line[start - 1] == "\\":
            start += 1  # an escaped backtick cannot open
        closer = None
        for length in range(end - start, 0, -1):
            indices = by_length.get(length)
            if not indices:
                continue
            position = cursor[length]
            while position < len(indices) and indices[position] <= index:
                position += 1
            cursor[length] = position
            if position < len(indices):
                closer = indices[position]
                break
        if closer is None:
            index += 1
            continue
        for column in range(start, runs[closer][1]):
            chars[column] = " "
        index = closer + 1
    return "".join(chars)


def html_findings(markdown: str) -> list[tuple[int, str, str]]:
    """Unsafe raw HTML, links, images and attribute lists in ``markdown``.

    Returns ``(line, rule, message)`` with 1-based lines within ``markdown``.
    """
    text = mask_code(markdown)
    findings: list[tuple[int, str, str]] = []
    # Autolinks (<https://...>, <nama@contoh.go.id>) are Markdown, not tags:
    # hide them from the HTML scanner; their URLs are checked below.
    def blank(m: re.Match[str]) -> str:
        return " " * len(m.group(0))

    markup = _EMAIL_AUTOLINK.sub(blank, _AUTOLINK.sub(blank, text))
    # A `<` with no `>` after it can never complete a tag, comment or
    # declaration, and HTMLParser rescans to the end for each one (quadratic
    # on a run of `<a `): blank them, which changes no finding.
    last = markup.rfind(">")
    markup = markup[:last + 1] + markup[last + 1:].replace("<", " ")
    parser = _Scanner(findings)
    try:
        parser.feed(markup)
        parser.close()
    except AssertionError:  # _markupbase on a malformed declaration such as `<![ x`
        findings.append((parser.getpos()[0], "html-tag", _DECLARATION))
    lines = text.split("\n")
    refs: dict[str, str] = {}  # reference definitions, for the target of `![alt][ref]`
    for line in lines:
        ref = _MD_REFDEF.match(line)
        if ref:
            refs.setdefault(" ".join(line.split("]", 1)[0].lstrip(" [").lower().split()), ref.group(1))
    for number, line in enumerate(lines, start=1):
        links = [_balanced(url) for url in _MD_LINK.findall(line)]
        for url in links + _AUTOLINK.findall(line):
            if unsafe_url(url):
                findings.append((number, "html-url", _url_message(url)))
        if _MD_IMAGE.search(line):
            findings.append((number, "html-media", _media_message("![...]", _image_target(line, refs))))
        ref = _MD_REFDEF.match(line)
        if ref and unsafe_url(ref.group(1)):
            findings.append((number, "html-url", _url_message(ref.group(1))))
        for match in _ATTR_LIST.finditer(line):
            body = match.group(1).strip()
            body = body[1:].strip() if body.startswith(":") else body
            for bad in _attr_list_problems(body):
                findings.append((number, "html-attr",
                                 f"Daftar atribut Markdown `{{{body}}}` memuat {bad}. Hapus atribut itu."))
    findings.sort()
    return findings


def _attr_list_problems(body: str) -> list[str]:
    """What is wrong with the attributes of an attribute list ``{: ...}`` (Python-Markdown syntax)."""
    problems = []
    for name, value, word in _ATTR_TOKEN.findall(body):
        if name:
            bad = _bad_attribute(name.lower(), value.strip("\"'"))
        elif word.startswith(".") and len(word) > 1:
            bad = "atribut `class` yang tidak diizinkan"  # `.nama` is attr_list's class shorthand
        else:
            bad = None
        if bad:
            problems.append(bad)
    return problems


def _image_target(line: str, refs: dict[str, str]) -> str:
    """The target of the first Markdown image on ``line`` (inline or by reference), for the message."""
    image = _MD_IMAGE.search(line)
    if image is None:  # the caller found one: only for the type checker
        return ""
    start = image.end()
    close = line.find("]", start)
    if close < 0:
        return ""
    after = line[close + 1:close + 2]
    if after == "(":
        target = _balanced(line[close + 2:].strip().lstrip("<")).split()
        return target[0].rstrip(">") if target else ""
    label = line[start:close]
    if after == "[":
        end = line.find("]", close + 2)
        label = line[close + 2:end] if end > close + 2 else label
    return refs.get(" ".join(label.lower().split()), "")


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
    return (f"Tautan `{_shorten(url)}` memakai skema yang tidak aman. Hanya alamat http(s)://, mailto: "
            "dan tel: yang boleh; ganti atau hapus tautan itu.")


def _shorten(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def is_remote(url: str) -> bool:
    """True when ``url`` would make the browser ask another host (``https://...``, ``//host/...``)."""
    cleaned = _INVISIBLE.sub("", html.unescape(url)).lower().replace("\\", "/")
    match = _SCHEME.match(cleaned)
    return cleaned.startswith("//") or bool(match and match.group(1) in _NETWORK_SCHEMES)


# A video or sound in a narrative: its fix is `videos:` (issue 16), not `photos:`.
_AV_TAGS = frozenset(("<video>", "<audio>", "<track>"))
_AV_FIX = ("Siapkan videonya dengan `portal video prepare VIDEO FOLDER_BERITA`, lalu daftarkan di `videos:` "
           "dengan `file` dan `title`")


def _media_message(what: str, url: str) -> str:
    source = f" `{_shorten(url)}`" if url else ""
    av = what in _AV_TAGS
    if url and is_remote(url):
        fix = _AV_FIX if av else "Salin gambarnya sebagai foto ke folder berita dan daftarkan di `photos:`"
        return (f"Gambar atau media dari situs lain di narasi (`{what}`{source}): pemiliknya bisa menggantinya "
                f"setelah diperiksa, dan setiap pengunjung tercatat di situs itu. {fix}; tautan biasa ke situs "
                "resmi (`link_domains` di mkdocs.yml) tetap boleh.")
    if av:
        return f"Video atau suara di narasi (`{what}`{source}) tidak ikut terbit: video hanya terbit dari `videos:`. {_AV_FIX}."
    return (f"Gambar di narasi (`{what}`{source}) tidak ikut terbit: gambar hanya terbit sebagai foto. Salin "
            "gambarnya ke folder berita dan daftarkan di `photos:`.")


_DECLARATION = ("Deklarasi `<!...>` tidak diizinkan di narasi (hanya komentar `<!-- ... -->`). "
                "Hapus bagian itu.")


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
        if tag in MEDIA_TAGS:
            url = next((v for n, v in attrs if n in ("src", "srcset", "href", "poster") and v), "")
            self.findings.append((line, "html-media", _media_message(f"<{tag}>", url.split()[0] if url else "")))
        elif tag not in SAFE_TAGS:
            self.findings.append((line, "html-tag",
                                  f"Tag HTML `<{tag}>` tidak diizinkan di narasi. Hapus tag itu; tulis "
                                  "narasi dengan Markdown biasa."))
            return
        for name, value in attrs:
            if tag in MEDIA_TAGS and name in ("src", "srcset", "poster") and not unsafe_url(value or ""):
                continue  # already said: the picture itself is refused
            bad = _bad_attribute(name, value or "")
            if bad:
                self.findings.append((line, "html-attr",
                                      f"Tag `<{tag}>` memuat {bad}. Hapus atribut itu."))

    handle_startendtag = handle_starttag

    def handle_pi(self, data):
        self.findings.append((self.getpos()[0], "html-tag",
                              "Instruksi pemrosesan `<?...>` tidak diizinkan di narasi. Hapus bagian itu."))

    def handle_decl(self, decl):
        self.findings.append((self.getpos()[0], "html-tag", _DECLARATION))

    unknown_decl = handle_decl


# --------------------------------------------------------------------------- bounded input

def bound_findings(markdown: str, max_line: int) -> list[tuple[int, str, str]]:
    """Lines, nesting and markup runs that would make Python-Markdown slow or crash.

    Returns ``(line, rule, message)`` with 1-based lines within ``markdown``,
    and never more than one ``markup-run`` per paragraph.
    """
    findings: list[tuple[int, str, str]] = []
    brackets, angles, nested = 0, 0, False
    for number, line in enumerate(markdown.split("\n"), start=1):
        if len(line) > max_line:
            findings.append((number, "line-too-long",
                             f"Baris ini berisi {_thousands(len(line))} karakter; paling banyak "
                             f"{_thousands(max_line)}. Pecah menjadi beberapa paragraf (pisahkan dengan baris "
                             "kosong)."))
        depth = nesting_depth(line)
        if depth > MAX_NESTING and not nested:
            nested = True  # once per paragraph: a 500-deep list is one problem
            findings.append((number, "nesting-too-deep",
                             f"Daftar atau kutipan bertingkat {depth} lapis; paling banyak {MAX_NESTING}. "
                             "Kurangi tanda `>`, `-` atau indentasi di awal baris."))
        if not line.strip():
            brackets, nested = 0, False
            continue
        before = brackets
        brackets += line.count("[")
        if before <= MAX_BRACKETS < brackets:
            findings.append((number, "markup-run",
                             f"Paragraf ini memuat lebih dari {MAX_BRACKETS} tanda `[` sampai baris ini. Tanda `[` "
                             "hanya untuk tautan `[teks](alamat)`: hapus yang tidak perlu atau pecah paragrafnya."))
        before = angles
        angles += line.count("<")
        if before <= MAX_ANGLES < angles:
            findings.append((number, "markup-run",
                             f"Narasi memuat lebih dari {MAX_ANGLES} tanda `<` (yang ke-{MAX_ANGLES + 1} di "
                             "baris ini). Tulis narasi dengan Markdown, bukan HTML; untuk perbandingan tulis "
                             "\"kurang dari\"."))
    return findings


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")  # Indonesian digit grouping: 2.000


def too_many_angles(markdown: str) -> bool:
    """True when ``markdown`` holds more `<` than the HTML scanner is run on."""
    return markdown.count("<") > MAX_ANGLES


def nesting_depth(line: str) -> int:
    """How many list and blockquote levels open ``line``: markers (``>``, ``-``, ``1.``) plus 4-column indents."""
    depth, index, column = 0, 0, 0
    while index < len(line):
        start = column
        while index < len(line) and line[index] in " \t":
            column += 4 - column % 4 if line[index] == "\t" else 1
            index += 1
        depth += (column - start) // 4
        if line.startswith(">", index):
            depth, index, column = depth + 1, index + 1, column + 1
            continue
        marker = _LIST_MARKER.match(line, index)
        if not marker:
            break
        depth += 1
        column += marker.end() - index
        index = marker.end()
    return depth
