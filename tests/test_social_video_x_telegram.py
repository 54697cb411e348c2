"""Issue 16: an item's video posted to X (chunked upload, processing) and Telegram (``sendVideo``), exactly once.

The two-item project of tests/test_publish.py is built and served on 127.0.0.1;
its build record then names a video for the APBD item (the build does not make
the renditions yet: another part of the issue), a real MP4 made here by
Debian's ffmpeg and placed on the site where the record says. Every scenario
runs `portal publish` as a subprocess against the emulators of
tests/social_emulator.py, which check what they receive with ffprobe.
"""

import json
import os
import shutil
import signal
import subprocess

import pytest
import requests
import test_publish
from browser_support import serve
from conftest import missing_tool
from requests_oauthlib import OAuth1
from social_emulator import XEmulator
from test_publish import ITEMS, RECORD, REPO, built_project

from pipeline.content import urls

apis, run = test_publish.apis, test_publish.run  # the emulators and `portal publish`, on this module's site

for _tool in ("ffmpeg", "ffprobe"):
    if shutil.which(_tool) is None:
        missing_tool(f"{_tool} is not installed (Debian package ffmpeg)")

APBD = "2026-11-20-rapat-paripurna-penetapan-apbd-2027"
ARTICLE = "berita/2026/rapat-paripurna-penetapan-apbd-2027/"
OTHER = len(ITEMS) - 1  # the second item has no video: Telegram posts its album


def make_clip(path, size: str, seconds: str) -> None:
    """A test pattern with sound; noise keeps x264 from squeezing it, so X gets more than one chunk."""
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    f"testsrc2=size={size}:rate=30", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
                    "-t", seconds, "-vf", "noise=alls=60:allf=t", "-c:v", "libx264", "-preset", "ultrafast",
                    "-crf", "10", "-pix_fmt", "yuv420p", "-c:a", "aac", "-movflags", "+faststart", str(path)],
                   check=True, timeout=120)


def probe(path) -> dict:
    out = subprocess.run(["ffprobe", "-v", "error", "-of", "json", "-show_format", "-show_streams", str(path)],
                         check=True, capture_output=True, text=True, timeout=60).stdout
    data = json.loads(out)
    video = next(s for s in data["streams"] if s["codec_type"] == "video")
    return {"duration": float(data["format"]["duration"]), "width": video["width"], "height": video["height"]}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The built two-item project with the APBD item's video on the site, served on 127.0.0.1."""
    project = built_project(tmp_path_factory, "publish-video")
    folder = project / "site" / ARTICLE / "video"
    folder.mkdir()
    make_clip(folder / "rapat.mp4", "640x360", "1")  # about 7 MB: two chunks of X's upload
    make_clip(folder / "rapat-lebar.mp4", "640x160", "1")  # 4:1, wider than X takes
    shutil.copy(REPO / "content/berita/2026" / APBD / "01-pembukaan.jpg", folder / "rapat-poster.jpg")
    with serve(project / "site") as url:
        yield project, url


@pytest.fixture(autouse=True)
def video(site):
    """``video(name)``: the record names ``name`` (under the article's video/) as X's and Telegram's copy."""
    path = site[0] / RECORD
    original = path.read_text(encoding="utf-8")

    def use(name: str = "rapat") -> None:
        data = json.loads(original)
        entry = next(i for i in data["items"] if i["path"].endswith(APBD))
        mp4 = urls.video(ARTICLE, name)
        facts = probe(site[0] / "site" / mp4)
        entry["video"] = {"title": "Rapat paripurna", "path": mp4, "poster": urls.video_poster(ARTICLE, name, "jpg"),
                          "captions": "", "renditions": [
                              {"platform": p, "path": mp4, "bytes": (site[0] / "site" / mp4).stat().st_size, **facts}
                              for p in ("x", "telegram")]}
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    use()
    yield use
    path.write_text(original, encoding="utf-8")


def x_videos(apis) -> list[dict]:
    """X's posts that carry a video."""
    return [p for p in apis["x"].posts if any("session" in m for m in p["media"])]


def telegram_videos(apis) -> list[dict]:
    return [p for p in apis["telegram"].posts if "video" in p]


