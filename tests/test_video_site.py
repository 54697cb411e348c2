"""An item's video on the site (issue 16, point 5): article markup, sanitizer, head metadata, feeds, both engines.

The clip is a test pattern made with Debian's ffmpeg (``test_video.pattern``)
and transcoded by the pipeline (PyAV); the site is built in-process as
``portal build`` does, with the transcoded video handed to ``stage`` (the
build's own transcoding step is exercised in test_video.py). Exact markup is
pinned after the sanitizer, on MkDocs and on Zensical alike.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from html import unescape
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

pytest.register_assert_rewrite("browser_support")
from browser_support import SITE_URL, TODAY, hostile_project  # noqa: E402 - after register_assert_rewrite
from conftest import listed_jpeg, run_cli  # noqa: E402
from test_video import pattern  # noqa: E402 - ffmpeg made clips (skips, or fails under CI, without ffmpeg)

from pipeline.content.model import Video  # noqa: E402
from pipeline.site.sanitize import sanitize  # noqa: E402
from pipeline.video import transcode  # noqa: E402

SLUG = "rapat-dengan-video"
ARTICLE = f"berita/2026/{SLUG}/"
TITLE = 'Rekaman <b>rapat</b> & "tanya jawab" </script>'
CAPTION = "Berita uji keamanan situs dengan narasi yang mencoba mengganggu halaman."
NARRATIVE = ("Rapat dengar pendapat membahas rancangan peraturan daerah tentang pelayanan publik. " * 6).strip()
VTT = "WEBVTT\n\n00:00:00.000 --> 00:00:02.500\nPimpinan rapat membuka sidang.\n"


@pytest.fixture(scope="module")
def transcoded(tmp_path_factory) -> tuple[transcode.Transcoded, Path]:
    """A 3-second 320x240 pattern with sound, transcoded by the pipeline; and its WebVTT captions."""
    root = tmp_path_factory.mktemp("video-source")
    clip = pattern(root / "rapat.mp4")
    captions = root / "rapat.vtt"
    captions.write_text(VTT, encoding="utf-8")
    return transcode.transcode(clip, root / "cache"), captions


def build_with_video(project: Path, done: transcode.Transcoded, captions: Path | None,
                     engine: str = "mkdocs", title: str = TITLE) -> Path:
    """Build ``project`` into ``project/site`` as ``portal build`` does, its one item carrying the video ``done``.

    ``portal check`` decides nothing here: the item's ``videos`` are set on the
    checked item, as ``content/videos.read_videos`` fills them from front-matter.
    """
    from pipeline.check.rules import check
    from pipeline.config import load_config
    from pipeline.photos import images
    from pipeline.site.build import CACHE_DIR, run_mkdocs, swap
    from pipeline.site.stage import MARKER, stage

    os.environ["PORTAL_TODAY"] = TODAY
    config = load_config(project)
    report = check(config)
    (item,) = [i for i in report.items if i.listed]
    item.videos = [Video(file="rapat.mp4", title=title, path=done.source, line=12,
                         caption_file="rapat.vtt" if captions else None, captions=captions)]
    processed, _, failures = images.process([p.path for p in item.photos], project / CACHE_DIR, prune=True)
    assert not failures, failures
    files, links = stage(config, report.items, report.pages, None, processed, project / CACHE_DIR,
                         marked=engine == "zensical", videos={done.source: done})
    if engine == "zensical":
        from pipeline.site import zensical

        swap(zensical.run_zensical(config, files, project / "site", links, MARKER), project / "site")
    else:
        run_mkdocs(config, files, project / "site", links)
    return project / "site"


def listed_video_project(root: Path, source: Path, captions: Path) -> Path:
    """``video_project`` with the clip and its captions in the item folder, listed under ``videos:``."""
    project = video_project(root)
    (folder,) = (project / "content" / "berita" / "2026").iterdir()
    for photo in folder.glob("foto-*.jpg"):  # photos the check lets through (hostile_project's are tiny)
        photo.write_bytes(listed_jpeg(photo.name))
    shutil.copyfile(source, folder / "rapat.mp4")
    shutil.copyfile(captions, folder / "rapat.vtt")
    index = folder / "index.md"
    listed = f"videos:\n  - file: rapat.mp4\n    title: {json.dumps(TITLE)}\n    caption_file: rapat.vtt\nphotos:\n"
    index.write_text(index.read_text(encoding="utf-8").replace("photos:\n", listed, 1), encoding="utf-8")
    return project


def video_project(root: Path) -> Path:
    """A project of one item (4 photos, a plain narrative) that the video is added to."""
    return hostile_project(root, {SLUG: NARRATIVE})


@pytest.fixture(scope="module", params=["mkdocs", "zensical"])
def engine(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def site(engine, transcoded, tmp_path_factory) -> Path:
    done, captions = transcoded
    return build_with_video(video_project(tmp_path_factory.mktemp(f"video-{engine}")), done, captions, engine)


def article(site: Path) -> str:
    return (site / ARTICLE / "index.html").read_text(encoding="utf-8")


EXPECTED_BLOCK = (
    '<div class="portal-videos">\n<figure>\n'
    '<video controls="" preload="none" playsinline="" poster="video/rapat-poster.webp" width="320" height="240">\n'
    '<source src="video/rapat.mp4" type="video/mp4">\n'
    '<track kind="captions" src="video/rapat.vtt" srclang="id" label="Bahasa Indonesia" default="">\n'
    '<a href="video/rapat.mp4">Unduh video: Rekaman &lt;b&gt;rapat&lt;/b&gt; &amp; "tanya jawab" '
    '&lt;/script&gt; (MP4)</a>\n</video>\n'
    '<figcaption>Rekaman &lt;b&gt;rapat&lt;/b&gt; &amp; "tanya jawab" &lt;/script&gt;</figcaption>\n'
    '</figure>\n</div>')


def block(html: str) -> str:
    """The article's video block, one line between tags (engines differ only in blank lines there)."""
    (found,) = re.findall(r'<div class="portal-videos">.*?</div>', html, flags=re.DOTALL)
    return re.sub(r">\s+<", ">\n<", found)


