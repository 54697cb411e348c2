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
    # A public document's file (PDF, XLSX, CSV): 20 MB holds a scanned 100-page Perda at 200 dpi.
    document_bytes: int = 20 * 1024 * 1024
    # A news video's length (issue 16): 10 minutes; a whole sitting belongs on the archive, not the item.
    video_seconds: int = 600


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
    # What the Daftar Informasi Publik says of every news item (owner, responsible, place, form, retention).
    dip_defaults: dict[str, str] = field(default_factory=dict)

    def person(self, login: str) -> str:
        """How the register names the GitHub user ``login``: the mapped "Nama — Jabatan", else the login."""
        return self.people.get(login, login)

    @property
    def content(self) -> Path:
        return self.root / self.content_dir

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def now(self) -> dt.datetime:
        """Now, aware, in the site's time zone (``PORTAL_NOW`` pins it: ``YYYY-MM-DDTHH:MM``, site time)."""
        pinned = os.environ.get("PORTAL_NOW")
        if pinned:
            try:
                value = dt.datetime.fromisoformat(pinned)
            except ValueError:
                raise PortalError(f"PORTAL_NOW={pinned!r} bukan waktu YYYY-MM-DDTHH:MM.") from None
            return value.astimezone(self.tz) if value.tzinfo else value.replace(tzinfo=self.tz)
        return dt.datetime.now(self.tz)

    def today(self) -> dt.date:
        """Today in the site's time zone (``PORTAL_TODAY`` pins it, for tests and replays; else ``now()``)."""
        pinned = os.environ.get("PORTAL_TODAY")
        if pinned:
            try:
                return dt.date.fromisoformat(pinned)
            except ValueError:
                raise PortalError(f"PORTAL_TODAY={pinned!r} bukan tanggal YYYY-MM-DD.") from None
        return self.now().date()


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
             "publish", "deploy_target", "bodies", "people", "identity", "quick_links", "dip_defaults"}
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
    problems.extend(_load_dip_defaults(portal.get("dip_defaults"), config))

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
    known = {name: getattr(limits, name) for name in ("narrative_bytes", "line_chars", "document_bytes",
                                                        "video_seconds")}
    for key, value in data.items():
        if key not in known:
            problems.append(f"kunci `extra.portal.limits.{key}` tidak dikenal (yang dikenal: {', '.join(known)})")
        elif isinstance(value, bool) or not isinstance(value, int) or value < 1:
            problems.append(f"`extra.portal.limits.{key}` harus bilangan bulat positif, misalnya {known[key]}")
        else:
            setattr(limits, key, value)
    return problems


DIP_DEFAULT_KEYS = ("owner", "responsible", "place", "form", "retention")


def _load_dip_defaults(data: Any, config: Config) -> list[str]:
    """Read ``extra.portal.dip_defaults`` (what the DIP says of news items) into ``config``."""
    if data is None:
        return []
    if not isinstance(data, dict) or not all(key in DIP_DEFAULT_KEYS and isinstance(value, str) and value.strip()
                                             for key, value in data.items()):
        return [f"`extra.portal.dip_defaults` harus berisi pasangan `kunci: teks` dengan kunci dari: "
                f"{', '.join(DIP_DEFAULT_KEYS)}, misalnya `owner: Bagian Humas Sekretariat DPRD`"]
    config.dip_defaults = {key: value.strip() for key, value in data.items()}
    return []


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


IDENTITY_KEYS = ("name", "short_name", "emblem", "address", "phone", "email", "hours", "social")
EMBLEM_TYPES = {".svg": "SVG", ".png": "PNG"}
OG_SIZE = (1200, 630)  # the default share image beside the emblem: <emblem>-og.png
SHORT_NAME_MAX = 24  # what fits beside the logo and two buttons on a 360 px phone
_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,63}$")
_PHONE = re.compile(r"^\+?[0-9 ().-]{6,24}$")
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _load_identity(portal: dict, config: Config) -> list[str]:
    """Read ``identity`` (the institution on every page) and ``quick_links`` into ``config``.

    Every text here reaches every page of the site (header, footer, JSON-LD), so each key is checked
    for its shape; the emblem also for its file under the theme folder (``overrides/``).
    """
    problems: list[str] = []
    identity = portal.get("identity")
    if identity is not None:
        if not isinstance(identity, dict):
            problems.append("`extra.portal.identity` harus berisi pasangan `kunci: nilai`, misalnya "
                            "`name: Sekretariat DPRD Kabupaten Contoh`")
        else:
            found = _identity_problems(identity, config)
            problems.extend(found)
            if not found:
                config.identity = {key: value for key, value in identity.items()}
    problems.extend(_load_quick_links(portal.get("quick_links"), config))
    return problems


