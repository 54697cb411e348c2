"""The public page "Register Dokumentasi dan Konten" and each article's provenance line (issue 13).

Both read the register's rows as ``portal register --format json`` wrote
them (``REGISTER_FILE``): the site never calls GitHub or reads the ledger.
The file is hostile input (PR titles, review texts and logins come from
anyone who can open a pull request): its shape is validated once per build
(cached by the file's mtime and size: every article asks for its provenance)
and a wrong type stops the build with a message naming the file and the
field. Texts stay text: the templates autoescape, the downloads are written
by ``pipeline.tables`` (CSV quoted and formula-prefixed, XLSX strings only).

The XLSX download is binary while the stage hands the engines texts only:
``downloads`` writes it into ``XLSX_CACHE``, keyed by a hash of its cells,
and returns a link (site path -> cached file) that the engines hard-link
into the site like a photo variant (``sections.render`` adds it to the
links it returns).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from markupsafe import Markup

from pipeline import tables
from pipeline.actions import shown
from pipeline.config import PLATFORMS as config_platforms
from pipeline.config import Config
from pipeline.content import sop, urls
from pipeline.content.model import Item
from pipeline.errors import PortalError
from pipeline.site import templating
from pipeline.site.entries import MONTHS, Provenance, format_date

REGISTER_FILE = ".portal/register.json"
MAX_BYTES = 64 * 1024 * 1024  # 5,000 rows with long reviews are ~10 MB
TITLE = "Register Dokumentasi dan Konten"
XLSX_CACHE = ".portal/cache/register"
REGENERATE = f"buat ulang berkas itu dengan `portal register --format json --output {REGISTER_FILE}`"

REVIEW_STATES = {"APPROVED": "Disetujui", "CHANGES_REQUESTED": "Minta perubahan", "COMMENTED": "Komentar"}
DECISIONS = {"diterbitkan": "Diterbitkan", "ditolak": "Ditolak", "tanpa-pr": "Tanpa pull request (tidak diperiksa)"}
# The platforms' names as their owners write them, in config's order (the register's columns).
PLATFORMS = {slug: {"x": "X"}.get(slug, slug.capitalize()) for slug in config_platforms}
POST_STATES = {sop.PLANNED: "direncanakan", sop.ATTEMPTING: "sedang dikirim", sop.POSTED: "terkirim",
               sop.FAILED: "gagal", sop.UNKNOWN: "belum pasti", sop.DELETED: "dihapus", sop.MANUAL: "hapus manual"}

COLUMNS: list[tuple[str, str]] = [
    ("activity_date", "Tanggal kegiatan (H)"), ("title", "Judul"), ("category", "Kategori"),
    ("author", "Penulis"), ("submitted_at", "Diserahkan"), ("reviews", "Pemeriksaan"),
    ("decision", "Keputusan"), ("merged", "Digabung"), ("live_at", "Tayang di situs"),
    *((f"post_{slug}", label) for slug, label in PLATFORMS.items()),
    ("timeliness", "Ketepatan waktu"), ("corrections", "Koreksi"),
]
"""The register's columns, ``(key, header)``: ``flatten`` fills them, ``pipeline.tables`` writes them."""
_HEADERS = dict(COLUMNS)
# The JSON fields ``portal register`` may name in ``empty_columns``, by the column that shows them.
_FIELD_COLUMNS = {"author": "author", "submitted_at": "submitted_at", "reviews": "reviews", "pr": "decision",
                  "rejection_reason": "decision", "merged_by": "merged", "merged_at": "merged",
                  "merge_commit": "merged", "live_at": "live_at", "posts": "post_", "on_time": "timeliness",
                  "days_late": "timeliness", "corrections": "corrections"}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


# --------------------------------------------------------------------------- reading and validating

@dataclass
class Register:
    """The validated register file: rows as ``portal register`` wrote them."""

    generated_at: str
    timezone: str
    empty_columns: list[str]
    rows: list[dict[str, Any]]
    text: str  # the JSON download
    by_item: dict[str, dict[str, Any]] = field(default_factory=dict)  # item id or folder -> its row that went live

    def __post_init__(self) -> None:
        # Every article asks for its row: an index, not a scan (1,000 articles x 1,250 rows was 0.8 s).
        # A resubmission after an edit is a newer row: the last one merged tells the article's story.
        live = sorted((row for row in self.rows if row["decision"] != "ditolak"),
                      key=lambda row: row.get("merged_at") or row.get("live_at") or "")
        for row in live:
            self.by_item[row["path"].rstrip("/").rsplit("/", 1)[-1]] = row
        for row in live:
            self.by_item[row["item"]] = row


