"""The Facebook, Instagram and Telegram clients against the emulators: throttling, refusals, hostile answers.

Meta throttles with HTTP 400/403 and an error code (never 429), Telegram with
429 and ``retry_after``: the client waits when the wait fits the run's budget,
else raises ``Throttled`` (deferred to the next run, never FAILED). A clock
that advances only when the client sleeps keeps these tests instant and
records every wait.
"""

import pytest
from PIL import Image

from browser_support import serve
from pipeline.social.platforms import Deferred, Throttled
from pipeline.social.platforms.facebook import Facebook, GraphTransport
from pipeline.social.platforms.http import ApiError, Budget, Redactor, Uncertain
from pipeline.social.platforms.instagram import Instagram
from pipeline.social.platforms.telegram import Telegram, TelegramTransport
from pipeline.social.posts import Photo, Post
from social_emulator import FacebookEmulator, InstagramEmulator, TelegramEmulator

FB_TOKEN, IG_TOKEN, TG_TOKEN = "fb-SENTINEL-7c1d", "ig-SENTINEL-93ab", "123456:tg-SENTINEL-0f9e"
ARTICLE_A = "https://dprd.contoh.go.id/berita/2026/rapat-paripurna/"
ARTICLE_B = "https://dprd.contoh.go.id/berita/2026/rdp-komisi-iv/"
BUC_CODES = [32, *range(80000, 80015)]
APP_CODES = [4, 17, 613]
PAGE_LIMIT = ("HTTP 400: (#80001) There have been too many calls to this Page account. Wait a bit and try again. "
              "For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting.")


