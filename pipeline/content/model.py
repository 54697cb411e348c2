"""The one data model: problems, news items and static pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.content import urls

ERROR = "error"
WARNING = "warning"

# Words an editor reads in the text report.
SEVERITY_LABEL = {ERROR: "galat", WARNING: "peringatan"}


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one file, at one line, under one stable rule code."""

    file: str
    line: int
    rule: str
    severity: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
        }


@dataclass
class Document:
    """A Markdown file split into front-matter and body.

    ``lines`` maps a key path such as ``("photos", 0, "alt")`` to its
    1-based line in the file (not in the front-matter block).
    """

    meta: dict[str, Any]
    lines: dict[tuple, int]
    body: str
    body_line: int
    has_front_matter: bool = True

    def line_of(self, *path: Any) -> int:
        """Line of ``path``, falling back to its nearest parent, then line 1."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return 1


class FolderDocument:
    """What the model objects read from ``<folder>/index.md`` share: a council member, a document.

    The dataclass that uses it declares ``source`` (the ``index.md``) and ``doc``.
    """

    source: Path
    doc: Document | None

    @property
    def folder(self) -> Path:
        return self.source.parent

    @property
    def slug(self) -> str:
        return self.folder.name

    @property
    def meta(self) -> dict[str, Any]:
        """The front-matter (empty when the file could not be read)."""
        return self.doc.meta if self.doc else {}


@dataclass
class Photo:
    """One entry of an item's ``photos`` list, after validation."""

    file: str
    alt: str
    credit: str | None
    path: Path
    line: int


@dataclass
class Item:
    """A news item: ``content/berita/<YYYY>/<YYYY-MM-DD>-<slug>/index.md``."""

    source: Path
    rel: str
    doc: Document | None
    slug: str = ""
    folder_date: str = ""
    date: dt.date | None = None
    photos: list[Photo] = field(default_factory=list)

    @property
    def folder(self) -> Path:
        return self.source.parent

    @property
    def meta(self) -> dict[str, Any]:
        return self.doc.meta if self.doc else {}

    @property
    def title(self) -> str:
        return str(self.meta.get("title") or "")

    @property
    def draft(self) -> bool:
        return self.meta.get("draft") is True

    @property
    def url(self) -> str:
        """Site path of the article, stable across rebuilds."""
        return urls.article(self.folder_date[:4], self.slug)


@dataclass
class Page:
    """A static page: ``content/halaman/<name>.md``."""

    source: Path
    rel: str
    doc: Document | None
    title: str = ""

    @property
    def name(self) -> str:
        return self.source.stem
