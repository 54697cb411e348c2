"""Stage the checked content as Markdown pages (plus photo variants and feeds) for MkDocs.

The stage is generator-neutral on purpose: standard front-matter
(``title``, ``description``, ``date``) and Markdown with a little HTML, so
a later move away from MkDocs (Material 9.x is in maintenance) keeps it.

Generated pages: the home page, one page per article, paginated category,
tag and monthly archive pages, the static pages, the feeds and robots.txt.
Articles stay out of the navigation (MkDocs renders the nav into every page).
"""

from __future__ import annotations

import html
import os
import shutil
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import yaml
from markupsafe import Markup

from pipeline.config import Config
from pipeline.content import urls
from pipeline.content.model import Item, Page

if TYPE_CHECKING:
    from pipeline.content.load import Content
    from pipeline.video.transcode import Transcoded
from pipeline.content.urls import relative as relative_url  # noqa: F401 (re-exported: tests and callers use the old name)
from pipeline.photos.images import THUMB_WIDTHS, Processed
from pipeline.site import feeds, sections, templating
from pipeline.site.entries import MONTHS, AgendaTeaser, Entry, WebPhoto, WebVideo, format_date
from pipeline.site.sanitize import TEXT_KEYS
from pipeline.site.templating import (  # noqa: F401 (re-exported: build, zensical, serve and tests use them here)  # noqa: F401 (re-exported)
    BODY_END,
    BODY_START,
    GALLERY_SIZES,
    MARKER,
    PER_PAGE,
    RAW_END,
    RAW_START,
    TEXT_END,
    TEXT_START,
    THUMB_SIZES,
)
from pipeline.site.templating import front_matter as _front_matter
from pipeline.site.templating import helpers as _helpers
from pipeline.site.templating import listing as _listing
from pipeline.site.templating import md_text as _md_text

HOME_ITEMS = 10
SIZES = "(min-width: 76.25em) 45rem, 100vw"

# The environment (autoescaped), the per-process raw/text/body markers and the
# front-matter writer live in templating, shared with the sections; old names kept.
_env = templating.env


def web_photos(item: Item, processed: dict[Path, Processed]) -> list[WebPhoto]:
    """The item's photos with their staged names (``<article>/foto/<name>-<variant>.<ext>``)."""
    photos = []
    for index, (photo, name) in enumerate(zip(item.photos, urls.photo_names(item.photos), strict=True)):
        out = processed[photo.path].outputs
        url = {v.name: urls.photo(item.url, name, v.name, v.file.rsplit('.', 1)[1]) for v in out.values()}
        thumbs = dict(sorted((v.width, url[v.name]) for v in out.values() if v.name.startswith("thumb")))
        # Several widths collapse to one when the source is small: list each once.
        widths = dict(sorted((v.width, url[v.name]) for v in out.values() if v.name.startswith("w")))
        large = max((v for v in out.values() if v.name.startswith("w")), key=lambda v: v.width)
        photos.append(WebPhoto(
            alt=photo.alt, credit=photo.credit, widths=sorted(widths.items()),
            fallback=url["fallback"], width=out["fallback"].width, height=out["fallback"].height,
            large=url[large.name], large_width=large.width, large_height=large.height,
            thumb=url["thumb"], thumb_width=out["thumb"].width, thumb_height=out["thumb"].height,
            og=url["og"], og_bytes=out["og"].bytes, social=url["social"], thumbs=sorted(thumbs.items()),
            files={url[v.name]: v.file for v in out.values() if index == 0 or v.name in _GALLERY_VARIANTS
                   or v.name == large.name}))
    return photos


