"""``portal serve``: live preview through MkDocs' dev server.

A watcher re-checks and re-stages ``content/`` when it changes; the stage
only rewrites files whose text changed, and MkDocs' own watcher rebuilds.
"""

from __future__ import annotations

import os
import threading
import time

from pipeline import images
from pipeline.build import CACHE_DIR, STAGE_DIR
from pipeline.config import Config
from pipeline.report import format_report
from pipeline.stage import stage
from pipeline.validate import check


def _restage(config: Config) -> None:
    report = check(config)
    if report.errors:
        print(format_report(report), flush=True)
    # Preview what is valid: an item with errors must not block the others.
    bad = {p.file for p in report.problems if p.severity == "error"}
    items = [i for i in report.items if i.rel not in bad and i.date]
    pages = [p for p in report.pages if p.rel not in bad]
    cache = config.root / CACHE_DIR
    processed, stats, _failures = images.process([p.path for i in items for p in i.photos], cache)
    if stats.processed:
        print(stats.line(), flush=True)
    stage(config, items, pages, config.root / STAGE_DIR, processed, cache)


def _snapshot(root) -> dict[str, float]:
    state = {}
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            path = os.path.join(dirpath, name)
            try:
                state[path] = os.stat(path).st_mtime_ns
            except OSError:
                continue
    return state


def serve(config: Config, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Stage, then serve with live reload until interrupted."""
    from mkdocs.commands.serve import serve as mkdocs_serve

    _restage(config)

    def watch():
        last = _snapshot(config.content)
        while True:
            time.sleep(0.3)
            now = _snapshot(config.content)
            if now != last:
                last = now
                _restage(config)

    threading.Thread(target=watch, daemon=True).start()
    mkdocs_serve(str(config.root / "mkdocs.yml"), docs_dir=str(config.root / STAGE_DIR),
                 dev_addr=f"{host}:{port}")
