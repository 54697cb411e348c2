"""A small client of GitHub's REST API for the register: pull requests, reviews, files, comments.

Only what the register reads, each answer checked against the documented
shape: an answer outside it (not JSON, a missing field, a wrong type) is a
``GitHubError`` naming the endpoint, never a traceback and never a half-read
record. Rate limits are honoured as GitHub documents them
(docs.github.com, "Rate limits for the REST API"):

- primary: 403 or 429 with ``x-ratelimit-remaining: 0`` -> wait until
  ``x-ratelimit-reset`` (epoch seconds);
- secondary: 403 or 429 with ``retry-after`` -> wait that many seconds;
  without it, at least one minute.

Every wait is bounded by ``max_wait``; a longer one is an error in Bahasa
Indonesia telling when to run again. ``sleep`` and ``clock`` are injectable
so that tests never really wait. The token comes from ``GITHUB_TOKEN`` in the
environment only and is redacted from every message (the social clients'
``Redactor``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

import requests

from pipeline.errors import PortalError
from pipeline.social.platforms.http import Redactor

DEFAULT_API = "https://api.github.com"
API_VERSION = "2022-11-28"
PER_PAGE = 100
MAX_PAGES = 100  # 10,000 entries: far more than a pull request's reviews or files
SECONDARY_MIN_WAIT = 60.0  # GitHub: "wait for at least one minute before retrying"
MAX_WAIT = 300.0
MAX_ATTEMPTS = 4


class GitHubError(PortalError):
    """GitHub refused a request or answered outside its documented contract."""


def _kind(value: Any) -> str:
    return {str: "teks", int: "angka", bool: "boolean", list: "daftar", dict: "objek",
            type(None): "null"}.get(type(value), type(value).__name__)


class GitHub:
    """The REST API of one repository ``owner/name``."""

    def __init__(self, repository: str, token: str | None = None, base_url: str = DEFAULT_API, *,
                 session: requests.Session | None = None, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.time, max_wait: float = MAX_WAIT, timeout: float = 30.0):
        self.repository = repository
        self.token = token
        self.base_url = base_url.rstrip("/")
        self.session = session or requests.Session()
        self.sleep, self.clock, self.max_wait, self.timeout = sleep, clock, max_wait, timeout
        self.redact = Redactor()
        self.redact.add(token)
        self.session.headers.update({"Accept": "application/vnd.github+json",
                                     "X-GitHub-Api-Version": API_VERSION,
                                     "User-Agent": "portal-register/1"})
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    # ------------------------------------------------------------------ transport

    def _wait_for(self, response: requests.Response) -> float | None:
        """Seconds a rate-limited ``response`` asks to wait, or None when it is not a rate limit."""
        if response.status_code not in (403, 429):
            return None
        headers = response.headers
        if headers.get("retry-after", "").strip().isdigit():
            return float(headers["retry-after"])
        if headers.get("x-ratelimit-remaining", "").strip() == "0":
            reset = headers.get("x-ratelimit-reset", "").strip()
            return max(0.0, float(reset) - self.clock()) + 1.0 if reset.isdigit() else SECONDARY_MIN_WAIT
        message = str(self._body_message(response)).lower()
        if "secondary rate limit" in message or response.status_code == 429:
            return SECONDARY_MIN_WAIT
        return None

    @staticmethod
    def _body_message(response: requests.Response) -> str:
        try:
            body = response.json()
        except ValueError:
            return response.text[:200]
        return str(body.get("message", "")) if isinstance(body, dict) else ""

    def _get(self, endpoint: str, params: Mapping[str, str] | None = None, url: str | None = None) -> requests.Response:
        """The 2xx answer to GET ``endpoint`` (or the full ``url`` of a next page), rate limits waited out."""
        target = url or f"{self.base_url}{endpoint}"
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                response = self.session.get(target, params=None if url else params, timeout=self.timeout)
            except requests.RequestException as exc:
                raise GitHubError(f"GitHub API {endpoint} tidak dapat dihubungi ({type(exc).__name__}). "
                                  "Periksa jaringan atau GITHUB_API_URL, lalu jalankan lagi.") from None
            if response.status_code < 300:
                return response
            wait = self._wait_for(response)
            if wait is None:
                raise self._refused(endpoint, response)
            if wait > self.max_wait or attempt == MAX_ATTEMPTS:
                raise GitHubError(f"GitHub API {endpoint}: batas laju (rate limit) tercapai; GitHub meminta menunggu "
                                  f"{int(wait)} detik, lebih dari batas {int(self.max_wait)} detik. Jalankan lagi "
                                  "`portal register` setelah itu; belum ada yang dicatat.")
            self.sleep(wait)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _refused(self, endpoint: str, response: requests.Response) -> GitHubError:
        message = self.redact(self._body_message(response))[:200]
        status = response.status_code
        if status == 401:
            hint = "GITHUB_TOKEN ditolak: periksa token dan izinnya (pull-requests: read)."
        elif status == 404:
            hint = "tidak ditemukan: periksa SHA commit atau nomor pull request, dan nama repositori."
        elif status == 403:
            hint = "akses ditolak: token perlu izin pull-requests: read dan contents: read."
        else:
            hint = "GitHub menolak permintaan."
        return GitHubError(f"GitHub API {endpoint} menjawab HTTP {status} ({message}): {hint}")

    def _json(self, endpoint: str, response: requests.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            raise self.contract(endpoint, "jawaban bukan JSON") from None

    def contract(self, endpoint: str, problem: str) -> GitHubError:
        """The error for an answer of ``endpoint`` outside GitHub's documented contract."""
        return GitHubError(f"jawaban GitHub API {endpoint} tidak sesuai kontrak ({problem}); tidak ada yang "
                           "dicatat. Jalankan lagi nanti; bila berulang, laporkan ke admin portal.")

    def object(self, endpoint: str, params: Mapping[str, str] | None = None) -> dict:
        """The JSON object at ``endpoint``."""
        value = self._json(endpoint, self._get(endpoint, params))
        if not isinstance(value, dict):
            raise self.contract(endpoint, f"jawaban bertipe {_kind(value)}, seharusnya objek")
        return value

    def pages(self, endpoint: str, params: Mapping[str, str] | None = None,
              stop: Callable[[dict], bool] | None = None) -> list[dict]:
        """Every object of the list at ``endpoint``, following ``Link: rel="next"`` (until ``stop(entry)``)."""
        found: list[dict] = []
        response = self._get(endpoint, {"per_page": str(PER_PAGE), **(params or {})})
        for _ in range(MAX_PAGES):
            value = self._json(endpoint, response)
            if not isinstance(value, list):
                raise self.contract(endpoint, f"jawaban bertipe {_kind(value)}, seharusnya daftar")
            for entry in value:
                if not isinstance(entry, dict):
                    raise self.contract(endpoint, f"isi daftar bertipe {_kind(entry)}, seharusnya objek")
                if stop and stop(entry):
                    return found
                found.append(entry)
            following = response.links.get("next", {}).get("url")
            if not following:
                return found
            if not following.startswith(self.base_url + "/"):
                raise self.contract(endpoint, "tautan halaman berikutnya keluar dari GITHUB_API_URL")
            response = self._get(endpoint, url=following)
        return found

    # ------------------------------------------------------------------ endpoints

    def _repo(self, tail: str) -> str:
        return f"/repos/{self.repository}{tail}"

    def commit_pulls(self, sha: str) -> list[dict]:
        """Pull requests associated with commit ``sha``."""
        return self.pages(self._repo(f"/commits/{quote(sha, safe='')}/pulls"))

    def pull(self, number: int) -> dict:
        """One pull request."""
        return self.object(self._repo(f"/pulls/{number}"))

    def reviews(self, number: int) -> list[dict]:
        """Every review of pull request ``number``, oldest first."""
        return self.pages(self._repo(f"/pulls/{number}/reviews"))

    def files(self, number: int) -> list[dict]:
        """The files pull request ``number`` changes."""
        return self.pages(self._repo(f"/pulls/{number}/files"))

    def closed_pulls(self, stop: Callable[[dict], bool] | None = None) -> list[dict]:
        """Closed pull requests, most recently updated first (until ``stop(pull)``)."""
        return self.pages(self._repo("/pulls"), {"state": "closed", "sort": "updated", "direction": "desc"}, stop)

    def comments(self, number: int) -> list[dict]:
        """The conversation comments of pull request ``number`` (its issue), oldest first."""
        return self.pages(self._repo(f"/issues/{number}/comments"))


def from_env(env: Mapping[str, str], **kwargs) -> GitHub | None:
    """A client for ``GITHUB_REPOSITORY`` with ``GITHUB_TOKEN``, or None without a token or repository."""
    token = env.get("GITHUB_TOKEN") or ""
    repository = env.get("GITHUB_REPOSITORY") or ""
    if not token or not repository:
        return None
    return GitHub(repository, token, env.get("GITHUB_API_URL") or DEFAULT_API, **kwargs)


def field(where: str, value: dict, name: str, kinds: type | tuple) -> Any:
    """``value[name]`` if it is of ``kinds``, else a contract error naming ``where`` (the endpoint)."""
    kinds = kinds if isinstance(kinds, tuple) else (kinds,)
    found = value.get(name, ...)
    if found is ... or (isinstance(found, bool) and bool not in kinds) or not isinstance(found, kinds):
        problem = f"`{name}` tidak ada" if found is ... else f"`{name}` bertipe {_kind(found)}"
        raise GitHubError(f"jawaban GitHub API {where} tidak sesuai kontrak ({problem}); tidak ada yang "
                          "dicatat. Jalankan lagi nanti; bila berulang, laporkan ke admin portal.")
    return found
