"""Project settings: the ``extra.portal`` section of ``mkdocs.yml``.

Keeping them in ``mkdocs.yml`` gives one file for the site; ``extra`` is
MkDocs' own place for free-form settings, and the theme can read them too
(category labels, for instance).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import yaml

from pipeline.errors import PortalError

CONFIG_FILE = "mkdocs.yml"
PLATFORMS = ("facebook", "instagram", "x", "telegram")
ENGINES = ("mkdocs", "zensical")
X_LINKS = ("post", "reply", "none")
_DOMAIN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$")  # a GitHub login


@dataclass
class Limits:
    """Bounds on what an editor may write (``extra.portal.limits``).

    They keep ``portal check`` and the build fast on any input (issue 10):
    a narrative is at most ``narrative_bytes`` of UTF-8 (the longest sample
    item is 3 KB; 64 KB is a twenty-page report), and no line is longer than
    ``line_chars`` characters (a paragraph pasted from a word processor is
    one line; the longest in the sample is 634 characters, 2,000 is about
    300 words, longer than any news paragraph should be).
    """

    narrative_bytes: int = 64 * 1024
    line_chars: int = 2000


@dataclass
class Publishing:
    """How ``portal publish`` paces itself (``extra.portal.publish``).

    A lost ledger, a wrong ``site_url`` or a platform down for a week must
    never turn into a flood of old posts or a silent green run: each run
    posts at most ``max_posts``, never an item more than ``cutoff_days``
    after its day H on its own, and an article still not served
    ``live_hours`` after the build is FAILED instead of waiting forever.
    ``disabled`` platforms are never posted to and need no credentials.
    """

    max_posts: int = 10
    cutoff_days: int = 7
    live_hours: int = 6
    disabled: list[str] = field(default_factory=list)


@dataclass
class Config:
    """Validated settings of one site project."""

    root: Path
    site_name: str = "Portal Informasi DPRD"
    site_url: str = ""
    content_dir: str = "content"
    timezone: str = "Asia/Jakarta"
    categories: dict[str, str] = field(default_factory=dict)
    social_default: list[str] = field(default_factory=lambda: list(PLATFORMS))
    limits: Limits = field(default_factory=Limits)
    mkdocs: dict[str, Any] = field(default_factory=dict)
    engine: str = "mkdocs"  # the site engine of `portal build`: one of ENGINES
    publish: Publishing = field(default_factory=lambda: Publishing())
    link_domains: list[str] | None = None  # None: the default of pipeline.check.captions.link_domains
    x_link: str = "post"  # where the article link goes on X: one of X_LINKS
    # Where publish.yml deploys the site (`portal deploy TARGET`): empty for GitHub Pages. In the
    # repository, not a repository variable, so moving the site to another host is reviewed like content.
    deploy_target: str = ""
    # The council's bodies (alat kelengkapan) by slug: what an agenda sitting and a member's seat name.
    bodies: dict[str, str] = field(default_factory=dict)
    # GitHub logins shown as "Nama — Jabatan" on the register and articles (public officials in office).
    people: dict[str, str] = field(default_factory=dict)
    # The institution on every page (name, short name, emblem, address, contacts, hours, social accounts)
    # and the home page's quick links: read by _load_identity.
    identity: dict[str, Any] = field(default_factory=dict)
    quick_links: list[tuple[str, str]] = field(default_factory=list)

    def person(self, login: str) -> str:
        """How the register names the GitHub user ``login``: the mapped "Nama — Jabatan", else the login."""
        return self.people.get(login, login)

    @property
    def content(self) -> Path:
        return self.root / self.content_dir

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def today(self) -> dt.date:
        """Today in the site's time zone (``PORTAL_TODAY`` pins it, for tests and replays)."""
        pinned = os.environ.get("PORTAL_TODAY")
        if pinned:
            try:
                return dt.date.fromisoformat(pinned)
            except ValueError:
                raise PortalError(f"PORTAL_TODAY={pinned!r} bukan tanggal YYYY-MM-DD.") from None
        return dt.datetime.now(self.tz).date()


class _LenientLoader(yaml.SafeLoader):
    """Safe loader that reads past MkDocs' own tags (``!ENV``, ``!!python/name``).

    We only need ``site_name``, ``site_url`` and ``extra.portal``; the tags
    belong to MkDocs, which evaluates them itself when it builds.
    """


