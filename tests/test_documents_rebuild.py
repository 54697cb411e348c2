"""A rebuild with nothing changed redoes no document work (issue 17's benchmark: 500 documents add <= 15 %).

The check's PDF memo holds every document file's stat and hash; the render
reuses it, so an unchanged PDF is neither opened nor read again. The DIP's
XLSX is made only when a row changed (openpyxl is a third of a second for
1,500 rows), and the workbook of before is pruned from the cache.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import new_project
from test_documents import TODAY, write_document


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_TODAY", TODAY)
    project = new_project(tmp_path / "site")
    write_document(project)
    return project


def _render(project: Path):
    from pipeline.check.rules import check
    from pipeline.config import load_config
    from pipeline.content.load import load
    from pipeline.site import documents

    config = load_config(project)
    assert check(config).errors == 0  # what `portal build` does first: it saves the PDF memo
    return documents.render(config, load(config))


def test_an_unchanged_pdf_is_not_read_again(project, monkeypatch):
    _render(project)
    pdf = project / "content" / "informasi" / "laporan-layanan-2025" / "laporan.pdf"
    real_open = Path.open

    def refuse(self, *args, **kwargs):
        assert self != pdf, "the unchanged PDF was read again (check or render)"
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)
    _, links = _render(project)
    assert links["informasi/laporan-layanan-2025/laporan.pdf"].is_file()


def test_the_dip_workbook_is_made_once_and_again_only_when_a_row_changes(project, monkeypatch):
    from pipeline import tables

    _, first = _render(project)
    workbook = first["informasi/dip/dip.xlsx"]
    made = []
    real = tables.write_xlsx
    monkeypatch.setattr(tables, "write_xlsx", lambda *args: made.append(1) or real(*args))
    _, second = _render(project)
    assert second["informasi/dip/dip.xlsx"] == workbook and made == []
    write_document(project, "laporan-kinerja-2025", title="Laporan Kinerja Sekretariat DPRD 2025")
    _, third = _render(project)
    assert made == [1] and third["informasi/dip/dip.xlsx"] != workbook
    assert not workbook.exists()  # pruned: the cache keeps only the workbook the site links
    assert [p.name for p in workbook.parent.iterdir()] == [third["informasi/dip/dip.xlsx"].name]


def test_a_document_page_is_one_search_entry_made_without_reparsing_the_page(tmp_path):
    """The page's summary, facts, downloads and text sit between the stage's search-text marks, as an
    article's do: the portal indexes them, Material's indexer (HTMLParser over every page) skips it."""
    import json

    from conftest import run_cli
    from test_documents import documents_project

    project = documents_project(tmp_path / "built")
    result = run_cli(project, "build", today=TODAY)
    assert result.returncode == 0, result.stdout + result.stderr
    index = json.loads((project / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    entries = [e for e in index["docs"] if e["location"].startswith("informasi/standar-layanan-ppid/")]
    assert [e["title"] for e in entries] == ["Standar Layanan Informasi Publik"]
    text = entries[0]["text"]
    assert text.startswith('<p class="portal-intro">Maklumat pelayanan, prosedur permohonan')
    assert " Kategori Informasi Setiap Saat Pejabat/unit yang menguasai PPID Pelaksana Sekretariat DPRD " in text
