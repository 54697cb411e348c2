"""Each platform's copy of an item's first video, and the build's video step (issue 16).

The web rendition (``transcode.WEB``: H.264 High, yuv420p, closed 2 s GOPs,
AAC-LC 48 kHz, at most 720 lines, at most 30 fps, at most ~20 MB a minute)
already fits most platforms; a platform gets its own copy only where a
documented limit says otherwise. The limits, as the platforms document them
(checked 2026-12):

- Facebook Page video (Graph API ``/{page-id}/videos``, resumable upload,
  "Video Specifications"): up to 10 GB and 240 minutes, MP4/MOV H.264/AAC
  recommended, aspect 9:16 to 16:9 recommended (not enforced): the web MP4
  always fits.
- Instagram Reels (Content Publishing API, ``media_type=REELS``, "Reels
  specifications"): MP4/MOV with the moov atom first, no edit lists, H.264 or
  HEVC, closed GOP, 4:2:0, AAC at most 48 kHz, 3 s to 15 min, 23 to 60 fps,
  at most 1920 px wide, aspect 0.01:1 to 10:1, at most 300 MB (the English
  page; some translations say 1 GB: the smaller one is taken).
- X (``POST /2/media/upload``, media category ``amplify_video``/
  ``tweet_video``, "media best practices"): 0.5 s to 140 s, at most 512 MB,
  32x32 to 1280x1024, aspect 1:3 to 3:1, at most 60 fps, 1:1 pixels, mono or
  stereo AAC-LC, yuv420p, closed GOP.
- Telegram Bot API (``sendVideo``, multipart upload): "Bots can currently
  send video files of up to 50 MB in size".

For each platform ``plan`` decides: reuse the web MP4 (no work, same site
path), or make a copy: trimmed at a keyframe by a remux without re-encoding
(too long and nothing else wrong: the web rendition's GOPs are closed and 2 s
long), re-encoded into a smaller frame (a portrait 720x1280 is taller than
X's 1024) and/or at a lower bit rate (Telegram's 50 MB), or none at all (a
clip shorter than Instagram's 3 s, an aspect outside X's range): that
platform then posts the photos (``RecordedVideo.for_platform`` is None).
Copies are made from the web rendition (already upright, 720p, stripped of
metadata), cached beside it under ``.portal/cache/videos`` by the web
rendition's key and the plan.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.video.prepare import plan as fit_rendition
from pipeline.video.probe import MAX_SECONDS, VideoError, VideoInfo
from pipeline.video.transcode import (
    MUXER_OPTIONS,
    WEB,
    Progress,
    Rendition,
    Transcoded,
    VideoCache,
    encode,
    output_size,
    transcode,
)

MB = 1000 * 1000
# The trimmed copy ends at a keyframe this far before the limit: AAC frames (21 ms) may run past the cut.
TRIM_MARGIN = 0.5
# A copy re-encoded to a byte limit aims this far below it (x264's VBV cap is a bound on average, not exact).
BYTES_MARGIN = 0.9


@dataclass(frozen=True)
class Limits:
    """What one platform accepts of a video (see the module docstring for the sources)."""

    platform: str
    min_seconds: float
    max_seconds: float
    max_bytes: int
    box: tuple[int, int] | None = None  # the largest width and height, None: no bound below the web size
    min_aspect: float = 0.0  # width / height
    max_aspect: float = float("inf")
    min_fps: float = 0.0
    max_fps: float = 60.0


LIMITS: dict[str, Limits] = {
    "facebook": Limits("facebook", 1.0, 240 * 60.0, 10_000 * MB),
    "instagram": Limits("instagram", 3.0, 15 * 60.0, 300 * MB, (1920, 3600), 0.01, 10.0, 23.0, 60.0),
    "x": Limits("x", 0.5, 140.0, 512 * MB, (1280, 1024), 1 / 3, 3.0, 0.0, 60.0),
    "telegram": Limits("telegram", 0.0, float("inf"), 50 * MB),
}


@dataclass(frozen=True)
class Plan:
    """How a platform's copy is made from the web rendition."""

    platform: str
    reuse: bool = False  # the web MP4 fits as it is
    until: float | None = None  # cut at this second
    box: tuple[int, int] | None = None  # re-encode into this frame
    rendition: Rendition | None = None  # re-encode with these settings (None: a remux when only ``until``)

    @property
    def remux(self) -> bool:
        return not self.reuse and self.box is None and self.rendition is None

    def fingerprint(self) -> str:
        return json.dumps([self.until, self.box, self.rendition.fingerprint() if self.rendition else None,
                           TRIM_MARGIN])


