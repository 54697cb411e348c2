"""Load the content tree: complete news items and static pages, before any rule runs.

``load`` is the first stage (load -> check -> render -> engine -> sanitize):
it reads every file, fills the model (an item's slug, date and photo records,
a page's title) and reports only what prevents reading (layout, unreadable
file, bad YAML). It decodes no photo and judges nothing: ``check`` does,
without changing what ``load`` built.

Layout::

    content/berita/<YYYY>/<YYYY-MM-DD>-<slug>/index.md   (+ its photos)
    content/halaman/<name>.md

Reading never follows a symlink: a link under ``content/`` could pull any
file of the build machine into the public site, so it is a problem itself.
Nor are dot-files skipped quietly: a ``.gitattributes`` can make GitHub show
an item's ``index.md`` to its reviewers as a binary file, so every name
starting with ``.`` is a problem (``dot-file``).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from pipeline.config import Config
from pipeline.content import schema
from pipeline.content.agenda import Sitting, load_agenda
from pipeline.content.council import Council, load_council
from pipeline.content.documents import Documents, load_documents
from pipeline.content.frontmatter import day, read_file
from pipeline.content.model import ERROR, Item, Page, Photo, Problem
from pipeline.content.retraction import read_retraction
from pipeline.content.schedule import read_publish_at
from pipeline.content.updates import read_updates
from pipeline.content.videos import read_videos
from pipeline.errors import UsageError

ITEM_FOLDER = re.compile(r"^(\d{4}-\d{2}-\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)$")
YEAR = re.compile(r"^\d{4}$")
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass
class Scope:
    """The folders a run looks at (``portal check PATH``): all of ``content/`` when empty."""

    roots: list[Path] = field(default_factory=list)

    def covers(self, path: Path) -> bool:
        if not self.roots:
            return True
        return any(path == r or r in path.parents for r in self.roots)


@dataclass
class Content:
    """Everything found under ``content/``, plus problems of layout and reading."""

    items: list[Item] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Folder listing of each item, reused by the photo rules (one scandir each).
    listings: dict[Path, list[str]] = field(default_factory=dict)
    # Files in the subfolders of each item folder, as `sub/name` (never published
    # unless listed as photos; counted by the clutter rule).
    nested: dict[Path, list[str]] = field(default_factory=dict)
    # What was read: items and pages outside it are listed, not read.
    scope: Scope = field(default_factory=Scope)
    # The agenda of sittings (content/agenda/) and the council (content/anggota/).
    agenda: list[Sitting] = field(default_factory=list)
    council: Council = field(default_factory=Council)
    # Public information documents (content/informasi/) and legal products (content/jdih/).
    documents: Documents = field(default_factory=Documents)


def load(config: Config, paths: Iterable[str | Path] = ()) -> Content:
    """Find and read the content of ``config``'s project (only ``paths`` in it, if given).

    Items and pages in scope come back complete: front-matter and body,
    slug and folder date, activity date (H) and photo records. Raises
    ``UsageError`` for a path that does not exist or lies outside ``content/``.
    """
    content = discover(config.content, config.root)
    content.scope = _scope(config, [Path(p) for p in paths])
    for item in content.items:
        match = ITEM_FOLDER.match(item.folder.name)
        if match:  # every item, in scope or not: the slug-clash rule compares them all
            item.folder_date, item.slug = match.groups()
        if content.scope.covers(item.source):
            content.problems.extend(read_item(item))
            _fill_item(item, config, content.listings.get(item.folder, []))
    for page in content.pages:
        if content.scope.covers(page.source):
            content.problems.extend(read_page(page))
            if page.doc is not None:
                title = page.doc.meta.get("title")
                title = title if isinstance(title, str) and title.strip() else first_heading(page.doc.body)
                page.title = (title or "").strip()
    content.agenda = load_agenda(config, content.scope.covers, content.problems)
    content.council = load_council(config, content.scope.covers, content.problems)
    content.documents = load_documents(config, content.scope.covers, content.problems)
    content.problems = [p for p in content.problems if content.scope.covers(config.root / p.file)]
    return content


def _scope(config: Config, paths: list[Path]) -> Scope:
    roots = []
    base = config.content.resolve()
    for path in paths:
        full = (config.root / path) if not path.is_absolute() else path
        if not full.exists() and not full.is_symlink():
            raise UsageError(f"Path `{path}` tidak ditemukan.")
        full = Path(os.path.abspath(full))
        if full != base and base not in full.parents:
            raise UsageError(f"Path `{path}` berada di luar folder konten `{config.content_dir}/`.")
        if full.name == "index.md" or (full.is_file() and full.parent.parent.parent.name == "berita"):
            full = full.parent  # an item's index.md or one of its photos: the whole item
        roots.append(full)
    return Scope(roots)


def _fill_item(item: Item, config: Config, listing: list[str]) -> None:
    """Set ``item``'s activity date and photo records from its front-matter, judging nothing."""
    if item.doc is None:
        return
    item.date = normalize_date(item.meta.get("date"), config.tz)
    item.updates = read_updates(item, config)
    item.retraction = read_retraction(item, config)
    item.publish_at = read_publish_at(item, config)
    item.due = item.publish_at is None or item.publish_at <= config.now()
    item.videos = read_videos(item, listing)
    photos = item.meta.get("photos")
    if not isinstance(photos, list):
        return
    names, seen = set(listing), set()
    for index, entry in enumerate(photos):
        file = entry.get("file") if isinstance(entry, dict) else None
        if not isinstance(file, str) or not file or unsafe_path(file) or file.lower() in seen:
            continue  # the check names each of these; the first of two same names is the photo
        seen.add(file.lower())
        path = item.folder / file
        exists = (file in names) if "/" not in file else (path.is_file() and not path.is_symlink())
        if exists and os.path.splitext(file)[1].lower() in schema.IMAGE_EXTENSIONS:
            credit = entry.get("credit")
            item.photos.append(Photo(file=file, alt=str(entry.get("alt") or ""),
                                     credit=credit if isinstance(credit, str) else None, path=path,
                                     line=item.doc.line_of("photos", index, "file")))


