"""Public information documents (issue 17): the rules, real PDFs (each hostile kind), cleaning, pages, the DIP.

PDFs are made here with ``scripts/make_sample_documents.write_pdf`` (pikepdf)
and then broken on purpose; the served copies are read back with pikepdf.
Set ``UPDATE_GOLDEN=1`` to rewrite ``tests/golden/documents/`` after a deliberate change.
"""

from __future__ import annotations

import importlib.util
import io
import os
import shutil
import zlib
from pathlib import Path

import pikepdf
import pytest
from conftest import REPO, new_project, run_cli, split_summary
from pikepdf import Array, Dictionary, Name, String

GOLDEN = Path(__file__).resolve().parent / "golden" / "documents"
TODAY = "2026-12-05"
_spec = importlib.util.spec_from_file_location("make_sample_documents", REPO / "scripts" / "make_sample_documents.py")
assert _spec and _spec.loader
samples = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(samples)

INDEX = """---
title: {title}
summary: Jumlah permohonan informasi dan waktu layanan PPID selama 2025.
kip: {kip}
owner: PPID Pelaksana Sekretariat DPRD
responsible: Sekretaris DPRD
date: 2026-01-31
place: Kabupaten Contoh
form: softcopy
retention: 5 tahun
{extra}files:
{files}---
{body}"""


def write_document(project: Path, slug: str = "laporan-layanan-2025", *, title: str = "Laporan Layanan Informasi 2025",
                   kip: str = "berkala", extra: str = "", files: str | None = None, body: str = "",
                   pdf: bool = True) -> Path:
    """``content/informasi/<slug>/index.md`` (and, with ``pdf``, its tagged ``laporan.pdf``)."""
    folder = project / "content" / "informasi" / slug
    folder.mkdir(parents=True, exist_ok=True)
    if files is None:
        files = "  - file: laporan.pdf\n    title: Laporan layanan 2025\n"
    if pdf:
        samples.write_pdf(folder / "laporan.pdf", "Laporan Layanan Informasi 2025", ["Jumlah permohonan: 42"])
    (folder / "index.md").write_text(INDEX.format(title=title, kip=kip, extra=extra, files=files, body=body),
                                     encoding="utf-8")
    return folder


def check(project: Path) -> list[str]:
    """``portal check`` lines (without the summary), as an editor reads them."""
    result = run_cli(project, "check", today=TODAY)
    lines, _ = split_summary(result.stdout)
    return [line for line in lines if line]


def rules_of(lines: list[str]) -> list[str]:
    return [line.split("[", 1)[1].split("]", 1)[0] for line in lines]


@pytest.fixture
def project(tmp_path):
    return new_project(tmp_path / "site")


# ----------------------------------------------------------------------------- hostile PDFs

def _add_js(pdf: pikepdf.Pdf) -> None:
    action = pdf.make_indirect(Dictionary(S=Name.JavaScript, JS=String("app.alert('x')")))
    pdf.Root.Names = Dictionary(JavaScript=Dictionary(Names=Array([String("a"), action])))


def _add_open_action(pdf: pikepdf.Pdf) -> None:
    pdf.Root.OpenAction = Dictionary(S=Name.URI, URI=String("https://contoh.invalid/"))


def _add_launch(pdf: pikepdf.Pdf) -> None:
    link = Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=Array([0, 0, 100, 100]),
                      A=Dictionary(S=Name.Launch, F=String("cmd.exe")))
    pdf.pages[0].obj.Annots = Array([pdf.make_indirect(link)])


def _add_embedded(pdf: pikepdf.Pdf) -> None:
    data = pdf.make_stream(b"MZ\x90\x00 not really a program", Type=Name.EmbeddedFile)
    spec = pdf.make_indirect(Dictionary(Type=Name.Filespec, F=String("setup.exe"), EF=Dictionary(F=data)))
    pdf.Root.Names = Dictionary(EmbeddedFiles=Dictionary(Names=Array([String("setup.exe"), spec])))


def _add_bomb(pdf: pikepdf.Pdf) -> None:
    packed = zlib.compress(b"\0" * (24 * 1024 * 1024), 9)  # 24 MB of zeros in ~24 KB
    form = pikepdf.Stream(pdf, packed, Type=Name.XObject, Subtype=Name.Form, BBox=Array([0, 0, 1, 1]),
                          Filter=Name.FlateDecode)
    pdf.pages[0].obj.Resources.XObject = Dictionary(Bomb=pdf.make_indirect(form))


