"""X (Twitter) API v2, every call signed with OAuth 1.0a user context.

Each photo's social JPEG is fetched from the site and uploaded
(``POST /2/media/upload``, ``media_category=tweet_image``; X's simple upload,
enough for a photo of at most 5 MB, so no chunked INIT/APPEND/FINALIZE) with its
alt text (``POST /2/media/metadata``); ``POST /2/tweets`` with up to 4
``media_ids`` makes the post. With ``x_link: reply`` (``Post.reply``) the
article link follows as a reply to it, once the post exists.

An item with a video (``Post.video``, issue 16) posts the video instead of the
photos: X's copy is fetched from the site and sent by the chunked upload
(``_upload_video``), and the post carries its one media id.

Why OAuth 1.0a and not OAuth 2.0: an OAuth 2.0 user access token expires after
about two hours and its refresh token is single-use (each refresh returns a new
one), so a run would have to store the rotated refresh token somewhere writable;
a CI secret is read-only to the job. OAuth 1.0a user tokens do not expire; they
end only when revoked or regenerated. The signature (RFC 5849, HMAC-SHA1) is
made by requests-oauthlib, per request, with a fresh nonce and timestamp.

A post whose publishing call ended uncertain (5xx, dropped connection) is
looked up among the account's recent posts and accepted only when it is
exactly this attempt's post: the same text (t.co links expanded) carrying
exactly the media uploaded for this attempt (a media id can be attached once).
Any other post quoting the article URL is not ours.
"""

from __future__ import annotations

import html
import time
import unicodedata

from requests_oauthlib import OAuth1

from pipeline.social.platforms.base import Deferred, Result
from pipeline.social.platforms.http import ApiError, Transport, json_body

PLATFORM, NAME = "x", "X"
ENV = ("X_API_KEY", "X_API_SECRET", "X_ACCESS_TOKEN", "X_ACCESS_TOKEN_SECRET")
DEFAULT_URL = "https://api.x.com"

# What the admin renews, named in the message a refused token gives (see docs/panduan-admin.md).
RENEW_TOKEN = ("buat ulang 'Access Token and Secret' di X Developer Portal (Keys and tokens), lalu perbarui "
               "secret X_ACCESS_TOKEN dan X_ACCESS_TOKEN_SECRET")
RENEW_ALL = ("periksa X_API_KEY, X_API_SECRET, X_ACCESS_TOKEN dan X_ACCESS_TOKEN_SECRET; bila kunci dicabut, "
             "buat ulang di X Developer Portal (Keys and tokens), lalu perbarui secret-nya")
RENEW_PERMISSION = ("izin aplikasi X belum 'Read and write': ubah di User authentication settings, lalu buat ulang "
                    "'Access Token and Secret' dan perbarui X_ACCESS_TOKEN dan X_ACCESS_TOKEN_SECRET")

# Chunked video upload, X API v2 (docs.x.com/x-api/media/quickstart/media-upload-chunked; the references
# "Initialize", "Append", "Finalize" and "Get Media upload status" under docs.x.com/x-api/media/):
# POST /2/media/upload/initialize {media_type, total_bytes, media_category}, then one
# POST /2/media/upload/{id}/append per chunk (multipart ``media`` + ``segment_index`` 0-999, each chunk at
# most 5 MB), POST /2/media/upload/{id}/finalize, and while ``processing_info.state`` is pending or
# in_progress, GET /2/media/upload?command=STATUS&media_id={id} after ``check_after_secs``.
VIDEO_CATEGORY = "amplify_video"
CHUNK = 4 * 1024 * 1024  # under APPEND's 5 MB per chunk, with room for the multipart framing
PROCESSING_WAIT = 600.0  # seconds one post may wait for X's processing (the run's budget bounds it too)
WAITING = ("pending", "in_progress")

# X's rate-limit headers: the 15-minute window of the endpoint, and the
# 24-hour caps per user and per app (https://docs.x.com/x-api/fundamentals/rate-limits).
WINDOWS = ("x-rate-limit", "x-user-limit-24hour", "x-app-limit-24hour")


