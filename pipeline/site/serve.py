"""``portal serve``: live preview through MkDocs' dev server, fast with thousands of items.

A watcher notices which item folders changed (by file size and mtime),
re-checks only those, re-stages (the stage rewrites only files whose text
changed) and MkDocs, in dirty mode, re-renders only those pages. An item
with errors is left out of the preview (its errors are printed) so it does
not block the others.

With many items the preview holds a subset: the newest ``PREVIEW_ITEMS``
plus every item edited while it runs (``--all`` for everything). Measured
(benchmarks/serve_latency.py): a dirty MkDocs build of 1,000 items spends
~3 s just listing and stat-ing their 28,000 photo variants.
"""

from __future__ import annotations

import os
import threading
import time
import traceback
from pathlib import Path

from pipeline.actions import shown
from pipeline.check.report import format_report
from pipeline.check.rules import Report, check
from pipeline.config import Config
from pipeline.content.load import Content
from pipeline.content.model import Item, Page
from pipeline.photos import images
from pipeline.site import sections
from pipeline.site.build import CACHE_DIR, STAGE_DIR, VIDEO_CACHE_DIR
from pipeline.site.stage import stage
from pipeline.video import renditions

POLL_SECONDS = 0.2
PREVIEW_ITEMS = 100


def signature(root: Path) -> dict[Path, tuple]:
    """``{folder: (name, size, mtime) of each file}`` for every folder under ``root``."""
    state: dict[Path, tuple] = {}
    for dirpath, _dirs, files in os.walk(root):
        entries = []
        for name in files:
            try:
                st = os.lstat(os.path.join(dirpath, name))
            except OSError:
                continue
            entries.append((name, st.st_size, st.st_mtime_ns))
        state[Path(dirpath)] = tuple(sorted(entries))
    return state


class Preview:
    """Keeps the checked items between edits and re-checks only what changed."""

    def __init__(self, config: Config, limit: int | None = PREVIEW_ITEMS):
        self.config = config
        self.limit = limit
        self.items: dict[Path, Item] = {}
        self.pages: list[Page] = []
        self.content: Content | None = None  # of the last full check: agenda, council
        self.state: dict[Path, tuple] = {}
        self.edited: set[Path] = set()

    def refresh(self, now: dict[Path, tuple] | None = None) -> None:
        """Re-check the changed folders (all of them the first time) and re-stage."""
        config = self.config
        now = signature(config.content) if now is None else now
        changed = [folder for folder in set(now) | set(self.state) if now.get(folder) != self.state.get(folder)]
        first = not self.state
        self.state = now
        item_folders = {f for f in changed if f.parent.parent.name == "berita" and f.is_relative_to(config.content)}
        if not first:
            self.edited |= item_folders
        if first or any(f not in item_folders for f in changed):
            report = check(config)  # layout, pages, agenda, council or the first run: check everything
            self.items = {}
            self.content = report.content
        else:
            report = check(config, [f for f in item_folders if f.exists()]) if any(
                f.exists() for f in item_folders) else Report()
            for folder in item_folders:
                self.items.pop(folder, None)
            report.pages = self.pages
        if report.errors:
            print(format_report(Report([p for p in report.problems if p.severity == "error"],
                                       report.items, report.pages)), flush=True)
        bad = {p.file for p in report.problems if p.severity == "error"}
        for item in report.items:
            if item.rel not in bad and item.date:
                self.items[item.folder] = item
        self.pages = [p for p in report.pages if p.rel not in bad]
        items = self.shown()
        cache = config.root / CACHE_DIR
        photos = [p.path for i in items for p in i.photos]
        photos += sections.photo_paths(self.content) if self.content is not None else []
        processed, stats, _failures = images.process(photos, cache)
        if stats.processed:
            print(stats.line(), flush=True)
        # The web MP4 and posters of the shown items' videos (issue 16): the preview shows what the site will.
        media = renditions.process([renditions.Job(v.path, v.poster_at) for i in items if i.listed for v in i.videos],
                                   config.root / VIDEO_CACHE_DIR, max_seconds=config.limits.video_seconds)
        for path, message in media.failures:  # checked a moment ago: a race with the editor's copy, say it
            print(f"Video gagal diproses: {shown(path)}: {shown(message)}", flush=True)
        if media.stats.processed:
            print(media.stats.line(), flush=True)
        stage(config, items, self.pages, config.root / STAGE_DIR, processed, cache, content=self.content,
              videos=media.videos)


    def shown(self) -> list[Item]:
        """The items in the preview: the newest ``limit`` plus every edited one."""
        items = sorted(self.items.values(), key=lambda i: (i.date, i.slug), reverse=True)
        if self.limit is None or len(items) <= self.limit:
            return items
        return items[: self.limit] + [i for i in items[self.limit:] if i.folder in self.edited]


def serve(config: Config, host: str = "127.0.0.1", port: int = 8000, all_items: bool = False) -> None:
    """Stage, then serve with live reload until interrupted."""
    from mkdocs.commands.serve import serve as mkdocs_serve

    preview = Preview(config, None if all_items else PREVIEW_ITEMS)
    preview.refresh()
    if preview.limit and len(preview.items) > preview.limit:
        print(f"Pratinjau memuat {preview.limit} berita terbaru dari {len(preview.items)}; berita yang Anda "
              "sunting selama pratinjau berjalan selalu ikut. Jalankan `portal serve --all` untuk semuanya.",
              flush=True)

    def watch():
        while True:
            time.sleep(POLL_SECONDS)
            try:
                now = signature(config.content)
                if now != preview.state:
                    preview.refresh(now)
            except Exception:  # a bug: show it, keep the preview alive, the next edit retries
                traceback.print_exc()

    threading.Thread(target=watch, daemon=True).start()
    # Dirty builds: MkDocs re-renders only the pages whose staged file changed.
    mkdocs_serve(str(config.root / "mkdocs.yml"), build_type="dirty", docs_dir=str(config.root / STAGE_DIR),
                 dev_addr=f"{host}:{port}")
