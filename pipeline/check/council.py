"""Rules for the council: members, factions, bodies (owned by the council work of issue 18).

Every problem at once, each naming the file, the line and the fix. The
portrait is judged by the news items' photo rules (``files.photo_file_rules``:
missing, wrong type, too large, broken), the short texts by their text rules
and the profile by the narrative's safety rules, called, not copied.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pipeline.check import files, narrative, text, weak
from pipeline.config import Config
from pipeline.content.council import ROLES, TERM_FILE, Member, Term
from pipeline.content.load import unsafe_path
from pipeline.content.model import ERROR, Problem
from pipeline.photos import images

if TYPE_CHECKING:
    from pipeline.content.load import Content

MEMBER_KEYS = ("name", "photo", "faction", "district", "position", "bodies", "tag", "until")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_WORD = re.compile(r"\w+")


def check_council(config: Config, content: Content, today: dt.date) -> list[Problem]:
    """Every problem of the council in ``content`` (in its scope); the model is read, never changed."""
    covers = content.scope.covers
    problems: list[Problem] = []
    for term in content.council.terms:
        if covers(term.folder / TERM_FILE):
            problems.extend(_term_rules(term))
        for member in term.members:
            if member.doc is not None and covers(member.source):
                problems.extend(_member_rules(config, term, member))
        problems.extend(p for p in _clash_rules(config, term) if covers(config.root / p.file))
    return problems


def _problem(owner: Term | Member, line: int, rule: str, message: str) -> Problem:
    return Problem(owner.rel, line, rule, ERROR, message)


def _known(names: dict[str, Any] | list[str]) -> str:
    return ", ".join(f"`{name}`" for name in names) or "(belum ada)"


# --------------------------------------------------------------------------- terms

def _term_rules(term: Term) -> Iterator[Problem]:
    if not term.found:
        yield _problem(term, 1, "term-file",
                       f"Folder masa jabatan `{term.slug}` belum punya `{TERM_FILE}`. Buat berkas itu berisi "
                       "`start:`, `end:`, `factions:` dan `electoral_districts:` (lihat Panduan Penulis, bagian "
                       "Anggota DPRD).")
        return
    if term.doc is None:
        return  # the reading problem says why
    doc, first, last = term.doc, *term.slug.split("-")
    for key, year in (("start", first), ("end", last)):
        day = term.date(key)
        if day is None or str(day.year) != year:
            yield _problem(term, doc.line_of(key), "term-dates",
                           f"`{key}` harus tanggal tahun {year} (sesuai nama folder `{term.slug}`), ditulis "
                           f"YYYY-MM-DD, misalnya `{key}: {year}-08-19`.")
    if term.start and term.end and term.end <= term.start:
        yield _problem(term, doc.line_of("end"), "term-dates",
                       f"`end` ({term.end.isoformat()}) harus sesudah `start` ({term.start.isoformat()}). "
                       "Perbaiki salah satu tanggalnya.")
    factions = term.meta.get("factions")
    if not isinstance(factions, dict) or not factions:
        yield _problem(term, doc.line_of("factions"), "term-factions",
                       "`factions` harus berisi daftar fraksi, satu per slug, misalnya `fraksi-maju: {name: "
                       "\"Fraksi Partai Maju Bersama\", short: \"F-PMB\"}`.")
    else:
        for slug, value in factions.items():
            name = value.get("name") if isinstance(value, dict) else None
            if not _SLUG.match(slug) or not isinstance(name, str) or not name.strip():
                yield _problem(term, doc.line_of("factions", slug), "term-factions",
                               f"Fraksi `{slug}` harus punya slug huruf kecil-dan-tanda-hubung dan `name:`, misalnya "
                               "`fraksi-maju: {name: \"Fraksi Partai Maju Bersama\", short: \"F-PMB\"}`.")
            yield from _texts(term, ("factions", slug), value if isinstance(value, dict) else {}, ("name", "short"))
    districts = term.meta.get("electoral_districts")
    if not isinstance(districts, dict) or not districts:
        yield _problem(term, doc.line_of("electoral_districts"), "term-districts",
                       "`electoral_districts` harus berisi daerah pemilihan, satu per slug, misalnya "
                       "`dapil-i: \"Dapil I: Kecamatan Contoh Kota, Contoh Utara\"`.")
    else:
        for slug, value in districts.items():
            if not _SLUG.match(slug) or not isinstance(value, str) or not value.strip():
                yield _problem(term, doc.line_of("electoral_districts", slug), "term-districts",
                               f"Dapil `{slug}` harus punya slug huruf kecil-dan-tanda-hubung dan nama, misalnya "
                               "`dapil-i: \"Dapil I: Kecamatan Contoh Kota, Contoh Utara\"`.")
        yield from _texts(term, ("electoral_districts",), districts, tuple(districts))


def _texts(owner: Term | Member, path: tuple, values: dict, keys: tuple) -> Iterator[Problem]:
    """The news items' text rules (control characters, line breaks, markup) on ``values[key]``."""

    assert owner.doc is not None
    for key in keys:
        yield from text.text_rules(owner, owner.doc, path + (key,), values.get(key), key)