# --------------------------------------------------------------------------- the article

def test_article_shows_the_video_exactly_on_both_engines(site, transcoded):
    done, _ = transcoded
    assert (done.width, done.height) == (320, 240)
    assert block(article(site)) == EXPECTED_BLOCK


def test_portal_build_puts_a_listed_video_on_the_article_alike(engine, transcoded, tmp_path):
    """The whole path, ``videos:`` in front-matter to the page, gives the markup the stage test pins."""
    done, captions = transcoded
    project = listed_video_project(tmp_path / "project", done.source, captions)
    result = run_cli(project, "build", "--engine", engine, today=TODAY)
    assert result.returncode == 0, result.stdout + result.stderr
    site = project / "site"
    assert block(article(site)) == EXPECTED_BLOCK
    assert sorted(p.name for p in (site / ARTICLE / "video").iterdir()) == [
        "rapat-poster.jpg", "rapat-poster.webp", "rapat.mp4", "rapat.vtt"]


def test_video_comes_after_the_narrative_under_its_heading_before_the_gallery(site):
    html = article(site)
    narrative, heading = html.index("Rapat dengar pendapat"), html.index(">Video<")
    assert narrative < heading < html.index('class="portal-videos"') < html.index(">Galeri foto<")


def test_the_site_serves_the_transcoded_files_and_the_editors_captions(site, transcoded):
    done, captions = transcoded
    folder = site / ARTICLE / "video"
    assert sorted(p.name for p in folder.iterdir()) == ["rapat-poster.jpg", "rapat-poster.webp", "rapat.mp4",
                                                        "rapat.vtt"]
    assert (folder / "rapat.mp4").read_bytes() == done.video.read_bytes()
    assert (folder / "rapat-poster.webp").read_bytes() == done.poster_webp.read_bytes()
    assert (folder / "rapat-poster.jpg").read_bytes() == done.poster_jpeg.read_bytes()
    assert (folder / "rapat.vtt").read_text(encoding="utf-8") == captions.read_text(encoding="utf-8")


