"""The X client against the emulator: OAuth 1.0a on every call, X's throttling, refusals, reconciliation.

The emulator (``tests/social_emulator.py``) verifies each signature with its own
RFC 5849 implementation; the client signs with requests-oauthlib. Outcomes that
``portal publish`` records are checked through ``Publisher.post`` with a ledger in
``tmp_path``; the photos come from a site served on 127.0.0.1.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import requests
from PIL import Image
from requests_oauthlib import OAuth1

from browser_support import serve
from pipeline.config import load_config
from pipeline.site.record import Published, RecordedPhoto
from pipeline.social.ledger import FileStore, Ledger
from pipeline.social.platforms import x as x_client
from pipeline.social.platforms.base import Throttled
from pipeline.social.platforms.http import ApiError, Budget, Redactor, Uncertain
from pipeline.social.publish import Publisher, post_for
from social_emulator import XEmulator, oauth1_signature

KEYS = {"X_API_KEY": "xk-SENTINEL-1a2b", "X_API_SECRET": "xs-SENTINEL-3c4d", "X_ACCESS_TOKEN": "42-xt-SENTINEL-5e6f",
        "X_ACCESS_TOKEN_SECRET": "xts-SENTINEL-7a8b"}
REVOKED = ("HTTP 401: Unauthorized; periksa X_API_KEY, X_API_SECRET, X_ACCESS_TOKEN dan X_ACCESS_TOKEN_SECRET; "
           "bila kunci dicabut, buat ulang di X Developer Portal (Keys and tokens), lalu perbarui secret-nya")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A site with two social JPEGs (photo paths as the build records them)."""
    folder = tmp_path_factory.mktemp("site")
    (folder / "berita/2026/rapat").mkdir(parents=True)
    for name in ("a", "b"):
        Image.new("RGB", (1200, 900), "white").save(folder / f"berita/2026/rapat/{name}.jpg", "JPEG")
    (folder / "berita/2026/rapat/index.html").write_text("<p>artikel</p>")
    with serve(folder) as base:
        yield base


@pytest.fixture
def api():
    with XEmulator(api_key=KEYS["X_API_KEY"], api_secret=KEYS["X_API_SECRET"], token=KEYS["X_ACCESS_TOKEN"],
                   token_secret=KEYS["X_ACCESS_TOKEN_SECRET"]) as emulator:
        yield emulator


class FakeBudget(Budget):
    """A run's budget whose waits are recorded instead of slept (the waits asked for, not timed)."""

    def __init__(self, seconds: float = 600.0):
        self.slept: list[float] = []
        self.now = 0.0
        super().__init__(seconds, clock=lambda: self.now, sleep=self._sleep)

    def _sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def client(api, budget=None, **changed):
    return x_client.from_env({**KEYS, "X_API_URL": api.url, **changed}, Redactor(), budget or FakeBudget())


def item(caption="Rapat paripurna membahas APBD 2027 bersama bupati.") -> Published:
    return Published(id="2026-11-20-a1b2c3", path="content/berita/2026/2026-11-20-rapat", date="2026-11-20",
                     url="berita/2026/rapat/", title="Rapat Paripurna Penetapan APBD 2027", caption=caption,
                     tags=("apbd",), platforms=("x",),
                     photos=(RecordedPhoto("berita/2026/rapat/a.jpg", "Ketua DPRD membuka rapat paripurna"),
                             RecordedPhoto("berita/2026/rapat/b.jpg", "Anggota dewan menyimak paparan bupati")))


def publish_once(api, site, tmp_path, published=None, budget=None):
    """One ``portal publish`` step for X: (outcome, the ledger's records as dicts)."""
    ledger = Ledger(FileStore(tmp_path / "ledger.jsonl"), key=b"test-ledger-key")
    ledger.load()
    config = load_config(Path(__file__).resolve().parent.parent)  # the repository's own settings
    publisher = Publisher(config, ledger, {"x": client(api, budget)}, site, Redactor(list(KEYS.values())))
    publisher.post(published or item(), "x", ledger.latest((published or item()).id, "x"))
    ledger.load()
    return publisher.outcomes[-1], [r.state for r in ledger._records]


