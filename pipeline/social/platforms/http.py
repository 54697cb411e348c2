"""HTTP for the platform clients: retries, rate-limit waits, a time budget, and redaction.

Only 429, 5xx and connection errors are retried, with capped exponential
backoff and jitter, waiting at least what the platform asked for
(``Retry-After``, Telegram's ``retry_after``, X's ``x-rate-limit-reset``,
the Graph API's usage headers), all inside one time budget per run.

The call that makes a post public is *final*: only a 429 (nothing was
done) is retried there. A 5xx or a dropped connection may have come after
the post was committed, so it is raised as ``Uncertain`` and the client
looks for the post before trying again.

Secrets never leave this module in clear: every message is passed through
``Redactor``, which knows each token, its URL-encoded form, and the
``access_token=...`` query parameter shape.
"""

from __future__ import annotations

import json
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

import requests

USER_AGENT = "portal-publish/1 (+https://github.com)"


class ApiError(Exception):
    """A platform refused a request; ``message`` is redacted and safe to show."""

    def __init__(self, platform: str, message: str, status: int | None = None, code: int | None = None,
                 auth: bool = False, duplicate: bool = False):
        super().__init__(message)
        self.platform, self.message, self.status, self.code = platform, message, status, code
        self.auth, self.duplicate = auth, duplicate


class Uncertain(ApiError):
    """The final call may or may not have taken effect (5xx or a dropped connection)."""


class OutOfTime(ApiError):
    """The run's time budget ran out while waiting to retry."""


@dataclass
class Redactor:
    """Replaces every secret (and its encoded forms) in a text with ``***``."""

    secrets: list[str] = field(default_factory=list)

    def add(self, secret: str | None) -> None:
        if secret and len(secret) >= 4:
            for form in {secret, quote(secret, safe=""), quote(secret)}:
                if form not in self.secrets:
                    self.secrets.append(form)
            self.secrets.sort(key=len, reverse=True)

    def __call__(self, text: object) -> str:
        text = str(text)
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return re.sub(r"(access_token=)[^&\s\"']+", r"\1***", text)


@dataclass
class Budget:
    """The time a run may spend waiting on retries (``portal publish`` gives one per run)."""

    seconds: float = 600.0
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep

    def __post_init__(self):
        self.deadline = self.clock() + self.seconds

    def wait(self, seconds: float, platform: str) -> None:
        if self.clock() + seconds > self.deadline:
            raise OutOfTime(platform, f"batas waktu proses habis sebelum {platform} pulih; dicoba lagi pada proses "
                                      "berikutnya")
        self.sleep(seconds)


class Transport:
    """Requests to one platform, retried the way the module docstring says."""

    BASE_DELAY, MAX_DELAY, MAX_ATTEMPTS = 1.0, 60.0, 6

    def __init__(self, platform: str, redact: Redactor, budget: Budget, session: requests.Session | None = None,
                 timeout: float = 30.0):
        self.platform, self.redact, self.budget, self.timeout = platform, redact, budget, timeout
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT

    def call(self, method: str, url: str, *, final: bool = False, **kwargs) -> requests.Response:
        """The response to ``method url`` (2xx), or an ApiError naming what went wrong, redacted."""
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self.session.request(method, url, timeout=self.timeout, **kwargs)
            except requests.RequestException as exc:
                reason = type(exc).__name__
                if final:
                    raise Uncertain(self.platform, f"koneksi terputus ({reason}) saat mengirim unggahan") from None
                if attempt >= self.MAX_ATTEMPTS:
                    raise ApiError(self.platform, f"koneksi gagal {attempt} kali ({reason})") from None
                self.budget.wait(self.backoff(attempt), self.platform)
                continue
            if response.status_code < 400:
                return response
            if response.status_code == 429 or response.status_code >= 500:
                if response.status_code >= 500 and final:
                    raise Uncertain(self.platform, self._message(response), response.status_code)
                if attempt >= self.MAX_ATTEMPTS:
                    raise ApiError(self.platform, self._message(response), response.status_code)
                hint = self.retry_after(response)
                self.budget.wait(max(hint, self.backoff(attempt)) if hint is not None else self.backoff(attempt),
                                 self.platform)
                continue
            raise self.error(response)

    def backoff(self, attempt: int) -> float:
        """Seconds to wait before retry number ``attempt``."""
        # Full jitter (AWS architecture blog): spreads retries of parallel runs.
        return random.uniform(0, min(self.MAX_DELAY, self.BASE_DELAY * 2 ** (attempt - 1))) + 0.05

    def retry_after(self, response: requests.Response) -> float | None:
        """Seconds the platform asked us to wait, from any of the signals the platforms use."""
        header = response.headers.get("Retry-After")
        if header and header.strip().isdigit():
            return float(header)
        reset = response.headers.get("x-rate-limit-reset")
        if reset and reset.strip().isdigit():
            return max(0.0, float(reset) - time.time())
        body = json_body(response)
        params = body.get("parameters") if isinstance(body, dict) else None
        if isinstance(params, dict) and isinstance(params.get("retry_after"), (int, float)):
            return float(params["retry_after"])
        for name in ("X-Business-Use-Case-Usage", "X-Page-Usage", "X-App-Usage"):
            minutes = _regain_minutes(response.headers.get(name))
            if minutes is not None:
                return minutes * 60.0
        return None

    def error(self, response: requests.Response) -> ApiError:
        """The ApiError a refused response stands for (subclasses know each platform's shape)."""
        return ApiError(self.platform, self._message(response), response.status_code,
                        auth=response.status_code == 401)

    def _message(self, response: requests.Response) -> str:
        body = json_body(response)
        text = None
        if isinstance(body, dict):
            error = body.get("error")
            if isinstance(error, dict):
                text = error.get("message")
            text = text or body.get("description") or body.get("detail") or body.get("title")
            if not text and isinstance(body.get("errors"), list) and body["errors"]:
                first = body["errors"][0]
                text = first.get("message") or first.get("detail") if isinstance(first, dict) else None
        text = text or response.text[:200] or response.reason
        return self.redact(f"HTTP {response.status_code}: {text}")


def json_body(response: requests.Response):
    """The JSON body of ``response``, or None."""
    try:
        return response.json()
    except ValueError:
        return None


def _regain_minutes(header: str | None) -> float | None:
    # Graph API usage headers: {"<id>": [{"estimated_time_to_regain_access": minutes, ...}]} or flat.
    if not header:
        return None
    try:
        data = json.loads(header)
    except ValueError:
        return None
    found = []

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("estimated_time_to_regain_access"), (int, float)):
                found.append(float(node["estimated_time_to_regain_access"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data)
    return max(found) if found else None
