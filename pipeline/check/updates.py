"""The rules of an item's ``updates`` (issue 15): each entry a dated, short public change note.

A wrong entry is left out of the site by ``content.updates.read_updates``;
here it gets its message, at the line of the entry's key, with the fix.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Generator, Iterator
from typing import Any

from pipeline.check.text import nfc_len, problem, text_rules
from pipeline.config import Config
from pipeline.content import schema, sop
from pipeline.content.frontmatter import day
from pipeline.content.model import WARNING, Document, Item, Problem
from pipeline.content.updates import KEYS

EXAMPLE = "- {date: 2026-11-22, note: Nama narasumber diperbaiki.}"


def check_updates(item: Item, doc: Document, config: Config, today: dt.date) -> Iterator[Problem]:
    """Every problem of the item's key, with file, line and the fix, in Indonesian."""
    entries = doc.meta.get("updates")
    if not isinstance(entries, list):
        return  # missing, or key-type already said it must be a list
    previous: dt.date | None = None
    for index, entry in enumerate(entries):
        where = f"pembaruan ke-{index + 1}"
        if not isinstance(entry, dict):
            yield problem(item, doc.line_of("updates", index), "update-entry",
                          f"{where.capitalize()} di `updates` harus berisi `date:` dan `note:`, bukan "
                          f"{schema.type_name(entry)}. Contoh: `{EXAMPLE}`.")
            continue
        typos = _typos(entry)
        yield from _keys(item, doc, index, entry, where, typos)
        date = None
        if "date" not in typos:  # a misspelt `date:` says so, not "date missing" as well
            date = yield from _date(item, doc, index, entry.get("date"), where, today, config)
        if "note" not in typos:
            yield from _note(item, doc, index, entry.get("note"), where)
        yield from _social(item, doc, index, entry, where)
        if date and previous and date < previous:
            yield problem(item, doc.line_of("updates", index, "date"), "update-order",
                          f"Tanggal {where} ({date.isoformat()}) lebih awal dari pembaruan sebelumnya "
                          f"({previous.isoformat()}). Urutkan `updates` dari yang terlama; pembaruan baru "
                          "ditambahkan di bawah.", WARNING)
        previous = max(filter(None, (date, previous)), default=None)


def _hint(key: Any) -> str | None:
    """The entry key an unknown ``key`` probably meant (``notes`` -> ``note``), or None."""
    if key in KEYS:
        return None
    hint = difflib.get_close_matches(str(key).lower(), KEYS, n=1, cutoff=0.6)
    return hint[0] if hint else None


def _typos(entry: dict) -> dict[str, Any]:
    """Known keys missing from ``entry`` that an unknown key of it meant: {known: written}."""
    return {hint: key for key in entry if (hint := _hint(key)) and hint not in entry}


def _keys(item: Item, doc: Document, index: int, entry: dict, where: str,
          typos: dict[str, Any]) -> Iterator[Problem]:
    for key in entry:
        if key in KEYS:
            continue
        hint = _hint(key)
        fix = f"Mungkin maksud Anda `{hint}`?" if hint else f"Kunci yang dikenal: {', '.join(KEYS)}."
        if hint and typos.get(hint) == key:
            fix += f" Pesan lain tentang `{hint}` baru diperiksa setelah nama kunci ini diperbaiki."
        yield problem(item, doc.line_of("updates", index, key), "key-unknown",
                      f"Kunci `{key}` tidak dikenal di {where}. {fix}")


def _date(item: Item, doc: Document, index: int, value: Any, where: str, today: dt.date,
          config: Config) -> Generator[Problem, None, dt.date | None]:
    """The entry's date problems; returns the date when it is one (a generator's return value)."""
    line = doc.line_of("updates", index, "date")
    date = day(value)
    if value is None or value == "":
        yield problem(item, line, "update-date",
                      f"{where.capitalize()} belum punya `date`. Tulis hari koreksi dilakukan, misalnya "
                      f"`date: {today.isoformat()}`.")
        return None
    if date is None:
        yield problem(item, line, "update-date",
                      f"Tanggal {where} `{value}` tidak valid: tulis tanggal yang ada di kalender dengan format "
                      f"YYYY-MM-DD, misalnya `date: {today.isoformat()}`.")
        return None
    if item.date and date < item.date:
        yield problem(item, line, "update-date",
                      f"Tanggal {where} ({date.isoformat()}) lebih awal dari tanggal kegiatan "
                      f"({item.date.isoformat()}). Koreksi dilakukan setelah berita terbit: tulis hari koreksinya.")
    elif date > today:
        yield problem(item, line, "update-date",
                      f"Tanggal {where} ({date.isoformat()}) ada di masa depan (hari ini {today.isoformat()} "
                      f"{sop.zone_name(config.timezone)}). Tulis hari koreksi dilakukan.")
    return date


def _note(item: Item, doc: Document, index: int, value: Any, where: str) -> Iterator[Problem]:
    line = doc.line_of("updates", index, "note")
    if not isinstance(value, str) or not value.strip():
        state = "belum punya `note`" if value is None else "punya `note` yang kosong"
        yield problem(item, line, "update-note",
                      f"{where.capitalize()} {state}. Tulis untuk pembaca apa yang dikoreksi, "
                      "misalnya `note: Nama narasumber diperbaiki.`")
        return
    yield from text_rules(item, doc, ("updates", index, "note"), value, "note")
    length = nfc_len(value)
    if length > sop.TEXT_MAX:
        yield problem(item, line, "update-note",
                      f"`note` {where} berisi {length} karakter; paling banyak {sop.TEXT_MAX} karakter. "
                      f"Pendekkan {length - sop.TEXT_MAX} karakter: cukup apa yang dikoreksi.")


def _social(item: Item, doc: Document, index: int, entry: dict, where: str) -> Iterator[Problem]:
    value = entry.get("social", False)
    if not isinstance(value, bool):
        yield problem(item, doc.line_of("updates", index, "social"), "update-social",
                      f"`social` {where} harus `true` (koreksi juga dibalaskan di bawah unggahan media sosial) "
                      f"atau `false`, bukan `{value}`.")
