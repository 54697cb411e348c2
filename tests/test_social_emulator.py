"""The emulators refuse what the real APIs refuse: a permissive emulator would prove nothing."""

import io
import json
from functools import partial

import pytest
import requests
from PIL import Image
from requests_oauthlib import OAuth1

from browser_support import serve
from social_emulator import FacebookEmulator, InstagramEmulator, TelegramEmulator, XEmulator, weighted_length

# X's published conformance examples for its weighted length (twitter-text, config v3):
# conformance/validate.yml, sections WeightedTweetsWithDiscountedEmojiCounterTest and
# UnicodeDirectionalMarkerCounterTest (https://github.com/twitter/twitter-text), as
# (description there, text, weightedLength there). The two "normalized" cases are from
# the Rust port's copy (conformance/tests/validate.yml); their text is decomposed there.
_KANA = "あいうえおかきくけこ"
_POEM = ("故人西辞黄鹤楼，烟花三月下扬州。孤帆远影碧空尽，唯见长江天际流。朱雀桥边野草花，乌衣巷口夕阳斜。"
         "旧时王谢堂前燕，飞入寻常百姓家。朝辞白帝彩云间，千里江陵一日还。两岸猿声啼不住，轻舟已过万重山。"
         "泪湿罗巾梦不成，夜深前殿按歌声。红颜未老恩先断，斜倚薰笼坐到明。独在异乡为异客，每逢佳节倍思亲。"
         "遥知兄弟登高处，遍插茱萸少一人。")
_RUN = "xxxxxxxxxx-"
_FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"
X_CONFORMANCE = [
    ("Regular Tweet with url", "Hi http://test.co", 26),
    ("Long tweet, overflow at char index 280", "285 chars-" + _RUN * 25, 285),
    ("Long tweet with url in the middle, overflow at char index 284",
     "285 chars- http://www.twitter.com/jack " + _RUN * 24, 299),
    ("Long tweet with url at the end, overflow at char index 265", _RUN * 24 + " http://www.twitter.com/jack ", 289),
    ("10 url string, no overflow", "https://www.twitter.com/aloha " * 10, 240),
    ("160 CJK char, overflow at char index 140", _POEM, 320),
    ("3 latin char + 160 CJK char, overflow at char index 141", "the" + _POEM, 323),
    ("'Á' is normalized into 1 char", "A\u0301B", 2),
    ("שּׁ is normalized into 3 chars", "A\ufb2c", 4),
    ("Count a mix of single byte single word, and double word unicode characters",
     "H\U0001f431\u263a" + _FAMILY, 7),
    ("Count unicode emoji chars inside the basic multilingual plane", "\U0001f637\U0001f47e\U0001f621\U0001f525\U0001f4a9", 10),
    ("Count unicode emoji chars outside the basic multilingual plane with skin tone modifiers",
     "\U0001f64b\U0001f3fd\U0001f468\u200d\U0001f3a4", 4),
    ("Handle a 64 character domain without protocol", "randomurl" * 7 + "s.com", 68),
    ("Do not allow > 140 CJK characters by virtue of CJK chars greater than 63 punycode encoded chars in the host",
     _KANA * 12 + " http://" + _KANA * 5 + _KANA[:3] + ".com", 358),
    ("Allow > 140 CJK characters by virtue of CJK chars less than 63 punycode encoded chars in the host",
     _KANA * 12 + " http://" + _KANA * 5 + _KANA[:2] + ".com", 264),
    ("140 family emoji", _FAMILY * 140, 280),
    ("Emoji with a leading character in the latin range is counted as 2", "1\u20e3", 2),
    ("Unicode 10.0 emoji", "Unicode 10.0 emoji: \U0001f92a; \U0001f9d5; \U0001f9d5\U0001f3fe; "
     "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f", 34),
    ("Unicode 9.0 emoji", "Unicode 9.0 emoji: \U0001f920; \U0001f483; \U0001f483\U0001f3fe", 29),
    ("Handle invalid characters", "ABC\u202a\uffffABC\ufffe", 12),
    ("Tweet text containing directional characters should be considered valid",
     "\u2066\u202ahttp://foobar.\u067e\u0627\u06a9\u0633\u062a\u0627\u0646/\u202c\u2069", 31),
]


