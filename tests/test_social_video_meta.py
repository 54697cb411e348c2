"""Issue 16: the item's video to a Facebook Page (resumable upload) and to Instagram (Reels), exactly once.

The two-item project of tests/test_publish.py is built and served on
127.0.0.1; its build record then gets a video for the first item, a real
MP4 made here by Debian's ffmpeg and served by the site as the platforms'
copies. The emulators (tests/social_emulator.py) fetch or receive it and
check it with ffprobe, as Meta would refuse what is not an MP4 in limits.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import signal
import subprocess
from types import SimpleNamespace

import pytest
import requests
from browser_support import serve
from conftest import missing_tool
from PIL import Image
from social_emulator import IG_CONTAINER_LIFE, Drop, InstagramEmulator, _ffprobe
from test_publish import ITEMS, REPO, apis, built_project, project_config, run  # noqa: F401  (fixtures)

from pipeline.content.model import Video
from pipeline.review.summary import _media
from pipeline.site.record import RecordedRendition, RecordedVideo
from pipeline.social.platforms.base import Deferred
from pipeline.social.platforms.facebook import GraphTransport
from pipeline.social.platforms.http import Budget, Redactor
from pipeline.social.platforms.instagram import POLL_MAX, POLL_SECONDS, Instagram
from pipeline.social.posts import Video as PostVideo
from pipeline.social.posts import compose_post

if shutil.which("ffmpeg") is None or shutil.which("ffprobe") is None:
    missing_tool("ffmpeg is not installed (Debian package ffmpeg)")

VIDEO_ITEM = "2026-11-20-rapat-paripurna-penetapan-apbd-2027"
OTHER_ITEM = "2026-11-12-rdp-komisi-iv-dinas-kesehatan-layanan-puskesmas"
RECORD = ".portal/build-record.json"
TITLE = "Pembukaan rapat paripurna"


def make_clip(path, seconds: str = "4") -> None:
    """A 320x240 test pattern with a tone, H.264/AAC, index first (like the pipeline's web rendition)."""
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    "testsrc2=size=320x240:rate=30", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                    "-t", seconds, "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-movflags", "+faststart",
                    str(path)], check=True, timeout=120)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The built project, its record naming a video of the first item for Facebook and Instagram, served."""
    project = built_project(tmp_path_factory, "publish-video")
    record = json.loads((project / RECORD).read_text(encoding="utf-8"))
    entry = next(i for i in record["items"] if i["path"].endswith(VIDEO_ITEM))
    folder = project / "site" / entry["url"] / "video"
    folder.mkdir(parents=True)
    make_clip(folder / "pembukaan.mp4")
    probed = _ffprobe((folder / "pembukaan.mp4").read_bytes())
    assert probed is not None
    renditions = []
    for platform in ("facebook", "instagram"):
        shutil.copyfile(folder / "pembukaan.mp4", folder / f"pembukaan-{platform}.mp4")
        renditions.append({"platform": platform, "path": f"{entry['url']}video/pembukaan-{platform}.mp4",
                           "bytes": (folder / "pembukaan.mp4").stat().st_size, "duration": probed["duration"],
                           "width": probed["width"], "height": probed["height"]})
    Image.new("RGB", (320, 240), "gray").save(folder / "pembukaan-poster.jpg", "JPEG")
    entry["video"] = {"title": TITLE, "path": f"{entry['url']}video/pembukaan.mp4",
                      "poster": f"{entry['url']}video/pembukaan-poster.jpg", "captions": "",
                      "renditions": renditions}
    (project / RECORD).write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    with serve(project / "site") as url:
        yield project, url


def video_posts(emulator) -> list[dict]:
    return [p for p in emulator.posts if p.get("video")]


def assert_video_once(apis, platform) -> None:  # noqa: F811  (apis: the fixture's value)
    """The video item's post exactly once, as a video with the item's text; the other item's photos once."""
    emulator = apis[platform]
    videos = video_posts(emulator)
    assert len(videos) == 1, emulator.posts
    text = videos[0].get("message") or videos[0].get("caption")
    assert "rapat-paripurna-penetapan-apbd-2027" in text
    assert videos[0]["video"]["video_codec"] == "h264" and videos[0]["video"]["width"] == 320
    photos = [p for p in emulator.posts if not p.get("video")]
    assert len(photos) == (1 if platform == "facebook" else 0), emulator.posts