def test_a_video_without_captions_has_no_track(transcoded, tmp_path):
    done, _ = transcoded
    site = build_with_video(video_project(tmp_path / "project"), done, None, title="Rekaman rapat")
    html = block(article(site))
    assert "<track" not in html and '<source src="video/rapat.mp4" type="video/mp4">' in html
    assert not (site / ARTICLE / "video" / "rapat.vtt").exists()


def test_the_article_with_a_video_is_valid_html(site, engine):
    """The W3C Nu checker finds nothing in the portal's markup (the theme's known errors aside)."""
    from test_html_validity import MATERIAL_ERRORS, nu_errors

    known = tuple(MATERIAL_ERRORS[engine])
    ours = [f"{m.get('lastLine')}: {m['message']} [{m.get('extract', '').strip()}]"
            for m in nu_errors([site / ARTICLE / "index.html"]) if not m["message"].startswith(known)]
    assert ours == []


# --------------------------------------------------------------------------- head: JSON-LD and Open Graph

class _Head:
    def __init__(self, html: str) -> None:
        self.meta = {name: unescape(value)  # Zensical's minijinja escapes "/" too
                     for name, value in re.findall(r'<meta property="([^"]+)" content="([^"]*)">', html)}
        self.jsonld = [json.loads(text) for text in
                       re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, flags=re.DOTALL)]


def test_jsonld_news_article_holds_the_video_object(site):
    # The title holds "</script>": the block still parses whole, so it did not close early.
    (data,) = _Head(article(site)).jsonld
    assert data["@type"] == "NewsArticle"
    assert data["video"] == [{
        "@type": "VideoObject", "name": TITLE, "description": CAPTION,
        "thumbnailUrl": f"{SITE_URL}{ARTICLE}video/rapat-poster.jpg",
        "uploadDate": "2026-11-01T00:00:00+07:00", "duration": "PT3S",
        "contentUrl": f"{SITE_URL}{ARTICLE}video/rapat.mp4", "encodingFormat": "video/mp4",
        "width": 320, "height": 240}]


def test_open_graph_names_the_video(site):
    meta = _Head(article(site)).meta
    assert meta["og:video"] == f"{SITE_URL}{ARTICLE}video/rapat.mp4"
    assert (meta["og:video:type"], meta["og:video:width"], meta["og:video:height"]) == ("video/mp4", "320", "240")


def test_a_page_without_video_has_no_og_video(site):
    html = (site / "index.html").read_text(encoding="utf-8")
    assert "og:video" not in html and "og:image" in html


def test_the_policy_allows_media_from_the_site_only(site):
    (policy,) = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', article(site))
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert (directives["default-src"], directives["media-src"]) == ("'self'", "'self'")


@pytest.mark.parametrize(("seconds", "expected"), [(65.0, "PT1M5S"), (3.02, "PT3S"), (0.2, "PT0S"),
                                                   (3600.0, "PT1H"), (3725.4, "PT1H2M5S"), (120.0, "PT2M")])
def test_iso_duration(seconds, expected):
    from pipeline.site.entries import WebVideo

    video = WebVideo("t", "a.mp4", "a.webp", "a.jpg", None, 2, 2, seconds, 1, {})
    assert video.iso_duration == expected


# --------------------------------------------------------------------------- feeds

def test_json_feed_attaches_the_video(site, transcoded):
    done, _ = transcoded
    feed = json.loads((site / "feed.json").read_text(encoding="utf-8"))
    (item,) = [i for i in feed["items"] if i["url"] == f"{SITE_URL}{ARTICLE}"]
    assert item["attachments"] == [{"url": f"{SITE_URL}{ARTICLE}video/rapat.mp4", "mime_type": "video/mp4",
                                    "title": TITLE, "size_in_bytes": done.bytes,
                                    "duration_in_seconds": round(done.duration, 3)}]
    assert item["image"].endswith("foto/foto-1-og.jpg")  # the photo stays the item's picture


