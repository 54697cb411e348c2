"""The public documents' pages, the Daftar Informasi Publik, the JDIH pages and ``document.json`` (issue 17).

- ``informasi/``: the three KIP categories, the DIP, the JDIH; ``informasi/kategori/<kip>/``: the
  documents of one category with their first-page thumbnails; ``informasi/<slug>/``: one document
  (summary, the DIP facts, downloads with type and size).
- ``informasi/dip/``: the Daftar Informasi Publik in its common 9 columns, every document and every
  published news item (berkala, "kegiatan DPRD", with ``extra.portal.dip_defaults``), filterable by
  ``register.js`` (progressive: without it the whole table shows), printable, with CSV and XLSX
  downloads (``pipeline.tables``: a cell is never a formula).
- ``jdih/``: legal products by type and year (filterable table), ``jdih/<slug>/`` each, and
  ``jdih/integrasi/document.json``: the feed JDIHN harvests, in its field layout.

The site serves a cleaned copy of each PDF (no document information, no XMP:
``pipeline.photos.pdf.clean``) and a WebP of its first page, both made once
into ``.portal/cache/documents/`` (keyed by the source's content hash) and
linked into the site, as photo variants are; a CSV is served with every cell
inert (a formula start is prefixed with ``'``, as the DIP downloads are), an
XLSX as it is.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from pipeline import tables
from pipeline.check.documents import INSPECT_CACHE
from pipeline.config import Config
from pipeline.content import urls
from pipeline.content.documents import (
    INFORMASI_DIR,
    KIP,
    LEGAL_STATUSES,
    LEGAL_TYPES,
    SERTA_MERTA,
    Attachment,
    Record,
    exists,
)
from pipeline.photos import pdf
from pipeline.photos.images import ContentHashes
from pipeline.site import templating
from pipeline.site.entries import format_date

if TYPE_CHECKING:
    from pipeline.content.load import Content

CACHE_DIR = ".portal/cache/documents"
THUMB_WIDTH = 320
CLEANER = "1"  # bumped when clean() or thumbnail() change what they write: the cache is made again
MEDIA = {".pdf": "PDF", ".xlsx": "XLSX (lembar kerja)", ".csv": "CSV (data)"}
NEWS_MEDIA = "Halaman situs (HTML) dan foto"
DIP_COLUMNS = [
    ("no", "No"), ("title", "Judul informasi"), ("summary", "Ringkasan isi informasi"),
    ("owner", "Pejabat/unit yang menguasai informasi"), ("responsible", "Penanggung jawab pembuatan/penerbitan"),
    ("made", "Waktu dan tempat pembuatan"), ("form", "Bentuk informasi"),
    ("retention", "Jangka waktu penyimpanan"), ("media", "Jenis media"),
]
"""The Daftar Informasi Publik's 9 columns (Perki 1/2021), in its order."""
DIP_EXTRA = [("kip", "Kategori informasi"), ("url", "Alamat")]  # the downloads also say which and where


@dataclass
class Served:
    """One file as the site serves it: its link text, site path, cached file, type and size."""

    title: str
    url: str
    path: Path
    media: str
    size_text: str
    role: str = "file"


@dataclass
class Shown:
    """A document or legal product as its pages show it."""

    record: Record
    title: str
    url: str
    files: list[Served] = field(default_factory=list)
    thumb: Served | None = None
    thumb_size: tuple[int, int] = (0, 0)


def render(config: Config, content: Content) -> tuple[dict[str, str], dict[str, Path]]:
    """Staged pages and text files (site path -> text) and the binary files they link (site path -> file).

    The binaries (cleaned PDFs, thumbnails, XLSX) are made into a cache under ``.portal/cache/``
    and linked into the site, as photo variants are.
    """
    documents = content.documents
    if not documents and not content.items:
        return {}, {}
    cache = config.root / CACHE_DIR
    hashes = known_hashes(config)
    informasi = [_shown(record, cache, hashes) for record in documents.informasi if record.doc is not None]
    legal = [_shown(record, cache, hashes) for record in documents.jdih if record.doc is not None]
    files: dict[str, str] = {}
    links: dict[str, Path] = {}
    for shown in informasi + legal:
        for served in [*shown.files, *([shown.thumb] if shown.thumb else [])]:
            links[served.url] = served.path
    rows = dip_rows(config, content, informasi)
    files[urls.index_source(urls.INFORMASI)] = render_index(config, informasi, legal, notices(config, content))
    for kip in KIP:
        files[urls.index_source(urls.kip(kip))] = render_category(config, kip, informasi)
    for shown in informasi:
        files[urls.index_source(shown.url)] = render_document(config, shown)
    files[urls.index_source(urls.DIP)] = render_dip(config, rows)
    files[urls.dip_download("csv")] = tables.write_csv(DIP_COLUMNS + DIP_EXTRA, rows)
    links[urls.dip_download("xlsx")] = _cached_xlsx(cache, rows)
    if legal:
        files.update(render_jdih(config, legal))
    prune(cache, set(links.values()))
    return files, links


