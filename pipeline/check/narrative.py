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
    size = len(body.encode("utf-8"))
    if size > limits.narrative_bytes:
        # Nothing else is read: the editor's first fix is to shorten it.
        yield _problem(owner, doc.body_line, "narrative-too-large",
                       f"Narasi berukuran {_kb(size)}, melebihi batas {_kb(limits.narrative_bytes)}. Pendekkan "
                       "narasinya; dokumen panjang (laporan, peraturan) ditautkan, bukan disalin.")
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
    bounds = bound_findings(body, limits.line_chars)
    for line, rule, message in bounds:
        yield _problem(owner, doc.body_line + line - 1, rule, message)
    # The HTML scanner is linear only for a bounded number of `<` (markup-run said so).
    for line, rule, message in ([] if too_many_angles(body) else html_findings(body)):
        yield _problem(owner, doc.body_line + line - 1, rule, message)
    if isinstance(owner, Item):
        first = list(template_rule(owner, doc.body_line, "Narasi", body, "narrative"))
        yield from first or weak.template_sentences(owner, doc)


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
