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
class Video:
    """One entry of an item's ``videos`` list (issue 16), from valid values only.

    ``file`` is the web-ready MP4 in the item folder (``portal video prepare``);
    ``caption_file`` a WebVTT file beside it; ``poster_at`` the second of the
    poster frame (None: the transcoder's default).
    """

    file: str
    title: str
    path: Path
    line: int
    caption_file: str | None = None
    captions: Path | None = None  # the WebVTT file, when named and present
    poster_at: float | None = None


@dataclass(frozen=True)
class Update:
    """One entry of an item's ``updates`` list: a major correction, shown to the public with its note."""

    date: dt.date
    note: str
    social: bool  # also posted as a reply/comment under the item's social posts
    line: int


@dataclass(frozen=True)
class Retraction:
    """An item's ``retracted`` block: its URL keeps a notice with the reason, everything else leaves."""

    date: dt.date
    reason: str
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
    videos: list[Video] = field(default_factory=list)  # issue 16: filled by load from `videos:`
    # The item's life after approval (issue 15), filled by ``load`` from valid values only:
    updates: list[Update] = field(default_factory=list)  # oldest first
    retraction: Retraction | None = None
    publish_at: dt.datetime | None = None  # aware, in the site's time zone
    due: bool = True  # False while ``publish_at`` is still ahead at load time

    @property
    def on_site(self) -> bool:
        """True when the article's URL answers: checked, not a draft, dated and due (retracted ones too)."""
        return self.doc is not None and not self.draft and self.date is not None and self.due

    @property
    def listed(self) -> bool:
        """True when the item is shown in lists, feeds, search and the sitemap, with its photos."""
        return self.on_site and self.retraction is None

    @property
    def held(self) -> bool:
        """True for an approved item that ``publish_at`` still keeps off the site (a draft is not held)."""
        return self.doc is not None and not self.draft and not self.due

    @property
    def updated(self) -> dt.date | None:
        """The day of the latest major change (``updates``), None when there was none."""
        return max((u.date for u in self.updates), default=None)

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
