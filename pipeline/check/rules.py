"""``portal check``: every rule, every problem, in one run.

Rules never stop at the first problem: an editor fixing a PR should see the
whole list at once. Each problem names the file, the line, a stable rule
code and, in Bahasa Indonesia, what was found and how to fix it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from pipeline.check.agenda import check_agenda
from pipeline.check.captions import caption_findings
from pipeline.check.council import check_council
from pipeline.check.documents import check_documents
from pipeline.check.safety import bound_findings, html_findings, too_many_angles
from pipeline.config import PLATFORMS, Config, Limits
from pipeline.content import schema, sop
from pipeline.content.load import YEAR, Content, first_heading, load, rel, unsafe_path
from pipeline.content.model import ERROR, WARNING, Document, Item, Page, Photo, Problem
from pipeline.content.scaffold import slugify
from pipeline.photos import images

# File signatures ("magic bytes") of the formats we accept.
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
_AVIF_BRANDS = {b"avif", b"avis"}
# Alt texts that describe nothing, once a trailing number and separators are
# stripped (in Python: as one regex, `[-_. ]*[\s_-]*` was quadratic).
_GENERIC_WORDS = frozenset((
    "foto", "gambar", "image", "img", "photo", "picture", "pic", "dsc", "dscn", "dscf", "pxl", "dokumentasi",
    "kegiatan", "untitled", "tanpa judul", "foto kegiatan", "dokumentasi kegiatan", "gambar kegiatan", "alt"))
_FILE_LIKE = re.compile(r"^\S+\.(jpe?g|png|webp|heic|heif|avif)$", re.IGNORECASE)
# `[^\][]`, not `[^\]]`: a run of `[` made each one scan to the end (same matches).
_MARKUP = re.compile(r"<[A-Za-z/!?]|\*\*|__|`|\[[^\][]*\]\(|^#{1,6}\s|!\[")
_TAG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WORD = re.compile(r"\w+")
INSPECT_CACHE = ".portal/cache/inspect.json"
_PLATFORM_ALIASES = {"twitter": "x", "fb": "facebook", "ig": "instagram", "tg": "telegram"}
# Invisible or look-alike-space characters that are neither Cc nor Cf:
# Hangul and Braille fillers, typographic spaces, line/paragraph separators.
# U+00A0 (no-break space) is allowed: word processors insert it on their own
# ("Rp 5 juta", before "%"), it shows as a space and hides nothing.
_FILLERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u202f\u205f\u3000\u2028\u2029"
                     + "".join(map(chr, range(0x2000, 0x200B))))
# Static page names the site generates itself (pipeline/site/stage.py, feeds.py),
# MkDocs (README.md becomes index.md, 404.md becomes 404.html, sitemap.xml)
# and Material (assets/, search/) write: a page of that name would replace
# or shadow it.
RESERVED_PAGES = frozenset(("index", "readme", "arsip", "kategori", "tag", "berita", "404", "assets"))
RESERVED_PAGE_PREFIXES = ("feed", "sitemap", "search", "robots")


@dataclass
class Report:
    """The outcome of a check: problems plus what was checked."""

    problems: list[Problem] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)
    # Per item (its ``rel``), the photo files whose file rules found an error.
    broken_photos: dict[str, set[str]] = field(default_factory=dict)
    # What was checked, whole: the agenda, the council and the rest besides items and pages.
    content: Content | None = None

    def publishable_photos(self, item: Item) -> list[Photo]:
        """``item``'s photos that no error stops from being published."""
        broken = self.broken_photos.get(item.rel, set())
        return [photo for photo in item.photos if photo.file not in broken]

    @property
    def errors(self) -> int:
        return sum(p.severity == ERROR for p in self.problems)

    @property
    def warnings(self) -> int:
        return sum(p.severity == WARNING for p in self.problems)


def check(config: Config, paths: Iterable[str | Path] = (), today: dt.date | None = None) -> Report:
    """Load the content of ``config``'s project (or only ``paths`` in it) and check it."""
    return check_content(config, load(config, paths), today)