# ---------------------------------------------------------------------- OAuth 1.0a


def test_every_call_is_signed_and_verified_media_upload_included(api, site):
    post = post_for(item(), "x", site)
    result = client(api).publish(post, lambda data: None)
    assert [r["endpoint"] for r in api.requests] == ["media_upload", "metadata", "media_upload", "metadata", "tweets"]
    assert all(r["oauth"] == "ok" for r in api.requests)
    assert api.posts[-1]["text"] == post.text and [m["alt"] for m in api.posts[-1]["media"]] == [
        "Ketua DPRD membuka rapat paripurna", "Anggota dewan menyimak paparan bupati"]
    assert result.url == f"https://x.com/i/web/status/{api.posts[-1]['id']}"
    # Each request had a fresh nonce: five calls, five nonces.
    assert len(api.nonces) == 5


def test_the_emulators_signature_matches_the_published_examples():
    # RFC 5849 §1.2's example request, and X's "Creating a signature" example (docs.x.com).
    rfc = [("file", "vacation.jpg"), ("size", "original"), ("oauth_consumer_key", "dpf43f3p2l4k3l03"),
           ("oauth_token", "nnch734d00sl2jdk"), ("oauth_signature_method", "HMAC-SHA1"),
           ("oauth_timestamp", "137131202"), ("oauth_nonce", "chapoH")]
    assert oauth1_signature("GET", "http://photos.example.net/photos", rfc, "kd94hf93k423kf44",
                            "pfkkdhi9sl3r4s00") == "MdpQcU8iPSUjWoN/UDMsK2sui9I="
    x = [("status", "Hello Ladies + Gentlemen, a signed OAuth request!"), ("include_entities", "true"),
         ("oauth_consumer_key", "xvz1evFS4wEEPTGEFPHBog"), ("oauth_nonce", "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg"),
         ("oauth_signature_method", "HMAC-SHA1"), ("oauth_timestamp", "1318622958"),
         ("oauth_token", "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb"), ("oauth_version", "1.0")]
    assert oauth1_signature("POST", "https://api.twitter.com:443/1.1/statuses/update.json", x,
                            "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
                            "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE") == "hCtSmYh+iHYCEqBWrE7C7hYmtUk="


def test_a_wrong_secret_is_refused_on_v2_and_v1_1(api):
    wrong = OAuth1(KEYS["X_API_KEY"], "not-the-secret", KEYS["X_ACCESS_TOKEN"], KEYS["X_ACCESS_TOKEN_SECRET"])
    tweet = requests.post(f"{api.url}/2/tweets", auth=wrong, json={"text": "t"}, timeout=10)
    assert tweet.status_code == 401 and tweet.json() == {"title": "Unauthorized", "type": "about:blank",
                                                         "status": 401, "detail": "Unauthorized"}
    upload = requests.post(f"{api.url}/1.1/media/upload.json", auth=wrong, files={"media": ("a.jpg", b"x")}, timeout=10)
    assert upload.status_code == 401
    assert upload.json() == {"errors": [{"code": 32, "message": "Could not authenticate you."}]}
    assert [r["oauth"] for r in api.requests] == ["bad_signature", "bad_signature"]


def test_a_replayed_nonce_and_an_old_timestamp_are_refused(api):
    auth = OAuth1(KEYS["X_API_KEY"], KEYS["X_API_SECRET"], KEYS["X_ACCESS_TOKEN"], KEYS["X_ACCESS_TOKEN_SECRET"],
                  nonce="fixed-nonce-1", timestamp=str(int(time.time())))
    assert requests.get(f"{api.url}/2/users/me", auth=auth, timeout=10).status_code == 200
    replay = requests.get(f"{api.url}/2/users/me", auth=auth, timeout=10)
    assert replay.status_code == 401
    old = OAuth1(KEYS["X_API_KEY"], KEYS["X_API_SECRET"], KEYS["X_ACCESS_TOKEN"], KEYS["X_ACCESS_TOKEN_SECRET"],
                 timestamp=str(int(time.time()) - 3600))
    stale = requests.post(f"{api.url}/1.1/media/upload.json", auth=old, files={"media": ("a.jpg", b"x")}, timeout=10)
    assert stale.json() == {"errors": [{"code": 135, "message": "Timestamp out of bounds."}]}
    assert [r["oauth"] for r in api.requests] == ["ok", "nonce", "timestamp"]


