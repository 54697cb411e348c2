"""Rules that catch weak content: valid input that should still not be published as it is.

The same alt text on two photos, one photo copied under two names, a photo too
small for the site, the instruction sentences or default location of the
``portal new`` template, files in an item folder that are not its photos, and
private metadata (GPS, owner, serial numbers) in a committed original.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from pipeline.check.text import HasRel
from pipeline.check.text import problem as _problem
from pipeline.content.model import WARNING, Document, Item, Problem
from pipeline.content.scaffold import TEMPLATE
from pipeline.photos import images, metadata

PHOTO_EDGE_MIN = 800  # px, long edge: below this a photo is blurred even in the article column
PHOTO_EDGE_GOOD = 1200  # px: the share image (1200×630) and wide screens need this much
VIDEO_EXTENSIONS = frozenset((".mp4", ".mov", ".m4v", ".avi", ".mkv", ".3gp", ".webm"))
SYSTEM_FILES = {"thumbs.db": "Windows", "desktop.ini": "Windows", ".ds_store": "macOS", "ehthumbs.db": "Windows"}

_TEMPLATE_BODY = TEMPLATE.rsplit("---\n", 1)[1]
# Every instruction sentence of the template's narrative after the first
# (``rules.TEMPLATE_TEXTS`` has the first, which carries its own message).
TEMPLATE_SENTENCES = tuple(" ".join(s.split()) for s in re.split(r"(?<=\.)\s+", _TEMPLATE_BODY.strip())[1:])
DEFAULT_LOCATION = re.search(r"^location: (.+)$", TEMPLATE, re.MULTILINE).group(1)  # type: ignore[union-attr]


def _folder_rel(item: HasRel) -> str:
    return item.rel.rsplit("/", 1)[0]


# --------------------------------------------------------------------------- photos

def photo_findings(item: Item, photos: Iterable[tuple[str, int]], inspect) -> Iterator[Problem]:
    """Weak or private photos among ``photos`` ((file, line of `file:`), each one that decodes).

    ``inspect`` is the check's integrity memo when it has one: its content
    hashes spare reading a photo twice.
    """
    hashes = getattr(inspect, "hashes", None) or images.ContentHashes()
    first: dict[str, tuple[str, int]] = {}
    for file, line in photos:
        path = item.folder / file
        digest = hashes(path)
        if digest in first:
            name, at = first[digest]
            yield _problem(item, line, "photo-duplicate",
                           f"Foto `{file}` isinya sama persis dengan `{name}` (baris {at}): foto yang sama dengan "
                           "nama lain. Ganti dengan foto kegiatan yang lain, atau hapus salinannya.")
            continue
        first[digest] = (file, line)
        yield from _size_rule(item, path, file, line)
        yield from location_rule(item, path, file, line)


def _size_rule(item: Item, path: Path, file: str, line: int) -> Iterator[Problem]:
    try:
        with images.open_photo(path) as image:  # the header only: no pixel is decoded
            width, height = image.size
    except images.PhotoError:
        return  # the integrity rule already said so
    edge = max(width, height)
    if edge < PHOTO_EDGE_MIN:
        yield _problem(item, line, "photo-small",
                       f"Foto `{file}` hanya {width}×{height} piksel; sisi terpanjang minimal {PHOTO_EDGE_MIN} piksel "
                       f"(disarankan {_px(PHOTO_EDGE_GOOD)}). Pakai foto asli dari kamera/ponsel, bukan hasil unduhan, "
                       "kiriman pesan yang diperkecil atau tangkapan layar.")
    elif edge < PHOTO_EDGE_GOOD:
        yield _problem(item, line, "photo-small",
                       f"Foto `{file}` berukuran {width}×{height} piksel; di bawah {_px(PHOTO_EDGE_GOOD)} piksel "
                       "(sisi terpanjang) foto tampak buram di layar lebar dan di media sosial. Pakai foto asli dari "
                       "kamera/ponsel bila ada.", WARNING)


def _px(count: int) -> str:
    return f"{count:,}".replace(",", ".")  # Indonesian thousands separator


def location_rule(item: HasRel, path: Path, file: str, line: int) -> Iterator[Problem]:
    """`photo-location` for the photo ``file`` at ``path`` (listed at ``line`` of ``item``'s file).

    ``item`` may be any model object with ``rel`` (the file problems are reported on):
    council members' portraits use it too.
    """
    try:
        found = metadata.scan(path)
    except (metadata.MetadataError, OSError):
        return  # a damaged file is the integrity rule's; clean-photos explains it too
    if found:
        yield _problem(item, line, "photo-location",
                       f"Foto asli `{file}` menyimpan {metadata.describe(found)} di metadatanya; repositori ini "
                       "dapat dibaca publik. Hapus dengan `portal clean-photos "
                       f"{_folder_rel(item)}/{file}` (gambarnya tidak diubah). Lewat editor web: hapus foto ini "
                       "dari usulan, unggah ulang tanpa lokasi (di ponsel: matikan lokasi saat membagikan foto) "
                       "atau minta admin menjalankan perintah itu.")


def alt_duplicates(item: Item, doc: Document, photos: list) -> Iterator[Problem]:
    """The same alt text on two photos of one item: each needs its own description."""
    first: dict[str, tuple[str, int]] = {}
    for index, entry in enumerate(photos):
        if not isinstance(entry, dict) or not isinstance(entry.get("alt"), str) or not entry["alt"].strip():
            continue
        key = " ".join(entry["alt"].split()).casefold()
        line = doc.line_of("photos", index, "alt")
        file = entry.get("file")
        if key in first:
            name, at = first[key]
            yield _problem(item, line, "photo-alt-duplicate",
                           f"Alt foto `{file}` sama dengan alt foto `{name}` (baris {at}). Setiap foto perlu "
                           "deskripsi sendiri: tulis apa yang terlihat di foto ini.")
        else:
            first[key] = (str(file), line)


# --------------------------------------------------------------------------- other files in the folder

def folder_files(item: Item, line: int, names: Iterable[str]) -> Iterator[Problem]:
    """Files of the item folder that are not its photos (``names``: unlisted, not images)."""
    others = []
    for name in names:
        base = name.rsplit("/", 1)[-1]
        ext = os.path.splitext(base)[1].lower()
        if ext in VIDEO_EXTENSIONS:
            yield _problem(item, line, "file-video", _video_fix(item, name, ext))
        elif base.lower() in SYSTEM_FILES:
            yield _problem(item, line, "file-system",
                           f"Berkas `{name}` adalah berkas sistem {SYSTEM_FILES[base.lower()]} yang ikut tersalin, "
                           "bukan bagian berita. Hapus berkas itu dari usulan ini.")
        else:
            others.append(f"`{name}`")
    if others:  # one warning for all (at most schema.UNLISTED_MAX: more is `folder-clutter`)
        shown = ", ".join(others)
        yield _problem(item, line, "file-unlisted",
                       f"{'Berkas' if len(others) == 1 else f'{len(others)} berkas'} {shown} ada di folder berita "
                       "tetapi bukan foto berita ini, jadi tidak akan terbit. Hapus dari usulan ini; folder berita "
                       "hanya berisi index.md dan fotonya.", WARNING)


def _video_fix(item: Item, name: str, ext: str) -> str:
    """What to do with a video file the item's ``videos:`` does not list (issue 16)."""
    if ext == ".mp4" and "/" not in name:
        return (f"Berkas `{name}` adalah video yang tidak tercantum di `videos:`, jadi tidak akan terbit. "
                f"Daftarkan di `videos:`, misalnya `- {{file: {name}, title: Judul singkat videonya}}`, atau hapus "
                "berkasnya dari usulan ini.")
    return (f"Berkas `{name}` adalah video asli yang belum siap web dan tidak tercantum di `videos:`. Siapkan di "
            f"komputer dengan `portal video prepare {name} {_folder_rel(item)}`, daftarkan berkas .mp4 hasilnya di "
            f"`videos:`, lalu hapus `{name}` dari usulan ini (video asli disimpan di arsip Sekretariat).")


# --------------------------------------------------------------------------- template leftovers

def template_sentences(item: Item, doc: Document) -> Iterator[Problem]:
    """Instruction sentences of the ``portal new`` template left anywhere in the narrative."""
    folded = _WHITESPACE.sub(" ", doc.body.lstrip()).casefold()  # the text of _flatten, without its lines
    hits = sorted((at, sentence) for sentence in TEMPLATE_SENTENCES
                  if (at := folded.find(sentence.casefold())) >= 0)
    if hits:
        lines = _flatten(doc.body)[1]  # per character, for the message's line: only when a sentence is left
        at, sentence = hits[0]
        words = sentence.split()
        shown = " ".join(words[:6]) + ("…" if len(words) > 6 else "")
        more = f" (dan {len(hits) - 1} kalimat petunjuk lain)" if len(hits) > 1 else ""
        yield _problem(item, doc.body_line + lines[at], "template-text",
                       f"Narasi masih berisi kalimat petunjuk dari templat (\"{shown}\"){more}. Hapus kalimat "
                       "petunjuk itu dan tulis isi kegiatan yang sebenarnya.")


_WHITESPACE = re.compile(r"\s+")  # \s is str.isspace(), as in _flatten


def _flatten(body: str) -> tuple[str, list[int]]:
    """``body`` with runs of whitespace as one space, and per character its line (0-based) in ``body``."""
    chars: list[str] = []
    lines: list[int] = []
    line = 0
    for char in body:
        if char.isspace():
            if chars and chars[-1] != " ":
                chars.append(" ")
                lines.append(line)
            line += char == "\n"
        else:
            chars.append(char)
            lines.append(line)
    return "".join(chars), lines


def default_location(item: Item, doc: Document, value: object) -> Iterator[Problem]:
    """The template's default ``location`` left as it was."""
    if isinstance(value, str) and " ".join(value.split()).casefold() == DEFAULT_LOCATION.casefold():
        yield _problem(item, doc.line_of("location"), "template-location",
                       f"`location` masih berisi tempat bawaan templat (`{DEFAULT_LOCATION}`). Tulis tempat kegiatan "
                       "yang sebenarnya, misalnya `Ruang Rapat Paripurna DPRD` atau nama desa yang dikunjungi.",
                       WARNING)


_location_rule = location_rule  # the name pipeline/check/council.py calls (until it switches to the public one)
