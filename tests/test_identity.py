"""The institution's identity (``extra.portal.identity``) and the home page's quick links in mkdocs.yml.

Every key is checked when the config is read, with an Indonesian message that names the key and
the fix; the site shows them in the header, the footer and the head (tests/test_home.py).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from pipeline.config import load_config
from pipeline.errors import PortalError

REPO = Path(__file__).resolve().parent.parent


def project(root: Path, identity=None, quick_links=None, logo=None, assets: bool = True) -> Path:
    """mkdocs.yml of the repo with ``identity`` / ``quick_links`` / ``theme.logo`` replaced (None: as is)."""
    data = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    portal = data["extra"]["portal"]
    if identity is not None:
        portal["identity"] = identity
    if quick_links is not None:
        portal["quick_links"] = quick_links
    if logo is not None:
        data["theme"]["logo"] = logo
    (root / "mkdocs.yml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (root / "overrides").mkdir(exist_ok=True)
    if assets:
        shutil.copytree(REPO / "overrides" / "assets", root / "overrides" / "assets", dirs_exist_ok=True)
    return root


def sample_identity(**changes) -> dict:
    identity = dict(yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))["extra"]["portal"]["identity"])
    identity.update(changes)
    return {key: value for key, value in identity.items() if value is not None}


def problems(root: Path) -> list[str]:
    with pytest.raises(PortalError) as caught:
        load_config(root)
    head, *lines = str(caught.value).split("\n")
    assert head == "mkdocs.yml tidak valid:"
    return [line.removeprefix("  - ") for line in lines]


def test_the_sample_identity_and_quick_links_are_read(tmp_path):
    config = load_config(project(tmp_path))
    assert config.identity["name"] == "Sekretariat DPRD Kabupaten Contoh"
    assert config.identity["short_name"] == "DPRD Kab. Contoh"
    assert config.identity["emblem"] == "assets/lambang.svg"
    assert config.quick_links[0] == ("PPID", "ppid/")
    assert ("Aspirasi", "aspirasi/") in config.quick_links


def test_the_sample_emblem_and_its_share_image_are_real_files():
    from PIL import Image

    assert b"<svg" in (REPO / "overrides/assets/lambang.svg").read_bytes()[:200]
    with Image.open(REPO / "overrides/assets/lambang-og.png") as image:
        assert (image.format, image.size) == ("PNG", (1200, 630))


def test_unknown_key_missing_name_and_bad_contacts(tmp_path):
    identity = sample_identity(name=None, motto="Bersama membangun", email="setwan(at)contoh", phone="telp kantor",
                               social={"instagram": "http://instagram.com/dprd", "x": "javascript:alert(1)"})
    assert problems(project(tmp_path, identity=identity)) == [
        "kunci `extra.portal.identity.motto` tidak dikenal (yang dikenal: name, short_name, emblem, address, phone, "
        "email, hours, social)",
        "`extra.portal.identity.name` harus teks yang tidak kosong, misalnya "
        "`name: Sekretariat DPRD Kabupaten Contoh`",
        "`extra.portal.identity.phone` bukan nomor telepon: `telp kantor`; tulis angka saja, misalnya "
        "`phone: (0511) 123456`",
        "`extra.portal.identity.email` bukan alamat e-mail: `setwan(at)contoh`; misalnya "
        "`email: setwan@dprd.contoh.go.id`",
        "`extra.portal.identity.social.instagram` harus alamat https:// yang lengkap, misalnya "
        "`https://www.instagram.com/dprdcontoh`; sekarang `http://instagram.com/dprd`",
        "`extra.portal.identity.social.x` harus alamat https:// yang lengkap, misalnya "
        "`https://www.instagram.com/dprdcontoh`; sekarang `javascript:alert(1)`",
    ]


def test_short_name_must_fit_a_phone_and_hours_must_be_text(tmp_path):
    identity = sample_identity(short_name="Dewan Perwakilan Rakyat Daerah Kabupaten Contoh", hours={"senin": "08.00"})
    assert problems(project(tmp_path, identity=identity)) == [
        "`extra.portal.identity.short_name` paling banyak 24 karakter agar terbaca di layar ponsel 360 px "
        "(sekarang 47), misalnya `short_name: DPRD Kab. Contoh`",
        "`extra.portal.identity.hours` harus teks atau daftar teks, misalnya "
        "`hours: [\"Senin–Kamis 08.00–15.30 WIB\", \"Jumat 08.00–11.00 WIB\"]`",
    ]


def test_identity_must_be_a_mapping(tmp_path):
    assert problems(project(tmp_path, identity=["Sekretariat DPRD"])) == [
        "`extra.portal.identity` harus berisi pasangan `kunci: nilai`, misalnya "
        "`name: Sekretariat DPRD Kabupaten Contoh`"]


def test_emblem_file_missing(tmp_path):
    root = project(tmp_path, identity=sample_identity(emblem="assets/logo-kabupaten.svg"),
                   logo="assets/logo-kabupaten.svg")
    assert problems(root) == ["`extra.portal.identity.emblem`: berkas `overrides/assets/logo-kabupaten.svg` tidak "
                              "ada; simpan lambang di sana atau perbaiki path-nya"]


def test_emblem_must_be_svg_or_png_inside_the_theme_folder(tmp_path):
    root = project(tmp_path, identity=sample_identity(emblem="assets/lambang.gif"), logo="assets/lambang.gif")
    assert problems(root) == ["`extra.portal.identity.emblem`: `assets/lambang.gif` bukan SVG atau PNG; simpan "
                              "lambang sebagai `.svg` atau `.png`"]
    root = project(tmp_path, identity=sample_identity(emblem="../rahasia.svg"))
    assert problems(root)[0] == ("`extra.portal.identity.emblem` harus path berkas di dalam folder `overrides/`, "
                                 "misalnya `emblem: assets/lambang.svg`")


def test_emblem_content_must_match_its_extension_and_have_a_share_image(tmp_path):
    root = project(tmp_path, identity=sample_identity(emblem="assets/lambang.png"), logo="assets/lambang.png")
    shutil.copy(REPO / "overrides/assets/lambang.svg", root / "overrides/assets/lambang.png")  # an SVG named .png
    assert problems(root) == [
        "`extra.portal.identity.emblem`: isi `overrides/assets/lambang.png` bukan PNG yang sah; simpan ulang "
        "lambang sebagai berkas PNG"]
    (root / "overrides/assets/lambang-og.png").unlink()
    (root / "overrides/assets/lambang.png").write_bytes((REPO / "overrides/assets/lambang-og.png").read_bytes())
    assert problems(root) == [
        "`extra.portal.identity.emblem`: gambar berbagi `overrides/assets/lambang-og.png` (PNG 1200x630 piksel, "
        "gambar bawaan og:image) tidak ada atau ukurannya salah; buat dari lambang dengan ukuran itu"]


def test_header_logo_must_be_the_emblem(tmp_path):
    root = project(tmp_path, logo="assets/logo-lain.svg")
    assert problems(root) == ["`theme.logo` (`assets/logo-lain.svg`) harus sama dengan "
                              "`extra.portal.identity.emblem` (`assets/lambang.svg`): satu lambang di kepala halaman, "
                              "ikon situs dan gambar berbagi"]


def test_a_project_without_theme_files_skips_the_emblem_file(tmp_path):
    """A bare project (tests, a fresh copy) builds with the stock theme, which draws no emblem."""
    config = load_config(project(tmp_path, assets=False))
    assert config.identity["emblem"] == "assets/lambang.svg"


def test_quick_links_shape(tmp_path):
    links = [{"label": "PPID", "url": "ppid/"}, {"label": "", "url": "kontak/"},
             {"label": "Luar", "url": "http://contoh.com"}, {"label": "Naik", "url": "../rahasia/"},
             {"url": "register/"}, "aspirasi/", {"label": "LPSE", "url": "https://lpse.contoh.go.id/"}]
    assert problems(project(tmp_path, quick_links=links)) == [
        "`extra.portal.quick_links` nomor 2: `label` harus teks yang tidak kosong",
        "`extra.portal.quick_links` nomor 3: `url` harus path di situs ini (misalnya `ppid/`) atau alamat https:// "
        "yang lengkap; sekarang `http://contoh.com`",
        "`extra.portal.quick_links` nomor 4: `url` harus path di situs ini (misalnya `ppid/`) atau alamat https:// "
        "yang lengkap; sekarang `../rahasia/`",
        "`extra.portal.quick_links` nomor 5 harus berisi tepat `label` dan `url`, misalnya "
        "`- {label: PPID, url: ppid/}`",
        "`extra.portal.quick_links` nomor 6 harus berisi tepat `label` dan `url`, misalnya "
        "`- {label: PPID, url: ppid/}`",
    ]
