"""Private originals: `photo-location` in `portal check` and `portal clean-photos` (pipeline/photos/metadata.py).

Every photo is made here with Pillow (and pillow-heif): a GPS IFD, owner and
serial numbers in EXIF, GPS and serial properties in XMP. exiftool is the
second opinion that they are gone; Pillow reads the cleaned files to prove
they are still valid and that their pixels did not change.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from conftest import listed_jpeg, missing_tool, new_project, run_main
from pipeline.photos import metadata

FOLDER = "content/berita/2026/2026-11-20-rapat-paripurna-penetapan-apbd-2027"
XMP = (b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
       b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" '
       b'xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:exif="http://ns.adobe.com/exif/1.0/" '
       b'xmlns:aux="http://ns.adobe.com/exif/1.0/aux/" xmp:CreatorTool="Ponsel Contoh" '
       b'exif:GPSLatitude="7,15.0583S" exif:GPSLongitude="110,24.1541E">'
       b'<aux:SerialNumber>SN-4411-0917</aux:SerialNumber></rdf:Description></rdf:RDF></x:xmpmeta>'
       b'<?xpacket end="w"?>')


def private_exif(owner: bool = True) -> Image.Exif:
    exif = Image.Exif()
    exif[0x0110] = "Ponsel Contoh"  # Model: not private, must stay
    gps = exif.get_ifd(0x8825)
    gps.update({0: b"\x02\x02\x00\x00", 1: "S", 2: (7.0, 15.0, 3.5), 3: "E", 4: (110.0, 24.0, 9.25)})
    if owner:
        exif.get_ifd(0x8769).update({0xA430: "Budi Santoso", 0xA431: "SN-4411-0917", 0xA435: "LENS-88123",
                                     0x9003: "2026:11:20 09:12:25"})
    return exif


def picture() -> Image.Image:
    image = Image.new("RGB", (1280, 960), (40, 90, 160))
    image.paste((220, 180, 20), (100, 100, 700, 500))
    return image


def save(path, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    picture().save(buffer, fmt, **options)
    path.write_bytes(buffer.getvalue())
    return buffer.getvalue()


def exiftool_tags(path) -> str:
    tool = shutil.which("exiftool")
    if not tool:
        missing_tool("exiftool not installed (apt-get install libimage-exiftool-perl)")
    result = subprocess.run([tool, "-a", "-G1", "-s", "-warning", "-error", "-all", str(path)],
                            capture_output=True, text=True, check=True)
    return result.stdout


def scan_bytes(data: bytes) -> bytes:
    """A JPEG's entropy-coded data: from its first SOS marker to the end (EOI)."""
    return data[data.index(b"\xff\xda"):]


def pixels(path) -> bytes:
    with Image.open(path) as image:
        return image.convert("RGB").tobytes()


@pytest.fixture
def project(tmp_path):
    root = new_project(tmp_path / "site")
    (root / FOLDER).mkdir(parents=True)
    return root


def clean(project, monkeypatch, capsys, *paths):
    return run_main(project, monkeypatch, capsys, "clean-photos", *paths)


def assert_private_gone(path) -> None:
    tags = exiftool_tags(path)
    assert "GPS" not in tags and "SN-4411" not in tags and "Budi" not in tags and "LENS-88123" not in tags, tags
    assert "Warning" not in tags and "Error" not in tags, tags
    assert metadata.scan(path) == []


# --------------------------------------------------------------------------- formats

def test_jpeg_loses_gps_owner_and_serials_and_keeps_its_scan_bytes(project, monkeypatch, capsys):
    photo = project / FOLDER / "01-pembukaan.jpg"
    before = save(photo, "JPEG", quality=85, exif=private_exif())
    assert "GPSLatitude" in exiftool_tags(photo)
    code, out, err = clean(project, monkeypatch, capsys)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"{FOLDER}/01-pembukaan.jpg: posisi GPS, nama pemilik kamera, nomor seri kamera dan nomor seri lensa dihapus",
        "1 foto diperiksa, 1 dibersihkan, 0 gagal."]
    after = photo.read_bytes()
    assert scan_bytes(after) == scan_bytes(before) and len(after) == len(before)
    assert_private_gone(photo)
    tags = exiftool_tags(photo)
    assert "Ponsel Contoh" in tags and "2026:11:20 09:12:25" in tags  # the rest of EXIF stays
    assert not [p for p in photo.parent.iterdir() if p.name.startswith(".clean-")]  # no temp file left


