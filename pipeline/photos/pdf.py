"""PDF inspection, cleaning and first-page thumbnails for public documents (issue 17).

A PDF from a scanner or a word processor carries more than its pages: the
author's name and the tool in its document information and XMP metadata, and
possibly active content (JavaScript, an action run on opening, a launched
program, embedded files). The site serves only a cleaned copy of a PDF that
``inspect`` found free of active content:

- ``inspect``: the file's problems, as (rule, severity, message) in Indonesian;
  nothing is decompressed beyond a budget (a decompression bomb is refused
  before anything renders it);
- ``clean``: the copy without document information, XMP metadata or piece
  info, written deterministically (same input, same bytes: a rebuild deploys
  nothing new);
- ``thumbnail``: the first page as a WebP (pypdfium2: PDFium, Chromium's renderer).

pikepdf (qpdf) does the parsing: a well-kept library, never our own parser.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pikepdf

from pipeline.photos.images import InspectMemo

ERROR, WARNING = "error", "warning"
MAGIC = b"%PDF-"
HEAD_BYTES = 1024  # the PDF header may follow a little junk (Acrobat accepts 1 KB of it)
# What the served copy never carries: document information, XMP, application private data.
_METADATA_KEYS = ("/Metadata", "/PieceInfo")
# Actions that run something: JavaScript, a program, a form sent or read, a remote or embedded document.
_ACTIVE = {"/JavaScript": "JavaScript", "/Launch": "menjalankan program (Launch)",
           "/SubmitForm": "mengirim formulir", "/ImportData": "mengimpor data",
           "/GoToE": "membuka dokumen sisipan", "/GoToR": "membuka dokumen lain",
           "/RichMediaExecute": "menjalankan media", "/Rendition": "memutar media"}
DECODED_MAX = 256 * 1024 * 1024  # bytes all streams may expand to: far beyond any real document
RATIO_MAX = 200  # a stream inflating 200x is a bomb (text compresses 3-10x, blank scans ~100x)
PIXELS_MAX = 100_000_000  # an image of more pixels is not a scan (A0 at 600 dpi is 65 Mpx)
RULES_VERSION = 2  # bumped whenever inspect() changes what it reports (InspectionMemo keys by it)
WALK_MAX = 200_000  # objects walked: a PDF of more is refused rather than inspected for minutes


@dataclass
class Inspection:
    """What ``inspect`` found: problems (rule, severity, message), the page count and whether it is tagged."""

    problems: list[tuple[str, str, str]] = field(default_factory=list)
    pages: int = 0
    tagged: bool = False

    @property
    def ok(self) -> bool:
        """No error: the file may be cleaned, served and rendered."""
        return not any(severity == ERROR for _, severity, _ in self.problems)


def is_pdf(head: bytes) -> bool:
    """``head`` (the first bytes of a file) starts a PDF, not an HTML page or an image named ``.pdf``."""
    return MAGIC in head[:HEAD_BYTES]


def inspect(path: Path) -> Inspection:
    """The problems of the PDF at ``path``: not a PDF, broken, encrypted, active content, a bomb, untagged."""
    found = Inspection()
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
        handle.seek(0, 2)
        size = handle.tell()
        handle.seek(max(0, size - HEAD_BYTES))
        tail = handle.read()
    if not is_pdf(head):
        found.problems.append(("pdf-not-pdf", ERROR, "Berkas ini bukan PDF (isinya tidak diawali `%PDF-`; mungkin "
                                                     "halaman HTML atau gambar yang diberi nama .pdf). Simpan ulang "
                                                     "dokumennya sebagai PDF dari aplikasi aslinya."))
        return found
    try:
        pdf = pikepdf.open(path)
    except pikepdf.PasswordError:
        found.problems.append(_encrypted())
        return found
    except pikepdf.PdfError as exc:
        found.problems.append(_broken(str(exc)))
        return found
    with pdf:
        if pdf.is_encrypted:
            found.problems.append(_encrypted())
            return found
        try:
            found.pages = len(pdf.pages)
            found.problems.extend(_active(pdf))
            found.problems.extend(_bombs(pdf, size))
        except (pikepdf.PdfError, RecursionError, ValueError) as exc:
            found.problems.append(_broken(str(exc)))
            return found
        if b"%%EOF" not in tail or pdf.get_warnings():
            found.problems.append(_broken("struktur berkas harus diperbaiki saat dibuka"))
        mark_info = pdf.Root.get("/MarkInfo")
        found.tagged = "/StructTreeRoot" in pdf.Root and isinstance(mark_info, pikepdf.Dictionary) \
            and bool(mark_info.get("/Marked", False))
    if not found.tagged and found.ok:
        found.problems.append(("pdf-untagged", WARNING,
                               "PDF ini tidak bertag (tanpa struktur dokumen): pembaca layar tidak dapat membacakannya "
                               "dengan urutan yang benar. Ekspor ulang dari pengolah kata dengan pilihan \"PDF bertag\" "
                               "/ \"Tagged PDF\" (LibreOffice: Ekspor sebagai PDF > Umum > PDF bertag)."))
    return found


def _encrypted() -> tuple[str, str, str]:
    return ("pdf-encrypted", ERROR, "PDF ini terenkripsi atau berkata sandi: pengunjung tidak dapat membukanya atau "
                                    "mencetaknya dengan leluasa. Simpan ulang tanpa kata sandi dan tanpa pembatasan.")


def _broken(detail: str) -> tuple[str, str, str]:
    return ("pdf-broken", ERROR, f"PDF ini rusak atau terpotong ({detail[:120]}). Ekspor ulang dokumennya ke PDF "
                                 "dari aplikasi aslinya, lalu ganti berkasnya.")


def _active(pdf: pikepdf.Pdf) -> Iterator[tuple[str, str, str]]:
    """Active content anywhere in the document: one problem per kind."""
    root = pdf.Root
    kinds: dict[str, str] = {}
    if "/OpenAction" in root or "/AA" in root:
        kinds["pdf-open-action"] = "tindakan otomatis saat dibuka (OpenAction)"
    names = root.get("/Names")
    if isinstance(names, pikepdf.Dictionary):
        if "/JavaScript" in names:
            kinds["pdf-javascript"] = "JavaScript"
        if "/EmbeddedFiles" in names:
            kinds["pdf-embedded-file"] = "berkas sisipan"
    acro = root.get("/AcroForm")
    if isinstance(acro, pikepdf.Dictionary) and "/XFA" in acro:
        kinds["pdf-javascript"] = "formulir XFA (dapat berisi skrip)"
    for obj in _walk(pdf):
        if "/JS" in obj:
            kinds.setdefault("pdf-javascript", "JavaScript")
        action = obj.get("/S")
        if isinstance(action, pikepdf.Name) and str(action) in _ACTIVE:
            rule = "pdf-launch" if str(action) == "/Launch" else "pdf-javascript" if str(action) == "/JavaScript" \
                else "pdf-action"
            kinds.setdefault(rule, _ACTIVE[str(action)])
        kind = obj.get("/Type")
        subtype = obj.get("/Subtype")
        if (isinstance(kind, pikepdf.Name) and str(kind) in ("/EmbeddedFile", "/Filespec") and "/EF" in obj) \
                or (isinstance(kind, pikepdf.Name) and str(kind) == "/EmbeddedFile") \
                or (isinstance(subtype, pikepdf.Name) and str(subtype) == "/FileAttachment"):
            kinds.setdefault("pdf-embedded-file", "berkas sisipan")
    for rule, what in sorted(kinds.items()):
        yield (rule, ERROR, f"PDF ini berisi {what}: isi aktif yang dapat menjalankan sesuatu di komputer pengunjung "
                            "tidak boleh diterbitkan. Cetak ulang ke PDF (\"Microsoft Print to PDF\" atau ekspor "
                            "dari pengolah kata) agar hanya halamannya yang tersisa, lalu ganti berkasnya.")


def _walk(pdf: pikepdf.Pdf) -> Iterator[Any]:
    """Every dictionary (a stream's included) of the document, each once, direct ones inside others too."""
    seen: set[tuple[int, int]] = set()
    stack: list[Any] = list(pdf.objects)
    count = 0
    while stack:
        obj = stack.pop()
        count += 1
        if count > WALK_MAX:
            raise ValueError(f"lebih dari {WALK_MAX} objek")
        if obj.is_indirect:
            key = obj.objgen
            if key in seen:
                continue
            seen.add(key)
        if isinstance(obj, pikepdf.Stream):
            obj = obj.stream_dict
        if isinstance(obj, pikepdf.Dictionary):
            yield obj
            stack.extend(value for value in obj.values() if isinstance(value, pikepdf.Dictionary | pikepdf.Array)
                         and not value.is_indirect)
        elif isinstance(obj, pikepdf.Array):
            stack.extend(value for value in obj if isinstance(value, pikepdf.Dictionary | pikepdf.Array)
                         and not value.is_indirect)


def _bombs(pdf: pikepdf.Pdf, size: int) -> Iterator[tuple[str, str, str]]:
    """A stream that inflates far beyond its size, or an image too large to be a scan."""
    budget = DECODED_MAX
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Stream):
            continue
        width, height = obj.get("/Width"), obj.get("/Height")
        if isinstance(width, int) and isinstance(height, int) and int(width) * int(height) > PIXELS_MAX:
            yield _bomb(f"gambar {int(width)} x {int(height)} piksel")
            return
        filters = obj.get("/Filter")
        if isinstance(filters, pikepdf.Array) and len(filters) == 1:  # [/FlateDecode] is /FlateDecode
            filters = filters[0]
        if filters != pikepdf.Name.FlateDecode:
            continue  # images are bounded by PIXELS_MAX; chains of filters are left to qpdf and PDFium
        raw = obj.read_raw_bytes()
        cap = min(budget, max(len(raw) * RATIO_MAX, 1024 * 1024))
        inflater = zlib.decompressobj()
        try:
            out = len(inflater.decompress(raw, cap + 1))
        except zlib.error:
            continue  # qpdf reports a broken stream itself
        if out > cap:
            yield _bomb(f"aliran data yang mengembang lebih dari {cap // (1024 * 1024)} MB")
            return
        budget -= out


