"""Stage the checked content as plain Markdown pages for MkDocs.

The stage is generator-neutral on purpose: standard front-matter
(``title``, ``description``, ``date``) and Markdown, so a later move away
from MkDocs (Material 9.x is in maintenance) keeps this module.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import yaml
from jinja2 import Environment

from pipeline.config import Config
from pipeline.images import Processed
from pipeline.model import Item, Page
from pipeline.scaffold import slugify

# Photo markup. Autoescaped: alt text and credits are editor input.
_html = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
LEAD = _html.from_string("""\
<div class="portal-lead">
<figure>
<picture>
<source type="image/webp" srcset="{{ p.srcset }}" sizes="{{ sizes }}">
<img src="{{ p.fallback }}" alt="{{ p.alt }}" width="{{ p.width }}" height="{{ p.height }}" decoding="async" fetchpriority="high">
</picture>
{% if p.credit %}<figcaption>Foto: {{ p.credit }}</figcaption>{% endif %}
</figure>
</div>
""")
GALLERY = _html.from_string("""\
<div class="portal-gallery" aria-label="Galeri foto">
{% for p in photos %}
<figure>
<a href="{{ p.large }}" data-width="{{ p.large_width }}" data-height="{{ p.large_height }}"><img src="{{ p.thumb }}" alt="{{ p.alt }}" width="{{ p.thumb_width }}" height="{{ p.thumb_height }}" loading="lazy" decoding="async"></a>
{% if p.credit %}<figcaption>Foto: {{ p.credit }}</figcaption>{% endif %}
</figure>
{% endfor %}
</div>
""")
TEASER = _html.from_string("""\
<div class="portal-teaser">
<a href="{{ url }}"><img src="{{ p.thumb }}" alt="{{ p.alt }}" width="{{ p.thumb_width }}" height="{{ p.thumb_height }}" {% if lazy %}loading="lazy" {% endif %}decoding="async"></a>
</div>
""")
SIZES = "(min-width: 76.25em) 45rem, 100vw"

DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
          "Oktober", "November", "Desember")


def format_date(date: dt.date) -> str:
    """A date as Indonesian readers write it: ``Kamis, 20 November 2026``."""
    return f"{DAYS[date.weekday()]}, {date.day} {MONTHS[date.month - 1]} {date.year}"


class WebPhoto:
    """What a template needs of one photo: URLs of its variants, sizes, alt, credit."""

    def __init__(self, base: str, name: str, processed: Processed, alt: str, credit: str | None):
        out = processed.outputs
        self.alt, self.credit = alt, credit
        self.files = {f"{base}{name}-{v.name}.{v.file.rsplit('.', 1)[1]}": v.file for v in out.values()}
        url = {v.name: f"{base}{name}-{v.name}.{v.file.rsplit('.', 1)[1]}" for v in out.values()}
        widths = sorted((v for v in out.values() if v.name.startswith("w")), key=lambda v: v.width)
        # Several widths collapse to one when the source is small: list each once.
        seen = {}
        for v in widths:
            seen.setdefault(v.width, url[v.name])
        self.srcset = ", ".join(f"{u} {w}w" for w, u in seen.items())
        self.fallback, self.width, self.height = url["fallback"], out["fallback"].width, out["fallback"].height
        large = widths[-1]
        self.large, self.large_width, self.large_height = url[large.name], large.width, large.height
        self.thumb, self.thumb_width, self.thumb_height = url["thumb"], out["thumb"].width, out["thumb"].height
        self.og, self.social = url["og"], url["social"]

    def relative_to(self, prefix: str) -> "WebPhoto":
        clone = object.__new__(WebPhoto)
        clone.__dict__.update(self.__dict__)
        for key in ("fallback", "large", "thumb", "og", "social"):
            setattr(clone, key, prefix + getattr(self, key))
        clone.srcset = ", ".join(prefix + part for part in self.srcset.split(", "))
        return clone


def web_photos(item: Item, processed: dict[Path, Processed]) -> list[WebPhoto]:
    """The item's photos with their staged variant names (``foto/<name>-<variant>.<ext>``)."""
    photos, used = [], set()
    for index, photo in enumerate(item.photos, start=1):
        name = slugify(Path(photo.file).stem) or f"foto-{index}"
        if name in used:
            name = f"{name}-{index}"
        used.add(name)
        photos.append(WebPhoto("foto/", name, processed[photo.path], photo.alt, photo.credit))
    return photos


