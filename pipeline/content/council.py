"""The council: members per term of office, factions and bodies (owned by the council work of issue 18).

``load_council`` reads ``content/anggota/`` into the model, reporting only
what prevents reading; the rules are in ``pipeline/check/council.py``, the
pages in ``pipeline/site/council.py``.

Layout::

    content/anggota/<term>/masa-jabatan.yml         (term ``2024-2029``: dates, factions, districts)
    content/anggota/<term>/<slug>/index.md          (one member: front-matter + short profile)
    content/anggota/<term>/<slug>/<portrait>.jpg    (named by ``photo.file``)

A term is a folder, not a key, so the site path of a member (``urls.member``)
follows from where the file is, as a news item's follows from its folder.
The model keeps the raw front-matter (``doc``) and typed views of it: the
rules judge the raw values, the pages read the views.
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
from pipeline.content.frontmatter import parse_yaml, read_file
from pipeline.content.model import ERROR, Document, FolderDocument, Problem

TERM_FILE = "masa-jabatan.yml"
TERM_FOLDER = re.compile(r"^(\d{4})-(\d{4})$")
ROLES = ("Ketua", "Wakil Ketua", "Sekretaris", "Anggota")  # a body's chair first: the pages sort by this


@dataclass
class Faction:
    """A faction (fraksi) of one term: its slug, full name and short name."""

    slug: str
    name: str
    short: str


@dataclass
class Seat:
    """A member's place in a council body (``bodies:`` entry)."""

    body: str  # a slug of ``config.bodies``
    role: str  # one of ROLES


@dataclass
class Member(FolderDocument):
    """A council member of one term: ``content/anggota/<term>/<slug>/index.md``."""

    source: Path
    rel: str
    term: str
    doc: Document | None = None

    def text(self, key: str) -> str:
        """The front-matter text at ``key``, stripped ("" when absent or not text)."""
        value = self.meta.get(key)
        return value.strip() if isinstance(value, str) else ""

    @property
    def name(self) -> str:
        return self.text("name")

    @property
    def faction(self) -> str:
        return self.text("faction")

    @property
    def district(self) -> str:
        return self.text("district")

    @property
    def position(self) -> str:
        return self.text("position") or "Anggota"

    @property
    def tag(self) -> str:
        return self.text("tag")

    @property
    def photo(self) -> dict[str, Any]:
        photo = self.meta.get("photo")
        return photo if isinstance(photo, dict) else {}

    @property
    def photo_path(self) -> Path | None:
        """The portrait file as named in ``photo.file`` (None without one); the check judges it."""
        file = self.photo.get("file")
        return self.folder / file if isinstance(file, str) and file.strip() else None

    @property
    def photo_alt(self) -> str:
        alt = self.photo.get("alt")
        return alt.strip() if isinstance(alt, str) else ""

    @property
    def seats(self) -> list[Seat]:
        """The member's seats in bodies, as written (entries that are not ``{body, role}`` left out)."""
        entries = self.meta.get("bodies")
        return [Seat(str(e.get("body") or ""), str(e.get("role") or "")) for e in entries or []
                if isinstance(e, dict)] if isinstance(entries, list) else []

    @property
    def until(self) -> dt.date | None:
        """The day the member left office early, or None."""
        value = self.meta.get("until")
        return value if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else None

    @property
    def profile(self) -> str:
        return self.doc.body.strip() if self.doc else ""


