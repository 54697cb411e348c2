"""``portal build``: check, stage, run MkDocs, and swap the result into ``site/``.

Nothing is written while any item has an error, and ``site/`` is replaced
only by a complete build: a failed build leaves the previous site intact.
"""

from __future__ import annotations

import functools
import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from pipeline import forked
from pipeline.actions import shown
from pipeline.check.rules import Report, check_content, in_scope
from pipeline.config import Config
from pipeline.content.load import Content, load
from pipeline.content.model import Problem
from pipeline.errors import PortalError
from pipeline.photos import images
from pipeline.photos.images import Stats
from pipeline.site import record, sections, zensical
from pipeline.site.sanitize import check_coverage
from pipeline.site.stage import MARKER, stage
from pipeline.video import renditions

STAGE_DIR = ".portal/docs"
CACHE_DIR = ".portal/cache/images"
VIDEO_CACHE_DIR = ".portal/cache/videos"
SITE_DIR = "site"


@dataclass
class BuildResult:
    report: Report
    site: Path | None
    pages: int = 0
    seconds: float = 0.0
    photos: Stats | None = None
    videos: renditions.VideoStats | None = None  # None: no listed item has a video


def build(config: Config, site_dir: Path | None = None, engine: str | None = None) -> BuildResult:
    """Build the site of ``config`` into ``site_dir`` (default ``site/``) with ``engine``.

    ``engine`` is ``mkdocs`` or ``zensical`` (default: ``extra.portal.engine``).

    Returns the check report with ``site=None`` when errors stopped the build.
    A complete build also replaces the build record (``pipeline/site/record.py``):
    what ``portal publish`` posts, so that it never opens a photo itself.
    """
    started = time.perf_counter()
    engine = engine or config.engine
    if engine == "zensical":  # before anything is written: a refusal changes nothing
        zensical.require()
        zensical.refuse_dropped(config.mkdocs)
    content = load(config)
    # The rules run in a child process (a second CPU) while this one processes the photos and
    # stages the pages; nothing reaches site/ unless their report has no error.
    rules = forked.Call(functools.partial(_findings, config, content))
    try:
        staged = _stage(config, content, engine)
    except Exception:  # content the rules reject may break the stage: their report comes first
        report = _report(config, content, rules)
        if report.errors:
            return BuildResult(report, None)
        raise
    except BaseException:
        rules.cancel()
        raise
    report = _report(config, content, rules)
    if report.errors:
        return BuildResult(report, None)
    files, variants, stats, media = staged
    site_dir = Path(site_dir) if site_dir else config.root / SITE_DIR
    published = _published(config, report.items, variants, media)
    notices = sections.notices(config, content)
    if engine == "zensical":
        site_dir.parent.mkdir(parents=True, exist_ok=True)
        swap(zensical.run_zensical(config, files, site_dir, variants, MARKER, notices), site_dir)
    else:
        run_mkdocs(config, files, site_dir, variants, notices)
    record.write(config, published)  # after the swap: the record describes the site in place
    return BuildResult(report, site_dir, len(files), time.perf_counter() - started, stats,
                       media.stats if media.videos else None)


def _findings(config: Config, content: Content) -> tuple[list[Problem], dict[str, set[str]]]:
    report = check_content(config, content)
    return report.problems, report.broken_photos


def _report(config: Config, content: Content, rules: forked.Call) -> Report:
    """The check report of ``content``, from the rules' child process."""
    try:
        problems, broken = rules.result()
    except forked.ChildFailed:  # a bug in a rule: run them here, for its traceback
        return check_content(config, content)
    items, pages = in_scope(content)
    return Report(problems=problems, items=items, pages=pages, broken_photos=broken, content=content)


def _stage(config: Config, content: Content, engine: str):
    """Process the photos and videos of ``content`` and stage its pages: (files, variants, stats, videos)."""
    items, pages = in_scope(content)
    cache = config.root / CACHE_DIR
    photos = [p.path for item in items if item.listed for p in item.photos] + sections.photo_paths(content)
    processed, stats, failures = images.process(photos, cache, prune=True)
    if failures:  # the check decodes every photo too: its report says which and why
        raise PortalError("Foto gagal diproses:\n" + "\n".join(f"  - {shown(path)}: {shown(msg)}"
                                                                for path, msg in failures))
    media = _videos(config, items)
    files, variants = stage(config, items, pages, None, processed, cache,
                            marked=engine == "zensical", content=content, videos=media.videos)
    variants.update(_copy_links(items, media))  # the stage linked the web MP4s and posters
    return files, variants, stats, media


def _videos(config: Config, items) -> renditions.Processed:
    """Transcode every video of every listed item; the first one also into its platforms' copies."""
    jobs = [renditions.Job(video.path, video.poster_at,
                           tuple(record.platforms_of(item, config)) if index == 0 else ())
            for item in items if item.listed for index, video in enumerate(item.videos)]
    media = renditions.process(jobs, config.root / VIDEO_CACHE_DIR, prune=True,
                               max_seconds=config.limits.video_seconds)
    if media.failures:  # the check probed every video; this is a race with an editor or a disk fault
        raise PortalError("Video gagal diproses:\n" + "\n".join(f"  - {shown(path)}: {shown(msg)}"
                                                                 for path, msg in media.failures))
    return media