def stage(config: Config, items: list[Item], pages: list[Page], target: Path,
          processed: dict[Path, Processed] | None = None, cache_dir: Path | None = None) -> dict[str, str]:
    """Write the staged pages (and links to photo variants) into ``target``.

    Returns ``{relative path: text}`` of the pages. A file is rewritten only
    when it changed, so a live preview rebuilds only what an edit touched.
    Originals are never staged: only the variants made by ``images``.
    """
    processed = processed or {}
    published = sorted((i for i in items if not i.draft), key=lambda i: (i.date, i.slug), reverse=True)
    files: dict[str, str] = {}
    links: dict[str, Path] = {}
    photos: dict[str, list[WebPhoto]] = {}
    for item in published:
        folder = f"berita/{item.folder_date[:4]}/{item.slug}"
        have = all(p.path in processed for p in item.photos)
        photos[item.rel] = web_photos(item, processed) if have and item.photos else []
        for photo in photos[item.rel]:
            for name, cached in photo.files.items():
                links[f"{folder}/{name}"] = cache_dir / cached
        files[f"{folder}.md"] = render_article(config, item, photos[item.rel])
    files["index.md"] = render_home(config, published, photos)
    for page in pages:
        files[f"{page.name}.md"] = render_page(page)
    write_tree(target, files, links)
    return files


def write_tree(target: Path, files: dict[str, str], links: dict[str, Path] | None = None) -> None:
    """Make ``target`` hold exactly ``files`` (texts) and ``links`` (hard links to cached files).

    Unchanged files are left alone; anything else in ``target`` is deleted,
    so a removed photo's variants disappear from the next site.
    """
    links = links or {}
    target.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        path = target / name
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for name, source in links.items():
        path = target / name
        if path.is_file() and os.path.samefile(path, source):
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        try:
            os.link(source, path)
        except OSError:  # another file system: copy instead
            shutil.copyfile(source, path)
    for path in sorted(target.rglob("*"), reverse=True):
        name = path.relative_to(target).as_posix()
        if path.is_file() and name not in files and name not in links:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def _front_matter(**meta) -> str:
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000) + "---\n"


def render_home(config: Config, items: list[Item], photos: dict[str, list[WebPhoto]] | None = None) -> str:
    """The home page: the latest news, newest first, each with its thumbnail."""
    photos = photos or {}
    parts = [_front_matter(title="Beranda", description=f"Berita terbaru {config.site_name}"),
             f"# Berita Terbaru\n"]
    for index, item in enumerate(items[:30]):
        category = config.categories.get(item.meta["category"], item.meta["category"])
        folder = f"berita/{item.folder_date[:4]}/{item.slug}"
        lead = photos.get(item.rel)
        teaser = TEASER.render(p=lead[0].relative_to(f"{folder}/"), url=f"{folder}/", lazy=index > 1) if lead else ""
        parts.append(f"## [{_md_text(item.title)}]({folder}.md)\n\n{teaser}\n"
                     f"*{format_date(item.date)} · {_md_text(category)}*\n\n{_md_text(item.meta['caption'])}\n")
    if not items:
        parts.append("Belum ada berita.\n")
    return "\n".join(parts)


def render_article(config: Config, item: Item, photos: list[WebPhoto] | None = None) -> str:
    """One news article page: title, details, lead photo, narrative, gallery of every photo."""
    meta = item.meta
    category = config.categories.get(meta["category"], meta["category"])
    details = [format_date(item.date), category]
    if meta.get("location"):
        details.append(str(meta["location"]))
    extra = {"image": photos[0].og} if photos else {}
    head = _front_matter(title=item.title, description=meta["caption"], date=item.date.isoformat(),
                         category=meta["category"], tags=list(meta.get("tags") or []), **extra)
    lead = LEAD.render(p=photos[0], sizes=SIZES) if photos else ""
    gallery = f"\n## Galeri foto\n\n{GALLERY.render(photos=photos)}" if photos else ""
    return (f"{head}\n# {_md_text(item.title)}\n\n*{_md_text(' · '.join(details))}*\n\n{lead}\n"
            f"{item.doc.body.strip()}\n{gallery}")


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
