"""The rules of an item's ``videos:`` list (issue 16).

Each entry's keys, its file (the web MP4 that ``portal video prepare`` makes:
at most 25 MB, H.264), its caption file (WebVTT) and its poster second; then
each file is probed in a bounded child process (``video/probe.py``), once per
content (``video/memo.py``). Every problem is reported at once, at the line
of the entry's key, with the fix in Indonesian.
"""

from __future__ import annotations

import difflib
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

from pipeline.check.text import nfc_len, problem, text_rules
from pipeline.config import Config
from pipeline.content import schema, sop
from pipeline.content.load import rel, unsafe_path
from pipeline.content.model import WARNING, Document, Item, Problem
from pipeline.video.memo import PROBE_CACHE, ProbeMemo
from pipeline.video.prepare import UPLOAD_LIMIT
from pipeline.video.probe import VideoError, VideoInfo, clock, decimal

# A WebVTT file of a 10-minute speech is ~15 KB; a bound keeps the check and the page small.
CAPTION_MAX_BYTES = 512 * 1024
# What `portal video prepare` writes (and every platform plays): H.264 video, AAC sound or none.
WEB_VIDEO_CODECS = ("h264",)
WEB_AUDIO_CODECS = ("aac", None)
CAPTION_EXAMPLE = "`WEBVTT`, baris kosong, lalu `00:00.000 --> 00:04.000` dan di bawahnya teks yang diucapkan"


def check_videos(item: Item, doc: Document, config: Config, listing: list[str],
                 memo: ProbeMemo | None = None) -> Iterator[Problem]:
    """Every problem of the item's ``videos``, with file, line and the fix, in Indonesian.

    ``listing`` is the item folder's files (``load`` read it once); ``memo``
    the run's probe memo, which ``check_content`` opens once and saves once
    (without one, a memo is opened and saved here).
    """
    entries = doc.meta.get("videos")
    if not isinstance(entries, list) or not entries:
        return  # missing, or key-type already said it must be a list
    own = memo is None
    memo = ProbeMemo(config.root / PROBE_CACHE) if memo is None else memo
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        where = f"video ke-{index + 1}"
        if not isinstance(entry, dict):
            yield problem(item, doc.line_of("videos", index), "key-type",
                          f"{where.capitalize()} harus ditulis dengan `file:` dan `title:`, bukan "
                          f"{schema.type_name(entry)}. Contoh: `- {schema.VIDEO_EXAMPLE}`.")
            continue
        yield from _keys(item, doc, index, entry, where)
        yield from _title(item, doc, index, entry.get("title"), where)
        yield from _captions(item, doc, index, entry, listing)
        info = None
        file = entry.get("file")
        if isinstance(file, str) and file.strip():
            info = yield from _file(item, doc, index, file, listing, seen, memo, config)
        yield from _poster(item, doc, index, entry.get("poster_at"), where, info)
    if own:
        memo.save()


def listed_names(meta: dict) -> set[str]:
    """The lowercased file names ``videos:`` names (videos and caption files): none is an unlisted file."""
    entries = meta.get("videos")
    names: set[str] = set()
    for entry in entries if isinstance(entries, list) else ():
        if isinstance(entry, dict):
            names.update(v.lower() for k in ("file", "caption_file") if isinstance(v := entry.get(k), str))
    return names


# --------------------------------------------------------------------------- keys and texts