def check_content(config: Config, content: Content, today: dt.date | None = None) -> Report:
    """Run every rule over loaded ``content``; the model is read, never changed.

    Items and pages outside ``content.scope`` are not checked, but a clash of
    slug or id with one of them is still found.
    """
    today = today or config.today()
    scope = content.scope
    report = Report(problems=list(content.problems))
    # Decoding every photo is the slowest rule: remember results by content hash.
    inspect = images.InspectMemo(config.root / INSPECT_CACHE)
    slugs: dict[str, list[Item]] = defaultdict(list)
    ids: dict[str, list[Item]] = defaultdict(list)
    for item in content.items:
        if item.slug:
            slugs[item.slug].append(item)
    for item in content.items:
        if not scope.covers(item.source):
            item_id = _declared_id(item)  # a quick look: the clash may be with an unchecked item
            if item_id:
                ids[item_id].append(item)
            continue
        report.items.append(item)
        broken = report.broken_photos.setdefault(item.rel, set())
        report.problems.extend(check_item(item, config, today, content.listings.get(item.folder, []), inspect,
                                          nested=content.nested.get(item.folder, []), broken=broken))
        report.problems.extend(_duplicate_slug(item, slugs[item.slug], config.root))
        if isinstance(item.meta.get("id"), str):
            ids[item.meta["id"]].append(item)
    for item in report.items:  # once every id is known
        report.problems.extend(_duplicate_id(item, ids, config.root))
    for page in content.pages:
        if scope.covers(page.source):
            report.pages.append(page)
            report.problems.extend(check_page(page, config.limits))
    report.problems.extend(check_agenda(config, content, today))
    report.problems.extend(check_council(config, content, today))
    report.problems.extend(check_documents(config, content, today))
    inspect.save(partial=bool(scope.roots))
    report.content = content
    report.problems.sort()
    return report


def _problem(item_or_file: Item | Page | str, line: int, rule: str, message: str,
             severity: str = ERROR) -> Problem:
    file = item_or_file if isinstance(item_or_file, str) else item_or_file.rel
    return Problem(file, line, rule, severity, message)


# --------------------------------------------------------------------------- items

def check_item(item: Item, config: Config, today: dt.date, listing: list[str],
               inspect=images.inspect, nested: Sequence[str] = (), broken: set[str] | None = None) -> list[Problem]:
    """Every problem of one loaded news item (schema, SOP, content, safety); reading problems are ``load``'s.

    ``inspect`` decodes a photo for integrity; ``check`` passes a memoised one.
    ``nested`` lists the files in the item's subfolders (``sub/name``);
    ``broken`` receives the names of photos with an error of their own.
    """
    problems = list(_folder_rules(item))
    doc = item.doc
    if doc is None:
        return problems
    meta = doc.meta
    problems.extend(_key_rules(item, doc, (), meta, schema.ITEM_KEYS, "front-matter"))
    problems.extend(_title_rules(item, doc, meta.get("title")))
    problems.extend(_date_rules(item, doc, meta.get("date"), today, config))
    problems.extend(_category_rules(item, doc, meta.get("category"), config))
    problems.extend(_tags_rules(item, doc, meta.get("tags")))
    problems.extend(_text_rules(item, doc, ("location",), meta.get("location"), "location"))
    problems.extend(_length_rule(item, doc, ("location",), meta.get("location"), ""))
    problems.extend(_caption_rules(item, doc, meta.get("caption")))
    problems.extend(caption_findings(item, doc, config))
    problems.extend(_social_rules(item, doc, meta.get("social")))
    problems.extend(_id_rules(item, doc, meta.get("id")))
    problems.extend(_photo_rules(item, doc, meta.get("photos"), listing, inspect, nested,
                                 set() if broken is None else broken))
    problems.extend(_narrative_rules(item, doc, config.limits))
    return problems


def _folder_rules(item: Item) -> Iterator[Problem]:
    year = item.folder.parent.name
    if not item.slug:
        yield _problem(item, 1, "folder-name",
                       f"Nama folder `{item.folder.name}` tidak sesuai pola `YYYY-MM-DD-judul-singkat` "
                       "(huruf kecil, angka, tanda hubung). Ganti namanya, misalnya "
                       "`2026-11-20-rapat-paripurna-apbd`.")
    elif not YEAR.match(year) or year != item.folder_date[:4]:
        yield _problem(item, 1, "folder-year",
                       f"Folder berita tanggal {item.folder_date} berada di folder tahun `{year}`. "
                       f"Pindahkan ke content/berita/{item.folder_date[:4]}/.")


