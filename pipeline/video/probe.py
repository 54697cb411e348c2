"""Probe a video with bounded time and memory: a typed result or a typed refusal.

A video is hostile input: a header may claim 100000×100000 pixels or a
duration of days, a truncated upload may hang a demuxer, and a decoder bug
may crash the process. So the probe runs in a child Python process
(``python -m pipeline.video.probe FILE``) with a memory cap (RLIMIT_AS) and a
wall-clock limit; whatever happens there, the caller gets a ``VideoInfo`` or
a ``VideoError`` with a rule code and an Indonesian message, never a
traceback. The child reads every packet (no decoding: a 25 MB file takes
~0.1 s) so a cut-off file shows, and decodes the first frame, which also
carries the display matrix (the rotation phones record instead of turning
the pixels).
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

MAX_SECONDS = 600.0  # default limit of a video's length (issue 16: 10 minutes)
MAX_EDGE = 8192  # wider or taller than 8K DCI (8192×4320) is no phone video
MAX_PIXELS = 8192 * 4320
ABSURD_SECONDS = 24 * 3600.0  # a header claiming a day or more is lying, not long
PROBE_TIMEOUT = 20.0  # seconds of wall time for the child, plus the time to read the file at READ_RATE
READ_RATE = 50_000_000  # bytes per second: a slow laptop hard disk
PROBE_MEMORY = 1536 * 1024 * 1024  # bytes of address space for the child
TRUNCATED_SLACK = 0.5  # seconds of packets that may be missing at the end before the file counts as cut off
VIDEO_FORMATS = ("mov", "mp4", "m4a", "3gp", "3g2", "mj2", "matroska", "webm", "avi", "mpegts")


@dataclass(frozen=True)
class VideoInfo:
    """What a probe found. ``width``/``height`` are the coded size; ``rotation`` turns it for display."""

    container: str  # FFmpeg's demuxer names, e.g. "mov,mp4,m4a,3gp,3g2,mj2"
    video_codec: str  # "h264", "hevc", ...
    audio_codec: str | None  # None: no sound track
    duration: float  # seconds
    width: int
    height: int
    rotation: int  # degrees counterclockwise to display (0, 90, 180, 270), from the display matrix
    bit_rate: int  # bits per second of the whole file
    frame_rate: float  # average frames per second (0 when unknown)

    @property
    def has_audio(self) -> bool:
        return self.audio_codec is not None

    @property
    def display_size(self) -> tuple[int, int]:
        """Width and height as shown: turned a quarter when the rotation says so."""
        return (self.height, self.width) if self.rotation in (90, 270) else (self.width, self.height)


class VideoError(Exception):
    """A video that cannot be used; ``rule`` and ``message`` (Indonesian) are shown to the editor."""

    def __init__(self, rule: str, message: str):
        super().__init__(message)
        self.rule = rule
        self.message = message


def probe(path: Path, max_seconds: float = MAX_SECONDS, timeout: float | None = None) -> VideoInfo:
    """Probe ``path`` in a bounded child process; raise ``VideoError`` for anything unusable.

    ``timeout`` defaults to ``PROBE_TIMEOUT`` plus a second per ``READ_RATE``
    bytes: every packet is read, and a 3 GB phone original on a laptop's
    hard disk needs that time without being hostile.
    """
    if not path.is_file():
        raise VideoError("video-missing", f"Berkas `{path.name}` tidak ditemukan. Periksa nama berkasnya.")
    if timeout is None:
        timeout = PROBE_TIMEOUT + path.stat().st_size / READ_RATE
    package_root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))}
    try:
        done = subprocess.run([sys.executable, "-m", "pipeline.video.probe", str(path)], env=env,
                              capture_output=True, text=True, timeout=timeout, check=False,
                              preexec_fn=_limit_memory if os.name == "posix" else None)
    except subprocess.TimeoutExpired:
        raise VideoError("video-corrupt", f"Berkas `{path.name}` tidak selesai dibaca dalam {math.ceil(timeout)} "
                                          "detik: kemungkinan rusak. Ekspor ulang videonya dari ponsel.") from None
    try:
        answer = json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else None
    except (ValueError, IndexError):
        answer = None
    if not isinstance(answer, dict):  # the child crashed or ran out of memory: the file broke a decoder
        raise VideoError("video-corrupt", f"Berkas `{path.name}` rusak: pembacanya berhenti di tengah jalan. "
                                          "Ekspor ulang videonya dari ponsel.")
    if "rule" in answer:
        raise VideoError(answer["rule"], answer["message"])
    info = VideoInfo(**answer)
    judge(info, path.name, max_seconds)
    return info


def judge(info: VideoInfo, name: str, max_seconds: float = MAX_SECONDS) -> None:
    """Refuse absurd header values and a video longer than ``max_seconds``."""
    judge_header(info.width, info.height, info.duration, name)
    if info.duration > max_seconds:
        raise VideoError("video-too-long", f"Video `{name}` berdurasi {clock(info.duration)}, lebih dari batas "
                                           f"{clock(max_seconds)}. Potong videonya (bagian terpenting saja) lalu "
                                           "coba lagi.")


def judge_header(w: int, h: int, duration: float, name: str) -> None:
    """Refuse a size or a duration no camera writes: the header is damaged or forged."""
    if w <= 0 or h <= 0:
        raise VideoError("video-header", f"Video `{name}` tidak menyebut ukuran gambarnya yang sah: kepala berkasnya "
                                         "rusak atau dipalsukan. Ekspor ulang videonya dari ponsel.")
    if w > MAX_EDGE or h > MAX_EDGE or w * h > MAX_PIXELS:
        raise VideoError("video-header", f"Video `{name}` mengaku berukuran {w}×{h} piksel, di luar batas wajar "
                                         f"(paling besar {MAX_EDGE} piksel per sisi): kepala berkasnya rusak atau "
                                         "dipalsukan. Ekspor ulang videonya dari ponsel.")
    if not 0 < duration < ABSURD_SECONDS:
        raise VideoError("video-header", f"Video `{name}` mengaku berdurasi {clock(duration)}, tidak masuk "
                                         "akal: kepala berkasnya rusak atau dipalsukan. Ekspor ulang videonya dari "
                                         "ponsel.")


def clock(seconds: float) -> str:
    """``12:05 menit``, ``5 jam 2 menit`` or ``49 hari``: the length in words an editor reads."""
    if seconds >= 2 * 86400:
        return f"{seconds / 86400:.0f} hari"
    whole = max(0, round(seconds))
    if whole >= 3600:
        return f"{whole // 3600} jam {whole % 3600 // 60} menit"
    return f"{whole // 60}:{whole % 60:02d} menit"


def decimal(value: float) -> str:
    """``value`` with one decimal and the Indonesian decimal comma: ``1,5``."""
    return f"{value:.1f}".replace(".", ",")


def _limit_memory() -> None:  # pragma: no cover - runs in the child between fork and exec
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (PROBE_MEMORY, PROBE_MEMORY))


# --------------------------------------------------------------------------- the child


def _refusal(rule: str, message: str) -> dict:
    return {"rule": rule, "message": message}


def inspect_file(path: Path) -> dict:
    """In the child: open, demux every packet, decode one frame; a dict for ``VideoInfo`` or a refusal."""
    import av

    name = path.name
    not_video = _refusal("video-type", f"Berkas `{name}` bukan video yang dikenal. Simpan sebagai MP4 atau MOV dari "
                                       "ponsel/kamera, lalu siapkan dengan `portal video prepare`.")
    try:
        container = av.open(str(path), options={"probesize": "10000000", "analyzeduration": "10000000"})
    except av.error.InvalidDataError:
        return not_video if not _looks_like_video(path) else _refusal(
            "video-corrupt", f"Video `{name}` rusak atau terpotong: indeksnya tidak dapat dibaca. Salin ulang "
                             "video aslinya dari ponsel.")
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        return _refusal("video-corrupt", f"Video `{name}` tidak dapat dibuka ({exc.__class__.__name__}). Salin "
                                         "ulang video aslinya dari ponsel.")
    with container:
        if not container.streams.video or not set(container.format.name.split(",")) & set(VIDEO_FORMATS):
            return not_video
        video = container.streams.video[0]
        if video.codec_context.name in ("mjpeg", "png", "bmp", "gif", "webp"):  # a cover image, a photo
            return not_video
        audio = container.streams.audio[0] if container.streams.audio else None
        duration = _duration(container, video)
        claimed = max(duration, container.duration / 1_000_000 if container.duration else 0.0)
        try:  # before reading any packet: a lying header bounds nothing below
            judge_header(video.codec_context.width, video.codec_context.height, claimed, name)
        except VideoError as exc:
            return _refusal(exc.rule, exc.message)
        cut = _cut_off(container, video, duration)
        if cut is not None:
            return _refusal("video-corrupt", f"Video `{name}` terpotong: datanya berhenti pada detik "
                                             f"{decimal(cut)} dari {decimal(duration)}. Salin ulang video aslinya "
                                             "dari ponsel.")
        rotation = _first_frame_rotation(container, video)
        if rotation is None:
            return _refusal("video-corrupt", f"Video `{name}` rusak: gambar pertamanya tidak dapat dibaca. Salin "
                                             "ulang video aslinya dari ponsel.")
        size = path.stat().st_size
        return asdict(VideoInfo(
            container=container.format.name, video_codec=video.codec_context.name,
            audio_codec=audio.codec_context.name if audio else None, duration=duration,
            width=video.codec_context.width, height=video.codec_context.height, rotation=rotation,
            bit_rate=container.bit_rate or (round(size * 8 / duration) if duration > 0 else 0),
            frame_rate=float(video.average_rate or video.guessed_rate or 0)))


def _looks_like_video(path: Path) -> bool:
    """An ISO media box or a Matroska header at the start: a video whose index is lost, not another file."""
    with path.open("rb") as handle:
        head = handle.read(12)
    return head[4:8] in (b"ftyp", b"mdat", b"moov", b"wide", b"free") or head[:4] == b"\x1a\x45\xdf\xa3"


def _duration(container, video) -> float:
    if video.duration and video.time_base:
        return float(video.duration * video.time_base)
    return container.duration / 1_000_000 if container.duration else 0.0


def _cut_off(container, video, duration: float) -> float | None:
    """Where the packets stop when they stop well before ``duration`` (a truncated file), else None."""
    if duration <= 0 or duration >= ABSURD_SECONDS:
        return None  # judged as an absurd header by the parent
    end = 0.0
    try:
        for packet in container.demux(video):
            if packet.pts is not None and packet.time_base:
                end = max(end, float((packet.pts + (packet.duration or 0)) * packet.time_base))
    except av_errors():
        pass  # a read error mid-file: where the packets stopped is the answer
    start = float(video.start_time * video.time_base) if video.start_time and video.time_base else 0.0
    return end - start if end - start < duration - TRUNCATED_SLACK else None


def av_errors() -> tuple[type[BaseException], ...]:
    """The exceptions a damaged file raises while it is read."""
    import av

    return (av.error.FFmpegError, OSError, ValueError)


def _first_frame_rotation(container, video) -> int | None:
    """The display rotation of the first decodable frame (0/90/180/270 counterclockwise), None if none decodes."""
    try:
        container.seek(0)
        video.codec_context.thread_count = 1  # the memory cap holds; one frame needs no threads
        for frame in container.decode(video):
            return round(frame.rotation or 0) % 360 // 90 * 90
    except av_errors():
        return None
    return None


def main(argv: list[str]) -> int:
    """The child: print one JSON line (a ``VideoInfo`` or a refusal); exit 0 unless it crashed."""
    import av

    av.logging.set_level(None)  # FFmpeg's own warnings are not the editor's business
    print(json.dumps(inspect_file(Path(argv[0]))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