def row(output: str) -> list[str]:
    """The APBD item's row of `portal publish`'s table: item, platform, state, what happened."""
    line = next(line for line in output.splitlines() if line.startswith(APBD + " "))
    return [cell.strip() for cell in line.split(" | ", 3)]


def ledger(run) -> list[dict]:
    return [json.loads(line) for line in run.ledger.read_text(encoding="utf-8").splitlines()]


def test_x_posts_the_video_once_uploaded_in_ordered_chunks(run, apis, site):
    first = run("--only", "x")
    assert first.returncode == 0, first.stdout + first.stderr
    (post,) = apis["x"].posts
    (media,) = post["media"]
    sent = (site[0] / "site" / ARTICLE / "video/rapat.mp4").read_bytes()
    segments = media["session"]["segments"]
    assert len(segments) == 2 and b"".join(segments[i] for i in sorted(segments)) == sent
    assert media["video"]["video_codec"] == "h264" and (media["video"]["width"], media["video"]["height"]) == (640, 360)
    assert post["text"].endswith(f"/{ARTICLE}") and media["session"]["state"] == "succeeded"
    assert apis["x"].calls("media_upload") == 0  # no photo uploaded: the video instead
    assert [r["state"] for r in ledger(run)] == ["PLANNED", "ATTEMPTING", "POSTED"]
    assert ledger(run)[1]["data"] == {"media_ids": [post["media_ids"][0]]}
    assert "Tidak ada yang perlu diunggah" in run("--only", "x").stdout
    assert len(apis["x"].posts) == 1


def test_x_waits_while_x_processes_the_video(run, apis):
    apis["x"].processing = ["in_progress", "in_progress", "in_progress", "succeeded"]
    assert run("--only", "x").returncode == 0
    assert apis["x"].calls("media_status") == 4 and len(x_videos(apis)) == 1


def test_x_processing_longer_than_a_run_waits_is_deferred_then_posted(run, apis):
    apis["x"].check_after = 3600  # X asks to come back in an hour: no run waits that long
    first = run("--only", "x")
    assert first.returncode == 0, first.stdout
    assert row(first.stdout) == [APBD, "X", "DITUNDA", "X masih memproses video (sudah 0 detik, diminta menunggu "
                                 "3600 detik lagi; batasnya 600 detik): dicoba lagi pada proses berikutnya"]
    assert not apis["x"].posts and ledger(run)[-1]["state"] == "PLANNED"
    apis["x"].check_after = 0
    assert run("--only", "x").returncode == 0
    assert len(x_videos(apis)) == 1 and apis["x"].calls("media_init") == 2


def test_telegram_sends_the_video_once_with_its_caption(run, apis, site):
    first = run("--only", "telegram")
    assert first.returncode == 0, first.stdout + first.stderr
    (video,) = telegram_videos(apis)
    assert video["caption"].startswith("Rapat Paripurna Penetapan APBD 2027") and video["streaming"]
    assert (video["video"]["width"], video["video"]["height"]) == (640, 360)
    assert len(apis["telegram"].posts) == 1 + OTHER  # the other item's album
    posted = [r for r in ledger(run) if r["state"] == "POSTED" and r["path"].endswith(APBD)]
    assert posted[0]["data"] == {"messages": [int(posted[0]["remote_id"])]}
    assert "Tidak ada yang perlu diunggah" in run("--only", "telegram").stdout
    assert len(telegram_videos(apis)) == 1


FAULTS = [
    ("x", "media_init", "server_error"), ("x", "media_append", "server_error"), ("x", "media_append", "rate_limit"),
    ("x", "media_finalize", "server_error"), ("x", "media_status", "server_error"),
    ("x", "tweets", "server_error"), ("x", "tweets", "drop_after_commit"), ("x", "tweets", "rate_limit"),
    ("telegram", "sendVideo", "server_error"), ("telegram", "sendVideo", "rate_limit"),
]


@pytest.mark.parametrize("platform, endpoint, fault", FAULTS)
def test_a_fault_at_any_step_ends_with_exactly_one_video_post(run, apis, platform, endpoint, fault):
    apis["x"].processing = ["in_progress", "succeeded"]
    apis[platform].inject(endpoint, fault, wait=1)
    first = run("--only", platform)
    assert first.returncode == 0, first.stdout + first.stderr
    run("--only", platform)
    found = x_videos(apis) if platform == "x" else telegram_videos(apis)
    assert len(found) == 1, first.stdout