def _key_rules(item, doc: Document, path: tuple, meta: dict, keys: dict[str, schema.Key],
               where: str) -> Iterator[Problem]:
    for key in meta:
        if key not in keys:
            hint = difflib.get_close_matches(key.lower(), list(keys), n=1, cutoff=0.6)
            fix = f"Mungkin maksud Anda `{hint[0]}`?" if hint else \
                f"Kunci yang dikenal: {', '.join(keys)}."
            yield _problem(item, doc.line_of(*path, key), "key-unknown",
                           f"Kunci `{key}` tidak dikenal di {where}. {fix}")
    for name, spec in keys.items():
        value = meta.get(name)
        if value is None or value == [] or (isinstance(value, str) and not value.strip()):
            if spec.required and name != "photos":  # photo count has its own SOP rule
                state = "kosong" if name in meta else "belum ada"
                yield _problem(item, doc.line_of(*path, name), "key-required",
                               f"Kunci wajib `{name}` {state} di {where} ({spec.doc}). "
                               f"Isi, misalnya `{name}: {spec.example}`.")
            continue
        if spec.types and not _valid_type(value, spec):
            expected = " atau ".join(dict.fromkeys(schema.TYPE_NAMES[t] for t in spec.types))
            yield _problem(item, doc.line_of(*path, name), "key-type",
                           f"`{name}` harus berupa {expected}, bukan {schema.type_name(value)}. "
                           f"Contoh: `{name}: {spec.example.strip()}`.")


def _valid_type(value: Any, spec: schema.Key) -> bool:
    if isinstance(value, bool) and bool not in spec.types:
        return False
    return isinstance(value, spec.types)


def _text_rules(owner, doc: Document, path: tuple, value: Any, label: str,
                *, markup: bool = True) -> Iterator[Problem]:
    if not isinstance(value, str):
        return
    bad = sorted({f"U+{ord(c):04X}" for c in value
                  if (unicodedata.category(c) == "Cc" and c not in "\n\t")
                  or (unicodedata.category(c) == "Cf" and c != "\u200d")})
    if bad:
        yield _problem(owner, doc.line_of(*path), "text-control",
                       f"`{label}` memuat karakter kontrol tak terlihat ({', '.join(bad)}). "
                       "Ketik ulang teksnya tanpa menyalin dari dokumen lain.")
    fillers = sorted({f"U+{ord(c):04X}" for c in value if c in _FILLERS})
    if fillers:
        yield _problem(owner, doc.line_of(*path), "text-control",
                       f"`{label}` memuat karakter pengisi tak terlihat atau spasi khusus ({', '.join(fillers)}). "
                       "Ganti dengan spasi biasa atau hapus; ketik ulang teksnya tanpa menyalin dari dokumen lain.")
    if "\n" in value.strip():
        yield _problem(owner, doc.line_of(*path), "text-line-break",
                       f"`{label}` berisi pindah baris. Tulis dalam satu baris; teks panjang boleh dipecah "
                       f"dengan bentuk `{label}: >-` (baris-barisnya digabung), bukan `|`.")
    if markup and _MARKUP.search(value):
        yield _problem(owner, doc.line_of(*path), "text-markup",
                       f"`{label}` harus teks biasa, tanpa HTML atau format Markdown "
                       "(`<...>`, `**`, `__`, `` ` ``, `[..](..)`). Hapus tanda format itu.")


def _nfc_len(value: str) -> int:
    return len(unicodedata.normalize("NFC", value.strip()))


# What a short text needs to say, for the fix of `text-too-long`.
_TEXT_GIST = {
    "location": "cukup nama tempatnya",
    "alt": "cukup siapa, sedang apa, di mana (media sosial memotong alt yang lebih panjang tanpa pemberitahuan)",
    "credit": "cukup nama fotografer atau unitnya",
}


def _length_rule(owner, doc: Document, path: tuple, value: Any, whose: str) -> Iterator[Problem]:
    # The limit of the short texts (location, alt, credit): X cut a
    # 10,000-character alt text silently, where no reviewer saw it.
    if not isinstance(value, str):
        return
    length = _nfc_len(value)
    if length > sop.TEXT_MAX:
        yield _problem(owner, doc.line_of(*path), "text-too-long",
                       f"`{path[-1]}`{whose} berisi {length} karakter; paling banyak {sop.TEXT_MAX} karakter. "
                       f"Pendekkan {length - sop.TEXT_MAX} karakter: {_TEXT_GIST[path[-1]]}.")