_cache: dict[Path, tuple[tuple[int, int], Register]] = {}


def load(config: Config) -> Register | None:
    """The register of ``config``'s project, validated; None when the file does not exist.

    Raises ``PortalError`` (file, field, what was expected and found, the fix)
    for a file that is not the register's JSON.
    """
    path = config.root / REGISTER_FILE
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    key = (stat.st_mtime_ns, stat.st_size)
    cached = _cache.get(path)
    if cached and cached[0] == key:
        return cached[1]
    if stat.st_size > MAX_BYTES:
        raise PortalError(f"{REGISTER_FILE}: berkas register lebih dari {MAX_BYTES // 2**20} MB; {REGENERATE}.")
    try:
        data = json.loads(path.read_text(encoding="utf-8", errors="replace"))
    except json.JSONDecodeError as exc:
        raise PortalError(f"{REGISTER_FILE}:{exc.lineno}: bukan JSON yang sah ({exc.msg}, kolom {exc.colno}); "
                          f"{REGENERATE}.") from None
    # The JSON download is the data written again, ASCII only: bidi controls and other invisibles as \u escapes.
    register = validate(data, json.dumps(data, ensure_ascii=True, indent=1) + "\n")
    _cache[path] = (key, register)
    return register


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    names = {str: "teks", int: "bilangan", float: "bilangan", list: "daftar", dict: "objek"}
    return names.get(type(value), type(value).__name__)


def _wrong(field: str, expected: str, value: object) -> PortalError:
    found = _kind(value) if not isinstance(value, str) else f"teks {shown(value[:60])!r}"
    return PortalError(f"{REGISTER_FILE}: `{field}` harus {expected}, ditemukan {found}; {REGENERATE} "
                       f"(jangan disunting dengan tangan).")


def _text(obj: dict, key: str, where: str, *, optional: bool = False) -> None:
    value = obj.get(key)
    if not (isinstance(value, str) or (optional and value is None)):
        raise _wrong(f"{where}{key}", "teks atau null" if optional else "teks", value)


def _moment(obj: dict, key: str, where: str, *, optional: bool = False) -> None:
    value = obj.get(key)
    if optional and value is None:
        return
    expected = "waktu ISO-8601 dengan zona (2026-11-21T09:30:00+07:00)" + (" atau null" if optional else "")
    try:
        parsed = dt.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise _wrong(f"{where}{key}", expected, value)


def _one_of(obj: dict, key: str, where: str, allowed) -> None:
    if obj.get(key) not in allowed:
        raise _wrong(f"{where}{key}", "salah satu dari " + ", ".join(allowed), obj.get(key))


def _list(obj: dict, key: str, where: str) -> list:
    value = obj.get(key)
    if not isinstance(value, list):
        raise _wrong(f"{where}{key}", "daftar", value)
    return value


def _object(value: object, field: str) -> dict:
    if not isinstance(value, dict):
        raise _wrong(field, "objek", value)
    return value


def validate(data: object, text: str = "") -> Register:
    """``data`` (the parsed file) as a ``Register``, or ``PortalError`` naming the first wrong field."""
    top = _object(data, "(berkas)")
    _moment(top, "generated_at", "")
    _text(top, "timezone", "")
    if not all(isinstance(name, str) for name in _list(top, "empty_columns", "")):
        raise _wrong("empty_columns", "daftar teks", top["empty_columns"])
    rows = _list(top, "rows", "")
    for number, row in enumerate(rows):
        _row(_object(row, f"rows[{number}]"), f"rows[{number}].")
    return Register(top["generated_at"], top["timezone"], list(top["empty_columns"]), rows, text)