@dataclass(frozen=True)
class Copy:
    """A platform's copy of a video: the cache file it uploads (the web MP4 when ``reused``)."""

    platform: str
    path: Path
    reused: bool
    width: int
    height: int
    duration: float
    bytes: int
    encoded: bool = False  # made in this run


def plan(web: Transcoded, limits: Limits) -> Plan | None:
    """How ``web`` becomes ``limits.platform``'s copy; None when the video cannot fit that platform."""
    aspect = web.width / web.height
    if web.duration < limits.min_seconds or not limits.min_aspect <= aspect <= limits.max_aspect:
        return None
    if web.frame_rate and not limits.min_fps <= web.frame_rate <= limits.max_fps:
        return None  # the web rendition caps at 30 fps: only a source below 23 fps ends here
    until = limits.max_seconds - TRIM_MARGIN if web.duration > limits.max_seconds else None
    box = limits.box if limits.box and (web.width > limits.box[0] or web.height > limits.box[1]) else None
    seconds = until if until is not None else web.duration
    # The copy's bytes, estimated from the web rendition's average rate over the kept part.
    rendition = None
    if web.bytes * seconds / web.duration > limits.max_bytes * BYTES_MARGIN:
        rendition = fit_rendition(seconds, int(limits.max_bytes * BYTES_MARGIN))
    elif box:
        rendition = WEB
    if until is None and rendition is None:
        return Plan(limits.platform, reuse=True)
    return Plan(limits.platform, until=until, box=box, rendition=rendition)


def expected(info: VideoInfo, source: Path, platform: str) -> Copy | None:
    """What ``platform`` will get of the video ``source`` (probed as ``info``), before anything is encoded.

    For the reviewer summary, which runs on a pull request without building:
    the web rendition's geometry as ``encode`` computes it, its bytes taken as
    the source's (a prepared MP4 is already near the web settings), and the
    platform's copy as ``plan`` would make it. Bytes and cut are estimates.
    """
    size = source.stat().st_size
    width, height = output_size(info, WEB.max_lines)
    web = Transcoded(source, source, source, source, width, height, info.duration, size, False,
                     min(info.frame_rate, WEB.max_fps) if info.frame_rate > 0 else 0.0)
    chosen = plan(web, LIMITS[platform])
    if chosen is None:
        return None
    if chosen.reuse:
        return Copy(platform, source, True, width, height, info.duration, size)
    seconds = chosen.until if chosen.until is not None else info.duration
    if chosen.box:
        width, height = output_size(info, WEB.max_lines, chosen.box)
    share = int(size * seconds / max(info.duration, 0.001))
    cap = int(LIMITS[platform].max_bytes * BYTES_MARGIN) if chosen.rendition not in (None, WEB) else share
    return Copy(platform, source, False, width, height, seconds, min(share, cap))


def copy_key(web: Transcoded, chosen: Plan) -> str:
    """The cache key of a copy: the web rendition's key (its file's stem) and the plan."""
    return hashlib.sha256(f"{web.video.stem}|{chosen.fingerprint()}".encode()).hexdigest()[:32]