class XTransport(Transport):
    """X's signals: 401 a refused key or token, 429 a rate limit with its reset time (epoch seconds)."""

    def retry_after(self, response) -> float | None:
        """Seconds until X lifts the limit that refused us: the latest reset of a window with no calls left.

        The 15-minute window may still have room while the 24-hour cap is used up
        (``x-user-limit-24hour-*``): waiting for ``x-rate-limit-reset`` alone would
        call again too early and be refused again. ``Transport`` waits that long
        when the run's budget allows, else defers the post to the next run.
        """
        if response.status_code != 429:
            return super().retry_after(response)
        now, waits = time.time(), []
        for prefix in WINDOWS:
            reset, remaining = response.headers.get(f"{prefix}-reset"), response.headers.get(f"{prefix}-remaining")
            if not (reset and reset.strip().isdigit()):
                continue
            if remaining is not None and remaining.strip() not in ("0", ""):
                continue  # calls left in this window: not the one that refused us
            waits.append(max(0.0, float(reset) - now))
        return max(waits) if waits else super().retry_after(response)

    def error(self, response) -> ApiError:
        """401 names the variables to renew; a duplicate or bad media stays a refusal with X's own words."""
        message = self._message(response)
        status, codes = response.status_code, _codes(json_body(response))
        if status == 401:
            renew = RENEW_TOKEN if 89 in codes else RENEW_ALL
            return ApiError(self.platform, f"{message}; {renew}", status, auth=True)
        if status == 403 and "oauth1" in message.lower() and "permission" in message.lower():
            return ApiError(self.platform, f"{message}; {RENEW_PERMISSION}", status, auth=True)
        # A 403 duplicate is permanent and not looked up: a post with the same text
        # is not provably this run's (a person may have posted it); our own earlier
        # attempts are found by their media ids instead (``X.find``).
        return ApiError(self.platform, message, status, codes[0] if codes else None)


