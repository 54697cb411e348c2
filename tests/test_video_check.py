"""`portal check` of an item's videos (issue 16): rules that need a real video, the probe memo, the limit.

The schema rules without a real video are golden cases (tests/cases/video-*);
here the clips are made with Debian's ffmpeg by ``test_video``'s helpers
(which fail under CI when ffmpeg is missing), and every message is exact.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest
from conftest import listed_jpeg, new_project, run_main, split_summary
from test_video import ffmpeg, pattern

from pipeline.check import videos as video_rules
from pipeline.config import load_config
from pipeline.content.load import load
from pipeline.content.model import Video
from pipeline.errors import PortalError
from pipeline.video import probe as probe_module

DIR = "content/berita/2026/2026-11-20-rapat-paripurna-video"
PHOTOS = """  - file: foto-1.jpg
    alt: Ketua DPRD membuka rapat paripurna di ruang sidang utama
  - file: foto-2.jpg
    alt: Juru bicara Badan Anggaran membacakan laporan hasil pembahasan
  - file: foto-3.jpg
    alt: Juru bicara fraksi menyampaikan pendapat akhir di mimbar
"""
ITEM = """---
title: Rapat Paripurna dengan Dokumentasi Video
date: 2026-11-20
category: paripurna
location: Ruang Rapat Paripurna DPRD
caption: DPRD Kabupaten Contoh menggelar rapat paripurna; rekamannya ada di situs.
photos:
{photos}videos:
{videos}social: [facebook, instagram, x, telegram]
---
DPRD Kabupaten Contoh menggelar rapat paripurna, Jumat (20/11/2026). Rapat dipimpin Ketua DPRD dan
dihadiri Bupati, unsur Forum Koordinasi Pimpinan Daerah, serta kepala perangkat daerah. Rekaman
sambutan Ketua DPRD dapat diputar di halaman ini bersama teks ucapannya bagi pembaca tunarungu.
"""
VIDEO = """  - file: {file}
    title: Sambutan Ketua DPRD
    caption_file: sambutan-ketua.vtt
