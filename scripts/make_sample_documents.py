#!/usr/bin/env python3
"""Generate the sample PDFs of the example public documents and legal products.

The example content in ``content/informasi`` and ``content/jdih`` lists PDFs
in its front-matter; the repository carries fictional ones drawn here, so
the pipeline is exercised with files that behave like what the secretariat
uploads: tagged PDFs (a structure tree, ``/MarkInfo``, a language) with
the author and the creator tool in their document information and XMP
metadata, which the site's copy must not carry.

Every file is the same bytes on every run (``deterministic_id``, no dates
from the clock). ``write_pdf`` is reused by the tests to make real PDFs.

Usage (from the repository root)::

    python scripts/make_sample_documents.py          # only missing files
    python scripts/make_sample_documents.py --force  # regenerate everything
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, String

ROOT = Path(__file__).resolve().parent.parent
A4 = (595, 842)


def _text(line: str) -> bytes:
    data = line.encode("cp1252", "replace")
    return data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def write_pdf(path: Path, title: str, lines: list[str], *, tagged: bool = True,
              author: str = "Staf Sekretariat DPRD", creator: str = "Microsoft Word 2019") -> Path:
    """A one-page A4 PDF at ``path``: ``title`` as heading, then ``lines``; tagged unless told otherwise."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica,
                                        Encoding=Name.WinAnsiEncoding))
    bold = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name("/Helvetica-Bold"),
                                        Encoding=Name.WinAnsiEncoding))
    parts = [b"/H1 <</MCID 0>> BDC BT /F2 16 Tf 56 770 Td (" + _text(title) + b") Tj ET EMC"]
    y = 740
    for index, line in enumerate(lines, start=1):
        parts.append(b"/P <</MCID %d>> BDC BT /F1 11 Tf 56 %d Td (" % (index, y) + _text(line) + b") Tj ET EMC")
        y -= 18
    pdf.add_blank_page(page_size=A4)
    page = pdf.pages[0]
    page.obj.Resources = Dictionary(Font=Dictionary(F1=font, F2=bold))
    page.obj.Contents = pdf.make_stream(b"\n".join(parts))
    if tagged:
        _tag(pdf, page.obj, len(lines))
    pdf.Root.Lang = String("id-ID")
    pdf.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:title"] = title
        meta["dc:creator"] = [author]
        meta["xmp:CreatorTool"] = creator
    pdf.docinfo["/Title"] = title
    pdf.docinfo["/Author"] = author
    pdf.docinfo["/Creator"] = creator
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.save(path, deterministic_id=True)
    return path


def _tag(pdf: pikepdf.Pdf, page: pikepdf.Dictionary, lines: int) -> None:
    """A structure tree: Document > H1 + one P per line, each pointing at its marked content."""
    root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    document = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=root))
    kids = []
    for mcid in range(lines + 1):
        kids.append(pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.H1 if mcid == 0 else Name.P,
                                                 P=document, Pg=page, K=mcid)))
    document.K = Array(kids)
    root.K = Array([document])
    root.ParentTree = pdf.make_indirect(Dictionary(Nums=Array([0, Array(kids)])))
    page.StructParents = 0
    pdf.Root.StructTreeRoot = root
    pdf.Root.MarkInfo = Dictionary(Marked=True)


# (path under content/, title, lines)
SAMPLES: list[tuple[str, str, list[str]]] = [
    ("informasi/laporan-layanan-informasi-2025/laporan-layanan-informasi-2025.pdf",
     "Laporan Layanan Informasi Publik Tahun 2025",
     ["Sekretariat DPRD Kabupaten Contoh (fiktif)", "Jumlah permohonan informasi: 42",
      "Dikabulkan seluruhnya: 35; sebagian: 4; ditolak: 3", "Rata-rata waktu layanan: 6 hari kerja"]),
    ("informasi/laporan-kinerja-2025/laporan-kinerja-2025.pdf",
     "Ringkasan Laporan Kinerja Sekretariat DPRD 2025",
     ["Capaian indikator kinerja utama: 92 persen", "Realisasi anggaran: 88 persen",
      "Dokumen contoh untuk demonstrasi portal."]),
    ("informasi/penutupan-gedung-banjir/pengumuman.pdf",
     "Pengumuman Penutupan Sementara Gedung DPRD",
     ["Gedung DPRD Kabupaten Contoh (fiktif) ditutup untuk umum sejak 19 November 2026 akibat banjir.",
      "Permohonan informasi dilayani melalui e-mail ppid@dprd.contoh.go.id dan telepon (0511) 000000."]),
    ("informasi/standar-layanan-ppid/standar-layanan.pdf",
     "Standar Layanan Informasi Publik",
     ["Maklumat pelayanan, prosedur permohonan dan keberatan, biaya dan waktu layanan.",
      "Dokumen contoh untuk demonstrasi portal."]),
    ("jdih/perda-2026-3-apbd-2027/perda-3-2026.pdf",
     "Peraturan Daerah Kabupaten Contoh Nomor 3 Tahun 2026",
     ["tentang Anggaran Pendapatan dan Belanja Daerah Tahun Anggaran 2027", "Dokumen fiktif untuk demonstrasi."]),
    ("jdih/perda-2026-3-apbd-2027/abstrak-perda-3-2026.pdf",
     "Abstrak Perda Kabupaten Contoh Nomor 3 Tahun 2026",
     ["APBD Tahun Anggaran 2027: pendapatan, belanja dan pembiayaan daerah.", "Dokumen fiktif."]),
    ("jdih/perda-2025-7-retribusi/perda-7-2025.pdf",
     "Peraturan Daerah Kabupaten Contoh Nomor 7 Tahun 2025",
     ["tentang Pajak Daerah dan Retribusi Daerah", "Dokumen fiktif untuk demonstrasi."]),
    ("jdih/perda-2025-7-retribusi/abstrak-perda-7-2025.pdf",
     "Abstrak Perda Kabupaten Contoh Nomor 7 Tahun 2025",
     ["Jenis pajak dan retribusi daerah, tarif dan tata cara pemungutan.", "Dokumen fiktif."]),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="regenerate existing files too")
    parser.add_argument("--content", type=Path, default=ROOT / "content", help="the content folder")
    args = parser.parse_args(argv)
    for name, title, lines in SAMPLES:
        path = args.content / name
        if path.exists() and not args.force:
            continue
        write_pdf(path, title, lines)
        print(f"wrote {path.relative_to(args.content)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