def platform_copy(web: Transcoded, platform: str, cache_dir: Path, progress: Progress | None = None) -> Copy | None:
    """``platform``'s copy of ``web``, from the cache or made now; None when the video cannot fit it."""
    limits = LIMITS[platform]
    chosen = plan(web, limits)
    if chosen is None:
        return None
    if chosen.reuse:
        return Copy(platform, web.video, True, web.width, web.height, web.duration, web.bytes)
    cache = VideoCache(cache_dir)
    key = copy_key(web, chosen)
    entry = cache.get(key)
    encoded = entry is None
    if entry is None:
        entry = _make(web, chosen, cache_dir / f"{key}.mp4", progress)
        if not _fits(entry, limits):  # measured, not estimated: a copy over the limit is never posted
            (cache_dir / f"{key}.mp4").unlink(missing_ok=True)
            entry = {"files": [], "fits": False}
        cache = VideoCache(cache_dir)  # re-read: the index may have changed while this one was encoded
        cache.outputs[key] = entry
        cache.save()
    if entry.get("fits") is False:
        return None
    return Copy(platform, cache_dir / f"{key}.mp4", False, entry["width"], entry["height"], entry["duration"],
                entry["bytes"], encoded)


def _fits(entry: dict, limits: Limits) -> bool:
    width, height = entry["width"], entry["height"]
    inside = limits.box is None or (width <= limits.box[0] and height <= limits.box[1])
    return inside and entry["bytes"] <= limits.max_bytes and entry["duration"] <= limits.max_seconds


def _make(web: Transcoded, chosen: Plan, dest: Path, progress: Progress | None) -> dict:
    if chosen.remux:
        assert chosen.until is not None
        cut = remux(web.video, dest, chosen.until)
        return {"files": [dest.name], "width": web.width, "height": web.height, "duration": cut,
                "bytes": dest.stat().st_size, "remux": True}
    result = encode(web.video, dest, web_info(web), chosen.rendition or WEB, progress, chosen.box, chosen.until)
    return {"files": [dest.name], "width": result.width, "height": result.height, "duration": result.duration,
            "bytes": result.bytes}


def web_info(web: Transcoded) -> VideoInfo:
    """What a probe of the web rendition would say, from the cache: a copy then opens no extra process."""
    return VideoInfo(container="mov,mp4,m4a,3gp,3g2,mj2", video_codec="h264", audio_codec="aac",
                     duration=web.duration, width=web.width, height=web.height, rotation=0,
                     bit_rate=int(web.bytes * 8 / max(web.duration, 0.001)), frame_rate=web.frame_rate)


def remux(source: Path, dest: Path, until: float) -> float:
    """Copy ``source``'s packets before its last keyframe at or before ``until`` into ``dest``; return the cut.

    No re-encoding: the web rendition's GOPs are closed, so every frame
    before a keyframe needs only frames before it. Raises ``VideoError``.
    """
    import av

    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    try:
        with av.open(str(source)) as inp:
            video = inp.streams.video[0]
            keyframes = [float(p.pts * p.time_base) for p in inp.demux(video)
                         if p.is_keyframe and p.pts is not None]
        cut = max((k for k in keyframes if 0 < k <= until), default=until)
        with av.open(str(source)) as inp, av.open(str(tmp), "w", format="mp4", options=MUXER_OPTIONS) as out:
            kept = [inp.streams.video[0], *inp.streams.audio[:1]]
            streams = {s.index: out.add_stream_from_template(s) for s in kept}
            for packet in inp.demux(*kept):
                if packet.dts is None or packet.pts is None or packet.pts * packet.time_base >= cut:
                    continue  # a demuxer's flush packet, or past the cut
                packet.stream = streams[packet.stream.index]
                out.mux(packet)
        os.replace(tmp, dest)
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        raise VideoError("video-corrupt", f"Video `{source.name}` tidak dapat dipotong ({exc.__class__.__name__}). "
                                          "Jalankan `portal build` lagi; bila tetap gagal, hapus folder "
                                          ".portal/cache/videos.") from exc
    finally:
        tmp.unlink(missing_ok=True)
    return cut


# --------------------------------------------------------------------------- the build's video step


@dataclass(frozen=True)
class Job:
    """One video to transcode: its source, poster second and the platforms it is posted to (first video only)."""

    source: Path
    poster_at: float | None = None
    platforms: tuple[str, ...] = ()


