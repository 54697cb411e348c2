"""The rules of an item's ``retracted`` (issue 15, part 2).

``retracted: {date, reason}`` withdraws a published item: its page becomes a
notice with the reason, which the public reads, so the reason gets the rules
of every public one-line text and the SOP's 200-character limit. A block that
is not a mapping is ``key-type``'s (the schema). A withdrawn item keeps its
title and date (the notice shows them) and nothing else of the SOP is asked
of it (``item_keys``; ``rules.check_item`` skips the photo, caption and
narrative rules): its photos may leave the folder.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
from collections.abc import Iterator
from typing import Any

from pipeline.check.text import nfc_len, problem, text_rules
from pipeline.config import Config
from pipeline.content import schema, sop
from pipeline.content.frontmatter import day
from pipeline.content.model import Document, Item, Problem
from pipeline.content.retraction import KEYS

# What a withdrawn item must still have: the notice page shows them.
KEPT_KEYS = ("title", "date")
EXAMPLE = "retracted: {date: 2026-11-25, reason: Kegiatan batal dilaksanakan.}"


def is_retracted(meta: dict[str, Any]) -> bool:
    """True when the front-matter means to withdraw the item: a ``retracted`` key, valid or not, but ``false``."""
    return "retracted" in meta and meta["retracted"] is not False


def item_keys(meta: dict[str, Any]) -> dict[str, schema.Key]:
    """The item schema for ``meta``: a withdrawn item requires only its title and date."""
    if not is_retracted(meta):
        return schema.ITEM_KEYS
    return {name: key if name in KEPT_KEYS else dataclasses.replace(key, required=False)
            for name, key in schema.ITEM_KEYS.items()}


def check_retraction(item: Item, doc: Document, config: Config, today: dt.date) -> Iterator[Problem]:
    """Every problem of the item's key, with file, line and the fix, in Indonesian."""
    if "retracted" not in doc.meta:
        return
    block = doc.meta["retracted"]
    if block is None or (isinstance(block, str) and not block.strip()):
        block = {}  # `retracted:` alone: say what it needs
    elif not isinstance(block, dict):
        return  # `key-type` says it must be a mapping
    yield from _unknown_keys(item, doc, block)
    yield from _date_rules(item, doc, block, config, today)
    yield from _reason_rules(item, doc, block)


def _unknown_keys(item: Item, doc: Document, block: dict) -> Iterator[Problem]:
    for key in block:
        if key in KEYS:
            continue
        hint = difflib.get_close_matches(str(key).lower(), KEYS, n=1, cutoff=0.6)
        fix = f"Mungkin maksud Anda `{hint[0]}`?" if hint and hint[0] not in block else \
            "`retracted` hanya berisi `date` (tanggal berita ditarik) dan `reason` (alasannya)."
        yield problem(item, doc.line_of("retracted", key), "retracted-key",
                      f"Kunci `{key}` tidak dikenal di `retracted`. {fix}")


def _date_rules(item: Item, doc: Document, block: dict, config: Config, today: dt.date) -> Iterator[Problem]:
    value = block.get("date")
    line = doc.line_of("retracted", "date")
    if value is None or value == "":
        yield problem(item, line, "retracted-date",
                      "`retracted` belum berisi `date`, tanggal berita ditarik. Tambahkan, misalnya "
                      f"`{EXAMPLE}`.")
        return
    date = day(value)
    if date is None:
        yield problem(item, line, "retracted-date",
                      f"Tanggal penarikan `{value}` tidak valid: formatnya harus YYYY-MM-DD dan tanggalnya ada "
                      "di kalender. Tulis hari berita ditarik, misalnya `date: 2026-11-25`.")
    elif item.date is not None and date < item.date:
        yield problem(item, line, "retracted-date",
                      f"Tanggal penarikan {date.isoformat()} lebih awal dari tanggal kegiatan "
                      f"{item.date.isoformat()}. Berita ditarik setelah kegiatannya: tulis hari berita ditarik.")
    elif date > today:
        yield problem(item, line, "retracted-date",
                      f"Tanggal penarikan {date.isoformat()} ada di masa depan (hari ini {today.isoformat()} "
                      f"{sop.zone_name(config.timezone)}). Tulis hari berita ditarik; berita langsung ditarik "
                      "begitu perubahan ini digabung.")


def _reason_rules(item: Item, doc: Document, block: dict) -> Iterator[Problem]:
    reason = block.get("reason")
    line = doc.line_of("retracted", "reason")
    if not isinstance(reason, str) or not reason.strip():
        state = "kosong" if reason is None or isinstance(reason, str) else f"berupa {schema.type_name(reason)}"
        state = state if "reason" in block else "belum ada"
        yield problem(item, line, "retracted-reason",
                      f"Alasan penarikan (`reason` di `retracted`) {state}; pembaca melihatnya di halaman berita. "
                      f"Tulis satu kalimat teks, misalnya `{EXAMPLE}`.")
        return
    yield from text_rules(item, doc, ("retracted", "reason"), reason, "reason")
    length = nfc_len(reason)
    if length > sop.TEXT_MAX:
        yield problem(item, line, "retracted-reason",
                      f"Alasan penarikan berisi {length} karakter; paling banyak {sop.TEXT_MAX} karakter. "
                      f"Pendekkan {length - sop.TEXT_MAX} karakter: cukup satu kalimat mengapa berita ditarik.")