@pytest.fixture(scope="module")
def photos(tmp_path_factory):
    """A local site with a good JPEG, a PNG, a too-wide JPEG; yields their URLs."""
    folder = tmp_path_factory.mktemp("site")
    Image.new("RGB", (1080, 1080), "white").save(folder / "ok.jpg", "JPEG")
    Image.new("RGB", (1080, 1080), "white").save(folder / "ok.png", "PNG")
    Image.new("RGB", (1400, 500), "white").save(folder / "wide.jpg", "JPEG")
    with serve(folder) as base:
        yield {name: f"{base}{name}" for name in ("ok.jpg", "ok.png", "wide.jpg", "missing.jpg")}


def test_instagram_takes_jpeg_in_the_allowed_aspect_only(photos):
    with InstagramEmulator(token="t") as ig:
        post = partial(requests.post, f"{ig.url}/{ig.owner}/media", headers={"Authorization": "Bearer t"})
        assert post(data={"image_url": photos["ok.jpg"], "is_carousel_item": "true"}).status_code == 200
        png = post(data={"image_url": photos["ok.png"], "is_carousel_item": "true"})
        assert png.status_code == 400 and png.json()["error"]["message"] == "Only photos in JPEG format are supported."
        wide = post(data={"image_url": photos["wide.jpg"], "is_carousel_item": "true"})
        assert wide.json()["error"]["error_subcode"] == 2207009
        gone = post(data={"image_url": photos["missing.jpg"], "is_carousel_item": "true"})
        assert gone.json()["error"]["message"] == "Media download has failed."
        one = post(data={"media_type": "CAROUSEL", "children": "1", "caption": "x"})
        assert one.status_code == 400  # a carousel needs 2 to 10 children


def test_graph_refuses_a_wrong_token_with_code_190(photos):
    with FacebookEmulator(token="right") as fb:
        answer = requests.post(f"{fb.url}/{fb.owner}/photos", headers={"Authorization": "Bearer wrong"},
                               data={"url": photos["ok.jpg"], "published": "false"})
        assert answer.status_code == 400 and answer.json()["error"]["code"] == 190
        feed = requests.post(f"{fb.url}/{fb.owner}/feed", headers={"Authorization": "Bearer right"},
                             data={"message": "m", "attached_media[0]": '{"media_fbid": "404"}'})
        assert feed.status_code == 400 and not fb.posts  # only this Page's unpublished photos


@pytest.mark.parametrize("text, expected", [(text, length) for _, text, length in X_CONFORMANCE],
                         ids=[description for description, _, _ in X_CONFORMANCE])
def test_x_weighted_length_matches_x_published_examples(text, expected):
    assert weighted_length(text) == expected


def test_x_weighted_length_of_the_portal_s_own_shapes():
    # An Indonesian post: Latin text 1 each, the article URL 23 however long, NFC first.
    assert weighted_length("a" * 257 + " https://contoh.id/panjang " + "x" * 500) == 257 + 1 + 23 + 1 + 500
    assert weighted_length("Rapat “APBD” — selesai.\nhttps://dprd.contoh.go.id/berita/2026/x/") == 23 + 1 + 23
    assert weighted_length("Selengkapnya: https://dprd.contoh.go.id/a.") == 14 + 23 + 1  # the full stop is text
    assert weighted_length("Pérda 🇮🇩 ❤️ 1️⃣") == 5 + 1 + 2 + 1 + 2 + 1 + 2


def test_x_counts_weighted_length_and_caps_media(photos):
    with XEmulator(token="t") as x:
        auth = OAuth1("x-api-key", "x-api-secret", "t", "x-token-secret")  # verified on every call
        jpeg = io.BytesIO()
        Image.new("RGB", (64, 48)).save(jpeg, "JPEG")
        ids = [requests.post(f"{x.url}/2/media/upload", auth=auth, data={"media_category": "tweet_image"},
                             files={"media": ("a.jpg", jpeg.getvalue(), "image/jpeg")}).json()["data"]["id"]
               for _ in range(5)]
        five = requests.post(f"{x.url}/2/tweets", auth=auth, json={"text": "t", "media": {"media_ids": ids}})
        assert five.status_code == 400
        long = requests.post(f"{x.url}/2/tweets", auth=auth,
                             json={"text": "é" * 260 + " 😀" * 10, "media": {"media_ids": ids[:1]}})
        assert long.status_code == 400 and "too long" in long.json()["detail"]
        ok = requests.post(f"{x.url}/2/tweets", auth=auth, json={"text": "a" * 280, "media": {"media_ids": ids[:1]}})
        assert ok.status_code == 201