def _row(row: dict, where: str) -> None:
    for key in ("item", "path", "title", "category"):
        _text(row, key, where)
    for key in ("url", "author", "rejection_reason", "merged_by", "merge_commit"):
        _text(row, key, where, optional=True)
    if not (isinstance(row.get("activity_date"), str) and _DATE.fullmatch(row["activity_date"])):
        raise _wrong(f"{where}activity_date", "tanggal YYYY-MM-DD", row.get("activity_date"))
    for key in ("submitted_at", "merged_at", "live_at"):
        _moment(row, key, where, optional=True)
    if row.get("pr") is not None:
        pr = _object(row["pr"], f"{where}pr")
        if not isinstance(pr.get("number"), int) or isinstance(pr.get("number"), bool):
            raise _wrong(f"{where}pr.number", "bilangan", pr.get("number"))
        _text(pr, "url", f"{where}pr.")
        _text(pr, "title", f"{where}pr.")
    for number, review in enumerate(_list(row, "reviews", where)):
        at = f"{where}reviews[{number}]."
        review = _object(review, at[:-1])
        _text(review, "reviewer", at)
        _one_of(review, "state", at, REVIEW_STATES)
        _moment(review, "at", at)
        _text(review, "text", at)
    _one_of(row, "decision", where, DECISIONS)
    for number, post in enumerate(_list(row, "posts", where)):
        at = f"{where}posts[{number}]."
        post = _object(post, at[:-1])
        _one_of(post, "platform", at, PLATFORMS)
        _one_of(post, "state", at, POST_STATES)
        _moment(post, "at", at)
        _text(post, "url", at, optional=True)
    if row.get("on_time") not in (True, False, None):
        raise _wrong(f"{where}on_time", "true, false atau null", row.get("on_time"))
    late = row.get("days_late")
    if not (late is None or (isinstance(late, int) and not isinstance(late, bool) and late >= 0)):
        raise _wrong(f"{where}days_late", "bilangan bulat 0 atau lebih, atau null", late)
    for number, correction in enumerate(_list(row, "corrections", where)):
        if not isinstance(correction, (str, dict)):
            raise _wrong(f"{where}corrections[{number}]", "teks atau objek", correction)


# --------------------------------------------------------------------------- cells

def when(config: Config, iso: str | None) -> str:
    """An ISO time in the site's zone, as readers write it: ``Jumat, 21 November 2026 09.30 WIB``."""
    if not iso:
        return ""
    local = dt.datetime.fromisoformat(iso).astimezone(config.tz)
    return f"{format_date(local.date())} {local:%H.%M} {sop.zone_name(config.timezone)}"


def timeliness(row: dict[str, Any]) -> str:
    """``Tepat H+1``, ``Terlambat N hari`` or empty (not live yet, or not known)."""
    if row.get("on_time") is True:
        return "Tepat H+1"
    if row.get("on_time") is False:
        return f"Terlambat {row['days_late']} hari" if row.get("days_late") is not None else "Terlambat"
    return ""


def _review(config: Config, review: dict[str, Any]) -> str:
    line = f"{config.person(review['reviewer'])}: {REVIEW_STATES[review['state']]}, {when(config, review['at'])}"
    return f"{line}: “{review['text'].strip()}”" if review["text"].strip() else line


def _post(config: Config, post: dict[str, Any]) -> str:
    parts = [POST_STATES[post["state"]], when(config, post["at"])]
    return ", ".join(parts + ([post["url"]] if post.get("url") else []))


def _correction(value: str | dict) -> str:
    if isinstance(value, str):
        return value
    return ", ".join(f"{key}: {text}" for key, text in value.items() if isinstance(text, (str, int)))


def flatten(config: Config, row: dict[str, Any]) -> dict[str, str]:
    """One register row as flat Indonesian cells, keyed as ``COLUMNS`` (people by ``config.person``)."""
    decision = DECISIONS[row["decision"]]
    if row["decision"] == "ditolak" and row.get("rejection_reason"):
        decision = f"{decision}: {row['rejection_reason']}"
    merged = when(config, row.get("merged_at"))
    if merged and row.get("merged_by"):
        merged = f"{merged} oleh {config.person(row['merged_by'])}"
    cells = {
        "activity_date": format_date(dt.date.fromisoformat(row["activity_date"])),
        "title": row["title"], "category": row["category"],
        "author": config.person(row["author"]) if row.get("author") else "",
        "submitted_at": when(config, row.get("submitted_at")),
        "reviews": "\n".join(_review(config, review) for review in row["reviews"]),
        "decision": decision, "merged": merged, "live_at": when(config, row.get("live_at")),
        "timeliness": timeliness(row),
        "corrections": "\n".join(_correction(c) for c in row["corrections"]),
    }
    for slug in PLATFORMS:
        cells[f"post_{slug}"] = "\n".join(_post(config, p) for p in row["posts"] if p["platform"] == slug)
    return {key: tables.clean_text(text) for key, text in cells.items()}


def empty_headers(register: Register) -> list[str]:
    """The column headers ``register.empty_columns`` names (unknown names as given)."""
    out: list[str] = []
    for name in register.empty_columns:
        key = _FIELD_COLUMNS.get(name, name)
        header = ("Unggahan media sosial" if key == "post_" else _HEADERS.get(key, name))
        if header not in out:
            out.append(header)
    return out