def _add_bomb_in_array(pdf: pikepdf.Pdf) -> None:
    packed = zlib.compress(b"\0" * (24 * 1024 * 1024), 9)
    form = pikepdf.Stream(pdf, packed, Type=Name.XObject, Subtype=Name.Form, BBox=Array([0, 0, 1, 1]),
                          Filter=Array([Name.FlateDecode]))
    pdf.pages[0].obj.Resources.XObject = Dictionary(Bomb=pdf.make_indirect(form))


def _add_huge_image(pdf: pikepdf.Pdf) -> None:
    image = pikepdf.Stream(pdf, zlib.compress(b"\0" * 1024), Type=Name.XObject, Subtype=Name.Image,
                           Width=40000, Height=40000, ColorSpace=Name.DeviceGray, BitsPerComponent=8,
                           Filter=Name.FlateDecode)
    pdf.pages[0].obj.Resources.XObject = Dictionary(Big=pdf.make_indirect(image))


def _add_submit_form(pdf: pikepdf.Pdf) -> None:
    link = Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=Array([0, 0, 100, 100]),
                      A=Dictionary(S=Name.SubmitForm, F=String("https://contoh.invalid/kirim")))
    pdf.pages[0].obj.Annots = Array([pdf.make_indirect(link)])


def hostile(path: Path, change) -> Path:
    samples.write_pdf(path, "Dokumen", ["isi"])
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        change(pdf)
        pdf.save(path)
    return path


def encrypted(path: Path) -> Path:
    samples.write_pdf(path, "Dokumen", ["isi"])
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(owner="pemilik", user="rahasia"))
    return path


def truncated(path: Path) -> Path:
    samples.write_pdf(path, "Dokumen", ["isi"])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


