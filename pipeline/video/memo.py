"""Probe results remembered by the video's content: an unchanged video is probed once.

A probe starts a child Python with PyAV and reads every packet (~0.3 s for a
small clip, seconds for a 25 MB one): ``portal check`` runs on every push, so
as ``photos.images.InspectMemo`` does for photos, the result is kept under
``.portal/cache/`` keyed by the sha256 of the bytes, the file name (messages
name it) and the PyAV version (another FFmpeg may judge a file differently).
The duration limit is applied after the memo, so changing it needs no probe.
"""

from __future__ import annotations

import math
from dataclasses import asdict
from importlib import metadata
from pathlib import Path

from pipeline.photos.images import ContentHashes, read_index, write_index
from pipeline.video import probe as probing
from pipeline.video.probe import VideoInfo

PROBE_CACHE = ".portal/cache/video-probe.json"


def _decoder() -> str:
    """The PyAV version (it bundles FFmpeg), without importing it: the check itself decodes nothing."""
    try:
        return f"av {metadata.version('av')}"
    except metadata.PackageNotFoundError:  # not installed: no probe succeeds to be remembered
        return "av ?"


class ProbeMemo:
    """``probe`` remembered by content hash; ``__call__`` returns a ``VideoInfo`` or raises ``VideoError``.

    Only sound videos are remembered (what a warm check meets on every push).
    """

    VERSION = 1

    def __init__(self, path: Path):
        self.path = path
        data = read_index(path)
        if data.get("version") != self.VERSION:
            data = {}
        self.hashes = ContentHashes(data.get("hashes"))
        results = data.get("results")
        self.results: dict[str, dict] = results if isinstance(results, dict) else {}
        self.decoder = _decoder()
        self.changed = False

    def __call__(self, video: Path, max_seconds: float) -> VideoInfo:
        """What ``probe.probe(video, max_seconds)`` says, probing only a video not seen before."""
        key = f"{self.hashes(video)}|{self.decoder}|{video.name}"
        info = _info(self.results.get(key))
        if info is None:
            # A refusal raises here and is not kept: the editor replaces the file before merging, and a
            # timeout on a busy machine must not stick to a sound video.
            info = probing.probe(video, math.inf)
            self.results[key] = asdict(info)
            self.changed = True
        probing.judge(info, video.name, max_seconds)
        return info

    def save(self) -> None:
        """Write the memo (merged with what it held: a partial check must not forget other items)."""
        if not self.changed and self.hashes.used.items() <= self.hashes.known.items():
            return
        write_index(self.path, {"version": self.VERSION, "hashes": self.hashes.kept(partial=True),
                                "results": self.results}, quiet=True)  # read-only checkout: only slower next time


def _info(known: object) -> VideoInfo | None:
    """A remembered ``VideoInfo``; None when absent or of another layout (the file is a cache)."""
    try:
        return VideoInfo(**known) if isinstance(known, dict) else None
    except TypeError:
        return None
