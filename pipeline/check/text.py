"""The rules every plain-text front-matter field gets, whatever the content kind.

A news title, an agenda sitting's place, a council member's name: each is
refused the same way when it hides control characters or invisible fillers,
breaks a line, or carries markup (``text-control``, ``text-line-break``,
``text-markup``), and a title keeps its length (``title-length``). Kept out of
``rules`` so the checks of the other kinds (``agenda``, ``council``,
``documents``), which ``rules`` calls, can use them without an import cycle.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any, Protocol

from pipeline.content import schema
from pipeline.content.model import ERROR, Document, Problem

# `[^\][]`, not `[^\]]`: a run of `[` made each one scan to the end (same matches).
MARKUP = re.compile(r"<[A-Za-z/!?]|\*\*|__|`|\[[^\][]*\]\(|^#{1,6}\s|!\[")
# Invisible or look-alike-space characters that are neither Cc nor Cf:
# Hangul and Braille fillers, typographic spaces, line/paragraph separators.
# U+00A0 (no-break space) is allowed: word processors insert it on their own
# ("Rp 5 juta", before "%"), it shows as a space and hides nothing.
FILLERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u202f\u205f\u3000\u2028\u2029"
                    + "".join(map(chr, range(0x2000, 0x200B))))


class HasRel(Protocol):
    """Any model object whose problems are reported on its file: an item, a page, a sitting, a member."""

    @property
    def rel(self) -> str: ...


def problem(owner: HasRel | str, line: int, rule: str, message: str, severity: str = ERROR) -> Problem:
    """A problem of ``owner`` (anything with a ``rel``, or the file's path itself)."""
    file = owner if isinstance(owner, str) else owner.rel
    return Problem(file, line, rule, severity, message)


def text_rules(owner, doc: Document, path: tuple, value: Any, label: str,
               *, markup: bool = True) -> Iterator[Problem]:
    """``text-control``, ``text-line-break`` and (with ``markup``) ``text-markup`` of the text at ``path``."""
    if not isinstance(value, str):
        return
    bad = sorted({f"U+{ord(c):04X}" for c in value
                  if (unicodedata.category(c) == "Cc" and c not in "\n\t")
                  or (unicodedata.category(c) == "Cf" and c != "\u200d")})
    if bad:
        yield problem(owner, doc.line_of(*path), "text-control",
                      f"`{label}` memuat karakter kontrol tak terlihat ({', '.join(bad)}). "
                      "Ketik ulang teksnya tanpa menyalin dari dokumen lain.")
    fillers = sorted({f"U+{ord(c):04X}" for c in value if c in FILLERS})
    if fillers:
        yield problem(owner, doc.line_of(*path), "text-control",
                      f"`{label}` memuat karakter pengisi tak terlihat atau spasi khusus ({', '.join(fillers)}). "
                      "Ganti dengan spasi biasa atau hapus; ketik ulang teksnya tanpa menyalin dari dokumen lain.")
    if "\n" in value.strip():
        yield problem(owner, doc.line_of(*path), "text-line-break",
                      f"`{label}` berisi pindah baris. Tulis dalam satu baris; teks panjang boleh dipecah "
                      f"dengan bentuk `{label}: >-` (baris-barisnya digabung), bukan `|`.")
    if markup and MARKUP.search(value):
        yield problem(owner, doc.line_of(*path), "text-markup",
                      f"`{label}` harus teks biasa, tanpa HTML atau format Markdown "
                      "(`<...>`, `**`, `__`, `` ` ``, `[..](..)`). Hapus tanda format itu.")


def nfc_len(value: str) -> int:
    """Characters of ``value`` as platforms count them: NFC, trimmed."""
    return len(unicodedata.normalize("NFC", value.strip()))


def title_rules(owner, doc: Document, title: Any) -> Iterator[Problem]:
    """The text rules of ``title`` and its length (``title-length``); nothing for a missing title."""
    if not isinstance(title, str) or not title.strip():
        return
    yield from text_rules(owner, doc, ("title",), title, "title")
    length = nfc_len(title)
    if not schema.TITLE_MIN <= length <= schema.TITLE_MAX:
        yield problem(owner, doc.line_of("title"), "title-length",
                      f"Judul berisi {length} karakter; harus {schema.TITLE_MIN}–{schema.TITLE_MAX} karakter. "
                      + ("Tulis judul yang menjelaskan kegiatannya." if length < schema.TITLE_MIN
                         else f"Pendekkan {length - schema.TITLE_MAX} karakter."))


def kb(size: int) -> str:
    """``size`` bytes as editors read it: ``64 KB``."""
    return f"{size / 1024:.0f} KB".replace(".", ",")