HOSTILE = {
    "javascript": (lambda p: hostile(p, _add_js), {"pdf-javascript"}),
    "open-action": (lambda p: hostile(p, _add_open_action), {"pdf-open-action"}),
    "launch": (lambda p: hostile(p, _add_launch), {"pdf-launch"}),
    "submit-form": (lambda p: hostile(p, _add_submit_form), {"pdf-action"}),
    "embedded-executable": (lambda p: hostile(p, _add_embedded), {"pdf-embedded-file"}),
    "decompression-bomb": (lambda p: hostile(p, _add_bomb), {"pdf-bomb"}),
    "decompression-bomb-filter-array": (lambda p: hostile(p, _add_bomb_in_array), {"pdf-bomb"}),
    "huge-image": (lambda p: hostile(p, _add_huge_image), {"pdf-bomb"}),
    "encrypted": (encrypted, {"pdf-encrypted"}),
    "truncated": (truncated, {"pdf-broken"}),
    "html-named-pdf": (lambda p: (p.write_bytes(b"<!doctype html><script>alert(1)</script>"), p)[1],
                       {"pdf-not-pdf"}),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_each_hostile_pdf_is_an_error_at_the_line_of_its_file(project, kind):
    make, expected = HOSTILE[kind]
    folder = write_document(project, pdf=False)
    make(folder / "laporan.pdf")
    lines = check(project)
    assert set(rules_of(lines)) == expected, lines
    assert all(line.startswith("content/informasi/laporan-layanan-2025/index.md:12: galat [") for line in lines), lines
    assert all("Berkas `laporan.pdf`: " in line for line in lines)


def test_messages_name_the_file_the_line_and_the_fix(project):
    folder = write_document(project, pdf=False)
    hostile(folder / "laporan.pdf", _add_js)
    assert check(project) == [
        "content/informasi/laporan-layanan-2025/index.md:12: galat [pdf-javascript] Berkas `laporan.pdf`: PDF ini "
        "berisi JavaScript: isi aktif yang dapat menjalankan sesuatu di komputer pengunjung tidak boleh diterbitkan. "
        "Cetak ulang ke PDF (\"Microsoft Print to PDF\" atau ekspor dari pengolah kata) agar hanya halamannya yang "
        "tersisa, lalu ganti berkasnya."]


def test_a_hostile_pdf_stops_the_build_and_reaches_no_site(project):
    folder = write_document(project, pdf=False)
    hostile(folder / "laporan.pdf", _add_launch)
    result = run_cli(project, "build", today=TODAY)
    assert result.returncode != 0
    assert "[pdf-launch]" in result.stdout
    assert not (project / "site").exists()


def test_an_untagged_pdf_is_an_accessibility_warning(project):
    folder = write_document(project, pdf=False)
    samples.write_pdf(folder / "laporan.pdf", "Dokumen", ["isi"], tagged=False)
    lines = check(project)
    assert rules_of(lines) == ["pdf-untagged"]
    assert lines[0].startswith("content/informasi/laporan-layanan-2025/index.md:12: peringatan [pdf-untagged] "
                               "Berkas `laporan.pdf`: PDF ini tidak bertag")


def test_a_clean_tagged_pdf_passes(project):
    write_document(project)
    assert check(project) == []


# ----------------------------------------------------------------------------- front-matter rules

RULE_CASES = {
    "document-required": dict(files="", extra=""),
    "document-key-unknown": dict(extra="judul: Laporan\n"),
    "document-kip": dict(kip="rahasia"),
    "document-until": dict(kip="serta-merta"),
    "document-until-past": dict(kip="serta-merta", extra="until: 2026-12-01\n"),
    "document-date": dict(extra="until: besok\n", kip="serta-merta"),
    "document-files": dict(files="  - laporan.pdf\n"),
    "document-file-path": dict(files="  - file: ../../halaman/ppid.md\n    title: Halaman\n"),
    "document-file-missing": dict(files="  - file: tidak-ada.pdf\n    title: Tidak ada\n"),
    "document-file-type": dict(files="  - file: laporan.docx\n    title: Laporan\n"),
    "text-markup": dict(title="Laporan <script>alert(1)</script> 2025"),
    "html-script": dict(body="<script>alert(1)</script>\n"),
}


@pytest.mark.parametrize("rule", sorted(RULE_CASES))
def test_each_front_matter_rule_has_a_case(project, rule):
    write_document(project, **RULE_CASES[rule])
    found = rules_of(check(project))
    if rule == "html-script":  # the body's HTML rules of news, reused: whichever names a script
        assert any(r.startswith("html") for r in found), found
    else:
        assert rule in found, found


def test_the_messages_of_missing_files_and_paths_are_pinned(project):
    write_document(project, files="  - file: /etc/passwd\n    title: Sandi\n  - file: tidak-ada.pdf\n    title: X\n")
    assert check(project) == [
        "content/informasi/laporan-layanan-2025/index.md:12: galat [document-file-path] Berkas `/etc/passwd` berupa "
        "path absolut: berkas dokumen harus berada di folder yang sama dengan index.md. Salin berkasnya ke folder ini "
        "dan tulis namanya saja.",
        "content/informasi/laporan-layanan-2025/index.md:14: galat [document-file-missing] Berkas `tidak-ada.pdf` "
        "tidak ada di folder laporan-layanan-2025/. Unggah berkasnya ke folder itu atau perbaiki namanya (huruf besar "
        "dan kecil dibedakan).",
    ]


def test_every_problem_is_reported_at_once(project):
    write_document(project, kip="dikecualikan", extra="judul: x\n",
                   files="  - file: ../x.pdf\n    title: X\n  - file: hilang.pdf\n    title: Y\n")
    assert sorted(rules_of(check(project))) == ["document-file-missing", "document-file-path", "document-key-unknown",
                                                "document-kip"]


def test_the_size_limit_is_configurable(project):
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  portal:\n", "  portal:\n    limits:\n      document_bytes: 1000\n", 1), encoding="utf-8")
    write_document(project)
    assert rules_of(check(project)) == ["document-file-size"]


def test_data_files_must_be_what_their_name_says(project):
    folder = write_document(project, files="  - file: data.xlsx\n    title: Data\n  - file: data.csv\n    title: C\n",
                            pdf=False)
    (folder / "data.xlsx").write_bytes(b"<html>not a workbook</html>")
    (folder / "data.csv").write_bytes(b"\xff\xfe\x00bad")
    assert rules_of(check(project)) == ["document-file-type", "document-file-type"]


def test_a_reserved_folder_name_is_refused(project):
    write_document(project, slug="dip")
    assert rules_of(check(project)) == ["document-slug"]


def test_portal_new_informasi_scaffolds_a_document_the_check_reads(project):
    result = run_cli(project, "new", "Laporan Layanan Informasi Publik 2026", "--informasi", today=TODAY)
    assert result.returncode == 0, result.stderr
    index = project / "content" / "informasi" / "laporan-layanan-informasi-publik-2026" / "index.md"
    assert index.is_file()
    assert sorted(rules_of(check(project))) == ["document-file-missing", "document-template"]


# ----------------------------------------------------------------------------- pages, DIP, served copies

@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The repo's sample content loaded and rendered by the documents part (no engine)."""
    from pipeline.config import load_config
    from pipeline.content.load import load
    from pipeline.site import documents

    root = tmp_path_factory.mktemp("sample")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "content", root / "content")
    os.environ["PORTAL_TODAY"] = TODAY
    try:
        config = load_config(root)
        content = load(config)
        files, links = documents.render(config, content)
    finally:
        del os.environ["PORTAL_TODAY"]
    return config, content, files, links


