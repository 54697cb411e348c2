"""HTTP for the platform clients: retries, throttling, a time budget, redaction, the answer's contract.

Only throttling, 5xx and connection errors are retried, with capped
exponential backoff and jitter, waiting at least what the platform asked for
(``Retry-After``, Telegram's ``retry_after``, X's ``x-rate-limit-reset``,
the Graph API's usage headers), all inside one time budget per run. Each
platform says "throttled" its own way (``Transport.throttled``): a 429, or
for the Graph API an HTTP 400/403 with a throttling error code. When the
announced wait does not fit what is left of the budget, or the platform
still throttles after ``MAX_ATTEMPTS``, the call raises ``Throttled`` (a
``Deferred``: the next run tries again, never FAILED), and the transport
makes no further call to that platform in this run until the announced
time has passed: calling a throttled API only prolongs the throttle.

The call that makes a post public is *final*: a throttled answer (nothing
was done) is retried there too, but a 5xx or a dropped connection may have
come after the post was committed, so it is raised as ``Uncertain`` and
the client looks for the post before trying again.

An answer outside the documented contract (not JSON, an array where an
object is due, a missing ``id``, a wrong type) is read through
``Transport.expect``: an ``ApiError`` before the final call (nothing was
posted: a failure), ``Uncertain`` after it (the post may exist).

Secrets never leave this module in clear: every message is passed through
``Redactor``, which knows each token, its URL-encoded form, and the
``access_token=...`` query parameter shape, *before* it is cut to length,
so no part of a token survives a cut through its middle.
"""

from __future__ import annotations

import json
import math
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import requests

from pipeline.social.platforms.base import Throttled

USER_AGENT = "portal-publish/1 (+https://github.com)"
MESSAGE_LIMIT = 300  # characters of a platform's message kept in the ledger and the job log
ID = (str, int)  # the JSON types a platform's object id comes as
_KIND_NAMES = {str: "teks", int: "angka", float: "angka", bool: "boolean", list: "daftar", dict: "objek",
               type(None): "null"}


class ApiError(Exception):
    """A platform refused a request; ``message`` is redacted and safe to show."""

    def __init__(self, platform: str, message: str, status: int | None = None, code: int | None = None,
                 auth: bool = False, duplicate: bool = False, subcode: int | None = None):
        super().__init__(message)
        self.platform, self.message, self.status, self.code = platform, message, status, code
        self.auth, self.duplicate, self.subcode = auth, duplicate, subcode


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

    def remaining(self) -> float:
        """Seconds of waiting this run has left."""
        return max(0.0, self.deadline - self.clock())

    def fits(self, seconds: float) -> bool:
        """Whether waiting ``seconds`` now still ends within the budget."""
        return self.clock() + seconds <= self.deadline

    def wait(self, seconds: float, platform: str) -> None:
        if not self.fits(seconds):
            raise OutOfTime(platform, f"batas waktu proses habis sebelum {platform} pulih; dicoba lagi pada proses "
                                      "berikutnya")
        self.sleep(seconds)


