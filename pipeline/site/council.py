"""The council's pages: terms, members, bodies, factions (owned by the council work of issue 18).

Pages (site paths from ``urls``)::

    anggota/                              the current term (the one whose dates contain today)
    anggota/<term>/                       every term; earlier ones say "(sebelumnya)"
    anggota/<term>/<slug>/                a member: portrait, facts, seats, profile, their news
    alat-kelengkapan/[<term>/]            the bodies of the (current) term, with member counts
    alat-kelengkapan/<term>/<body>/       a body's members, chair first
    fraksi/[<term>/]                      the factions of the (current) term, with seats
    fraksi/<term>/<faction>/              a faction's members

A member's news are the published items whose ``tags`` hold the member's
``tag``. Portraits are the photo pipeline's variants (EXIF stripped): the
aspect-keeping widths (``w*``) and the JPEG ``fallback``, never the
cropped ``thumb``/``og`` (a 3:2 or 1.91:1 crop cuts a portrait's head).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from pipeline.config import Config
from pipeline.content import urls
from pipeline.content.council import ROLES, Member, Term
from pipeline.photos.images import Output, Processed
from pipeline.site import templating
from pipeline.site.entries import format_date

if TYPE_CHECKING:
    from pipeline.content.load import Content

# The aspect-keeping WebP widths of the photo pipeline (w480, w960 ...).
_WIDTH = re.compile(r"^w\d+$")
# Pimpinan first on every list of members, then by name.
_RANK = {"Ketua DPRD": 0, "Wakil Ketua DPRD": 1}


@dataclass
class Portrait:
    """A member's portrait as pages show it: the variants' site paths and sizes."""

    alt: str
    small: str  # the narrowest width (lists)
    small_width: int
    small_height: int
    fallback: str  # JPEG (member page, JSON-LD image)
    width: int
    height: int
    widths: list[tuple[int, str]]  # (width, site path) of the WebP widths, for srcset


@dataclass
class Card:
    """A member as lists show them."""

    member: Member
    url: str
    name: str
    position: str
    faction: str
    faction_url: str
    district: str
    portrait: Portrait | None
    left: dt.date | None = None  # left office early, on this day
    left_text: str = ""  # format_date(left)
    role: str = ""  # the role in the body of the page (body pages)


@dataclass
class Section:
    """A heading (linked when ``url``) and its members."""

    title: str
    cards: list[Card]
    url: str | None = None
    note: str = ""


@dataclass
class _Term:
    """One term as the pages need it: its cards, label and the members of each body and faction."""

    term: Term
    label: str
    cards: list[Card] = field(default_factory=list)
    bodies: dict[str, list[Card]] = field(default_factory=dict)
    factions: dict[str, list[Card]] = field(default_factory=dict)


def photo_paths(content: Content) -> list[Path]:
    """The members' portrait files, for the photo pipeline."""
    return [path for term in content.council.terms for member in term.members if member.doc is not None
            and (path := member.photo_path) is not None and path.is_file()]


def render(config: Config, content: Content, processed: dict[Path, Processed],
           cache_dir: Path | None) -> tuple[dict[str, str], dict[str, Path]]:
    """Staged pages (site path -> text) and the portrait variants they link (site path -> cache file)."""
    today = config.today()
    links: dict[str, Path] = {}
    current = content.council.current(today)
    terms = [_term_view(config, term, today, current, processed, cache_dir, links)
             for term in content.council.terms]
    shown = next((t for t in terms if t.term is current), terms[-1] if terms else None)
    news = _news_by_tag(content)
    files: dict[str, str] = {}
    files[urls.index_source(urls.COUNCIL)] = _overview(config, urls.COUNCIL, shown, terms)
    for view in terms:
        slug = view.term.slug
        files[urls.index_source(urls.term(slug))] = _overview(config, urls.term(slug), view, terms)
        for card in view.cards:
            files[urls.index_source(card.url)] = _member_page(config, view, card, news.get(card.member.tag, []))
        files.update(_bodies(config, view, urls.term_bodies(slug)))
        files.update(_factions(config, view, urls.term_factions(slug)))
    if shown is not None:  # the sections' own roots show the current term
        files.update(_bodies(config, shown, urls.BODIES, pages=False))
        files.update(_factions(config, shown, urls.FACTIONS, pages=False))
    return files, links


# --------------------------------------------------------------------------- model -> views

