"""Stage the checked content as plain Markdown pages for MkDocs.

The stage is generator-neutral on purpose: standard front-matter
(``title``, ``description``, ``date``) and Markdown, so a later move away
from MkDocs (Material 9.x is in maintenance) keeps this module.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from pipeline.config import Config
from pipeline.model import Item, Page

DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
          "Oktober", "November", "Desember")


def format_date(date: dt.date) -> str:
    """A date as Indonesian readers write it: ``Kamis, 20 November 2026``."""
    return f"{DAYS[date.weekday()]}, {date.day} {MONTHS[date.month - 1]} {date.year}"


def stage(config: Config, items: list[Item], pages: list[Page], target: Path) -> dict[str, str]:
    """Write the staged pages into ``target``; return ``{relative path: text}`` of what is there.

    A file is rewritten only when its text changed, so a live preview
    rebuilds only what an edit touched.
    """
    published = sorted((i for i in items if not i.draft), key=lambda i: (i.date, i.slug), reverse=True)
    files: dict[str, str] = {"index.md": render_home(config, published)}
    for item in published:
        files[f"berita/{item.folder_date[:4]}/{item.slug}.md"] = render_article(config, item)
    for page in pages:
        files[f"{page.name}.md"] = render_page(page)
    write_tree(target, files)
    return files


def write_tree(target: Path, files: dict[str, str]) -> None:
    """Make ``target`` hold exactly ``files``: write changed ones, delete the rest."""
    target.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        path = target / name
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for path in sorted(target.rglob("*"), reverse=True):
        name = path.relative_to(target).as_posix()
        if path.is_file() and name not in files:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def _front_matter(**meta) -> str:
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000) + "---\n"


def render_home(config: Config, items: list[Item]) -> str:
    """The home page: the latest news, newest first."""
    parts = [_front_matter(title="Beranda", description=f"Berita terbaru {config.site_name}"),
             f"# Berita Terbaru\n"]
    for item in items[:30]:
        category = config.categories.get(item.meta["category"], item.meta["category"])
        parts.append(f"## [{_md_text(item.title)}](berita/{item.folder_date[:4]}/{item.slug}.md)\n\n"
                     f"*{format_date(item.date)} · {_md_text(category)}*\n\n{_md_text(item.meta['caption'])}\n")
    if not items:
        parts.append("Belum ada berita.\n")
    return "\n".join(parts)


def render_article(config: Config, item: Item) -> str:
    """One news article page."""
    meta = item.meta
    category = config.categories.get(meta["category"], meta["category"])
    details = [format_date(item.date), category]
    if meta.get("location"):
        details.append(str(meta["location"]))
    head = _front_matter(title=item.title, description=meta["caption"], date=item.date.isoformat(),
                         category=meta["category"], tags=list(meta.get("tags") or []))
    return (f"{head}\n# {_md_text(item.title)}\n\n*{_md_text(' · '.join(details))}*\n\n"
            f"{item.doc.body.strip()}\n")


def render_page(page: Page) -> str:
    """A static page, with its title in standard front-matter."""
    meta = {"title": page.title}
    if page.doc.meta.get("description"):
        meta["description"] = page.doc.meta["description"]
    return f"{_front_matter(**meta)}\n{page.doc.body.strip()}\n"


def _md_text(text: str) -> str:
    # Plain text into Markdown: escape what Markdown or HTML would interpret.
    out = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for ch in "\\`*_[]#":
        out = out.replace(ch, "\\" + ch)
    return out
