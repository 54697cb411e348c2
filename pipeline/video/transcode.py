"""Transcode a probed video into a web rendition and poster frames, cached by content hash.

The web rendition plays in every browser and on every platform without a
player: H.264 High, yuv420p, at most 720 lines on the short edge (a portrait
phone clip becomes 720×1280), even dimensions, constant frame rate of at
most 30 fps, a closed GOP with a keyframe every 2 s (seeking and HLS-like
platforms cut there), AAC-LC 48 kHz stereo, MP4 with the index (``moov``)
before the data so playback starts before the download ends. The display
matrix is applied to the pixels and no metadata of the source is copied:
phones write the GPS position (``©xyz``), make and model into MP4/MOV too.

x264 settings: CRF 23 (x264's default, visually clean at 720p) capped by a
VBV ``maxrate`` of 2.5 Mbit/s (with 128 kbit/s of sound: at most ~20 MB a
minute on slow mobile data; a calm clip stays well below), preset
``veryfast``: on the 2-core runner a 60 s 1080p30 clip must become all its
renditions in ≤ 45 s. Measured on benchmarks/video_transcode.py's noisy
1080p clip (2026-12, a loaded 2-core machine): veryfast 26.6 CPU s, faster
35.4, medium 62.5, all at the same bytes (the maxrate cap binds on a grainy
phone clip), so a slower preset buys little here and costs the target.

Outputs are cached under ``.portal/cache/videos`` by a hash of the source
bytes and the rendition's settings (with PyAV's and FFmpeg's versions), as
the photos are: a rebuild with nothing changed opens no video. ``encode``'s
``box`` and ``until`` serve the platforms' own copies (``renditions.py``);
``VideoCache.prune`` drops what a full build no longer uses.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from fractions import Fraction
from pathlib import Path

from PIL import Image, ImageStat

from pipeline.photos.images import ContentHashes, read_index, write_index
from pipeline.video.probe import MAX_SECONDS, VideoError, VideoInfo, probe

Progress = Callable[[float], None]

# Bump when encode()/poster() change what an output holds: old cache entries then miss.
GEOMETRY = 1
AUDIO_RATE = 48_000


@dataclass(frozen=True)
class Rendition:
    """One encoded output of every video: its size bound, frame rate cap and bit rates."""

    name: str
    max_lines: int = 720  # bound of the short edge, in pixels
    max_fps: int = 30
    crf: int = 23
    preset: str = "veryfast"
    maxrate: int = 2_500_000  # video bits per second (VBV cap)
    audio_rate: int = 128_000
    gop_seconds: int = 2

    def fingerprint(self) -> str:
        import av

        return json.dumps([asdict(self), av.__version__, av.library_versions["libavcodec"], GEOMETRY])


WEB = Rendition("web")
# faststart: the index (moov) before the data, so playback starts at once; bitexact: no "encoder"
# tag, hence no udta/meta box at all (exiftool would read its 'appl' handler as a device vendor).
MUXER_OPTIONS = {"movflags": "+faststart", "fflags": "+bitexact"}
POSTER_QUALITY = {"webp": 80, "jpg": 82}


@dataclass(frozen=True)
class Encoded:
    """What ``encode`` wrote."""

    path: Path
    width: int
    height: int
    duration: float
    bytes: int


@dataclass(frozen=True)
class Transcoded:
    """The cached rendition and posters of one source video."""

    source: Path
    video: Path
    poster_webp: Path
    poster_jpeg: Path
    width: int
    height: int
    duration: float
    bytes: int
    encoded: bool  # False: everything came from the cache
    frame_rate: float = 0.0  # frames per second of the rendition (0: unknown, an entry cached before it was kept)


# --------------------------------------------------------------------------- geometry


def output_size(info: VideoInfo, max_lines: int, box: tuple[int, int] | None = None) -> tuple[int, int]:
    """The upright output size: the short edge at most ``max_lines``, inside ``box`` (w, h), aspect kept, even."""
    w, h = info.display_size
    scale = min(1.0, max_lines / min(w, h))
    if box:
        scale = min(scale, box[0] / w, box[1] / h)
    # Rounded down to even numbers inside a box: rounding up could cross the platform's limit by a pixel.
    even = (lambda v: int(v / 2) * 2) if box else (lambda v: round(v / 2) * 2)
    return max(2, even(w * scale)), max(2, even(h * scale))


def _frame_rate(info: VideoInfo, max_fps: int) -> Fraction:
    rate = Fraction(info.frame_rate).limit_denominator(1001) if info.frame_rate > 0 else Fraction(max_fps)
    return min(rate, Fraction(max_fps))


# As FFmpeg's own autorotate (fftools): the matrix says how far to turn counterclockwise.
_ROTATE: dict[int, list[tuple[str, str | None]]] = {
    90: [("transpose", "cclock")], 180: [("hflip", None), ("vflip", None)], 270: [("transpose", "clock")]}


def _rotate_filters(rotation: int) -> list[tuple[str, str | None]]:
    return _ROTATE.get(rotation, [])


# --------------------------------------------------------------------------- encoding


def encode(source: Path, dest: Path, info: VideoInfo, rendition: Rendition = WEB,
           progress: Progress | None = None, box: tuple[int, int] | None = None,
           until: float | None = None) -> Encoded:
    """Encode ``source`` (already probed as ``info``) into ``dest`` as ``rendition``; raise ``VideoError``.

    ``box`` bounds the output's width and height (a platform's largest frame);
    ``until`` cuts the video at that second (a platform's longest video).
    """
    import av

    width, height = output_size(info, rendition.max_lines, box)
    if until is not None and until < info.duration:
        info = replace(info, duration=until)
    rate = _frame_rate(info, rendition.max_fps)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    try:
        with av.open(str(source)) as inp, av.open(str(tmp), "w", format="mp4",
                                                   options=MUXER_OPTIONS) as out:
            _transcode_streams(inp, out, info, rendition, (width, height), rate, progress, until)
        os.replace(tmp, dest)
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        raise VideoError("video-corrupt", f"Video `{source.name}` tidak dapat dikonversi: isinya rusak di tengah "
                                          f"({exc.__class__.__name__}). Salin ulang video aslinya dari ponsel.") \
            from exc
    finally:
        tmp.unlink(missing_ok=True)
    return Encoded(dest, width, height, info.duration, dest.stat().st_size)


def _transcode_streams(inp, out, info: VideoInfo, rendition: Rendition, size: tuple[int, int], rate: Fraction,
                       progress: Progress | None, until: float | None = None) -> None:
    import av

    video_in = inp.streams.video[0]
    video_in.thread_type = "AUTO"
    graph = _video_graph(video_in, info, size, rate)
    video_out = out.add_stream("libx264", rate=rate)
    video_out.width, video_out.height = size
    video_out.pix_fmt = "yuv420p"
    video_out.time_base = 1 / rate
    keyint = round(rate * rendition.gop_seconds)
    video_out.codec_context.options = {
        "preset": rendition.preset, "crf": str(rendition.crf), "profile": "high",
        "maxrate": str(rendition.maxrate), "bufsize": str(rendition.maxrate * 2),
        # Fixed, closed GOPs: scene cuts would add keyframes off the 2 s grid.
        "x264-params": f"keyint={keyint}:min-keyint={keyint}:scenecut=0:open-gop=0",
    }
    audio_in = inp.streams.audio[0] if inp.streams.audio else None
    audio_out = resampler = None
    if audio_in is not None:
        audio_out = out.add_stream("aac", rate=AUDIO_RATE, layout="stereo")
        audio_out.bit_rate = rendition.audio_rate
        resampler = av.AudioResampler(format="fltp", layout="stereo", rate=AUDIO_RATE, frame_size=1024)
    streams = [s for s in (video_in, audio_in) if s is not None]
    shown = -1
    for packet in inp.demux(*streams):
        if packet.stream is audio_in:
            for frame in _decode(packet):
                if not _past(frame, until):
                    _encode_audio(out, audio_out, resampler, frame)
            continue
        frames = _decode(packet)
        if frames and all(_past(frame, until) for frame in frames):
            break  # cut here: the rest of the file is past ``until``
        for frame in frames:
            if _past(frame, until):
                continue
            graph.push(frame)
            for filtered in _pull(graph):
                _encode_video(out, video_out, filtered)
                done = int(100 * min(1.0, float(filtered.pts * filtered.time_base) / info.duration))
                if progress and done > shown:
                    shown = done
                    progress(done / 100)
    graph.push(None)
    for filtered in _pull(graph):
        _encode_video(out, video_out, filtered)
    _encode_video(out, video_out, None)
    if audio_out is not None:
        _encode_audio(out, audio_out, resampler, None)
    if progress:
        progress(1.0)


def _past(frame, until: float | None) -> bool:
    return until is not None and frame.time is not None and frame.time >= until - 1e-6


def _video_graph(stream, info: VideoInfo, size: tuple[int, int], rate: Fraction):
    import av.filter

    graph = av.filter.Graph()
    nodes = [graph.add_buffer(template=stream)]
    for name, arg in _rotate_filters(info.rotation):
        nodes.append(graph.add(name, arg))
    nodes.append(graph.add("scale", f"{size[0]}:{size[1]}:flags=bicubic"))
    nodes.append(graph.add("format", "yuv420p"))
    nodes.append(graph.add("fps", f"{rate.numerator}/{rate.denominator}"))
    nodes.append(graph.add("buffersink"))
    graph.link_nodes(*nodes).configure()
    return graph


def _decode(packet):
    import av

    try:
        return packet.decode()
    except av.error.InvalidDataError:
        return []  # one damaged packet: the decoder conceals it, as players do


def _pull(graph):
    import av

    while True:
        try:
            frame = graph.pull()
        except (av.error.BlockingIOError, av.error.EOFError):
            return
        yield frame


def _encode_video(out, stream, frame) -> None:
    for packet in stream.encode(frame):
        out.mux(packet)


def _encode_audio(out, stream, resampler, frame) -> None:
    for resampled in resampler.resample(frame):
        for packet in stream.encode(resampled):
            out.mux(packet)
    if frame is None:
        for packet in stream.encode(None):
            out.mux(packet)


# --------------------------------------------------------------------------- posters


def default_poster_at(duration: float) -> float:
    """1 s in, or 10 % in for a long clip, never past the middle (a first frame is often black)."""
    return min(max(1.0, duration * 0.1), duration / 2)


def poster(video: Path, at: float | None, duration: float) -> Image.Image:
    """The frame at ``at`` seconds (default: ``default_poster_at``, skipping dark frames) as an RGB image."""
    import av

    explicit = at is not None
    start = min(max(0.0, at), duration) if at is not None else default_poster_at(duration)
    image = None
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        for attempt in range(1 if explicit else 4):
            target = min(start + attempt * max(1.0, duration * 0.1), duration)
            image = _frame_at(container, stream, target) or image
            if explicit or image is None or ImageStat.Stat(image.convert("L")).mean[0] >= 24:
                break
    if image is None:
        raise VideoError("video-corrupt", f"Video `{video.name}` tidak memiliki gambar yang dapat dibaca untuk "
                                          "poster. Salin ulang video aslinya dari ponsel.")
    return image


def _frame_at(container, stream, seconds: float) -> Image.Image | None:
    """The first frame at or after ``seconds`` (the last frame when the clip ends before)."""
    container.seek(int(seconds / stream.time_base), stream=stream, backward=True)
    last = None
    for frame in container.decode(stream):
        last = frame
        if frame.time is not None and frame.time >= seconds - 0.001:
            break
    return last.to_image() if last is not None else None


def save_poster(image: Image.Image, path: Path) -> None:
    """Encode the poster as WebP or JPEG (by suffix), with no metadata block."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    if path.suffix == ".webp":
        image.save(tmp, "WEBP", quality=POSTER_QUALITY["webp"], method=4)
    else:
        image.save(tmp, "JPEG", quality=POSTER_QUALITY["jpg"], optimize=True, progressive=True)
    os.replace(tmp, path)


# --------------------------------------------------------------------------- cache


class VideoCache:
    """Content-addressed store of renditions and posters under ``.portal/cache/videos``."""

    def __init__(self, directory: Path):
        self.dir = directory
        self.dir.mkdir(parents=True, exist_ok=True)
        self.index_path = directory / "index.json"
        data = read_index(self.index_path)
        self.outputs: dict[str, dict] = data.get("outputs", {})
        self.hashes = ContentHashes(data.get("sources"))

    def get(self, key: str) -> dict | None:
        """The entry of ``key`` when every file it names is still there."""
        entry = self.outputs.get(key)
        if isinstance(entry, dict) and all((self.dir / name).is_file() for name in entry.get("files", [])):
            return entry
        return None

    def prune(self, keep: set[str], sources: set[str]) -> list[str]:
        """Delete every output file not named in ``keep``; forget entries whose key and files are not in it.

        Only a build that saw every video may prune (``portal build``); the
        hashes of sources not in ``sources`` (paths) are forgotten too.
        Returns the names deleted.
        """
        removed = []
        for key in list(self.outputs):
            entry = self.outputs[key]
            names = [*entry.get("files", []), *entry.get("posters", [])] if isinstance(entry, dict) else []
            if key not in keep and not any(name in keep for name in names):
                del self.outputs[key]
        for path in sorted(self.dir.iterdir()):
            # Outputs only: an index, or a ".name.pid.tmp" another process is writing, stays.
            if path.suffix in (".mp4", ".webp", ".jpg") and not path.name.startswith(".") and path.name not in keep:
                path.unlink(missing_ok=True)
                removed.append(path.name)
        self.hashes.known = {path: hit for path, hit in self.hashes.known.items() if path in sources}
        return removed

    def save(self) -> None:
        write_index(self.index_path, {"outputs": self.outputs, "sources": self.hashes.kept(partial=True)})


def cache_key(digest: str, rendition: Rendition) -> str:
    """The key of a source's rendition: its bytes and the settings."""
    return hashlib.sha256(f"{digest}|{rendition.fingerprint()}".encode()).hexdigest()[:32]


def poster_key(video_key: str, poster_at: float | None) -> str:
    """The key of a rendition's posters: a new ``poster_at`` makes new posters, not a new video."""
    return hashlib.sha256(f"{video_key}|{poster_at}|{POSTER_QUALITY}".encode()).hexdigest()[:16]


def transcode(source: Path, cache_dir: Path, rendition: Rendition = WEB, poster_at: float | None = None,
              progress: Progress | None = None, max_seconds: float = MAX_SECONDS) -> Transcoded:
    """The ``rendition`` of ``source`` and its WebP/JPEG posters, from the cache or encoded now.

    Raises ``VideoError`` (with a rule code) for a file that is not a usable video.
    """
    cache = VideoCache(cache_dir)
    key = cache_key(cache.hashes(source), rendition)
    entry = cache.get(key)
    encoded = entry is None
    if entry is None:
        info = probe(source, max_seconds)
        result = encode(source, cache_dir / f"{key}.mp4", info, rendition, progress)
        entry = {"files": [f"{key}.mp4"], "width": result.width, "height": result.height,
                 "duration": result.duration, "bytes": result.bytes,
                 "frame_rate": float(_frame_rate(info, rendition.max_fps))}
    elif progress:
        progress(1.0)
    tag = f"{key}-{poster_key(key, poster_at)}"
    webp, jpeg = cache_dir / f"{tag}.webp", cache_dir / f"{tag}.jpg"
    if not (webp.is_file() and jpeg.is_file()):
        image = poster(cache_dir / f"{key}.mp4", poster_at, entry["duration"])
        save_poster(image, webp)
        save_poster(image, jpeg)
        encoded = True
    entry["posters"] = [webp.name, jpeg.name]  # the latest asked: a build prunes the others
    cache.outputs[key] = entry
    cache.save()
    return Transcoded(source, cache_dir / f"{key}.mp4", webp, jpeg, entry["width"], entry["height"],
                      entry["duration"], entry["bytes"], encoded, float(entry.get("frame_rate", 0.0)))


def with_bit_rate(rendition: Rendition, video_rate: int, audio_rate: int, max_lines: int) -> Rendition:
    """``rendition`` capped at ``video_rate``/``audio_rate`` bits per second and ``max_lines``."""
    return replace(rendition, maxrate=min(rendition.maxrate, video_rate), audio_rate=audio_rate,
                   max_lines=min(rendition.max_lines, max_lines))