# --------------------------------------------------------------------------- the monthly summary

@dataclass
class Month:
    """One month of the summary (by the activity date, H)."""

    label: str
    items: int
    on_time: int
    known: int  # rows whose timeliness is known
    median_late: float | None
    posts: dict[str, int]
    rejected: int

    @property
    def share_text(self) -> str:
        return f"{round(100 * self.on_time / self.known)}%" if self.known else "–"

    @property
    def median_text(self) -> str:
        if self.median_late is None:
            return "–"
        return f"{self.median_late:g}".replace(".", ",") + " hari"


def summary(register: Register) -> list[Month]:
    """Per month: items, live within H+1, median delay, posts per platform, rejections (oldest first)."""
    by_month: dict[str, list[dict]] = defaultdict(list)
    for row in register.rows:
        by_month[row["activity_date"][:7]].append(row)
    out = []
    for key in sorted(by_month):
        rows = by_month[key]
        published = [r for r in rows if r["decision"] != "ditolak"]
        known = [r for r in published if r.get("on_time") is not None]
        late = [0 if r["on_time"] else (r.get("days_late") or 0) for r in known]
        posts = Counter(p["platform"] for r in rows for p in r["posts"] if p["state"] == sop.POSTED)
        year, month = int(key[:4]), int(key[5:])
        out.append(Month(f"{MONTHS[month - 1]} {year}", len(published), sum(1 for r in known if r["on_time"]),
                         len(known), statistics.median(late) if late else None,
                         {slug: posts.get(slug, 0) for slug in PLATFORMS}, len(rows) - len(published)))
    return out


def chart_size(months: list[Month]) -> tuple[int, int]:
    """Width and height of ``chart_svg``'s drawing, for the page's ``<img>`` (no layout shift)."""
    return max(320, 40 + len(months) * 60), 220


def chart_svg(months: list[Month]) -> str:
    """The summary as an SVG bar chart (items, live within H+1, rejected per month), drawn here: no script."""
    bar, gap, height, top, base = 14, 18, 160, 20, 200
    width, _ = chart_size(months)
    peak = max([1] + [max(m.items, m.rejected) for m in months])
    series = (("Berita", "#1a5fb4", "items"), ("Tepat H+1", "#26a269", "on_time"), ("Ditolak", "#c01c28", "rejected"))
    parts = []
    for index, month in enumerate(months):
        x = 40 + index * (3 * bar + gap)
        for offset, (name, colour, attr) in enumerate(series):
            value = getattr(month, attr)
            h = round(height * value / peak)
            parts.append(f'<rect x="{x + offset * bar}" y="{base - h}" width="{bar - 2}" height="{h}" fill="{colour}">'
                         f"<title>{_x(month.label)}: {name} {value}</title></rect>")
        parts.append(f'<text x="{x}" y="{base + 14}" font-size="10">{_x(month.label[:3] + month.label[-5:])}</text>')
    legend = "".join(f'<rect x="{40 + i * 90}" y="4" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{54 + i * 90}" y="13" font-size="11">{name}</text>'
                     for i, (name, colour, _) in enumerate(series))
    described = "; ".join(f"{m.label}: {m.items} berita, {m.on_time} tepat H+1, {m.rejected} ditolak" for m in months)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="t" viewBox="0 0 {width} {base + top}" '
            f'width="{width}" height="{base + top}" font-family="sans-serif">'
            f'<title id="t">Ringkasan bulanan register: {_x(described) or "belum ada data"}</title>'
            f'<line x1="36" y1="{base}" x2="{width}" y2="{base}" stroke="#555"/>{legend}{"".join(parts)}</svg>\n')


def _x(text: str) -> str:
    return str(Markup.escape(text))


# --------------------------------------------------------------------------- the page and its downloads

CHART = urls.register_chart()


