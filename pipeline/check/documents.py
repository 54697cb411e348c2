"""Rules for public documents and legal products, their PDFs included (issue 17).

Every problem of every document at once, each with its file, line, rule code
and an Indonesian fix, as for news items. The plain-text rules of news
front-matter (``text-control``, ``text-markup``, ``text-line-break``,
``title-length``) and the body's HTML and size rules (``safety``) are
reused, so a hostile title is refused the same way wherever it is written.
Each listed file is checked where it is named: a path that could leave the
folder, a file missing, of a type the site does not serve, too large, and for
a PDF everything ``pipeline.photos.pdf.inspect`` finds.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pipeline.check.narrative import body_findings
from pipeline.check.text import text_rules, title_rules
from pipeline.config import Config
from pipeline.content import schema, sop
from pipeline.content.documents import (
    INFORMASI_DIR,
    KIP,
    LEGAL_STATUSES,
    LEGAL_TYPES,
    RESERVED,
    SERTA_MERTA,
    SLUG,
    Attachment,
    Record,
    exists,
)
from pipeline.content.model import ERROR, WARNING, Document, Problem
from pipeline.content.scaffold import SUMMARY_PLACEHOLDER
from pipeline.photos import pdf

if TYPE_CHECKING:
    from pipeline.content.load import Content

INSPECT_CACHE = ".portal/cache/documents/inspect.json"
# key -> what the editor writes there (the fix of `document-required`)
INFORMASI_REQUIRED = {
    "title": "judul dokumen", "summary": "ringkasan isi (satu atau dua kalimat)",
    "kip": "kategori informasi: berkala, serta-merta atau setiap-saat", "owner": "pejabat/unit yang menguasai",
    "responsible": "penanggung jawab pembuatan atau penerbitan", "date": "tanggal pembuatan (YYYY-MM-DD)",
    "place": "tempat pembuatan", "form": "bentuk informasi: softcopy dan/atau hardcopy",
    "retention": "jangka waktu penyimpanan, misalnya `5 tahun`", "files": "daftar berkas (`- file: ...`)",
}
INFORMASI_KEYS = (*INFORMASI_REQUIRED, "until", "id")
JDIH_REQUIRED = {
    "type": f"jenis peraturan: {', '.join(LEGAL_TYPES)}", "number": "nomor peraturan, misalnya `\"3\"`",
    "year": "tahun, misalnya `2026`", "title": "judul (tanpa jenis dan nomor), misalnya `Pajak Daerah`",
    "enacted": "tanggal penetapan (YYYY-MM-DD)", "status": "status: berlaku atau tidak-berlaku",
    "subject": "subjek, misalnya `[APBD, keuangan daerah]`", "field": "bidang hukum, misalnya `Hukum Keuangan Negara`",
    "abstract": "abstrak (ringkasan isi)", "place": "tempat terbit, misalnya `Kabupaten Contoh`",
    "publisher": "penerbit, misalnya `Sekretariat Daerah Kabupaten Contoh`", "file": "berkas PDF peraturannya",
}
JDIH_KEYS = (*JDIH_REQUIRED, "promulgated", "source", "language", "abstract_file", "teu", "call_number", "id")
# Plain one-line texts the site, the DIP and the feed show, with their longest length.
TEXTS = {"summary": 300, "owner": sop.TEXT_MAX, "responsible": sop.TEXT_MAX, "place": sop.TEXT_MAX,
         "form": sop.TEXT_MAX, "retention": sop.TEXT_MAX, "number": 40, "field": sop.TEXT_MAX,
         "abstract": 2000, "source": sop.TEXT_MAX, "publisher": sop.TEXT_MAX, "language": 40, "teu": sop.TEXT_MAX,
         "call_number": 80}
FILE_TYPES = {".pdf": "PDF", ".xlsx": "XLSX", ".csv": "CSV"}
ENTRY_KEYS = ("file", "title")
# The Indonesian words editors reach for, for the "did you mean" of document-key-unknown.
_ALIASES = {"judul": "title", "ringkasan": "summary", "kategori": "kip", "jenis": "type", "tanggal": "date",
            "tempat": "place", "bentuk": "form", "penyimpanan": "retention", "berkas": "files", "file": "files",
            "sampai": "until", "nomor": "number", "tahun": "year", "abstrak": "abstract", "penerbit": "publisher",
            "bahasa": "language", "sumber": "source", "subjek": "subject", "bidang": "field",
            "penanggung_jawab": "responsible", "unit": "owner", "summary": "abstract", "date": "enacted"}


def check_documents(config: Config, content: Content, today: dt.date) -> list[Problem]:
    """Every problem of the documents in ``content`` (in its scope); the model is read, never changed."""
    documents = content.documents
    if not documents:
        return []
    memo = pdf.InspectionMemo(config.root / INSPECT_CACHE)
    problems: list[Problem] = []
    for record in documents.informasi:
        problems.extend(check_record(record, config, today, memo))
    for record in documents.jdih:
        problems.extend(check_record(record, config, today, memo))
    problems.extend(_duplicates(documents.informasi + documents.jdih))
    memo.save(partial=bool(content.scope.roots))
    return problems


def check_record(record: Record, config: Config, today: dt.date, inspect: Any = pdf.inspect) -> list[Problem]:
    """Every problem of one document or legal product; ``inspect`` judges a PDF (a memo of it in a check)."""
    problems = list(_slug_rules(record))
    doc = record.doc
    if doc is None:  # reading failed: load reported why
        return problems
    informasi = record.kind == INFORMASI_DIR
    problems.extend(_key_rules(record, doc, INFORMASI_KEYS if informasi else JDIH_KEYS,
                               INFORMASI_REQUIRED if informasi else JDIH_REQUIRED))
    problems.extend(_text_rules(record, doc))
    if informasi:
        problems.extend(_informasi_rules(record, doc, today))
        problems.extend(_entry_rules(record, doc))
    else:
        problems.extend(_jdih_rules(record, doc))
    for attachment in record.files:
        problems.extend(_file_rules(record, attachment, config, inspect, pdf_only=not informasi))
    problems.extend(_body_rules(record, doc, config))
    return problems


def _problem(record: Record, line: int, rule: str, message: str, severity: str = ERROR) -> Problem:
    return Problem(record.rel, line, rule, severity, message)


def _slug_rules(record: Record) -> Iterator[Problem]:
    if not SLUG.match(record.slug) or record.slug in RESERVED:
        reason = "nama itu dipakai halaman daftar" if record.slug in RESERVED else \
            "hanya huruf kecil, angka dan tanda hubung"
        yield _problem(record, 1, "document-slug",
                       f"Nama folder `{record.slug}` tidak bisa menjadi alamat halaman ({reason}). Ganti nama "
                       f"foldernya, misalnya content/{record.kind}/laporan-layanan-informasi-2025/.")


def _key_rules(record: Record, doc: Document, keys: tuple[str, ...], required: dict[str, str]) -> Iterator[Problem]:
    what = "dokumen informasi publik" if record.kind == INFORMASI_DIR else "produk hukum JDIH"
    for key in doc.meta:
        if key not in keys:
            alias = _ALIASES.get(str(key))
            hint = f" Maksudnya `{alias}`?" if alias in keys else ""
            yield _problem(record, doc.line_of(key), "document-key-unknown",
                           f"Kunci `{key}` tidak dikenal untuk {what}.{hint} Kunci yang dikenal: {', '.join(keys)}.")
    for key, fix in required.items():
        value = doc.meta.get(key)
        if value is None or (isinstance(value, str | list) and not value) or (isinstance(value, str)
                                                                                and not value.strip()):
            yield _problem(record, doc.line_of(key), "document-required",
                           f"`{key}` wajib diisi: {fix}. Tambahkan baris `{key}: ...` di front-matter.")
    declared = doc.meta.get("id")
    if declared is not None and not (isinstance(declared, str) and re.fullmatch(schema.ID_PATTERN, declared)):
        yield _problem(record, doc.line_of("id"), "id-format",
                       f"`id` `{declared}` tidak sah: pakai 6–64 huruf kecil, angka dan tanda hubung, misalnya "
                       f"`id: {sop.item_id(record.slug)}`. Id yang sudah terbit jangan diubah.")


def _text_rules(record: Record, doc: Document) -> Iterator[Problem]:
    title = doc.meta.get("title")
    if isinstance(title, str) and title.strip():
        yield from title_rules(record, doc, title)
    elif title is not None and not isinstance(title, str):
        yield _problem(record, doc.line_of("title"), "document-key-type", f"`title` harus teks biasa, bukan `{title}`.")
    for key, limit in TEXTS.items():
        value = doc.meta.get(key)
        if value is None:
            continue
        if key == "number" and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            yield _problem(record, doc.line_of(key), "document-key-type",
                           f"`{key}` harus teks biasa satu baris, bukan `{value}`.")
            continue
        yield from text_rules(record, doc, (key,), value, key)
        length = len(unicodedata.normalize("NFC", value.strip()))
        if length > limit:
            yield _problem(record, doc.line_of(key), "text-too-long",
                           f"`{key}` berisi {length} karakter; paling banyak {limit} karakter. Pendekkan "
                           f"{length - limit} karakter; uraian panjang ditulis di bawah front-matter.")


def _informasi_rules(record: Record, doc: Document, today: dt.date) -> Iterator[Problem]:
    if record.text("summary") == SUMMARY_PLACEHOLDER:
        yield _problem(record, doc.line_of("summary"), "document-template",
                       "`summary` masih berisi teks contoh dari `portal new`. Tulis ringkasan isi dokumen ini.")
    kip = doc.meta.get("kip")
    if isinstance(kip, str) and kip.strip() and kip.strip() not in KIP:
        if kip.strip().lower() == "dikecualikan":
            fix = ("Informasi yang dikecualikan tidak diterbitkan: cukup namanya di daftar informasi yang "
                   "dikecualikan (halaman PPID), bukan dokumennya. Hapus folder ini dari usulan.")
        else:
            fix = f"Pakai salah satu dari: {', '.join(KIP)}."
        yield _problem(record, doc.line_of("kip"), "document-kip", f"Kategori informasi `{kip}` tidak dikenal. {fix}")
    elif kip is not None and not isinstance(kip, str):
        yield _problem(record, doc.line_of("kip"), "document-kip",
                       f"Kategori informasi `{kip}` tidak dikenal. Pakai salah satu dari: {', '.join(KIP)}.")
    for key in ("date", "until"):
        value = doc.meta.get(key)
        if value not in (None, "") and record.day(key) is None:
            yield _problem(record, doc.line_of(key), "document-date",
                           f"`{key}` harus tanggal dalam bentuk YYYY-MM-DD, misalnya `2026-12-14`, bukan `{value}`.")
    made = record.day("date")
    if made and made > today:
        yield _problem(record, doc.line_of("date"), "document-date",
                       f"Tanggal pembuatan {made.isoformat()} belum tiba (hari ini {today.isoformat()}). Isi "
                       "`date` dengan tanggal dokumen dibuat atau ditetapkan.")
    until = record.day("until")
    serta_merta = isinstance(kip, str) and kip.strip() == SERTA_MERTA
    if serta_merta and "until" not in doc.meta:
        yield _problem(record, doc.line_of("kip"), "document-until",
                       "Informasi serta-merta tampil sebagai pengumuman di setiap halaman sampai tanggal `until`. "
                       "Tambahkan `until: YYYY-MM-DD` (hari terakhir pengumuman ditampilkan).")
    elif "until" in doc.meta and not serta_merta:
        yield _problem(record, doc.line_of("until"), "document-until",
                       "`until` hanya untuk informasi serta-merta (pengumuman di setiap halaman). Hapus baris "
                       "`until`, atau ubah `kip` menjadi `serta-merta`.")
    elif serta_merta and until and until < today:
        yield _problem(record, doc.line_of("until"), "document-until-past",
                       f"Pengumuman serta-merta berakhir {until.isoformat()} dan tidak lagi tampil di setiap halaman; "
                       "dokumennya tetap ada di daftar. Perpanjang `until` bila keadaannya masih berlangsung.",
                       WARNING)


def _entry_rules(record: Record, doc: Document) -> Iterator[Problem]:
    entries = doc.meta.get("files")
    if entries is None:
        return
    if not isinstance(entries, list):
        yield _problem(record, doc.line_of("files"), "document-files",
                       "`files` harus daftar berkas, setiap berkas diawali `- file: nama.pdf` dan baris "
                       "`title: ...` di bawahnya.")
        return
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        line = doc.line_of("files", index)
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str) or not entry["file"].strip():
            yield _problem(record, line, "document-files",
                           f"Berkas ke-{index + 1} di `files` harus berbentuk `- file: nama.pdf` dengan baris "
                           "`title: Judul berkas` di bawahnya.")
            continue
        for key in entry:
            if key not in ENTRY_KEYS:
                yield _problem(record, doc.line_of("files", index, key), "document-key-unknown",
                               f"Kunci `{key}` tidak dikenal untuk berkas di `files`. Kunci yang dikenal: file, title.")
        name = entry["file"].strip().lower()
        if name in seen:
            yield _problem(record, line, "document-files",
                           f"Berkas `{entry['file']}` tercantum dua kali di `files`. Hapus salah satunya.")
        seen.add(name)
        title = entry.get("title")
        if title is None or not isinstance(title, str) or not title.strip():
            yield _problem(record, doc.line_of("files", index, "title"), "document-required",
                           f"Berkas `{entry['file']}` tanpa `title`: tulis judul yang dibaca pengunjung di tautan "
                           "unduhnya, misalnya `title: Laporan Layanan Informasi 2025`.")
        else:
            yield from text_rules(record, doc, ("files", index, "title"), title, "title")


def _jdih_rules(record: Record, doc: Document) -> Iterator[Problem]:
    kind = doc.meta.get("type")
    if kind is not None and kind not in LEGAL_TYPES:
        yield _problem(record, doc.line_of("type"), "jdih-type",
                       f"Jenis peraturan `{kind}` tidak dikenal. Pakai salah satu dari: {', '.join(LEGAL_TYPES)}.")
    status = doc.meta.get("status")
    if status is not None and status not in LEGAL_STATUSES:
        yield _problem(record, doc.line_of("status"), "jdih-status",
                       f"Status `{status}` tidak dikenal. Pakai `berlaku` atau `tidak-berlaku`.")
    year = doc.meta.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int) or not 1945 <= year <= 2100):
        yield _problem(record, doc.line_of("year"), "jdih-year",
                       f"`year` harus tahun empat angka tanpa tanda kutip, misalnya `2026`, bukan `{year}`.")
    for key in ("enacted", "promulgated"):
        value = doc.meta.get(key)
        if value not in (None, "") and record.day(key) is None:
            yield _problem(record, doc.line_of(key), "document-date",
                           f"`{key}` harus tanggal dalam bentuk YYYY-MM-DD, misalnya `2026-12-01`, bukan `{value}`.")
    enacted, promulgated = record.day("enacted"), record.day("promulgated")
    if enacted and promulgated and promulgated < enacted:
        yield _problem(record, doc.line_of("promulgated"), "document-date",
                       f"Tanggal pengundangan {promulgated.isoformat()} mendahului tanggal penetapan "
                       f"{enacted.isoformat()}. Periksa `enacted` dan `promulgated`.")
    if enacted and isinstance(year, int) and not isinstance(year, bool) and enacted.year != year:
        yield _problem(record, doc.line_of("year"), "jdih-year",
                       f"`year` {year} berbeda dengan tahun penetapan {enacted.year}. Peraturan bernomor per tahun "
                       "penetapan: samakan `year` dengan tahun `enacted`.")
    subject = doc.meta.get("subject")
    if subject is not None and not (isinstance(subject, list) and subject
                                    and all(isinstance(s, str) and s.strip() for s in subject)):
        yield _problem(record, doc.line_of("subject"), "document-key-type",
                       "`subject` harus daftar kata kunci, misalnya `subject: [APBD, keuangan daerah]`.")
    elif isinstance(subject, list):
        for index, word in enumerate(subject):
            yield from text_rules(record, doc, ("subject", index), word, "subject")
    for key in ("file", "abstract_file"):
        value = doc.meta.get(key)
        if value is not None and not isinstance(value, str):
            yield _problem(record, doc.line_of(key), "document-files",
                           f"`{key}` harus nama berkas PDF di folder ini, misalnya `{key}: perda-3-2026.pdf`.")


def _file_rules(record: Record, attachment: Attachment, config: Config, inspect: Any,
                *, pdf_only: bool) -> Iterator[Problem]:
    from pipeline.content.load import unsafe_path  # load imports the documents model

    line, name = attachment.line, attachment.file
    why = unsafe_path(name) or ("menunjuk ke folder lain (`/`)" if "/" in name else None)
    if attachment.path is None or why:
        yield _problem(record, line, "document-file-path",
                       f"Berkas `{name}` {why or 'tidak sah'}: berkas dokumen harus berada di folder yang sama "
                       "dengan index.md. Salin berkasnya ke folder ini dan tulis namanya saja.")
        return
    extension = os.path.splitext(name)[1].lower()
    allowed = {".pdf": "PDF"} if pdf_only else FILE_TYPES
    if extension not in allowed:
        yield _problem(record, line, "document-file-type",
                       f"Berkas `{name}` berjenis `{extension or '(tanpa ekstensi)'}`; situs hanya menerbitkan "
                       f"{', '.join(allowed.values())}. Simpan ulang dokumennya sebagai PDF (data sebagai XLSX "
                       "atau CSV).")
        return
    if not exists(attachment.path):
        yield _problem(record, line, "document-file-missing",
                       f"Berkas `{name}` tidak ada di folder {record.folder.name}/. Unggah berkasnya ke folder itu "
                       "atau perbaiki namanya (huruf besar dan kecil dibedakan).")
        return
    size = attachment.path.stat().st_size
    if size > config.limits.document_bytes:
        yield _problem(record, line, "document-file-size",
                       f"Berkas `{name}` berukuran {_mb(size)}, melebihi batas {_mb(config.limits.document_bytes)}. "
                       "Kecilkan (pindai 150–200 dpi, ekspor PDF \"ukuran minimum\") atau pecah menjadi beberapa "
                       "berkas.")
        return
    if extension == ".pdf":
        for rule, severity, message in inspect(attachment.path).problems:
            yield _problem(record, line, rule, f"Berkas `{name}`: {message}", severity)
    else:
        yield from _data_rules(record, attachment, extension)


def _data_rules(record: Record, attachment: Attachment, extension: str) -> Iterator[Problem]:
    """An XLSX is a zip workbook, a CSV is UTF-8 text: anything else under those names is refused."""
    assert attachment.path is not None
    with attachment.path.open("rb") as handle:
        head = handle.read(4096)
    if extension == ".xlsx" and not head.startswith(b"PK\x03\x04"):
        yield _problem(record, attachment.line, "document-file-type",
                       f"Berkas `{attachment.file}` bukan buku kerja XLSX. Simpan ulang dari aplikasi lembar kerja "
                       "sebagai \"Excel Workbook (.xlsx)\".")
    elif extension == ".csv":
        try:
            text = attachment.path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if text is None or "\0" in text or text.lstrip().startswith("<"):
            yield _problem(record, attachment.line, "document-file-type",
                           f"Berkas `{attachment.file}` bukan teks CSV UTF-8. Simpan ulang sebagai \"CSV UTF-8 "
                           "(dipisah koma)\".")


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")


def _body_rules(record: Record, doc: Document, config: Config) -> Iterator[Problem]:
    for line, rule, message in body_findings(doc.body, config.limits, "Uraian dokumen berukuran {size}, melebihi "
                                             "batas {limit}. Tulis pengantar singkat saja; isinya ada di berkas "
                                             "yang ditautkan."):
        yield _problem(record, doc.body_line + line - 1, rule, message)


def _duplicates(records: list[Record]) -> Iterator[Problem]:
    seen: dict[str, Record] = {}
    for record in records:
        declared = record.meta.get("id")
        if not isinstance(declared, str) or not declared.strip():
            continue
        first = seen.setdefault(declared.strip(), record)
        if first is not record:
            assert record.doc is not None
            yield _problem(record, record.doc.line_of("id"), "document-id-duplicate",
                           f"`id` {declared} sudah dipakai oleh {first.rel}. Setiap dokumen butuh `id` sendiri: "
                           "hapus baris `id` atau ganti dengan id lain.")