def test_telegram_dropped_after_sending_the_video_is_unknown_never_resent(run, apis):
    apis["telegram"].inject("sendVideo", "drop_after_commit")
    first = run("--only", "telegram")
    assert first.returncode == 1
    assert row(first.stdout) == [APBD, "Telegram", "UNKNOWN", "koneksi terputus (ConnectionError) saat mengirim "
                                                              "unggahan; periksa kanal secara manual"]
    assert run("--only", "telegram").returncode == 1
    assert len(telegram_videos(apis)) == 1


def test_x_processing_failed_is_failed_with_xs_message(run, apis, video):
    video("rapat-lebar")
    first = run("--only", "x")
    assert first.returncode == 1
    assert row(first.stdout) == [APBD, "X", "FAILED", (
        "X gagal memproses video (Invalid or Unsupported media, Reason: Unsupported aspect ratio: 640x160); periksa "
        "salinan video untuk X di build: MP4 H.264/AAC, 0,5 sampai 140 detik, rasio sisi 1:3 sampai 3:1")]
    assert not apis["x"].posts and apis["x"].calls("tweets") == 0
    assert ledger(run)[-1]["state"] == "FAILED"
    assert run("--only", "x").returncode == 1 and apis["x"].calls("media_init") == 1  # a person decides


def test_a_post_refused_after_the_upload_is_failed_with_xs_message(run, apis):
    apis["x"].inject("tweets", "refuse", message="You are not permitted to create a Tweet with this video.")
    first = run("--only", "x")
    assert first.returncode == 1
    assert row(first.stdout) == [APBD, "X", "FAILED", "HTTP 403: You are not permitted to create a Tweet with "
                                                       "this video."]
    assert apis["x"].calls("media_finalize") == 1 and not apis["x"].posts
    assert ledger(run)[-1]["state"] == "FAILED"


def test_telegram_refuses_a_video_over_the_bots_upload_limit(run, apis, site):
    size = (site[0] / "site" / ARTICLE / "video/rapat.mp4").stat().st_size
    apis["telegram"].upload_limit = size - 1  # the real limit is 50 MB; the same answer for a smaller file
    first = run("--only", "telegram")
    assert first.returncode == 1
    assert row(first.stdout) == [APBD, "Telegram", "FAILED", "HTTP 413: Request Entity Too Large"]
    assert not telegram_videos(apis)
    assert apis["telegram"].calls("sendVideo") == 1  # a refusal: not retried


@pytest.mark.parametrize("platform", ["x", "telegram"])
def test_killed_during_the_upload_then_rerun_posts_exactly_once(run, apis, platform):
    """SIGKILL while the video travels (X: after its first chunk; Telegram: as the message is stored)."""
    holder = {}

    def kill(*args):
        if platform == "telegram" and "video" not in args[0]:
            return  # the other item's album, sent first (oldest first)
        if not holder.get("done"):
            holder["done"] = True
            os.kill(holder["proc"].pid, signal.SIGKILL)

    if platform == "x":
        apis["x"].on_segment = kill
    else:
        apis["telegram"].on_commit = kill
    proc = run("--only", platform, popen=True)
    holder["proc"] = proc
    proc.communicate(timeout=120)
    assert proc.returncode == -signal.SIGKILL
    apis["x"].on_segment = apis["telegram"].on_commit = None
    states = [r["state"] for r in ledger(run) if r["path"].endswith(APBD)]
    second = run("--only", platform)
    run("--only", platform)
    if platform == "x":
        assert states[-1] == "PLANNED"  # died before the post's call: the rerun uploads again
        assert second.returncode == 0 and len(x_videos(apis)) == 1
        assert apis["x"].calls("media_init") == 2
    else:  # died after the send: no history to look in, a person decides; never sent twice
        assert states[-1] == "ATTEMPTING"
        assert second.returncode == 1 and "UNKNOWN" in second.stdout
        assert len(telegram_videos(apis)) == 1


