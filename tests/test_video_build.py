"""Videos in the build (issue 16): platform copies, the build record, the cache and its pruning.

Clips are made with Debian's ffmpeg (tiny: low resolution, few frames) by
``test_video``'s helpers; outputs are checked with ffprobe, not the pipeline.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest
from conftest import REPO, listed_jpeg, new_project, run_cli, run_main
from test_video import ffmpeg, ffprobe, pattern

from pipeline.video import renditions
from pipeline.video import transcode as transcode_module
from pipeline.video.probe import VideoError
from pipeline.video.renditions import LIMITS, Job, VideoStats, plan, platform_copy, process
from pipeline.video.transcode import Transcoded, transcode

FOLDER = "berita/2026/2026-11-20-rapat-paripurna-video"
ARTICLE = "berita/2026/rapat-paripurna-video/"
ITEM = """---
title: Rapat Paripurna dengan Dokumentasi Video
date: 2026-11-20
category: paripurna
caption: DPRD Kabupaten Contoh menggelar rapat paripurna; rekamannya ada di situs.
photos:
  - file: foto-1.jpg
    alt: Ketua DPRD membuka rapat paripurna di ruang sidang utama
  - file: foto-2.jpg
    alt: Juru bicara Badan Anggaran membacakan laporan hasil pembahasan
  - file: foto-3.jpg
    alt: Juru bicara fraksi menyampaikan pendapat akhir di mimbar
videos:
  - file: sambutan-ketua.mp4
    title: Sambutan Ketua DPRD
    caption_file: sambutan-ketua.vtt