def test_form_parameters_are_signed_multipart_ones_are_not(api):
    # A form body's parameters are part of the base string: the emulator checks it from the raw body.
    auth = OAuth1(KEYS["X_API_KEY"], KEYS["X_API_SECRET"], KEYS["X_ACCESS_TOKEN"], KEYS["X_ACCESS_TOKEN_SECRET"])
    form = requests.post(f"{api.url}/2/media/upload?x=1 2", auth=auth, data={"media_category": "tweet_image"},
                         timeout=10)
    assert form.status_code == 400  # authenticated, then refused for having no media
    assert api.requests[-1]["oauth"] == "ok"
    # A tampered form body after signing is refused.
    prepared = requests.Request("POST", f"{api.url}/2/media/upload", auth=auth,
                                data={"media_category": "tweet_image"}).prepare()
    prepared.body = "media_category=tweet_gif"
    prepared.headers["Content-Length"] = str(len(prepared.body))
    assert requests.Session().send(prepared, timeout=10).status_code == 401
    assert api.requests[-1]["oauth"] == "bad_signature"


def test_a_revoked_token_stops_x_with_the_variables_to_renew(api, site, tmp_path):
    api.revoked = True
    outcome, states = publish_once(api, site, tmp_path)
    assert (outcome.state, outcome.detail) == ("BERHENTI", f"token X ditolak ({REVOKED}); perbarui secret-nya, "
                                                           "unggahan X lain dihentikan pada proses ini")
    assert states == ["PLANNED", "PLANNED"] and not api.posts
    with pytest.raises(ApiError) as refused:
        client(api).publish(post_for(item(), "x", site), lambda data: None)
    assert refused.value.auth


def test_v1_1_names_a_revoked_token_by_code_89(api):
    api.revoked = True
    auth = OAuth1(KEYS["X_API_KEY"], KEYS["X_API_SECRET"], KEYS["X_ACCESS_TOKEN"], KEYS["X_ACCESS_TOKEN_SECRET"])
    answer = requests.post(f"{api.url}/1.1/media/upload.json", auth=auth, files={"media": ("a.jpg", b"x")}, timeout=10)
    assert answer.status_code == 401
    assert answer.json() == {"errors": [{"code": 89, "message": "Invalid or expired token."}]}
    error = x_client.XTransport("x", Redactor(), FakeBudget()).error(answer)
    assert error.auth and error.message == (
        "HTTP 401: Invalid or expired token.; buat ulang 'Access Token and Secret' di X Developer Portal (Keys and "
        "tokens), lalu perbarui secret X_ACCESS_TOKEN dan X_ACCESS_TOKEN_SECRET")


def test_a_read_only_app_is_told_to_change_its_permission(api, site, tmp_path):
    api.read_only = True
    outcome, _ = publish_once(api, site, tmp_path)
    assert outcome.state == "BERHENTI"
    assert "izin aplikasi X belum 'Read and write'" in outcome.detail and "X_ACCESS_TOKEN_SECRET" in outcome.detail


def test_no_secret_reaches_the_ledger_or_a_message(api, site, tmp_path):
    api.revoked = True
    publish_once(api, site, tmp_path)
    text = (tmp_path / "ledger.jsonl").read_text()
    assert not any(secret in text for secret in KEYS.values())


# ---------------------------------------------------------------------- throttling


def test_a_short_rate_limit_is_waited_for_within_the_budget(api, site, tmp_path):
    api.inject("tweets", "rate_limit", wait=30)
    budget = FakeBudget(600)
    outcome, states = publish_once(api, site, tmp_path, budget=budget)
    assert outcome.state == "POSTED" and len(api.posts) == 1 and api.calls("tweets") == 2
    assert states == ["PLANNED", "ATTEMPTING", "POSTED"]
    assert len(budget.slept) == 1 and 0 < budget.slept[0] <= 31  # the reset X named, not a guess


