"""``portal view``: serve a built site (e.g. the PR's preview artifact) as the public host would.

A preview built from a pull request is untrusted until it is approved, and a
reviewer opens it on their own machine. So it is served on 127.0.0.1 only,
each HTML page with the Content-Security-Policy of ``pipeline.site.csp`` as a
header (the same policy its ``<meta>`` carries, plus what only a header can
say), ``nosniff`` and ``no-referrer`` on every answer, no directory listing,
nothing outside the folder (``..``, symlinks pointing out), and a ``Host``
check so that a web page cannot reach it through DNS rebinding.
"""

from __future__ import annotations

import http.server
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pipeline.actions import shown
from pipeline.errors import PortalError
from pipeline.site import csp

HOST = "127.0.0.1"
TYPES = {
    ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json", ".xml": "application/xml", ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml", ".webp": "image/webp", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
    ".png": "image/png", ".gif": "image/gif", ".avif": "image/avif", ".ico": "image/x-icon",
    ".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf", ".map": "application/json",
    ".gz": "application/gzip",
}
# Sent with every answer: the browser never guesses a type, no page leaks its
# address to another site, and nothing is cached across previews of different PRs.
COMMON_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
                  "Cache-Control": "no-store"}
# A header can say what a <meta> policy cannot.
HEADER_ONLY = "frame-ancestors 'none'"


class SiteHandler(http.server.BaseHTTPRequestHandler):
    """GET and HEAD of files under ``root``; anything else is 404 (``404.html``) or 405."""

    server_version = "portal-view"
    sys_version = ""
    root: Path

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def _answer(self, body: bool) -> None:
        if not self._host_allowed():
            self._send(421, "text/plain; charset=utf-8", b"Host tidak dikenal.\n", body)
            return
        path = urlsplit(self.path).path
        if not path.endswith("/") and self._resolve(path) is None and self._resolve(path + "/index.html"):
            # /profil -> /profil/ (as GitHub Pages does): the page's relative links need the slash.
            # Rebuilt from its parts: "//host" must not become a redirect to another site.
            self.send_response(301)
            self.send_header("Location", "/" + "/".join(p for p in path.split("/") if p) + "/")
            self.send_header("Content-Length", "0")
            self._common()
            self.end_headers()
            return
        file = self._resolve(path + ("index.html" if path.endswith("/") else ""))
        status = 200
        if file is None:
            status, file = 404, self._resolve("/404.html")
            if file is None:
                self._send(404, "text/plain; charset=utf-8", b"Halaman tidak ditemukan.\n", body)
                return
        self._send_file(status, file, body)

    def _host_allowed(self) -> bool:
        host = (self.headers.get("Host") or "").lower()
        address = self.server.server_address
        if not isinstance(address, tuple):  # an AF_UNIX socket: never served here
            return False
        port = address[1]
        return host in {f"{HOST}:{port}", f"localhost:{port}"}

    def _resolve(self, url_path: str) -> Path | None:
        """The regular file under ``root`` that ``url_path`` names, or None (outside, missing, a folder)."""
        parts = [p for p in unquote(url_path).split("/") if p]
        if any(p in (".", "..") or "\\" in p or "\0" in p for p in parts):
            return None
        candidate = self.root.joinpath(*parts)
        try:
            real = candidate.resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        if not real.is_relative_to(self.root) or not real.is_file():
            return None  # a symlink out of the folder, or a folder (never listed)
        return real

    def _send_file(self, status: int, file: Path, body: bool) -> None:
        data = file.read_bytes()
        ctype = TYPES.get(file.suffix.lower(), "application/octet-stream")
        extra = {}
        if file.suffix.lower() == ".html":
            text = data.decode("utf-8", "replace")
            policy = csp.policy_for(text, csp.declared_style_hashes(text))
            extra["Content-Security-Policy"] = f"{policy}; {HEADER_ONLY}"
        self._send(status, ctype, data, body, extra)

    def _send(self, status: int, ctype: str, data: bytes, body: bool, extra: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self._common()
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _common(self) -> None:
        for name, value in COMMON_HEADERS.items():
            self.send_header(name, value)

    def send_error(self, code, message=None, explain=None) -> None:
        # http.server's default error page names the request in English and
        # has no security headers; ours is plain text with them.
        self.close_connection = True
        self._send(code, "text/plain; charset=utf-8", f"Galat {code}.\n".encode(), self.command != "HEAD")

    def log_message(self, format, *args) -> None:
        pass  # the reviewer needs the address, not a line per request


def make_server(site: Path, port: int = 8000) -> http.server.ThreadingHTTPServer:
    """A server of ``site`` on 127.0.0.1:``port`` (0: a free port), not started yet."""
    root = Path(site).resolve()
    if not root.is_dir():
        raise PortalError(f"Folder situs {shown(site)} tidak ada. Ekstrak artefak pratinjau-situs lalu beri path "
                          "foldernya, misalnya `portal view pratinjau-situs`.")
    if not (root / "index.html").is_file():
        raise PortalError(f"{shown(site)} tidak berisi index.html: itu bukan folder situs yang sudah dibangun. Beri "
                          "folder hasil ekstrak artefak pratinjau-situs (atau site/ hasil `portal build`).")
    handler = type("Handler", (SiteHandler,), {"root": root})
    try:
        return http.server.ThreadingHTTPServer((HOST, port), handler)
    except OSError as exc:
        raise PortalError(f"Port {port} tidak bisa dipakai ({exc.strerror}). Pilih port lain, misalnya "
                          f"`portal view {shown(site)} --port {port + 1}`.") from None


def url_of(server: http.server.HTTPServer) -> str:
    return f"http://{HOST}:{server.server_address[1]}/"
