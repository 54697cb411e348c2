"""The agenda's pages, ``agenda.ics`` and the home page's coming sittings (owned by the agenda work of issue 18).

- ``agenda/``: the coming sittings first (soonest first), then the past ones by
  month (newest first); a change or a cancellation is shown as such (badge and note).
- ``agenda/<date>-<slug>/``: one page per sitting, with schema.org ``Event``
  JSON-LD from the front-matter keys staged here (``overrides/main.html``).
- ``agenda.ics``: an iCalendar feed written with ``icalendar`` (folding,
  escaping and the VTIMEZONE are easy to get wrong by hand). Times are local
  with ``TZID`` and a VTIMEZONE of the site's zone, so a subscriber sees
  "09.00 WIB" as the secretariat wrote it. Every value that could change
  between two builds of the same content is derived from the content or from
  "today" (``DTSTAMP``), so a rebuild deploys the same bytes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import icalendar
from markupsafe import Markup

from pipeline.config import Config
from pipeline.content import sop, urls
from pipeline.content.agenda import CANCELLED, CHANGED, STATUSES, Sitting, clock
from pipeline.site import templating
from pipeline.site.entries import MONTHS, AgendaTeaser, format_date

if TYPE_CHECKING:
    from pipeline.content.load import Content

PRODID = "-//Sekretariat DPRD//portal//ID"
# schema.org eventStatus per status (selesai: it took place as scheduled).
EVENT_STATUS = {"terjadwal": "EventScheduled", "diubah": "EventRescheduled", "dibatalkan": "EventCancelled",
                "selesai": "EventScheduled"}


@dataclass
class Shown:
    """A sitting as the agenda's pages show it."""

    sitting: Sitting
    teaser: AgendaTeaser
    start: dt.datetime
    end: dt.datetime | None
    public: bool
    change: str
    news_url: str | None


def render(config: Config, content: Content) -> dict[str, str]:
    """Staged files of the agenda: site path -> text (Markdown pages, ``agenda.ics``).

    The agenda page is always there (the navigation and the home page link it), saying so when no
    sitting is planned; ``agenda.ics`` only with a sitting (RFC 5545 wants a component in a calendar).
    """
    shown = sittings(config, content)
    today = config.today()
    files = {urls.index_source(urls.AGENDA): render_agenda(config, shown, today)}
    for item in shown:
        files[urls.index_source(item.teaser.url)] = render_sitting(config, item)
    if shown:
        files[urls.AGENDA_ICS] = calendar(config, shown, today)
    return files


def upcoming(config: Config, content: Content, limit: int) -> list[AgendaTeaser]:
    """The next ``limit`` sittings from today (the site's zone), soonest first; cancelled ones left out.

    The home page lists where a visitor can go: a cancelled sitting is shown on
    the agenda page (with its badge), not as a coming one.
    """
    today = config.today()
    coming = [s.teaser for s in sittings(config, content)
              if s.teaser.date >= today and s.sitting.status != CANCELLED]
    return coming[:limit]


def sittings(config: Config, content: Content) -> list[Shown]:
    """Every sitting that can be shown (read, dated, with a valid start), soonest first."""
    news = {}
    for item in content.items:
        if item.listed:
            news[item.source.parent.name] = item.url
            if isinstance(item.meta.get("id"), str):
                news[item.meta["id"].strip()] = item.url
    out = []
    for sitting in content.agenda:
        start = sitting.at("start", config.tz)
        if sitting.doc is None or sitting.date is None or start is None:
            continue
        out.append(_shown(config, sitting, start, news))
    return sorted(out, key=lambda s: (s.start, s.sitting.rel))


def _shown(config: Config, sitting: Sitting, start: dt.datetime, news: dict[str, str]) -> Shown:
    meta = sitting.meta
    end = sitting.at("end", config.tz)
    zone = sop.zone_name(config.timezone)
    time_text = f"{start:%H.%M}–{end:%H.%M} {zone}" if end else f"{start:%H.%M} {zone} – selesai"
    body = str(meta.get("body") or "").strip()
    assert sitting.date is not None
    teaser = AgendaTeaser(url=urls.sitting(sitting.date.isoformat(), sitting.slug), title=str(meta["title"]).strip(),
                          date=sitting.date, date_text=format_date(sitting.date), time_text=time_text,
                          place=str(meta.get("place") or "").strip(), body=config.bodies.get(body, body),
                          status=STATUSES.get(sitting.status, sitting.status))
    linked = meta.get("news")
    news_url = news.get(linked.strip().strip("/").rsplit("/", 1)[-1]) if isinstance(linked, str) else None
    return Shown(sitting=sitting, teaser=teaser, start=start, end=end, public=meta.get("public", True) is not False,
                 change=str(meta.get("change") or "").strip(), news_url=news_url)


