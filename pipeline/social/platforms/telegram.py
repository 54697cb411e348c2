"""Telegram Bot API: one ``sendMediaGroup`` album per item, the caption on its first photo.

Telegram fetches each photo from its URL. An item with a video (``Post.video``,
issue 16) is one ``sendVideo`` message instead, the caption under the video.
Why ``sendVideo`` and not an album with the video first and the photos after:
the issue posts the video and keeps the photos on the site; one message is one
id to delete on retraction and to reply under for a correction, and an album
would send the photos a second way for nothing. The video's bytes are uploaded
(multipart ``video``, at most 50 MB for a bot) rather than given as a URL,
because Telegram fetches a URL only up to 20 MB (Bot API "Sending files").

A bot cannot read a channel's history, so a post whose outcome is unknown (the
connection dropped after sending, or the process died) cannot be checked: it
becomes UNKNOWN for a person to look at, never a second album or video.
"""

from __future__ import annotations

import datetime as dt

from pipeline.social.platforms.base import UNSEARCHABLE, Manual, Result
from pipeline.social.platforms.http import ApiError, Transport, Uncertain, json_body

PLATFORM, NAME = "telegram", "Telegram"
ENV = ("TELEGRAM_BOT_TOKEN", "TELEGRAM_CHAT_ID")
DEFAULT_URL = "https://api.telegram.org"
# deleteMessage: "A message can only be deleted if it was sent less than 48 hours ago" (Bot API). The
# ledger's POSTED time comes a moment after the send; the margin keeps a call near the limit from being made.
DELETE_WINDOW = dt.timedelta(hours=48) - dt.timedelta(minutes=10)
GONE, UNDELETABLE = "message to delete not found", "message can't be deleted"


class TelegramTransport(Transport):
    """Telegram errors: ``{"ok": false, "error_code": N, "description": ...}``; 401 is a bad token.

    Flood control (Bot API, "Responses" and the FAQ "My bot is hitting limits"): HTTP 429,
    ``"description": "Too Many Requests: retry after N"``, ``"parameters": {"retry_after": N}``
    seconds; the base transport waits that long or defers to the next run.
    """

    def error(self, response) -> ApiError:
        body = json_body(response) or {}
        code = body.get("error_code") if isinstance(body, dict) else None
        return ApiError(self.platform, self._message(response), response.status_code, code,
                        auth=response.status_code == 401 or code == 401)


class Telegram:
    """Posts albums to one chat or channel."""

    platform, name, searchable = PLATFORM, NAME, False

    def __init__(self, token: str, chat_id: str, base_url: str, transport: Transport):
        self.chat, self.http = chat_id, transport
        self.api = f"{base_url.rstrip('/')}/bot{token}"  # the token sits in the path: redacted
        self.url = f"{self.api}/sendMediaGroup"

    def publish(self, post, attempting) -> Result:
        """The album of the photos, or the video (``post.video``) with the caption: one message, never two."""
        video = getattr(post, "video", None)
        if video:
            return self._send_video(post.text, video, attempting)
        media = [{"type": "photo", "media": p.url} for p in post.photos]
        media[0].update(caption=post.text, parse_mode="HTML")
        attempting({})
        response = self._send(self.url, json={"chat_id": self.chat, "media": media})
        # After the album was sent: an answer outside the contract is Uncertain (never a second album).
        message = str(self.http.expect(response, "result", 0, "message_id", kind=int, final=True))
        # Every message of the album, so that a retraction can delete each one.
        album = [m["message_id"] for m in response.json()["result"]
                 if isinstance(m, dict) and isinstance(m.get("message_id"), int)]
        return Result(message, self._link(message), {"messages": album})

    def _send_video(self, text: str, video, attempting) -> Result:
        """``sendVideo`` with the bytes of Telegram's copy (fetched from the site) and the HTML caption.

        No ``thumbnail``: Telegram wants a JPEG of at most 320 px and 200 kB, which the
        poster is not, and makes its own from the video otherwise.
        """
        data = self.http.call("GET", video.url).content  # the site's own file, as published
        fields = {"chat_id": self.chat, "caption": text, "parse_mode": "HTML", "supports_streaming": "true",
                  "width": str(video.width), "height": str(video.height),
                  "duration": str(max(1, round(video.duration)))}
        attempting({})
        response = self._send(f"{self.api}/sendVideo", data=fields, files={"video": ("video.mp4", data, "video/mp4")})
        message = str(self.http.expect(response, "result", "message_id", kind=int, final=True))
        # The same ledger data as an album's: a retraction deletes each listed message.
        return Result(message, self._link(message), {"messages": [int(message)]})

    def _send(self, url: str, **kwargs):
        """The publishing call: an answered 5xx did nothing and is retried; a dropped connection is Uncertain."""
        for attempt in range(3):
            try:
                return self.http.call("POST", url, final=True, **kwargs)
            except Uncertain as exc:
                # An answered 5xx did nothing; a dropped connection may have posted the message.
                if exc.status is None or attempt == 2:
                    raise
                self.http.budget.wait(self.http.backoff(attempt + 1), NAME)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _link(self, message: str) -> str:
        chat = str(self.chat)
        return f"https://t.me/c/{chat[4:]}/{message}" if chat.startswith("-100") else (
            f"https://t.me/{chat.lstrip('@')}/{message}" if chat.startswith("@") else "")

    def find(self, post, data):
        return UNSEARCHABLE

    def delete(self, posted, now: dt.datetime) -> None:
        """``deleteMessage`` for each message of the album, only within 48 hours of sending.

        Past that window (counted from the ledger's POSTED time) no call is made:
        Telegram would refuse it. "message to delete not found" is a message
        already gone (a repeated call); "message can't be deleted" makes it Manual.
        """
        sent = dt.datetime.fromisoformat(posted.time.replace("Z", "+00:00"))
        if now - sent >= DELETE_WINDOW:
            raise Manual("Telegram hanya dapat menghapus pesan yang dikirim kurang dari 48 jam lalu")
        album = (posted.data or {}).get("messages")
        if not isinstance(album, list) or not album:
            raise Manual("id pesan album Telegram tidak tercatat")
        for message in album:
            try:
                self.http.call("POST", f"{self.api}/deleteMessage", json={"chat_id": self.chat, "message_id": message})
            except ApiError as exc:
                if exc.status == 400 and GONE in exc.message:
                    continue
                if exc.status == 400 and UNDELETABLE in exc.message:
                    raise Manual(f"Telegram menolak menghapus pesan ({exc.message})") from None
                raise

    def reply(self, posted, text: str) -> Result:
        """A message replying to the album's first message (``reply_parameters``), as plain text."""
        response = self.http.call("POST", f"{self.api}/sendMessage", final=True, json={
            "chat_id": self.chat, "text": text, "reply_parameters": {"message_id": int(posted.remote_id)}})
        message = str(self.http.expect(response, "result", "message_id", kind=int, final=True))
        return Result(message, self._link(message))


def from_env(env, redact, budget) -> Telegram:
    """A client configured from ``TELEGRAM_*`` variables."""
    return Telegram(env["TELEGRAM_BOT_TOKEN"], env["TELEGRAM_CHAT_ID"], env.get("TELEGRAM_API_URL") or DEFAULT_URL,
                    TelegramTransport(PLATFORM, redact, budget))