def test_telegram_parses_the_html_caption_and_counts_it(photos):
    with TelegramEmulator(token="1:a", chat_id="-100") as tg:
        send = partial(requests.post, f"{tg.url}/bot1:a/sendMediaGroup")
        album = [{"type": "photo", "media": photos["ok.jpg"]}, {"type": "photo", "media": photos["ok.jpg"]}]
        raw = send(json={"chat_id": "-100", "media": [{**album[0], "caption": "a < b", "parse_mode": "HTML"},
                                                       album[1]]})
        assert raw.json()["description"].startswith("Bad Request: can't parse entities")
        long = send(json={"chat_id": "-100", "media": [{**album[0], "caption": "<b>x</b>" + "y" * 1024,
                                                        "parse_mode": "HTML"}, album[1]]})
        assert long.json()["description"] == "Bad Request: message caption is too long"
        assert send(json={"chat_id": "-100", "media": album[:1]}).status_code == 400
        assert requests.post(f"{tg.url}/bot9:z/sendMediaGroup", json={}).status_code == 401
        fits = send(json={"chat_id": "-100", "media": [{**album[0], "caption": "<b>A &amp; B</b>" + "y" * 1019,
                                                        "parse_mode": "HTML"}, album[1]]})
        assert fits.json()["ok"] and tg.posts[0]["caption"] == "A & B" + "y" * 1019


@pytest.mark.parametrize("code, status, header", [(4, 400, "X-App-Usage"), (17, 403, "X-App-Usage"),
                                                  (613, 400, "X-App-Usage"), (32, 400, "X-Business-Use-Case-Usage"),
                                                  (80001, 400, "X-Business-Use-Case-Usage"),
                                                  (80002, 403, "X-Business-Use-Case-Usage")])
def test_graph_throttles_as_meta_does_never_with_429(photos, code, status, header):
    # Graph API "Rate Limiting" and "Error codes": HTTP 400 (403 for some), an OAuthException, usage headers.
    with FacebookEmulator(token="t") as fb:
        fb.inject("photos", "rate_limit", code=code, status=status, regain=4)
        answer = requests.post(f"{fb.url}/{fb.owner}/photos", headers={"Authorization": "Bearer t"},
                               data={"url": photos["ok.jpg"], "published": "false"})
        error = answer.json()["error"]
        assert answer.status_code == status and "Retry-After" not in answer.headers
        assert set(error) == {"message", "type", "code", "is_transient", "fbtrace_id"}
        assert error["type"] == "OAuthException" and error["code"] == code and error["is_transient"] is True
        usage = json.loads(answer.headers[header])
        if header == "X-App-Usage":
            assert usage == {"call_count": 100, "total_time": 35, "total_cputime": 28}
            assert "X-Business-Use-Case-Usage" not in answer.headers
        else:
            (entry,) = usage[fb.owner]
            assert entry["estimated_time_to_regain_access"] == 4 and entry["call_count"] == 100
            assert entry["type"] == {32: "pages", 80001: "pages", 80002: "instagram"}[code]


def test_graph_refusals_and_answers_outside_the_contract(photos):
    with FacebookEmulator(token="t") as fb:
        post = partial(requests.post, f"{fb.url}/{fb.owner}/photos", headers={"Authorization": "Bearer t"},
                       data={"url": photos["ok.jpg"], "published": "false"})
        fb.inject("photos", "refuse", code=368)
        refused = post().json()["error"]
        assert refused["code"] == 368 and refused["is_transient"] is False
        fb.inject("photos", "array_answer")
        assert isinstance(post().json(), list) and len(fb.photos) == 1  # the photo was stored all the same
        fb.inject("photos", "missing_id")
        assert post().json() == {}


def test_telegram_flood_control_is_a_429_with_retry_after(photos):
    with TelegramEmulator(token="1:a", chat_id="-100") as tg:
        tg.inject("sendMediaGroup", "rate_limit", wait=35)
        answer = requests.post(f"{tg.url}/bot1:a/sendMediaGroup", json={})
        assert answer.status_code == 429 and answer.json() == {
            "ok": False, "error_code": 429, "description": "Too Many Requests: retry after 35",
            "parameters": {"retry_after": 35}}
