"""Time the video pipeline on a generated 60-second 1080p30 phone clip (issue 16).

    .venv/bin/python benchmarks/video_transcode.py [--seconds 60] [--hevc] [--presets veryfast,faster] [--keep]

What it does:

1. Makes the clip with Debian's ffmpeg: ``testsrc2`` at 1920x1080, 30 fps,
   with temporal noise over it (a phone sensor's grain, so the encoder
   works as hard as on a real clip), H.264 High at ~16 Mbit/s (what phones
   record at 1080p30; ``--hevc``: HEVC as iPhones record) with AAC 48 kHz
   stereo sound, a GPS tag and the display matrix of a phone held upright
   (so the rotation path runs too).
2. Cold run: the build's video step (``pipeline.video.renditions.process``)
   for an item posted to every platform, into an empty cache: probe + the
   720p web rendition + the WebP and JPEG posters + every platform copy the
   clip needs (the upright 720x1280 web MP4 is taller than X's 1280x1024:
   one re-encoded X copy; Facebook, Instagram and Telegram reuse the web
   MP4). Prints wall time as a ratio of the clip's duration (target <= 0.75
   on 2 cores) and the CPU seconds of this process and its children (the
   machine may be shared: CPU time says what the work cost).
3. Warm run: the same call with nothing changed: must do no video work
   (nothing encoded) and take a fraction of a second (one hash of the
   source, remembered by size and mtime).
4. ``--presets``: the web rendition alone once per x264 preset given, to
   compare time and bytes (the web rendition's CRF/maxrate stay the same).
"""

from __future__ import annotations

import argparse
import dataclasses
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.config import PLATFORMS  # noqa: E402
from pipeline.video.probe import probe  # noqa: E402
from pipeline.video.renditions import Job, process  # noqa: E402
from pipeline.video.transcode import WEB, transcode  # noqa: E402

TARGET_RATIO = 0.75


def make_clip(path: Path, seconds: int, hevc: bool) -> None:
    """A phone-like 1080p30 clip (see the module docstring)."""
    codec = ["-c:v", "libx265", "-x265-params", "log-level=error", "-tag:v", "hvc1", "-preset", "ultrafast"] \
        if hevc else ["-c:v", "libx264", "-preset", "ultrafast", "-profile:v", "high"]
    raw = path.with_name("encoded" + path.suffix)
    quiet = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y"]
    subprocess.run([*quiet, "-f", "lavfi", "-i", f"testsrc2=size=1920x1080:rate=30:duration={seconds}",
                    "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}",
                    "-vf", "noise=alls=10:allf=t", "-pix_fmt", "yuv420p", *codec, "-b:v", "16M",
                    "-c:a", "aac", "-ac", "2", str(raw)], check=True)
    # ffmpeg 5.1 writes a display matrix only when copying: the phone's tags in a second, cheap step.
    subprocess.run([*quiet, "-i", str(raw), "-c", "copy", "-metadata", "location=+06.2000+106.8000/",
                    "-metadata:s:v", "rotate=90", str(path)], check=True)
    raw.unlink()


def cpu_seconds() -> float:
    """User + system CPU of this process and its finished children."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def timed(function, *args):
    wall, cpu = time.perf_counter(), cpu_seconds()
    result = function(*args)
    return result, time.perf_counter() - wall, cpu_seconds() - cpu


def all_renditions(clip: Path, cache: Path):
    """What ``portal build`` does for an item with this video posted to every platform."""
    done = process([Job(clip, None, tuple(PLATFORMS))], cache, progress=False)
    if done.failures:
        raise SystemExit(f"failed: {done.failures}")
    return done


def report_all(clip: Path, cache: Path, duration: float) -> bool:
    """The cold and the warm run of every rendition; True when both meet their target."""
    done, wall, cpu = timed(all_renditions, clip, cache)
    ratio = wall / duration
    web = done.videos[clip]
    print(f"cold [all renditions]: {wall:.1f} s wall = {ratio:.2f}x the clip (target <= {TARGET_RATIO}), "
          f"{cpu:.1f} CPU s; web {web.width}x{web.height} {web.bytes / 1e6:.2f} MB "
          f"({web.bytes * 8 / web.duration / 1e6:.2f} Mbit/s), posters {web.poster_webp.stat().st_size // 1000} KB "
          f"WebP + {web.poster_jpeg.stat().st_size // 1000} KB JPEG")
    for platform, copy in done.copies[clip].items():
        what = "reuses the web MP4" if copy.reused else f"own copy {copy.width}x{copy.height}, {copy.duration:.1f} s"
        print(f"  {platform}: {what}, {copy.bytes / 1e6:.2f} MB")
    print(f"  no rendition: {', '.join(p for p in PLATFORMS if p not in done.copies[clip]) or '-'}")
    warm, wall, cpu = timed(all_renditions, clip, cache)
    print(f"warm [all renditions]: {wall:.3f} s wall, {cpu:.3f} CPU s, video work done: "
          f"{bool(warm.stats.processed)} ({warm.stats.line()})")
    return ratio <= TARGET_RATIO and not warm.stats.processed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--hevc", action="store_true", help="an HEVC source, as iPhones record")
    parser.add_argument("--presets", default="", help="comma-separated x264 presets to compare")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder")
    args = parser.parse_args()
    if not shutil.which("ffmpeg"):
        print("ffmpeg is needed to make the clip (apt-get install ffmpeg)", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="video-bench-"))
    try:
        clip = work / ("clip-hevc.mov" if args.hevc else "clip.mp4")
        started = time.perf_counter()
        make_clip(clip, args.seconds, args.hevc)
        info = probe(clip)
        print(f"clip: {info.width}x{info.height} {info.video_codec} rotation {info.rotation}, {info.duration:.1f} s, "
              f"{clip.stat().st_size / 1e6:.1f} MB (made in {time.perf_counter() - started:.1f} s)")
        ok = report_all(clip, work / "cache", info.duration)
        for preset in [p for p in args.presets.split(",") if p]:
            rendition = dataclasses.replace(WEB, preset=preset)
            web, wall, cpu = timed(transcode, clip, work / f"cache-{preset}", rendition)
            print(f"web only [{preset}]: {wall:.1f} s wall = {wall / info.duration:.2f}x the clip, {cpu:.1f} CPU s, "
                  f"{web.bytes / 1e6:.2f} MB")
        print("OK" if ok else "TARGET MISSED")
        return 0 if ok else 1
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