social: [facebook, instagram, x, telegram]
---
DPRD Kabupaten Contoh menggelar rapat paripurna, Jumat (20/11/2026), di ruang sidang utama. Rapat
dipimpin Ketua DPRD dan dihadiri Bupati, unsur Forum Koordinasi Pimpinan Daerah, serta kepala perangkat
daerah. Rekaman sambutan Ketua DPRD dapat diputar di halaman ini agar warga yang tidak hadir dapat
mengikuti jalannya rapat.
"""
VTT = "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nSelamat pagi, hadirin sekalian.\n"


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> dict[str, Path]:
    """A portrait phone clip (720x1280, taller than X's 1024), a 145 s clip, a 2 s clip."""
    root = tmp_path_factory.mktemp("build-clips")
    portrait = pattern(root / "portrait.mp4", size="720x1280", seconds="3")
    long = root / "long.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25", "-f", "lavfi", "-i", "sine=sample_rate=48000",
           "-t", "145", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", str(long))
    short = pattern(root / "short.mp4", size="160x284", seconds="2")
    return {"portrait": portrait, "long": long, "short": short}


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("video-cache")


def _stream(path: Path) -> dict:
    data = ffprobe(path, "-show_streams", "-show_format", "-select_streams", "v:0")
    return {**data["streams"][0], "duration": float(data["format"]["duration"])}


def test_a_portrait_clip_gets_an_x_copy_inside_1280x1024(clips, cache):
    web = transcode(clips["portrait"], cache)
    assert (web.width, web.height) == (720, 1280)
    copy = platform_copy(web, "x", cache)
    assert copy is not None and not copy.reused
    probed = _stream(copy.path)
    assert (probed["width"], probed["height"]) == (copy.width, copy.height) == (576, 1024)
    assert (probed["codec_name"], probed["profile"], probed["pix_fmt"]) == ("h264", "High", "yuv420p")
    # Facebook, Instagram and Telegram take the web MP4 as it is.
    for platform in ("facebook", "instagram", "telegram"):
        same = platform_copy(web, platform, cache)
        assert same is not None and same.reused and same.path == web.video


def test_a_clip_over_140_seconds_gets_an_x_copy_cut_at_a_keyframe(clips, cache):
    web = transcode(clips["long"], cache)
    copy = platform_copy(web, "x", cache)
    assert copy is not None and not copy.reused and (copy.width, copy.height) == (web.width, web.height)
    probed = _stream(copy.path)
    assert 137.0 <= probed["duration"] <= 140.0
    assert copy.duration == pytest.approx(138.0)  # the last 2 s keyframe before 140 s less the margin
    audio = ffprobe(copy.path, "-show_streams", "-select_streams", "a:0")["streams"][0]
    assert (audio["codec_name"], audio["sample_rate"]) == ("aac", "48000")
    # A remux: the frames are the web rendition's, not re-encoded ones.
    assert plan(web, LIMITS["x"]).remux


def test_a_clip_under_3_seconds_gets_no_instagram_reel(clips, cache):
    web = transcode(clips["short"], cache)
    assert platform_copy(web, "instagram", cache) is None
    assert platform_copy(web, "x", cache).reused


def _fake_web(tmp_path: Path, width: int, height: int, seconds: float, megabytes: float) -> Transcoded:
    return Transcoded(tmp_path / "s.mp4", tmp_path / "k.mp4", tmp_path / "k.webp", tmp_path / "k.jpg",
                      width, height, seconds, int(megabytes * 1e6), False, 30.0)


def test_telegram_gets_a_lower_bit_rate_over_50_mb(tmp_path):
    chosen = plan(_fake_web(tmp_path, 1280, 720, 300.0, 90.0), LIMITS["telegram"])
    assert chosen is not None and not chosen.reuse and chosen.until is None and chosen.box is None
    assert chosen.rendition is not None
    total = (chosen.rendition.maxrate + chosen.rendition.audio_rate) * 300.0 / 8
    assert total <= 50e6 * 0.9
    assert plan(_fake_web(tmp_path, 1280, 720, 300.0, 40.0), LIMITS["telegram"]).reuse


def test_platforms_refuse_what_their_limits_refuse(tmp_path):
    assert plan(_fake_web(tmp_path, 1280, 360, 30.0, 5.0), LIMITS["x"]) is None  # 3.56:1, wider than 3:1
    assert plan(_fake_web(tmp_path, 720, 1280, 0.4, 0.1), LIMITS["x"]) is None  # under 0.5 s
    slow = dataclasses.replace(_fake_web(tmp_path, 720, 1280, 30.0, 5.0), frame_rate=15.0)
    assert plan(slow, LIMITS["instagram"]) is None  # 15 fps: Reels take 23 to 60
    assert plan(_fake_web(tmp_path, 1280, 720, 400.0, 60.0), LIMITS["x"]).box is None  # 720p fits the frame


def test_stats_line_is_indonesian():
    stats = VideoStats(processed=1, cached=2, copies=1, bytes_out=12_345_678, seconds=4.56)
    assert stats.line() == "Video: 1 diolah, 2 dari cache; 1 salinan platform; 12,3 MB; 4,6 detik."


def test_a_failed_video_is_reported_not_raised(clips, tmp_path):
    broken = tmp_path / "rusak.mp4"
    broken.write_text("bukan video\n", encoding="utf-8")
    done = process([Job(broken, None, ("x",)), Job(clips["short"])], tmp_path / "cache", progress=False,
                   prune=True)
    assert [path for path, _ in done.failures] == [broken]
    assert list(done.videos) == [clips["short"]]
    assert list((tmp_path / "cache").glob("*.mp4")), "a failure prunes nothing"


# --------------------------------------------------------------------------- through `portal build`


def _project(root: Path, clip: Path) -> Path:
    project = new_project(root)
    shutil.copytree(REPO / "overrides", project / "overrides", dirs_exist_ok=True)
    folder = project / "content" / FOLDER
    folder.mkdir(parents=True)
    (folder / "index.md").write_text(ITEM, encoding="utf-8")
    for index in (1, 2, 3):
        (folder / f"foto-{index}.jpg").write_bytes(listed_jpeg(f"foto-{index}.jpg"))
    shutil.copyfile(clip, folder / "sambutan-ketua.mp4")
    (folder / "sambutan-ketua.vtt").write_text(VTT, encoding="utf-8")
    return project


class Counter:
    """Counts every call that opens a video to make an output (encode, remux, poster)."""

    def __init__(self, monkeypatch):
        self.calls: list[str] = []
        for module, name in ((transcode_module, "encode"), (transcode_module, "poster"),
                             (renditions, "encode"), (renditions, "remux")):
            monkeypatch.setattr(module, name, self._wrap(name, getattr(module, name)))

    def _wrap(self, name, function):
        def counted(*args, **kwargs):
            self.calls.append(name)
            return function(*args, **kwargs)
        return counted


@pytest.fixture(scope="module")
def built(clips, tmp_path_factory):
    """A project with the portrait clip, built once: (project, stdout of the build)."""
    project = _project(tmp_path_factory.mktemp("video-build") / "site", clips["portrait"])
    result = run_cli(project, "build")  # a child process, as CI runs it (a module fixture has no capsys)
    assert result.returncode == 0, result.stdout + result.stderr
    return project, result.stdout


def test_build_links_the_web_mp4_poster_and_x_copy_into_the_site(built):
    project, stdout = built
    site = project / "site" / ARTICLE / "video"
    web = _stream(site / "sambutan-ketua.mp4")
    assert (web["codec_name"], web["width"], web["height"]) == ("h264", 720, 1280)
    assert (site / "sambutan-ketua-poster.jpg").is_file() and (site / "sambutan-ketua-poster.webp").is_file()
    x = _stream(site / "sambutan-ketua-x.mp4")
    assert (x["width"], x["height"]) == (576, 1024)
    assert not list(site.glob("sambutan-ketua-facebook.mp4")), "the web MP4 fits Facebook: no copy"
    assert "Video: 1 diolah, 0 dari cache; 1 salinan platform;" in stdout


def test_build_record_holds_the_first_video_with_each_platforms_copy(built):
    project, _ = built
    record = json.loads((project / ".portal" / "build-record.json").read_text(encoding="utf-8"))
    video = record["items"][0]["video"]
    web, x = f"{ARTICLE}video/sambutan-ketua.mp4", f"{ARTICLE}video/sambutan-ketua-x.mp4"
    assert {key: video[key] for key in ("title", "path", "poster", "captions")} == {
        "title": "Sambutan Ketua DPRD", "path": web, "poster": f"{ARTICLE}video/sambutan-ketua-poster.jpg",
        "captions": f"{ARTICLE}video/sambutan-ketua.vtt"}
    assert [(r["platform"], r["path"], r["width"], r["height"]) for r in video["renditions"]] == [
        ("facebook", web, 720, 1280), ("instagram", web, 720, 1280), ("x", x, 576, 1024),
        ("telegram", web, 720, 1280)]
    sizes = {r["path"]: r["bytes"] for r in video["renditions"]}
    site = project / "site"
    assert sizes == {web: (site / web).stat().st_size, x: (site / x).stat().st_size}
    assert all(r["duration"] == pytest.approx(3.0, abs=0.1) for r in video["renditions"])


def test_a_rebuild_with_nothing_changed_opens_no_video(built, monkeypatch, capsys):
    project, _ = built
    counter = Counter(monkeypatch)
    code, out, err = run_main(project, monkeypatch, capsys, "build")
    assert code == 0, out + err
    assert counter.calls == []
    assert "Video: 0 diolah, 1 dari cache; 1 salinan platform;" in out


def test_a_video_failing_in_the_build_stops_it_and_keeps_the_site(built, monkeypatch, capsys):
    project, _ = built
    before = (project / "site" / ARTICLE / "index.html").read_bytes()

    def fail(source, *args, **kwargs):
        raise VideoError("video-corrupt", f"Video `{source.name}` tidak dapat dikonversi: isinya rusak di tengah "
                                          "(InvalidDataError). Salin ulang video aslinya dari ponsel.")

    monkeypatch.setattr(renditions, "transcode", fail)
    code, _, err = run_main(project, monkeypatch, capsys, "build")
    assert code != 0
    assert (f"Video gagal diproses:\n  - {project / 'content' / FOLDER / 'sambutan-ketua.mp4'}: Video "
            "`sambutan-ketua.mp4` tidak dapat dikonversi: isinya rusak di tengah (InvalidDataError). Salin ulang "
            "video aslinya dari ponsel.") in err
    assert (project / "site" / ARTICLE / "index.html").read_bytes() == before


def test_a_build_prunes_the_outputs_no_video_uses(clips, tmp_path, monkeypatch, capsys):
    project = _project(tmp_path / "site", clips["short"])
    cache = project / ".portal" / "cache" / "videos"
    assert run_main(project, monkeypatch, capsys, "build")[0] == 0
    first = sorted(p.name for p in cache.iterdir() if p.suffix != ".json")
    assert len(first) == 3  # web MP4, WebP and JPEG posters (the 2 s clip: no copy, no Reel)
    shutil.copyfile(clips["portrait"], project / "content" / FOLDER / "sambutan-ketua.mp4")
    assert run_main(project, monkeypatch, capsys, "build")[0] == 0
    second = sorted(p.name for p in cache.iterdir() if p.suffix != ".json")
    assert len(second) == 4 and not set(first) & set(second)  # web, posters and the X copy of the new clip
    index = json.loads((cache / "index.json").read_text(encoding="utf-8"))
    named = {name for entry in index["outputs"].values() for name in [*entry["files"], *entry.get("posters", [])]}
    assert named == set(second)
    assert list(index["sources"]) == [str(project / "content" / FOLDER / "sambutan-ketua.mp4")]