def test_jpeg_xmp_properties_are_blanked_and_the_packet_stays_xml(project, monkeypatch, capsys):
    photo = project / FOLDER / "02-xmp.jpg"
    before = save(photo, "JPEG", quality=85, xmp=XMP)
    assert metadata.scan(photo) == ["posisi GPS", "nomor seri kamera"]
    code, out, _ = clean(project, monkeypatch, capsys, f"{FOLDER}/02-xmp.jpg")
    assert code == 0 and out.splitlines()[0] == f"{FOLDER}/02-xmp.jpg: posisi GPS dan nomor seri kamera dihapus"
    after = photo.read_bytes()
    assert scan_bytes(after) == scan_bytes(before)
    packet = after[after.index(b"<?xpacket begin"):after.index(b'<?xpacket end="w"?>') + 19]
    ET.fromstring(packet.split(b"?>", 1)[1].rsplit(b"<?xpacket", 1)[0])  # still well-formed XML
    assert b"GPS" not in packet and b"SN-4411" not in packet and b"Ponsel Contoh" in packet
    assert_private_gone(photo)


@pytest.mark.parametrize("fmt, name, options", [
    ("PNG", "03-bagan.png", {}),
    ("WEBP", "04-suasana.webp", {"lossless": True}),
], ids=["png-eXIf", "webp-EXIF"])
def test_png_and_webp(project, monkeypatch, capsys, fmt, name, options):
    photo = project / FOLDER / name
    save(photo, fmt, exif=private_exif(), **options)
    original = pixels(photo)
    code, out, _ = clean(project, monkeypatch, capsys, FOLDER)
    assert code == 0
    assert out.splitlines()[0] == (f"{FOLDER}/{name}: posisi GPS, nama pemilik kamera, nomor seri kamera "
                                   "dan nomor seri lensa dihapus")
    assert pixels(photo) == original  # Pillow checks PNG CRCs while reading: a wrong one fails here
    with Image.open(photo) as image:
        assert not image.getexif().get_ifd(0x8825) and image.getexif()[0x0110] == "Ponsel Contoh"
    assert_private_gone(photo)


def test_heic(project, monkeypatch, capsys):
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    photo = project / FOLDER / "05-reses.heic"
    save(photo, "HEIF", quality=80, exif=private_exif().tobytes())
    original = pixels(photo)
    assert metadata.scan(photo)[0] == "posisi GPS"
    code, out, _ = clean(project, monkeypatch, capsys)
    assert code == 0 and out.splitlines()[0].startswith(f"{FOLDER}/05-reses.heic: posisi GPS, ")
    assert pixels(photo) == original
    assert_private_gone(photo)


# --------------------------------------------------------------------------- nothing to do, broken files