@dataclass
class VideoStats:
    """What the video step did, for the build's summary line."""

    processed: int = 0  # sources with any output made in this run
    cached: int = 0
    copies: int = 0  # platform copies (not the reused web MP4) on the site
    bytes_out: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        """``Video: 1 diolah, 2 dari cache; 1 salinan platform; 12,3 MB; 4,5 detik.``"""
        def num(value: float) -> str:
            return f"{value:.1f}".replace(".", ",")

        return (f"Video: {self.processed} diolah, {self.cached} dari cache; {self.copies} salinan platform; "
                f"{num(self.bytes_out / MB)} MB; {num(self.seconds)} detik.")


@dataclass
class Processed:
    """The build's videos: web renditions by source, platform copies by source and platform."""

    videos: dict[Path, Transcoded] = field(default_factory=dict)
    copies: dict[Path, dict[str, Copy]] = field(default_factory=dict)
    stats: VideoStats = field(default_factory=VideoStats)
    failures: list[tuple[Path, str]] = field(default_factory=list)


def process(jobs: Sequence[Job], cache_dir: Path, progress: bool | None = None, prune: bool = False,
            max_seconds: float = MAX_SECONDS) -> Processed:
    """Transcode every job's source (web MP4 + posters) and its platforms' copies; nothing raised for a bad one.

    Failures are ``(path, message)`` pairs, as ``photos.images.process``
    returns them. ``prune`` (a full build, which knows every video) deletes
    the cached outputs no job uses any more. ``progress`` (default: stderr
    is a terminal and ``CI`` is unset) draws a bar like the photos' one.
    ``max_seconds`` is the check's limit (``limits.video_seconds``): both judge alike.
    """
    started = time.perf_counter()
    show = sys.stderr.isatty() and not os.environ.get("CI") if progress is None else progress
    done = Processed()
    for index, job in enumerate(jobs):
        report = _bar(index, len(jobs)) if show else None
        try:
            web = transcode(job.source, cache_dir, WEB, job.poster_at, report, max_seconds)
            copies = {p: c for p in job.platforms if (c := platform_copy(web, p, cache_dir)) is not None}
        except VideoError as exc:
            done.failures.append((job.source, exc.message))
            continue
        done.videos[job.source], done.copies[job.source] = web, copies
        made = web.encoded or any(c.encoded for c in copies.values())
        done.stats.processed += made
        done.stats.cached += not made
        own = [c for c in copies.values() if not c.reused]
        done.stats.copies += len(own)
        done.stats.bytes_out += web.bytes + sum(c.bytes for c in own)
    if show and jobs:
        print(file=sys.stderr)
    # A failed source's cached outputs are still wanted once it is fixed; no cache yet: nothing to prune.
    if prune and not done.failures and cache_dir.is_dir():
        cache = VideoCache(cache_dir)
        cache.prune(_used(done), {str(job.source) for job in jobs})
        cache.save()
    done.stats.seconds = time.perf_counter() - started
    return done


def _used(done: Processed) -> set[str]:
    names = set()
    for web in done.videos.values():
        names |= {web.video.name, web.poster_webp.name, web.poster_jpeg.name, web.video.stem}
    for copies in done.copies.values():
        names |= {c.path.name for c in copies.values()}
    # A copy that fit no limit is remembered by its key alone (no file): keep it, or it is re-encoded each build.
    for web in done.videos.values():
        names |= _unfit_keys(web, done.copies.get(web.source, {}))
    return names


def _unfit_keys(web: Transcoded, copies: dict[str, Copy]) -> set[str]:
    keys = set()
    for platform, limits in LIMITS.items():
        chosen = plan(web, limits)
        if platform not in copies and chosen is not None and not chosen.reuse:
            keys.add(copy_key(web, chosen))
    return keys


def _bar(index: int, total: int) -> Progress:
    def report(fraction: float) -> None:
        overall = (index + fraction) / total
        bar = "#" * int(30 * overall)
        print(f"\rVideo [{bar:<30}] {index + 1}/{total} {int(100 * fraction):3d}%", end="", file=sys.stderr,
              flush=True)
    return report

