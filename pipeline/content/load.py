"""Find and read the content tree: news items and static pages.

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

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.content.frontmatter import MAX_FILE_BYTES, read_document
from pipeline.content.model import ERROR, Item, Page, Problem

ITEM_FOLDER = re.compile(r"^(\d{4}-\d{2}-\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)$")
YEAR = re.compile(r"^\d{4}$")


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
    # O_NOFOLLOW: refuse a link swapped in after discovery.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        data = handle.read(MAX_FILE_BYTES + 1)  # never slurp a huge file
    return read_document(data, size=size, require_front_matter=require_front_matter)