def prune(cache: Path, used: set[Path]) -> None:
    """Delete the cached copies, thumbnails and DIP workbooks no page uses any more (a replaced PDF's)."""
    kept = {path.with_suffix(".json") for path in used if path.suffix == ".webp"} | used
    for path in [*cache.glob(f"*-{CLEANER}*"), *(cache / "dip").glob("*.xlsx")]:
        if path not in kept:
            path.unlink(missing_ok=True)


def _shown(record: Record, cache: Path, hashes: ContentHashes) -> Shown:
    informasi = record.kind == INFORMASI_DIR
    title = record.text("title") if informasi else legal_title(record)
    shown = Shown(record=record, title=title, url=record.url)
    for attachment in record.files:
        served = _serve(record, attachment, cache, hashes)
        if served is None:
            continue
        shown.files.append(served)
        if informasi and shown.thumb is None and served.path.suffix == ".pdf":  # the lists show it
            shown.thumb, shown.thumb_size = _thumbnail(record, served, cache)
    return shown


def _serve(record: Record, attachment: Attachment, cache: Path, hashes: ContentHashes) -> Served | None:
    """The served copy of ``attachment``: a cleaned PDF from the cache, a data file as it is; None if absent."""
    source = attachment.path
    if source is None or not exists(source):
        return None  # the check refused it: only `portal serve` stages content with errors
    extension = source.suffix.lower()
    if extension not in MEDIA:
        return None
    served_path = source
    if extension == ".csv":  # a cell a spreadsheet would run as a formula is served as text
        served_path = cache / f"{hashes(source)[:32]}-{CLEANER}.csv"
        if not served_path.is_file():
            try:
                inert_csv(source, served_path)
            except (UnicodeDecodeError, csv.Error):
                return None
    if extension == ".pdf":
        served_path = cache / f"{hashes(source)[:32]}-{CLEANER}.pdf"
        if not served_path.is_file():
            try:
                if not pdf.inspect(source).ok:
                    return None
                pdf.clean(source, served_path)
            except Exception:  # a file the check refused (portal serve): never served
                return None
    title = attachment.title or (
        "Abstrak" if attachment.role == "abstrak" else "Naskah peraturan" if attachment.role == "naskah"
        else attachment.file)
    return Served(title=title, url=urls.document_file(record.url, attachment.file), path=served_path,
                  media=MEDIA[extension], size_text=size_text(served_path.stat().st_size), role=attachment.role)


def inert_csv(source: Path, target: Path) -> None:
    """``source`` (UTF-8 CSV) rewritten with every cell quoted and inert (``tables.inert_cell``)."""
    rows = csv.reader(io.StringIO(source.read_text(encoding="utf-8-sig")))
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerows([tables.inert_cell(cell) for cell in row] for row in rows)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(target.name + ".tmp")
    temporary.write_text(out.getvalue(), encoding="utf-8")
    temporary.replace(target)


def _thumbnail(record: Record, served: Served, cache: Path) -> tuple[Served | None, tuple[int, int]]:
    """The first page of ``served`` (a cleaned PDF) as a WebP, made once into the cache."""
    target = served.path.with_name(served.path.stem + f"-thumb{THUMB_WIDTH}.webp")
    size_file = target.with_suffix(".json")
    try:
        if not target.is_file() or not size_file.is_file():
            size = pdf.thumbnail(served.path, target, THUMB_WIDTH)
            size_file.write_text(json.dumps(list(size)), encoding="utf-8")
        width, height = json.loads(size_file.read_text(encoding="utf-8"))
    except Exception:  # PDFium could not render it: the list shows no picture
        return None, (0, 0)
    name = os.path.splitext(os.path.basename(served.url))[0] + "-halaman-1.webp"
    return (Served(title="", url=urls.document_file(record.url, name), path=target, media="WebP", size_text=""),
            (int(width), int(height)))