@dataclass
class Term:
    """A term of office: ``content/anggota/<term>/`` with its ``masa-jabatan.yml`` and members."""

    folder: Path
    rel: str  # of masa-jabatan.yml (what the editor opens), even when it is missing
    doc: Document | None = None
    found: bool = False  # masa-jabatan.yml exists
    members: list[Member] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return self.folder.name

    @property
    def meta(self) -> dict[str, Any]:
        return self.doc.meta if self.doc else {}

    def date(self, key: str) -> dt.date | None:
        value = self.meta.get(key)
        return value if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else None

    @property
    def start(self) -> dt.date | None:
        return self.date("start")

    @property
    def end(self) -> dt.date | None:
        return self.date("end")

    @property
    def label(self) -> str:
        """``2024–2029`` (an en dash, as printed)."""
        return self.slug.replace("-", "–")

    @property
    def factions(self) -> dict[str, Faction]:
        """Factions by slug, in the order written (entries that are not mappings left out)."""
        raw = self.meta.get("factions")
        if not isinstance(raw, dict):
            return {}
        return {slug: Faction(slug, str(v.get("name") or slug).strip(), str(v.get("short") or v.get("name") or slug)
                              .strip()) for slug, v in raw.items() if isinstance(v, dict)}

    @property
    def districts(self) -> dict[str, str]:
        """Electoral districts by slug: ``dapil-i`` -> ``Dapil I: Kecamatan A, B``."""
        raw = self.meta.get("electoral_districts")
        return {slug: str(name).strip() for slug, name in raw.items()} if isinstance(raw, dict) else {}

    def contains(self, day: dt.date) -> bool:
        return self.start is not None and self.end is not None and self.start <= day <= self.end


@dataclass
class Council:
    """Every term of office with its members, factions and bodies."""

    terms: list[Term] = field(default_factory=list)

    def current(self, today: dt.date) -> Term | None:
        """The term whose dates contain ``today`` (the newest such), else None."""
        return next((t for t in reversed(self.terms) if t.contains(today)), None)


def load_council(config: Config, covers: Callable[[Path], bool], problems: list[Problem]) -> Council:
    """The council as found under ``content/anggota/`` (what ``covers`` accepts); problems go to ``problems``.

    Every ``masa-jabatan.yml`` is read (small, and a member's rules need its
    term); a member's ``index.md`` only when ``covers`` accepts it. Symlinks
    and dot-files are skipped: ``load.discover`` reports them already.
    """
    council = Council()
    root = config.content / "anggota"
    for folder in _folders(root):
        if not TERM_FOLDER.match(folder.name):
            problems.append(Problem(_rel(folder, config.root), 1, "term-folder", ERROR,
                                    f"Folder `{folder.name}` bukan masa jabatan. Beri nama folder dengan tahun awal "
                                    "dan akhir masa jabatan, misalnya `content/anggota/2024-2029/`."))
            continue
        term = Term(folder, _rel(folder / TERM_FILE, config.root))
        council.terms.append(term)
        term_file = folder / TERM_FILE
        if term_file.is_file() and not term_file.is_symlink():
            term.found = True
            term.doc = _read_yaml(term_file, term.rel, problems)
        for member_folder in _folders(folder):
            source = member_folder / "index.md"
            member = Member(source, _rel(source, config.root), term.slug)
            term.members.append(member)
            if not covers(source):
                continue
            if not source.is_file() or source.is_symlink():
                problems.append(Problem(member.rel, 1, "member-file", ERROR,
                                        "Folder anggota tanpa index.md. Setiap anggota butuh berkas index.md berisi "
                                        "front-matter (`name:`, `faction:`, `photo:` ...) dan profil singkat."))
                continue
            member.doc, issues = read_file(source)
            problems.extend(Problem(member.rel, i.line, i.rule, i.severity, i.message) for i in issues)
    council.terms.sort(key=lambda t: t.slug)
    return council


def _rel(path: Path, root: Path) -> str:
    # Not load.rel: load imports this module (tests/test_imports.py refuses the cycle).
    return Path(os.path.relpath(path, root)).as_posix()


def _folders(path: Path) -> list[Path]:
    """The sub-folders of ``path`` by name, without symlinks and dot-folders."""
    if not path.is_dir():
        return []
    with os.scandir(path) as entries:
        return sorted(Path(e.path) for e in entries
                      if e.is_dir(follow_symlinks=False) and not e.name.startswith("."))


def _read_yaml(path: Path, rel: str, problems: list[Problem]) -> Document | None:
    """A YAML file read as front-matter is (same limits and safe loader), as a Document with key lines."""
    doc, issues = read_file(path, require_front_matter=False)
    if doc is not None and not doc.has_front_matter:  # the usual case: plain YAML, no `---` fences
        meta, lines, more = parse_yaml(doc.body, first_line=1)
        issues += more
        doc = Document(meta, lines, "", 1) if meta is not None else None
    problems.extend(Problem(rel, i.line, i.rule, i.severity, i.message) for i in issues)
    return doc