# --------------------------------------------------------------------------- members

def _member_rules(config: Config, term: Term, member: Member) -> Iterator[Problem]:
    doc = member.doc
    assert doc is not None
    meta = doc.meta
    for key in meta:
        if key not in MEMBER_KEYS:
            hint = difflib.get_close_matches(key.lower(), MEMBER_KEYS, n=1, cutoff=0.6)
            fix = f"Mungkin maksud Anda `{hint[0]}`?" if hint else f"Kunci yang dikenal: {_known(list(MEMBER_KEYS))}."
            yield _problem(member, doc.line_of(key), "member-key", f"Kunci `{key}` tidak dikenal di data anggota. {fix}")
    if not member.name:
        yield _problem(member, doc.line_of("name"), "member-name",
                       "Nama anggota belum diisi. Tulis nama lengkap dengan gelar, misalnya "
                       "`name: \"H. Ahmad Contoh, S.H.\"`.")
    yield from _texts(member, (), meta, ("name", "position"))
    yield from _choice(member, "faction", "member-faction", "Fraksi", term.factions, term, "factions")
    yield from _choice(member, "district", "member-district", "Dapil", term.districts, term, "electoral_districts")
    yield from _seat_rules(config, member)
    yield from _photo_rules(member)
    tag = meta.get("tag")
    if tag is not None and (not isinstance(tag, str) or not _SLUG.match(tag)):
        yield _problem(member, doc.line_of("tag"), "member-tag",
                       f"`tag` `{tag}` harus satu tag berita: huruf kecil, angka dan tanda hubung, misalnya "
                       "`tag: ahmad-contoh`. Berita anggota ini adalah berita yang memuat tag itu.")
    yield from _until_rule(term, member)
    yield from _profile_rules(config, member)


def _choice(member: Member, key: str, rule: str, label: str, known: dict, term: Term,
            where: str) -> Iterator[Problem]:
    """``member``'s ``key`` must be one of the term's ``known`` slugs."""
    assert member.doc is not None
    value = member.meta.get(key)
    if isinstance(value, str) and value.strip() in known:
        return
    found = f"{label} `{value}` tidak dikenal" if isinstance(value, str) and value.strip() else \
        f"`{key}` belum diisi"
    yield _problem(member, member.doc.line_of(key), rule,
                   f"{found} di masa jabatan {term.slug}. Pilih salah satu: {_known(known)} "
                   f"(daftar `{where}:` di {term.rel}).")


def _seat_rules(config: Config, member: Member) -> Iterator[Problem]:
    assert member.doc is not None
    doc, entries = member.doc, member.meta.get("bodies")
    if entries is None:
        return
    if not isinstance(entries, list):
        yield _problem(member, doc.line_of("bodies"), "member-body",
                       "`bodies` harus berupa daftar, misalnya `bodies: [{body: komisi-i, role: Anggota}]`.")
        return
    for index, entry in enumerate(entries):
        body = entry.get("body") if isinstance(entry, dict) else None
        role = entry.get("role") if isinstance(entry, dict) else None
        if body not in config.bodies:
            yield _problem(member, doc.line_of("bodies", index, "body"), "member-body",
                           f"Alat kelengkapan `{body}` tidak dikenal. Pilih salah satu: {_known(config.bodies)} "
                           "(daftar `extra.portal.bodies` di mkdocs.yml).")
        if role not in ROLES:
            yield _problem(member, doc.line_of("bodies", index, "role"), "member-role",
                           f"Jabatan `{role}` di alat kelengkapan tidak dikenal. Pilih salah satu: "
                           f"{', '.join(ROLES)}.")