def test_killed_after_x_stored_the_post_is_found_by_its_video(run, apis):
    holder = {}

    def kill(post):
        if not holder.get("done"):
            holder["done"] = True
            os.kill(holder["proc"].pid, signal.SIGKILL)

    apis["x"].on_commit = kill
    proc = run("--only", "x", popen=True)
    holder["proc"] = proc
    proc.communicate(timeout=120)
    apis["x"].on_commit = None
    assert ledger(run)[-1]["state"] == "ATTEMPTING"
    second = run("--only", "x")
    assert second.returncode == 0, second.stdout
    assert "X: content/berita/2026/" + APBD + " ternyata sudah terunggah pada proses sebelumnya." in second.stdout
    assert len(apis["x"].posts) == 1 and ledger(run)[-1]["state"] == "POSTED"


def test_a_retracted_video_message_is_deleted_from_the_channel(run, apis, site):
    assert run("--only", "telegram").returncode == 0
    (video,) = telegram_videos(apis)
    path = site[0] / RECORD
    data = json.loads(path.read_text(encoding="utf-8"))
    entry = next(i for i in data["items"] if i["path"].endswith(APBD))
    entry["retracted"] = {"date": "2026-11-21", "reason": "Kegiatan batal."}
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = run("--only", "telegram")
    assert result.returncode == 0, result.stdout
    assert apis["telegram"].messages[int(video["id"])]["deleted"]


# ---------------------------------------------------------------------- the emulator's contract, called directly

@pytest.fixture
def x_api():
    with XEmulator() as emulator:
        session = requests.Session()
        session.auth = OAuth1(emulator.api_key, emulator.api_secret, emulator.token, emulator.token_secret)
        yield emulator, session


def test_x_refuses_finalize_before_every_byte_and_an_oversized_chunk(x_api):
    emulator, http = x_api
    media_id = http.post(f"{emulator.url}/2/media/upload/initialize", json={
        "media_type": "video/mp4", "total_bytes": 10, "media_category": "amplify_video"}).json()["data"]["id"]
    append = f"{emulator.url}/2/media/upload/{media_id}/append"
    assert http.post(append, data={"segment_index": "0"}, files={"media": ("c", b"12345")}).status_code == 200
    early = http.post(f"{emulator.url}/2/media/upload/{media_id}/finalize")
    assert early.status_code == 400
    assert early.json() == {"title": "Invalid Request", "detail": "Segments do not add up to provided total file "
                                                                  "size.", "type": "about:blank", "status": 400}
    emulator.chunk_limit = 4
    big = http.post(append, data={"segment_index": "1"}, files={"media": ("c", b"67890")})
    assert big.status_code == 400 and big.json()["detail"] == "media chunk must be <= 4 bytes"
    wrong = http.post(f"{emulator.url}/2/media/upload/initialize", json={
        "media_type": "video/mp4", "total_bytes": 513 * 1024 * 1024, "media_category": "amplify_video"})
    assert wrong.status_code == 400 and wrong.json()["detail"] == "total_bytes must be between 1 and 536870912"


def test_dry_run_shows_the_video_each_platform_gets_instead_of_the_photos(run, apis, site):
    """An admin's `--dry-run`: X and Telegram (the record's renditions) show the video line, no photo line;
    Facebook and Instagram, with no copy recorded here, show the photos. Nothing is sent."""
    result = run("--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr
    size = (site[0] / "site" / ARTICLE / "video/rapat.mp4").stat().st_size
    megabytes = f"{size / 1e6:.1f}".replace(".", ",")  # Indonesian decimal comma
    url = f"{site[1].rstrip('/')}/{ARTICLE}video/rapat.mp4"
    line = f"  video: {url}  (Rapat paripurna; 640x360, 0:01 menit, {megabytes} MB)"
    blocks = {b.split(" · ", 1)[0]: b.splitlines() for b in result.stdout.split("=== ")[1:]
              if APBD in b.split("\n", 1)[0]}
    assert sorted(blocks) == ["Facebook", "Instagram", "Telegram", "X"]
    for name in ("X", "Telegram"):
        assert line in blocks[name] and not any(x.startswith("  foto: ") for x in blocks[name]), blocks[name]
    for name in ("Facebook", "Instagram"):
        assert line not in blocks[name] and any(x.startswith("  foto: ") for x in blocks[name]), blocks[name]
    assert all(not api.posts for api in apis.values())