class Clock:
    """Time that passes only when the client sleeps; every sleep is recorded."""

    def __init__(self):
        self.now, self.sleeps = 1000.0, []

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds

    def budget(self, seconds=600.0):
        return Budget(seconds, clock=lambda: self.now, sleep=self.sleep)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Four square JPEGs served on 127.0.0.1: what the platforms fetch."""
    folder = tmp_path_factory.mktemp("site")
    for n in range(4):
        Image.new("RGB", (1080, 1080), (40 * n, 90, 120)).save(folder / f"{n}.jpg", "JPEG")
    with serve(folder) as base:
        yield base


def post_for(site, platform, url, text=None):
    photos = tuple(Photo(f"{site}{n}.jpg", f"Foto kegiatan nomor {n}") for n in range(4))
    text = text or f"Rapat paripurna DPRD. Selengkapnya: {url}"
    return Post(platform, text, photos, url, len(text), 2200, False)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def fb():
    with FacebookEmulator(token=FB_TOKEN) as emulator:
        yield emulator


def facebook(emulator, budget, redact=None):
    redact = redact or Redactor()
    redact.add(FB_TOKEN)
    return Facebook(emulator.owner, FB_TOKEN, emulator.url, GraphTransport("facebook", redact, budget))


def instagram(emulator, budget):
    redact = Redactor()
    redact.add(IG_TOKEN)
    return Instagram(emulator.owner, IG_TOKEN, emulator.url, GraphTransport("instagram", redact, budget))


def telegram(emulator, budget):
    redact = Redactor()
    redact.add(TG_TOKEN)
    return Telegram(TG_TOKEN, emulator.chat_id, emulator.url, TelegramTransport("telegram", redact, budget))


def attempting(data):
    attempting.data = data


# ---------------------------------------------------------------------- throttling: wait within the budget

@pytest.mark.parametrize("code", BUC_CODES)
def test_each_business_use_case_code_waits_the_announced_minutes_then_posts(site, clock, fb, code):
    fb.inject("feed", "rate_limit", code=code, regain=3)  # the publishing call: nothing was done
    result = facebook(fb, clock.budget()).publish(post_for(site, "facebook", ARTICLE_A), attempting)
    assert clock.sleeps[0] >= 180  # estimated_time_to_regain_access is in minutes
    assert len(clock.sleeps) == 1 and fb.calls("feed") == 2
    assert [p["id"] for p in fb.posts] == [result.remote_id]


@pytest.mark.parametrize("status", [400, 403])
@pytest.mark.parametrize("code", APP_CODES)
def test_each_platform_code_backs_off_then_posts(site, clock, fb, code, status):
    fb.inject("photos", "rate_limit", code=code, status=status, times=2)  # X-App-Usage: no time to regain
    facebook(fb, clock.budget()).publish(post_for(site, "facebook", ARTICLE_A), attempting)
    assert len(clock.sleeps) == 2 and all(s <= 2.05 for s in clock.sleeps)  # backoff of attempts 1 and 2
    assert len(fb.posts) == 1 and fb.calls("photos") == 6


@pytest.mark.parametrize("usage, waited", [("app", None), ("buc", 300), ("both", 300), ("none", None)])
def test_each_usage_header_is_read(site, clock, fb, usage, waited):
    fb.inject("feed", "rate_limit", code=80001, regain=5, usage=usage)
    facebook(fb, clock.budget()).publish(post_for(site, "facebook", ARTICLE_A), attempting)
    if waited is None:  # X-App-Usage holds percentages only: a short backoff, then again
        assert clock.sleeps[0] <= 1.05
    else:
        assert waited <= clock.sleeps[0] <= waited + 1.05
    assert len(fb.posts) == 1


def test_instagram_business_use_case_limit_waits_then_publishes(site, clock):
    with InstagramEmulator(token=IG_TOKEN) as ig:
        ig.inject("media", "rate_limit", code=80002, regain=1)
        result = instagram(ig, clock.budget()).publish(post_for(site, "instagram", ARTICLE_A), attempting)
        assert clock.sleeps[0] >= 60 and ig.posts[0]["id"] == result.remote_id


def test_telegram_retry_after_is_waited(site, clock):
    with TelegramEmulator(token=TG_TOKEN) as tg:
        tg.inject("sendMediaGroup", "rate_limit", wait=7)
        telegram(tg, clock.budget()).publish(post_for(site, "telegram", ARTICLE_A), attempting)
        assert 7 <= clock.sleeps[0] <= 8.05 and len(tg.posts) == 1


# ---------------------------------------------------------------------- throttling: defer to the next run

def test_a_throttle_longer_than_the_budget_defers_and_calls_no_more(site, clock, fb):
    fb.inject("feed", "rate_limit", code=80001, regain=30)
    client = facebook(fb, clock.budget(600))
    with pytest.raises(Throttled) as caught:
        client.publish(post_for(site, "facebook", ARTICLE_A), attempting)
    assert isinstance(caught.value, Deferred) and not isinstance(caught.value, ApiError)  # DITUNDA, never FAILED
    assert str(caught.value) == (f"{PAGE_LIMIT}; Facebook meminta menunggu 30 menit, melebihi sisa waktu proses "
                                 "ini: dicoba lagi pada proses berikutnya")
    assert caught.value.seconds == 1800 and clock.sleeps == [] and not fb.posts
    calls = len(fb.requests)
    with pytest.raises(Throttled):  # the next item of this run: deferred without a call that prolongs it
        client.publish(post_for(site, "facebook", ARTICLE_B), attempting)
    assert len(fb.requests) == calls
    clock.now += 1800  # once the announced time has passed, the same transport calls again
    client.publish(post_for(site, "facebook", ARTICLE_B), attempting)
    assert len(fb.posts) == 1


def test_a_throttle_that_outlasts_the_attempts_defers(site, clock, fb):
    fb.inject("photos", "rate_limit", code=4, times=10)
    with pytest.raises(Throttled) as caught:
        facebook(fb, clock.budget()).publish(post_for(site, "facebook", ARTICLE_A), attempting)
    assert str(caught.value) == ("HTTP 400: (#4) Application request limit reached; Facebook masih membatasi "
                                 "setelah 6 percobaan: dicoba lagi pada proses berikutnya")
    assert len(clock.sleeps) == 5 and fb.calls("photos") == 6 and not fb.posts


def test_telegram_retry_after_beyond_the_budget_defers(site, clock):
    with TelegramEmulator(token=TG_TOKEN) as tg:
        tg.inject("sendMediaGroup", "rate_limit", wait=900)
        with pytest.raises(Throttled) as caught:
            telegram(tg, clock.budget(600)).publish(post_for(site, "telegram", ARTICLE_A), attempting)
        assert str(caught.value) == ("HTTP 429: Too Many Requests: retry after 900; Telegram meminta menunggu "
                                     "15 menit, melebihi sisa waktu proses ini: dicoba lagi pada proses berikutnya")
        assert clock.sleeps == [] and not tg.posts and TG_TOKEN not in str(caught.value)


# ---------------------------------------------------------------------- permanent refusals stay failures

@pytest.mark.parametrize("code, message", [
    (100, "HTTP 400: (#100) Invalid parameter"), (200, "HTTP 400: (#200) Permissions error"),
    (368, "HTTP 400: The action attempted has been deemed abusive or is otherwise disallowed"),
    (324, "HTTP 400: (#324) Missing or invalid image file"),
])
def test_a_permanent_refusal_is_a_failure_with_the_platforms_message(site, clock, fb, code, message):
    fb.inject("photos", "refuse", code=code)
    with pytest.raises(ApiError) as caught:
        facebook(fb, clock.budget()).publish(post_for(site, "facebook", ARTICLE_A), attempting)
    assert type(caught.value) is ApiError and caught.value.code == code and not caught.value.auth
    assert caught.value.message == message
    assert clock.sleeps == [] and fb.calls("photos") == 1  # not retried


# ---------------------------------------------------------------------- redaction before the cut

@pytest.mark.parametrize("at", [0, 150, 280, 285, 295])
def test_a_token_echoed_in_a_2kb_error_body_never_shows_even_in_part(site, clock, fb, at):
    echoed = "x" * at + f"access token {FB_TOKEN} rejected " + "y" * (2048 - at)
    fb.inject("photos", "refuse", code=100, message=echoed)  # the cut (300) can fall inside the token
    with pytest.raises(ApiError) as caught:
        facebook(fb, clock.budget()).publish(post_for(site, "facebook", ARTICLE_A), attempting)
    text = str(caught.value)
    assert len(text) <= 300 and text.startswith("HTTP 400: xxx" if at else "HTTP 400: access token ***")
    assert not any(FB_TOKEN[i:i + 6] in text for i in range(len(FB_TOKEN) - 5))


# ---------------------------------------------------------------------- answers outside the contract

@pytest.mark.parametrize("endpoint, fault, kind, said", [
    ("photos", "array_answer", ApiError, "jawaban bukan objek"),
    ("photos", "missing_id", ApiError, "id tidak ada"),
    ("feed", "array_answer", Uncertain, "jawaban bukan objek"),
    ("feed", "missing_id", Uncertain, "id tidak ada"),
    ("feed", "wrong_type", Uncertain, "id bertipe objek, seharusnya teks atau angka"),
])
def test_facebook_answer_outside_the_contract_ends_that_post(site, clock, fb, endpoint, fault, kind, said):
    fb.inject(endpoint, fault)
    client = facebook(fb, clock.budget())
    post = post_for(site, "facebook", ARTICLE_A)
    with pytest.raises(ApiError) as caught:
        client.publish(post, attempting)
    assert type(caught.value) is kind  # before the publishing call a failure, after it uncertain
    assert caught.value.message == f"jawaban Facebook tidak sesuai kontrak API ({said})"
    if kind is Uncertain:  # the post was made: finding it settles it, nothing is posted twice
        found = client.find(post, attempting.data)
        assert found is not None and [p["id"] for p in fb.posts] == [found.remote_id]


@pytest.mark.parametrize("fault, said", [("array_answer", "jawaban bukan objek"),
                                         ("missing_id", "result[0].message_id tidak ada"),
                                         ("wrong_type", "result[0].message_id bertipe objek, seharusnya angka")])
def test_telegram_answer_outside_the_contract_is_uncertain(site, clock, fault, said):
    with TelegramEmulator(token=TG_TOKEN) as tg:
        tg.inject("sendMediaGroup", fault)
        with pytest.raises(Uncertain) as caught:
            telegram(tg, clock.budget()).publish(post_for(site, "telegram", ARTICLE_A), attempting)
        assert caught.value.message == f"jawaban Telegram tidak sesuai kontrak API ({said})"
        assert len(tg.posts) == 1


def test_instagram_answer_outside_the_contract_before_publishing_is_a_failure(site, clock):
    with InstagramEmulator(token=IG_TOKEN) as ig:
        ig.inject("limit", "array_answer")
        with pytest.raises(ApiError) as caught:
            instagram(ig, clock.budget()).publish(post_for(site, "instagram", ARTICLE_A), attempting)
        assert type(caught.value) is ApiError
        assert caught.value.message == "jawaban Instagram tidak sesuai kontrak API (jawaban bukan objek)"
        ig.inject("publish", "missing_id")
        with pytest.raises(Uncertain):
            instagram(ig, clock.budget()).publish(post_for(site, "instagram", ARTICLE_A), attempting)
        assert len(ig.posts) == 1


# ---------------------------------------------------------------------- reconciliation finds this run's post only

def test_after_a_5xx_reconciliation_ignores_a_post_that_quotes_the_url(site, clock, fb):
    client = facebook(fb, clock.budget())
    quoting = post_for(site, "facebook", ARTICLE_B, f"Lanjutan rapat kemarin ({ARTICLE_A}). Selengkapnya: {ARTICLE_B}")
    client.publish(quoting, attempting)
    post = post_for(site, "facebook", ARTICLE_A)
    fb.inject("feed", "server_error")  # refused before anything was stored
    with pytest.raises(Uncertain):
        client.publish(post, attempting)
    assert client.find(post, attempting.data) is None  # B's post names A's URL, but it is not A's post
    result = client.publish(post, attempting)
    assert len(fb.posts) == 2 and client.find(post, attempting.data).remote_id == result.remote_id


def test_reconciliation_wants_this_attempts_photos_too(site, clock, fb):
    client = facebook(fb, clock.budget())
    post = post_for(site, "facebook", ARTICLE_A)
    first = client.publish(post, attempting)
    earlier = attempting.data
    fb.inject("feed", "drop_after_commit")  # the same text again, committed, the answer lost
    with pytest.raises(Uncertain):
        client.publish(post, attempting)
    found = client.find(post, attempting.data)
    assert found is not None and found.remote_id == fb.posts[1]["id"] != first.remote_id
    assert client.find(post, earlier).remote_id == first.remote_id