def _photo_rules(member: Member) -> Iterator[Problem]:
    """The portrait: named, safe, there, really an image, with an alt text (the news items' rules)."""

    assert member.doc is not None
    doc, file = member.doc, member.photo.get("file")
    if not isinstance(file, str) or not file.strip():
        yield _problem(member, doc.line_of("photo", "file"), "member-photo",
                       "Foto anggota belum dicantumkan. Letakkan foto potret di folder anggota dan tulis "
                       "`photo: {file: potret.jpg, alt: \"Foto potret <nama>\"}`.")
        return
    line = doc.line_of("photo", "file")
    why = unsafe_path(file)
    if why:
        yield _problem(member, line, "path-unsafe",
                       f"Path foto `{file}` tidak aman: {why}. Tulis nama berkas saja, misalnya `potret.jpg`, dan "
                       "letakkan foto di folder yang sama dengan index.md.")
        return
    listing = sorted(p.name for p in member.folder.iterdir() if p.is_file() and not p.is_symlink())
    found = list(files.photo_file_rules(member, file, line, set(listing), {n.lower(): n for n in listing},
                                         {file}, images.inspect))
    yield from found
    if file in listing and not found:  # a sound image: is the original private (GPS, camera serial)?
        yield from weak.location_rule(member, member.folder / file, file, line)
    if not member.photo_alt:
        yield _problem(member, doc.line_of("photo", "alt"), "member-photo-alt",
                       f"Alt foto `{file}` belum diisi. Tulis siapa yang terlihat, misalnya "
                       f"`alt: \"Foto potret {member.name or 'nama anggota'}\"`.")
    elif files.generic_alt(member.photo_alt):
        yield _problem(member, doc.line_of("photo", "alt"), "photo-alt-generic",
                       f"Alt foto `{file}` (`{member.photo_alt}`) terlalu umum. Tulis siapa yang terlihat, "
                       f"misalnya `alt: \"Foto potret {member.name or 'nama anggota'}\"`.")
    yield from _texts(member, ("photo",), member.photo, ("alt",))


def _until_rule(term: Term, member: Member) -> Iterator[Problem]:
    assert member.doc is not None
    value = member.meta.get("until")
    if value is None:
        return
    if member.until is None or not term.contains(member.until):
        yield _problem(member, member.doc.line_of("until"), "member-until",
                       f"`until` harus tanggal berhenti menjabat di dalam masa jabatan {term.label}, ditulis "
                       "YYYY-MM-DD, misalnya `until: 2026-03-31`. Hapus kunci ini bila anggota masih menjabat.")


def _profile_rules(config: Config, member: Member) -> Iterator[Problem]:
    """The profile is Markdown from an editor: the narrative's size and safety rules, when there is one."""

    assert member.doc is not None
    if _WORD.search(narrative.strip_comments(member.doc.body)):
        yield from narrative.narrative_rules(member, member.doc, config.limits, minimum=1)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- a term as a whole

def _clash_rules(config: Config, term: Term) -> Iterator[Problem]:
    """Two folders for one member, and two chairs of one body."""
    by_slug: dict[str, list[Member]] = defaultdict(list)
    for member in term.members:
        by_slug[member.slug.lower()].append(member)
        if not _SLUG.match(member.slug):
            yield _problem(member, 1, "member-slug",
                           f"Nama folder anggota `{member.slug}` harus huruf kecil, angka dan tanda hubung, misalnya "
                           "`ahmad-contoh`: nama folder menjadi alamat halaman anggota.")
    for same in by_slug.values():
        for member in same[1:]:
            yield _problem(member, 1, "member-duplicate",
                           f"Anggota `{member.slug}` sudah ada di masa jabatan {term.slug} (folder "
                           f"`{same[0].slug}`). Satu anggota cukup satu folder: gabungkan lalu hapus salah satunya.")
    chairs: dict[str, Member] = {}
    for member in term.members:
        if member.until is not None:
            continue  # left office early: their successor chairs now
        for index, seat in enumerate(member.seats):
            if seat.role != "Ketua" or seat.body not in config.bodies:
                continue
            first = chairs.setdefault(seat.body, member)
            if first is not member and member.doc is not None:
                yield _problem(member, member.doc.line_of("bodies", index, "role"), "body-two-chairs",
                               f"{config.bodies[seat.body]} sudah punya Ketua: {first.name or first.slug} "
                               f"({first.rel}). Satu alat kelengkapan hanya punya satu Ketua; ubah salah satunya "
                               "menjadi `Wakil Ketua` atau `Anggota`.")
