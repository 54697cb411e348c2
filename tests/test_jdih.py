"""Legal products (JDIH, issue 17): the rules, the pages by type, and ``document.json`` in JDIHN's layout.

Set ``UPDATE_GOLDEN=1`` to rewrite ``tests/golden/documents/document.json`` after a deliberate change.
"""

from __future__ import annotations

import json
import os
import shutil

import pytest
from conftest import REPO, new_project
from test_documents import GOLDEN, TODAY, check, rules_of, samples

# The fields JDIHN's harvester reads, in its order.
JDIHN_FIELDS = ["idData", "tahun_pengundangan", "tanggal_penetapan", "tanggal_pengundangan", "jenis", "noPeraturan",
                "judul", "noPanggil", "singkatanJenis", "tempatTerbit", "penerbit", "deskripsiFisik", "sumber",
                "subjek", "isbn", "status", "bahasa", "bidangHukum", "teuBadan", "nomorIndukBuku", "abstrak",
                "urlAbstrak", "urlDetailPeraturan", "fileDownload", "urlDownload", "operasi", "display",
                "last_updated"]

PERDA = """---
type: {type}
number: "3"
year: {year}
title: Anggaran Pendapatan dan Belanja Daerah Tahun Anggaran 2027
enacted: 2026-11-30
promulgated: 2026-12-01
status: {status}
subject: [APBD]
field: Hukum Keuangan Negara
abstract: Menetapkan pendapatan, belanja dan pembiayaan daerah.
place: Kabupaten Contoh
publisher: Sekretariat Daerah Kabupaten Contoh
file: {file}
{extra}---
"""


def write_perda(project, *, type="perda", year="2026", status="berlaku", file="perda.pdf", extra="", pdf=True):
    folder = project / "content" / "jdih" / "perda-2026-3"
    folder.mkdir(parents=True, exist_ok=True)
    if pdf:
        samples.write_pdf(folder / "perda.pdf", "Perda Nomor 3 Tahun 2026", ["isi"])
    (folder / "index.md").write_text(PERDA.format(type=type, year=year, status=status, file=file, extra=extra),
                                     encoding="utf-8")
    return folder


@pytest.fixture
def project(tmp_path):
    return new_project(tmp_path / "site")


def test_a_complete_perda_passes(project):
    write_perda(project)
    assert check(project) == []


@pytest.mark.parametrize("kwargs, rule", [
    (dict(type="perbup"), "jdih-type"),
    (dict(status="dicabut"), "jdih-status"),
    (dict(year='"dua ribu"'), "jdih-year"),
    (dict(year="2025"), "jdih-year"),
    (dict(file="perda.docx"), "document-file-type"),
    (dict(file="../perda.pdf"), "document-file-path"),
    (dict(file="hilang.pdf"), "document-file-missing"),
    (dict(extra="promulgated_at: 2026-12-01\n"), "document-key-unknown"),
    (dict(extra="abstract_file: abstrak.pdf\n"), "document-file-missing"),
])
def test_each_jdih_rule_has_a_case(project, kwargs, rule):
    write_perda(project, **kwargs)
    assert rule in rules_of(check(project))


def test_a_missing_key_names_what_jdihn_needs(project):
    folder = write_perda(project)
    index = folder / "index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("field: Hukum Keuangan Negara\n", ""), encoding="utf-8")
    assert check(project) == [
        "content/jdih/perda-2026-3/index.md:1: galat [document-required] `field` wajib diisi: bidang hukum, misalnya "
        "`Hukum Keuangan Negara`. Tambahkan baris `field: ...` di front-matter."]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    from pipeline.config import load_config
    from pipeline.content.load import load
    from pipeline.site import documents

    root = tmp_path_factory.mktemp("jdih")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "content", root / "content")
    os.environ["PORTAL_TODAY"] = TODAY
    try:
        config = load_config(root)
        files, links = documents.render(config, load(config))
    finally:
        del os.environ["PORTAL_TODAY"]
    return files, links


def test_document_json_matches_the_golden_file_in_jdihn_field_layout(rendered):
    files, _ = rendered
    text = files["jdih/integrasi/document.json"]
    path = GOLDEN / "document.json"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_bytes(text.encode("utf-8"))
    assert text == path.read_bytes().decode("utf-8")
    records = json.loads(text)
    assert len(records) == 2
    assert all(list(record) == JDIHN_FIELDS for record in records)
    assert all(isinstance(value, str) for record in records for value in record.values())


def test_the_feed_links_files_the_site_serves(rendered):
    files, links = rendered
    for record in json.loads(files["jdih/integrasi/document.json"]):
        for key in ("urlDownload", "urlAbstrak"):
            site_path = record[key].removeprefix("https://dprd.contoh.go.id/")
            assert site_path in links, record[key]
        assert record["urlDetailPeraturan"].removeprefix("https://dprd.contoh.go.id/") + "index.md" in files


def test_pages_by_type_list_the_perda_with_a_filterable_table(rendered):
    files, _ = rendered
    page = files["jdih/jenis/perda/index.md"]
    assert '<table class="portal-register__table">' in page  # register.js filters and sorts it
    assert "Pajak Daerah dan Retribusi Daerah" in page and "Anggaran Pendapatan dan Belanja Daerah" in page
    assert "jdih/perda-2026-3-apbd-2027/index.md" in files
