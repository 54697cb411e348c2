"""Tables written for people and spreadsheets: CSV, XLSX and Markdown from the same columns and rows.

The register (issue 13) is downloaded and opened in a spreadsheet by
people who never wrote its texts: PR titles, review texts and logins are
hostile. A spreadsheet runs a cell that starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return as a formula (``=HYPERLINK(...)``), so
every writer here keeps text as text:

- CSV: every cell quoted, and such a cell prefixed with ``'`` (OWASP,
  "CSV Injection": https://owasp.org/www-community/attacks/CSV_Injection);
- XLSX: every cell a string cell (``data_type`` ``s``), never a formula,
  with the same prefix, so a copy into another sheet stays inert;
- every format: bidi controls (which reorder what a reader sees, e.g. a
  file name ``gnp.exe`` shown as ``exe.png``) replaced by a visible mark.

``columns`` is a list of ``(key, header)`` pairs (the header in Indonesian);
``rows`` are mappings from those keys to text. Foundation layer: no stage
imports, so the CLI, the site and later exports share it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence

Columns = Sequence[tuple[str, str]]
Rows = Iterable[Mapping[str, object]]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# LRE, RLE, PDF, LRO, RLO (U+202A–U+202E), LRI, RLI, FSI, PDI (U+2066–U+2069),
# LRM, RLM (U+200E, U+200F) and ALM (U+061C): each becomes U+FFFD, visible.
BIDI = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C], "\ufffd")
_BIDI_FOUND = re.compile("[" + "".join(map(chr, BIDI)) + "]")
SHEET_TITLE = "Register"


def clean_text(value: object) -> str:
    """``value`` as text with its bidi controls neutralised (``None`` is empty)."""
    text = "" if value is None else str(value)
    # str.translate with a dict looks up every character: search first (5,000 rows, 20 cells each).
    return text.translate(BIDI) if _BIDI_FOUND.search(text) else text


def inert_cell(value: object) -> str:
    """A cell a spreadsheet shows as text: bidi neutralised, a formula start prefixed with ``'``."""
    text = clean_text(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def write_csv(columns: Columns, rows: Rows) -> str:
    """The rows as CSV text (RFC 4180, CRLF line ends), a header line first, every cell quoted and inert."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([inert_cell(header) for _, header in columns])
    for row in rows:
        writer.writerow([inert_cell(row.get(key)) for key, _ in columns])
    return out.getvalue()


def write_xlsx(columns: Columns, rows: Rows) -> bytes:
    """The rows as an XLSX workbook (one sheet, a bold header row): every cell a string, never a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import Cell, WriteOnlyCell
    from openpyxl.styles import Font

    # Write-only: rows are streamed to the file, not kept as cell objects (5,000 rows in a third of the time).
    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET_TITLE)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)

    def string(value: object, font: Font | None = None) -> Cell:
        # Assigning a value lets openpyxl guess the type ("=..." becomes a formula,
        # "12" stays text only by luck): set the text and the type.
        cell = WriteOnlyCell(sheet, value=inert_cell(value))
        cell.data_type = "s"
        if font is not None:
            cell.font = font
        return cell

    sheet.append([string(header, bold) for _, header in columns])
    for row in rows:
        sheet.append([string(row.get(key)) for key, _ in columns])
    # The same rows give the same bytes: no creation time in the document, none in the zip entries,
    # so an unchanged table is not uploaded again by `portal deploy` (it compares hashes).
    book.properties.created = book.properties.modified = FIXED_TIME
    book.properties.creator = "portal"
    out = io.BytesIO()
    book.save(out)
    return _fixed_zip_times(out.getvalue())


FIXED_TIME = dt.datetime(2000, 1, 1)  # openpyxl stamps "now" unless told; any constant will do
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _fixed_zip_times(data: bytes) -> bytes:
    """``data`` (a zip) rewritten with every entry dated ``FIXED_TIME`` and stored in the same order."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            content = source.read(info)
            if info.filename == "docProps/core.xml":  # openpyxl writes the save time as "modified"
                content = _MODIFIED.sub(rb"\g<1>" + FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode() + rb"\g<2>",
                                        content)
            target.writestr(fixed, content)
    return out.getvalue()


def write_markdown(columns: Columns, rows: Rows) -> str:
    """The rows as a Markdown table; ``|``, markup characters and line breaks escaped, so a cell stays text."""
    lines = ["| " + " | ".join(_md_cell(header) for _, header in columns) + " |",
             "|" + "|".join("---" for _ in columns) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(_md_cell(row.get(key)) for key, _ in columns) + " |")
    return "\n".join(lines) + "\n"


# Backslash escapes where Markdown has them; entities for "&", "<" and ">" (Python-Markdown has no "\\<").
_MD_SPECIAL = {c: "\\" + c for c in "\\`*_{}[]()#+-!|~"} | {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_MD_FOUND = re.compile("[" + re.escape("".join(_MD_SPECIAL)) + "]")


def _md_cell(value: object) -> str:
    text = _MD_FOUND.sub(lambda match: _MD_SPECIAL[match.group()], clean_text(value))
    return "<br>".join(part.strip() for part in text.splitlines()) if "\n" in text or "\r" in text else text