def _term_view(config: Config, term: Term, today: dt.date, current: Term | None,
               processed: dict[Path, Processed], cache_dir: Path | None, links: dict[str, Path]) -> _Term:
    label = f"Masa jabatan {term.label}"
    if term is not current and term.end and term.end < today:
        label += " (sebelumnya)"
    elif term is not current and term.start and term.start > today:
        label += " (mendatang)"
    view = _Term(term, label)
    factions = term.factions
    members = sorted((m for m in term.members if m.doc is not None),
                     key=lambda m: (_RANK.get(m.position, 2), m.name.casefold()))
    for member in members:
        faction = factions.get(member.faction)
        left = member.until if member.until and member.until < today else None
        card = Card(member, urls.member(term.slug, member.slug), member.name, member.position,
                    faction.name if faction else member.faction, urls.faction(term.slug, member.faction),
                    term.districts.get(member.district, member.district).split(":")[0],
                    _portrait(member, processed, cache_dir, links), left, format_date(left) if left else "")
        view.cards.append(card)
        if left:
            continue  # no longer sits in a body or a faction
        view.factions.setdefault(member.faction, []).append(card)
        for seat in member.seats:
            if seat.body in config.bodies:
                view.bodies.setdefault(seat.body, []).append(_with_role(card, seat.role))
    for slug, cards in view.bodies.items():  # the chair first, then by role, then as ranked above
        view.bodies[slug] = sorted(cards, key=lambda c: ROLES.index(c.role) if c.role in ROLES else len(ROLES))
    return view


def _with_role(card: Card, role: str) -> Card:
    return Card(**{**card.__dict__, "role": role})


def _portrait(member: Member, processed: dict[Path, Processed], cache_dir: Path | None,
              links: dict[str, Path]) -> Portrait | None:
    """The portrait's variants, each linked into the site under the member's page (None before processing)."""
    path = member.photo_path
    if path is None or path not in processed or cache_dir is None:
        return None
    outputs = processed[path].outputs
    # Several widths collapse to one when the source is small: keep the first of each width only.
    by_width: dict[int, Output] = {}
    for variant in sorted((v for v in outputs.values() if _WIDTH.match(v.name)), key=lambda v: int(v.name[1:])):
        by_width.setdefault(variant.width, variant)
    used = [*by_width.values(), outputs["fallback"]]
    name = urls.photo_names([SimpleNamespace(file=path.name)])[0]
    page = urls.member(member.term, member.slug)
    url = {v.name: urls.photo(page, name, v.name, v.file.rsplit(".", 1)[1]) for v in used}
    for variant in used:  # only what the pages link is deployed
        links[url[variant.name]] = cache_dir / variant.file
    small, fallback = used[0], outputs["fallback"]
    return Portrait(member.photo_alt, url[small.name], small.width, small.height, url["fallback"],
                    fallback.width, fallback.height, [(w, url[v.name]) for w, v in by_width.items()])


def _news_by_tag(content: Content) -> dict[str, list[tuple[dt.date, str, str]]]:
    """Published items by tag, newest first: ``(date, site path, title)``."""
    tagged: dict[str, list[tuple[dt.date, str, str]]] = defaultdict(list)
    for item in content.items:
        if not item.listed or item.date is None:  # (listed implies dated; said again for the type checker)
            continue
        for tag in item.meta.get("tags") or []:
            if isinstance(tag, str):
                tagged[tag].append((item.date, item.url, item.title))
    return {tag: sorted(entries, reverse=True) for tag, entries in tagged.items()}


# --------------------------------------------------------------------------- pages

def _render(template: str, page: str, **values: Any) -> str:
    return templating.env.get_template(template).render(**values, **templating.helpers(page))


def _overview(config: Config, page: str, view: _Term | None, terms: list[_Term]) -> str:
    """The members of one term, grouped by faction (pimpinan first), with links to the other terms."""
    others = [(t.label, urls.term(t.term.slug)) for t in reversed(terms) if t is not view]
    if view is None:
        head = templating.front_matter(title="Anggota DPRD", description=f"Anggota {config.site_name}")
        return _render("council.md", page, front_matter=head, heading="Anggota DPRD", intro="",
                       sections=[], empty="Belum ada data anggota DPRD.", others=others, menu=[])
    term = view.term
    intro = view.label
    if term.start and term.end:
        intro += f": {format_date(term.start)} sampai {format_date(term.end)}"
    sitting = [c for c in view.cards if not c.left]
    sections = [Section("Pimpinan DPRD", [c for c in sitting if c.position in _RANK])]
    for slug, faction in term.factions.items():
        members = view.factions.get(slug, [])
        sections.append(Section(f"{faction.name} ({faction.short})", members, urls.faction(term.slug, slug),
                                f"{len(members)} kursi"))
    left = [c for c in view.cards if c.left]
    if left:
        sections.append(Section("Berhenti sebelum masa jabatan berakhir", left))
    head = templating.front_matter(title=f"Anggota DPRD {view.label}",
                                 description=f"Anggota {config.site_name}, {view.label.lower()}")
    menu = [("Alat kelengkapan", urls.term_bodies(term.slug)), ("Fraksi", urls.term_factions(term.slug))]
    return _render("council.md", page, front_matter=head, heading=f"Anggota DPRD {view.label}",
                   intro=intro, sections=[s for s in sections if s.cards], empty="", others=others, menu=menu)


