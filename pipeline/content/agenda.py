"""The agenda of sittings: ``content/agenda/`` (owned by the agenda work of issue 18).

One file per sitting, ``content/agenda/<YYYY>/<YYYY-MM-DD>-<slug>.md``: the
day is the file name's (as a news item's folder), so a sitting cannot carry
two dates that disagree, and a month of sittings is a folder listing that
reviewers read at a glance. Front-matter: ``title``, ``start`` and ``end``
(HH:MM in the site's zone), ``place``, ``body`` (a slug of
``extra.portal.bodies``), ``public``, ``status``, for ``diubah`` a
``change`` note and optionally ``previous_start``, ``news`` (the id or
folder of the news item once it happened) and ``id`` (the stable UID of the
calendar entry); the Markdown body lists the agenda items.

``load_agenda`` reads every sitting in scope into the model, reporting only
what prevents reading (as ``load`` does for news items); the rules are in
``pipeline/check/agenda.py``, the pages and ``agenda.ics`` in
``pipeline/site/agenda.py``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.config import Config
from pipeline.content.frontmatter import read_file
from pipeline.content.model import Document, Problem

AGENDA_DIR = "agenda"
# content/agenda/<YYYY>/<YYYY-MM-DD>-<slug>.md
FILE_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
_CLOCK = re.compile(r"^([01]\d|2[0-3])[.:]([0-5]\d)$")
_DAY_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]")  # previous_start on another day: "2026-12-08 09:00"

SCHEDULED, CHANGED, CANCELLED, DONE = "terjadwal", "diubah", "dibatalkan", "selesai"
STATUSES = {SCHEDULED: "Terjadwal", CHANGED: "Diubah", CANCELLED: "Dibatalkan", DONE: "Selesai"}
"""Every status of a sitting, with the label the site shows."""


@dataclass
class Sitting:
    """One sitting (rapat) of the agenda: its file, its day and slug from the file name, its document."""

    source: Path
    rel: str
    doc: Document | None = None
    date: dt.date | None = None  # from the file name; None when the name is not a valid date
    slug: str = ""

    @property
    def meta(self) -> dict[str, Any]:
        """The front-matter (empty when the file could not be read)."""
        return self.doc.meta if self.doc else {}

    @property
    def uid(self) -> str:
        """The stable key of the calendar entry: ``id`` when given, else the file name's ``<date>-<slug>``."""
        declared = self.meta.get("id")
        return declared.strip() if isinstance(declared, str) and declared.strip() else self.source.stem

    @property
    def status(self) -> str:
        """The status as written (``terjadwal`` when missing)."""
        value = self.meta.get("status", SCHEDULED)
        return value.strip().lower() if isinstance(value, str) else str(value)

    def at(self, key: str, tz: dt.tzinfo) -> dt.datetime | None:
        """The moment of ``start``, ``end`` or ``previous_start`` in ``tz`` (None when missing or invalid).

        The day is the sitting's, except a ``previous_start`` written with its own day
        (``YYYY-MM-DD HH:MM``: a sitting moved to another day).
        """
        value, day = self.meta.get(key), self.date
        if isinstance(value, dt.datetime):  # YAML read an unquoted "2026-12-08 09:00" as a timestamp
            day, value = value.date(), f"{value:%H:%M}"
        if isinstance(value, str) and _DAY_TIME.match(value.strip()):
            try:
                day = dt.date.fromisoformat(value.strip()[:10])
            except ValueError:
                return None
            value = value.strip()[10:]
        time = clock(value)
        return dt.datetime.combine(day, time, tzinfo=tz) if time and day else None


def clock(value: Any) -> dt.time | None:
    """``HH:MM`` (or ``HH.MM``) as a time; None for anything else.

    YAML 1.1 reads an unquoted ``13:30`` as the sexagesimal number 810 (``09:00``
    stays a string): such a number is turned back into the time the editor wrote.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        value = f"{value // 60:02d}:{value % 60:02d}"
    match = _CLOCK.match(value.strip()) if isinstance(value, str) else None
    return dt.time(int(match[1]), int(match[2])) if match else None


def load_agenda(config: Config, covers: Callable[[Path], bool], problems: list[Problem]) -> list[Sitting]:
    """Every sitting under ``content/agenda/`` that ``covers`` accepts; reading problems go to ``problems``.

    Symlinks and dot-files are reported by ``load.discover``, which walks all of
    ``content/``; they are skipped here. Sittings come sorted by file path.
    """
    root = config.content / AGENDA_DIR
    sittings = []
    for path in sorted(root.rglob("*.md")) if root.is_dir() else []:
        relative = path.relative_to(root).parts
        if any(part.startswith(".") for part in relative) or _linked(path, root) or not covers(path):
            continue
        sitting = Sitting(source=path, rel=path.relative_to(config.root).as_posix())
        match = FILE_NAME.match(path.name)
        if match:
            sitting.slug = match[2]
            try:
                sitting.date = dt.date.fromisoformat(match[1])
            except ValueError:
                sitting.date = None
        sitting.doc, issues = read_file(path)
        problems.extend(Problem(sitting.rel, i.line, i.rule, i.severity, i.message) for i in issues)
        sittings.append(sitting)
    return sittings


def _linked(path: Path, root: Path) -> bool:
    # The file or any folder between it and content/agenda/ is a link: never read through it.
    return any(p.is_symlink() for p in [path, *path.parents] if p != root and root in p.parents)



SITTING_TEMPLATE = """\
---
title: {title}
start: "09:00"
end: "12:00"
place: ""
body: {body}
public: true
status: terjadwal
---
Acara:

1. Pembukaan.
2. (tulis acara rapat di sini)
"""


def new_sitting(config: Config, title: str, date: dt.date, body: str | None = None) -> Path:
    """Create ``content/agenda/<YYYY>/<date>-<slug>.md`` from the template; return its path.

    ``place`` is left empty on purpose: ``portal check`` asks for it (``agenda-required``),
    so no sitting goes live in a room nobody chose.
    """
    from pipeline.content.scaffold import _yaml_string
    from pipeline.content.schema import TITLE_MAX, TITLE_MIN
    from pipeline.content.urls import slugify
    from pipeline.errors import PortalError

    title = " ".join(title.split())
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        raise PortalError(f"Judul berisi {len(title)} karakter; harus {TITLE_MIN}–{TITLE_MAX} karakter.")
    body = body or next(iter(config.bodies), "paripurna")
    if config.bodies and body not in config.bodies:
        raise PortalError(f"Alat kelengkapan `{body}` tidak dikenal. Pilih salah satu: {', '.join(config.bodies)}.")
    slug = slugify(title)
    if not slug:
        raise PortalError("Judul harus memuat huruf atau angka.")
    path = config.content / AGENDA_DIR / f"{date.year:04d}" / f"{date.isoformat()}-{slug}.md"
    if path.exists():
        raise PortalError(f"Berkas {path.relative_to(config.root).as_posix()} sudah ada. Sunting berkas itu.")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(SITTING_TEMPLATE.format(title=_yaml_string(title), body=body), encoding="utf-8")
    return path