class X:
    """Posts to the X account the access token belongs to."""

    platform, name, searchable = PLATFORM, NAME, True

    def __init__(self, auth: OAuth1, base_url: str, transport: Transport):
        self.base, self.http, self.auth = base_url.rstrip("/"), transport, auth

    def publish(self, post, attempting) -> Result:
        """Upload the video (``post.video``) or else the photos with their alt text, create the post (the final
        call), then its link reply if any."""
        video = getattr(post, "video", None)
        media_ids = [self._upload_video(video)] if video else [
            self._upload(index, photo) for index, photo in enumerate(post.photos, start=1)]
        attempting({"media_ids": media_ids})
        response = self.http.call("POST", f"{self.base}/2/tweets", auth=self.auth, final=True,
                                  json={"text": post.text, "media": {"media_ids": media_ids}})
        result = _result(self.http.expect(response, "data", "id", final=True))
        if getattr(post, "reply", ""):
            result.data["reply"] = self._reply(result.remote_id, post.reply)
        return result

    def _reply(self, tweet: str, text: str) -> str:
        """Post ``text`` (the article link, ``x_link: reply``) under ``tweet``: the reply's id, or why it failed.

        The post itself exists by then and must never be made again, so nothing
        here raises: a refused or throttled reply is written down in the ledger.
        """
        try:
            response = self.http.call("POST", f"{self.base}/2/tweets", auth=self.auth, final=True,
                                      json={"text": text, "reply": {"in_reply_to_tweet_id": tweet}})
            return self.http.expect(response, "data", "id", final=True)
        except (ApiError, Deferred) as exc:
            return f"balasan tautan gagal: {getattr(exc, 'message', exc)}"

    def delete(self, posted, now) -> None:
        """``DELETE /2/tweets/:id`` for the post and its link reply (``x_link: reply``), each once gone.

        X answers ``{"data": {"deleted": true}}``; a post already gone (a DELETE
        repeated after its answer was lost) answers ``deleted: false`` or 404:
        either way it is no longer there.
        """
        reply = str((posted.data or {}).get("reply") or "")
        for tweet in [posted.remote_id, *([reply] if reply.isdigit() else [])]:
            try:
                response = self.http.call("DELETE", f"{self.base}/2/tweets/{tweet}", auth=self.auth)
            except ApiError as exc:
                if exc.status == 404:
                    continue
                raise
            self.http.expect(response, "data", "deleted", kind=bool)

    def reply(self, posted, text: str) -> Result:
        """A reply under the post (``reply.in_reply_to_tweet_id``): the correction's text."""
        response = self.http.call("POST", f"{self.base}/2/tweets", auth=self.auth, final=True,
                                  json={"text": text, "reply": {"in_reply_to_tweet_id": posted.remote_id}})
        return _result(self.http.expect(response, "data", "id", final=True))

    def _upload(self, index: int, photo) -> str:
        image = self.http.call("GET", photo.url).content  # the site's own file, as published; not signed
        response = self.http.call("POST", f"{self.base}/2/media/upload", auth=self.auth,
                                  data={"media_category": "tweet_image"},
                                  files={"media": (f"foto-{index}.jpg", image, "image/jpeg")})
        media_id = self.http.expect(response, "data", "id")
        if photo.alt:
            self.http.call("POST", f"{self.base}/2/media/metadata", auth=self.auth,
                           json={"id": media_id, "metadata": {"alt_text": {"text": photo.alt[:1000]}}})
        return media_id

    def _upload_video(self, video) -> str:
        """Upload X's copy of the video in chunks and wait until X has processed it: its media id.

        A refused chunk or a failed processing raises ``ApiError`` (FAILED: nothing was
        posted); processing that outlasts ``PROCESSING_WAIT`` or the run's budget is
        ``Deferred`` (the next run uploads again; an unused media id expires at X).
        """
        data = self.http.call("GET", video.url).content  # the site's own file, as published; not signed
        response = self.http.call("POST", f"{self.base}/2/media/upload/initialize", auth=self.auth, json={
            "media_type": "video/mp4", "total_bytes": len(data), "media_category": VIDEO_CATEGORY})
        media_id = self.http.expect(response, "data", "id")
        for index, start in enumerate(range(0, len(data), CHUNK)):
            # A chunk sent again after a dropped answer replaces its segment: retrying is safe.
            self.http.call("POST", f"{self.base}/2/media/upload/{media_id}/append", auth=self.auth,
                           data={"segment_index": str(index)},
                           files={"media": ("video.mp4", data[start:start + CHUNK], "application/octet-stream")})
        response = self.http.call("POST", f"{self.base}/2/media/upload/{media_id}/finalize", auth=self.auth)
        self._processed(media_id, self.http.expect(response, "data", kind=dict))
        return media_id

    def _processed(self, media_id: str, data: dict) -> None:
        """Return once X says the video is ready; poll STATUS as often as X asks, within a bound."""
        waited = 0.0
        while True:
            info = data.get("processing_info")
            if info is None:
                return  # no processing_info: the media is ready (FINALIZE reference)
            state = self.http.expect(info, "state", kind=str)
            if state == "succeeded":
                return
            if state == "failed":
                error = _dict(info, "error")
                why = str(error.get("message") or error.get("name") or "tanpa keterangan").rstrip(".")
                raise ApiError(PLATFORM, self.http.cut(
                    f"X gagal memproses video ({why}); periksa salinan video untuk X di build: MP4 H.264/AAC, "
                    "0,5 sampai 140 detik, rasio sisi 1:3 sampai 3:1"))
            if state not in WAITING:
                raise ApiError(PLATFORM, self.http.cut(
                    f"jawaban X tidak sesuai kontrak API (processing_info.state {state!r})"))
            after = info.get("check_after_secs")
            delay = float(after) if isinstance(after, int | float) and not isinstance(after, bool) and after >= 0 \
                else 1.0
            if waited + delay > PROCESSING_WAIT:
                raise Deferred(f"X masih memproses video (sudah {waited:.0f} detik, diminta menunggu {delay:.0f} "
                               f"detik lagi; batasnya {PROCESSING_WAIT:.0f} detik): dicoba lagi pada proses berikutnya")
            self.http.budget.wait(delay, NAME)
            waited += delay
            response = self.http.call("GET", f"{self.base}/2/media/upload", auth=self.auth,
                                      params={"command": "STATUS", "media_id": media_id})
            data = self.http.expect(response, "data", kind=dict)

    def find(self, post, data) -> Result | None:
        """This attempt's post among the account's latest 100: same text and exactly its media, else None."""
        media_ids = data.get("media_ids") if isinstance(data, dict) else None
        if not media_ids:
            return None  # no media uploaded yet, or no record of which: nothing can be ours
        # A media_key is "<type>_<id>" ("3_" a photo, "13_" an amplify_video): the ids are what we know.
        wanted = sorted(str(media_id) for media_id in media_ids)
        me = self.http.expect(self.http.call("GET", f"{self.base}/2/users/me", auth=self.auth), "data", "id")
        response = self.http.call("GET", f"{self.base}/2/users/{me}/tweets", auth=self.auth,
                                  params={"max_results": "100", "tweet.fields": "entities,attachments"})
        body = self.http.expect(response, kind=dict)
        # An account with no posts: X leaves "data" out (meta.result_count 0).
        tweets = self.http.expect(body, "data", kind=list) if "data" in body else []
        for tweet in tweets:
            keys = _dict(tweet, "attachments").get("media_keys")
            if not isinstance(keys, list) or sorted(str(key).rsplit("_", 1)[-1] for key in keys) != wanted:
                continue
            if _same_text(tweet, post.text):
                return _result(self.http.expect(tweet, "id"))
        return None