def golden(name: str, text: str) -> str:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    return path.read_bytes().decode("utf-8")


def test_the_dip_csv_matches_the_golden_file(sample):
    _, _, files, _ = sample
    assert files["informasi/dip/dip.csv"] == golden("dip.csv", files["informasi/dip/dip.csv"])


def test_every_news_item_is_a_dip_row_with_the_configured_defaults(sample):
    config, content, files, _ = sample
    csv_text = files["informasi/dip/dip.csv"]
    published = [i for i in content.items if i.doc is not None and not i.draft and i.date]
    assert published
    for item in published:
        assert item.title.replace('"', '""') in csv_text
    assert csv_text.count('"Informasi Berkala (kegiatan DPRD)"') == len(published)
    assert csv_text.count(f'"{config.dip_defaults["owner"]}"') >= len(published)


def test_the_xlsx_reads_back_as_the_csv(sample):
    from openpyxl import load_workbook

    _, _, files, links = sample
    sheet = load_workbook(io.BytesIO(links["informasi/dip/dip.xlsx"].read_bytes())).active
    rows = [[cell if cell is not None else "" for cell in row] for row in sheet.iter_rows(values_only=True)]
    import csv

    assert rows == list(csv.reader(io.StringIO(files["informasi/dip/dip.csv"])))


def test_the_dip_page_has_the_nine_columns_and_its_downloads(sample):
    _, _, files, _ = sample
    page = files["informasi/dip/index.md"]
    headers = ["No", "Judul informasi", "Ringkasan isi informasi", "Pejabat/unit yang menguasai informasi",
               "Penanggung jawab pembuatan/penerbitan", "Waktu dan tempat pembuatan", "Bentuk informasi",
               "Jangka waktu penyimpanan", "Jenis media"]
    assert "".join(f'<th scope="col">{h}</th>' for h in headers) in page
    assert 'href="dip.csv"' in page and 'href="dip.xlsx"' in page


def test_served_pdfs_carry_no_document_metadata_and_no_active_content(sample):
    _, _, _, links = sample
    served = {site: path for site, path in links.items() if site.endswith(".pdf")}
    assert len(served) == 8  # 4 documents, 2 Perda with their abstracts
    for site, path in served.items():
        with pikepdf.open(path) as pdf:
            assert "/Info" not in pdf.trailer and "/Metadata" not in pdf.Root, site
            assert "/OpenAction" not in pdf.Root and "/Names" not in pdf.Root, site
        data = path.read_bytes()
        assert b"Staf Sekretariat" not in data and b"Microsoft Word" not in data, site


def test_each_document_page_lists_its_downloads_with_type_and_size_and_its_thumbnail(sample):
    _, _, files, links = sample
    page = files["informasi/standar-layanan-ppid/index.md"]
    assert '<a href="standar-layanan.pdf">Standar Layanan Informasi Publik</a> (PDF, ' in page
    assert '<a href="jadwal-layanan.csv">Jadwal layanan meja informasi</a> (CSV (data), 1 KB)' in page
    thumb = "informasi/standar-layanan-ppid/standar-layanan-halaman-1.webp"
    assert thumb in links and links[thumb].read_bytes()[8:12] == b"WEBP"
    assert 'src="standar-layanan-halaman-1.webp"' in page


def test_category_pages_list_their_documents_only(sample):
    _, _, files, _ = sample
    berkala = files["informasi/kategori/berkala/index.md"]
    assert "Laporan Layanan Informasi Publik Tahun 2025" in berkala
    assert "Standar Layanan Informasi Publik" not in berkala


def test_a_serta_merta_notice_is_announced_until_its_day(sample, monkeypatch):
    from pipeline.site import documents

    config, content, files, _ = sample
    assert [n["url"] for n in documents.notices(config, content)] == ["informasi/penutupan-gedung-banjir/"]
    monkeypatch.setenv("PORTAL_TODAY", "2026-12-15")
    assert documents.notices(config, content) == []