def test_rss_encloses_the_video_once_and_keeps_the_photo_as_media_content(site, transcoded):
    done, _ = transcoded
    root = ET.fromstring((site / "feed.xml").read_text(encoding="utf-8"))
    (item,) = [i for i in root.iter("item") if i.findtext("link") == f"{SITE_URL}{ARTICLE}"]
    (enclosure,) = item.findall("enclosure")
    assert enclosure.attrib == {"url": f"{SITE_URL}{ARTICLE}video/rapat.mp4", "type": "video/mp4",
                                "length": str(done.bytes)}
    (media,) = item.findall("{http://search.yahoo.com/mrss/}content")
    assert media.attrib["medium"] == "image"


# --------------------------------------------------------------------------- the sanitizer

VIDEO = ('<video controls preload="none" playsinline poster="video/a-poster.webp" width="320" height="240">'
         '<source src="video/a.mp4" type="video/mp4">'
         '<track kind="captions" src="video/a.vtt" srclang="id" label="Bahasa Indonesia" default>'
         '<a href="video/a.mp4">Unduh</a></video>')
CLEAN = ('<video controls="" preload="none" playsinline="" poster="video/a-poster.webp" width="320" height="240">'
         '<source src="video/a.mp4" type="video/mp4">'
         '<track kind="captions" src="video/a.vtt" srclang="id" label="Bahasa Indonesia" default="">'
         '<a href="video/a.mp4">Unduh</a></video>')


def test_sanitizer_keeps_the_generated_video_block_as_it_is():
    assert sanitize(VIDEO) == CLEAN


@pytest.mark.parametrize(("html", "expected"), [
    # Playing by itself, looping, muted, fetching ahead: none of it survives.
    ('<video controls autoplay muted loop preload="auto" crossorigin="anonymous"></video>',
     '<video controls=""></video>'),
    ('<video controls preload="metadata"></video>', '<video controls=""></video>'),
    # Event handlers on every media element.
    ('<video controls onplay="alert(1)" onloadstart="alert(2)"><source src="a.mp4" onerror="alert(3)">'
     '<track src="a.vtt" onload="alert(4)"></video>',
     '<video controls=""><source src="a.mp4"><track src="a.vtt"></video>'),
    # Only same-site relative URLs: no other host, no scheme.
    ('<video src="https://contoh.invalid/a.mp4" poster="https://pelacak.invalid/p.jpg">'
     '<source src="https://contoh.invalid/a.mp4" type="video/mp4"></video>',
     '<video><source type="video/mp4"></video>'),
    ('<video poster="//pelacak.invalid/p.jpg"><source src="javascript:alert(1)">'
     '<source src=" JaVaScRiPt:alert(1)"><track src="data:text/vtt,WEBVTT"></video>',
     '<video><source><source><track></video>'),
    # Nothing else on the tags, no class, and <audio> stays out.
    ('<video class="x" style="x" data-x="1" controls><track kind="metadata" class="x" style="x"></video>'
     '<audio src="a.mp3" controls></audio>',
     '<video controls=""><track kind="metadata"></video>'),
])
def test_sanitizer_strips_everything_else_from_media(html, expected):
    assert sanitize(html) == expected


def test_check_still_refuses_a_video_tag_in_the_narrative(tmp_path, monkeypatch):
    from pipeline.check.rules import check
    from pipeline.config import load_config

    project = hostile_project(tmp_path / "project", {SLUG: NARRATIVE + '\n\n<video src="rapat.mp4" controls></video>\n'})
    monkeypatch.setenv("PORTAL_TODAY", TODAY)
    report = check(load_config(project))
    # The message's wording (and its fix) belongs to the check's owner (check/safety.py): it names the tag here.
    media = [(problem.severity, "`<video>` `rapat.mp4`" in problem.message) for problem in report.problems
             if problem.rule == "html-media"]
    assert media == [("error", True)]