def _bomb(what: str) -> tuple[str, str, str]:
    return ("pdf-bomb", ERROR, f"PDF ini berisi {what}: bentuk \"bom dekompresi\" yang menghabiskan memori pembacanya. "
                               "Ekspor ulang dokumennya ke PDF dengan resolusi pindai wajar (150–300 dpi).")


def clean(source: Path, target: Path) -> None:
    """Write ``source`` to ``target`` without document information, XMP metadata or piece info."""
    with pikepdf.open(source) as pdf:
        for key in _METADATA_KEYS:
            if key in pdf.Root:
                del pdf.Root[key]
        for page in pdf.pages:
            for key in _METADATA_KEYS:
                if key in page.obj:
                    del page.obj[key]
        if "/Info" in pdf.trailer:
            del pdf.trailer["/Info"]
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(target.name + ".tmp")
        pdf.save(temporary, deterministic_id=True, fix_metadata_version=False,
                 object_stream_mode=pikepdf.ObjectStreamMode.preserve)
        temporary.replace(target)


def thumbnail(source: Path, target: Path, width: int = 320) -> tuple[int, int]:
    """The first page of ``source`` as a WebP ``width`` pixels wide at ``target``; its (width, height)."""
    import pypdfium2  # type: ignore[import-untyped]  # no stubs; imported here: only a build renders

    document = pypdfium2.PdfDocument(source)
    try:
        page = document[0]
        scale = width / page.get_width()
        image = page.render(scale=scale).to_pil().convert("RGB")
        page.close()
    finally:
        document.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(target.name + ".tmp")
    image.save(temporary, "WEBP", quality=80, method=4)
    temporary.replace(target)
    return image.size


class InspectionMemo(InspectMemo):
    """``inspect`` remembered by the file's content hash, name and pikepdf's version, as photos are.

    An unchanged document is never opened again: 500 documents cost one stat each on a warm check.
    The layout, the loading and the saving are the photos' memo's; only what is remembered differs.
    """

    VERSION = 1
    # The rules' own version is in the key too: a changed inspect() judges every file again.
    DECODERS = f"pikepdf {pikepdf.__version__}, rules {RULES_VERSION}"

    def __call__(self, path: Path) -> Inspection:  # type: ignore[override]
        key = self.key(self.hashes(path), path.name)
        known = self.results.get(key)
        if known is not None:
            found = Inspection([(str(r), str(s), str(m)) for r, s, m in known[0]], int(known[1]), bool(known[2]))
        else:
            found = inspect(path)
        self.used_results[key] = [[list(p) for p in found.problems], found.pages, found.tagged]
        return found
