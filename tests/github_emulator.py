"""An emulator of GitHub's REST API (the endpoints the register reads), a real server on 127.0.0.1.

It answers as docs.github.com says: a token is required (401 "Requires
authentication" without one), lists are paged by ``per_page`` (capped by
``page_cap``, GitHub's is 100) with a ``Link`` header carrying ``rel="next"``
and ``rel="last"``, an unknown commit is a 404 "No commit found for SHA: …",
and faults are injected per path prefix:

    gh.inject("/pulls/2/reviews", "secondary", retry_after=7)   # 403 + retry-after
    gh.inject("/pulls/2/reviews", "primary", reset_in=30)       # 403 + x-ratelimit-remaining: 0
    gh.inject("/pulls/2/files", "not_json")                      # 200 with an HTML body
    gh.inject("/pulls/2", "missing", field="merged_at")          # a field left out
    gh.inject("/pulls/2/reviews", "hold")                        # blocks until gh.release.set()
    gh.inject("/pulls/2", "echo")                                # 422 quoting the Authorization header

The test seeds ``pulls`` (number -> the pull object), ``reviews``, ``files``,
``comments`` (number -> list) and ``commits`` (sha -> pull numbers).
"""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

DOCS = "https://docs.github.com/rest"
RATE_DOCS = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
SECONDARY_MESSAGE = ("You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
                     "If you reach out to GitHub Support for help, please include the request ID 0000:1111.")