def web_videos(item: Item, videos: dict[Path, Transcoded]) -> list[WebVideo]:
    """The item's transcoded videos with their site paths (``<article>video/<name>.mp4`` ...), in listed order.

    A video without a transcoded rendition in ``videos`` is left out (the
    build refuses an item whose video failed before it stages anything).
    """
    found = []
    for video, name in zip(item.videos, urls.video_names(item.videos), strict=True):
        done = videos.get(video.path)
        if done is None:
            continue
        src, poster = urls.video(item.url, name), urls.video_poster(item.url, name, "webp")
        poster_jpeg = urls.video_poster(item.url, name, "jpg")
        files = {src: done.video, poster: done.poster_webp, poster_jpeg: done.poster_jpeg}
        captions = None
        if video.captions:  # the editor's WebVTT file, served as written (the browser renders cues as text)
            captions = urls.video_captions(item.url, name)
            files[captions] = video.captions
        found.append(WebVideo(title=video.title, src=src, poster=poster, poster_jpeg=poster_jpeg, captions=captions,
                              width=done.width, height=done.height, duration=done.duration, bytes=done.bytes,
                              files=files))
    return found


# What the site deploys of a photo after the first (the lead): the gallery's thumbnails, the
# large size its link opens, and the JPEG the social posts fetch (build record). Their other
# variants (fallback, og, the smaller widths) stay in the cache, unused by any page (issue 18).
_GALLERY_VARIANTS = {"thumb", "social", *(f"thumb{w}" for w in THUMB_WIDTHS)}


def stage(config: Config, items: list[Item], pages: list[Page], target: Path | None,
          processed: dict[Path, Processed] | None = None, cache_dir: Path | None = None,
          link_photos: bool = True, marked: bool = False,
          content: Content | None = None,
          videos: dict[Path, Transcoded] | None = None) -> tuple[dict[str, str], dict[str, Path]]:
    """Render every generated page; return ``(texts, photo links)``, written into ``target`` if given.

    ``texts`` maps relative paths to page texts; ``photo links`` maps the site
    path of each photo variant to its cache file. The live preview stages
    into a folder: a file is rewritten only when it changed, so MkDocs'
    dirty builds redo only what an edit touched, and with ``link_photos``
    the variants are hard-linked there too. ``portal build`` passes no
    ``target``: the portal plugin hands the texts to MkDocs as in-memory
    files and links the variants into the finished site. Originals are
    never staged: only the variants made by ``images``.

    ``marked`` stages for an engine without the portal plugin (Zensical):
    each page's body between ``BODY_START``/``BODY_END`` (what
    ``sanitize.sanitize_site`` cleans), front-matter text escaped (the
    plugin's job on MkDocs), and each article as ``<url>index.md``
    (Zensical resolves relative links in raw HTML against the source file).

    With ``content`` (what was checked, whole) the parts beyond news are
    staged too: the agenda, the council, the register (``sections``).

    ``videos`` maps each listed item's video source (``Video.path``) to its
    transcoded web rendition and posters (issue 16); they are linked into
    the site beside the photo variants.
    """
    processed = processed or {}
    videos = videos or {}
    published = sorted((i for i in items if i.listed),
                       key=lambda i: (i.date, i.slug), reverse=True)
    entries = []
    for item in published:
        assert item.date is not None  # only dated items are published (filtered above)
        photos = web_photos(item, processed) if item.photos and all(p.path in processed for p in item.photos) \
            else []
        slug = item.meta["category"]
        entries.append(Entry(item, item.url, item.title, item.date, format_date(item.date),
                             config.categories.get(slug, slug), slug, item.meta["caption"],
                             photos[0] if photos else None, photos, web_videos(item, videos)))

    files: dict[str, str] = {}
    links: dict[str, Path] = {}
    published_urls = {urls.source(entry.url): entry.url for entry in entries}
    for index, entry in enumerate(entries):
        newer = entries[index - 1] if index > 0 else None
        older = entries[index + 1] if index + 1 < len(entries) else None
        files[urls.source(entry.url)] = render_article(config, entry, newer, older)
        for photo in entry.photos:
            assert cache_dir is not None, "processed photos come with the cache that holds them"
            for site_path, cached in photo.files.items():
                links[site_path] = cache_dir / cached
        for video in entry.videos:
            links.update(video.files)

    for item in items:
        if item.on_site and not item.listed:  # withdrawn (issue 15): its URL keeps a notice, nothing else of it
            files[urls.source(item.url)] = render_retracted(config, item)
            published_urls[urls.source(item.url)] = item.url
    files.update(render_lists(config, entries, sections.upcoming(config, content)))
    for page in pages:
        files[urls.source(urls.page(page.name))] = render_page(page)
    if content is not None:
        section_files, section_links = sections.render(config, content, processed, cache_dir)
        files.update(section_files)
        links.update(section_links)
    if marked:
        files = {_article_index(name, published_urls): _mark(text) if name.endswith(".md") else text
                 for name, text in files.items()}
    files.update(feeds.render(config, entries))
    if target is not None:
        write_tree(target, files, links if link_photos else {})
    return files, links


