"""pipeline.tables: CSV, XLSX and Markdown from the same columns and rows, hostile text kept inert."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook

from pipeline import tables

COLUMNS = [("title", "Judul"), ("who", "Pemeriksa")]
HOSTILE = [
    {"title": '=HYPERLINK("http://evil.example","klik")', "who": "+62 811"},
    {"title": "-2+3", "who": "@SUM(A1)"},
    {"title": "\tTAB", "who": "\rCR"},
    {"title": "<script>alert(1)</script> | *tebal*", "who": "gnp\u202eexe.png \u2066x\u2069"},
    {"title": "Rapat Paripurna", "who": None},
]


@pytest.mark.parametrize(("text", "expected"), [
    ("=1+1", "'=1+1"), ("+62", "'+62"), ("-5", "'-5"), ("@A1", "'@A1"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("Rapat", "Rapat"), ("a=b", "a=b"), (None, ""), (12, "12"),
    ("gnp\u202eexe.png", "gnp\ufffdexe.png"), ("\u200fx\u061c", "\ufffdx\ufffd"),
])
def test_inert_cell(text, expected):
    assert tables.inert_cell(text) == expected


def test_csv_quotes_every_cell_and_prefixes_formulas():
    text = tables.write_csv(COLUMNS, HOSTILE)
    assert text.splitlines()[0] == '"Judul","Pemeriksa"'
    assert text.split("\r\n")[1] == '"\'=HYPERLINK(""http://evil.example"",""klik"")","\'+62 811"'
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[1:] == [
        ["'=HYPERLINK(\"http://evil.example\",\"klik\")", "'+62 811"],
        ["'-2+3", "'@SUM(A1)"],
        ["'\tTAB", "'\rCR"],
        ["<script>alert(1)</script> | *tebal*", "gnp\ufffdexe.png \ufffdx\ufffd"],
        ["Rapat Paripurna", ""],
    ]


def test_xlsx_every_cell_a_string_never_a_formula():
    book = load_workbook(io.BytesIO(tables.write_xlsx(COLUMNS, HOSTILE)))
    sheet = book[tables.SHEET_TITLE]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == ["Judul", "Pemeriksa"]
    assert values[1] == ["'=HYPERLINK(\"http://evil.example\",\"klik\")", "'+62 811"]
    assert values[4] == ["<script>alert(1)</script> | *tebal*", "gnp\ufffdexe.png \ufffdx\ufffd"]
    # Every cell written as an inline string ("s" once read back; an empty one reads as None), no formula.
    assert {cell.data_type for row in sheet.iter_rows() for cell in row if cell.value is not None} == {"s"}
    assert "<f>" not in _sheet_xml(tables.write_xlsx(COLUMNS, HOSTILE))
    assert sheet.cell(row=1, column=1).font.bold


def test_xlsx_keeps_a_leading_equals_as_text_even_without_prefix():
    # openpyxl would make "=..." a formula on assignment; write_xlsx forces the string type.
    book = load_workbook(io.BytesIO(tables.write_xlsx([("a", "A")], [{"a": "=1+1"}])))
    cell = book.active["A2"]
    assert (cell.value, cell.data_type) == ("'=1+1", "s")


def test_markdown_escapes_markup_and_pipes():
    text = tables.write_markdown(COLUMNS, HOSTILE[3:])
    assert text == ("| Judul | Pemeriksa |\n|---|---|\n"
                    "| &lt;script&gt;alert\\(1\\)&lt;/script&gt; \\| \\*tebal\\* | gnp\ufffdexe.png \ufffdx\ufffd |\n"
                    "| Rapat Paripurna |  |\n")


def test_markdown_line_breaks_stay_in_the_cell():
    assert tables.write_markdown([("a", "A")], [{"a": "satu\ndua"}]).splitlines()[-1] == "| satu<br>dua |"


def _sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


def test_the_same_rows_give_the_same_xlsx_bytes():
    """No save time inside: an unchanged table is not uploaded again by `portal deploy`."""
    data = tables.write_xlsx([("a", "A")], [{"a": "x"}])
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        assert {info.date_time for info in book.infolist()} == {(2000, 1, 1, 0, 0, 0)}
        core = book.read("docProps/core.xml").decode()
    assert core.count("2000-01-01T00:00:00Z") == 2  # created and modified