def _dict(value, key: str) -> dict:
    """``value[key]`` when both are objects, else an empty one (a field X left out or sent malformed)."""
    inner = value.get(key) if isinstance(value, dict) else None
    return inner if isinstance(inner, dict) else {}


def _same_text(tweet: dict, text: str) -> bool:
    """Whether ``tweet`` (as the v2 API returns it) carries exactly ``text``."""
    shown = str(tweet.get("text") or "")
    urls = _dict(tweet, "entities").get("urls")
    for entity in urls if isinstance(urls, list) else []:
        short = entity.get("url") if isinstance(entity, dict) else None
        if not isinstance(short, str) or not short:
            continue
        # The link X appends for attached media is not part of the text we sent.
        original = "" if entity.get("media_key") else str(entity.get("expanded_url") or short)
        shown = shown.replace(short, original, 1)
    # v2 returns &, < and > as HTML entities; compare NFC forms, as X stores text NFC.
    shown = html.unescape(shown).rstrip()
    return unicodedata.normalize("NFC", shown) == unicodedata.normalize("NFC", text).rstrip()


def _codes(body) -> list[int]:
    """The error codes of a v1.1 error body (``{"errors": [{"code": 89, ...}]}``)."""
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list):
        return []
    return [e["code"] for e in errors if isinstance(e, dict) and isinstance(e.get("code"), int)]


def _result(tweet: str) -> Result:
    return Result(tweet, f"https://x.com/i/web/status/{tweet}")


def from_env(env, redact, budget) -> X:
    """A client configured from the ``X_*`` variables (each secret registered for redaction)."""
    for name in ENV:
        redact.add(env[name])
    auth = OAuth1(env["X_API_KEY"], env["X_API_SECRET"], env["X_ACCESS_TOKEN"], env["X_ACCESS_TOKEN_SECRET"],
                  signature_method="HMAC-SHA1", signature_type="AUTH_HEADER")
    return X(auth, env.get("X_API_URL") or DEFAULT_URL, XTransport(PLATFORM, redact, budget))