def test_hostile_text_never_reaches_the_pages_unescaped(project, monkeypatch):
    from pipeline.config import load_config
    from pipeline.content.load import load
    from pipeline.site import documents

    write_document(project, title="Laporan <img src=x onerror=alert(1)> 2025",
                   files="  - file: laporan.pdf\n    title: \"<script>alert(1)</script>\"\n")
    monkeypatch.setenv("PORTAL_TODAY", TODAY)
    config = load_config(project)
    files, _ = documents.render(config, load(config))
    # Past the front-matter (which the portal plugin escapes for the theme): the pages' own HTML.
    text = "\n".join(t.split("\n---\n", 1)[1] for name, t in files.items() if name.endswith(".md"))
    assert "<script>alert" not in text and "<img src=x" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in files["informasi/laporan-layanan-2025/index.md"]
    assert "'=" not in files["informasi/dip/dip.csv"]


# ----------------------------------------------------------------------------- the built site, both engines

def documents_project(root: Path) -> Path:
    """A site project holding the sample documents, legal products and static pages (no news: no photos)."""
    project = new_project(root)
    for name in ("informasi", "jdih", "halaman"):
        shutil.copytree(REPO / "content" / name, project / "content" / name)
    shutil.rmtree(project / "overrides")
    shutil.copytree(REPO / "overrides", project / "overrides")
    return project


@pytest.fixture(scope="module")
def built_documents(tmp_path_factory):
    project = documents_project(tmp_path_factory.mktemp("built-documents"))
    result = run_cli(project, "build", today=TODAY)
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "site"


def test_the_built_site_serves_only_clean_copies(built_documents):
    pdfs = sorted(built_documents.rglob("*.pdf"))
    assert len(pdfs) == 8
    for path in pdfs:
        data = path.read_bytes()
        for marker in (b"/JavaScript", b"/JS", b"/OpenAction", b"/Launch", b"/EmbeddedFile", b"/Metadata",
                       b"/Author", b"/Creator", b"Staf Sekretariat"):
            assert marker not in data, (path, marker)
    assert not list(built_documents.rglob("*.md"))