def _article_index(name: str, articles: dict[str, str]) -> str:
    return urls.index_source(articles[name]) if name in articles else name


# libyaml, as templating's dumper: the pure-Python loader was most of _mark's time (0.8 s of a 300-item Zensical build).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _mark(text: str) -> str:
    """A staged page with its front-matter text escaped and its body between the body markers."""
    head, body = "", text
    if text.startswith("---\n"):
        end = text.index("\n---\n", 4)
        meta = yaml.load(text[4:end], Loader=_LOADER) or {}
        for key in TEXT_KEYS:
            if isinstance(meta.get(key), str):
                meta[key] = html.escape(meta[key])
        if hasattr(meta.get("date"), "isoformat"):  # YAML read the ISO text as a datetime: write it back as it was
            meta["date"] = meta["date"].isoformat()
        head, body = f"---\n{_front_matter(**meta)}\n---\n", text[end + 5:]
    return f"{head}\n{BODY_START}\n\n{body}\n\n{BODY_END}\n"


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
    link_files(target, links)
    keep = set(files) | set(links)
    for path in sorted(target.rglob("*"), reverse=True):
        name = path.relative_to(target).as_posix()
        if path.is_file() and name not in keep:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def link_files(target: Path, links: dict[str, Path]) -> None:
    """Hard-link each cached file into ``target`` under its site path (copy across file systems)."""
    # One system call per file in a new site (30,000 at 1,000 items): link first, look only on a clash.
    made: set[str] = set()
    root = os.fspath(target)
    for name, source in links.items():
        path = os.path.join(root, name)
        parent = os.path.dirname(path)
        if parent not in made:
            os.makedirs(parent, exist_ok=True)
            made.add(parent)
        try:
            os.link(source, path)
        except FileExistsError:
            if os.path.isfile(path) and os.path.samefile(path, source):
                continue
            os.unlink(path)
            _link_or_copy(source, path)
        except OSError:  # another file system: copy instead
            shutil.copyfile(source, path)


def _link_or_copy(source: Path, path: str) -> None:
    try:
        os.link(source, path)
    except OSError:
        shutil.copyfile(source, path)