class GitHubEmulator:
    """The REST API of one repository, seeded by the test."""

    def __init__(self, repository: str = "dprd/portal", token: str = "ghs_emulatortoken1234567890"):
        self.repository, self.token = repository, token
        self.pulls: dict[int, dict] = {}
        self.reviews: dict[int, list[dict]] = {}
        self.files: dict[int, list[dict]] = {}
        self.comments: dict[int, list[dict]] = {}
        self.commits: dict[str, list[int]] = {}
        self.page_cap = 100
        self.requests: list[tuple[str, dict]] = []  # (path with query, headers) of every request
        self.faults: list[tuple[str, str, dict]] = []
        self.holding = threading.Event()  # set when a "hold" fault is reached
        self.release = threading.Event()
        self.now = 1_800_000_000  # the epoch second x-ratelimit-reset is counted from
        self._server: ThreadingHTTPServer | None = None

    # ------------------------------------------------------------------ control

    def inject(self, prefix: str, kind: str, **options) -> None:
        """Answer the next request whose repository path is ``prefix`` (exactly) with fault ``kind``."""
        self.faults.append((prefix, kind, options))

    def start(self) -> str:
        emulator = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                emulator.handle(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self.url

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def stop(self) -> None:
        self.release.set()
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    # ------------------------------------------------------------------ answers

    def _send(self, handler, status: int, body, headers: dict | None = None, raw: bytes | None = None) -> None:
        data = raw if raw is not None else json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "text/html" if raw is not None else "application/json; charset=utf-8")
        handler.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(data)

    def handle(self, handler) -> None:
        parts = urlsplit(handler.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        self.requests.append((handler.path, dict(handler.headers)))
        if handler.headers.get("Authorization") != f"Bearer {self.token}":
            self._send(handler, 401, {"message": "Requires authentication", "documentation_url": DOCS})
            return
        base = f"/repos/{self.repository}"
        if not parts.path.startswith(base + "/"):
            self._send(handler, 404, {"message": "Not Found", "documentation_url": DOCS})
            return
        path = parts.path[len(base):]
        for index, (prefix, kind, options) in enumerate(self.faults):
            if prefix == path:
                del self.faults[index]
                if self._fault(handler, kind, options, path, query):
                    return
                break
        status, body = self._route(path, query)
        if status == 200 and isinstance(body, list):
            self._page(handler, parts.path, query, body)
        else:
            self._send(handler, status, body)

    def _fault(self, handler, kind: str, options: dict, path: str, query: dict) -> bool:
        """Answer with fault ``kind``; False when the normal answer should follow (``hold``, ``missing``)."""
        if kind == "secondary":
            headers = {"retry-after": str(options.get("retry_after", 60))} if options.get("retry_after") is not None else {}
            self._send(handler, 403, {"message": SECONDARY_MESSAGE, "documentation_url": RATE_DOCS}, headers)
        elif kind == "primary":
            reset = self.now + options.get("reset_in", 60)
            self._send(handler, 403, {"message": "API rate limit exceeded for installation ID 1.",
                                      "documentation_url": RATE_DOCS},
                       {"x-ratelimit-limit": "5000", "x-ratelimit-remaining": "0", "x-ratelimit-used": "5000",
                        "x-ratelimit-reset": str(reset), "x-ratelimit-resource": "core"})
        elif kind == "not_json":
            self._send(handler, 200, None, raw=b"<html><body>Unicorn!</body></html>")
        elif kind == "missing":
            status, body = self._route(path, query)
            body = json.loads(json.dumps(body))
            for entry in body if isinstance(body, list) else [body]:
                entry.pop(options["field"], None)
            self._send(handler, status, body)
        elif kind == "echo":  # a refusal quoting the Authorization header back (a proxy's habit)
            self._send(handler, 422, {"message": f"Bad credentials {handler.headers.get('Authorization')}"})
        elif kind == "hold":
            self.holding.set()
            self.release.wait(30)
            return False
        return True

    def _page(self, handler, path: str, query: dict, items: list) -> None:
        per_page = max(1, min(int(query.get("per_page", 30)), self.page_cap))
        page = max(1, int(query.get("page", 1)))
        last = max(1, -(-len(items) // per_page))
        chunk = items[(page - 1) * per_page: page * per_page]
        links = []
        others = "&".join(f"{k}={v}" for k, v in query.items() if k != "page")
        if page < last:
            links.append(f'<{self.url}{path}?{others}&page={page + 1}>; rel="next"')
            links.append(f'<{self.url}{path}?{others}&page={last}>; rel="last"')
        if page > 1:
            links.append(f'<{self.url}{path}?{others}&page=1>; rel="first"')
            links.append(f'<{self.url}{path}?{others}&page={page - 1}>; rel="prev"')
        self._send(handler, 200, chunk, {"Link": ", ".join(links)} if links else {})

    def _route(self, path: str, query: dict):
        match = re.fullmatch(r"/commits/([^/]+)/pulls", path)
        if match:
            sha = match.group(1)
            if sha not in self.commits:
                return 404, {"message": f"No commit found for SHA: {sha}",
                             "documentation_url": DOCS + "/commits/commits#list-pull-requests-associated-with-a-commit"}
            return 200, [self.pulls[n] for n in self.commits[sha]]
        match = re.fullmatch(r"/pulls/(\d+)(?:/(reviews|files))?", path)
        if match:
            number, tail = int(match.group(1)), match.group(2)
            if number not in self.pulls:
                return 404, {"message": "Not Found", "documentation_url": DOCS + "/pulls/pulls#get-a-pull-request"}
            if tail == "reviews":
                return 200, self.reviews.get(number, [])
            if tail == "files":
                return 200, self.files.get(number, [])
            return 200, self.pulls[number]
        match = re.fullmatch(r"/issues/(\d+)/comments", path)
        if match:
            return 200, self.comments.get(int(match.group(1)), [])
        if path == "/pulls":
            closed = [p for p in self.pulls.values() if p.get("state") == query.get("state", "open")]
            return 200, sorted(closed, key=lambda p: p["updated_at"], reverse=True)
        return 404, {"message": "Not Found", "documentation_url": DOCS}


def pull(number: int, title: str, author: str, created: str, *, merged: str | None = None,
         merged_by: str | None = None, merge_sha: str | None = None, updated: str | None = None,
         repository: str = "dprd/portal") -> dict:
    """A pull request object shaped as GitHub returns it (the fields the register reads, and a few more)."""
    return {"url": f"https://api.github.com/repos/{repository}/pulls/{number}", "id": 1000 + number,
            "number": number, "state": "closed", "title": title, "user": {"login": author, "type": "User"},
            "body": None, "created_at": created, "updated_at": updated or merged or created,
            "closed_at": merged or updated, "merged_at": merged, "merge_commit_sha": merge_sha,
            "html_url": f"https://github.com/{repository}/pull/{number}",
            "merged_by": {"login": merged_by, "type": "User"} if merged_by else None}


def review(login: str, state: str, at: str, body: str) -> dict:
    """A review object as GitHub returns it."""
    return {"id": abs(hash((login, at))) % 10**8, "user": {"login": login, "type": "User"}, "body": body,
            "state": state, "submitted_at": at, "commit_id": "0" * 40}


def changed(filename: str, status: str = "added") -> dict:
    """A pull request file object as GitHub returns it."""
    return {"sha": "0" * 40, "filename": filename, "status": status, "additions": 1, "deletions": 0, "changes": 1}