def render(config: Config) -> dict[str, str]:
    """Staged files of the register page and its text downloads (CSV, JSON, the chart): site path -> text."""
    register = load(config)
    files: dict[str, str] = {}
    rows: list[list[tuple[str, str, str | None]]] = []
    months: list[Month] = []
    if register is not None:
        ordered = _newest_first(register.rows)
        flat = [flatten(config, row) for row in ordered]
        rows = [_cells(config, row, cells) for row, cells in zip(ordered, flat, strict=True)]
        months = summary(register)
        files[urls.register_download("csv")] = tables.write_csv(COLUMNS, flat)
        files[urls.register_download("json")] = register.text
        files[CHART] = chart_svg(months)

    def rel(target: str) -> str:
        return urls.relative(urls.REGISTER, target)

    head = Markup(yaml.safe_dump({"title": TITLE, "description": "Register dokumentasi dan konten: setiap berita dari "
                           "penyerahan, pemeriksaan, penerbitan sampai unggahan media sosial.",
                           "search": {"exclude": True}}, allow_unicode=True, sort_keys=False, width=1000).strip())  # constants
    files[urls.index_source(urls.REGISTER)] = templating.env.get_template("register.md").render(
        front_matter=head, title=TITLE, register=register, rows=rows, columns=COLUMNS, months=months,
        platforms=PLATFORMS, empty=empty_headers(register) if register else [],
        generated=when(config, register.generated_at) if register else "", source=REGISTER_FILE,
        csv=rel(urls.register_download("csv")), json=rel(urls.register_download("json")),
        xlsx=rel(urls.register_download("xlsx")), chart=rel(CHART),
        chart_width=chart_size(months)[0], chart_height=chart_size(months)[1])
    return files


def _newest_first(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda row: (row["activity_date"], row["item"]), reverse=True)


_ISO_COLUMNS = {"activity_date": "activity_date", "submitted_at": "submitted_at", "live_at": "live_at",
                "merged": "merged_at"}


def _cells(config: Config, row: dict[str, Any], flat: dict[str, str]) -> list[tuple[str, str, str | None]]:
    """``(header, text, ISO time or None)`` per column: the page wraps times in ``<time>`` (the sort key)."""
    def iso(key: str) -> str | None:
        value = row.get(_ISO_COLUMNS[key]) if key in _ISO_COLUMNS else None
        if not value or key == "activity_date":
            return value
        # One zone, so the script's text comparison sorts times correctly.
        return dt.datetime.fromisoformat(value).astimezone(config.tz).isoformat()

    return [(header, flat[key], iso(key)) for key, header in COLUMNS]


def downloads(config: Config) -> dict[str, Path]:
    """The binary download (XLSX), written into the cache: site path -> cached file, linked like a photo."""
    register = load(config)
    if register is None:
        return {}
    rows = [flatten(config, row) for row in _newest_first(register.rows)]
    # Keyed by what it shows (openpyxl stamps the time into every workbook): an unchanged register is not
    # written again, and the deployed file keeps its bytes.
    key = hashlib.sha256(json.dumps([COLUMNS, rows], ensure_ascii=False).encode()).hexdigest()[:16]
    folder = config.root / XLSX_CACHE
    path = folder / f"register-{key}.xlsx"
    if not path.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("register-*.xlsx"):
            old.unlink()
        partial = path.with_suffix(".part")
        partial.write_bytes(tables.write_xlsx(COLUMNS, rows))
        partial.replace(path)  # a killed build leaves no half-written workbook under the final name
    return {urls.register_download("xlsx"): path}


# --------------------------------------------------------------------------- provenance

def provenance(config: Config, item: Item) -> Provenance | None:
    """The provenance of ``item``'s article from the register, or None."""
    register = load(config)
    # By the item's stable id (the ledger's key), else by its folder (rows of items without an id).
    row = register.by_item.get(str(item.meta.get("id") or item.folder.name)) if register else None
    if row is None and register is not None:
        row = register.by_item.get(item.folder.name)
    if row is None:
        return None
    approvals = [review for review in row["reviews"] if review["state"] == "APPROVED"]
    names = list(dict.fromkeys(config.person(review["reviewer"]) for review in approvals))
    last = max(approvals, key=lambda review: dt.datetime.fromisoformat(review["at"]), default=None)
    parts = []
    if row.get("author"):
        parts.append(f"Diserahkan {config.person(row['author'])}, {when(config, row.get('submitted_at'))}".rstrip(", "))
    if last is not None:
        parts.append(f"Diperiksa oleh {_joined(names)} pada {when(config, last['at'])}")
    elif row["decision"] == "tanpa-pr":
        parts.append("Tanpa pemeriksaan (langsung ke cabang utama)")
    published = row.get("live_at") or row.get("merged_at")
    if published:
        parts.append(f"Terbit {when(config, published)}")
    last_reviewed = dt.datetime.fromisoformat(last["at"]).astimezone(config.tz).isoformat() if last else None
    return Provenance(tables.clean_text(" · ".join(parts)), [tables.clean_text(n) for n in names], last_reviewed)


def _joined(names: list[str]) -> str:
    """``A``, ``A dan B``, ``A, B dan C``: as Indonesian lists names."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} dan {names[-1]}"
