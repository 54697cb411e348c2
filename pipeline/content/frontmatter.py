"""Read a Markdown file with YAML front-matter, safely and with line numbers.

The YAML is parsed to *events* (libyaml when available) and composed here,
so that we can refuse what a news item never needs and an attacker loves:
anchors and aliases (the "billion laughs" bomb is rejected at its first
alias, before any expansion), explicit tags (``!!python/object``), duplicate
keys, deep nesting and oversized blocks. Every key keeps its line in the
*file*: PyYAML counts from the start of the block, so we add the offset.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
import yaml.reader
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from pipeline.content.model import ERROR, WARNING, Document

_Loader: type[yaml.SafeLoader] | type[yaml.CSafeLoader]
try:  # libyaml's parser is ~10x faster; the pure-Python one behaves the same.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader

MAX_FILE_BYTES = 1024 * 1024
MAX_FRONT_MATTER_BYTES = 64 * 1024
MAX_DEPTH = 8

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FENCE = re.compile(r"^---[ \t]*$")
_CLOSE = re.compile(r"^(---|\.\.\.)[ \t]*$")
_LEADING_TAB = re.compile(r"^[ ]*\t")
_KEY = re.compile(r"^[ \-]*([A-Za-z_][\w-]*)\s*:")

_resolver = Resolver()
_constructor = SafeConstructor()


@dataclass
class Issue:
    """A problem found while reading; the caller turns it into a Problem."""

    line: int
    rule: str
    message: str
    severity: str = ERROR


class _Stop(Exception):
    """Abort composing: the rest of the block cannot be trusted."""

    def __init__(self, issue: Issue):
        self.issue = issue


def read_document(data: bytes, *, size: int | None = None,
                  require_front_matter: bool = True) -> tuple[Document | None, list[Issue]]:
    """Split ``data`` (the raw file, ``size`` bytes long) into a :class:`Document` and the issues found.

    Returns ``(None, issues)`` when nothing trustworthy could be read.
    """
    issues: list[Issue] = []
    size = len(data) if size is None else size
    if size > MAX_FILE_BYTES:
        return None, [Issue(1, "file-too-large",
                            f"Berkas berukuran {_size(size)}, melebihi batas {_size(MAX_FILE_BYTES)}. "
                            "Simpan narasi saja di index.md; foto diletakkan sebagai berkas terpisah.")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [Issue(line, "file-encoding",
                            f"Berkas bukan teks UTF-8 (byte 0x{data[exc.start]:02x} tidak valid di baris {line}). "
                            "Simpan ulang berkas dengan encoding UTF-8.")]
    if text.startswith("\ufeff"):
        # Windows editors add a BOM; harmless once removed, so warn and go on.
        text = text[1:]
        issues.append(Issue(1, "file-bom",
                            "Berkas diawali tanda BOM (byte order mark). Simpan ulang sebagai UTF-8 tanpa BOM.",
                            WARNING))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")

    if not lines or not _FENCE.match(lines[0]):
        if require_front_matter:
            issues.append(Issue(1, "frontmatter-missing",
                                "Front-matter tidak ditemukan. Baris pertama harus `---`, diikuti kunci seperti "
                                "`title:` dan `date:`, lalu ditutup dengan `---`."))
            return None, issues
        return Document({}, {}, text, 1, has_front_matter=False), issues

    end = next((i for i in range(1, len(lines)) if _CLOSE.match(lines[i])), None)
    if end is None:
        issues.append(Issue(1, "frontmatter-unclosed",
                            "Front-matter dibuka dengan `---` di baris 1 tetapi tidak pernah ditutup. "
                            "Tambahkan baris `---` setelah kunci terakhir, sebelum narasi."))
        return None, issues
    block = "\n".join(lines[1:end]) + "\n"
    body = "\n".join(lines[end + 1:])
    if len(block.encode("utf-8")) > MAX_FRONT_MATTER_BYTES:
        issues.append(Issue(1, "frontmatter-too-large",
                            f"Front-matter lebih dari {_size(MAX_FRONT_MATTER_BYTES)}. "
                            "Front-matter hanya untuk data singkat; pindahkan teks panjang ke narasi."))
        return None, issues

    # YAML forbids tabs in indentation; say so plainly instead of a parser error.
    tabs = [i + 2 for i, line in enumerate(lines[1:end]) if _LEADING_TAB.match(line)]
    if tabs:
        for line in tabs:
            issues.append(Issue(line, "yaml-tab",
                                "Indentasi memakai karakter tab. YAML hanya menerima spasi: ganti tab dengan spasi."))
        return None, issues

    meta, key_lines, yaml_issues = parse_yaml(block, first_line=2)
    issues.extend(yaml_issues)
    if meta is None:
        return None, issues
    return Document(meta, key_lines, body, end + 2), issues


def parse_yaml(block: str, *, first_line: int = 1) -> tuple[dict | None, dict[tuple, int], list[Issue]]:
    """Compose a YAML mapping from ``block`` whose first line is ``first_line`` in the file."""
    composer = _Composer(first_line)
    try:
        events = yaml.parse(block, Loader=_Loader)
        value = composer.document(events)
    except _Stop as stop:
        return None, {}, composer.issues + [stop.issue]
    except yaml.MarkedYAMLError as exc:
        index, why = _explain(exc, block)
        line = first_line + index
        return None, {}, composer.issues + [Issue(line, "yaml-syntax", f"YAML tidak valid di baris {line}: {why}")]
    except yaml.reader.ReaderError as exc:
        # A raw control character (Word pastes U+000B as a line break).
        line_index = block[: exc.position].count("\n")
        key = _KEY.match(block.split("\n")[line_index])
        label = f"`{key.group(1)}`" if key else "Front-matter"
        return None, {}, composer.issues + [Issue(
            first_line + line_index, "text-control",
            f"{label} memuat karakter kontrol tak terlihat (U+{exc.character:04X}). "
            "Ketik ulang teksnya tanpa menyalin dari dokumen lain.")]
    except yaml.YAMLError:  # pragma: no cover - every YAMLError we know carries a mark
        return None, {}, composer.issues + [Issue(first_line, "yaml-syntax", "YAML tidak valid.")]
    if value is None:
        value = {}
    if not isinstance(value, dict):
        return None, {}, composer.issues + [Issue(
            first_line, "frontmatter-not-mapping",
            "Front-matter harus berisi pasangan `kunci: nilai` (misalnya `title: ...`), bukan daftar atau teks.")]
    return value, composer.lines, composer.issues


def day(value: Any) -> dt.date | None:
    """A front-matter day: a YAML date or a quoted ``YYYY-MM-DD`` that is one; None otherwise (a datetime too)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and ISO_DATE.match(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


_GENERIC_FIX = ("periksa titik dua setelah kunci, tanda kutip yang berpasangan, dan indentasi dengan spasi "
                "yang sejajar.")


def _explain(exc: yaml.MarkedYAMLError, block: str) -> tuple[int, str]:
    """The line (0-based in ``block``) an editor must fix, and what is wrong there, in Indonesian.

    PyYAML reports where it gave up, which is often a line later than the
    mistake: for constructs that were opened and never closed (a quote, a
    `[...]` list, a key without `:`) the line where they started is the one.
    """
    problem, context = exc.problem or "", exc.context or ""
    mark = exc.problem_mark or exc.context_mark
    opened = exc.context_mark is not None and (
        mark is None or mark.line >= block.count("\n") or "flow" in context or "simple key" in context)
    where = exc.context_mark if opened else mark
    index = where.line if where else 0
    text = block.split("\n")[index] if index < block.count("\n") else ""
    if "flow" in context and re.search(r"[\[{,]\s*#|\s#", text):
        return index, ("`#` di dalam daftar `[...]` dibaca YAML sebagai awal komentar, jadi sisa baris ini "
                       "(termasuk `]` penutup) diabaikan. Tulis tag tanpa `#`, misalnya `tags: [apbd, anggaran]`: "
                       "tanda pagar ditambahkan sendiri untuk media sosial.")
    if "flow" in context:
        return index, ("daftar `[...]` atau `{...}` yang dibuka di baris ini tidak ditutup dengan benar. Pisahkan "
                       "nilainya dengan koma dan tutup dengan `]` (atau `}`) di baris yang sama.")
    if "quoted scalar" in context:
        return index, ("tanda kutip yang dibuka di baris ini tidak pernah ditutup. Tambahkan tanda kutip penutup "
                       "yang sama (`\"` atau `'`) di akhir nilainya.")
    if "simple key" in context:
        return index, ("baris ini tidak berbentuk `kunci: nilai`. Tambahkan titik dua setelah nama kunci, atau "
                       "gabungkan teksnya dengan baris kunci di atasnya.")
    if "mapping values are not allowed" in problem:
        return index, ("ada titik dua (`:`) di dalam nilai, atau baris ini menjorok lebih dalam dari kunci di "
                       "atasnya. Apit nilai yang memuat titik dua dengan tanda kutip, misalnya "
                       "`caption: \"Catatan: ...\"`, dan sejajarkan indentasinya.")
    if "cannot start any token" in problem:
        char = text[exc.problem_mark.column] if exc.problem_mark and exc.problem_mark.column < len(text) else ""
        shown = f" `{char}`" if char and char != "`" else (" `` ` ``" if char else "")
        return index, (f"nilai diawali karakter{shown} yang punya arti khusus di YAML. Apit nilainya dengan tanda "
                       "kutip, misalnya `title: \"...\"`.")
    if "expected" in problem and ("block" in context or "block" in problem):
        return index, ("indentasinya tidak sejajar: kunci dan butir daftar `-` pada tingkat yang sama harus "
                       "diawali jumlah spasi yang sama.")
    return index, _GENERIC_FIX


class _Composer:
    """Build plain Python values from parser events, recording key lines."""

    def __init__(self, first_line: int):
        self.first_line = first_line
        self.lines: dict[tuple, int] = {}
        self.issues: list[Issue] = []

    def line(self, event) -> int:
        return self.first_line + event.start_mark.line

    def document(self, events):
        events = iter(events)
        value = None
        documents = 0
        for event in events:
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise _Stop(Issue(self.line(event), "yaml-syntax",
                                      "Front-matter berisi lebih dari satu dokumen YAML. Hapus pemisah `---` "
                                      "tambahan; front-matter ditutup oleh satu `---` saja."))
                value = self.node(next(events), events, (), 0)
        return value

    def node(self, event, events, path: tuple, depth: int):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _Stop(Issue(self.line(event), "yaml-alias",
                              "Anchor/alias YAML (`&nama` atau `*nama`) tidak diizinkan di front-matter. "
                              "Tulis nilainya secara langsung."))
        if depth > MAX_DEPTH:
            raise _Stop(Issue(self.line(event), "yaml-depth",
                              f"Struktur YAML terlalu dalam (lebih dari {MAX_DEPTH} tingkat). "
                              "Front-matter berita hanya memakai daftar dan pasangan kunci sederhana."))
        tag = getattr(event, "tag", None)
        if tag is not None:
            self.issues.append(Issue(self.line(event), "yaml-tag",
                                     f"Tag YAML eksplisit `{tag}` tidak diizinkan. Hapus tag itu dan tulis nilainya "
                                     "apa adanya (teks, angka, tanggal, daftar)."))
        if isinstance(event, yaml.ScalarEvent):
            return None if tag is not None else self.scalar(event)
        if isinstance(event, yaml.SequenceStartEvent):
            items: list = []
            while not isinstance(child := next(events), yaml.SequenceEndEvent):
                index = len(items)
                self.lines[path + (index,)] = self.line(child)
                items.append(self.node(child, events, path + (index,), depth + 1))
            return None if tag is not None else items
        if isinstance(event, yaml.MappingStartEvent):
            mapping: dict = {}
            while True:
                key_event = next(events)
                if isinstance(key_event, yaml.MappingEndEvent):
                    break
                if not isinstance(key_event, yaml.ScalarEvent) or key_event.anchor or key_event.tag:
                    # Complex, tagged or aliased keys: report through node().
                    self.node(key_event, events, path, depth + 1)
                    raise _Stop(Issue(self.line(key_event), "yaml-syntax",
                                      "Kunci front-matter harus berupa kata sederhana, misalnya `title`."))
                # Keys stay the literal text: `yes:` or `on:` must not become True.
                key = key_event.value
                line = self.line(key_event)
                if key in mapping:
                    self.issues.append(Issue(line, "yaml-duplicate-key",
                                             f"Kunci `{key}` ditulis dua kali (pertama di baris "
                                             f"{self.lines[path + (key,)]}). Hapus salah satunya."))
                    self.node(next(events), events, path + ("\0dup",), depth + 1)
                    continue
                self.lines[path + (key,)] = line
                mapping[key] = self.node(next(events), events, path + (key,), depth + 1)
            return None if tag is not None else mapping
        raise _Stop(Issue(self.line(event), "yaml-syntax", "Struktur YAML tidak dikenali."))

    def scalar(self, event):
        if not event.implicit[0]:
            return event.value  # quoted or block scalars are always text
        tag = _resolver.resolve(ScalarNode, event.value, (True, False))
        try:
            return _constructor.construct_object(ScalarNode(tag, event.value))
        except (ConstructorError, ValueError):
            # e.g. `date: 2026-02-30` looks like a date but is not one: keep
            # the text so the schema can explain what is wrong with it.
            return event.value


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    return f"{n / 1024:.0f} KB"


def read_file(path: Path, *, require_front_matter: bool = True) -> tuple[Document | None, list[Issue]]:
    """Read the file at ``path`` (never through a symlink, never more than the size limit) as a document."""
    # O_NOFOLLOW: refuse a link swapped in after discovery.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        data = handle.read(MAX_FILE_BYTES + 1)  # never slurp a huge file
    return read_document(data, size=size, require_front_matter=require_front_matter)
