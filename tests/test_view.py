"""`portal view`: a built site on 127.0.0.1 with the CSP header, safe headers and types, nothing outside it."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import threading

import pytest
import requests

from pipeline.site import csp
from pipeline.site.view import make_server, url_of

PAGE = ('<!doctype html><html><head><title>Beranda</title><script>var __md_scope = new URL(".", location);'
        '</script></head><body><a href="profil/">Profil</a></body></html>')


@pytest.fixture
def site(tmp_path):
    """A small built site, a secret beside it and a symlink out of it."""
    root = tmp_path / "pratinjau-situs"
    (root / "profil").mkdir(parents=True)
    (root / "assets").mkdir()
    (root / "kosong").mkdir()
    (root / "index.html").write_text(PAGE, encoding="utf-8")
    (root / "profil/index.html").write_text("<html><head></head><body>Profil</body></html>", encoding="utf-8")
    (root / "404.html").write_text("<html><head></head><body>Tidak ditemukan</body></html>", encoding="utf-8")
    (root / "assets/foto.webp").write_bytes(b"RIFF\0\0\0\0WEBPVP8 ")
    (root / "feed.json").write_text("{}", encoding="utf-8")
    (root / "sitemap.xml").write_text("<urlset/>", encoding="utf-8")
    (tmp_path / "rahasia.txt").write_text("RAHASIA", encoding="utf-8")
    (root / "keluar.txt").symlink_to(tmp_path / "rahasia.txt")
    return root


@pytest.fixture
def url(site):
    server = make_server(site, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield url_of(server)
    server.shutdown()
    server.server_close()


def raw(url: str, path: str, method: str = "GET", host: str | None = None) -> http.client.HTTPResponse:
    """One request with ``path`` sent exactly as written (no client-side normalising)."""
    port = int(url.rsplit(":", 1)[1].strip("/"))
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.putrequest(method, path, skip_host=True)
    conn.putheader("Host", host or f"127.0.0.1:{port}")
    conn.endheaders()
    response = conn.getresponse()
    response.body = response.read()
    conn.close()
    return response


def test_html_gets_the_pages_csp_and_safe_headers(url):
    response = requests.get(url, timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.headers["Content-Security-Policy"] == csp.policy_for(PAGE) + "; frame-ancestors 'none'"
    assert "'sha256-" in response.headers["Content-Security-Policy"]  # the theme's inline script, by hash
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert url.startswith("http://127.0.0.1:")


@pytest.mark.parametrize("path, ctype", [("assets/foto.webp", "image/webp"), ("feed.json", "application/json"),
                                         ("sitemap.xml", "application/xml")])
def test_content_types(url, path, ctype):
    response = requests.get(url + path, timeout=10)
    assert response.status_code == 200 and response.headers["Content-Type"] == ctype
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_folders_serve_index_html_and_missing_paths_404_html(url):
    redirect = requests.get(url + "profil", timeout=10, allow_redirects=False)
    assert redirect.status_code == 301 and redirect.headers["Location"] == "/profil/"
    page = requests.get(url + "profil/", timeout=10)
    assert page.status_code == 200 and "Profil" in page.text
    missing = requests.get(url + "berita/tidak-ada/", timeout=10)
    assert missing.status_code == 404 and "Tidak ditemukan" in missing.text
    assert "Content-Security-Policy" in missing.headers
    listing = requests.get(url + "kosong/", timeout=10)  # a folder without index.html: never listed
    assert listing.status_code == 404 and "Tidak ditemukan" in listing.text


@pytest.mark.parametrize("path", ["/../rahasia.txt", "/%2e%2e/rahasia.txt", "/assets/..%2f..%2frahasia.txt",
                                  "/keluar.txt", "/assets/%2e%2e/%2e%2e/rahasia.txt", "//rahasia.txt",
                                  "/..\\rahasia.txt"])
def test_nothing_outside_the_folder(url, path):
    response = raw(url, path)
    assert response.status == 404 and b"RAHASIA" not in response.body


def test_no_open_redirect_and_no_other_host(url):
    assert raw(url, "//profil").getheader("Location") == "/profil/"
    foreign = raw(url, "/", host="evil.example:80")  # DNS rebinding: another name for 127.0.0.1
    assert foreign.status == 421 and b"<html" not in foreign.body
    assert raw(url, "/", host=f"localhost:{url.rsplit(':', 1)[1].strip('/')}").status == 200


def test_other_methods_refused_with_the_same_headers(url):
    response = raw(url, "/", method="POST")
    assert response.status == 501 and response.getheader("X-Content-Type-Options") == "nosniff"


def test_the_command(site, tmp_path):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "view", str(site), "--port", "0"],
                            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith(f"Situs {site} terbuka di http://127.0.0.1:") and "(Ctrl+C untuk berhenti)" in line
        address = line.split(" terbuka di ", 1)[1].split(" ", 1)[0]
        response = requests.get(address, timeout=10)
        assert response.status_code == 200 and "Content-Security-Policy" in response.headers
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_not_a_site_is_said_plainly(tmp_path):
    result = subprocess.run([sys.executable, "-m", "pipeline", "view", "tidak-ada"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 1
    assert result.stderr == ("Galat: Folder situs tidak-ada tidak ada. Ekstrak artefak pratinjau-situs lalu beri "
                             "path foldernya, misalnya `portal view pratinjau-situs`.\n")
    (tmp_path / "kosong").mkdir()
    result = subprocess.run([sys.executable, "-m", "pipeline", "view", "kosong"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 1 and result.stderr.startswith("Galat: kosong tidak berisi index.html")


def test_run_time_styles_the_build_declared_by_hash_are_kept_and_nothing_else(site, url):
    """Zensical's search dialog adds an inline style at run time: the page's meta lists its hash.

    The header takes only hash sources from that meta: a lax source in it
    (``'unsafe-inline'``, another host) never reaches the header.
    """
    style = "'sha256-NwSx/R2V/U4jnW0Tq5pQ53Y/rzPVJ4dqE7D6UTA/J1k='"
    meta = ('<meta http-equiv="Content-Security-Policy" content="default-src \'self\'; '
            f"style-src 'self' {style} 'unsafe-inline' https://cdn.contoh.com; img-src *\">")
    page = PAGE.replace("<head>", "<head>" + meta, 1)
    (site / "profil/index.html").write_text(page, encoding="utf-8")
    header = requests.get(url + "profil/", timeout=10).headers["Content-Security-Policy"]
    assert header == csp.policy_for(page, (style,)) + "; frame-ancestors 'none'"
    assert f"style-src 'self' {style};" in header
    assert "unsafe-inline" not in header and "cdn.contoh.com" not in header and "img-src 'self' data:" in header
