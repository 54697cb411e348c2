"""The rules of an item's ``publish_at`` (issue 15, part 3).

``publish-at-invalid`` (error): not a time ``YYYY-MM-DD HH:MM``, or one the calendar
lacks. ``publish-at-early`` (error): before the day of the activity (H); news cannot
come out before what it reports. ``publish-at-late`` (warning): after the SOP's
deadline, the end of H+1. It keeps ``date-late``'s meaning (``sop.is_late``, days in
the site's zone), measured at the publication time instead of the check day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from pipeline.check.text import problem
from pipeline.config import Config
from pipeline.content import sop
from pipeline.content.model import WARNING, Document, Item, Problem
from pipeline.content.schedule import EXAMPLE, KEY, looks_like_time, shown


def check_schedule(item: Item, doc: Document, config: Config, today: dt.date) -> Iterator[Problem]:
    """Every problem of the item's ``publish_at``, with file, line and the fix, in Indonesian."""
    value = item.meta.get(KEY)
    if value is None or value == "":
        return
    line = doc.line_of(KEY)
    zone = sop.zone_name(config.timezone)
    when = item.publish_at  # load() read it in the site's time zone, when valid
    if when is None:
        yield problem(item, line, "publish-at-invalid", _invalid(value, zone))
        return
    if item.date is None:
        return  # date-invalid already says what to fix; there is no H to compare with
    if when.date() < item.date:
        yield problem(item, line, "publish-at-early",
                      f"Waktu terbit {shown(when)} {zone} lebih awal dari hari kegiatan {item.date.isoformat()} "
                      "(H): berita tidak boleh terbit sebelum kegiatannya. Isi `publish_at` dengan waktu pada "
                      f"hari H atau sesudahnya, misalnya `{KEY}: {item.date.isoformat()} 16:00`.")
    elif sop.is_late(item.date, when.date()):
        deadline = sop.deadline(item.date).isoformat()
        yield problem(item, line, "publish-at-late",
                      f"Waktu terbit {shown(when)} {zone} lewat dari H+1 ({deadline}) kegiatan tanggal "
                      f"{item.date.isoformat()} (H). SOP meminta berita terbit paling lambat H+1; majukan "
                      f"`publish_at` paling lambat `{deadline} 23:59`, atau sebutkan alasan penundaan di "
                      "pull request.", WARNING)


def _invalid(value, zone: str) -> str:
    if isinstance(value, dt.date):  # a bare date: YAML read `2026-11-21` without a time
        why = "jamnya tidak ada"
    elif looks_like_time(value):
        why = "tanggal atau jam itu tidak ada"
    else:
        why = "formatnya harus YYYY-MM-DD HH:MM"
    written = value.isoformat() if isinstance(value, dt.date) else str(value)
    return (f"Waktu terbit `{written}` tidak valid: {why}. Tulis tanggal dan jam terbit dalam {zone}, "
            f"misalnya `{KEY}: {EXAMPLE}`, atau hapus `{KEY}` agar berita terbit saat digabungkan.")
