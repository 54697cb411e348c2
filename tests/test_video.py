"""Videos (issue 16): probe, web rendition, posters, cache and `portal video prepare`.

Every input is made here with Debian's ffmpeg (short and small, so CI stays
fast); every output is checked with tools that are not the pipeline's own
(ffprobe, exiftool, Pillow), and the rotation against ffmpeg's autorotate.
"""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from conftest import missing_tool, new_project, run_main
from PIL import Image, ImageChops, ImageStat

from pipeline.video import probe as probe_module
from pipeline.video import transcode as transcode_module
from pipeline.video.prepare import UPLOAD_LIMIT, output_name, plan, prepare
from pipeline.video.probe import VideoError, VideoInfo, judge, probe
from pipeline.video.transcode import WEB, Rendition, default_poster_at, output_size, transcode

for _tool in ("ffmpeg", "ffprobe", "exiftool"):
    if shutil.which(_tool) is None:
        missing_tool(f"{_tool} is not installed (Debian package ffmpeg / libimage-exiftool-perl)")

GPS = "+06.2000+106.8000/"


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *args], check=True, timeout=120)


def ffprobe(path: Path, *args: str) -> dict:
    out = subprocess.run(["ffprobe", "-v", "error", "-of", "json", *args, str(path)], check=True,
                         capture_output=True, text=True, timeout=60).stdout
    return json.loads(out)


def exiftool(path: Path) -> dict:
    out = subprocess.run(["exiftool", "-j", "-a", "-G1", "-ee", str(path)], check=True, capture_output=True,
                         text=True, timeout=60).stdout
    return json.loads(out)[0]