def test_search_finds_documents_by_their_title_and_summary_and_the_sitemap_lists_them(built_documents):
    index = (built_documents / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "Standar Layanan Informasi Publik" in index
    assert "Maklumat pelayanan" in index
    sitemap = (built_documents / "sitemap.xml").read_text(encoding="utf-8")
    for path in ("informasi/standar-layanan-ppid/", "informasi/dip/", "jdih/perda-2025-7-retribusi/"):
        assert f"https://dprd.contoh.go.id/{path}</loc>" in sitemap, path


def test_the_serta_merta_notice_shows_on_every_page_with_a_working_link(built_documents):
    for page, link in (("index.html", "./informasi/penutupan-gedung-banjir/"), ("404.html", "/informasi/penutupan-gedung-banjir/"),
                       ("informasi/dip/index.html", "../../informasi/penutupan-gedung-banjir/"),
                       ("jdih/jenis/perda/index.html", "../../../informasi/penutupan-gedung-banjir/")):
        html = (built_documents / page).read_text(encoding="utf-8")
        assert f'<strong>Informasi serta merta:</strong> <a href="{link}">' in html, page


def test_zensical_builds_the_documents_too(tmp_path):
    from conftest import missing_tool

    if shutil.which("zensical") is None and importlib.util.find_spec("zensical") is None:
        missing_tool("zensical is not installed")
    project = documents_project(tmp_path / "z")
    result = run_cli(project, "build", "--engine", "zensical", today=TODAY)
    assert result.returncode == 0, result.stdout + result.stderr
    site = project / "site"
    for path in ("informasi/dip/index.html", "informasi/dip/dip.xlsx", "jdih/integrasi/document.json",
                 "informasi/kategori/berkala/index.html", "informasi/laporan-kinerja-2025/laporan-kinerja-2025.pdf"):
        assert (site / path).is_file(), path


# The reader-level and title attacks of the news corpus (tests/cases/): the same rule, for a document.
CORPUS = sorted(p.name for p in (REPO / "tests" / "cases").iterdir()
                if p.name.startswith(("yaml-", "frontmatter-", "title-")) and p.name != "title-nbsp-ok")


@pytest.mark.parametrize("case", CORPUS)
def test_the_hostile_front_matter_corpus_is_refused_for_documents_too(project, case):
    source = REPO / "tests" / "cases" / case
    expected = {line.split("[", 1)[1].split("]", 1)[0]
                for line in (source / "expected.txt").read_text(encoding="utf-8").splitlines() if "[" in line}
    folder = write_document(project)
    shutil.copy(source / "index.md", folder / "index.md")
    found = set(rules_of(check(project)))
    same = {"key-required": "document-required", "key-unknown": "document-key-unknown"}  # the documents' names
    reader = {same.get(rule, rule) for rule in expected
              if not rule.startswith(("photo", "caption", "category", "date", "narrative"))}
    assert reader <= found, (reader, found)


def test_the_ppid_page_links_every_part(built_documents):
    html = (built_documents / "ppid" / "index.html").read_text(encoding="utf-8")
    for target in ("informasi/dip/", "informasi/kategori/berkala/", "informasi/kategori/serta-merta/",
                   "informasi/kategori/setiap-saat/", "jdih/"):
        assert f'href="../{target}"' in html, target
        assert (built_documents / target / "index.html").is_file(), target


def test_a_replaced_pdf_leaves_nothing_behind_in_the_cache(project, monkeypatch):
    from pipeline.config import load_config
    from pipeline.content.load import load
    from pipeline.site import documents

    monkeypatch.setenv("PORTAL_TODAY", TODAY)
    folder = write_document(project)
    config = load_config(project)
    cache = project / documents.CACHE_DIR
    _, first = documents.render(config, load(config))
    before = {p.name for p in cache.glob("*-1*")}
    assert len(before) == 3  # the cleaned copy, its thumbnail and the thumbnail's size
    samples.write_pdf(folder / "laporan.pdf", "Laporan Layanan Informasi 2025 (revisi)", ["Jumlah permohonan: 43"])
    _, second = documents.render(config, load(config))
    after = {p.name for p in cache.glob("*-1*")}
    assert len(after) == 3 and not before & after
    assert second["informasi/laporan-layanan-2025/laporan.pdf"] != first["informasi/laporan-layanan-2025/laporan.pdf"]


def test_a_csv_is_served_with_its_formulas_inert(project, monkeypatch):
    from pipeline.config import load_config
    from pipeline.content.load import load
    from pipeline.site import documents

    monkeypatch.setenv("PORTAL_TODAY", TODAY)
    folder = write_document(project, files="  - file: data.csv\n    title: Data\n", pdf=False)
    (folder / "data.csv").write_text('uraian,nilai\r\n=HYPERLINK("http://evil.example"),@SUM(1)\r\n',
                                     encoding="utf-8")
    config = load_config(project)
    _, links = documents.render(config, load(config))
    served = links["informasi/laporan-layanan-2025/data.csv"].read_bytes().decode("utf-8")
    assert served == '"uraian","nilai"\r\n"\'=HYPERLINK(""http://evil.example"")","\'@SUM(1)"\r\n'


def test_the_inspection_memo_remembers_a_file_by_its_content(tmp_path, monkeypatch):
    from pipeline.photos import pdf

    path = hostile(tmp_path / "a.pdf", _add_js)
    memo_file = tmp_path / "memo.json"
    first = pdf.InspectionMemo(memo_file)
    found = first(path)
    first.save()
    monkeypatch.setattr(pdf, "inspect", lambda p: pytest.fail("an unchanged file was opened again"))
    again = pdf.InspectionMemo(memo_file)(path)
    assert (again.problems, again.pages, again.tagged) == (found.problems, found.pages, found.tagged)
    assert [rule for rule, _, _ in again.problems] == ["pdf-javascript"]


def test_a_title_of_the_wrong_type_a_reused_id_and_a_folder_without_index(project):
    write_document(project, "laporan-a", extra="id: laporan-2025\n")
    write_document(project, "laporan-b", title="[Laporan, 2025]", extra="id: laporan-2025\n")
    (project / "content" / "informasi" / "tanpa-index").mkdir()
    assert check(project) == [
        "content/informasi/laporan-b/index.md:2: galat [document-key-type] `title` harus teks biasa, bukan "
        "`['Laporan', 2025]`.",
        "content/informasi/laporan-b/index.md:11: galat [document-id-duplicate] `id` laporan-2025 sudah dipakai oleh "
        "content/informasi/laporan-a/index.md. Setiap dokumen butuh `id` sendiri: hapus baris `id` atau ganti dengan "
        "id lain.",
        "content/informasi/tanpa-index:1: galat [document-location] Folder dokumen tanpa index.md. Setiap dokumen "
        "butuh berkas informasi/<slug>/index.md berisi front-matter; buat dengan `portal new --informasi \"Judul\"`."]