def known_hashes(config: Config) -> ContentHashes:
    """The content hashes the check remembered (by size and mtime): a rebuild reads no unchanged PDF again.

    ``portal build`` checks first, and the check's PDF memo (``InspectionMemo``)
    saved every document file's stat and hash; a file changed since is hashed anew.
    """
    return pdf.InspectionMemo(config.root / INSPECT_CACHE).hashes


def _cached_xlsx(cache: Path, rows: list[dict[str, str]]) -> Path:
    """The DIP as XLSX in the cache, keyed by its rows: made only when a row changed.

    openpyxl takes a third of a second for 1,500 rows, on every build; the
    key holds the rows, the columns and the writer's code (``tables.py``), so
    the same key always means the same bytes. ``prune`` removes older ones.
    """
    writer = Path(tables.__file__).read_bytes()
    key = hashlib.sha256(json.dumps([DIP_COLUMNS + DIP_EXTRA, rows], ensure_ascii=False).encode() + writer)
    path = cache / "dip" / f"{key.hexdigest()[:32]}.xlsx"
    if not path.is_file():
        data = tables.write_xlsx(DIP_COLUMNS + DIP_EXTRA, rows)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_bytes(data)
        temporary.replace(path)
    return path


def size_text(size: int) -> str:
    """A file size as a reader sees it, Indonesian decimals: ``812 KB``, ``1,4 MB``."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")


def legal_title(record: Record) -> str:
    """The full title of a legal product: ``Peraturan Daerah Kabupaten Contoh Nomor 3 Tahun 2026 tentang ...``."""
    name = LEGAL_TYPES.get(record.text("type"), (record.text("type"), ""))[0]
    issuer = f"{name} {record.text('place')}".strip()
    return f"{issuer} Nomor {record.text('number')} Tahun {record.text('year')} tentang {record.text('title')}"


def _made(record: Record) -> str:
    day = record.day("date")
    return ", ".join(part for part in (record.text("place"), format_date(day) if day else "") if part)


def dip_rows(config: Config, content: Content, informasi: list[Shown]) -> list[dict[str, str]]:
    """The DIP: every document (by category, newest first), then every published news item (newest first)."""
    rows: list[dict[str, Any]] = []
    order = list(KIP)
    for shown in sorted(informasi, key=lambda s: (order.index(s.record.text("kip")) if s.record.text("kip") in order
                                                  else len(order), -(s.record.day("date") or dt.date.min).toordinal(),
                                                  s.record.slug)):
        record = shown.record
        media = sorted({served.media.split(" ")[0] for served in shown.files})
        rows.append({"title": shown.title, "summary": record.text("summary"), "owner": record.text("owner"),
                     "responsible": record.text("responsible"), "made": _made(record), "form": record.text("form"),
                     "retention": record.text("retention"), "media": ", ".join(media) or "-",
                     "kip": KIP.get(record.text("kip"), record.text("kip")), "url": urls.absolute(config, shown.url),
                     "page": shown.url})
    defaults = config.dip_defaults
    items = sorted((i for i in content.items if i.listed),
                   key=lambda i: (i.date, i.slug), reverse=True)
    for item in items:
        assert item.date is not None
        place = str(item.meta.get("location") or defaults.get("place", "")).strip()
        rows.append({"title": item.title, "summary": str(item.meta.get("caption") or "").strip(),
                     "owner": defaults.get("owner", config.site_name), "responsible": defaults.get("responsible", ""),
                     "made": ", ".join(p for p in (place, format_date(item.date)) if p),
                     "form": defaults.get("form", "softcopy"), "retention": defaults.get("retention", ""),
                     "media": NEWS_MEDIA, "kip": f"{KIP['berkala']} (kegiatan DPRD)",
                     "url": urls.absolute(config, item.url), "page": item.url})
    for number, row in enumerate(rows, start=1):
        row["no"] = str(number)
    return rows


def notices(config: Config, content: Content) -> list[dict[str, str]]:
    """The serta-merta documents whose ``until`` has not passed (site's today): what every page announces."""
    today = config.today()
    out = []
    for record in content.documents.informasi:
        until = record.day("until")
        if record.doc is not None and record.text("kip") == SERTA_MERTA and until and until >= today:
            out.append({"title": record.text("title"), "url": record.url, "until": until.isoformat()})
    return out


def _teasers(shown: list[Shown]) -> list[Shown]:
    return sorted(shown, key=lambda s: (-(s.record.day("date") or dt.date.min).toordinal(), s.record.slug))


def render_index(config: Config, informasi: list[Shown], legal: list[Shown],
                 current: list[dict[str, str]] | None = None) -> str:
    """``informasi/``: the categories with their counts, the DIP, the JDIH, the newest documents.

    The ``current`` serta-merta notices are listed on it too (every page announces them:
    ``sections.notices``, the ``announce`` block of ``overrides/main.html``).
    """
    counts = {kip: sum(1 for s in informasi if s.record.text("kip") == kip) for kip in KIP}
    head = templating.front_matter(title="Informasi Publik", description=f"Informasi publik {config.site_name}: "
                               "informasi berkala, serta merta, setiap saat, Daftar Informasi Publik dan JDIH")
    return templating.env.get_template("document_index.md").render(
        front_matter=head, categories=[(KIP[k], urls.kip(k), counts[k]) for k in KIP], dip=urls.DIP,
        jdih=urls.JDIH if legal else None, legal_count=len(legal),
        latest=_teasers(informasi)[:5], format_date=format_date, **templating.helpers(urls.INFORMASI))


def render_category(config: Config, kip: str, informasi: list[Shown]) -> str:
    """``informasi/kategori/<kip>/``: the documents of one KIP category, newest first, with thumbnails."""
    label = KIP[kip]
    chosen = _teasers([s for s in informasi if s.record.text("kip") == kip])
    head = templating.front_matter(title=label, description=f"{label} {config.site_name}", search={"exclude": True})
    return templating.env.get_template("document_list.md").render(
        front_matter=head, heading=label, documents=chosen, index=urls.INFORMASI, dip=urls.DIP,
        format_date=format_date, **templating.helpers(urls.kip(kip)))


def render_document(config: Config, shown: Shown) -> str:
    """One document's page: summary, the DIP facts, downloads (type and size), its first page, its text."""
    record = shown.record
    assert record.doc is not None
    kip = record.text("kip")
    day = record.day("date")
    head = templating.front_matter(title=shown.title, description=record.text("summary"),
                               **({"lastmod": day.isoformat()} if day else {}))
    until = record.day("until")
    return templating.env.get_template("document.md").render(
        front_matter=head, title_md=Markup(templating.md_text(shown.title)), shown=shown, record=record,
        kip_label=KIP.get(kip, kip), kip_url=urls.kip(kip) if kip in KIP else urls.INFORMASI, made=_made(record),
        until_text=format_date(until) if until and kip == SERTA_MERTA else "",
        body=Markup(record.doc.body.strip()), dip=urls.DIP, **templating.helpers(shown.url))


def render_dip(config: Config, rows: list[dict[str, str]]) -> str:
    """``informasi/dip/``: the 9-column table, its downloads and a printed-on line."""
    head = templating.front_matter(title="Daftar Informasi Publik", description=f"Daftar Informasi Publik (DIP) "
                               f"{config.site_name}", search={"exclude": True})
    return templating.env.get_template("dip.md").render(
        front_matter=head, columns=DIP_COLUMNS, rows=rows, csv=urls.dip_download("csv"),
        xlsx=urls.dip_download("xlsx"), name=config.site_name, today=format_date(config.today()),
        **templating.helpers(urls.DIP))


def render_jdih(config: Config, legal: list[Shown]) -> dict[str, str]:
    """``jdih/`` (by type and year), ``jdih/jenis/<type>/``, ``jdih/<slug>/`` and ``document.json``."""
    ordered = sorted(legal, key=lambda s: (s.record.text("type"), -_int(s.record.meta.get("year")),
                                           -_int(s.record.meta.get("number")), s.record.slug))
    files = {urls.index_source(urls.JDIH): _jdih_list(config, urls.JDIH, "Produk Hukum (JDIH)", ordered)}
    for kind, (label, _) in LEGAL_TYPES.items():
        chosen = [s for s in ordered if s.record.text("type") == kind]
        if chosen:
            files[urls.index_source(urls.legal_type(kind))] = _jdih_list(config, urls.legal_type(kind), label, chosen)
    for shown in ordered:
        files[urls.index_source(shown.url)] = render_legal(config, shown)
    files[urls.JDIH_FEED] = feed(config, ordered)
    return files


def _subject(record: Record) -> list[str]:
    value = record.meta.get("subject")
    return [str(word).strip() for word in value] if isinstance(value, list) else []


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _jdih_list(config: Config, url: str, heading: str, legal: list[Shown]) -> str:
    head = templating.front_matter(title=heading, description=f"{heading} {config.site_name}", search={"exclude": True})
    types = [(label, urls.legal_type(kind)) for kind, (label, _) in LEGAL_TYPES.items()
             if any(s.record.text("type") == kind for s in legal)] if url == urls.JDIH else []
    return templating.env.get_template("jdih_list.md").render(
        front_matter=head, heading=heading, legal=legal, types=types, labels=LEGAL_TYPES,
        statuses=LEGAL_STATUSES, feed=urls.JDIH_FEED, **templating.helpers(url))


def render_legal(config: Config, shown: Shown) -> str:
    """One legal product's page: its JDIH facts, abstract, the text and abstract PDFs."""
    record = shown.record
    assert record.doc is not None
    head = templating.front_matter(title=shown.title, description=record.text("abstract")[:300])
    enacted, promulgated = record.day("enacted"), record.day("promulgated")
    subject = _subject(record)
    return templating.env.get_template("jdih.md").render(
        front_matter=head, title_md=Markup(templating.md_text(shown.title)), shown=shown, record=record,
        type_label=LEGAL_TYPES.get(record.text("type"), (record.text("type"), ""))[0],
        type_url=urls.legal_type(record.text("type")), status=LEGAL_STATUSES.get(record.text("status"), ""),
        enacted=format_date(enacted) if enacted else "", promulgated=format_date(promulgated) if promulgated else "",
        subject=", ".join(subject), body=Markup(record.doc.body.strip()),
        index=urls.JDIH, **templating.helpers(shown.url))


def feed(config: Config, legal: list[Shown]) -> str:
    """``document.json``: every legal product in JDIHN's field layout (one JSON array, UTF-8).

    JDIHN's harvester reads each member's feed at a fixed address; the values are
    strings, dates ``YYYY-MM-DD``, ``operasi`` ``4`` (insert or update) and
    ``display`` ``1``; ``last_updated`` is the newest of enacted and promulgated
    (no clock: the same content writes the same bytes).
    """
    out = []
    for shown in legal:
        record = shown.record
        kind = record.text("type")
        label, short = LEGAL_TYPES.get(kind, (kind, kind.upper()))
        main = next((s for s in shown.files if s.role == "naskah"), None)
        abstract = next((s for s in shown.files if s.role == "abstrak"), None)
        enacted, promulgated = record.day("enacted"), record.day("promulgated")
        subject = _subject(record)
        number, year = record.text("number"), record.text("year")
        out.append({
            "idData": record.text("id") or record.slug,
            "tahun_pengundangan": str(promulgated.year) if promulgated else year,
            "tanggal_penetapan": enacted.isoformat() if enacted else "",
            "tanggal_pengundangan": promulgated.isoformat() if promulgated else "",
            "jenis": label,
            "noPeraturan": number,
            "judul": shown.title,
            "noPanggil": record.text("call_number") or "-",
            "singkatanJenis": short,
            "tempatTerbit": record.text("place"),
            "penerbit": record.text("publisher"),
            "deskripsiFisik": "-",
            "sumber": record.text("source") or "-",
            "subjek": ", ".join(word.upper() for word in subject),
            "isbn": "-",
            "status": LEGAL_STATUSES.get(record.text("status"), ""),
            "bahasa": record.text("language") or "Indonesia",
            "bidangHukum": record.text("field"),
            "teuBadan": record.text("teu") or record.text("place"),
            "nomorIndukBuku": "-",
            "abstrak": record.text("abstract"),
            "urlAbstrak": urls.absolute(config, abstract.url) if abstract else "",
            "urlDetailPeraturan": urls.absolute(config, shown.url),
            "fileDownload": os.path.basename(main.url) if main else "",
            "urlDownload": urls.absolute(config, main.url) if main else "",
            "operasi": "4",
            "display": "1",
            "last_updated": max(d for d in (enacted, promulgated, dt.date.min) if d).isoformat()
            if (enacted or promulgated) else "",
        })
    return json.dumps(out, ensure_ascii=False, indent=2) + "\n"
