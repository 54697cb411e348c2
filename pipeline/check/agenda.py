"""Rules for the agenda of sittings (owned by the agenda work of issue 18).

Every problem of every sitting at once, each with its file, line, rule code and
an Indonesian fix, as for news items. The plain-text rules of news
front-matter (``text-control``, ``text-markup``, ``text-line-break``,
``title-length``) and the body's HTML and size rules (``safety``) are reused,
(``pipeline/check/text.py``), so a hostile title is refused the same way wherever it is written.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pipeline.check.narrative import body_findings
from pipeline.check.text import nfc_len, text_rules, title_rules
from pipeline.config import Config
from pipeline.content import sop
from pipeline.content.agenda import AGENDA_DIR, CANCELLED, CHANGED, FILE_NAME, SCHEDULED, STATUSES, Sitting, clock
from pipeline.content.frontmatter import read_file
from pipeline.content.model import ERROR, WARNING, Document, Problem

if TYPE_CHECKING:
    from pipeline.content.load import Content

KEYS = ("title", "start", "end", "place", "body", "public", "status", "change", "previous_start", "news", "id")
REQUIRED = {"title": "judul rapat", "start": "jam mulai (HH:MM)", "place": "tempat rapat",
            "body": "alat kelengkapan penyelenggara"}
TEXTS = ("title", "place", "change")  # plain one-line texts shown on the site, in the calendar and in JSON-LD
# The Indonesian words editors reach for, for the "did you mean" of agenda-key-unknown.
_ALIASES = {"judul": "title", "mulai": "start", "jam": "start", "selesai": "end", "tempat": "place",
            "lokasi": "place", "location": "place", "badan": "body", "terbuka": "public", "keterangan": "change",
            "berita": "news", "date": "start", "tanggal": "start"}
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def check_agenda(config: Config, content: Content, today: dt.date) -> list[Problem]:
    """Every problem of the sittings in ``content`` (in its scope); the model is read, never changed."""
    news = _news_keys(content)
    problems: list[Problem] = []
    uids: dict[str, list[Sitting]] = {}
    for sitting in content.agenda:
        problems.extend(check_sitting(sitting, config, today, news))
        uids.setdefault(sitting.uid, []).append(sitting)
    for uid, same in uids.items():
        for sitting in same[1:]:
            problems.append(Problem(sitting.rel, sitting.doc.line_of("id") if sitting.doc else 1, "agenda-id-duplicate",
                                    ERROR, f"`id` {uid} sudah dipakai oleh {same[0].rel}. Setiap rapat butuh `id` "
                                    "sendiri: hapus baris `id` (nama berkas menjadi id-nya) atau ganti dengan id lain."))
    return problems


def check_sitting(sitting: Sitting, config: Config, today: dt.date, news: set[str]) -> list[Problem]:
    """Every problem of one sitting; ``news`` holds the ids and folder names of the news items."""
    problems = list(_name_rules(sitting))
    doc = sitting.doc
    if doc is None:  # reading failed: load reported why
        return problems
    problems.extend(_key_rules(sitting, doc))
    problems.extend(_text_rules(sitting, doc))
    problems.extend(_time_rules(sitting, doc, config))
    problems.extend(_choice_rules(sitting, doc, config, today))
    problems.extend(_news_rule(sitting, doc, news))
    problems.extend(_body_rules(sitting, doc, config))
    return problems


def _problem(sitting: Sitting, line: int, rule: str, message: str, severity: str = ERROR) -> Problem:
    return Problem(sitting.rel, line, rule, severity, message)


def _name_rules(sitting: Sitting) -> Iterator[Problem]:
    name, parent = sitting.source.name, sitting.source.parent
    if not FILE_NAME.match(name) or sitting.date is None:
        yield _problem(sitting, 1, "agenda-file-name",
                       f"Nama berkas `{name}` tidak sesuai. Agenda ditulis satu berkas per rapat: "
                       "content/agenda/<TAHUN>/<YYYY-MM-DD>-<slug>.md dengan tanggal rapat yang benar dan slug huruf "
                       "kecil, angka dan tanda hubung, misalnya content/agenda/2026/2026-12-14-paripurna-apbd.md.")
    elif parent.name != str(sitting.date.year) or parent.parent.name != AGENDA_DIR:
        yield _problem(sitting, 1, "agenda-file-name",
                       f"Berkas rapat tanggal {sitting.date.isoformat()} harus berada di folder "
                       f"content/agenda/{sitting.date.year}/. Pindahkan berkasnya ke folder itu.")


def _key_rules(sitting: Sitting, doc: Document) -> Iterator[Problem]:
    for key in doc.meta:
        if key not in KEYS:
            hint = f" Maksudnya `{_ALIASES[key]}`?" if key in _ALIASES else ""
            yield _problem(sitting, doc.line_of(key), "agenda-key-unknown",
                           f"Kunci `{key}` tidak dikenal untuk agenda rapat.{hint} Kunci yang dikenal: "
                           f"{', '.join(KEYS)}.")
    for key, what in REQUIRED.items():
        value = doc.meta.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            yield _problem(sitting, doc.line_of(key), "agenda-required",
                           f"`{key}` wajib diisi: {what}. Tambahkan baris `{key}: ...` di front-matter.")
    public = doc.meta.get("public", True)
    if not isinstance(public, bool):
        yield _problem(sitting, doc.line_of("public"), "agenda-public",
                       f"`public` harus `true` (terbuka untuk umum) atau `false` (tertutup), bukan `{public}`.")
    declared = doc.meta.get("id")
    if declared is not None and not (isinstance(declared, str) and _ID.match(declared.strip())):
        yield _problem(sitting, doc.line_of("id"), "agenda-id-format",
                       f"`id` `{declared}` tidak sesuai: pakai huruf kecil, angka dan tanda hubung saja. Id menjadi "
                       "kunci tetap di kalender pelanggan: jangan diubah setelah terbit (hapus baris `id` bila ragu).")


def _text_rules(sitting: Sitting, doc: Document) -> Iterator[Problem]:
    title = doc.meta.get("title")
    if isinstance(title, str) and title.strip():
        yield from title_rules(sitting.rel, doc, title)
    for key in TEXTS[1:]:
        value = doc.meta.get(key)
        if value is not None and not isinstance(value, str):
            yield _problem(sitting, doc.line_of(key), "agenda-key-type",
                           f"`{key}` harus teks biasa satu baris, bukan `{value}`.")
            continue
        yield from text_rules(sitting.rel, doc, (key,), value, key)
        length = nfc_len(value) if isinstance(value, str) else 0
        if length > sop.TEXT_MAX:
            yield _problem(sitting, doc.line_of(key), "text-too-long",
                           f"`{key}` berisi {length} karakter; paling banyak {sop.TEXT_MAX} karakter. Pendekkan "
                           f"{length - sop.TEXT_MAX} karakter; rincian acara ditulis di bawah front-matter.")


def _time_rules(sitting: Sitting, doc: Document, config: Config) -> Iterator[Problem]:
    zone = sop.zone_name(config.timezone)
    for key in ("start", "end", "previous_start"):
        value = doc.meta.get(key)
        if value is None or value == "" or clock(value) or (key == "previous_start" and sitting.at(key, config.tz)):
            continue
        yield _problem(sitting, doc.line_of(key), "agenda-time",
                       f"`{key}` harus jam dalam bentuk HH:MM ({zone}), misalnya `09:00` atau `13:30`"
                       + (" (atau `YYYY-MM-DD HH:MM` bila rapat semula di hari lain)" if key == "previous_start" else "")
                       + f", bukan `{value}`.")
    start, end = clock(doc.meta.get("start")), clock(doc.meta.get("end"))
    if start and end and end <= start:
        yield _problem(sitting, doc.line_of("end"), "agenda-end-before-start",
                       f"Jam selesai {end:%H:%M} tidak sesudah jam mulai {start:%H:%M}. Perbaiki `end` atau "
                       "`start`; rapat yang lewat tengah malam ditulis sampai 23:59.")


def _choice_rules(sitting: Sitting, doc: Document, config: Config, today: dt.date) -> Iterator[Problem]:
    body = doc.meta.get("body")
    if isinstance(body, str) and body.strip() and body.strip() not in config.bodies:
        known = ", ".join(config.bodies) or "(belum ada: isi `extra.portal.bodies` di mkdocs.yml)"
        yield _problem(sitting, doc.line_of("body"), "agenda-body-unknown",
                       f"Alat kelengkapan `{body}` tidak dikenal. Pakai salah satu dari: {known}.")
    status = sitting.status
    if status not in STATUSES:
        yield _problem(sitting, doc.line_of("status"), "agenda-status-unknown",
                       f"Status `{status}` tidak dikenal. Pakai salah satu dari: {', '.join(STATUSES)}.")
    change = doc.meta.get("change")
    if status in (CHANGED, CANCELLED) and not (isinstance(change, str) and change.strip()):
        example = "Diundur dari 12 Desember 09.00" if status == CHANGED else "Dibatalkan karena ..."
        yield _problem(sitting, doc.line_of("status"), "agenda-change-missing",
                       f"Rapat berstatus `{status}` tanpa keterangan. Tambahkan `change:` yang menjelaskan apa yang "
                       f"{status}, misalnya `change: {example}`.")
    if sitting.date and sitting.date < today and status in (SCHEDULED, CHANGED):
        yield _problem(sitting, doc.line_of("status"), "agenda-past-scheduled",
                       f"Rapat tanggal {sitting.date.isoformat()} sudah lewat (hari ini {today.isoformat()}) tetapi "
                       f"masih berstatus `{status}`: ubah status menjadi selesai atau dibatalkan.", WARNING)


def _news_rule(sitting: Sitting, doc: Document, news: set[str]) -> Iterator[Problem]:
    value = doc.meta.get("news")
    if value is None or value == "":
        return
    if not isinstance(value, str) or value.strip().strip("/").rsplit("/", 1)[-1] not in news:
        yield _problem(sitting, doc.line_of("news"), "agenda-news-missing",
                       f"`news` menunjuk ke berita `{value}` yang tidak ada. Isi dengan `id` berita atau nama "
                       "foldernya (misalnya 2026-11-20-rapat-paripurna-penetapan-apbd-2027), atau hapus barisnya.")


def _body_rules(sitting: Sitting, doc: Document, config: Config) -> Iterator[Problem]:
    for line, rule, message in body_findings(doc.body, config.limits, "Isi agenda berukuran {size}, melebihi batas "
                                             "{limit}. Tulis acara rapat saja; dokumen panjang ditautkan."):
        yield _problem(sitting, doc.body_line + line - 1, rule, message)


def _news_keys(content: Content) -> set[str]:
    """The folder names and the declared ids of every news item (read here when out of the check's scope)."""
    keys: set[str] = set()
    if not any(isinstance(s.meta.get("news"), str) for s in content.agenda):
        return keys
    for item in content.items:
        keys.add(item.source.parent.name)
        doc = item.doc
        if doc is None:  # out of scope (`portal check content/agenda/...`): read just its id
            doc, _ = read_file(item.source)
        declared: Any = doc.meta.get("id") if doc else None
        if isinstance(declared, str):
            keys.add(declared.strip())
    return keys