def test_each_platform_gets_the_video_once_with_the_text(run, apis):  # noqa: F811
    result = run("--only", "facebook,instagram")
    assert result.returncode == 0, result.stdout + result.stderr
    assert_video_once(apis, "facebook")
    assert_video_once(apis, "instagram")
    fb = apis["facebook"]
    assert fb.calls("video_start") == 1 and fb.calls("video_transfer") >= 2 and fb.calls("video_finish") == 1
    assert fb.calls("photos") == 4  # the other item's photos only: the video item's stay on the site
    reel = video_posts(apis["instagram"])[0]
    assert reel["media_type"] == "REELS" and apis["instagram"].calls("media") == 1
    ledger = [json.loads(line) for line in run.ledger.read_text().splitlines()]
    posted = {(r["platform"], r["state"]) for r in ledger if r["path"].endswith(VIDEO_ITEM)}
    assert ("facebook", "POSTED") in posted and ("instagram", "POSTED") in posted
    fb_line = next(r for r in ledger if r["path"].endswith(VIDEO_ITEM) and r["platform"] == "facebook"
                   and r["state"] == "POSTED")
    assert fb_line["url"] == f"https://www.facebook.com/{fb.owner}/videos/{fb_line['remote_id']}/"
    auth = {"Authorization": f"Bearer {fb.token}"}
    feed = requests.get(f"{fb.url}/{fb.owner}/feed", headers=auth, params={"fields": "attachments"}).json()["data"]
    assert {"type": "video_inline", "target": {"id": fb_line["remote_id"]}} in [
        a for entry in feed for a in entry["attachments"]["data"]]
    videos = requests.get(f"{fb.url}/{fb.owner}/videos", headers=auth).json()["data"]
    assert [v["id"] for v in videos] == [fb_line["remote_id"]]
    status = requests.get(f"{fb.url}/{fb_line['remote_id']}", headers=auth).json()["status"]
    assert status["uploading_phase"]["status"] == "complete" and status["video_status"] in ("processing", "ready")
    assert run("--only", "facebook,instagram").returncode == 0  # nothing again
    assert_video_once(apis, "facebook")
    assert_video_once(apis, "instagram")


FAULTS = [("facebook", "video_start", "server_error"), ("facebook", "video_transfer", "server_error"),
          ("facebook", "video_transfer", "rate_limit"),
          ("facebook", "video_transfer", "drop_after_commit"), ("facebook", "video_finish", "rate_limit"),
          ("facebook", "video_finish", "server_error"), ("facebook", "video_finish", "drop_after_commit"),
          ("instagram", "media", "server_error"), ("instagram", "status", "server_error"),
          ("instagram", "publish", "server_error"), ("instagram", "publish", "drop_after_commit")]


@pytest.mark.parametrize("platform, endpoint, fault", FAULTS)
def test_transient_faults_at_each_step_end_with_one_video(run, apis, platform, endpoint, fault):  # noqa: F811
    apis[platform].inject(endpoint, fault, wait=1)
    run("--only", platform)
    assert run("--only", platform).returncode == 0, run.outputs
    assert_video_once(apis, platform)
    if (endpoint, fault) == ("video_transfer", "drop_after_commit"):  # the stale offset refused, a fresh upload
        assert apis[platform].calls("video_start") == 2


@pytest.mark.parametrize("platform, endpoint, said", [
    ("facebook", "video_start", "Facebook | FAILED | HTTP 400: (#200) Permissions error"),
    ("facebook", "video_finish", "Facebook | FAILED | HTTP 400: The action attempted has been deemed abusive or is otherwise "
                     "disallowed"),
    ("instagram", "media", "Instagram | FAILED | HTTP 400: (#200) Permissions error"),
])
def test_a_refused_step_is_failed_with_metas_message_and_not_retried(run, apis, platform, endpoint, said):  # noqa: F811
    code = 368 if endpoint == "video_finish" else 200
    apis[platform].inject(endpoint, "refuse", code=code)
    first = run("--only", platform)
    assert first.returncode == 1 and said in first.stdout, first.stdout
    run("--only", platform)
    assert not video_posts(apis[platform])
    assert apis[platform].calls(endpoint) == 1


