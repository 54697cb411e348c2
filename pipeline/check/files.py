"""The file rules of a photo, shared by news items and council portraits: extension, existence, size,
real type (magic bytes), integrity; and what makes an alt text generic.

Kept out of ``rules`` so the other content kinds (``council``) call them without importing ``rules``,
which imports them (an import cycle).
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterator
from pathlib import Path

from pipeline.check.text import problem as _problem
from pipeline.content import schema
from pipeline.content.model import Problem

# File signatures ("magic bytes") of the formats we accept.
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
AVIF_BRANDS = {b"avif", b"avis"}
# Alt texts that describe nothing, once a trailing number and separators are
# stripped (in Python: as one regex, `[-_. ]*[\s_-]*` was quadratic).
GENERIC_WORDS = frozenset((
    "foto", "gambar", "image", "img", "photo", "picture", "pic", "dsc", "dscn", "dscf", "pxl", "dokumentasi",
    "kegiatan", "untitled", "tanpa judul", "foto kegiatan", "dokumentasi kegiatan", "gambar kegiatan", "alt"))
FILE_LIKE = re.compile(r"^\S+\.(jpe?g|png|webp|heic|heif|avif)$", re.IGNORECASE)

def photo_file_rules(item, file, line, names, lowered, claimed, inspect) -> Iterator[Problem]:
    """The problems of the photo file ``file`` (line ``line``) of ``item``'s folder, whose files are ``names``."""
    ext = extension(file)
    kind = schema.IMAGE_EXTENSIONS.get(ext)
    if kind is None:
        yield _problem(item, line, "photo-extension",
                       f"Berkas `{file}` berekstensi `{ext or '(tanpa ekstensi)'}`; yang diterima: "
                       ".jpg, .jpeg, .png, .webp, .heic, .heif, .avif (huruf besar/kecil sama saja).")
    path = item.folder / file
    in_folder = "/" not in file
    exists = (file in names) if in_folder else (path.is_file() and not path.is_symlink())
    if not exists:
        other = lowered.get(file.lower()) if in_folder else None
        if other:
            fix = f"Di folder ada `{other}`: samakan huruf besar/kecilnya (server membedakannya)."
        else:
            near = difflib.get_close_matches(file, [n for n in names if n not in claimed], n=1, cutoff=0.6)
            fix = f"Mungkin maksud Anda `{near[0]}`?" if near else \
                "Salin fotonya ke folder berita ini atau perbaiki namanya."
        yield _problem(item, line, "photo-missing", f"Berkas foto `{file}` tidak ditemukan. {fix}")
    else:
        size, first = head(path)
        if size > schema.PHOTO_MAX_BYTES:
            yield _problem(item, line, "photo-too-large",
                           f"Berkas `{file}` berukuran {size / 1048576:.1f} MB, melebihi batas "
                           f"{schema.PHOTO_MAX_BYTES // 1048576} MB. Kirim ulang foto dengan ukuran lebih kecil.")
        actual = sniff(first)
        if kind and actual != kind:
            found = f"berisi {actual.upper()}" if actual else "bukan berkas gambar yang dikenali"
            yield _problem(item, line, "photo-type",
                           f"Berkas `{file}` berekstensi `{ext}` tetapi {found}. Ekspor ulang fotonya "
                           "dari kamera/ponsel, atau ganti ekstensinya sesuai isi.")
        if kind and actual == kind and size <= schema.PHOTO_MAX_BYTES:
            # Integrity is part of validation: a broken photo fails the PR, not the deploy.
            for rule, severity, message in inspect(path):
                yield _problem(item, line, rule, message, severity)


def generic_alt(alt: str) -> bool:
    """True when ``alt`` is a word like "foto" or "DSC", maybe numbered, or only separators and digits."""
    text = alt.strip()
    end = len(text)
    while end and text[end - 1].isdecimal():
        end -= 1
    while end and (text[end - 1].isspace() or text[end - 1] in "_-"):
        end -= 1
    stem = text[:end]
    return stem.lower() in GENERIC_WORDS or all(c in "-_. " for c in stem)


def sniff(head: bytes) -> str | None:
    """The image format that ``head`` (the first bytes of a file) really is."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp":
        if head[8:12] in HEIF_BRANDS:
            return "heif"
        if head[8:12] in AVIF_BRANDS:
            return "avif"
    return None


def head(path: Path) -> tuple[int, bytes]:
    """The size of the file at ``path`` and its first 16 bytes (never through a symlink)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as handle:
        return os.fstat(handle.fileno()).st_size, handle.read(16)


def extension(name: str) -> str:
    """The lower-case extension of ``name``, dot included."""
    return os.path.splitext(name)[1].lower()