def test_a_photo_without_private_metadata_is_not_touched(project, monkeypatch, capsys):
    photo = project / FOLDER / "06-bersih.jpg"
    before = save(photo, "JPEG", quality=85)
    os.utime(photo, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    code, out, err = clean(project, monkeypatch, capsys)
    assert (code, out, err) == (0, "1 foto diperiksa, 0 dibersihkan, 0 gagal.\n", "")
    assert photo.read_bytes() == before and photo.stat().st_mtime_ns == 1_700_000_000_000_000_000


def test_truncated_and_non_image_files_get_a_clear_message(project, monkeypatch, capsys):
    whole = save(project / FOLDER / "07-utuh.jpg", "JPEG", quality=85, exif=private_exif())
    (project / FOLDER / "07-utuh.jpg").unlink()
    (project / FOLDER / "08-terpotong.jpg").write_bytes(whole[:120])  # cut inside the EXIF segment
    (project / FOLDER / "09-teks.jpg").write_bytes(b"bukan foto\n")
    code, out, err = clean(project, monkeypatch, capsys)
    assert code == 1
    assert out == "2 foto diperiksa, 0 dibersihkan, 2 gagal.\n"
    assert err.splitlines() == [
        f"Galat: {FOLDER}/08-terpotong.jpg: tidak dapat dibersihkan (berkas terpotong (struktur metadatanya "
        "melewati akhir berkas)); berkas tidak diubah. Ekspor ulang foto aslinya dari kamera/ponsel, lalu jalankan "
        "perintah ini lagi.",
        f"Galat: {FOLDER}/09-teks.jpg: tidak dapat dibersihkan (bukan berkas JPEG, PNG, WebP atau HEIC/HEIF/AVIF "
        "yang dikenali); berkas tidak diubah. Ekspor ulang foto aslinya dari kamera/ponsel, lalu jalankan perintah "
        "ini lagi."]
    assert (project / FOLDER / "08-terpotong.jpg").read_bytes() == whole[:120]


def test_a_missing_path_is_a_user_error(project, monkeypatch, capsys):
    code, out, err = clean(project, monkeypatch, capsys, "content/berita/2026/tidak-ada")
    assert (code, out) == (1, "")
    assert err == ("Galat: content/berita/2026/tidak-ada tidak ditemukan. Tulis path foto atau folder berita, "
                   "misalnya content/berita/2026/2026-11-20-rapat-paripurna.\n")


# --------------------------------------------------------------------------- the check and the fix together

def test_check_reports_then_clean_photos_fixes(project, monkeypatch, capsys):
    (project / FOLDER / "index.md").write_text(ITEM, encoding="utf-8")
    for n in range(1, 5):
        (project / FOLDER / f"foto-{n}.jpg").write_bytes(listed_jpeg(f"foto-{n}.jpg"))
    save(project / FOLDER / "foto-2.jpg", "JPEG", quality=85, exif=private_exif(owner=False))
    code, out, _ = run_main(project, monkeypatch, capsys, "check")
    assert code == 1
    assert re.findall(r"\[(photo-location)\] Foto asli `foto-2.jpg` menyimpan posisi GPS di", out) == ["photo-location"]
    assert f"`portal clean-photos {FOLDER}/foto-2.jpg`" in out
    assert clean(project, monkeypatch, capsys, f"{FOLDER}/foto-2.jpg")[0] == 0
    code, out, _ = run_main(project, monkeypatch, capsys, "check")
    assert code == 0 and out.startswith("Tidak ada masalah: "), out


ITEM = """\
---
title: Rapat Paripurna Penetapan APBD 2027
date: 2026-11-20
category: paripurna
location: Ruang Rapat Paripurna DPRD
caption: DPRD Kabupaten Contoh menyetujui Raperda APBD 2027 dalam rapat paripurna.
photos:
  - file: foto-1.jpg
    alt: Ketua DPRD membuka rapat paripurna di ruang sidang utama
  - file: foto-2.jpg
    alt: Juru bicara Badan Anggaran membacakan laporan hasil pembahasan
  - file: foto-3.jpg
    alt: Juru bicara fraksi menyampaikan pendapat akhir di mimbar
  - file: foto-4.jpg
    alt: Ketua DPRD dan Bupati menandatangani persetujuan bersama
---
DPRD Kabupaten Contoh menyetujui Rancangan Peraturan Daerah tentang Anggaran Pendapatan dan
Belanja Daerah Tahun Anggaran 2027 dalam rapat paripurna, Jumat (20/11/2026). Rapat dipimpin Ketua
DPRD dan dihadiri Bupati, unsur Forum Koordinasi Pimpinan Daerah, serta kepala perangkat daerah.

Seluruh fraksi menyetujui raperda tersebut dan meminta pemerintah daerah segera melelang belanja
modal untuk jalan, jembatan, dan sarana air bersih pada awal tahun.
"""
