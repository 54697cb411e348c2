"""``portal check``: every rule, every problem, in one run.

Rules never stop at the first problem: an editor fixing a PR should see the
whole list at once. Each problem names the file, the line, a stable rule
code and, in Bahasa Indonesia, what was found and how to fix it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from pipeline.check import weak
from pipeline.check.agenda import check_agenda
from pipeline.check.captions import caption_findings
from pipeline.check.council import check_council
from pipeline.check.documents import check_documents
from pipeline.check.files import AVIF_BRANDS as _AVIF_BRANDS  # noqa: F401 (old names, used by tests)
from pipeline.check.files import FILE_LIKE as _FILE_LIKE
from pipeline.check.files import GENERIC_WORDS as _GENERIC_WORDS  # noqa: F401
from pipeline.check.files import HEIF_BRANDS as _HEIF_BRANDS  # noqa: F401
from pipeline.check.files import extension as _extension
from pipeline.check.files import generic_alt as _generic_alt
from pipeline.check.files import head as _head  # noqa: F401
from pipeline.check.files import photo_file_rules as _photo_file_rules
from pipeline.check.files import sniff  # noqa: F401
from pipeline.check.narrative import (
    TEMPLATE_TEXTS,  # noqa: F401
    strip_comments,
)
from pipeline.check.narrative import WORD as _WORD
from pipeline.check.narrative import narrative_rules as _narrative_rules
from pipeline.check.narrative import template_rule as _template_rule
from pipeline.check.retraction import check_retraction, is_retracted, item_keys
from pipeline.check.schedule import check_schedule

# The plain-text field rules, shared with the other content kinds (under their old names here).
from pipeline.check.text import kb as _kb  # noqa: F401 (old name)
from pipeline.check.text import nfc_len as _nfc_len
from pipeline.check.text import problem as _problem
from pipeline.check.text import text_rules as _text_rules
from pipeline.check.text import title_rules as _title_rules
from pipeline.check.updates import check_updates
from pipeline.check.videos import check_videos
from pipeline.check.videos import listed_names as listed_videos
from pipeline.config import PLATFORMS, Config, Limits
from pipeline.content import schema, sop
from pipeline.content.frontmatter import ISO_DATE
from pipeline.content.load import YEAR, Content, first_heading, load, rel, unsafe_path
from pipeline.content.model import ERROR, WARNING, Document, Item, Page, Photo, Problem
from pipeline.content.scaffold import slugify
from pipeline.photos import images
from pipeline.video.memo import PROBE_CACHE, ProbeMemo

_TAG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
INSPECT_CACHE = ".portal/cache/inspect.json"
_PLATFORM_ALIASES = {"twitter": "x", "fb": "facebook", "ig": "instagram", "tg": "telegram"}
# Static page names the site generates itself (pipeline/site/stage.py, feeds.py),
# MkDocs (README.md becomes index.md, 404.md becomes 404.html, sitemap.xml)
# and Material (assets/, search/) write: a page of that name would replace
# or shadow it.
RESERVED_PAGES = frozenset(("index", "readme", "arsip", "kategori", "tag", "berita", "404", "assets", "agenda",
                            "anggota", "alat-kelengkapan", "fraksi", "register", "informasi", "jdih"))
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


def in_scope(content: Content) -> tuple[list[Item], list[Page]]:
    """The items and pages of ``content`` that ``check_content`` checks (its ``Report.items`` and ``pages``)."""
    return ([item for item in content.items if content.scope.covers(item.source)],
            [page for page in content.pages if content.scope.covers(page.source)])


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
    probe = ProbeMemo(config.root / PROBE_CACHE)  # and probing every video: opened and saved once per run
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
                                          nested=content.nested.get(item.folder, []), broken=broken, probe=probe))
        report.problems.extend(_duplicate_slug(item, slugs[item.slug], config.root))
        if isinstance(item.meta.get("id"), str):
            ids[item.meta["id"]].append(item)
    published = published_folders(config.root)
    for item in report.items:  # once every id is known
        report.problems.extend(_duplicate_id(item, ids, config.root, published))
    for page in content.pages:
        if scope.covers(page.source):
            report.pages.append(page)
            report.problems.extend(check_page(page, config.limits))
    report.problems.extend(check_agenda(config, content, today))
    report.problems.extend(check_council(config, content, today))
    report.problems.extend(check_documents(config, content, today))
    inspect.save(partial=bool(scope.roots))
    probe.save()
    report.content = content
    report.problems.sort()
    return report


# --------------------------------------------------------------------------- items

def check_item(item: Item, config: Config, today: dt.date, listing: list[str],
               inspect=images.inspect, nested: Sequence[str] = (), broken: set[str] | None = None,
               probe: ProbeMemo | None = None) -> list[Problem]:
    """Every problem of one loaded news item (schema, SOP, content, safety); reading problems are ``load``'s.

    ``inspect`` decodes a photo for integrity; ``check`` passes a memoised one.
    ``nested`` lists the files in the item's subfolders (``sub/name``);
    ``broken`` receives the names of photos with an error of their own;
    ``probe`` is the run's video probe memo (``check`` opens one for all items).
    """
    problems = list(_folder_rules(item))
    doc = item.doc
    if doc is None:
        return problems
    meta = doc.meta
    # A misspelt key (`photo:`) is the cause of what the missing key would
    # report (no photos, unlisted files): say only the cause.
    typos = misspelt(meta, schema.ITEM_KEYS)
    # A withdrawn item (`retracted:`) keeps its title and date for the notice page; nothing else of it is
    # published, so the SOP's other demands (photos, caption, narrative, H+1) end: its photos may go.
    retracted = is_retracted(meta)
    problems.extend(_key_rules(item, doc, (), meta, item_keys(meta), "front-matter", typos))
    problems.extend(_title_rules(item, doc, meta.get("title")))
    problems.extend(p for p in _date_rules(item, doc, meta.get("date"), today, config)
                    if not (retracted and p.rule == "date-late"))
    problems.extend(_category_rules(item, doc, meta.get("category"), config))
    problems.extend(_tags_rules(item, doc, meta.get("tags")))
    problems.extend(_text_rules(item, doc, ("location",), meta.get("location"), "location"))
    problems.extend(_length_rule(item, doc, ("location",), meta.get("location"), ""))
    problems.extend(_social_rules(item, doc, meta.get("social")))
    problems.extend(_id_rules(item, doc, meta.get("id")))
    if not retracted:
        problems.extend(weak.default_location(item, doc, meta.get("location")))
        problems.extend(_caption_rules(item, doc, meta.get("caption")))
        problems.extend(caption_findings(item, doc, config))
        if "photos" not in typos:
            problems.extend(_photo_rules(item, doc, meta.get("photos"), listing, inspect, nested,
                                         set() if broken is None else broken))
        problems.extend(_narrative_rules(item, doc, config.limits))
        problems.extend(check_videos(item, doc, config, listing, probe))
    problems.extend(check_updates(item, doc, config, today))
    problems.extend(check_retraction(item, doc, config, today))
    problems.extend(check_schedule(item, doc, config, today))
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


def misspelt(meta: dict, keys: dict[str, schema.Key]) -> dict[str, str]:
    """Known keys missing from ``meta`` that an unknown key of it probably meant: {known: written}."""
    found: dict[str, str] = {}
    for key in meta:
        hint = _did_you_mean(key, keys)
        if hint and hint not in meta:
            found.setdefault(hint, key)
    return found


def _did_you_mean(key: Any, keys: dict[str, schema.Key]) -> str | None:
    if not isinstance(key, str) or key in keys:
        return None
    hint = difflib.get_close_matches(key.lower(), list(keys), n=1, cutoff=0.6)
    return hint[0] if hint else None


def _key_rules(item, doc: Document, path: tuple, meta: dict, keys: dict[str, schema.Key],
               where: str, typos: dict[str, str] | None = None) -> Iterator[Problem]:
    typos = typos or {}
    for key in meta:
        if key not in keys:
            hint = _did_you_mean(key, keys)
            fix = f"Mungkin maksud Anda `{hint}`?" if hint else \
                f"Kunci yang dikenal: {', '.join(keys)}."
            if hint and typos.get(hint) == key:
                fix += f" Pesan lain tentang `{hint}` baru diperiksa setelah nama kunci ini diperbaiki."
            yield _problem(item, doc.line_of(*path, key), "key-unknown",
                           f"Kunci `{key}` tidak dikenal di {where}. {fix}")
    for name, spec in keys.items():
        value = meta.get(name)
        if name in typos:
            continue
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


def _date_rules(item: Item, doc: Document, value: Any, today: dt.date, config: Config) -> Iterator[Problem]:
    if value is None or value == "":
        return
    line = doc.line_of("date")
    date = item.date  # load() read it in the site's time zone
    if date is None:
        shown = value if isinstance(value, str) else str(value)
        why = "tanggal itu tidak ada di kalender" if isinstance(value, str) and ISO_DATE.match(value.strip()) \
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
    if item.videos:  # the SOP counts documentation "video dan/atau foto" (issue 16)
        yield from _documentation_count(item, line, count, len(item.videos))
    elif count < sop.PHOTOS_MIN:
        yield _problem(item, line, "photos-count",
                       f"Berita memiliki {count} foto; SOP mewajibkan minimal {sop.PHOTOS_MIN} foto kegiatan. "
                       f"Tambahkan {sop.PHOTOS_MIN - count} foto ke folder berita dan daftarkan di `photos:`.")
    if count > sop.PHOTOS_MAX:
        yield _problem(item, line, "photos-count",
                       f"Berita memiliki {count} foto; paling banyak {sop.PHOTOS_MAX}. "
                       f"Pilih {sop.PHOTOS_MAX} foto terbaik dan hapus sisanya dari `photos:`.")

    names = set(listing)
    lowered = {n.lower(): n for n in listing}
    listed: dict[str, int] = {}
    # Names already in `photos:` are never a "did you mean": following it would duplicate them.
    claimed = {e["file"] for e in photos if isinstance(e, dict) and isinstance(e.get("file"), str)}
    sound: list[tuple[str, int]] = []  # (file, line) of each photo that exists and decodes
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
        elif file in names:
            sound.append((file, fline))
        yield from found
        yield from _alt_rules(item, doc, index, entry, file)
    yield from weak.alt_duplicates(item, doc, photos)
    yield from weak.photo_findings(item, sound, inspect)
    videos = listed_videos(item.meta)  # listed videos and their captions are the video rules' files
    unlisted = [name for name in list(listing) + list(nested)
                if name != "index.md" and name.lower() not in listed and name.lower() not in videos]
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
    yield from weak.folder_files(item, line, [name for name in unlisted
                                              if _extension(name) not in schema.IMAGE_EXTENSIONS])


def _documentation_count(item: Item, line: int, photos: int, videos: int) -> Iterator[Problem]:
    """The SOP's count of an item with videos: photos and videos together, and at least one photo."""
    total, need = photos + videos, sop.PHOTOS_MIN
    if not photos:
        more = f" SOP mewajibkan minimal {need} dokumentasi, jadi tambahkan minimal {need - videos} foto." \
            if total < need else " Tambahkan minimal 1 foto."
        yield _problem(item, line, "photos-none",
                       f"Berita memiliki {videos} video tetapi tidak ada foto; foto pertama tampil di atas berita "
                       f"dan di kartu daftar berita, jadi minimal 1 foto wajib ada.{more} Letakkan fotonya di "
                       "folder berita dan daftarkan di `photos:`.")
    elif total < need:
        yield _problem(item, line, "photos-count",
                       f"Berita memiliki {photos} foto dan {videos} video; SOP mewajibkan minimal {need} "
                       f"dokumentasi kegiatan (foto dan/atau video). Tambahkan {need - total} foto atau video ke "
                       "folder berita dan daftarkan di `photos:` atau `videos:`.")


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