def test_instagram_processing_error_is_failed(run, apis):  # noqa: F811
    apis["instagram"].status_sequence = ["IN_PROGRESS", "ERROR"]
    first = run("--only", "instagram")
    assert first.returncode == 1
    assert "| FAILED | Instagram gagal memproses video (status ERROR)" in first.stdout
    assert not apis["instagram"].posts


def _killed_at(run, apis, platform, step, hook="on_step", drop=False):  # noqa: F811
    """Run publish for ``platform`` and SIGKILL it the first time the emulator reaches ``step``.

    ``drop``: the emulator then drops the request unanswered, having done nothing.
    """
    holder: dict = {}

    def kill(*args):
        if (hook == "on_commit" or args[0] == step) and not holder.get("done"):
            holder["done"] = True
            os.kill(holder["proc"].pid, signal.SIGKILL)
            if drop:
                raise Drop()

    setattr(apis[platform], hook, kill)
    proc = run("--only", platform, popen=True)
    holder["proc"] = proc
    proc.communicate(timeout=120)
    setattr(apis[platform], hook, None)
    assert proc.returncode == -signal.SIGKILL
    return [json.loads(line) for line in run.ledger.read_text().splitlines()]


@pytest.mark.parametrize("platform, step, hook, state", [
    ("facebook", "transfer", "on_step", "PLANNED"),  # between a chunk and finish: no post yet
    ("facebook", "finish", "on_commit", "ATTEMPTING"),  # posted, the answer never read
    ("instagram", "status", "on_step", "PLANNED"),  # container FINISHED, not yet recorded
    ("instagram", "publish", "on_commit", "ATTEMPTING"),
])
def test_killed_during_the_upload_then_a_rerun_posts_exactly_once(run, apis, platform, step, hook, state):  # noqa: F811
    ledger = _killed_at(run, apis, platform, step, hook)
    assert ledger[-1]["state"] == state
    second = run("--only", platform)
    assert second.returncode == 0, second.stdout
    run("--only", platform)
    assert_video_once(apis, platform)


def test_instagram_container_recorded_then_killed_and_expired_makes_a_new_one(run, apis):  # noqa: F811
    ig = apis["instagram"]
    ledger = _killed_at(run, apis, "instagram", "publish", drop=True)  # media_publish sent, nothing done
    assert ledger[-1]["state"] == "ATTEMPTING"
    old = ledger[-1]["data"]["container"]
    ig.clock += IG_CONTAINER_LIFE + 60  # a day later: the recorded container expired
    made = ig.calls("media")
    assert run("--only", "instagram").returncode == 0, run.outputs
    assert ig.calls("media") == made + 1  # a new container, published once
    assert_video_once(apis, "instagram")
    assert ig.containers[old]["status"] is None  # the expired one was never published
    expired = requests.post(f"{ig.url}/{ig.owner}/media_publish", headers={"Authorization": f"Bearer {ig.token}"},
                            data={"creation_id": old}).json()["error"]
    assert (expired["code"], expired["error_subcode"]) == (-2, 2207020)


def test_instagram_refusing_an_expired_container_gets_a_new_one(run, apis):  # noqa: F811
    ig = apis["instagram"]
    ig.inject("publish", "refuse", code=-2, subcode=2207020,
              message="The media you are trying to access has expired. Please try to upload again.")
    assert run("--only", "instagram").returncode == 0, run.outputs
    assert ig.calls("media") == 2 and ig.calls("publish") == 2
    assert_video_once(apis, "instagram")


