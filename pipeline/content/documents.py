"""Public information documents (``content/informasi/``) and legal products (``content/jdih/``) (issue 17).

Layout, one folder per document (its files beside its ``index.md``)::

    content/informasi/<slug>/index.md   (+ PDF, XLSX or CSV files listed in `files`)
    content/jdih/<slug>/index.md        (+ the PDF in `file`, its abstract PDF in `abstract_file`)

``load_documents`` reads every document folder in scope into the model,
reporting only what prevents reading; the rules (PDF checks included) are in
``pipeline/check/documents.py``, the pages, the DIP and ``document.json`` in
``pipeline/site/documents.py``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.config import Config
from pipeline.content import urls
from pipeline.content.frontmatter import read_file
from pipeline.content.model import Document, FolderDocument, Problem

INFORMASI_DIR = "informasi"
JDIH_DIR = "jdih"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Site paths under informasi/ that are lists, not documents: a folder of that name would hide them.
RESERVED = frozenset({"dip", "kategori", "jenis", "integrasi", "tahun"})

BERKALA, SERTA_MERTA, SETIAP_SAAT = "berkala", "serta-merta", "setiap-saat"
KIP = {BERKALA: "Informasi Berkala", SERTA_MERTA: "Informasi Serta Merta", SETIAP_SAAT: "Informasi Setiap Saat"}
"""The KIP categories a document may be published in (UU 14/2008), with the label the site shows."""
LEGAL_TYPES = {
    "perda": ("Peraturan Daerah", "PERDA"),
    "peraturan-dprd": ("Peraturan DPRD", "PERATURAN DPRD"),
    "keputusan-dprd": ("Keputusan DPRD", "KEP DPRD"),
    "keputusan-pimpinan": ("Keputusan Pimpinan DPRD", "KEP PIMPINAN DPRD"),
}
"""The legal products a DPRD secretariat publishes: slug -> (name, the abbreviation JDIHN lists)."""
LEGAL_STATUSES = {"berlaku": "Berlaku", "tidak-berlaku": "Tidak Berlaku"}
"""A legal product's status, with the label the site and the feed show."""


@dataclass
class Attachment:
    """One file of a document as its front-matter names it; ``path`` is None when the name is unsafe."""

    file: str
    title: str
    line: int
    path: Path | None
    role: str = "file"  # JDIH: "naskah" (the legal text) or "abstrak" (its abstract)


@dataclass
class Record(FolderDocument):
    """One document (``kind`` ``informasi``) or legal product (``kind`` ``jdih``): folder, document, files."""

    kind: str
    source: Path
    rel: str
    doc: Document | None = None
    files: list[Attachment] = field(default_factory=list)

    @property
    def url(self) -> str:
        """Site path of the record's page."""
        return urls.document(self.slug) if self.kind == INFORMASI_DIR else urls.legal(self.slug)

    def text(self, key: str) -> str:
        """The front-matter value of ``key`` as stripped text ('' when missing)."""
        value = self.meta.get(key)
        return "" if value is None else str(value).strip()

    def day(self, key: str) -> dt.date | None:
        """The front-matter value of ``key`` as a date (None when missing or not a date)."""
        value = self.meta.get(key)
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                return None
        return None


@dataclass
class Documents:
    """Every public document and legal product found."""

    informasi: list[Record] = field(default_factory=list)
    jdih: list[Record] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.informasi or self.jdih)


def load_documents(config: Config, covers: Callable[[Path], bool], problems: list[Problem]) -> Documents:
    """The documents under ``content/informasi/`` and ``content/jdih/`` that ``covers`` accepts.

    Symlinks and dot-files are reported by ``load.discover`` (which walks all of
    ``content/``) and skipped here; a folder without ``index.md`` is a problem.
    """
    found = Documents()
    for kind, records in ((INFORMASI_DIR, found.informasi), (JDIH_DIR, found.jdih)):
        root = config.content / kind
        if not root.is_dir() or root.is_symlink():
            continue
        for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.is_symlink()
                             and not p.name.startswith(".")):
            index = folder / "index.md"
            if not covers(index):
                continue
            record = Record(kind=kind, source=index, rel=index.relative_to(config.root).as_posix())
            if not index.is_file() or index.is_symlink():
                problems.append(Problem(folder.relative_to(config.root).as_posix(), 1, "document-location", "error",
                                        f"Folder dokumen tanpa index.md. Setiap dokumen butuh berkas {kind}/<slug>/"
                                        "index.md berisi front-matter; buat dengan `portal new --informasi \"Judul\"`."))
                continue
            record.doc, issues = read_file(index)
            problems.extend(Problem(record.rel, i.line, i.rule, i.severity, i.message) for i in issues)
            if record.doc is not None:
                record.files = attachments(record)
            records.append(record)
    return found


def attachments(record: Record) -> list[Attachment]:
    """The files ``record`` names, each resolved in its folder (``path`` None unless a plain file name)."""
    doc = record.doc
    assert doc is not None
    named: list[tuple[Any, Any, int, str]] = []
    if record.kind == INFORMASI_DIR:
        entries = doc.meta.get("files")
        for index, entry in enumerate(entries if isinstance(entries, list) else []):
            if isinstance(entry, dict):
                named.append((entry.get("file"), entry.get("title"), doc.line_of("files", index, "file"), "file"))
    else:
        for key, role in (("file", "naskah"), ("abstract_file", "abstrak")):
            if key in doc.meta:
                named.append((doc.meta[key], None, doc.line_of(key), role))
    out = []
    for file, title, line, role in named:
        if not isinstance(file, str) or not file.strip():
            continue
        name = file.strip()
        # Resolved only as a plain name in the folder; the check says why any other is refused (load.unsafe_path).
        plain = not any(c in name for c in "/\\:\0%") and not name.startswith(".")
        path = record.folder / name if plain else None
        out.append(Attachment(file=name, title=str(title).strip() if isinstance(title, str) else "",
                              line=line, path=path, role=role))
    return out


def exists(path: Path) -> bool:
    """``path`` is a regular file reached without a symlink."""
    try:
        return os.path.isfile(path) and not os.path.islink(path)
    except OSError:
        return False