def render_article(config: Config, entry: Entry, newer: Entry | None = None, older: Entry | None = None) -> str:
    """One news article: title, details, lead photo, narrative, gallery, tags, share links, neighbours."""
    item, meta = entry.item, entry.item.meta
    assert item.doc is not None, "only items that were read are staged"
    # Without a site URL the share links carry the bare site path (no leading slash), as they always did.
    absolute = urls.absolute(config, entry.url) if config.site_url else entry.url
    # The share image as a public URL (urls owns it); the template only prints it.
    extra: dict = {"image": urls.absolute(config, entry.photo.og), "image_alt": entry.photo.alt} if entry.photo else {}
    provenance = sections.provenance(config, item)
    if provenance:  # for the JSON-LD reviewedBy and lastReviewed
        extra.update(reviewed_by=provenance.reviewed_by, last_reviewed=provenance.last_reviewed)
    # JSON-LD wants a time and an offset: the front-matter holds the day of the activity (H) only, so the
    # article is dated 00:00 that day in the site's zone, as the feeds date it; `updated` (a day) likewise.
    published = feeds._published(config, entry.date).isoformat()
    updated = item.updated  # the latest major change (`updates`); a minor edit changes no date
    extra.update(published=published, modified=feeds._published(config, updated).isoformat()
                 if updated else published)
    if entry.videos:  # the NewsArticle's `video` and og:video (overrides/main.html), whole here as council's Person
        extra["video"] = video_objects(config, entry, published)
    head = _front_matter(title=entry.title, description=entry.caption, date=entry.date.isoformat(),
                         category=entry.category, tags=list(meta.get("tags") or []), type="article",
                         location=meta.get("location") or "", lastmod=(updated or entry.date).isoformat(), **extra)
    text = f"{entry.title} {absolute}"
    share = [("WhatsApp", f"https://wa.me/?text={quote(text)}"),
             ("Facebook", f"https://www.facebook.com/sharer/sharer.php?u={quote(absolute)}"),
             ("X", f"https://x.com/intent/tweet?text={quote(entry.title)}&url={quote(absolute)}"),
             ("Telegram", f"https://t.me/share/url?url={quote(absolute)}&text={quote(entry.title)}")]
    return _env.get_template("article.md").render(
        front_matter=head, title_md=Markup(_md_text(entry.title)), item=item, date_text=entry.date_text,
        category=entry.category, category_url=urls.category(entry.category_slug),
        location=meta.get("location"), lead=entry.photo, sizes=SIZES,
        # Markdown, as written: the stage's markers carry a per-process random part (MARKER).
        narrative=Markup(item.doc.body.strip()), photos=entry.photos, videos=entry.videos, tags=meta.get("tags") or [],
        share=share, newer=newer, older=older, provenance=provenance,
        updated_text=format_date(updated) if updated else None,
        history=[(u.date.isoformat(), format_date(u.date), u.note) for u in reversed(item.updates)],
        **_helpers(entry.url))


def video_objects(config: Config, entry: Entry, uploaded: str) -> list[dict]:
    """schema.org ``VideoObject`` of each of the entry's videos, with public URLs (JSON-LD; og takes the first)."""
    return [{"@type": "VideoObject", "name": video.title, "description": entry.caption,
             "thumbnailUrl": urls.absolute(config, video.poster_jpeg), "uploadDate": uploaded,
             "duration": video.iso_duration, "contentUrl": urls.absolute(config, video.src),
             "encodingFormat": "video/mp4", "width": video.width, "height": video.height}
            for video in entry.videos]


def render_retracted(config: Config, item: Item) -> str:
    """A withdrawn item's notice at its article's URL: title, dates and reason; no photo, narrative or share link.

    Kept out of search (``search.exclude``), of the sitemap and of search engines (``robots: noindex``,
    ``sitemap.EXCLUDED``); a ``type`` of its own gives it no NewsArticle JSON-LD (``overrides/main.html``).
    """
    retraction, date = item.retraction, item.date
    assert retraction is not None and date is not None, "only dated, withdrawn items get a notice"
    head = _front_matter(title=item.title, description=f"Berita ini ditarik: {retraction.reason}",
                         date=date.isoformat(), type="retracted", robots="noindex", search={"exclude": True})
    return _env.get_template("retracted.md").render(
        front_matter=head, title_md=Markup(_md_text(item.title)), reason=retraction.reason,
        date=date, date_text=format_date(date), retracted=retraction.date,
        retracted_text=format_date(retraction.date), provenance=sections.provenance(config, item),
        home=urls.HOME, archive=urls.ARCHIVE, **_helpers(item.url))


# The home page: the newest item large, the next ones as cards, then per category its newest few.
HOME_CATEGORY_ITEMS = 3
HOME_LEAD_SIZES = "(min-width: 76.25em) 39rem, (min-width: 60em) 62vw, 100vw"  # portal.css: .portal-home
HOME_CARD_SIZES = "(max-width: 36em) 50vw, 15rem"  # two cards a row on a phone


