"""The front-matter schema: one place for each key's type, default, rule and doc.

Front-matter keys are a public interface (editors write them by hand);
change them only with a migration. ``doc`` and ``example`` are shown to
editors, so they are in Bahasa Indonesia.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

# The SOP's limits, re-exported (``X as X``) for the keys' docs and the rules.
from pipeline.content.sop import CAPTION_MAX as CAPTION_MAX
from pipeline.content.sop import PHOTOS_MAX as PHOTOS_MAX
from pipeline.content.sop import PHOTOS_MIN as PHOTOS_MIN
from pipeline.content.sop import TEXT_MAX as TEXT_MAX


@dataclass(frozen=True)
class Key:
    """One front-matter key."""

    name: str
    types: tuple[type, ...]  # empty: the key's own rule checks the type
    required: bool
    default: Any
    doc: str
    example: str


# Limits from what the site can show (the SOP's own limits: pipeline/content/sop.py).
TITLE_MIN = 10
TITLE_MAX = 120
NARRATIVE_MIN_WORDS = 40
TAGS_MAX = 10
TAG_MAX_CHARS = 30
PHOTO_MAX_BYTES = 40 * 1024 * 1024  # a 50 MP phone JPEG is ~25 MB
# Files in an item folder not listed in `photos:` (spares, notes) before it is
# an error: 4,300 empty files once pushed the reviewers' summary past GitHub's
# 1 MiB limit while the check passed with a warning per file.
UNLISTED_MAX = 10

ITEM_KEYS: dict[str, Key] = {k.name: k for k in (
    Key("title", (str,), True, None, "judul berita, teks biasa 10–120 karakter",
        "Rapat Paripurna Penetapan APBD 2027"),
    Key("date", (), True, None, "tanggal kegiatan (hari H), format YYYY-MM-DD", "2026-11-20"),
    Key("category", (str,), True, None, "kategori berita, salah satu dari daftar kategori situs", "paripurna"),
    Key("tags", (list,), False, [], "label pendek, huruf kecil, dipisah tanda hubung", "[apbd, anggaran]"),
    Key("location", (str,), False, None, "tempat kegiatan", "Ruang Rapat Paripurna DPRD"),
    Key("caption", (str,), True, None, f"ringkasan untuk media sosial, paling banyak {CAPTION_MAX} karakter",
        "Ringkasan kegiatan untuk media sosial."),
    Key("photos", (list,), True, [], f"daftar foto kegiatan ({PHOTOS_MIN}–{PHOTOS_MAX}), tiap foto punya file dan alt",
        "[{file: 01-pembukaan.jpg, alt: Ketua DPRD membuka rapat paripurna}]"),
    Key("videos", (list,), False, [], "daftar video kegiatan (siapkan dengan `portal video prepare`), tiap "
        "video punya file dan title (opsional caption_file: teks .vtt, poster_at: detik gambar sampul)",
        "[{file: sambutan-ketua.mp4, title: Sambutan Ketua DPRD, caption_file: sambutan-ketua.vtt}]"),
    Key("social", (list,), False, None, "media sosial tujuan; [] berarti hanya situs",
        "[facebook, instagram, x, telegram]"),
    Key("draft", (bool,), False, False, "true bila belum siap terbit", "false"),
    Key("updates", (list,), False, [], "koreksi penting setelah terbit, tiap entri punya date dan note "
        "(opsional social: true untuk membalas unggahan media sosial)",
        "[{date: 2026-11-22, note: Nama narasumber diperbaiki.}]"),
    Key("retracted", (dict,), False, None, "penarikan berita: date dan reason; halaman tinggal berisi "
        "pemberitahuan, unggahan media sosial dihapus", "{date: 2026-11-25, reason: Kegiatan batal dilaksanakan.}"),
    Key("publish_at", (), False, None, "terbit terjadwal (zona waktu situs), format YYYY-MM-DD HH:MM",
        "2026-11-21 08:00"),
    Key("id", (str,), False, None, "pengenal tetap berita untuk media sosial (dibuat `portal new`); jangan "
        "diubah, jangan disalin ke berita lain", "2026-11-20-a1b2c3"),
)}
# A stable item id: the publication ledger keys posts by it, so a renamed
# folder is not posted again. Lowercase letters, digits and hyphens.
ID_PATTERN = r"[a-z0-9][a-z0-9-]{5,63}"

PHOTO_EXAMPLE = "{file: 01-pembukaan.jpg, alt: Ketua DPRD membuka rapat paripurna}"

PHOTO_KEYS: dict[str, Key] = {k.name: k for k in (
    Key("file", (str,), True, None, "nama berkas foto di folder berita", "01-pembukaan.jpg"),
    Key("alt", (str,), True, None, "deskripsi isi foto untuk pembaca tunanetra", "Ketua DPRD membuka rapat paripurna"),
    Key("credit", (str,), False, None, "nama fotografer atau unit", "Humas Setwan"),
)}

VIDEO_EXAMPLE = "{file: sambutan-ketua.mp4, title: Sambutan Ketua DPRD, caption_file: sambutan-ketua.vtt}"

VIDEO_KEYS: dict[str, Key] = {k.name: k for k in (
    Key("file", (str,), True, None, "nama berkas MP4 hasil `portal video prepare` di folder berita",
        "sambutan-ketua.mp4"),
    Key("title", (str,), True, None, "judul singkat videonya", "Sambutan Ketua DPRD"),
    Key("caption_file", (str,), False, None, "teks ucapan dalam video (berkas WebVTT .vtt) di folder berita",
        "sambutan-ketua.vtt"),
    Key("poster_at", (int, float), False, None, "detik video yang dipakai sebagai gambar sampul", "3"),
)}
VIDEO_EXTENSION = ".mp4"  # only the prepared web MP4 goes into the repository
CAPTION_EXTENSION = ".vtt"

PAGE_KEYS: dict[str, Key] = {k.name: k for k in (
    Key("title", (str,), False, None, "judul halaman (bila kosong: judul # pertama)", "Profil DPRD"),
    Key("description", (str,), False, None, "ringkasan halaman untuk mesin pencari", "Profil singkat DPRD."),
)}

IMAGE_EXTENSIONS = {".jpg": "jpeg", ".jpeg": "jpeg", ".png": "png", ".webp": "webp",
                    ".heic": "heif", ".heif": "heif", ".avif": "avif"}

TYPE_NAMES = {str: "teks", int: "angka", float: "angka", bool: "true/false", list: "daftar",
              dict: "pasangan kunci: nilai", dt.date: "tanggal", dt.datetime: "tanggal dan jam",
              type(None): "kosong"}


def type_name(value: Any) -> str:
    """How an editor would call the type of ``value``."""
    return TYPE_NAMES.get(type(value), type(value).__name__)
