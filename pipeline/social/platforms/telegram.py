"""Telegram Bot API: one ``sendMediaGroup`` album per item, the caption on its first photo.

Telegram fetches each photo from its URL. A bot cannot read a channel's
history, so a post whose outcome is unknown (the connection dropped after
sending, or the process died) cannot be checked: it becomes UNKNOWN for a
person to look at, never a second album.
"""

from __future__ import annotations

from pipeline.social.platforms.base import UNSEARCHABLE, Result
from pipeline.social.platforms.http import ApiError, Transport, Uncertain, json_body

PLATFORM, NAME = "telegram", "Telegram"
ENV = ("TELEGRAM_BOT_TOKEN", "TELEGRAM_CHAT_ID")
DEFAULT_URL = "https://api.telegram.org"


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
        self.url = f"{base_url.rstrip('/')}/bot{token}/sendMediaGroup"  # the token sits in the path: redacted

    def publish(self, post, attempting) -> Result:
        media = [{"type": "photo", "media": p.url} for p in post.photos]
        media[0].update(caption=post.text, parse_mode="HTML")
        attempting({})
        for attempt in range(3):
            try:
                response = self.http.call("POST", self.url, json={"chat_id": self.chat, "media": media}, final=True)
                break
            except Uncertain as exc:
                # An answered 5xx did nothing; a dropped connection may have posted the album.
                if exc.status is None or attempt == 2:
                    raise
                self.http.budget.wait(self.http.backoff(attempt + 1), NAME)
        # After the album was sent: an answer outside the contract is Uncertain (never a second album).
        message = self.http.expect(response, "result", 0, "message_id", kind=int, final=True)
        message = str(message)
        chat = str(self.chat)
        url = f"https://t.me/c/{chat[4:]}/{message}" if chat.startswith("-100") else (
            f"https://t.me/{chat.lstrip('@')}/{message}" if chat.startswith("@") else "")
        return Result(message, url)

    def find(self, post, data):
        return UNSEARCHABLE


def from_env(env, redact, budget) -> Telegram:
    """A client configured from ``TELEGRAM_*`` variables."""
    return Telegram(env["TELEGRAM_BOT_TOKEN"], env["TELEGRAM_CHAT_ID"], env.get("TELEGRAM_API_URL") or DEFAULT_URL,
                    TelegramTransport(PLATFORM, redact, budget))