def _norm(text: str) -> str:
    return " ".join(re.split(r"[\s_.\-]+", text.strip().lower())).strip()


def _shown(value: str) -> str:
    return value.replace("\0", "\\0")


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


BUILD_RECORD = ".portal/build-record.json"  # written by `portal build` (pipeline/site/record.py)


def published_folders(root: Path) -> set[str]:
    """The item folders (relative to ``root``) of the last build record: what is live on the site.

    Read here as plain JSON: the check runs before (and without) the site layer.
    No record (a fresh clone, a PR job) means nothing is known to be published.
    """
    try:
        data = json.loads((root / BUILD_RECORD).read_text(encoding="utf-8"))
        return {entry["path"] for entry in data["items"] if isinstance(entry.get("path"), str)}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return set()


def _originals(clash: list[Item], root: Path, published: Collection[str]) -> list[Item]:
    """Which of items sharing one id is the original: the published one, else the earliest folder date."""
    live = [i for i in clash if rel(i.folder, root) in published]
    if live:
        return live
    first = min(i.folder_date or "9999" for i in clash)
    return [i for i in clash if (i.folder_date or "9999") == first]


def _duplicate_id(item: Item, ids: dict[str, list[Item]], root: Path,
                  published: Collection[str] = frozenset()) -> Iterator[Problem]:
    item_id = item.meta.get("id") if item.doc else None
    clash = ids.get(item_id, []) if isinstance(item_id, str) else []
    others = [o for o in clash if o is not item]
    if not others:
        return
    assert item.doc is not None  # the id was read from it
    originals = _originals(clash, root, published)
    names = ", ".join(rel(o.folder, root) for o in others)
    fix = f"`id: {sop.item_id(item.folder.name)}`"
    if len(originals) != 1:  # no way to tell the copy: both are told, as before
        advice = ("Setiap berita harus punya id sendiri; berita yang disalin ikut menyalin id-nya. Ganti id berita "
                  f"yang belum terbit, misalnya {fix}.")
    elif originals[0] is item:
        return  # the original keeps its id: the copies get the advice
    else:
        original = rel(originals[0].folder, root)
        why = "sudah terbit" if original in published else "bertanggal lebih awal"
        advice = (f"Berita {original} {why}, jadi berita ini salinannya: ganti id berita ini, misalnya {fix}. "
                  "Id berita aslinya jangan diubah.")
    yield _problem(item, item.doc.line_of("id"), "id-duplicate", f"`id: {item_id}` juga dipakai oleh {names}. {advice}")


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