def render_home(config: Config, entries: list[Entry], agenda: list[AgendaTeaser]) -> dict[str, str]:
    """The home page: latest item large, the next ones in a grid, coming sittings, quick links, categories."""
    by_category: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_category[entry.category_slug].append(entry)
    categories = [(label, urls.category(slug), by_category[slug][:HOME_CATEGORY_ITEMS])
                  for slug, label in config.categories.items() if by_category.get(slug)]
    dates = {"lastmod": entries[0].date.isoformat()} if entries else {}
    # The home repeats the articles' teasers: out of the search index, like the lists.
    head = _front_matter(title="Beranda", description=f"Berita terbaru {config.site_name}",
                         search={"exclude": True}, **dates)
    text = _env.get_template("home.md").render(
        front_matter=head, latest=entries[0] if entries else None, more_entries=entries[1:HOME_ITEMS],
        archive=urls.ARCHIVE, agenda=agenda, agenda_url=urls.AGENDA, quick_links=config.quick_links,
        categories=categories, category_url=urls.category, external=_external,
        lead_sizes=HOME_LEAD_SIZES, card_sizes=HOME_CARD_SIZES, **_helpers(urls.HOME))
    return {urls.index_source(urls.HOME): text}


def _external(url: str) -> bool:
    # A quick link is a site path or a whole https:// address (config checks which).
    return url.startswith("https://")


def render_lists(config: Config, entries: list[Entry], agenda: list[AgendaTeaser] | None = None) -> dict[str, str]:
    """Home (with the coming sittings of ``agenda``), category, tag and monthly archive pages, each paginated."""
    files = render_home(config, entries, agenda or [])

    by_category: dict[str, list[Entry]] = defaultdict(list)
    by_tag: dict[str, list[Entry]] = defaultdict(list)
    by_month: dict[tuple[int, int], list[Entry]] = defaultdict(list)
    for entry in entries:
        by_category[entry.category_slug].append(entry)
        for tag in entry.item.meta.get("tags") or []:
            by_tag[tag].append(entry)
        by_month[(entry.date.year, entry.date.month)].append(entry)

    changed = entries[0].date if entries else None
    for slug, label in config.categories.items():
        files.update(_listing(urls.category(slug), f"Kategori: {label}", label, by_category.get(slug, []),
                              f"Berita kategori {label} {config.site_name}"))
    files.update(_listing(urls.CATEGORIES, "Kategori", "Kategori Berita", [], "Daftar kategori berita",
                          links=[(label, urls.category(slug), len(by_category.get(slug, [])))
                                 for slug, label in config.categories.items()], changed=changed))
    for tag, tagged in sorted(by_tag.items()):
        files.update(_listing(urls.tag(tag), f"Tag: {tag}", f"#{tag}", tagged, f"Berita dengan tag {tag}"))
    files.update(_listing(urls.TAGS, "Tag", "Semua Tag", [], "Daftar tag berita",
                          links=[(f"#{tag}", urls.tag(tag), len(tagged)) for tag, tagged in sorted(by_tag.items())], changed=changed))
    for (year, month), monthly in sorted(by_month.items()):
        label = f"{MONTHS[month - 1]} {year}"
        files.update(_listing(urls.month(year, month), f"Arsip {label}", f"Arsip {label}", monthly,
                              f"Berita bulan {label}"))
    files.update(_listing(urls.ARCHIVE, "Arsip", "Arsip Berita", [], "Arsip berita per bulan",
                          links=[(f"{MONTHS[m - 1]} {y}", urls.month(y, m), len(v))
                                 for (y, m), v in sorted(by_month.items(), reverse=True)], changed=changed))
    return files


def render_page(page: Page) -> str:
    """A static page, with its title in standard front-matter."""
    assert page.doc is not None, "only pages that were read are staged"
    meta = {"title": page.title}
    if page.doc.meta.get("description"):
        meta["description"] = page.doc.meta["description"]
    return f"---\n{_front_matter(**meta)}\n---\n\n{page.doc.body.strip()}\n"