def _identity_problems(identity: dict, config: Config) -> list[str]:
    """Every problem of ``extra.portal.identity`` (unknown key, missing name, emblem, contacts)."""
    key = "`extra.portal.identity"
    problems = [f"kunci {key}.{name}` tidak dikenal (yang dikenal: {', '.join(IDENTITY_KEYS)})"
                for name in identity if name not in IDENTITY_KEYS]
    for name in ("name", "short_name", "address", "phone"):
        value = identity.get(name)
        if (value is not None or name == "name") and (not isinstance(value, str) or not value.strip()):
            problems.append(f"{key}.{name}` harus teks yang tidak kosong, misalnya "
                            f"`{name}: {_IDENTITY_EXAMPLES[name]}`")
    short = identity.get("short_name")
    if isinstance(short, str) and len(short.strip()) > SHORT_NAME_MAX:
        problems.append(f"{key}.short_name` paling banyak {SHORT_NAME_MAX} karakter agar terbaca di layar ponsel "
                        f"360 px (sekarang {len(short.strip())}), misalnya `short_name: DPRD Kab. Contoh`")
    phone = identity.get("phone")
    if isinstance(phone, str) and phone.strip() and not _PHONE.match(phone.strip()):
        problems.append(f"{key}.phone` bukan nomor telepon: `{phone}`; tulis angka saja, misalnya "
                        "`phone: (0511) 123456`")
    email = identity.get("email")
    if email is not None and not (isinstance(email, str) and _EMAIL.match(email)):
        problems.append(f"{key}.email` bukan alamat e-mail: `{email}`; misalnya `email: setwan@dprd.contoh.go.id`")
    hours = identity.get("hours")
    if hours is not None and not _texts(hours):
        problems.append(f"{key}.hours` harus teks atau daftar teks, misalnya "
                        "`hours: [\"Senin–Kamis 08.00–15.30 WIB\", \"Jumat 08.00–11.00 WIB\"]`")
    social = identity.get("social")
    if social is not None:
        if not isinstance(social, dict):
            problems.append(f"{key}.social` harus berisi pasangan `platform: URL`, misalnya "
                            "`instagram: https://www.instagram.com/dprdcontoh`")
        else:
            problems.extend(f"{key}.social.{platform}` harus alamat https:// yang lengkap, misalnya "
                            f"`https://www.instagram.com/dprdcontoh`; sekarang `{url}`"
                            for platform, url in social.items() if not _https_url(url))
    if identity.get("emblem") is not None:
        problems.extend(_emblem_problems(identity["emblem"], config))
    return problems


_IDENTITY_EXAMPLES = {"name": "Sekretariat DPRD Kabupaten Contoh", "short_name": "DPRD Kab. Contoh",
                      "address": "Jl. Contoh No. 1, Kabupaten Contoh", "phone": "(0511) 123456"}


def _texts(value: Any) -> bool:
    """True for a non-empty text or a non-empty list of non-empty texts (service hours, one line per day)."""
    if isinstance(value, str):
        return bool(value.strip())
    return isinstance(value, list) and bool(value) and all(isinstance(line, str) and line.strip() for line in value)