def _title_rules(item, doc, title) -> Iterator[Problem]:
    if not isinstance(title, str) or not title.strip():
        return
    yield from _text_rules(item, doc, ("title",), title, "title")
    length = _nfc_len(title)
    if not schema.TITLE_MIN <= length <= schema.TITLE_MAX:
        yield _problem(item, doc.line_of("title"), "title-length",
                       f"Judul berisi {length} karakter; harus {schema.TITLE_MIN}–{schema.TITLE_MAX} karakter. "
                       + ("Tulis judul yang menjelaskan kegiatannya." if length < schema.TITLE_MIN
                          else f"Pendekkan {length - schema.TITLE_MAX} karakter."))


def _date_rules(item: Item, doc: Document, value: Any, today: dt.date, config: Config) -> Iterator[Problem]:
    if value is None or value == "":
        return
    line = doc.line_of("date")
    date = item.date  # load() read it in the site's time zone
    if date is None:
        shown = value if isinstance(value, str) else str(value)
        why = "tanggal itu tidak ada di kalender" if isinstance(value, str) and _ISO_DATE.match(value.strip()) \
            else "formatnya harus YYYY-MM-DD"
        yield _problem(item, line, "date-invalid",
                       f"Tanggal `{shown}` tidak valid: {why}. Tulis tanggal kegiatan, misalnya `date: 2026-11-20`.")
        return
    if date > today:
        yield _problem(item, line, "date-future",
                       f"Tanggal kegiatan {date.isoformat()} ada di masa depan (hari ini {today.isoformat()} "
                       f"{sop.zone_name(config.timezone)}). Isi `date` dengan hari kegiatan berlangsung (hari H).")
    elif sop.is_late(date, today):
        yield _problem(item, line, "date-late",
                       f"Kegiatan tanggal {date.isoformat()} (H) diperiksa pada {today.isoformat()}, lewat dari "
                       f"H+1 ({sop.deadline(date).isoformat()}). SOP meminta berita terbit paling "
                       "lambat H+1; berita tetap boleh terbit, sebutkan alasan keterlambatan di pull request.",
                       WARNING)
    if item.folder_date and item.folder_date != date.isoformat():
        yield _problem(item, line, "folder-date",
                       f"Nama folder memakai tanggal {item.folder_date}, tetapi `date` berisi {date.isoformat()}. "
                       f"Samakan keduanya, misalnya ganti nama folder menjadi `{date.isoformat()}-{item.slug}`.")


def _category_rules(item, doc, value, config: Config) -> Iterator[Problem]:
    if not isinstance(value, str) or not value:
        return
    if value in config.categories:
        return
    by_label = {label.lower(): slug for slug, label in config.categories.items()}
    hint = by_label.get(value.strip().lower()) or next(
        iter(difflib.get_close_matches(value.lower(), list(config.categories), n=1, cutoff=0.5)), None)
    fix = f"Mungkin maksud Anda `{hint}`?" if hint else f"Pilih salah satu: {', '.join(config.categories)}."
    yield _problem(item, doc.line_of("category"), "category-unknown",
                   f"Kategori `{value}` tidak ada dalam daftar kategori situs. {fix}")


def _tags_rules(item, doc, tags) -> Iterator[Problem]:
    if not isinstance(tags, list):
        return
    if len(tags) > schema.TAGS_MAX:
        yield _problem(item, doc.line_of("tags"), "tags-format",
                       f"Ada {len(tags)} tag; paling banyak {schema.TAGS_MAX}. Pilih yang paling penting.")
    seen = set()
    for index, tag in enumerate(tags):
        line = doc.line_of("tags", index)
        if not isinstance(tag, str) or not _TAG.match(tag) or len(tag) > schema.TAG_MAX_CHARS:
            shown = tag if isinstance(tag, str) else repr(tag)
            suggestion = slugify(str(tag)) if tag is not None else ""
            fix = f" Contoh: `{suggestion}`." if suggestion and suggestion != tag else ""
            yield _problem(item, line, "tags-format",
                           f"Tag `{shown}` tidak valid: gunakan huruf kecil dan angka, kata dipisah tanda hubung, "
                           f"paling banyak {schema.TAG_MAX_CHARS} karakter.{fix}")
        elif tag in seen:
            yield _problem(item, line, "tags-format", f"Tag `{tag}` ditulis dua kali. Hapus salah satunya.")
        seen.add(tag if isinstance(tag, str) else None)


