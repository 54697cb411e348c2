"""The emulators refuse what the real APIs refuse: a permissive emulator would prove nothing."""

import io
from functools import partial

import pytest
import requests
from PIL import Image

from browser_support import serve
from social_emulator import FacebookEmulator, InstagramEmulator, TelegramEmulator, XEmulator, weighted_length


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


def test_x_counts_weighted_length_and_caps_media(photos):
    assert weighted_length("a" * 257 + " https://contoh.id/panjang " + "x" * 500) == 257 + 1 + 23 + 1 + 500
    with XEmulator(token="t") as x:
        auth = {"Authorization": "Bearer t"}
        jpeg = io.BytesIO()
        Image.new("RGB", (64, 48)).save(jpeg, "JPEG")
        ids = [requests.post(f"{x.url}/2/media/upload", headers=auth, data={"media_category": "tweet_image"},
                             files={"media": ("a.jpg", jpeg.getvalue(), "image/jpeg")}).json()["data"]["id"]
               for _ in range(5)]
        five = requests.post(f"{x.url}/2/tweets", headers=auth, json={"text": "t", "media": {"media_ids": ids}})
        assert five.status_code == 400
        long = requests.post(f"{x.url}/2/tweets", headers=auth,
                             json={"text": "é" * 260 + " 😀" * 10, "media": {"media_ids": ids[:1]}})
        assert long.status_code == 400 and "too long" in long.json()["detail"]
        ok = requests.post(f"{x.url}/2/tweets", headers=auth, json={"text": "a" * 280, "media": {"media_ids": ids[:1]}})
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