def pattern(path: Path, *extra: str, size: str = "320x240", seconds: str = "3", sound: bool = True) -> Path:
    """A test pattern (testsrc2), with a sine tone unless ``sound`` is False."""
    audio = ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100"] if sound else []
    ffmpeg("-f", "lavfi", "-i", f"testsrc2=size={size}:rate=30", *audio, "-t", seconds,
           "-c:v", "libx264", "-pix_fmt", "yuv420p", *(["-c:a", "aac"] if sound else []), *extra, str(path))
    return path


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> dict[str, Path]:
    """Every input clip, made once for the module."""
    root = tmp_path_factory.mktemp("clips")
    plain = pattern(root / "pola.mp4")
    # A phone clip held upright: 640x360 pixels, a display matrix turning them, a GPS tag, a make and model.
    wide = pattern(root / "wide.mp4", size="640x360")
    phone = root / "IMG_0001.MOV"
    ffmpeg("-i", str(wide), "-c", "copy", "-metadata:s:v", "rotate=90", "-metadata", f"location={GPS}",
           "-metadata", "make=Apple", "-metadata", "model=iPhone 15", "-metadata",
           "creation_time=2026-11-20T09:15:00Z", str(phone))
    hevc = root / "iphone-hevc.mov"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30", "-f", "lavfi", "-i", "sine=sample_rate=48000",
           "-t", "2", "-c:v", "libx265", "-x265-params", "log-level=error", "-tag:v", "hvc1",
           "-pix_fmt", "yuv420p10le", "-color_trc", "arib-std-b67", "-c:a", "aac",
           str(hevc))
    silent = pattern(root / "bisu.mkv", sound=False, seconds="2")
    faststart = pattern(root / "faststart.mp4", "-movflags", "+faststart")
    truncated = root / "terpotong.mp4"
    truncated.write_bytes(faststart.read_bytes()[: faststart.stat().st_size // 2])
    no_index = root / "tanpa-indeks.mp4"
    no_index.write_bytes(plain.read_bytes()[: plain.stat().st_size // 2])  # moov at the end: cut off with it
    not_video = root / "bukan-video.mp4"
    not_video.write_text("ini catatan rapat, bukan video\n", encoding="utf-8")
    photo = root / "foto.mov"
    Image.new("RGB", (64, 48), (200, 40, 40)).save(photo, "JPEG")
    return {"plain": plain, "phone": phone, "hevc": hevc, "silent": silent, "truncated": truncated,
            "no_index": no_index, "not_video": not_video, "photo": photo,
            "big": _absurd_size(root), "days": _absurd_duration(plain, root / "tiga-hari.mp4")}


def _absurd_size(root: Path) -> Path:
    """A raw-video MOV whose sample description claims 16000x12000 pixels (FFmpeg accepts that size)."""
    raw = root / "raw.mov"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=64x48:rate=10", "-t", "1", "-c:v", "rawvideo", "-pix_fmt", "uyvy422",
           str(raw))
    data = bytearray(raw.read_bytes())
    stsd = data.find(b"stsd")
    # stsd: type, version/flags, entry count; the entry: size, format, 6 reserved, data ref, 16 bytes, width, height.
    at = stsd + 4 + 4 + 4 + 8 + 6 + 2 + 16
    assert struct.unpack(">HH", data[at:at + 4]) == (64, 48)
    data[at:at + 4] = struct.pack(">HH", 16000, 12000)
    path = root / "raksasa.mov"
    path.write_bytes(data)
    return path


def _absurd_duration(source: Path, path: Path) -> Path:
    """``source`` whose video track claims 3 days, consistently in every box FFmpeg reads (mvhd ... stts)."""
    data = bytearray(source.read_bytes())
    days = 3 * 86400
    trak = data.find(b"trak")
    mvhd = data.find(b"mvhd")
    movie_scale, = struct.unpack(">I", data[mvhd + 16:mvhd + 20])
    data[mvhd + 20:mvhd + 24] = struct.pack(">I", days * movie_scale)
    tkhd = data.find(b"tkhd", trak)
    data[tkhd + 24:tkhd + 28] = struct.pack(">I", days * movie_scale)
    elst = data.find(b"elst", trak)
    data[elst + 12:elst + 16] = struct.pack(">I", days * movie_scale)
    mdhd = data.find(b"mdhd", trak)
    scale, = struct.unpack(">I", data[mdhd + 16:mdhd + 20])
    data[mdhd + 20:mdhd + 24] = struct.pack(">I", days * scale)
    stts = data.find(b"stts", trak)
    count, = struct.unpack(">I", data[stts + 12:stts + 16])
    data[stts + 16:stts + 20] = struct.pack(">I", days * scale // count)
    path.write_bytes(data)
    return path


# --------------------------------------------------------------------------- probe


def test_probe_reads_a_test_pattern_with_sound(clips):
    info = probe(clips["plain"])
    assert info == VideoInfo(container="mov,mp4,m4a,3gp,3g2,mj2", video_codec="h264", audio_codec="aac",
                             duration=3.0, width=320, height=240, rotation=0, bit_rate=info.bit_rate,
                             frame_rate=30.0)
    assert info.has_audio and 100_000 < info.bit_rate < 2_000_000


def test_probe_reads_the_rotation_of_a_phone_clip(clips):
    info = probe(clips["phone"])
    assert (info.width, info.height, info.rotation, info.display_size) == (640, 360, 90, (360, 640))


def test_probe_reads_hevc_and_matroska_without_sound(clips):
    hevc, silent = probe(clips["hevc"]), probe(clips["silent"])
    assert (hevc.video_codec, hevc.audio_codec, hevc.duration) == ("hevc", "aac", 2.0)
    assert (silent.container, silent.video_codec, silent.has_audio) == ("matroska,webm", "h264", False)


REFUSALS = {
    "not_video": ("video-type", "Berkas `bukan-video.mp4` bukan video yang dikenal. Simpan sebagai MP4 atau MOV dari "
                                "ponsel/kamera, lalu siapkan dengan `portal video prepare`."),
    "photo": ("video-type", "Berkas `foto.mov` bukan video yang dikenal. Simpan sebagai MP4 atau MOV dari "
                            "ponsel/kamera, lalu siapkan dengan `portal video prepare`."),
    "truncated": ("video-corrupt", "Video `terpotong.mp4` terpotong: datanya berhenti pada detik 1,5 dari 3,0. "
                                   "Salin ulang video aslinya dari ponsel."),
    "no_index": ("video-corrupt", "Video `tanpa-indeks.mp4` rusak atau terpotong: indeksnya tidak dapat dibaca. "
                                  "Salin ulang video aslinya dari ponsel."),
    "big": ("video-header", "Video `raksasa.mov` mengaku berukuran 16000×12000 piksel, di luar batas wajar (paling "
                            "besar 8192 piksel per sisi): kepala berkasnya rusak atau dipalsukan. Ekspor ulang "
                            "videonya dari ponsel."),
    "days": ("video-header", "Video `tiga-hari.mp4` mengaku berdurasi 3 hari, tidak masuk akal: kepala berkasnya "
                             "rusak atau dipalsukan. Ekspor ulang videonya dari ponsel."),
}


@pytest.mark.parametrize("name", REFUSALS)
def test_probe_refuses_with_a_rule_and_an_indonesian_message(clips, name):
    with pytest.raises(VideoError) as caught:
        probe(clips[name])
    assert (caught.value.rule, caught.value.message) == REFUSALS[name]


def test_probe_refuses_a_video_longer_than_the_limit(clips):
    with pytest.raises(VideoError) as caught:
        probe(clips["plain"], max_seconds=2)
    assert (caught.value.rule, caught.value.message) == (
        "video-too-long", "Video `pola.mp4` berdurasi 0:03 menit, lebih dari batas 0:02 menit. Potong videonya "
                          "(bagian terpenting saja) lalu coba lagi.")


def test_the_default_limit_is_ten_minutes():
    info = VideoInfo("mov,mp4,m4a,3gp,3g2,mj2", "h264", None, 601.0, 1920, 1080, 0, 8_000_000, 30.0)
    with pytest.raises(VideoError, match=r"berdurasi 10:01 menit, lebih dari batas 10:00 menit"):
        judge(info, "rapat.mp4")
    judge(VideoInfo("mov,mp4,m4a,3gp,3g2,mj2", "h264", None, 600.0, 1920, 1080, 0, 8_000_000, 30.0), "rapat.mp4")


def test_probe_is_bounded_in_time(clips):
    """A child that does not answer in time is stopped and told as a damaged file."""
    with pytest.raises(VideoError) as caught:
        probe(clips["plain"], timeout=0.001)
    assert (caught.value.rule, caught.value.message) == (
        "video-corrupt", "Berkas `pola.mp4` tidak selesai dibaca dalam 1 detik: kemungkinan rusak. Ekspor ulang "
                         "videonya dari ponsel.")


CRASHED = ("video-corrupt", "Berkas `pola.mp4` rusak: pembacanya berhenti di tengah jalan. Ekspor ulang videonya "
                           "dari ponsel.")


def test_probe_is_bounded_in_memory(clips, monkeypatch):
    """The child runs under an address-space cap: with a cap too small to load FFmpeg it fails, told as damage."""
    monkeypatch.setattr(probe_module, "PROBE_MEMORY", 64 * 1024 * 1024)
    with pytest.raises(VideoError) as caught:
        probe(clips["plain"])
    assert (caught.value.rule, caught.value.message) == CRASHED


def test_a_crashed_probe_is_no_traceback(clips, monkeypatch):
    monkeypatch.setattr(probe_module.sys, "executable", shutil.which("false"))
    with pytest.raises(VideoError) as caught:
        probe(clips["plain"])
    assert (caught.value.rule, caught.value.message) == CRASHED


# --------------------------------------------------------------------------- the web rendition


def top_level_boxes(path: Path) -> list[str]:
    """The types of an ISO media file's top-level boxes, in file order."""
    names, data, at = [], path.read_bytes(), 0
    while at + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[at:at + 8])
        if size == 1:
            size, = struct.unpack(">Q", data[at + 8:at + 16])
        names.append(kind.decode("latin-1"))
        if size == 0:
            break
        at += size
    return names


@pytest.fixture(scope="module")
def phone_web(clips, tmp_path_factory):
    return transcode(clips["phone"], tmp_path_factory.mktemp("cache") / "videos")


def test_web_rendition_is_h264_high_720_lines_upright(phone_web):
    streams = {s["codec_type"]: s for s in ffprobe(phone_web.video, "-show_streams")["streams"]}
    video, audio = streams["video"], streams["audio"]
    assert (video["codec_name"], video["profile"], video["pix_fmt"]) == ("h264", "High", "yuv420p")
    # 640x360 turned a quarter: 360x640, already within 720 lines; the pixels turned, no matrix left.
    assert (video["width"], video["height"]) == (360, 640) == (phone_web.width, phone_web.height)
    assert not video.get("side_data_list") and "rotate" not in video.get("tags", {})
    assert (audio["codec_name"], audio["profile"], audio["sample_rate"], audio["channels"]) == (
        "aac", "LC", "48000", 2)


def test_web_rendition_has_a_keyframe_every_two_seconds(phone_web):
    frames = ffprobe(phone_web.video, "-select_streams", "v", "-show_entries", "frame=key_frame,pict_type,pts_time",
                     "-show_frames")["frames"]
    keys = [round(float(f["pts_time"]), 3) for f in frames if f["key_frame"] == 1]
    assert keys == [0.0, 2.0] and len(frames) == 90
    assert all(f["pict_type"] == "I" for f in frames if f["key_frame"] == 1)


def test_web_rendition_starts_with_its_index(phone_web):
    boxes = top_level_boxes(phone_web.video)
    assert boxes.index("moov") < boxes.index("mdat"), boxes


def test_web_rendition_drops_every_location_and_device_tag(clips, phone_web):
    before = exiftool(clips["phone"])
    assert any("GPS" in key for key in before) and "Apple" in before.values()  # the input really has them
    after = exiftool(phone_web.video)
    # HandlerVendorID is the 'appl' code of the (empty) iTunes metadata box every FFmpeg MP4 carries, not a device.
    leaks = {k: v for k, v in after.items() if ("GPS" in k or k.split(":")[-1] in ("Make", "Model", "Location")
             or v in ("Apple", "iPhone 15")) and k != "QuickTime:HandlerVendorID"}
    assert leaks == {}
    data = phone_web.video.read_bytes()
    assert b"iPhone" not in data and b"Apple" not in data and GPS.encode()[:8] not in data and b"\xa9xyz" not in data
    dates = {k: v for k, v in after.items() if k.endswith("Date") and not k.startswith("System:")}
    assert set(dates.values()) == {"0000:00:00 00:00:00"}, dates  # no creation_time of the source
    tags = ffprobe(phone_web.video, "-show_format")["format"].get("tags", {})
    assert set(tags) <= {"major_brand", "minor_version", "compatible_brands", "encoder"}, tags


def test_web_rendition_turns_the_pixels_as_ffmpeg_does(clips, phone_web, tmp_path):
    reference = tmp_path / "ref.png"
    ffmpeg("-ss", "1.5", "-i", str(clips["phone"]), "-frames:v", "1", str(reference))
    ours = tmp_path / "ours.png"
    ffmpeg("-ss", "1.5", "-i", str(phone_web.video), "-frames:v", "1", str(ours))
    with Image.open(reference) as ref, Image.open(ours) as got:
        ref, got = ref.convert("RGB"), got.convert("RGB")
        assert ref.size == got.size == (360, 640)
        same = max(ImageStat.Stat(ImageChops.difference(ref, got)).mean)
        turned = max(ImageStat.Stat(ImageChops.difference(ref, got.rotate(180))).mean)
    assert same < 8 < turned


def test_posters_decode_at_the_video_size(phone_web):
    assert default_poster_at(3.0) == 1.0 and default_poster_at(60.0) == 6.0 and default_poster_at(1.0) == 0.5
    for path, fmt in ((phone_web.poster_webp, "WEBP"), (phone_web.poster_jpeg, "JPEG")):
        with Image.open(path) as image:
            image.load()
            assert (image.format, image.size) == (fmt, (360, 640))
            assert not image.info.get("exif") and not image.getexif()
            assert ImageStat.Stat(image.convert("L")).mean[0] > 24  # not a black frame


def test_a_second_run_does_no_video_work(clips, tmp_path, monkeypatch):
    cache = tmp_path / "videos"
    first = transcode(clips["plain"], cache)
    assert first.encoded

    def refuse(*args, **kwargs):
        raise AssertionError("video work on a cached source")

    monkeypatch.setattr(transcode_module, "encode", refuse)
    monkeypatch.setattr(transcode_module, "poster", refuse)
    monkeypatch.setattr(transcode_module, "probe", refuse)
    fractions: list[float] = []
    second = transcode(clips["plain"], cache, progress=fractions.append)
    assert not second.encoded and second.video == first.video and fractions == [1.0]
    monkeypatch.undo()
    # Another poster time makes posters only: the video stays (no encode, no probe).
    monkeypatch.setattr(transcode_module, "encode", refuse)
    monkeypatch.setattr(transcode_module, "probe", refuse)
    third = transcode(clips["plain"], cache, poster_at=2.5)
    assert third.video == first.video and third.poster_webp != first.poster_webp and third.poster_webp.is_file()


def test_transcode_reports_progress_and_handles_hevc_and_silence(clips, tmp_path):
    fractions: list[float] = []
    hevc = transcode(clips["hevc"], tmp_path / "videos", progress=fractions.append)
    assert fractions[-1] == 1.0 and fractions == sorted(fractions) and len(fractions) > 10
    video = ffprobe(hevc.video, "-show_streams")["streams"][0]
    assert (video["codec_name"], video["pix_fmt"]) == ("h264", "yuv420p")  # from 10-bit HLG, as iPhones record
    silent = transcode(clips["silent"], tmp_path / "videos")
    assert [s["codec_type"] for s in ffprobe(silent.video, "-show_streams")["streams"]] == ["video"]


def test_output_size_bounds_the_short_edge_and_keeps_it_even():
    def size(w, h, rotation=0):
        return output_size(VideoInfo("mov", "hevc", "aac", 10.0, w, h, rotation, 1, 30.0), 720)

    assert size(1920, 1080) == (1280, 720)
    assert size(1920, 1080, 90) == (720, 1280)  # an upright phone clip
    assert size(3840, 2160, 270) == (720, 1280)
    assert size(640, 360) == (640, 360)  # never upscaled
    assert size(1918, 1078) == (1282, 720)  # even
    assert size(1441, 1081) == (960, 720)


def test_the_web_settings_are_the_documented_ones():
    assert (WEB.max_lines, WEB.max_fps, WEB.crf, WEB.preset, WEB.gop_seconds) == (720, 30, 23, "veryfast", 2)
    assert (WEB.maxrate, WEB.audio_rate) == (2_500_000, 128_000)


# --------------------------------------------------------------------------- portal video prepare


def test_plan_fits_the_duration_into_25_mb():
    assert UPLOAD_LIMIT == 25_000_000
    assert plan(60) == Rendition("web", 720, 30, 23, "veryfast", 2_500_000, 128_000, 2)  # the web cap is below
    long = plan(600)  # ten minutes: 306 kbit/s in all
    assert (long.max_lines, long.audio_rate, long.maxrate) == (360, 64_000, 242_666)
    middle = plan(150)  # 1.2 Mbit/s in all
    assert (middle.max_lines, middle.audio_rate, middle.maxrate) == (720, 96_000, 1_130_666)


def test_output_name_is_a_plain_slug():
    assert output_name(Path("IMG_1234.MOV")) == "img-1234.mp4"
    assert output_name(Path("Rapat Paripurna (Sesi 2).mp4")) == "rapat-paripurna-sesi-2.mp4"
    assert output_name(Path("____.mkv")) == "video.mp4"


def test_prepare_fits_a_small_limit(clips, tmp_path):
    folder = tmp_path / "item"
    folder.mkdir()
    (folder / "index.md").write_text("---\n---\n", encoding="utf-8")
    result = prepare(clips["hevc"], folder, limit=300_000)
    assert result.path == folder / "iphone-hevc.mp4" and result.bytes == result.path.stat().st_size <= 300_000
    assert ffprobe(result.path, "-show_streams")["streams"][0]["codec_name"] == "h264"


def _item(project: Path) -> Path:
    folder = project / "content/berita/2026/2026-11-20-rapat-paripurna"
    folder.mkdir(parents=True)
    (folder / "index.md").write_text("---\ntitle: Rapat\n---\n", encoding="utf-8")
    return folder


def test_portal_video_prepare_writes_the_mp4_and_says_what_to_add(clips, tmp_path, monkeypatch, capsys):
    project = new_project(tmp_path / "proyek")
    folder = _item(project)
    code, out, err = run_main(project, monkeypatch, capsys, "video", "prepare", str(clips["phone"]),
                              "content/berita/2026/2026-11-20-rapat-paripurna", "--progress")
    assert code == 0, err
    made = folder / "img-0001.mp4"
    size = f"{made.stat().st_size / 1e6:.1f}".replace(".", ",")
    assert out == (f"Video siap: content/berita/2026/2026-11-20-rapat-paripurna/img-0001.mp4 ({size} MB, 360×640, "
                   "0:03 menit).\n"
                   "Tambahkan ke front-matter index.md (ganti judulnya):\n"
                   "videos:\n"
                   "  - file: img-0001.mp4\n"
                   "    title: Judul singkat videonya\n"
                   "Video asli (IMG_0001.MOV) tetap disimpan di arsip Sekretariat; jangan salin ke repositori.\n")
    assert err.startswith("\rMenyiapkan video [") and err.endswith("[" + "#" * 30 + "] 100%\n")
    assert not any("GPS" in key for key in exiftool(made))


@pytest.mark.parametrize("clip, folder, message", [
    ("not_video", "content/berita/2026/2026-11-20-rapat-paripurna",
     "Galat: Berkas `bukan-video.mp4` bukan video yang dikenal. Simpan sebagai MP4 atau MOV dari ponsel/kamera, "
     "lalu siapkan dengan `portal video prepare`.\n"),
    ("truncated", "content/berita/2026/2026-11-20-rapat-paripurna",
     "Galat: Video `terpotong.mp4` terpotong: datanya berhenti pada detik 1,5 dari 3,0. Salin ulang video aslinya "
     "dari ponsel.\n"),
    ("plain", "content/berita/2026",
     "Galat: `content/berita/2026` bukan folder berita (tidak ada index.md di dalamnya). Tulis folder beritanya, "
     "misalnya content/berita/2026/2026-11-20-rapat-paripurna.\n"),
])
def test_portal_video_prepare_errors_are_indonesian_without_traceback(clips, tmp_path, monkeypatch, capsys, clip,
                                                                      folder, message):
    project = new_project(tmp_path / "proyek")
    _item(project)
    code, out, err = run_main(project, monkeypatch, capsys, "video", "prepare", str(clips[clip]), folder)
    assert (code, out, err) == (1, "", message)
    assert not list((project / "content").rglob("*.mp4"))


def test_portal_video_prepare_refuses_a_missing_file(tmp_path, monkeypatch, capsys):
    project = new_project(tmp_path / "proyek")
    _item(project)
    code, out, err = run_main(project, monkeypatch, capsys, "video", "prepare", "IMG_9999.MOV",
                              "content/berita/2026/2026-11-20-rapat-paripurna")
    assert (code, out, err) == (1, "", "Galat: Berkas `IMG_9999.MOV` tidak ditemukan. Periksa nama berkasnya.\n")