_LenientLoader.add_multi_constructor("", lambda loader, suffix, node: None)
_LenientLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def load_config(root: Path | str = ".") -> Config:
    """Load and validate ``mkdocs.yml`` in ``root``; raise PortalError listing every problem."""
    root = Path(root).resolve()
    path = root / CONFIG_FILE
    if not path.is_file():
        raise PortalError(
            f"{CONFIG_FILE} tidak ditemukan di {root}. Jalankan perintah portal dari folder proyek situs "
            f"(folder yang berisi {CONFIG_FILE})."
        )
    try:
        with path.open(encoding="utf-8") as handle:
            data = yaml.load(handle, Loader=_LenientLoader) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise PortalError(f"{CONFIG_FILE} tidak dapat dibaca: {exc}") from None
    if not isinstance(data, dict):
        raise PortalError(f"{CONFIG_FILE} harus berisi pasangan `kunci: nilai`.")

    extra = data.get("extra") or {}
    portal = extra.get("portal") if isinstance(extra, dict) else None
    problems: list[str] = []
    if not isinstance(portal, dict):
        raise PortalError(f"{CONFIG_FILE}: bagian `extra.portal` tidak ada. Salin contoh dari README.")

    config = Config(root=root, mkdocs=data)
    config.site_name = str(data.get("site_name") or config.site_name)
    config.site_url = str(data.get("site_url") or "")

    known = {"content_dir", "timezone", "categories", "social_default", "limits", "engine", "link_domains", "x_link",
             "publish", "deploy_target", "bodies", "people", "identity", "quick_links"}
    for key in portal:
        if key not in known:
            problems.append(f"kunci `extra.portal.{key}` tidak dikenal (yang dikenal: {', '.join(sorted(known))})")

    content_dir = portal.get("content_dir", config.content_dir)
    if not isinstance(content_dir, str) or not content_dir or Path(content_dir).is_absolute() or ".." in Path(content_dir).parts:
        problems.append("`extra.portal.content_dir` harus path relatif di dalam proyek, misalnya `content`")
    else:
        config.content_dir = content_dir

    timezone = portal.get("timezone", config.timezone)
    try:
        ZoneInfo(str(timezone))
        config.timezone = str(timezone)
    except (KeyError, ValueError):
        problems.append(f"`extra.portal.timezone` {timezone!r} bukan zona waktu yang dikenal (contoh: Asia/Jakarta)")

    categories = portal.get("categories")
    if not isinstance(categories, dict) or not categories:
        problems.append("`extra.portal.categories` harus berisi pasangan `slug: Nama Kategori`, minimal satu")
    else:
        for slug, label in categories.items():
            if not isinstance(slug, str) or not _SLUG.match(slug):
                problems.append(f"kategori {slug!r}: slug hanya huruf kecil, angka dan tanda hubung")
            elif not isinstance(label, str) or not label.strip():
                problems.append(f"kategori `{slug}`: nama tampilan tidak boleh kosong")
            else:
                config.categories[slug] = label.strip()

    social = portal.get("social_default", config.social_default)
    if not isinstance(social, list) or any(p not in PLATFORMS for p in social):
        problems.append(f"`extra.portal.social_default` harus daftar dari: {', '.join(PLATFORMS)}")
    else:
        config.social_default = list(social)

    problems.extend(_load_limits(portal.get("limits"), config.limits))
    problems.extend(_load_publishing(portal.get("publish"), config.publish))

    engine = portal.get("engine", config.engine)
    if engine not in ENGINES:
        problems.append(f"`extra.portal.engine` {engine!r} tidak dikenal (pilihan: {', '.join(ENGINES)})")
    else:
        config.engine = engine

    problems.extend(_load_review_settings(portal, config))
    problems.extend(_load_names(portal, config))
    problems.extend(_load_identity(portal, config))

    target = portal.get("deploy_target", "")
    if not isinstance(target, str) or any(c.isspace() for c in target) or _has_password(target):
        problems.append("`extra.portal.deploy_target` harus satu alamat tanpa spasi dan tanpa kata sandi, misalnya "
                        "`sftp://deploy@web.contoh.go.id/var/www/dprd` (kata sandi dan kunci hanya di secret)")
    else:
        config.deploy_target = target

    if problems:
        raise PortalError(f"{CONFIG_FILE} tidak valid:\n" + "\n".join(f"  - {p}" for p in problems))
    return config