# Placeholders of `portal new` and the guide's web template: valid text, so
# an item submitted unchanged would pass every other rule.
TEMPLATE_TEXTS = {
    "caption": "Ringkasan kegiatan untuk media sosial: apa, siapa dan hasilnya",
    "narrative": "Tulis narasi berita di sini.",
    "alt": "Ganti dengan isi foto",
}


def _template_rule(item, line: int, where: str, text: str, key: str) -> Iterator[Problem]:
    if TEMPLATE_TEXTS[key] in " ".join(text.split()):
        yield _problem(item, line, "template-text",
                       f"{where} masih berisi teks contoh dari templat (\"{TEMPLATE_TEXTS[key].rstrip('.')}…\"). "
                       "Ganti dengan isi kegiatan yang sebenarnya.")


def _caption_rules(item, doc, caption) -> Iterator[Problem]:
    if not isinstance(caption, str) or not caption.strip():
        return
    yield from _template_rule(item, doc.line_of("caption"), "Caption", caption, "caption")
    yield from _text_rules(item, doc, ("caption",), caption, "caption")
    length = _nfc_len(caption)
    if length > sop.CAPTION_MAX:
        yield _problem(item, doc.line_of("caption"), "caption-too-long",
                       f"Caption berisi {length} karakter; SOP membatasi {sop.CAPTION_MAX} karakter. "
                       f"Pendekkan {length - sop.CAPTION_MAX} karakter.")


def _id_rules(item, doc, value) -> Iterator[Problem]:
    if isinstance(value, str) and not re.fullmatch(schema.ID_PATTERN, value):
        yield _problem(item, doc.line_of("id"), "id-format",
                       f"`id` `{_shown(value)}` tidak sah: pakai 6–64 huruf kecil, angka dan tanda hubung, misalnya "
                       f"`id: {sop.item_id(item.folder.name)}`. Id yang sudah terbit jangan diubah.")


def _social_rules(item, doc, social) -> Iterator[Problem]:
    if not isinstance(social, list):
        return
    seen = set()
    for index, platform in enumerate(social):
        line = doc.line_of("social", index)
        if platform not in PLATFORMS:
            hint = [_PLATFORM_ALIASES[platform.lower()]] if str(platform).lower() in _PLATFORM_ALIASES \
                else difflib.get_close_matches(str(platform).lower(), PLATFORMS, n=1, cutoff=0.5)
            fix = f"Mungkin maksud Anda `{hint[0]}`?" if hint else f"Pilih dari: {', '.join(PLATFORMS)}."
            yield _problem(item, line, "social-unknown", f"Media sosial `{platform}` tidak dikenal. {fix}")
        elif platform in seen:
            yield _problem(item, line, "social-unknown", f"Media sosial `{platform}` ditulis dua kali. "
                                                         "Hapus salah satunya.")
        seen.add(platform)


# --------------------------------------------------------------------------- photos

