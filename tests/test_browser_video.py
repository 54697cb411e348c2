"""An article with a video in Chromium (issue 16, "Must show"), on the site of each engine.

A phone (412x915) opens the article: nothing of the MP4 is requested before
play and the page's bytes before scrolling stay within the budget; the video
plays (``currentTime`` advances, muted as autoplay policy asks of a script),
its captions track loads; axe finds nothing serious; no request leaves the
site, no CSP violation (``media-src`` falls back to ``default-src 'self'``).
The phone screenshot is kept at ``/tmp/portal-video-<engine>-412.png``.

The site is built as in test_video_site.py (a pattern clip made with ffmpeg,
transcoded by the pipeline). Skipped without Chromium, Playwright, axe-core or
ffmpeg on a developer machine; failed instead under ``CI=true``.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytest.register_assert_rewrite("browser_support")
import browser_support  # noqa: E402
import test_video_site  # noqa: E402
from browser_support import PHONE, csp_violations, require_playwright, serve  # noqa: E402
from test_browser_register import assert_axe_clean  # noqa: E402
from test_video_site import ARTICLE, build_with_video, video_project  # noqa: E402

pytest_plugins = ["browser_support"]  # the screenshot-on-failure hook

playwright_api = require_playwright()

# The same clip and the same two engines as test_video_site.py.
engine, transcoded = test_video_site.engine, test_video_site.transcoded
BUDGET = 250 * 1024  # the article's bytes before the reader scrolls (issue 16, point 5)
VIDEO = ".portal-videos video"


@pytest.fixture(scope="module")
def site(engine, transcoded, tmp_path_factory) -> Path:
    done, captions = transcoded
    return build_with_video(video_project(tmp_path_factory.mktemp(f"browser-video-{engine}") / "project"),
                            done, captions, engine, title="Rekaman rapat dengar pendapat")


@pytest.fixture(scope="module")
def served(site):
    """The site's base URL and the log of what it sent: (path, bytes), text gzipped as GitHub Pages sends it."""
    log: list = []
    with serve(site, gzip_text=True, log=log) as url:
        yield url, log


def _mp4_requests(requests: list[str]) -> list[str]:
    return [url for url in requests if urlsplit(url).path.endswith(".mp4")]


def test_article_on_a_phone_loads_no_video_bytes_before_play(browser, served, engine):
    base_url, log = served
    log.clear()
    context, page, watch = browser_support.open_page(browser, base_url, ARTICLE, PHONE)
    try:
        assert _mp4_requests(watch.requests) == []
        sent = sum(size for _, size in log)
        assert sent <= BUDGET, sorted(log, key=lambda entry: -entry[1])[:5]
        video = page.locator(VIDEO)
        video.scroll_into_view_if_needed()
        page.wait_for_function("() => document.querySelector('.portal-videos video').readyState === 0 "
                               "&& [...document.images].every(i => i.complete)")
        assert _mp4_requests(watch.requests) == []  # scrolled to: still nothing until play
        # The box has its ratio (320x240) from the width/height attributes: the column's width, 3:4 high.
        width, height = video.evaluate("v => [v.getBoundingClientRect().width, v.getBoundingClientRect().height]")
        assert abs(height - width * 240 / 320) < 1.5
        assert page.evaluate("document.documentElement.scrollWidth - innerWidth") <= 0
        page.screenshot(path=f"/tmp/portal-video-{engine}-412.png")
        assert_axe_clean(page, f"video article phone ({engine})")
        assert csp_violations(page) == []
        watch.assert_clean()
    finally:
        context.close()


PLAY = """async () => {
  const video = document.querySelector('.portal-videos video');
  video.muted = true;  // a script may start only a muted video (Chromium's autoplay policy)
  await video.play();
}"""


def test_the_video_plays_and_its_captions_load(browser, served):
    base_url, _ = served
    context, page, watch = browser_support.open_page(browser, base_url, ARTICLE, PHONE)
    try:
        page.locator(VIDEO).scroll_into_view_if_needed()
        page.evaluate(PLAY)
        page.wait_for_function("() => document.querySelector('.portal-videos video').currentTime > 0.5")
        assert {urlsplit(url).path for url in _mp4_requests(watch.requests)} == {f"/{ARTICLE}video/rapat.mp4"}
        page.wait_for_function("() => { const t = document.querySelector('.portal-videos track');"
                               " return t.readyState === 2 && t.track.cues.length > 0; }")
        cue = page.evaluate("document.querySelector('.portal-videos track').track.cues[0].text")
        assert cue == "Pimpinan rapat membuka sidang."
        assert page.evaluate("document.querySelector('.portal-videos video').textTracks[0].mode") == "showing"
        assert csp_violations(page) == []
        watch.assert_clean()
    finally:
        context.close()