"""
VTT = "WEBVTT\n\n00:00.000 --> 00:02.000\nSelamat pagi, hadirin sekalian.\n"


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> dict[str, Path]:
    """A web-ready 3 s clip, the same cut in half, and an HEVC phone original saved as .mp4."""
    root = tmp_path_factory.mktemp("check-clips")
    web = pattern(root / "web.mp4", "-movflags", "+faststart")
    truncated = root / "truncated.mp4"
    truncated.write_bytes(web.read_bytes()[: web.stat().st_size // 2])
    hevc = root / "hevc.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30", "-t", "2", "-c:v", "libx265",
           "-x265-params", "log-level=error", "-tag:v", "hvc1", "-pix_fmt", "yuv420p", str(hevc))
    # An Android-style phone clip: H.264 in an MP4 name, held upright (a display matrix) and with a GPS tag.
    phone = root / "phone.mp4"
    ffmpeg("-i", str(web), "-c", "copy", "-metadata", "location=+06.2000+106.8000/", "-metadata:s:v", "rotate=90",
           "-f", "mov", str(phone))
    return {"web": web, "truncated": truncated, "hevc": hevc, "phone": phone}


def project_with(tmp_path: Path, clip: Path, *, photos: str = PHOTOS, videos: str = VIDEO,
                 file: str = "sambutan-ketua.mp4", limits: str = "") -> Path:
    """A project with one item: ``photos`` (generated JPEGs), ``clip`` copied in as ``file``, and its captions."""
    project = new_project(tmp_path / "site")
    if limits:
        config = project / "mkdocs.yml"
        config.write_text(config.read_text(encoding="utf-8").replace(
            "  portal:\n", f"  portal:\n    limits:\n      {limits}\n", 1), encoding="utf-8")
    folder = project / DIR
    folder.mkdir(parents=True)
    (folder / "index.md").write_text(ITEM.format(photos=photos, videos=videos.format(file=file)), encoding="utf-8")
    for line in photos.splitlines():
        if "file:" in line:
            name = line.split("file:")[1].strip()
            (folder / name).write_bytes(listed_jpeg(name))
    shutil.copyfile(clip, folder / file)
    (folder / "sambutan-ketua.vtt").write_text(VTT, encoding="utf-8")
    return project


def check(project: Path, monkeypatch, capsys, *args: str) -> tuple[int, list[str]]:
    code, out, err = run_main(project, monkeypatch, capsys, "check", *args)
    assert err == ""
    lines, _ = split_summary(out)
    return code, [line.replace(DIR, "{dir}") for line in lines]


# --------------------------------------------------------------------------- a sound video

def test_three_photos_and_a_captioned_video_pass_strict(clips, tmp_path, monkeypatch, capsys):
    project = project_with(tmp_path, clips["web"])
    code, out, err = run_main(project, monkeypatch, capsys, "check", "--strict")
    assert (code, err) == (0, "") and out.startswith("Tidak ada masalah: ")


def test_load_reads_the_video_with_its_captions(clips, tmp_path):
    videos = VIDEO + "    poster_at: 1.5\n"
    project = project_with(tmp_path, clips["web"], videos=videos)
    item, = load(load_config(project)).items
    folder = project / DIR
    assert item.videos == [Video(file="sambutan-ketua.mp4", title="Sambutan Ketua DPRD", path=folder / "sambutan-ketua.mp4",
                                 line=15, caption_file="sambutan-ketua.vtt", captions=folder / "sambutan-ketua.vtt",
                                 poster_at=1.5)]


def test_two_photos_and_two_videos_make_the_sops_four(clips, tmp_path, monkeypatch, capsys):
    two = "\n".join(PHOTOS.splitlines()[:4]) + "\n"
    videos = VIDEO + VIDEO.replace("{file}", "penutupan.mp4").replace("Sambutan Ketua DPRD", "Penutupan rapat")
    project = project_with(tmp_path, clips["web"], photos=two, videos=videos)
    shutil.copyfile(clips["web"], project / DIR / "penutupan.mp4")
    assert check(project, monkeypatch, capsys) == (0, [])


def test_one_photo_and_one_video_are_two_pieces_of_documentation(clips, tmp_path, monkeypatch, capsys):
    one = "\n".join(PHOTOS.splitlines()[:2]) + "\n"
    project = project_with(tmp_path, clips["web"], photos=one)
    assert check(project, monkeypatch, capsys) == (1, [
        "{dir}/index.md:7: galat [photos-count] Berita memiliki 1 foto dan 1 video; SOP mewajibkan minimal 4 "
        "dokumentasi kegiatan (foto dan/atau video). Tambahkan 2 foto atau video ke folder berita dan daftarkan di "
        "`photos:` atau `videos:`."])


# --------------------------------------------------------------------------- rules that need a real video

def test_a_video_longer_than_the_configured_limit(clips, tmp_path, monkeypatch, capsys):
    project = project_with(tmp_path, clips["web"], limits="video_seconds: 2")
    assert check(project, monkeypatch, capsys) == (1, [
        "{dir}/index.md:15: galat [video-too-long] Video `sambutan-ketua.mp4` berdurasi 0:03 menit, lebih dari "
        "batas 0:02 menit. Potong videonya (bagian terpenting saja) lalu coba lagi."])


def test_a_truncated_video(clips, tmp_path, monkeypatch, capsys):
    project = project_with(tmp_path, clips["truncated"])
    code, lines = check(project, monkeypatch, capsys)
    assert code == 1 and len(lines) == 1
    assert lines[0].startswith("{dir}/index.md:15: galat [video-corrupt] Video `sambutan-ketua.mp4` ")
    assert lines[0].endswith(" Salin ulang video aslinya dari ponsel.")


def test_a_phone_original_renamed_mp4_is_told_to_be_prepared(clips, tmp_path, monkeypatch, capsys):
    project = project_with(tmp_path, clips["hevc"])
    assert check(project, monkeypatch, capsys) == (1, [
        "{dir}/index.md:15: galat [video-type] Video `sambutan-ketua.mp4` masih berkas asli ponsel/kamera (gambar "
        "hevc), belum MP4 siap web (H.264, AAC, tegak). Siapkan di komputer dengan `portal video prepare sambutan-ketua.mp4 "
        "{dir}` lalu daftarkan berkas hasilnya."])


def test_a_phone_clip_with_a_location_and_a_rotation(clips, tmp_path, monkeypatch, capsys):
    project = project_with(tmp_path, clips["phone"])
    assert check(project, monkeypatch, capsys) == (1, [
        "{dir}/index.md:15: galat [video-location] Video `sambutan-ketua.mp4` menyimpan lokasi (GPS) di metadatanya; "
        "repositori ini dapat dibaca publik. Siapkan ulang dari video aslinya dengan `portal video prepare` (hasilnya "
        "tanpa metadata) dan ganti berkas ini dengan hasilnya.",
        "{dir}/index.md:15: galat [video-type] Video `sambutan-ketua.mp4` masih berkas asli ponsel/kamera (gambar "
        "h264, suara aac, diputar 90°), belum MP4 siap web (H.264, AAC, tegak). Siapkan di komputer dengan "
        "`portal video prepare sambutan-ketua.mp4 {dir}` lalu daftarkan berkas hasilnya."])


def test_a_prepared_video_has_no_location_tag(clips, tmp_path):
    from pipeline.video.prepare import prepare

    folder = tmp_path / "berita"
    folder.mkdir()
    (folder / "index.md").write_text("---\n---\n", encoding="utf-8")
    prepared = prepare(clips["phone"], folder)
    assert video_rules._location_tag(clips["phone"]) and not video_rules._location_tag(prepared.path)


def test_a_video_over_the_web_upload_limit(clips, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(video_rules, "UPLOAD_LIMIT", 10_000)
    project = project_with(tmp_path, clips["web"])
    size = f"{(project / DIR / 'sambutan-ketua.mp4').stat().st_size / 1e6:.1f}".replace(".", ",")
    assert check(project, monkeypatch, capsys) == (1, [
        f"{{dir}}/index.md:15: galat [video-too-big] Video `sambutan-ketua.mp4` berukuran {size} MB; paling besar 0 MB "
        "(batas unggah editor web GitHub). Perkecil di komputer dengan `portal video prepare sambutan-ketua.mp4 "
        "{dir}` (video asli disimpan di arsip Sekretariat)."])


def test_the_upload_limit_is_githubs_web_limit():
    assert video_rules.UPLOAD_LIMIT == 25_000_000


@pytest.mark.parametrize("value, message", [
    ("3", "`poster_at` video ke-1 berisi detik 3, padahal videonya hanya 0:03 menit. Tulis detik di dalam video, "
          "misalnya `poster_at: 3`, atau hapus kunci ini (sampul diambil otomatis)."),
    ("-0.5", "`poster_at` video ke-1 berisi -0.5; tulis detik gambar sampul dari awal video (0 atau lebih), "
             "misalnya `poster_at: 3`."),
])
def test_poster_at_inside_the_video(clips, tmp_path, monkeypatch, capsys, value, message):
    project = project_with(tmp_path, clips["web"], videos=VIDEO + f"    poster_at: {value}\n")
    assert check(project, monkeypatch, capsys) == (1, [f"{{dir}}/index.md:18: galat [video-poster] {message}"])


def test_only_unlisted_videos_and_captions_are_other_files(clips, tmp_path, monkeypatch, capsys):
    project = project_with(tmp_path, clips["web"], videos="  - file: sambutan-ketua.mp4\n"
                                                          "    title: Sambutan Ketua DPRD\n")
    shutil.copyfile(clips["web"], project / DIR / "cadangan.mp4")
    assert check(project, monkeypatch, capsys) == (1, [
        "{dir}/index.md:7: peringatan [file-unlisted] Berkas `sambutan-ketua.vtt` ada di folder berita tetapi bukan "
        "foto berita ini, jadi tidak akan terbit. Hapus dari usulan ini; folder berita hanya berisi index.md dan "
        "fotonya.",
        "{dir}/index.md:7: galat [file-video] Berkas `cadangan.mp4` adalah video yang tidak tercantum di `videos:`, "
        "jadi tidak akan terbit. Daftarkan di `videos:`, misalnya `- {file: cadangan.mp4, title: Judul singkat "
        "videonya}`, atau hapus berkasnya dari usulan ini.",
        "{dir}/index.md:15: peringatan [video-captions] Video `sambutan-ketua.mp4` belum punya teks (`caption_file`). "
        "Perki 1/2021 meminta publikasi yang dapat diakses penyandang disabilitas: tulis berkas .vtt di folder berita "
        "berisi `WEBVTT`, baris kosong, lalu `00:00.000 --> 00:04.000` dan di bawahnya teks yang diucapkan, lalu "
        "tambahkan `caption_file: nama-berkas.vtt` pada video ini."])


def test_a_caption_file_has_a_bounded_size(clips, tmp_path, monkeypatch, capsys):
    project = project_with(tmp_path, clips["web"])
    cue = "00:00.000 --> 00:02.000\nSelamat pagi, hadirin sekalian.\n\n"
    (project / DIR / "sambutan-ketua.vtt").write_text("WEBVTT\n\n" + cue * 12_000, encoding="utf-8")
    assert check(project, monkeypatch, capsys) == (1, [
        "{dir}/index.md:17: galat [video-caption-file] Teks video `sambutan-ketua.vtt` bukan WebVTT yang sah: "
        "berukuran 667 KB, paling besar 512 KB. Berkasnya harus berisi `WEBVTT`, baris kosong, lalu "
        "`00:00.000 --> 00:04.000` dan di bawahnya teks yang diucapkan."])


# --------------------------------------------------------------------------- the probe memo

def test_a_second_check_probes_no_video(clips, tmp_path, monkeypatch, capsys):
    calls: list[str] = []
    real = probe_module.probe

    def counting(path, max_seconds=probe_module.MAX_SECONDS, timeout=None):
        calls.append(path.name)
        return real(path, max_seconds, timeout)

    monkeypatch.setattr(probe_module, "probe", counting)
    project = project_with(tmp_path, clips["web"])
    assert check(project, monkeypatch, capsys) == (0, [])
    assert calls == ["sambutan-ketua.mp4"]
    assert check(project, monkeypatch, capsys) == (0, [])
    assert calls == ["sambutan-ketua.mp4"]  # remembered by content: no second probe
    # A changed limit is applied to the remembered result: still no probe.
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  portal:\n", "  portal:\n    limits:\n      video_seconds: 2\n", 1), encoding="utf-8")
    code, lines = check(project, monkeypatch, capsys)
    assert code == 1 and [line.split(" [")[1].split("]")[0] for line in lines] == ["video-too-long"]
    assert calls == ["sambutan-ketua.mp4"]
    # Other bytes under the same name are probed again; a refusal is not remembered (it is fixed before merging).
    shutil.copyfile(clips["truncated"], project / DIR / "sambutan-ketua.mp4")
    assert check(project, monkeypatch, capsys)[0] == 1
    assert check(project, monkeypatch, capsys)[0] == 1
    assert calls == ["sambutan-ketua.mp4"] * 3
    # Back to the sound video: its result is still remembered.
    shutil.copyfile(clips["web"], project / DIR / "sambutan-ketua.mp4")
    assert check(project, monkeypatch, capsys)[0] == 1  # video-too-long, from the memo
    assert calls == ["sambutan-ketua.mp4"] * 3


def test_the_memo_probes_without_a_limit_and_judges_after(clips, tmp_path, monkeypatch):
    seen: list[float] = []
    real = probe_module.probe
    monkeypatch.setattr(probe_module, "probe", lambda path, max_seconds: seen.append(max_seconds) or real(path))
    from pipeline.video.memo import ProbeMemo

    memo = ProbeMemo(tmp_path / "memo.json")
    with pytest.raises(probe_module.VideoError) as refused:
        memo(clips["web"], 1)
    assert refused.value.rule == "video-too-long" and seen == [math.inf]
    assert memo(clips["web"], 600).duration == 3.0 and seen == [math.inf]


@pytest.mark.parametrize("text", ['{"version": 1, "results": [], "hashes": 3}', "{",
                                  '{"version": 1, "results": {"x": {"duration": 1}}}'])
def test_a_damaged_memo_is_an_empty_one(clips, tmp_path, text):
    from pipeline.video.memo import ProbeMemo

    (tmp_path / "memo.json").write_text(text, encoding="utf-8")
    memo = ProbeMemo(tmp_path / "memo.json")
    assert memo(clips["web"], 600).duration == 3.0
    memo.save()
    assert ProbeMemo(tmp_path / "memo.json")(clips["web"], 600).duration == 3.0


# --------------------------------------------------------------------------- the limit

def test_video_seconds_defaults_to_ten_minutes(tmp_path):
    assert load_config(new_project(tmp_path / "site")).limits.video_seconds == 600 == probe_module.MAX_SECONDS


def test_video_seconds_must_be_a_positive_whole_number(tmp_path):
    project = new_project(tmp_path / "site")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  portal:\n", "  portal:\n    limits:\n      video_seconds: 0\n", 1), encoding="utf-8")
    with pytest.raises(PortalError) as refused:
        load_config(project)
    assert "`extra.portal.limits.video_seconds` harus bilangan bulat positif, misalnya 600" in str(refused.value)