def _photo_rules(item: Item, doc: Document, photos: Any, listing: list[str], inspect,
                 nested: Sequence[str], broken: set[str]) -> Iterator[Problem]:
    line = doc.line_of("photos")
    if photos is None or photos == "":
        photos = []
    if not isinstance(photos, list):
        return  # key-type already said so
    count = len(photos)
    if count < sop.PHOTOS_MIN:
        yield _problem(item, line, "photos-count",
                       f"Berita memiliki {count} foto; SOP mewajibkan minimal {sop.PHOTOS_MIN} foto kegiatan. "
                       f"Tambahkan {sop.PHOTOS_MIN - count} foto ke folder berita dan daftarkan di `photos:`.")
    elif count > sop.PHOTOS_MAX:
        yield _problem(item, line, "photos-count",
                       f"Berita memiliki {count} foto; paling banyak {sop.PHOTOS_MAX}. "
                       f"Pilih {sop.PHOTOS_MAX} foto terbaik dan hapus sisanya dari `photos:`.")

    names = set(listing)
    lowered = {n.lower(): n for n in listing}
    listed: dict[str, int] = {}
    # Names already in `photos:` are never a "did you mean": following it would duplicate them.
    claimed = {e["file"] for e in photos if isinstance(e, dict) and isinstance(e.get("file"), str)}
    for index, entry in enumerate(photos):
        path = ("photos", index)
        where = f"foto ke-{index + 1}"
        if not isinstance(entry, dict):
            yield _problem(item, doc.line_of(*path), "key-type",
                           f"{where.capitalize()} harus ditulis dengan `file:` dan `alt:`, bukan "
                           f"{schema.type_name(entry)}. Contoh: `- {schema.PHOTO_EXAMPLE}`.")
            continue
        yield from _key_rules(item, doc, path, entry, schema.PHOTO_KEYS, where)
        for key in ("alt", "credit"):
            yield from _text_rules(item, doc, path + (key,), entry.get(key), key, markup=False)
            yield from _length_rule(item, doc, path + (key,), entry.get(key), f" {where}")
        file = entry.get("file")
        if not isinstance(file, str) or not file:
            continue
        fline = doc.line_of(*path, "file")
        why = unsafe_path(file)
        if why:
            yield _problem(item, fline, "path-unsafe",
                           f"Path foto `{_shown(file)}` tidak aman: {why}. Tulis nama berkas saja, misalnya "
                           "`01-pembukaan.jpg`, dan letakkan foto di folder yang sama dengan index.md.")
            continue
        key = file.lower()
        if key in listed:
            yield _problem(item, fline, "photo-duplicate",
                           f"Foto `{file}` sudah tercantum di baris {listed[key]}. Setiap foto cukup sekali; "
                           "hapus salah satunya.")
            continue
        listed[key] = fline
        found = list(_photo_file_rules(item, file, fline, names, lowered, claimed, inspect))
        if any(p.severity == ERROR for p in found):
            broken.add(file)
        yield from found
        yield from _alt_rules(item, doc, index, entry, file)
    unlisted = [name for name in list(listing) + list(nested)
                if name != "index.md" and name.lower() not in listed]
    if len(unlisted) > schema.UNLISTED_MAX:
        # One error instead of a warning per file: thousands of them pushed the
        # reviewers' summary past GitHub's limit while the check passed.
        shown = ", ".join(f"`{name}`" for name in unlisted[:5])
        yield _problem(item, line, "folder-clutter",
                       f"Folder berita berisi {len(unlisted)} berkas yang tidak tercantum di `photos:` (misalnya "
                       f"{shown}); paling banyak {schema.UNLISTED_MAX}. Hapus berkas yang tidak dipakai dari "
                       "usulan ini; foto yang dipakai daftarkan di `photos:`.")
        return
    for name in listing:
        if _extension(name) in schema.IMAGE_EXTENSIONS and name.lower() not in listed:
            yield _problem(item, line, "photo-unlisted",
                           f"Berkas `{name}` ada di folder berita tetapi tidak tercantum di `photos:`, jadi tidak "
                           "akan terbit. Daftarkan di `photos:` atau hapus berkasnya.", WARNING)


def _photo_file_rules(item, file, line, names, lowered, claimed, inspect) -> Iterator[Problem]:
    ext = _extension(file)
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
        size, head = _head(path)
        if size > schema.PHOTO_MAX_BYTES:
            yield _problem(item, line, "photo-too-large",
                           f"Berkas `{file}` berukuran {size / 1048576:.1f} MB, melebihi batas "
                           f"{schema.PHOTO_MAX_BYTES // 1048576} MB. Kirim ulang foto dengan ukuran lebih kecil.")
        actual = sniff(head)
        if kind and actual != kind:
            found = f"berisi {actual.upper()}" if actual else "bukan berkas gambar yang dikenali"
            yield _problem(item, line, "photo-type",
                           f"Berkas `{file}` berekstensi `{ext}` tetapi {found}. Ekspor ulang fotonya "
                           "dari kamera/ponsel, atau ganti ekstensinya sesuai isi.")
        if kind and actual == kind and size <= schema.PHOTO_MAX_BYTES:
            # Integrity is part of validation: a broken photo fails the PR, not the deploy.
            for rule, severity, message in inspect(path):
                yield _problem(item, line, rule, message, severity)