class Transport:
    """Requests to one platform, retried the way the module docstring says."""

    BASE_DELAY, MAX_DELAY, MAX_ATTEMPTS = 1.0, 60.0, 6

    def __init__(self, platform: str, redact: Redactor, budget: Budget, session: requests.Session | None = None,
                 timeout: float = 30.0):
        self.platform, self.redact, self.budget, self.timeout = platform, redact, budget, timeout
        self.name = platform.title()  # facebook -> Facebook, x -> X: the name people read
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self.blocked: tuple[float, Throttled] | None = None  # (until, why): throttled for the rest of the wait

    def call(self, method: str, url: str, *, final: bool = False, **kwargs) -> requests.Response:
        """The response to ``method url`` (2xx), or an ApiError naming what went wrong, redacted.

        Raises ``Throttled`` when the platform throttles longer than the budget allows.
        """
        self._check_blocked()
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
            if self.throttled(response):
                self._wait_out(response, attempt)  # nothing was done: safe to repeat, even the final call
                continue
            if response.status_code >= 500:
                if final:
                    raise Uncertain(self.platform, self._message(response), response.status_code)
                if attempt >= self.MAX_ATTEMPTS:
                    raise ApiError(self.platform, self._message(response), response.status_code)
                self.budget.wait(self.backoff(attempt), self.platform)
                continue
            raise self.error(response)

    def throttled(self, response: requests.Response) -> bool:
        """Whether ``response`` says "too many calls, come back later" (subclasses add their platform's way)."""
        return response.status_code == 429

    def _wait_out(self, response: requests.Response, attempt: int) -> None:
        """Sleep what the platform asked for, or raise ``Throttled`` when that does not fit this run."""
        hint = self.retry_after(response)
        delay = max(hint, self.backoff(attempt)) if hint else self.backoff(attempt)
        if attempt < self.MAX_ATTEMPTS and self.budget.fits(delay):
            self.budget.sleep(delay)
            return
        if hint and not self.budget.fits(delay):
            why = f"{self.name} meminta menunggu {_duration(hint)}, melebihi sisa waktu proses ini"
        else:
            why = f"{self.name} masih membatasi setelah {attempt} percobaan"
        throttled = Throttled(self.platform, f"{self._message(response)}; {why}: dicoba lagi pada proses "
                                             "berikutnya", hint)
        self.blocked = (self.budget.clock() + hint if hint else math.inf, throttled)
        raise throttled

    def _check_blocked(self) -> None:
        if self.blocked is None:
            return
        until, why = self.blocked
        if self.budget.clock() >= until:
            self.blocked = None
            return
        raise Throttled(self.platform, why.message, why.seconds)

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
        retry = params.get("retry_after") if isinstance(params, dict) else None
        if isinstance(retry, (int, float)) and not isinstance(retry, bool) and retry >= 0:
            return float(retry)
        for name in ("X-Business-Use-Case-Usage", "X-Page-Usage", "X-App-Usage"):
            minutes = _regain_minutes(response.headers.get(name))
            if minutes:
                return minutes * 60.0
        return None

    def error(self, response: requests.Response) -> ApiError:
        """The ApiError a refused response stands for (subclasses know each platform's shape)."""
        return ApiError(self.platform, self._message(response), response.status_code,
                        auth=response.status_code == 401)

    def expect(self, answer: requests.Response | Any, *path: str | int, kind: type | tuple = ID,
               final: bool = False) -> Any:
        """The value at ``path`` in a 2xx ``answer`` (a response or decoded JSON), if it is of ``kind``.

        Anything else is outside the API's contract: ``ApiError`` (a failure of
        this one post), or ``Uncertain`` when ``final`` (the post may exist).
        Ids come back as ``str`` whatever JSON type the platform used.
        """
        value: Any = answer
        if isinstance(answer, requests.Response):
            try:
                value = answer.json()
            except ValueError:
                raise self._contract("jawaban bukan JSON", final) from None
        where = ""
        for step in path:
            container = dict if isinstance(step, str) else list
            if not isinstance(value, container):
                raise self._contract(f"{where or 'jawaban'} bukan {_KIND_NAMES[container]}", final)
            where = f"{where}[{step}]" if isinstance(step, int) else f"{where}.{step}" if where else step
            try:
                value = value[step]  # type: ignore[index]  # a dict for a str step, a list for an int one
            except (KeyError, IndexError):
                raise self._contract(f"{where} tidak ada", final) from None
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
            wanted = " atau ".join(dict.fromkeys(_KIND_NAMES.get(k, k.__name__) for k in kinds))
            if not where:
                raise self._contract(f"jawaban bukan {wanted}", final)
            raise self._contract(f"{where} bertipe {_KIND_NAMES.get(type(value), type(value).__name__)}, "
                                 f"seharusnya {wanted}", final)
        return str(value) if kinds == ID else value

    def _contract(self, problem: str, final: bool) -> ApiError:
        error = Uncertain if final else ApiError
        return error(self.platform, self.redact(f"jawaban {self.name} tidak sesuai kontrak API ({problem})"))

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
        text = str(text or response.text or response.reason)
        return self.cut(f"HTTP {response.status_code}: {text}")

    def cut(self, text: str) -> str:
        """``text`` redacted, *then* cut to ``MESSAGE_LIMIT``: a cut never leaves part of a secret."""
        text = self.redact(text)
        return text if len(text) <= MESSAGE_LIMIT else text[:MESSAGE_LIMIT - 1] + "…"


def json_body(response: requests.Response):
    """The JSON body of ``response``, or None."""
    try:
        return response.json()
    except ValueError:
        return None


def _duration(seconds: float) -> str:
    """``seconds`` as people say it: "45 detik", "12 menit"."""
    return f"{math.ceil(seconds)} detik" if seconds < 120 else f"{math.ceil(seconds / 60)} menit"


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
            minutes = node.get("estimated_time_to_regain_access")
            if isinstance(minutes, (int, float)) and not isinstance(minutes, bool):
                found.append(float(minutes))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data)
    return max(found) if found else None
