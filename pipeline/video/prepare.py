"""``portal video prepare``: a phone original into a web-ready MP4 small enough for git.

GitHub's web editor takes at most 25 MiB a file (and a push refuses 100 MB),
so the repository holds a 720p (or smaller) H.264 MP4 of at most
``UPLOAD_LIMIT`` bytes; the original stays in the secretariat's archive.
One pass: the bit rate comes from the duration (the budget divided by the
seconds, less a margin for the container and the VBV's short overshoots),
and a rare file that still ends too big is encoded once more at a lower rate.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from pipeline.video.probe import MAX_SECONDS, VideoError, VideoInfo, clock, decimal, probe
from pipeline.video.transcode import WEB, Progress, Rendition, encode, with_bit_rate

UPLOAD_LIMIT = 25_000_000  # bytes: below GitHub's 25 MiB web upload limit, with room to spare
MARGIN = 0.92  # of the budget left for the streams: the MP4 index and VBV overshoot take the rest
RETRY_FACTOR = 0.8
# (lowest video bit rate, lines): fewer pixels when a long clip gets few bits, so it stays sharp.
LADDER = ((900_000, 720), (450_000, 480), (0, 360))
SOURCE_SUFFIXES = (".mov", ".mp4", ".m4v", ".mkv", ".webm", ".3gp", ".avi")


@dataclass(frozen=True)
class Prepared:
    """The web-ready video written into the item folder."""

    path: Path
    bytes: int
    width: int
    height: int
    duration: float
    source: VideoInfo


def plan(duration: float, limit: int = UPLOAD_LIMIT, rendition: Rendition = WEB) -> Rendition:
    """``rendition`` with bit rates and size that fit ``duration`` seconds into ``limit`` bytes."""
    total = int(limit * 8 * MARGIN / max(duration, 1.0))
    audio = 128_000 if total >= 1_500_000 else 96_000 if total >= 600_000 else 64_000
    video = max(100_000, total - audio)
    lines = next(lines for floor, lines in LADDER if video >= floor)
    return with_bit_rate(rendition, video, audio, lines)


def output_name(source: Path) -> str:
    """``IMG_1234.MOV`` -> ``img-1234.mp4``: lowercase ASCII words joined by ``-``."""
    ascii_stem = unicodedata.normalize("NFKD", source.stem).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_stem.lower()).strip("-")
    return f"{slug or 'video'}.mp4"


def prepare(source: Path, folder: Path, progress: Progress | None = None, limit: int = UPLOAD_LIMIT,
            max_seconds: float = MAX_SECONDS) -> Prepared:
    """Write the web-ready MP4 of ``source`` into the item ``folder``; raise ``VideoError`` when it cannot."""
    if not (folder / "index.md").is_file():
        raise VideoError("video-folder", f"`{folder}` bukan folder berita (tidak ada index.md di dalamnya). Tulis "
                                         "folder beritanya, misalnya content/berita/2026/2026-11-20-rapat-paripurna.")
    info = probe(source, max_seconds)
    dest = folder / output_name(source)
    if dest.resolve() == source.resolve():
        dest = dest.with_name(f"{dest.stem}-web.mp4")
    rendition = plan(info.duration, limit)
    for _ in range(3):
        result = encode(source, dest, info, rendition, progress)
        if result.bytes <= limit:
            return Prepared(dest, result.bytes, result.width, result.height, info.duration, info)
        rendition = with_bit_rate(rendition, int(rendition.maxrate * RETRY_FACTOR), rendition.audio_rate,
                                  rendition.max_lines)
    dest.unlink(missing_ok=True)
    raise VideoError("video-too-big", f"Video `{source.name}` tidak dapat diperkecil sampai {limit / 1e6:.0f} MB. "
                                      "Potong videonya menjadi lebih pendek lalu coba lagi.")


def report(prepared: Prepared, source_name: str) -> list[str]:
    """The lines ``portal video prepare`` tells the editor: the file, what to add to index.md, the archive."""
    return [f"Video siap: {prepared.path} ({decimal(prepared.bytes / 1e6)} MB, {prepared.width}×{prepared.height}, "
            f"{clock(prepared.duration)}).",
            "Tambahkan ke front-matter index.md (ganti judulnya):",
            *front_matter(prepared).split("\n"),
            f"Video asli ({source_name}) tetap disimpan di arsip Sekretariat; jangan salin ke repositori."]


def front_matter(prepared: Prepared) -> str:
    """The ``videos:`` lines an editor adds to index.md for ``prepared``."""
    return ("videos:\n"
            f"  - file: {prepared.path.name}\n"
            "    title: Judul singkat videonya")
