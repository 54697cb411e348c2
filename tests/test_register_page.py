"""The public register page, its downloads and each article's provenance line (issue 13).

The input is tests/golden/register.json (what ``portal register --format json``
writes): two published rows of sample articles and one rejected row of
hostile texts. The CSV download is compared with tests/golden/register.csv;
regenerate it with PORTAL_UPDATE_GOLDEN=1 after a deliberate change and
review the diff.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from browser_support import TODAY, build, copy_project
from openpyxl import load_workbook

from pipeline import tables
from pipeline.config import load_config
from pipeline.content import urls
from pipeline.errors import PortalError
from pipeline.site import register_page
from pipeline.site.register_page import COLUMNS, REGISTER_FILE

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "tests" / "golden" / "register.json"
GOLDEN_CSV = REPO / "tests" / "golden" / "register.csv"
# The sample articles the golden rows describe.
ARTICLES = ("2026-11-20-rapat-paripurna-penetapan-apbd-2027", "2026-10-14-bapemperda-harmonisasi-raperda-pengelolaan-sampah")
PROVENANCE = ("Diserahkan Budi Santoso — Staf Humas, Jumat, 20 November 2026 15.10 WIB · Diperiksa oleh "
              "Rina Kartika — Kepala Bagian Humas dan Ahmad Fauzi — Ketua PPID Pelaksana pada Sabtu, "
              "21 November 2026 08.35 WIB · Terbit Sabtu, 21 November 2026 08.45 WIB")
EMPTY_LINE = ("Register belum berisi baris di salinan situs ini. Register dibuat oleh alur kerja terbit dengan "
              "perintah <code>portal register --format json --output .portal/register.json</code>, dijalankan "
              "sebelum <code>portal build</code>.")


def register_project(target: Path, register: object = None) -> Path:
    """The sample news and pages with the golden register (or ``register``, written as JSON).

    Only ``berita/`` and ``halaman/``: the register reads nothing else, and the other kinds' samples
    (agenda, council, documents) have their own tests.
    """
    copy_project(target)
    for folder in (target / "content").iterdir():
        if folder.is_dir() and folder.name not in ("berita", "halaman"):
            shutil.rmtree(folder)
    (target / ".portal").mkdir(exist_ok=True)
    cache = REPO / ".portal" / "cache"
    if cache.is_dir():  # the checkout's warm photo cache (git-ignored) spares decoding 45 photos again
        shutil.copytree(cache, target / ".portal" / "cache", dirs_exist_ok=True)
    text = GOLDEN.read_text(encoding="utf-8") if register is None else json.dumps(register)
    (target / REGISTER_FILE).write_text(text, encoding="utf-8")
    return target


def build_register_site(target: Path, engine: str = "mkdocs") -> Path:
    """``register_project`` built by ``engine``; the project folder (the site in ``site/``)."""
    register_project(target)
    result = build(target, TODAY, engine)
    if result.returncode != 0:
        pytest.fail(f"portal build failed:\n{result.stdout}\n{result.stderr}", pytrace=False)
    return target


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return build_register_site(tmp_path_factory.mktemp("register") / "project")


@pytest.fixture
def project(tmp_path) -> Path:
    (tmp_path / ".portal").mkdir()
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copy(GOLDEN, tmp_path / REGISTER_FILE)
    return tmp_path


def golden() -> dict:
    return json.loads(GOLDEN.read_text(encoding="utf-8"))


def flat_rows(project: Path) -> list[dict[str, str]]:
    config = load_config(project)
    rows = sorted(golden()["rows"], key=lambda row: (row["activity_date"], row["item"]), reverse=True)
    return [register_page.flatten(config, row) for row in rows]


# --------------------------------------------------------------------------- cells

def test_flatten_names_people_and_labels(project):
    first = flat_rows(project)[0]
    assert first == {
        "activity_date": "Jumat, 20 November 2026", "title": "Rapat Paripurna Penetapan APBD 2027",
        "category": "Paripurna", "author": "Budi Santoso — Staf Humas",
        "submitted_at": "Jumat, 20 November 2026 15.10 WIB",
        "reviews": "Rina Kartika — Kepala Bagian Humas: Minta perubahan, Jumat, 20 November 2026 16.00 WIB: "
                   "“Perbaiki keterangan foto 2.”\n"
                   "Rina Kartika — Kepala Bagian Humas: Disetujui, Sabtu, 21 November 2026 08.30 WIB: “Sudah baik.”\n"
                   "Ahmad Fauzi — Ketua PPID Pelaksana: Disetujui, Sabtu, 21 November 2026 08.35 WIB",
        "decision": "Diterbitkan", "merged": "Sabtu, 21 November 2026 08.40 WIB oleh Rina Kartika — Kepala Bagian Humas",
        "live_at": "Sabtu, 21 November 2026 08.45 WIB", "timeliness": "Tepat H+1", "corrections": "",
        "post_facebook": "terkirim, Sabtu, 21 November 2026 09.00 WIB, https://facebook.com/p/1",
        "post_instagram": "", "post_x": "gagal, Sabtu, 21 November 2026 09.01 WIB", "post_telegram": "",
    }


def test_flatten_rejection_lateness_unmapped_login(project):
    rejected, direct = flat_rows(project)[1:]
    assert rejected["decision"] == "Ditolak: +Foto kurang dari 4"
    assert rejected["reviews"].startswith("ppid: Minta perubahan, ")  # an unmapped login shows as the login
    assert rejected["title"].endswith("\ufffdexe.png")  # the bidi override made visible
    assert (direct["decision"], direct["timeliness"]) == ("Tanpa pull request (tidak diperiksa)", "Terlambat 2 hari")
    assert direct["corrections"] == "2026-10-18: nama narasumber diperbaiki"


def test_summary_per_month(project):
    register = register_page.load(load_config(project))
    assert register is not None
    months = [(m.label, m.items, m.share_text, m.median_text, m.posts, m.rejected)
              for m in register_page.summary(register)]
    assert months == [
        ("Oktober 2026", 1, "0%", "2 hari", {"facebook": 0, "instagram": 0, "x": 0, "telegram": 1}, 0),
        ("November 2026", 1, "100%", "0 hari", {"facebook": 1, "instagram": 0, "x": 0, "telegram": 0}, 1),
    ]


# --------------------------------------------------------------------------- page and downloads

def test_page_and_downloads(project):
    config = load_config(project)
    files = register_page.render(config)
    page = files[urls.index_source(urls.REGISTER)]
    assert "# Register Dokumentasi dan Konten" in page
    assert "<caption>Register Dokumentasi dan Konten: 3 baris, terbaru di atas</caption>" in page
    assert "Kolom yang tidak dapat diisi di salinan ini: Tayang di situs, Pemeriksaan." in page
    assert "Data register per Minggu, 22 November 2026 08.00 WIB." in page
    for link in ('href="register.csv"', 'href="register.xlsx"', 'href="register.json"', 'src="ringkasan.svg"'):
        assert link in page
    assert '<th scope="col">Tanggal kegiatan (H)</th>' in page
    assert "Rina Kartika — Kepala Bagian Humas: Disetujui" in page
    assert files[urls.register_download("csv")] == tables.write_csv(COLUMNS, flat_rows(project))
    assert json.loads(files[urls.register_download("json")]) == golden()
    assert files[urls.register_chart()].startswith('<svg xmlns="http://www.w3.org/2000/svg" role="img"')
    assert "<title id=\"t\">Ringkasan bulanan register: Oktober 2026: 1 berita, 0 tepat H+1, 0 ditolak; " in \
        files[urls.register_chart()]


def test_csv_golden(project):
    text = register_page.render(load_config(project))[urls.register_download("csv")]
    if os.environ.get("PORTAL_UPDATE_GOLDEN"):
        GOLDEN_CSV.write_bytes(text.encode("utf-8"))
    assert text == GOLDEN_CSV.read_bytes().decode("utf-8")


def test_xlsx_download_reads_back_as_strings(project):
    links = register_page.downloads(load_config(project))
    path = links[urls.register_download("xlsx")]
    sheet = load_workbook(path).active
    values = [[cell.value or "" for cell in row] for row in sheet.iter_rows()]
    assert values[0] == [header for _, header in COLUMNS]
    expected = [[tables.inert_cell(row[key]) for key, _ in COLUMNS] for row in flat_rows(project)]
    assert values[1:] == expected
    assert values[2][1].startswith("'=HYPERLINK(")  # the hostile title: text, not a formula
    assert all(cell.data_type == "s" for row in sheet.iter_rows() for cell in row if cell.value is not None)
    assert register_page.downloads(load_config(project)) == links  # unchanged register: the same cached file


def test_hostile_rows_inert(project):
    files = register_page.render(load_config(project))
    page = files[urls.index_source(urls.REGISTER)]
    assert "<script>" not in page and "<b>penyusup" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "\u202e" not in page and "\ufffdexe.png" in page
    csv_text = files[urls.register_download("csv")]
    assert '"\'=HYPERLINK(""http://evil.example"",""klik"")' in csv_text
    assert '"\'+Foto' not in csv_text and '"Ditolak: +Foto kurang dari 4"' in csv_text
    assert "\u202e" not in csv_text
    assert "\\u202e" in files[urls.register_download("json")] and "\u202e" not in files[urls.register_download("json")]


def test_absent_register_says_so(tmp_path):
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    files = register_page.render(load_config(tmp_path))
    assert list(files) == [urls.index_source(urls.REGISTER)]
    assert EMPTY_LINE in files[urls.index_source(urls.REGISTER)]
    assert register_page.downloads(load_config(tmp_path)) == {}


def _broken(change) -> dict:
    data = golden()
    change(data)
    return data


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["rows"][1].update(title=5), "`rows[1].title` harus teks, ditemukan bilangan"),
    (lambda d: d["rows"][0]["reviews"][1].update(state="LGTM"),
     "`rows[0].reviews[1].state` harus salah satu dari APPROVED, CHANGES_REQUESTED, COMMENTED, ditemukan teks 'LGTM'"),
    (lambda d: d["rows"][0].update(live_at="kemarin"),
     "`rows[0].live_at` harus waktu ISO-8601 dengan zona (2026-11-21T09:30:00+07:00) atau null, ditemukan teks 'kemarin'"),
    (lambda d: d["rows"][0].update(submitted_at="2026-11-20T15:10:00"),
     "`rows[0].submitted_at` harus waktu ISO-8601 dengan zona (2026-11-21T09:30:00+07:00) atau null, "
     "ditemukan teks '2026-11-20T15:10:00'"),
    (lambda d: d["rows"][2].update(days_late=True), "`rows[2].days_late` harus bilangan bulat 0 atau lebih, atau null, "
     "ditemukan true/false"),
    (lambda d: d["rows"][0]["posts"][0].update(platform="myspace"),
     "`rows[0].posts[0].platform` harus salah satu dari facebook, instagram, x, telegram, ditemukan teks 'myspace'"),
    (lambda d: d.update(rows={}), "`rows` harus daftar, ditemukan objek"),
    (lambda d: d["rows"].append("baris"), "`rows[3]` harus objek, ditemukan teks 'baris'"),
    (lambda d: d["rows"][0].update(pr={"number": "12", "url": "u", "title": "t"}), "`rows[0].pr.number` harus bilangan"),
])
def test_malformed_register_refused(project, change, message):
    (project / REGISTER_FILE).write_text(json.dumps(_broken(change)), encoding="utf-8")
    with pytest.raises(PortalError) as caught:
        register_page.load(load_config(project))
    assert str(caught.value).startswith(f".portal/register.json: {message}")
    assert str(caught.value).endswith("; buat ulang berkas itu dengan `portal register --format json --output "
                                      ".portal/register.json` (jangan disunting dengan tangan).")


def test_not_json_refused_with_line(project):
    (project / REGISTER_FILE).write_text('{\n "rows": [\n  {,}\n ]\n}\n', encoding="utf-8")
    with pytest.raises(PortalError) as caught:
        register_page.load(load_config(project))
    assert str(caught.value) == (".portal/register.json:3: bukan JSON yang sah (Expecting property name enclosed in "
                                 "double quotes, kolom 4); buat ulang berkas itu dengan `portal register --format "
                                 "json --output .portal/register.json`.")


def test_read_once_until_the_file_changes(project):
    config = load_config(project)
    first = register_page.load(config)
    assert register_page.load(config) is first
    data = golden()
    data["rows"].pop()
    (project / REGISTER_FILE).write_text(json.dumps(data), encoding="utf-8")
    again = register_page.load(config)
    assert again is not first and again is not None and len(again.rows) == 2


def test_build_refuses_a_malformed_register(tmp_path):
    project = register_project(tmp_path / "p", _broken(lambda d: d["rows"][0].update(decision="ok")))
    result = build(project)
    assert result.returncode == 1
    assert ("Galat: .portal/register.json: `rows[0].decision` harus salah satu dari diterbitkan, ditolak, tanpa-pr, "
            "ditemukan teks 'ok'") in result.stderr + result.stdout
    assert "Traceback" not in result.stderr
    assert not (project / "site").exists()


# --------------------------------------------------------------------------- the built site

def test_built_site_has_page_downloads_and_provenance(built):
    site = built / "site"
    page = (site / "register" / "index.html").read_text(encoding="utf-8")
    assert 'class="portal-register__table portal-register__log"' in page and '<th scope="col">Judul</th>' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert (site / "register" / "register.csv").read_text(encoding="utf-8") == GOLDEN_CSV.read_text(encoding="utf-8")
    assert (site / "register" / "ringkasan.svg").is_file()
    article = (site / "berita" / "2026" / "rapat-paripurna-penetapan-apbd-2027" / "index.html").read_text(encoding="utf-8")
    assert f'<p class="portal-provenance">{PROVENANCE}</p>' in article
    direct = (site / "berita" / "2026" / "bapemperda-harmonisasi-raperda-pengelolaan-sampah" / "index.html")
    assert ('<p class="portal-provenance">Tanpa pemeriksaan (langsung ke cabang utama) · Terbit Sabtu, 17 Oktober '
            "2026 10.00 WIB</p>") in direct.read_text(encoding="utf-8")
    ppid = (site / "ppid" / "index.html").read_text(encoding="utf-8")
    assert 'href="../register/"' in ppid


def test_built_site_has_the_xlsx(built):
    sheet = load_workbook(built / "site" / "register" / "register.xlsx").active
    assert [cell.value for cell in sheet[1]] == [header for _, header in COLUMNS]


def test_provenance_fields(project):
    from pipeline.check.rules import check

    shutil.copytree(REPO / "content", project / "content")
    config = load_config(project)
    items = {item.folder.name: item for item in check(config).items}
    provenance = register_page.provenance(config, items[ARTICLES[0]])
    assert provenance is not None and provenance.text == PROVENANCE
    assert provenance.reviewed_by == ["Rina Kartika — Kepala Bagian Humas", "Ahmad Fauzi — Ketua PPID Pelaksana"]
    assert provenance.last_reviewed == "2026-11-21T08:35:00+07:00"
    assert register_page.provenance(config, items["2026-09-03-bimtek-pelayanan-informasi-publik"]) is None


def test_phone_labels_follow_the_columns():
    """The phone layout names each cell from portal.css, one rule per column of ``COLUMNS``, in order."""
    css = (REPO / "overrides" / "assets" / "portal.css").read_text(encoding="utf-8")
    labels = re.findall(r'\.portal-register__log tbody > tr > :nth-child\((\d+)\)::before \{ content: "([^"]*)"; \}', css)
    assert [(int(n), header) for n, header in labels] == [(n, h) for n, (_, h) in enumerate(COLUMNS, start=1)]