def _load_limits(data: Any, limits: Limits) -> list[str]:
    """Read ``extra.portal.limits`` into ``limits``; return the problems found."""
    if data is None:
        return []
    if not isinstance(data, dict):
        return ["`extra.portal.limits` harus berisi pasangan `nama: angka`, misalnya `narrative_bytes: 65536`"]
    problems = []
    known = {name: getattr(limits, name) for name in ("narrative_bytes", "line_chars")}
    for key, value in data.items():
        if key not in known:
            problems.append(f"kunci `extra.portal.limits.{key}` tidak dikenal (yang dikenal: {', '.join(known)})")
        elif isinstance(value, bool) or not isinstance(value, int) or value < 1:
            problems.append(f"`extra.portal.limits.{key}` harus bilangan bulat positif, misalnya {known[key]}")
        else:
            setattr(limits, key, value)
    return problems


def _load_publishing(data: Any, publishing: Publishing) -> list[str]:
    """Read ``extra.portal.publish`` into ``publishing``; return the problems found."""
    if data is None:
        return []
    if not isinstance(data, dict):
        return ["`extra.portal.publish` harus berisi pasangan `nama: nilai`, misalnya `max_posts: 10`"]
    problems = []
    numbers = {name: getattr(publishing, name) for name in ("max_posts", "cutoff_days", "live_hours")}
    for key, value in data.items():
        if key == "disabled":
            if not isinstance(value, list) or any(p not in PLATFORMS for p in value):
                problems.append(f"`extra.portal.publish.disabled` harus daftar dari: {', '.join(PLATFORMS)}")
            else:
                publishing.disabled = list(value)
        elif key not in numbers:
            problems.append(f"kunci `extra.portal.publish.{key}` tidak dikenal "
                            f"(yang dikenal: {', '.join([*numbers, 'disabled'])})")
        elif isinstance(value, bool) or not isinstance(value, int) or value < 1:
            problems.append(f"`extra.portal.publish.{key}` harus bilangan bulat positif, misalnya {numbers[key]}")
        else:
            setattr(publishing, key, value)
    return problems


def _load_review_settings(portal: dict, config: Config) -> list[str]:
    """Read ``link_domains`` and ``x_link`` into ``config``; return the problems found."""
    problems = []
    domains = portal.get("link_domains")
    if domains is not None:
        if not isinstance(domains, list) or not all(isinstance(d, str) and _DOMAIN.match(d) for d in domains):
            problems.append("`extra.portal.link_domains` harus daftar nama domain huruf kecil tanpa `https://`, "
                            "misalnya `[go.id, kpu.go.id]`")
        else:
            config.link_domains = list(domains)
    x_link = portal.get("x_link", config.x_link)
    if x_link not in X_LINKS:
        problems.append(f"`extra.portal.x_link` {x_link!r} tidak dikenal (pilihan: {', '.join(X_LINKS)})")
    else:
        config.x_link = x_link
    return problems


def _load_names(portal: dict, config: Config) -> list[str]:
    """Read ``bodies`` (slug: name) and ``people`` (login: "Nama — Jabatan") into ``config``."""
    problems = []
    bodies = portal.get("bodies", {})
    if not isinstance(bodies, dict) or not all(isinstance(s, str) and _SLUG.match(s) and isinstance(n, str)
                                               and n.strip() for s, n in bodies.items()):
        problems.append("`extra.portal.bodies` harus berisi pasangan `slug: Nama Alat Kelengkapan`, misalnya "
                        "`komisi-i: Komisi I`")
    else:
        config.bodies = {slug: name.strip() for slug, name in bodies.items()}
    people = portal.get("people", {})
    if not isinstance(people, dict) or not all(isinstance(login, str) and _LOGIN.match(login) and isinstance(name, str)
                                               and name.strip() for login, name in people.items()):
        problems.append("`extra.portal.people` harus berisi pasangan `login-github: \"Nama — Jabatan\"`")
    else:
        config.people = {login: name.strip() for login, name in people.items()}
    return problems


def _load_identity(portal: dict, config: Config) -> list[str]:
    """Read ``identity`` and ``quick_links`` into ``config``; return the problems found."""
    identity = portal.get("identity", {})
    if isinstance(identity, dict):
        config.identity = identity
    links = portal.get("quick_links", [])
    if isinstance(links, list):
        config.quick_links = [(str(link.get("label")), str(link.get("url"))) for link in links
                              if isinstance(link, dict)]
    return []


def _has_password(target: str) -> bool:
    """True when ``target`` carries a password (``sftp://user:secret@host``): mkdocs.yml is public."""
    try:
        return urlsplit(target).password is not None
    except ValueError:
        return False