def _alt_rules(item, doc, index, entry, file) -> Iterator[Problem]:
    alt = entry.get("alt")
    if not isinstance(alt, str) or not alt.strip():
        return
    line = doc.line_of("photos", index, "alt")
    yield from _template_rule(item, line, f"Alt foto `{file}`", alt, "alt")
    stem = PurePosixPath(file).stem
    if _norm(alt) in (_norm(file), _norm(stem)) or _FILE_LIKE.match(alt.strip()):
        yield _problem(item, line, "photo-alt-filename",
                       f"Alt foto `{file}` berisi nama berkas. Tulis apa yang terlihat di foto, misalnya "
                       "`Ketua DPRD membuka rapat paripurna`.")
    elif _generic_alt(alt):
        yield _problem(item, line, "photo-alt-generic",
                       f"Alt foto `{file}` (`{alt.strip()}`) terlalu umum. Tulis apa yang terlihat di foto: siapa, "
                       "sedang apa, di mana.")
    elif len(_WORD.findall(alt)) < 3:
        yield _problem(item, line, "photo-alt-short",
                       f"Alt foto `{file}` hanya {len(_WORD.findall(alt))} kata. Deskripsi yang baik menyebut "
                       "siapa, sedang apa, di mana (minimal 3 kata).", WARNING)


def _generic_alt(alt: str) -> bool:
    """True when ``alt`` is a word like "foto" or "DSC", maybe numbered, or only separators and digits."""
    text = alt.strip()
    end = len(text)
    while end and text[end - 1].isdecimal():
        end -= 1
    while end and (text[end - 1].isspace() or text[end - 1] in "_-"):
        end -= 1
    stem = text[:end]
    return stem.lower() in _GENERIC_WORDS or all(c in "-_. " for c in stem)