def _https_url(value: Any) -> bool:
    """True for a whole ``https://host/...`` URL without spaces (a link every visitor may follow)."""
    if not isinstance(value, str) or any(c.isspace() for c in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme == "https" and _DOMAIN.match(parts.hostname or "") is not None


def _emblem_problems(emblem: Any, config: Config) -> list[str]:
    """The emblem: an SVG or PNG under the theme folder, with its 1200x630 share image beside it."""
    key = "`extra.portal.identity.emblem`"
    theme: dict = config.mkdocs["theme"] if isinstance(config.mkdocs.get("theme"), dict) else {}
    custom = config.root / str(theme.get("custom_dir") or "overrides")
    if not isinstance(emblem, str) or not emblem or emblem.startswith("/") or ".." in Path(emblem).parts \
            or "://" in emblem:
        return [f"{key} harus path berkas di dalam folder `{custom.name}/`, misalnya `emblem: assets/lambang.svg`"]
    suffix = Path(emblem).suffix
    if suffix not in EMBLEM_TYPES:
        return [f"{key}: `{emblem}` bukan SVG atau PNG; simpan lambang sebagai `.svg` atau `.png`"]
    problems = []
    logo = theme.get("logo")
    if logo is not None and logo != emblem:
        problems.append(f"`theme.logo` (`{logo}`) harus sama dengan {key} (`{emblem}`): satu lambang di kepala "
                        "halaman, ikon situs dan gambar berbagi")
    # A project without any theme file (a bare test or a fresh copy) builds with the stock theme,
    # which draws no emblem: only a theme folder that holds files must hold the emblem too.
    if not custom.is_dir() or not any(custom.iterdir()):
        return problems
    path = custom / emblem
    og = path.with_name(f"{path.stem}-og.png")
    if not path.is_file():
        return problems + [f"{key}: berkas `{custom.name}/{emblem}` tidak ada; simpan lambang di sana atau "
                           "perbaiki path-nya"]
    with path.open("rb") as handle:
        head = handle.read(512)
    if (suffix == ".png") != head.startswith(_PNG_MAGIC) or (suffix == ".svg" and b"<svg" not in head):
        problems.append(f"{key}: isi `{custom.name}/{emblem}` bukan {EMBLEM_TYPES[suffix]} yang sah; simpan "
                        f"ulang lambang sebagai berkas {EMBLEM_TYPES[suffix]}")
    if _png_size(og) != OG_SIZE:
        problems.append(f"{key}: gambar berbagi `{custom.name}/{og.relative_to(custom).as_posix()}` (PNG "
                        f"{OG_SIZE[0]}x{OG_SIZE[1]} piksel, gambar bawaan og:image) tidak ada atau ukurannya "
                        "salah; buat dari lambang dengan ukuran itu")
    return problems


def _png_size(path: Path) -> tuple[int, int] | None:
    """Width and height from a PNG's IHDR chunk, or None when ``path`` is no PNG (no decoder needed)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(24)
    except OSError:
        return None
    if not head.startswith(_PNG_MAGIC) or head[12:16] != b"IHDR":
        return None
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def _load_quick_links(links: Any, config: Config) -> list[str]:
    """Read ``quick_links`` (``- label: PPID`` / ``url: ppid/``) into ``config.quick_links``."""
    if links is None:
        return []
    example = "`- {label: PPID, url: ppid/}`"
    if not isinstance(links, list):
        return [f"`extra.portal.quick_links` harus daftar tautan, misalnya {example}"]
    problems = []
    pairs = []
    for number, link in enumerate(links, start=1):
        where = f"`extra.portal.quick_links` nomor {number}"
        if not isinstance(link, dict) or set(link) != {"label", "url"}:
            problems.append(f"{where} harus berisi tepat `label` dan `url`, misalnya {example}")
            continue
        label, url = link["label"], link["url"]
        if not isinstance(label, str) or not label.strip():
            problems.append(f"{where}: `label` harus teks yang tidak kosong")
        elif not (_https_url(url) or _site_path(url)):
            problems.append(f"{where}: `url` harus path di situs ini (misalnya `ppid/`) atau alamat https:// "
                            f"yang lengkap; sekarang `{url}`")
        else:
            pairs.append((label.strip(), url))
    if not problems:
        config.quick_links = pairs
    return problems


def _site_path(value: Any) -> bool:
    """True for a path inside this site (``ppid/``, ``register/#unduh``): no scheme, host or ``..``."""
    if not isinstance(value, str) or not value or any(c.isspace() or c == "\\" for c in value):
        return False
    parts = urlsplit(value)
    return not parts.scheme and not parts.netloc and not value.startswith("/") and ".." not in parts.path.split("/")


def _has_password(target: str) -> bool:
    """True when ``target`` carries a password (``sftp://user:secret@host``): mkdocs.yml is public."""
    try:
        return urlsplit(target).password is not None
    except ValueError:
        return False