def test_the_24_hour_user_limit_defers_to_the_next_run(api, site, tmp_path):
    api.inject("tweets", "rate_limit", daily=True, wait=20 * 3600)
    budget = FakeBudget(600)
    outcome, states = publish_once(api, site, tmp_path, budget=budget)
    assert outcome.state == "DITUNDA" and not api.posts and budget.slept == []
    assert outcome.detail == ("HTTP 429: Too Many Requests; X meminta menunggu 1200 menit, melebihi sisa waktu proses "
                              "ini: dicoba lagi pada proses berikutnya")
    # The refused call did nothing: back to PLANNED, so the next run posts without a lookup.
    assert states == ["PLANNED", "ATTEMPTING", "PLANNED"]
    # The next run (the limit lifted) posts it once.
    outcome, states = publish_once(api, site, tmp_path)
    assert outcome.state == "POSTED" and len(api.posts) == 1
    assert states[-1] == "POSTED" and "FAILED" not in states


def test_a_limit_that_outlasts_every_retry_is_deferred_not_failed(api):
    api.inject("me", "rate_limit", times=10, wait=0)
    with pytest.raises(Throttled) as deferred:
        client(api).find(post_for(item(), "x", "http://127.0.0.1:1/"), {"media_ids": ["1"]})
    assert deferred.value.message == ("HTTP 429: Too Many Requests; X masih membatasi setelah 6 percobaan: dicoba "
                                      "lagi pada proses berikutnya")


def test_a_duplicate_is_a_failure_with_xs_message(api, site, tmp_path):
    api.inject("tweets", "duplicate")
    outcome, states = publish_once(api, site, tmp_path)
    assert (outcome.state, outcome.detail) == (
        "FAILED", "HTTP 403: You are not allowed to create a Tweet with duplicate content.")
    assert states == ["PLANNED", "ATTEMPTING", "FAILED"]


def test_invalid_media_is_a_failure_with_xs_message(api, site, tmp_path):
    published = item()
    broken = Published(**{**published.__dict__, "photos": (RecordedPhoto("berita/2026/rapat/index.html", "Teks"),)})
    outcome, states = publish_once(api, site, tmp_path, published=broken)
    assert (outcome.state, outcome.detail) == ("FAILED", "HTTP 400: media is not a supported image")
    assert states == ["PLANNED", "FAILED"]


# ---------------------------------------------------------------------- reconciliation


def test_after_a_5xx_only_this_attempts_post_counts(api, site, tmp_path):
    # Another post of the account quotes this article's URL: before, it was taken for ours.
    url = f"{site}berita/2026/rapat/"
    api.posts.append({"id": "555", "text": f"Baca juga {url}", "media_ids": ["9"], "media": [],
                      "shown": api.shown({"id": "555", "text": f"Baca juga {url}", "media_ids": ["9"]})})
    api.inject("tweets", "server_error")
    outcome, states = publish_once(api, site, tmp_path)
    # Not found (the 5xx came before anything was stored), so it was tried again and posted once.
    assert outcome.state == "POSTED" and outcome.detail != "https://x.com/i/web/status/555"
    assert [p["id"] for p in api.posts if p["text"] != f"Baca juga {url}"] and len(api.posts) == 2
    assert states == ["PLANNED", "ATTEMPTING", "ATTEMPTING", "POSTED"]


def test_a_dropped_answer_after_the_commit_finds_exactly_that_post(api, site, tmp_path):
    api.inject("tweets", "drop_after_commit")
    outcome, states = publish_once(api, site, tmp_path)
    assert outcome.state == "POSTED" and len(api.posts) == 1
    assert outcome.detail == f"https://x.com/i/web/status/{api.posts[0]['id']}"
    assert states == ["PLANNED", "ATTEMPTING", "POSTED"]