def render_agenda(config: Config, shown: list[Shown], today: dt.date) -> str:
    """The agenda page: coming sittings soonest first, then past ones by month, newest first."""
    coming = [s for s in shown if s.teaser.date >= today]
    by_month: dict[tuple[int, int], list[Shown]] = defaultdict(list)
    for item in reversed([s for s in shown if s.teaser.date < today]):
        by_month[(item.teaser.date.year, item.teaser.date.month)].append(item)
    past = [(f"{MONTHS[month - 1]} {year}", items) for (year, month), items in by_month.items()]
    head = templating.front_matter(title="Agenda Rapat", description=f"Jadwal rapat dan kegiatan {config.site_name}",
                               search={"exclude": True})
    return templating.env.get_template("agenda.md").render(
        front_matter=head, coming=coming, past=past, ics=urls.AGENDA_ICS if shown else None,
        zone=sop.zone_name(config.timezone),
        rel=templating.linker(urls.AGENDA))


def render_sitting(config: Config, item: Shown) -> str:
    """One sitting's page: when, where, who, open or closed, its status and note, agenda items, news link."""
    sitting, teaser = item.sitting, item.teaser
    assert sitting.doc is not None
    meta = {"title": teaser.title, "description": _description(item), "type": "event",
            "location": teaser.place, "address": _address(config), "event_start": item.start.isoformat(),
            "event_status": EVENT_STATUS.get(sitting.status, "EventScheduled"),
            "public": item.public}
    if item.end:
        meta["event_end"] = item.end.isoformat()
    previous = sitting.at("previous_start", config.tz)
    if previous and sitting.status == CHANGED:
        meta["previous_start"] = previous.isoformat()
    return templating.env.get_template("agenda_sitting.md").render(
        front_matter=templating.front_matter(**meta), title_md=Markup(templating.md_text(teaser.title)), item=item,
        teaser=teaser, body=Markup(sitting.doc.body.strip()), ics=urls.AGENDA_ICS, agenda=urls.AGENDA,
        rel=templating.linker(teaser.url))


def _description(item: Shown) -> str:
    teaser = item.teaser
    text = f"{teaser.body} · {teaser.date_text}, {teaser.time_text} · {teaser.place}"
    if item.sitting.status in (CHANGED, CANCELLED) and item.change:
        text += f" · {teaser.status}: {item.change}"
    return text


def _address(config: Config) -> str:
    address = config.identity.get("address")
    return address.strip() if isinstance(address, str) and address.strip() else config.site_name


def calendar(config: Config, shown: list[Shown], today: dt.date) -> str:
    """``agenda.ics``: one VEVENT per sitting, local times with the site zone's VTIMEZONE, CRLF, folded lines."""
    host = urlsplit(config.site_url).hostname or "localhost"
    # DTSTAMP from "today", not the clock: two builds on one day write the same bytes.
    stamp = dt.datetime.combine(today, dt.time(0), tzinfo=config.tz).astimezone(dt.UTC)
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"Agenda {config.site_name}")
    cal.add("x-wr-timezone", config.timezone)
    for item in shown:
        cal.add_component(_event(config, item, host, stamp))
    cal.add_missing_timezones()
    return cal.to_ical().decode("utf-8")


def _event(config: Config, item: Shown, host: str, stamp: dt.datetime) -> icalendar.Event:
    sitting, teaser = item.sitting, item.teaser
    event = icalendar.Event()
    event.add("uid", f"{sitting.uid}@{host}")
    event.add("dtstamp", stamp)
    event.add("dtstart", item.start)
    if item.end:
        event.add("dtend", item.end)
    event.add("summary", teaser.title)
    event.add("location", teaser.place)
    event.add("description", _event_text(item))
    if config.site_url:
        event.add("url", urls.absolute(config, teaser.url))
    event.add("status", "CANCELLED" if sitting.status == CANCELLED else "CONFIRMED")
    event.add("categories", [teaser.body])
    event.add("sequence", sequence(sitting))
    return event


def sequence(sitting: Sitting) -> int:
    """SEQUENCE: 0 as first published, +1 once moved (``diubah`` or a ``previous_start``), +1 more when cancelled.

    Calendar clients apply an update only when the sequence grew; a sitting
    moved, then cancelled, goes 0 -> 1 -> 2 (or 0 -> 1 when cancelled directly).
    """
    moved = sitting.status == CHANGED or clock(sitting.meta.get("previous_start")) is not None
    return int(moved) + (1 if sitting.status == CANCELLED else 0)


def _event_text(item: Shown) -> str:
    teaser = item.teaser
    lines = [f"{teaser.body}. {'Terbuka untuk umum' if item.public else 'Tertutup untuk umum'}."]
    if item.change:
        lines.append(f"{teaser.status}: {item.change}")
    body = item.sitting.doc.body.strip() if item.sitting.doc else ""
    if body:
        lines += ["", body]
    return "\n".join(lines)
