"""The narrative rules (size, bounds, HTML, words, template text), shared by news items, pages,
sittings and members; kept out of ``rules`` so those kinds call them without an import cycle.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipeline.check import weak
from pipeline.check.safety import bound_findings, html_findings, too_many_angles
from pipeline.check.text import kb as _kb
from pipeline.check.text import problem as _problem
from pipeline.config import Limits
from pipeline.content import schema
from pipeline.content.model import Document, Item, Page, Problem

WORD = re.compile(r"\w+")

# Placeholders of `portal new` and the guide's web template: valid text, so
# an item submitted unchanged would pass every other rule.
TEMPLATE_TEXTS = {
    "caption": "Ringkasan kegiatan untuk media sosial: apa, siapa dan hasilnya",
    "narrative": "Tulis narasi berita di sini.",
    "alt": "Ganti dengan isi foto",
}


def template_rule(item, line: int, where: str, text: str, key: str) -> Iterator[Problem]:
    """``template-text`` when ``text`` (the ``key`` field, shown as ``where``) still holds the template's placeholder."""
    if TEMPLATE_TEXTS[key] in " ".join(text.split()):
        yield _problem(item, line, "template-text",
                       f"{where} masih berisi teks contoh dari templat (\"{TEMPLATE_TEXTS[key].rstrip('.')}…\"). "
                       "Ganti dengan isi kegiatan yang sebenarnya.")



def narrative_rules(owner: Item | Page, doc: Document, limits: Limits, *,
                     minimum: int = schema.NARRATIVE_MIN_WORDS) -> Iterator[Problem]:
    """The problems of ``owner``'s body: size, words (at least ``minimum``), bounds, HTML, template text."""
    body = doc.body
    markup = list(body_findings(body, limits, "Narasi berukuran {size}, melebihi batas {limit}. Pendekkan "
                                "narasinya; dokumen panjang (laporan, peraturan) ditautkan, bukan disalin."))
    if markup and markup[0][1] == "narrative-too-large":
        yield _problem(owner, doc.body_line, *markup[0][1:])
        return
    words = len(WORD.findall(strip_comments(body)))
    if words == 0:
        yield _problem(owner, doc.body_line, "narrative-missing",
                       "Narasi berita belum ada. Tulis narasi di bawah baris `---` penutup front-matter: apa, "
                       "siapa, kapan, di mana, mengapa.")
    elif words < minimum:
        yield _problem(owner, doc.body_line, "narrative-too-short",
                       f"Narasi hanya {words} kata; minimal {minimum} kata. Lengkapi dengan apa, siapa, kapan, "
                       "di mana dan mengapa kegiatan itu penting.")
    for line, rule, message in markup:
        yield _problem(owner, doc.body_line + line - 1, rule, message)
    if isinstance(owner, Item):
        first = list(template_rule(owner, doc.body_line, "Narasi", body, "narrative"))
        yield from first or weak.template_sentences(owner, doc)


def body_findings(body: str, limits: Limits, too_large: str) -> Iterator[tuple[int, str, str]]:
    """``(line in body, rule, message)`` for a body's size, line bounds and HTML: what every kind's body shares.

    ``too_large`` is the kind's message with ``{size}`` and ``{limit}``; when the
    body is too large it is the only finding (the editor's first fix is to shorten it).
    """
    size = len(body.encode("utf-8"))
    if size > limits.narrative_bytes:
        yield 1, "narrative-too-large", too_large.format(size=_kb(size), limit=_kb(limits.narrative_bytes))
        return
    yield from bound_findings(body, limits.line_chars)
    # The HTML scanner is linear only for a bounded number of `<` (markup-run said so).
    yield from ([] if too_many_angles(body) else html_findings(body))


def strip_comments(text: str) -> str:
    """``text`` without its HTML comments ``<!-- ... -->``, in linear time.

    (``<!--.*?-->`` rescanned to the end from every unclosed ``<!--``.)
    """
    parts, position = [], 0
    while (start := text.find("<!--", position)) >= 0:
        end = text.find("-->", start + 4)
        if end < 0:
            break  # no later comment can close either
        parts.append(text[position:start])
        position = end + 3
    parts.append(text[position:])
    return "".join(parts)
