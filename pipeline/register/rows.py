"""The register's rows: records joined with the post ledger, the items and the deploy times (``portal register``).

One row per submission (an approval, a rejection, a direct push), in the
JSON shape the site's register page reads (``pipeline.site.register_page``):
see ``document``. Logins stay logins here; names come from
``config.person`` when a table is written. Timeliness is the SOP's H+1
(``pipeline.content.sop.deadline``) in the site's time zone, for the first
publication of an item; a later change of the same item has none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from pipeline.config import Config
from pipeline.content import sop
from pipeline.register.records import APPROVAL, DIRECT, REJECTION, Entry
from pipeline.social.ledger import Record

DECISIONS = {APPROVAL: "diterbitkan", REJECTION: "ditolak", DIRECT: "tanpa-pr"}
EMPTY_WHY = {
    "reviews": "tanpa GITHUB_TOKEN, ulasan pemeriksa tidak dapat dibaca dari GitHub",
    "rejection_reason": "tanpa GITHUB_TOKEN, pull request yang ditolak tidak diketahui",
    "posts": "cabang portal-ledger (daftar publikasi) belum ada",
}


@dataclass(frozen=True)
class ItemInfo:
    """What the register shows of an item that is in the content: title, category label, day H, site path."""

    title: str
    category: str
    date: str
    url: str


@dataclass
class Sources:
    """Everything a register is made of."""

    entries: list[Entry]
    items: dict[str, ItemInfo]  # by item folder path (content/berita/<YYYY>/<folder>)
    posts: list[Record] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)  # columns no source could fill (see EMPTY_WHY)


def local_time(config: Config, text: str | None) -> str | None:
    """``text`` (ISO 8601) in the site's time zone with its offset, to the second; None stays None."""
    if not text:
        return None
    value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    value = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return value.astimezone(config.tz).isoformat(timespec="seconds")


def timeliness(config: Config, activity: str, live_at: str | None) -> tuple[bool | None, int | None]:
    """(on time, days late) of an item of day ``activity`` live at ``live_at``: live by the end of H+1."""
    if not live_at or not activity:
        return None, None
    shown = local_time(config, live_at)
    assert shown is not None
    late = (dt.date.fromisoformat(shown[:10]) - sop.deadline(dt.date.fromisoformat(activity))).days
    return late <= 0, max(0, late)


def _posts(config: Config, records: Iterable[Record]) -> dict[str, list[dict]]:
    """Item id -> the latest state of each platform's post, in ledger order of first appearance."""
    latest: dict[str, dict[str, Record]] = {}
    for record in records:
        latest.setdefault(record.item, {})[record.platform] = record
    return {item: [{"platform": r.platform, "state": r.state, "at": local_time(config, r.time), "url": r.url or None}
                   for r in platforms.values()] for item, platforms in latest.items()}


def _first_live(entries: list[Entry]) -> set[int]:
    """Indexes of the entries that first made each item live (the ones timeliness is measured on)."""
    first: dict[str, tuple[str, int]] = {}
    for index, entry in enumerate(entries):
        if entry.kind == REJECTION:
            continue
        when = entry.live_at or entry.merged_at or ""
        if entry.item not in first or when < first[entry.item][0]:
            first[entry.item] = (when, index)
    return {index for _, index in first.values()}


def row(config: Config, entry: Entry, info: ItemInfo | None, posts: list[dict], measured: bool) -> dict:
    """One row of the register (the JSON contract of ``portal register --format json``)."""
    activity = info.date if info else entry.path.rsplit("/", 1)[-1][:10]
    live = local_time(config, entry.live_at) if entry.kind != REJECTION else None
    on_time, days_late = timeliness(config, activity, live) if measured else (None, None)
    title = info.title if info else (entry.pr or {}).get("title") or entry.path.rsplit("/", 1)[-1]
    return {
        "item": entry.item, "path": entry.path, "url": info.url if info and entry.kind != REJECTION else None,
        "title": title, "category": info.category if info else "", "activity_date": activity,
        "author": entry.author, "submitted_at": local_time(config, entry.submitted_at),
        "pr": entry.pr,
        "reviews": [{**r, "at": local_time(config, r.get("at"))} for r in entry.reviews],
        "decision": DECISIONS[entry.kind], "rejection_reason": entry.rejection_reason,
        "merged_by": entry.merged_by, "merged_at": local_time(config, entry.merged_at),
        "merge_commit": entry.commit or None if entry.kind != REJECTION else None,
        "live_at": live, "posts": posts if entry.kind != REJECTION else [],
        "on_time": on_time, "days_late": days_late, "corrections": [],
    }


def document(config: Config, sources: Sources, since: dt.date | None = None,
             now: dt.datetime | None = None) -> dict:
    """The register as ``portal register --format json`` writes it, rows by activity date (newest first)."""
    posts = _posts(config, sources.posts)
    measured = _first_live(sources.entries)
    rows = []
    for index, entry in enumerate(sources.entries):
        info = sources.items.get(entry.path)
        found = row(config, entry, info, posts.get(entry.item, []), index in measured)
        if since is None or found["activity_date"] >= since.isoformat():
            rows.append(found)
    # Newest activity first; within a day by item, then in the order things happened.
    rows.sort(key=lambda r: (r["merged_at"] or r["submitted_at"] or "", (r["pr"] or {}).get("number") or 0))
    rows.sort(key=lambda r: r["item"])
    rows.sort(key=lambda r: r["activity_date"], reverse=True)
    generated = (now or dt.datetime.now(dt.UTC)).astimezone(config.tz).isoformat(timespec="seconds")
    return {"generated_at": generated, "timezone": config.timezone, "empty_columns": sorted(sources.empty),
            "rows": rows}