def sniff(head: bytes) -> str | None:
    """The image format that ``head`` (the first bytes of a file) really is."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp":
        if head[8:12] in _HEIF_BRANDS:
            return "heif"
        if head[8:12] in _AVIF_BRANDS:
            return "avif"
    return None


def _head(path: Path) -> tuple[int, bytes]:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as handle:
        return os.fstat(handle.fileno()).st_size, handle.read(16)


def _extension(name: str) -> str:
    return os.path.splitext(name)[1].lower()


def _norm(text: str) -> str:
    return " ".join(re.split(r"[\s_.\-]+", text.strip().lower())).strip()


def _shown(value: str) -> str:
    return value.replace("\0", "\\0")


# --------------------------------------------------------------------------- narrative

def _narrative_rules(owner: Item | Page, doc: Document, limits: Limits, *,
                     minimum: int = schema.NARRATIVE_MIN_WORDS):
    body = doc.body
    size = len(body.encode("utf-8"))
    if size > limits.narrative_bytes:
        # Nothing else is read: the editor's first fix is to shorten it.
        yield _problem(owner, doc.body_line, "narrative-too-large",
                       f"Narasi berukuran {_kb(size)}, melebihi batas {_kb(limits.narrative_bytes)}. Pendekkan "
                       "narasinya; dokumen panjang (laporan, peraturan) ditautkan, bukan disalin.")
        return
    words = len(_WORD.findall(strip_comments(body)))
    if words == 0:
        yield _problem(owner, doc.body_line, "narrative-missing",
                       "Narasi berita belum ada. Tulis narasi di bawah baris `---` penutup front-matter: apa, "
                       "siapa, kapan, di mana, mengapa.")
    elif words < minimum:
        yield _problem(owner, doc.body_line, "narrative-too-short",
                       f"Narasi hanya {words} kata; minimal {minimum} kata. Lengkapi dengan apa, siapa, kapan, "
                       "di mana dan mengapa kegiatan itu penting.")
    bounds = bound_findings(body, limits.line_chars)
    for line, rule, message in bounds:
        yield _problem(owner, doc.body_line + line - 1, rule, message)
    # The HTML scanner is linear only for a bounded number of `<` (markup-run said so).
    for line, rule, message in ([] if too_many_angles(body) else html_findings(body)):
        yield _problem(owner, doc.body_line + line - 1, rule, message)
    if isinstance(owner, Item):
        yield from _template_rule(owner, doc.body_line, "Narasi", body, "narrative")


def strip_comments(text: str) -> str:
    """``text`` without its HTML comments ``<!-- ... -->``, in linear time.

    (``<!--.*?-->`` rescanned to the end from every unclosed ``<!--``.)
    """
    parts, position = [], 0
    while (start := text.find("<!--", position)) >= 0:
        end = text.find("-->", start + 4)
        if end < 0:
            break  # no later comment can close either
        parts.append(text[position:start])
        position = end + 3
    parts.append(text[position:])
    return "".join(parts)


def _kb(size: int) -> str:
    return f"{size / 1024:.0f} KB".replace(".", ",")


_ID_LINE = re.compile(r"^id:[ \t]*[\"']?([^\"'\s#]+)", re.MULTILINE)


def _declared_id(item: Item) -> str | None:
    # The id of an item outside the checked scope, without parsing it: a
    # copied folder keeps its original's id, and only the whole tree shows the clash.
    try:
        with open(item.source, "rb") as f:
            head = f.read(65536).decode("utf-8", "replace")
    except OSError:
        return None
    end = head.find("\n---", 3)
    match = _ID_LINE.search(head, 0, end if end > 0 else len(head))
    return match.group(1) if match else None


def _duplicate_id(item: Item, ids: dict[str, list[Item]], root: Path) -> Iterator[Problem]:
    item_id = item.meta.get("id") if item.doc else None
    others = [o for o in ids.get(item_id, []) if o is not item] if isinstance(item_id, str) else []
    if others:
        assert item.doc is not None  # the id was read from it
        names = ", ".join(rel(o.folder, root) for o in others)
        yield _problem(item, item.doc.line_of("id"), "id-duplicate",
                       f"`id: {item_id}` juga dipakai oleh {names}. Setiap berita harus punya id sendiri; berita "
                       "yang disalin ikut menyalin id-nya. Ganti id berita yang belum terbit, misalnya "
                       f"`id: {sop.item_id(item.folder.name)}`.")


def _duplicate_slug(item: Item, same: list[Item], root: Path) -> Iterator[Problem]:
    others = [o for o in same if o is not item]
    if item.slug and others:
        names = ", ".join(rel(o.folder, root) for o in others)
        yield _problem(item, 1, "slug-duplicate",
                       f"Slug `{item.slug}` juga dipakai oleh {names}. Alamat berita harus unik: ganti bagian "
                       "judul pada nama folder salah satunya.")


# --------------------------------------------------------------------------- pages

def check_page(page: Page, limits: Limits | None = None) -> list[Problem]:
    """Every problem of one static page."""
    limits = limits or Limits()
    problems = list(_page_name_rules(page))
    doc = page.doc
    if doc is None:
        return problems
    problems.extend(_key_rules(page, doc, (), doc.meta, schema.PAGE_KEYS, "front-matter"))
    title = doc.meta.get("title")
    if not isinstance(title, str) or not title.strip():
        title = first_heading(doc.body)
    if not title:
        problems.append(_problem(page, 1, "page-title",
                                 "Halaman tanpa judul. Tambahkan front-matter `title: ...` atau judul `# ...` "
                                 "di baris pertama."))
    else:
        problems.extend(_text_rules(page, doc, ("title",), title, "title"))
    if not _WORD.search(strip_comments(doc.body)):
        problems.append(_problem(page, doc.body_line, "page-empty", "Halaman ini kosong. Tulis isinya di bawah "
                                                                    "front-matter."))
    problems.extend(p for p in _narrative_rules(page, doc, limits, minimum=0)
                    if p.rule.startswith("html-") or p.rule in _BOUND_RULES)
    return problems


_BOUND_RULES = {"narrative-too-large", "line-too-long", "nesting-too-deep", "markup-run"}


def _page_name_rules(page: Page) -> Iterator[Problem]:
    name = page.name.lower()
    if name in RESERVED_PAGES or name.startswith(RESERVED_PAGE_PREFIXES):
        yield _problem(page, 1, "page-name",
                       f"Nama halaman `{page.source.name}` sudah dipakai situs untuk halaman yang dibuat otomatis "
                       "(beranda, arsip, kategori, tag, berita, feed, sitemap, pencarian). Ganti nama berkasnya, "
                       f"misalnya `{page.name.lower()}-dprd.md`.")