def _keys(item: Item, doc: Document, index: int, entry: dict, where: str) -> Iterator[Problem]:
    keys = schema.VIDEO_KEYS
    meant = set()  # known keys a misspelt one stands for: "missing" would only repeat the cause
    for key in entry:
        if key in keys:
            continue
        hint = difflib.get_close_matches(str(key).lower(), list(keys), n=1, cutoff=0.6)
        fix = f"Mungkin maksud Anda `{hint[0]}`?" if hint else f"Kunci yang dikenal: {', '.join(keys)}."
        meant.update(hint)
        yield problem(item, doc.line_of("videos", index, key), "key-unknown",
                      f"Kunci `{key}` tidak dikenal di {where}. {fix}")
    for name, spec in keys.items():
        value = entry.get(name)
        line = doc.line_of("videos", index, name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if spec.required and name not in meant:
                state = "kosong" if name in entry else "belum ada"
                yield problem(item, line, "key-required",
                              f"Kunci wajib `{name}` {state} di {where} ({spec.doc}). "
                              f"Isi, misalnya `{name}: {spec.example}`.")
        elif isinstance(value, bool) or not isinstance(value, spec.types):
            expected = " atau ".join(dict.fromkeys(schema.TYPE_NAMES[t] for t in spec.types))
            yield problem(item, line, "key-type",
                          f"`{name}` {where} harus berupa {expected}, bukan {schema.type_name(value)}. "
                          f"Contoh: `{name}: {spec.example}`.")


def _title(item: Item, doc: Document, index: int, title: Any, where: str) -> Iterator[Problem]:
    if not isinstance(title, str) or not title.strip():
        return
    yield from text_rules(item, doc, ("videos", index, "title"), title, "title", markup=False)
    length = nfc_len(title)
    if length > sop.TEXT_MAX:
        yield problem(item, doc.line_of("videos", index, "title"), "text-too-long",
                      f"`title` {where} berisi {length} karakter; paling banyak {sop.TEXT_MAX} karakter. "
                      f"Pendekkan {length - sop.TEXT_MAX} karakter: cukup apa isi videonya.")


# --------------------------------------------------------------------------- the file

def _file(item: Item, doc: Document, index: int, file: str, listing: list[str], seen: dict[str, int],
          memo: ProbeMemo, config: Config) -> Generator[Problem, None, VideoInfo | None]:
    """The file's problems; returns the probe's ``VideoInfo`` when the video is sound (a generator's value)."""
    line = doc.line_of("videos", index, "file")
    why = unsafe_path(file)
    if why:
        yield problem(item, line, "path-unsafe",
                      f"Path video `{_shown(file)}` tidak aman: {why}. Tulis nama berkas saja, misalnya "
                      "`sambutan-ketua.mp4`, dan letakkan videonya di folder yang sama dengan index.md.")
        return None
    if file.lower() in seen:
        yield problem(item, line, "video-duplicate",
                      f"Video `{file}` sudah tercantum di baris {seen[file.lower()]}. Setiap video cukup sekali; "
                      "hapus salah satunya.")
        return None
    seen[file.lower()] = line
    if file not in listing:
        yield problem(item, line, "video-missing", _missing(
            file, listing, "video", "Salin MP4 hasil `portal video prepare` ke folder yang sama dengan index.md, "
                                    "atau perbaiki namanya di sini."))
        return None
    if Path(file).suffix.lower() != schema.VIDEO_EXTENSION:
        yield problem(item, line, "video-type",
                      f"Video `{file}` bukan MP4 siap web. Siapkan di komputer dengan `portal video prepare "
                      f"{file} {_folder(item, config)}`, daftarkan berkas .mp4 hasilnya di `videos:` dan hapus "
                      f"`{file}` dari usulan ini (video asli disimpan di arsip Sekretariat).")
        return None
    path = item.folder / file
    size = path.stat().st_size
    if size > UPLOAD_LIMIT:
        yield problem(item, line, "video-too-big",
                      f"Video `{file}` berukuran {decimal(size / 1e6)} MB; paling besar {UPLOAD_LIMIT // 1_000_000} "
                      f"MB (batas unggah editor web GitHub). Perkecil di komputer dengan `portal video prepare "
                      f"{file} {_folder(item, config)}` (video asli disimpan di arsip Sekretariat).")
    try:
        info = memo(path, config.limits.video_seconds)
    except VideoError as exc:
        yield problem(item, line, exc.rule, exc.message)
        return None
    web = "mp4" in info.container.split(",") and info.video_codec in WEB_VIDEO_CODECS \
        and info.audio_codec in WEB_AUDIO_CODECS and not info.rotation
    if not web:
        sound = f", suara {info.audio_codec}" if info.audio_codec else ""
        turned = f", diputar {info.rotation}°" if info.rotation else ""
        yield problem(item, line, "video-type",
                      f"Video `{file}` masih berkas asli ponsel/kamera (gambar {info.video_codec}{sound}{turned}), "
                      "belum MP4 siap web (H.264, AAC, tegak). Siapkan di komputer dengan `portal video prepare "
                      f"{file} {_folder(item, config)}` lalu daftarkan berkas hasilnya.")
    if _location_tag(path):
        yield problem(item, line, "video-location",
                      f"Video `{file}` menyimpan lokasi (GPS) di metadatanya; repositori ini dapat dibaca publik. "
                      "Siapkan ulang dari video aslinya dengan `portal video prepare` (hasilnya tanpa metadata) dan "
                      "ganti berkas ini dengan hasilnya.")
    return info


# How phones store a location in MP4/MOV: QuickTime's `©xyz` user data (Android, older iPhones) and the
# `com.apple.quicktime.location.ISO6709` metadata key (iPhones). Both live in the `moov` box.
LOCATION_MARKERS = (b"\xa9xyz", b"location.ISO6709")
MOOV_MAX = 64 * 1024 * 1024  # larger than any index of a 25 MB file: not read


def _location_tag(path: Path) -> bool:
    """Whether the ``moov`` box of the MP4 at ``path`` holds a location tag (only that box is read)."""
    with path.open("rb") as handle:
        while header := handle.read(8):
            if len(header) < 8:
                return False
            size, kind = int.from_bytes(header[:4], "big"), header[4:]
            skip = 8
            if size == 1:
                size, skip = int.from_bytes(handle.read(8), "big"), 16
            if size == 0 or size < skip:  # to the end of the file, or a damaged box: no more boxes
                size = 0
            if kind == b"moov":
                body = handle.read(min(size - skip, MOOV_MAX) if size else MOOV_MAX)
                return any(marker in body for marker in LOCATION_MARKERS)
            if not size:
                return False
            handle.seek(size - skip, 1)
    return False


def _folder(item: Item, config: Config) -> str:
    return rel(item.folder, config.root)


def _missing(file: str, listing: list[str], what: str, fix: str) -> str:
    same = {n.lower(): n for n in listing}.get(file.lower())
    if same:
        fix = f"Di folder ada `{same}`: samakan huruf besar/kecilnya."
    return f"Berkas {what} `{file}` tidak ada di folder berita. {fix}"


def _shown(value: str) -> str:
    return value.replace("\0", "\\0")


# --------------------------------------------------------------------------- captions and poster

def _captions(item: Item, doc: Document, index: int, entry: dict, listing: list[str]) -> Iterator[Problem]:
    file, video = entry.get("caption_file"), entry.get("file")
    line = doc.line_of("videos", index, "caption_file")
    name = f"`{video}`" if isinstance(video, str) and video.strip() else f"ke-{index + 1}"
    if "caption_file" not in entry:
        yield problem(item, doc.line_of("videos", index, "file"), "video-captions",
                      f"Video {name} belum punya teks (`caption_file`). Perki 1/2021 meminta publikasi yang dapat "
                      "diakses penyandang disabilitas: tulis berkas .vtt di folder berita berisi "
                      f"{CAPTION_EXAMPLE}, lalu tambahkan `caption_file: nama-berkas.vtt` pada video ini.", WARNING)
        return
    if not isinstance(file, str) or not file.strip():
        return  # key-required / key-type said so
    why = unsafe_path(file)
    if why:
        yield problem(item, line, "path-unsafe",
                      f"Path teks video `{_shown(file)}` tidak aman: {why}. Tulis nama berkas saja, misalnya "
                      "`sambutan-ketua.vtt`, dan letakkan di folder yang sama dengan index.md.")
    elif Path(file).suffix.lower() != schema.CAPTION_EXTENSION:
        yield problem(item, line, "video-caption-file",
                      f"Teks video `{file}` harus berkas WebVTT berakhiran .vtt. Simpan teksnya sebagai "
                      f"`{Path(file).stem}.vtt` berisi {CAPTION_EXAMPLE}.")
    elif file not in listing:
        yield problem(item, line, "video-caption-file", _missing(
            file, listing, "teks video", "Letakkan berkas .vtt-nya di folder yang sama dengan index.md, atau "
                                         "perbaiki namanya di sini."))
    else:
        why = _not_webvtt(item.folder / file)
        if why:
            yield problem(item, line, "video-caption-file",
                          f"Teks video `{file}` bukan WebVTT yang sah: {why}. Berkasnya harus berisi "
                          f"{CAPTION_EXAMPLE}.")


def _not_webvtt(path: Path) -> str | None:
    """Why ``path`` is no WebVTT file (too big, not UTF-8, no ``WEBVTT`` header), or None."""
    size = path.stat().st_size
    if size > CAPTION_MAX_BYTES:
        return f"berukuran {size // 1024} KB, paling besar {CAPTION_MAX_BYTES // 1024} KB"
    with path.open("rb") as handle:
        data = handle.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return "bukan teks UTF-8 (simpan ulang dengan pengodean UTF-8)"
    first = text.removeprefix("\ufeff").split("\n", 1)[0].rstrip("\r")
    if first != "WEBVTT" and not first.startswith(("WEBVTT ", "WEBVTT\t")):
        return "baris pertamanya bukan `WEBVTT`"
    return None


def _poster(item: Item, doc: Document, index: int, value: Any, where: str,
            info: VideoInfo | None) -> Iterator[Problem]:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return  # missing, or key-type said so
    line = doc.line_of("videos", index, "poster_at")
    if not value >= 0:  # also NaN
        yield problem(item, line, "video-poster",
                      f"`poster_at` {where} berisi {value}; tulis detik gambar sampul dari awal video (0 atau "
                      "lebih), misalnya `poster_at: 3`.")
    elif info is not None and value >= info.duration:
        yield problem(item, line, "video-poster",
                      f"`poster_at` {where} berisi detik {value}, padahal videonya hanya {clock(info.duration)}. "
                      "Tulis detik di dalam video, misalnya `poster_at: 3`, atau hapus kunci ini (sampul diambil "
                      "otomatis).")
