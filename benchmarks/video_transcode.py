"""Time the video pipeline on a generated 60-second 1080p30 phone clip (issue 16).

    .venv/bin/python benchmarks/video_transcode.py [--seconds 60] [--hevc] [--presets veryfast,faster] [--keep]

What it does:

1. Makes the clip with Debian's ffmpeg: ``testsrc2`` at 1920x1080, 30 fps,
   with temporal noise over it (a phone sensor's grain, so the encoder
   works as hard as on a real clip), H.264 High at ~16 Mbit/s (what phones
   record at 1080p30; ``--hevc``: HEVC as iPhones record) with AAC 48 kHz
   stereo sound, a GPS tag and the display matrix of a phone held upright
   (so the rotation path runs too).
2. Cold run: ``pipeline.video.transcode.transcode(clip, empty_cache)``, i.e.
   probe + every rendition (today: the 720p web rendition) + the WebP and
   JPEG posters. Prints wall time as a ratio of the clip's duration (target
   <= 0.75 on 2 cores) and the CPU seconds of this process and its children
   (the machine may be shared: CPU time says what the work cost).
3. Warm run: the same call with nothing changed: must do no video work
   (``encoded`` is False) and take a fraction of a second (one hash of the
   source, remembered by size and mtime).
4. ``--presets``: the cold run once per x264 preset given, to compare time
   and bytes (the web rendition's CRF/maxrate stay the same).
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

from pipeline.video.probe import probe  # noqa: E402
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


def timed(clip: Path, cache: Path, rendition=WEB):
    wall, cpu = time.perf_counter(), cpu_seconds()
    result = transcode(clip, cache, rendition)
    return result, time.perf_counter() - wall, cpu_seconds() - cpu


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
        ok = True
        for preset in [WEB.preset] + [p for p in args.presets.split(",") if p and p != WEB.preset]:
            rendition = dataclasses.replace(WEB, preset=preset)
            cache = work / f"cache-{preset}"
            cold, wall, cpu = timed(clip, cache, rendition)
            ratio = wall / info.duration
            print(f"cold [{preset}]: {wall:.1f} s wall = {ratio:.2f}x the clip (target <= {TARGET_RATIO}), "
                  f"{cpu:.1f} CPU s; web {cold.width}x{cold.height} {cold.bytes / 1e6:.2f} MB "
                  f"({cold.bytes * 8 / cold.duration / 1e6:.2f} Mbit/s), posters "
                  f"{cold.poster_webp.stat().st_size // 1000} KB WebP + {cold.poster_jpeg.stat().st_size // 1000} KB JPEG")
            if preset == WEB.preset:
                ok &= ratio <= TARGET_RATIO
                warm, wall, cpu = timed(clip, cache, rendition)
                print(f"warm [{preset}]: {wall:.3f} s wall, {cpu:.3f} CPU s, video work done: {warm.encoded}")
                ok &= not warm.encoded
        print("OK" if ok else "TARGET MISSED")
        return 0 if ok else 1
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