def normalize_date(value: Any, tz) -> dt.date | None:
    """The activity day (H) of a front-matter ``date`` value, in the site's time zone."""
    if isinstance(value, dt.datetime):
        return (value.astimezone(tz) if value.tzinfo else value).date()
    return day(value)


def first_heading(body: str) -> str | None:
    """The text of the first ``# Heading`` line of ``body`` (closing ``#`` removed), or None."""
    for line in body.split("\n"):
        if line.startswith("#") and line[1:2].isspace():
            text = line[1:].strip().rstrip("#").rstrip()
            if text:
                return text
    return None


def unsafe_path(value: str) -> str | None:
    """Why ``value`` (a path from front-matter) could leave its folder, or None if safe."""
    if "\0" in value:
        return "mengandung karakter NUL"
    if _PERCENT.search(value):
        return "mengandung kode persen seperti `%2F`"
    if "\\" in value:
        return "memakai garis miring terbalik `\\`"
    if value.startswith("/"):
        return "berupa path absolut"
    if _DRIVE.match(value) or ":" in value:
        return "memakai huruf drive atau alamat (`:`)"
    parts = PurePosixPath(value).parts
    if ".." in parts:
        return "mengandung `..`"
    if not parts or any(p.startswith(".") for p in parts):
        return "menunjuk berkas tersembunyi atau kosong"
    return None


def rel(path: Path, root: Path) -> str:
    """``path`` relative to the project root, with forward slashes (as shown to editors)."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def discover(content_dir: Path, root: Path) -> Content:
    """Walk ``content_dir`` and classify every file; report symlinks and misplaced files."""
    found = Content()
    if not content_dir.is_dir():
        found.problems.append(Problem(rel(content_dir, root), 1, "content-missing", ERROR,
                                      "Folder konten tidak ditemukan. Buat folder ini, atau jalankan "
                                      "`portal new \"Judul kegiatan\"` untuk membuat berita pertama."))
        return found
    for dirpath, dirnames, filenames in os.walk(content_dir):
        here = Path(dirpath)
        parts = here.relative_to(content_dir).parts
        for name in list(dirnames) + filenames:
            if os.path.islink(os.path.join(dirpath, name)):
                found.problems.append(_symlink_problem(here / name, root))
            elif name.startswith("."):
                found.problems.append(_dot_problem(here / name, root))
        # Not descended into: a dot-folder is reported once, not file by file.
        dirnames[:] = sorted(d for d in dirnames if not os.path.islink(os.path.join(dirpath, d))
                             and not d.startswith("."))
        files = sorted(f for f in filenames if not os.path.islink(os.path.join(dirpath, f))
                       and not f.startswith("."))
        if len(parts) > 3 and parts[0] == "berita":
            item = content_dir.joinpath(*parts[:3])
            found.nested.setdefault(item, []).extend("/".join(parts[3:] + (f,)) for f in files)
        if len(parts) == 3 and parts[0] == "berita":
            found.listings[here] = files
            if "index.md" in files:
                found.items.append(Item(source=here / "index.md", rel=rel(here / "index.md", root), doc=None))
            else:
                found.problems.append(Problem(rel(here, root), 1, "item-location", ERROR,
                                              "Folder berita tanpa index.md. Setiap berita butuh berkas "
                                              "index.md berisi front-matter dan narasi; buat dengan "
                                              "`portal new \"Judul kegiatan\"`."))
        elif parts == ("halaman",):
            for name in files:
                if name.lower().endswith(".md"):
                    found.pages.append(Page(source=here / name, rel=rel(here / name, root), doc=None))
        elif len(parts) >= 1 and parts[0] == "berita" and len(parts) < 3:
            for name in files:
                if name.lower().endswith(".md"):
                    found.problems.append(Problem(
                        rel(here / name, root), 1, "item-location", ERROR,
                        "Berkas berita di tempat yang salah. Letakkan sebagai "
                        "content/berita/<TAHUN>/<YYYY-MM-DD>-<slug>/index.md (gunakan `portal new`)."))
    return found


def _symlink_problem(path: Path, root: Path) -> Problem:
    return Problem(rel(path, root), 1, "symlink", ERROR,
                   "Tautan simbolik (symlink) tidak diizinkan di folder konten. Ganti dengan berkas aslinya.")


def _dot_problem(path: Path, root: Path) -> Problem:
    return Problem(rel(path, root), 1, "dot-file", ERROR,
                   f"Berkas atau folder tersembunyi `{path.name}` tidak boleh ada di folder konten: berkas "
                   "seperti ini bisa mengubah cara GitHub menampilkan perubahan kepada pemeriksa. Hapus "
                   f"`{path.name}` dari usulan ini.")


def read_item(item: Item) -> list[Problem]:
    """Read ``item``'s index.md into ``item.doc``; return reading problems."""
    item.doc, issues = _read(item.source, require_front_matter=True)
    return [Problem(item.rel, i.line, i.rule, i.severity, i.message) for i in issues]


def read_page(page: Page) -> list[Problem]:
    """Read a static page (front-matter optional)."""
    page.doc, issues = _read(page.source, require_front_matter=False)
    return [Problem(page.rel, i.line, i.rule, i.severity, i.message) for i in issues]


def _read(path: Path, *, require_front_matter: bool):
    return read_file(path, require_front_matter=require_front_matter)
