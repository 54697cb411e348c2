"""The council (issue 18, part 4): members per term, factions, bodies; their rules, pages and portraits.

Rules run in-process on small projects (``new_project``); the pages are staged
from the same model (``stage``, no engine); the repo's sample is built once per
engine for what only a finished site shows (EXIF stripped, variants linked,
JSON-LD).
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import textwrap
from pathlib import Path

import pytest
from conftest import REPO, TODAY, jpeg_bytes, missing_tool, new_project, run_cli
from PIL import Image

from pipeline.check.rules import check
from pipeline.config import load_config
from pipeline.content import urls
from pipeline.photos import images
from pipeline.site.stage import stage

TERM = "2024-2029"
TERM_YML = textwrap.dedent("""\
    start: 2024-08-19
    end: 2029-08-18
    factions:
      fraksi-maju: {name: "Fraksi Partai Maju Bersama", short: "F-PMB"}
      fraksi-karya: {name: "Fraksi Partai Karya Nusantara", short: "F-PKN"}
    electoral_districts:
      dapil-i: "Dapil I: Kecamatan Contoh Kota"
      dapil-ii: "Dapil II: Kecamatan Contoh Hulu"
    """)


def member_text(name: str = "Ahmad Contoh, S.H.", *, faction: str = "fraksi-maju", district: str = "dapil-i",
                position: str = "Anggota", bodies: str = "[{body: komisi-i, role: Anggota}]",
                photo: str = "{file: potret.jpg, alt: \"Foto potret Ahmad Contoh\"}", extra: str = "",
                profile: str = "Profil singkat anggota DPRD Kabupaten Contoh.") -> str:
    return (f"---\nname: {name}\nphoto: {photo}\nfaction: {faction}\ndistrict: {district}\nposition: {position}\n"
            f"bodies: {bodies}\n{extra}---\n\n{profile}\n")


def add_member(project: Path, slug: str, text: str, term: str = TERM, portrait: bool = True) -> Path:
    folder = project / "content" / "anggota" / term / slug
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.md").write_text(text, encoding="utf-8")
    if portrait:
        (folder / "potret.jpg").write_bytes(jpeg_bytes((40, 50)))
    return folder


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("PORTAL_TODAY", TODAY)
    root = new_project(tmp_path / "site")
    term = root / "content" / "anggota" / TERM
    term.mkdir(parents=True)
    (term / "masa-jabatan.yml").write_text(TERM_YML, encoding="utf-8")
    return root


def problems(project: Path) -> list[str]:
    """``file:line [rule] message`` of every problem of the project."""
    report = check(load_config(project))
    return [f"{p.file}:{p.line} [{p.rule}] {p.message}" for p in report.problems]


# --------------------------------------------------------------------------- rules

def test_a_valid_member_has_no_problem(project):
    add_member(project, "ahmad-contoh", member_text())
    assert problems(project) == []


def test_name_faction_district_body_and_role_rules(project):
    add_member(project, "tanpa-nama", member_text(
        name='""', faction="fraksi-hilang", district="dapil-ix",
        bodies="[{body: komisi-v, role: Ketua}, {body: komisi-i, role: Bendahara}]"))
    where = "content/anggota/2024-2029/tanpa-nama/index.md"
    known_bodies = ("`paripurna`, `pimpinan`, `bamus`, `banggar`, `bapemperda`, `bk`, `komisi-i`, `komisi-ii`, "
                    "`komisi-iii`, `komisi-iv`")
    found = problems(project)
    assert f"{where}:2 [member-name] Nama anggota belum diisi. Tulis nama lengkap dengan gelar, misalnya " \
           "`name: \"H. Ahmad Contoh, S.H.\"`." in found
    assert f"{where}:4 [member-faction] Fraksi `fraksi-hilang` tidak dikenal di masa jabatan 2024-2029. Pilih salah " \
           "satu: `fraksi-maju`, `fraksi-karya` (daftar `factions:` di " \
           "content/anggota/2024-2029/masa-jabatan.yml)." in found
    assert f"{where}:5 [member-district] Dapil `dapil-ix` tidak dikenal di masa jabatan 2024-2029. Pilih salah satu: " \
           "`dapil-i`, `dapil-ii` (daftar `electoral_districts:` di content/anggota/2024-2029/masa-jabatan.yml)." \
           in found
    body = next(line for line in found if "[member-body]" in line)
    assert body.startswith(f"{where}:7 [member-body] Alat kelengkapan `komisi-v` tidak dikenal. Pilih salah satu: "
                           f"{known_bodies}")
    assert body.endswith(" (daftar `extra.portal.bodies` di mkdocs.yml).")
    assert f"{where}:7 [member-role] Jabatan `Bendahara` di alat kelengkapan tidak dikenal. Pilih salah satu: " \
           "Ketua, Wakil Ketua, Sekretaris, Anggota." in found
    assert len(found) == 5, found


def test_two_chairs_of_one_body(project):
    add_member(project, "ahmad-contoh", member_text(bodies="[{body: komisi-i, role: Ketua}]"))
    add_member(project, "budi-contoh", member_text("Budi Contoh", bodies="[{body: komisi-i, role: Ketua}]"))
    assert problems(project) == [
        "content/anggota/2024-2029/budi-contoh/index.md:7 [body-two-chairs] Komisi I sudah punya Ketua: Ahmad "
        "Contoh, S.H. (content/anggota/2024-2029/ahmad-contoh/index.md). Satu alat kelengkapan hanya punya satu "
        "Ketua; ubah salah satunya menjadi `Wakil Ketua` atau `Anggota`."]


def test_a_chair_who_left_early_is_not_a_second_chair(project):
    add_member(project, "ahmad-contoh", member_text(bodies="[{body: komisi-i, role: Ketua}]",
                                                    extra="until: 2025-06-30\n"))
    add_member(project, "budi-contoh", member_text("Budi Contoh", bodies="[{body: komisi-i, role: Ketua}]"))
    assert problems(project) == []


def test_photo_missing_not_an_image_and_alt_missing(project):
    add_member(project, "tanpa-foto", member_text(photo="{alt: \"Foto potret\"}"), portrait=False)
    add_member(project, "foto-hilang", member_text(photo="{file: potret-baru.jpg, alt: \"Foto potret Ahmad\"}"))
    folder = add_member(project, "bukan-gambar", member_text(photo="{file: potret.jpg}"), portrait=False)
    (folder / "potret.jpg").write_text("bukan foto", encoding="utf-8")
    assert problems(project) == [
        "content/anggota/2024-2029/bukan-gambar/index.md:3 [member-photo-alt] Alt foto `potret.jpg` belum diisi. "
        "Tulis siapa yang terlihat, misalnya `alt: \"Foto potret Ahmad Contoh, S.H.\"`.",
        "content/anggota/2024-2029/bukan-gambar/index.md:3 [photo-type] Berkas `potret.jpg` berekstensi `.jpg` "
        "tetapi bukan berkas gambar yang dikenali. Ekspor ulang fotonya dari kamera/ponsel, atau ganti "
        "ekstensinya sesuai isi.",
        "content/anggota/2024-2029/foto-hilang/index.md:3 [photo-missing] Berkas foto `potret-baru.jpg` tidak "
        "ditemukan. Mungkin maksud Anda `potret.jpg`?",
        "content/anggota/2024-2029/tanpa-foto/index.md:3 [member-photo] Foto anggota belum dicantumkan. Letakkan "
        "foto potret di folder anggota dan tulis `photo: {file: potret.jpg, alt: \"Foto potret <nama>\"}`.",
    ]


def test_a_portrait_with_a_gps_position_is_refused(project):
    folder = add_member(project, "ahmad-contoh", member_text(), portrait=False)
    exif = Image.Exif()
    exif.get_ifd(0x8825)[1] = "S"  # GPSLatitudeRef: enough to make a GPS IFD
    Image.new("RGB", (40, 50), (90, 90, 100)).save(folder / "potret.jpg", "JPEG", exif=exif)
    assert problems(project) == [
        "content/anggota/2024-2029/ahmad-contoh/index.md:3 [photo-location] Foto asli `potret.jpg` menyimpan posisi "
        "GPS di metadatanya; repositori ini dapat dibaca publik. Hapus dengan `portal clean-photos "
        "content/anggota/2024-2029/ahmad-contoh/potret.jpg` (gambarnya tidak diubah). Lewat editor web: hapus foto "
        "ini dari usulan, unggah ulang tanpa lokasi (di ponsel: matikan lokasi saat membagikan foto) atau minta admin "
        "menjalankan perintah itu."]


def test_hostile_name_and_profile_are_reported(project):
    add_member(project, "ahmad-contoh", member_text(
        name='"<img src=x onerror=alert(1)>Ahmad"',
        profile="Profil.\n\n<script>alert(document.cookie)</script>\n"))
    found = problems(project)
    where = "content/anggota/2024-2029/ahmad-contoh/index.md"
    assert f"{where}:2 [text-markup] `name` harus teks biasa, tanpa HTML atau format Markdown (`<...>`, `**`, " \
           "`__`, `` ` ``, `[..](..)`). Hapus tanda format itu." in found
    assert f"{where}:12 [html-tag] Tag HTML `<script>` tidak diizinkan di narasi. Hapus tag itu; tulis narasi " \
           "dengan Markdown biasa." in found
    assert len(found) == 2, found


def test_same_member_twice_and_bad_folder_name(project):
    add_member(project, "ahmad-contoh", member_text())
    add_member(project, "Ahmad-Contoh", member_text())
    assert problems(project) == [
        "content/anggota/2024-2029/Ahmad-Contoh/index.md:1 [member-slug] Nama folder anggota `Ahmad-Contoh` harus "
        "huruf kecil, angka dan tanda hubung, misalnya `ahmad-contoh`: nama folder menjadi alamat halaman anggota.",
        "content/anggota/2024-2029/ahmad-contoh/index.md:1 [member-duplicate] Anggota `ahmad-contoh` sudah ada di "
        "masa jabatan 2024-2029 (folder `Ahmad-Contoh`). Satu anggota cukup satu folder: gabungkan lalu hapus "
        "salah satunya.",
    ]


def test_term_folder_without_its_file_and_a_badly_named_term(project):
    add_member(project, "ahmad-contoh", member_text(), term="2019-2024")
    (project / "content" / "anggota" / "periode-lama").mkdir()
    found = problems(project)
    assert "content/anggota/2019-2024/masa-jabatan.yml:1 [term-file] Folder masa jabatan `2019-2024` belum punya " \
           "`masa-jabatan.yml`. Buat berkas itu berisi `start:`, `end:`, `factions:` dan `electoral_districts:` " \
           "(lihat Panduan Penulis, bagian Anggota DPRD)." in found
    assert "content/anggota/periode-lama:1 [term-folder] Folder `periode-lama` bukan masa jabatan. Beri nama folder " \
           "dengan tahun awal dan akhir masa jabatan, misalnya `content/anggota/2024-2029/`." in found


def test_term_dates_must_match_the_folder(project):
    (project / "content" / "anggota" / TERM / "masa-jabatan.yml").write_text(
        TERM_YML.replace("start: 2024-08-19", "start: 2023-08-19"), encoding="utf-8")
    assert problems(project) == [
        "content/anggota/2024-2029/masa-jabatan.yml:1 [term-dates] `start` harus tanggal tahun 2024 (sesuai nama "
        "folder `2024-2029`), ditulis YYYY-MM-DD, misalnya `start: 2024-08-19`."]


def test_check_of_one_member_reads_only_that_member(project):
    add_member(project, "ahmad-contoh", member_text(faction="fraksi-hilang"))
    add_member(project, "budi-contoh", member_text("Budi Contoh"))
    result = run_cli(project, "check", "content/anggota/2024-2029/budi-contoh")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "fraksi-hilang" not in result.stdout


# --------------------------------------------------------------------------- pages (staged)

def staged(project: Path) -> dict[str, str]:
    """The staged pages of ``project`` (its members' portraits processed into a cache under it)."""
    config = load_config(project)
    report = check(config)
    from pipeline.site import sections

    cache = project / ".portal" / "cache"
    processed, _, failures = images.process(sections.photo_paths(report.content), cache)
    assert not failures
    files, _ = stage(config, report.items, report.pages, None, processed, cache, content=report.content)
    return files


def test_member_page_body_chair_first_faction_seats_and_earlier_term(project):
    add_member(project, "budi-contoh", member_text("Budi Contoh", bodies="[{body: komisi-i, role: Anggota}]"))
    add_member(project, "ahmad-contoh", member_text(position="Ketua DPRD", bodies="[{body: komisi-i, role: Ketua}]"))
    old = project / "content" / "anggota" / "2019-2024"
    old.mkdir()
    (old / "masa-jabatan.yml").write_text(TERM_YML.replace("2024-08-19", "2019-08-19").replace(
        "2029-08-18", "2024-08-18"), encoding="utf-8")
    add_member(project, "citra-contoh", member_text("Citra Contoh"), term="2019-2024")
    files = staged(project)
    member = files[urls.index_source(urls.member(TERM, "ahmad-contoh"))]
    assert '<dt>Fraksi</dt><dd><a href="../../../fraksi/2024-2029/fraksi-maju/">Fraksi Partai Maju Bersama</a></dd>' \
        in member
    assert '<dt>Daerah pemilihan</dt><dd>Dapil I: Kecamatan Contoh Kota</dd>' in member
    assert '<li><a href="../../../alat-kelengkapan/2024-2029/komisi-i/">Komisi I</a>: Ketua</li>' in member
    assert 'srcset="foto/potret-w480.webp 40w"' in member and 'src="foto/potret-fallback.jpg"' in member
    body = files[urls.index_source(urls.body(TERM, "komisi-i"))]
    assert body.index("Ahmad Contoh, S.H.") < body.index("Budi Contoh")  # the chair first
    faction = files[urls.index_source(urls.faction(TERM, "fraksi-maju"))]
    assert "<h2>2 kursi</h2>" in faction
    factions = files[urls.index_source(urls.term_factions(TERM))]
    assert '<li><a href="fraksi-maju/">Fraksi Partai Maju Bersama (F-PMB)</a> (2)</li>' in factions
    current = files[urls.index_source(urls.COUNCIL)]
    assert "# Anggota DPRD Masa jabatan 2024–2029\n" in current and "Citra Contoh" not in current
    assert '<li><a href="2019-2024/">Masa jabatan 2019–2024 (sebelumnya)</a></li>' in current
    assert "# Anggota DPRD Masa jabatan 2019–2024 (sebelumnya)\n" in files[urls.index_source(urls.term("2019-2024"))]


def test_member_news_are_the_items_with_their_tag_newest_first(project):
    add_member(project, "ahmad-contoh", member_text(extra="tag: apbd-2027\n"))
    for day in ("2026-11-04", "2026-11-20"):  # the two paripurna items on APBD 2027
        source = REPO / "content" / "berita" / "2026"
        found = next(p for p in source.iterdir() if p.name.startswith(day))
        shutil.copytree(found, project / "content" / "berita" / "2026" / found.name)
    files = staged(project)
    member = files[urls.index_source(urls.member(TERM, "ahmad-contoh"))]
    news = re.findall(r'<li><a href="\.\./\.\./\.\./(berita/2026/[^"]+)">', member)
    assert news == ["berita/2026/rapat-paripurna-penetapan-apbd-2027/",
                    "berita/2026/paripurna-pandangan-umum-fraksi-raperda-apbd-2027/"]


def test_a_member_without_news_says_so(project):
    add_member(project, "ahmad-contoh", member_text(extra="tag: tidak-dipakai\n"))
    member = staged(project)[urls.index_source(urls.member(TERM, "ahmad-contoh"))]
    assert '<p class="portal-intro">Belum ada berita tentang anggota ini.</p>' in member


def test_hostile_names_are_escaped_in_the_staged_pages(project):
    # Staged without the check (which refuses them): the templates must escape on their own.
    hostile = '<img src=x onerror=alert(1)>'
    text = member_text(name=json.dumps(hostile + "Ahmad"))
    add_member(project, "ahmad-contoh", text)
    config = load_config(project)
    from pipeline.content.load import load

    content = load(config)
    files, _ = stage(config, [], [], None, {}, None, content=content)
    for name in (urls.index_source(urls.member(TERM, "ahmad-contoh")), urls.index_source(urls.COUNCIL),
                 urls.index_source(urls.body(TERM, "komisi-i"))):
        body = files[name].split("\n---\n", 1)[1]  # front-matter text is the plugin's to escape (TEXT_KEYS)
        assert hostile not in body
        assert "&lt;img src=x onerror=alert(1)&gt;Ahmad" in body


def test_no_council_still_stages_the_nav_page(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_TODAY", TODAY)
    root = new_project(tmp_path / "site")
    config = load_config(root)
    from pipeline.content.load import load

    files, _ = stage(config, [], [], None, {}, None, content=load(config))
    assert '<p class="portal-intro">Belum ada data anggota DPRD.</p>' in files[urls.index_source(urls.COUNCIL)]


# --------------------------------------------------------------------------- the sample, built

@pytest.fixture(scope="module")
def sample_project(tmp_path_factory) -> Path:
    """The repo's site project, copied once: both engines' builds share its photo cache."""
    project = tmp_path_factory.mktemp("council")
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    for name in ("overrides", "content"):
        shutil.copytree(REPO / name, project / name)
    return project


@pytest.fixture(scope="module", params=["mkdocs", "zensical"])
def sample_site(request, sample_project) -> Path:
    if request.param == "zensical" and importlib.util.find_spec("zensical") is None:
        missing_tool("Zensical is not installed in this virtualenv")
    site = sample_project / f"site-{request.param}"
    result = run_cli(sample_project, "build", "--engine", request.param, "--site-dir", str(site))
    assert result.returncode == 0, result.stdout + result.stderr
    return site


def test_sample_council_pages_are_built(sample_site):
    member = (sample_site / urls.member(TERM, "ahmad-fauzi") / "index.html").read_text(encoding="utf-8")
    assert "Fraksi Partai Maju Bersama" in member and "Rapat Paripurna Penetapan APBD 2027" in member
    ld = [json.loads(m) for m in re.findall(r'<script type="application/ld\+json">(.*?)</script>', member)]
    person = next(d for d in ld if d.get("@type") == "Person")
    assert person["name"] == "H. Ahmad Fauzi, S.H." and person["jobTitle"] == "Ketua DPRD"
    assert person["memberOf"] == [{"@type": "GovernmentOrganization", "name": "DPRD Kabupaten Contoh"},
                                  {"@type": "Organization", "name": "Fraksi Partai Maju Bersama"}]
    assert person["image"] == "https://dprd.contoh.go.id/anggota/2024-2029/ahmad-fauzi/foto/potret-fallback.jpg"
    for path in (urls.COUNCIL, urls.term("2019-2024"), urls.body(TERM, "banggar"), urls.faction(TERM, "fraksi-suara-desa"),
                 urls.BODIES, urls.FACTIONS):
        assert (sample_site / path / "index.html").is_file(), path


def test_sample_portraits_are_variants_without_exif_and_every_link_resolves(sample_site):
    folder = sample_site / urls.member(TERM, "ahmad-fauzi")
    assert not (folder / "potret.jpg").exists()  # never the original
    names = sorted(p.name for p in (folder / "foto").iterdir())
    assert names == ["potret-fallback.jpg", "potret-w480.webp", "potret-w960.webp"]
    for path in (folder / "foto").iterdir():
        with Image.open(path) as image:
            assert not image.getexif(), path
    page = (folder / "index.html").read_text(encoding="utf-8")
    for src in re.findall(r'(?:src|srcset)="([^"]+)"', page):
        for part in src.split(","):
            target = part.strip().split(" ")[0]
            if target.startswith("foto/"):
                assert (folder / target).is_file(), target


def test_term_lists_member_tag_until_unknown_key_and_folder_without_index(project):
    (project / "content" / "anggota" / TERM / "masa-jabatan.yml").write_text(
        "start: 2024-08-19\nend: 2029-08-18\nfactions:\n  fraksi-karya: F-PKN\nelectoral_districts: []\n",
        encoding="utf-8")
    add_member(project, "ahmad-contoh", member_text(faction="fraksi-karya", extra="tag: Ahmad Contoh\n"
                                                    "until: 2031-01-01\nfoto: x\n"))
    (project / "content" / "anggota" / TERM / "tanpa-index").mkdir()
    found = [line for line in problems(project) if "[member-faction]" not in line and "[member-district]" not in line]
    term = f"content/anggota/{TERM}/masa-jabatan.yml"
    member = f"content/anggota/{TERM}/ahmad-contoh/index.md"
    assert found == [
        f"{member}:8 [member-tag] `tag` `Ahmad Contoh` harus satu tag berita: huruf kecil, angka dan tanda hubung, "
        "misalnya `tag: ahmad-contoh`. Berita anggota ini adalah berita yang memuat tag itu.",
        f"{member}:9 [member-until] `until` harus tanggal berhenti menjabat di dalam masa jabatan 2024–2029, "
        "ditulis YYYY-MM-DD, misalnya `until: 2026-03-31`. Hapus kunci ini bila anggota masih menjabat.",
        f"{member}:10 [member-key] Kunci `foto` tidak dikenal di data anggota. Mungkin maksud Anda `photo`?",
        f"{term}:4 [term-factions] Fraksi `fraksi-karya` harus punya slug huruf kecil-dan-tanda-hubung dan `name:`, "
        "misalnya `fraksi-maju: {name: \"Fraksi Partai Maju Bersama\", short: \"F-PMB\"}`.",
        f"{term}:5 [term-districts] `electoral_districts` harus berisi daerah pemilihan, satu per slug, misalnya "
        "`dapil-i: \"Dapil I: Kecamatan Contoh Kota, Contoh Utara\"`.",
        f"content/anggota/{TERM}/tanpa-index/index.md:1 [member-file] Folder anggota tanpa index.md. Setiap anggota "
        "butuh berkas index.md berisi front-matter (`name:`, `faction:`, `photo:` ...) dan profil singkat."]