def _copy_links(items, media: renditions.Processed) -> dict[str, Path]:
    """Site path -> cache file of each platform's own copy of a first video (only the posts use them)."""
    from pipeline.content import urls

    links = {}
    for item in (i for i in items if i.listed and i.videos):
        video, name = item.videos[0], urls.video_names(item.videos)[0]
        for copy in media.copies.get(video.path, {}).values():
            if not copy.reused:
                links[record.copy_path(item.url, name, copy)] = copy.path
    return links


def _published(config: Config, items, variants: dict[str, Path],
               media: renditions.Processed | None = None) -> list[record.Published]:
    """What ``portal publish`` will post, taken from what this build puts on the site."""
    from pipeline.content import urls

    out = []
    for item in sorted((i for i in items if i.on_site), key=lambda i: (i.date, i.rel)):
        # A withdrawn item (issue 15) is recorded for its posts' deletion, without photos: they left the site.
        photos = [(urls.social_photo(item.url, name), photo.alt)
                  for photo, name in zip(item.photos, urls.photo_names(item.photos), strict=True)] if item.listed else []
        missing = [path for path, _ in photos if path not in variants]
        if missing:  # a bug, not a content problem: the posts would link photos the site lacks
            raise PortalError(f"Foto media sosial tidak ada di situs: {', '.join(map(shown, missing))}")
        platforms = record.platforms_of(item, config)
        video = record.recorded_video(item, platforms, media.copies.get(item.videos[0].path, {})) \
            if item.listed and item.videos and media else None
        missing = [path for path in _video_paths(video) if path not in variants]
        if missing:  # the same bug for the video: the stage and _copy_links must link what the record names
            raise PortalError(f"Video media sosial tidak ada di situs: {', '.join(map(shown, missing))}")
        out.append(record.published(config, item, platforms, photos, video=video))
    return out


def _video_paths(video: record.RecordedVideo | None) -> list[str]:
    """The MP4 and JPEG site paths a recorded video names (the captions are the page's, linked by the stage)."""
    if video is None:
        return []
    return [video.path, video.poster, *(r.path for r in video.renditions)]


def run_mkdocs(config: Config, files: dict[str, str], site_dir: Path,
               photos: dict[str, Path] | None = None, notices: list[dict[str, str]] | None = None,
               parallel: bool = True) -> None:
    """Build the staged ``files`` (site path -> text) and ``photos`` with MkDocs, then swap into ``site_dir``.

    The texts never touch the disk: the portal plugin gives them to MkDocs
    as in-memory files (writing and reading back 1,300 small files was a
    tenth of a 1,000-item build), and links the photos into the new site.
    ``notices`` (serta-merta) reach the theme as ``extra.portal_notices``.
    With ``parallel`` the articles are built on two processes when the
    machine has two CPUs (``pipeline.site.split``); the site is the same.
    """
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    from pipeline.site import csp

    site_dir.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".site-", dir=site_dir.parent))
    empty = Path(tempfile.mkdtemp(prefix=".docs-", dir=site_dir.parent))  # MkDocs wants a docs_dir
    try:
        mk = load_config(config_file=str(config.root / "mkdocs.yml"), docs_dir=str(empty),
                         site_dir=str(scratch))
        portal = mk.plugins.get("portal")
        if portal is None:
            raise PortalError("mkdocs.yml tidak memuat plugin `portal` di `plugins:`. Plugin itu wajib: ia "
                              "menyaring HTML setiap halaman dan memasang foto. Tambahkan `- portal`.")
        portal.generated, portal.links, portal.csp, portal.parallel = files, photos or {}, True, parallel
        mk["extra"]["portal_notices"] = notices or []
        _quiet_mkdocs()
        try:
            mkdocs_build(mk)
        finally:
            portal.leave_if_helper()  # a helper process never returns into portal build
        # Every HTML file sanitized and given its policy by the plugin, or a theme page (404.html).
        check_coverage(scratch, {rel for rel in portal.sanitized
                                 if os.path.normpath(os.path.join(mk["site_dir"], rel)) in portal.with_csp})
        # The plugin gave its pages their policy as MkDocs wrote them; any other HTML file gets it here.
        csp.add_to_site(scratch, done=portal.with_csp)
    except MkDocsException as exc:
        shutil.rmtree(scratch, ignore_errors=True)
        raise PortalError(f"MkDocs gagal membangun situs: {exc}") from None
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(empty, ignore_errors=True)
    swap(scratch, site_dir)


def swap(scratch: Path, site_dir: Path) -> None:
    """Put the complete site ``scratch`` in ``site_dir``'s place; the old site stays until then."""
    # mkdtemp made it 0700: a web server reading site/ (or a copy of it) needs 0755.
    scratch.chmod(0o755)
    old = None
    if site_dir.exists():
        old = site_dir.with_name(f".{site_dir.name}-old-{time.time_ns()}")
        site_dir.rename(old)
    scratch.rename(site_dir)
    if old:
        shutil.rmtree(old, ignore_errors=True)


def _quiet_mkdocs() -> None:
    # MkDocs logs every page at INFO; editors need only its warnings.
    logger = logging.getLogger("mkdocs")
    logger.setLevel(logging.WARNING)
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("MkDocs %(levelname)s: %(message)s"))
        logger.addHandler(handler)