def test_the_emulators_refuse_what_meta_refuses(apis, site):  # noqa: F811
    project, url = site
    fb, ig = apis["facebook"], apis["instagram"]
    auth = {"Authorization": f"Bearer {fb.token}"}
    start = requests.post(f"{fb.url}/{fb.owner}/videos", headers=auth,
                          data={"upload_phase": "start", "file_size": "200000"}).json()
    wrong = requests.post(f"{fb.url}/{fb.owner}/videos", headers=auth, data={
        "upload_phase": "transfer", "upload_session_id": start["upload_session_id"], "start_offset": "1000"},
        files={"video_file_chunk": ("chunk", b"x" * 100)})
    assert wrong.status_code == 400
    error = wrong.json()["error"]
    assert (error["code"], error["error_subcode"], error["error_data"]) == (
        6001, 1363037, {"start_offset": 0, "end_offset": 65536})
    small = requests.post(f"{fb.url}/{fb.owner}/videos", headers=auth, data={"upload_phase": "start",
                                                                             "file_size": "10"})
    assert small.json()["error"]["error_subcode"] == 1363022
    ig_auth = {"Authorization": f"Bearer {ig.token}"}
    page = f"{url}/berita/2026/rapat-paripurna-penetapan-apbd-2027/"
    not_mp4 = requests.post(f"{ig.url}/{ig.owner}/media", headers=ig_auth, data={
        "media_type": "REELS", "video_url": page, "caption": "x"}).json()["error"]
    assert (not_mp4["code"], not_mp4["error_subcode"]) == (352, 2207026)
    missing = requests.post(f"{ig.url}/{ig.owner}/media", headers=ig_auth, data={
        "media_type": "REELS", "video_url": f"{url}/tidak-ada.mp4", "caption": "x"}).json()["error"]
    assert (missing["code"], missing["error_subcode"], missing["message"]) == (9004, 2207052,
                                                                             "Media download has failed.")
    short = project / "site" / "pendek.mp4"
    make_clip(short, seconds="1")
    too_short = requests.post(f"{ig.url}/{ig.owner}/media", headers=ig_auth, data={
        "media_type": "REELS", "video_url": f"{url}/pendek.mp4", "caption": "x"}).json()["error"]
    assert (too_short["code"], too_short["error_subcode"]) == (352, 2207026)


def test_the_reviewer_summary_says_video_or_why_photos():
    video = RecordedVideo(TITLE, "berita/2026/a/video/pembukaan.mp4", "berita/2026/a/video/pembukaan-poster.jpg", "",
                          (RecordedRendition("facebook", "berita/2026/a/video/pembukaan.mp4", 12_345_678, 65.4, 1280,
                                             720),))
    posts = {p: compose_post(p, "https://dprd.example.go.id", "berita/2026/a/", "Rapat paripurna", "Keterangan.", [],
                             [("berita/2026/a/foto/1-sosial.jpg", "Suasana rapat")], video=video)
             for p in ("facebook", "instagram", "x")}
    item = SimpleNamespace(videos=[Video("pembukaan.mp4", TITLE, REPO / "pembukaan.mp4", 12)])
    assert _media(item, posts["facebook"]) == "video Pembukaan rapat paripurna (1:05 menit, 12,3 MB)"
    assert _media(item, posts["instagram"]) == (
        "1 foto, bukan video: Pembukaan rapat paripurna tidak muat ketentuan Instagram (3 detik sampai 15:00 menit, "
        "lebar:tinggi 0,01 sampai 10, 23 sampai 60 fps)")
    assert _media(item, posts["x"]) == (
        "1 foto, bukan video: Pembukaan rapat paripurna tidak muat ketentuan X (0,5 detik sampai 2:20 menit, "
        "lebar:tinggi 0,33 sampai 3)")
    assert _media(SimpleNamespace(videos=[]), posts["x"]) == "1 foto"


def test_a_reel_still_processing_after_the_wait_is_deferred_not_failed(site):
    """The client polls within its budget (no real sleep here), then leaves the Reel to the next run."""
    _, url = site
    naps: list[float] = []
    with InstagramEmulator() as ig:
        ig.status_sequence = ["IN_PROGRESS"]
        client = Instagram(ig.owner, ig.token, ig.url, GraphTransport("instagram", Redactor(),
                                                                      Budget(sleep=naps.append)))
        video = PostVideo(f"{url}/berita/2026/rapat-paripurna-penetapan-apbd-2027/video/pembukaan-instagram.mp4",
                          "", TITLE, 1, 4.0, 320, 240)
        post = compose_post("instagram", url, "berita/2026/a/", "Rapat paripurna", "Keterangan.", [], [])
        recorded: list[dict] = []
        with pytest.raises(Deferred, match=r"^Instagram masih memproses video; diterbitkan pada proses berikutnya$"):
            client.publish(dataclasses.replace(post, video=video), recorded.append)
        assert recorded == [] and not ig.posts  # nothing recorded as attempted: the next run starts afresh
        assert ig.calls("status") == POLL_MAX and naps == [POLL_SECONDS] * POLL_MAX