def test_find_wants_the_same_text_and_exactly_its_media(api, site):
    x = client(api)
    post = post_for(item(caption="Rapat & evaluasi <anggaran> 2027 selesai."), "x", site)
    result = x.publish(post, lambda data: None)
    ids = api.posts[0]["media_ids"]
    assert "&amp;" in api.posts[0]["shown"]["text"]  # v2's escaping, undone by the client
    assert x.find(post, {"media_ids": ids}).remote_id == result.remote_id
    assert x.find(post, {"media_ids": ids[:1]}) is None  # another attempt's media
    assert x.find(post_for(item(caption="Teks lain."), "x", site), {"media_ids": ids}) is None
    assert x.find(post, {}) is None  # no record of this attempt's media: nothing is provably ours


def test_an_array_answer_after_posting_is_settled_by_exactly_that_post(api, site, tmp_path):
    original = api.tweet
    api.tweet = lambda body: (original(body), (201, [{"id": "1"}], {}))[1]  # stored, answered with an array
    outcome, states = publish_once(api, site, tmp_path)
    # Uncertain (the post may exist), so it is looked up by its media: found, never posted twice.
    assert (outcome.state, outcome.detail) == ("POSTED", f"https://x.com/i/web/status/{api.posts[0]['id']}")
    assert states == ["PLANNED", "ATTEMPTING", "POSTED"] and len(api.posts) == 1


def test_an_upload_answer_without_data_id_fails_before_publishing(api, site, tmp_path):
    original = api.upload
    api.upload = lambda request: {k: v for k, v in original(request).items() if k != "id"}
    outcome, states = publish_once(api, site, tmp_path)
    assert (outcome.state, outcome.detail) == ("FAILED", "jawaban X tidak sesuai kontrak API (data.id tidak ada)")
    assert states == ["PLANNED", "FAILED"] and not api.posts


def test_a_timeline_answer_outside_the_contract_leaves_the_post_unknown(api, site, tmp_path):
    api.inject("tweets", "server_error")
    api.timeline = lambda query: [{"id": "1"}]
    outcome, states = publish_once(api, site, tmp_path)
    assert (outcome.state, outcome.detail) == ("UNKNOWN", "HTTP 500: Something went wrong; pencarian unggahan gagal: "
                                                          "jawaban X tidak sesuai kontrak API (jawaban bukan objek)")
    assert not api.posts
    assert states == ["PLANNED", "ATTEMPTING", "UNKNOWN"]


def test_uncertain_is_raised_for_a_5xx_on_the_publishing_call(api, site):
    api.inject("tweets", "server_error")
    with pytest.raises(Uncertain):
        client(api).publish(post_for(item(), "x", site), lambda data: None)


# ---------------------------------------------------------------------- x_link: reply


def test_x_link_reply_puts_the_link_in_a_reply_to_the_post(api, site):
    post = post_for(item(), "x", site)
    post = type(post)(**{**post.__dict__, "text": "Rapat Paripurna Penetapan APBD 2027", "reply": post.url})
    result = client(api).publish(post, lambda data: None)
    main, reply = api.posts
    assert main["text"] == "Rapat Paripurna Penetapan APBD 2027" and main["in_reply_to"] == ""
    assert (reply["text"], reply["in_reply_to"], reply["media"]) == (post.url, main["id"], [])
    assert result.remote_id == main["id"] and result.data == {"reply": reply["id"]}
    assert all(r["oauth"] == "ok" for r in api.requests)


def test_a_refused_reply_never_makes_the_post_again(api, site, tmp_path):
    post = post_for(item(), "x", site)
    post = type(post)(**{**post.__dict__, "reply": post.url})
    api.inject("tweets", "rate_limit", times=20, wait=0)  # from the start: every create is throttled
    api.faults[-1][2] = 0  # armed below, after the post is made
    original = api.tweet

    def tweet(body):
        answer = original(body)
        api.faults[-1][2] = 20  # the reply meets a limit that outlasts every retry
        return answer

    api.tweet = tweet
    result = client(api).publish(post, lambda data: None)
    assert len(api.posts) == 1 and result.remote_id == api.posts[0]["id"]
    assert result.data["reply"].startswith("balasan tautan gagal: HTTP 429: Too Many Requests; X masih membatasi")