def _member_page(config: Config, view: _Term, card: Card, news: list[tuple[dt.date, str, str]]) -> str:
    member, term = card.member, view.term
    seats = [(config.bodies[s.body], urls.body(term.slug, s.body), s.role) for s in member.seats
             if s.body in config.bodies]
    description = f"{card.name}, {card.position} {_institution(config)}, {card.faction}"
    head = templating.front_matter(title=card.name, description=description, type="person",
                                 person=_person(config, card))
    return _render("member.md", card.url, front_matter=head, title_md=Markup(templating.md_text(card.name)),
                   card=card, term=view, term_url=urls.term(term.slug), district=term.districts.get(member.district, ""),
                   seats=seats, profile=Markup(member.profile),
                   news=[(format_date(day), url, title) for day, url, title in news])


def _person(config: Config, card: Card) -> dict[str, Any]:
    """schema.org ``Person`` of a member, for the JSON-LD block of ``overrides/main.html``."""
    person: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "Person", "name": card.name, "jobTitle": card.position,
        "memberOf": [{"@type": "GovernmentOrganization", "name": _institution(config)},
                     {"@type": "Organization", "name": card.faction}],
    }
    if card.portrait and config.site_url:
        person["image"] = urls.absolute(config, card.portrait.fallback)
    if config.site_url:
        person["url"] = urls.absolute(config, card.url)
    return person


def _institution(config: Config) -> str:
    """The council itself: the identity's name without "Sekretariat" (members sit in the DPRD, not in its
    secretariat), else the site name without "Portal Informasi"."""
    name = config.identity.get("name")
    name = name if isinstance(name, str) and name.strip() else config.site_name
    return name.strip().removeprefix("Sekretariat ").removeprefix("Portal Informasi ")


def _bodies(config: Config, view: _Term, root: str, pages: bool = True) -> dict[str, str]:
    """The bodies' index at ``root`` and (with ``pages``) a page per body: members with roles, chair first."""
    slug = view.term.slug
    ordered = [b for b in config.bodies if b in view.bodies]
    files = templating.listing(root, f"Alat Kelengkapan DPRD {view.label}", "Alat Kelengkapan DPRD",
                             [], f"Alat kelengkapan DPRD, {view.label.lower()}",
                             intro=f"{view.label}. Jumlah anggota dalam kurung.",
                             links=[(config.bodies[b], urls.body(slug, b), len(view.bodies[b])) for b in ordered])
    for body in ordered if pages else []:
        name = config.bodies[body]
        files[urls.index_source(urls.body(slug, body))] = _group(
            config, urls.body(slug, body), f"{name} {view.label}", name, view,
            [Section("Susunan keanggotaan", view.bodies[body])], f"Susunan {name} DPRD, {view.label.lower()}")
    return files


def _factions(config: Config, view: _Term, root: str, pages: bool = True) -> dict[str, str]:
    """The factions' index at ``root`` and (with ``pages``) a page per faction: seats and members."""
    term = view.term
    links = [(f"{f.name} ({f.short})", urls.faction(term.slug, s), len(view.factions.get(s, [])))
             for s, f in term.factions.items()]
    files = templating.listing(root, f"Fraksi DPRD {view.label}", "Fraksi DPRD", [],
                             f"Fraksi DPRD, {view.label.lower()}",
                             intro=f"{view.label}. Jumlah kursi dalam kurung.", links=links)
    for slug, faction in term.factions.items() if pages else []:
        members = view.factions.get(slug, [])
        files[urls.index_source(urls.faction(term.slug, slug))] = _group(
            config, urls.faction(term.slug, slug), f"{faction.name} {view.label}", faction.name, view,
            [Section(f"{len(members)} kursi", members)], f"{faction.name} ({faction.short}), {view.label.lower()}")
    return files


def _group(config: Config, page: str, title: str, heading: str, view: _Term, sections: list[Section],
           description: str) -> str:
    head = templating.front_matter(title=title, description=description)
    return _render("council.md", page, front_matter=head, heading=heading, intro=view.label,
                   sections=sections, empty="Belum ada anggota.", menu=[("Semua anggota", urls.term(view.term.slug))],
                   others=[])
