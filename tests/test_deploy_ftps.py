"""``portal deploy ftps://…`` against a real FTPS server (pyftpdlib with TLS) on 127.0.0.1.

The server (tests/ftps_server.py) runs in its own process with a CA generated
here, passed to the deploy as DEPLOY_CA_FILE, and requires TLS on control and
data connections. First the Host contract (pipeline.deploy.ftps on its own),
then whole deploys through pipeline.deploy.run and the ``portal`` command:
incremental uploads, a deploy killed with SIGKILL, two deploys at once,
rollback and roll-forward, refusals (wrong password, unknown CA, plain FTP),
and the sentinel password absent from every output.

The deploys use deploy_support's scenarios on the sample content built with
``portal build``. FTPS is an in-place host: after a kill no page may point to
a missing file, checked by reading every deployed page and each of its local
references back through the FTPS connection.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import ftps_server
from deploy_support import (  # noqa: F401 - sample_sites is a fixture
    assert_serves,
    broken_references,
    deploy_paused,
    foreign_lock,
    kill_deploy,
    run_deploy,
    sample_sites,
    site_files,
)
from pipeline.deploy import ftps, run
from pipeline.deploy.hosts import DeployError
from pipeline.errors import UsageError

try:
    import pyftpdlib  # noqa: F401
    import OpenSSL  # noqa: F401
except ImportError:  # pragma: no cover - the test extra installs both
    from conftest import missing_tool

    missing_tool("pyftpdlib and pyOpenSSL (the test extra) are needed for the FTPS deploy tests")

PASSWORD = ftps_server.PASSWORD
WRONG = "salah-SENTINEL-4b2e"
_roots = itertools.count(1)


# --------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ftps_server.FtpsServer]:
    """One FTPS server for the module; each test deploys under its own folder (``root``)."""
    with ftps_server.FtpsServer(tmp_path_factory.mktemp("ftps")) as srv:
        yield srv


@pytest.fixture
def root() -> str:
    return f"/situs{next(_roots)}"


def target(server: ftps_server.FtpsServer, root: str, user: str | None = None) -> run.Target:
    return run.parse_target(server.url(root, user))


def connect(server: ftps_server.FtpsServer, root: str, **env: str) -> ftps.FtpsHost:
    return ftps.open_host(target(server, root), server.env(**env))


# --------------------------------------------------------------------------- a small site

def make_site(folder: Path, versions: dict[str, str], photos: int = 2) -> Path:
    """A built site: a home page listing items, one page per item with its photo variants, assets, feeds.

    An item's photo variants carry its version in their names (as a changed photo
    does in a real build), so changing one item changes its page and its photos only.
    """
    if folder.exists():
        for path in sorted(folder.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
    (folder / "assets").mkdir(parents=True)
    (folder / "assets" / "portal.css").write_text("body { color: #123; }\n", encoding="utf-8")
    links = []
    for slug, version in sorted(versions.items()):
        item = folder / "berita" / "2026" / slug
        (item / "foto").mkdir(parents=True)
        imgs = []
        for n in range(1, photos + 1):
            name = f"{n:02d}-{version}-w480.webp"
            (item / "foto" / name).write_bytes(f"RIFF {slug} {version} {n}".encode() * 20)
            imgs.append(f'<img src="foto/{name}" alt="foto {n}">')
        (item / "index.html").write_text(
            f'<html><head><link rel="stylesheet" href="../../../assets/portal.css"></head>'
            f'<body><h1>{slug} {version}</h1>{"".join(imgs)}<a href="../../../">beranda</a></body></html>\n',
            encoding="utf-8")
        links.append(f'<a href="berita/2026/{slug}/">{slug}</a>')
    (folder / "index.html").write_text(
        f'<html><head><link rel="stylesheet" href="assets/portal.css"></head><body>{"".join(links)}'
        '<a href="https://contoh.go.id/">luar</a></body></html>\n', encoding="utf-8")
    (folder / "feed.xml").write_text(f"<rss>{len(versions)}</rss>\n", encoding="utf-8")
    (folder / "sitemap.xml").write_text(f"<urlset>{len(versions)}</urlset>\n", encoding="utf-8")
    return folder


def served(server: ftps_server.FtpsServer, root: str) -> Path:
    """The deployed site as the web server would serve it: the folder on the FTP server's disk."""
    return server.home / root.strip("/")


def same_tree(site: Path, docroot: Path) -> list[str]:
    """Files of the built site missing or different on the host (build.json excepted: the deploy writes it)."""
    return [str(p.relative_to(site)) for p in sorted(site.rglob("*")) if p.is_file()
            and (not (docroot / p.relative_to(site)).is_file()
                 or (docroot / p.relative_to(site)).read_bytes() != p.read_bytes())]


def cli(site: Path, *args: str, env: dict[str, str]) -> subprocess.Popen:
    """``python -m pipeline deploy|rollback …`` as a child process (the CI way), output piped."""
    full = {k: v for k, v in os.environ.items() if not k.startswith("DEPLOY_")}
    full.update(env, PYTHONIOENCODING="utf-8")
    return subprocess.Popen([sys.executable, "-m", "pipeline", *args], cwd=site.parent, env=full,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")


def finish(process: subprocess.Popen) -> tuple[int, str]:
    out, err = process.communicate(timeout=120)
    return process.returncode, out + err


# --------------------------------------------------------------------------- the Host contract

def test_write_read_delete(server: ftps_server.FtpsServer, root: str) -> None:
    host = connect(server, root)
    try:
        assert host.atomic is False
        assert host.read("berita/a/index.html") is None
        host.write("berita/a/index.html", b"satu", "text/html", "public, max-age=300")
        host.write("berita/a/index.html", b"dua", "text/html", "public, max-age=300")
        assert host.read("berita/a/index.html") == b"dua"
        host.delete("berita/a/index.html")
        host.delete("berita/a/index.html")  # already gone: nothing happens
        assert host.read("berita/a/index.html") is None
    finally:
        host.close()


def test_write_sets_modes_and_leaves_no_temporary_file(server: ftps_server.FtpsServer, root: str) -> None:
    host = connect(server, root)
    try:
        host.write("a/b/c.css", b"x", "text/css", "")
    finally:
        host.close()
    docroot = served(server, root)
    assert sorted(p.name for p in (docroot / "a" / "b").iterdir()) == ["c.css"]
    assert (docroot / "a" / "b" / "c.css").stat().st_mode & 0o777 == 0o644
    assert (docroot / "a").stat().st_mode & 0o777 == 0o755
    assert (docroot / "a" / "b").stat().st_mode & 0o777 == 0o755


def test_create_is_exclusive(server: ftps_server.FtpsServer, root: str) -> None:
    first, second = connect(server, root), connect(server, root)
    try:
        assert first.create(".portal-deploy/lock", b"deploy pertama") is True
        assert second.create(".portal-deploy/lock", b"deploy kedua") is False
        assert second.read(".portal-deploy/lock") == b"deploy pertama"
        first.delete(".portal-deploy/lock")
        assert second.create(".portal-deploy/lock", b"deploy kedua") is True
    finally:
        first.close()
        second.close()
    assert sorted(p.name for p in (served(server, root) / ".portal-deploy").iterdir()) == ["lock"]


def test_walk_lists_every_file(server: ftps_server.FtpsServer, root: str) -> None:
    host = connect(server, root)
    try:
        assert list(host.walk("")) == []  # the root does not exist yet
        for path in ["index.html", "berita/2026/a/index.html", "berita/2026/a/foto/1.webp", "assets/x.css"]:
            host.write(path, b".", "", "")
        assert sorted(host.walk("")) == ["assets/x.css", "berita/2026/a/foto/1.webp",
                                         "berita/2026/a/index.html", "index.html"]
        assert sorted(host.walk("berita")) == ["berita/2026/a/foto/1.webp", "berita/2026/a/index.html"]
        assert list(host.walk("tidak-ada")) == []
    finally:
        host.close()


def test_server_without_mlsd_lists_with_nlst(server: ftps_server.FtpsServer, root: str) -> None:
    """Old servers announce no MLST: walk falls back to NLST (+ SIZE), existence checks to SIZE."""
    host = connect(server, root)
    try:
        host._features.discard("MLST")  # this server then takes the NLST/SIZE path, as an old one would
        for path in ["index.html", "berita/a/index.html", "berita/a/foto/1.webp"]:
            host.write(path, b".", "", "")
        assert sorted(host.walk("")) == ["berita/a/foto/1.webp", "berita/a/index.html", "index.html"]
        assert list(host.walk("tidak-ada")) == []
        assert host.create(".portal-deploy/lock", b"kunci") is True
        assert host.create(".portal-deploy/lock", b"kunci lain") is False
        host.delete("index.html")
        assert host.read("index.html") is None
    finally:
        host.close()


def test_server_refusing_site_chmod_still_deploys(server: ftps_server.FtpsServer, root: str) -> None:
    """SITE CHMOD answered 550 (not allowed for this account): the server's own modes stay, the write succeeds."""
    host = ftps.open_host(target(server, root, ftps_server.NO_CHMOD_USER), server.env())
    try:
        host.write("a/index.html", b"isi", "text/html", "")
        host.write("b/index.html", b"isi", "text/html", "")
        assert host.read("b/index.html") == b"isi"
    finally:
        host.close()


def test_paths_outside_the_root_refused(server: ftps_server.FtpsServer, root: str) -> None:
    host = connect(server, root)
    try:
        with pytest.raises(DeployError) as caught:
            host.read("../lain/index.html")
    finally:
        host.close()
    assert str(caught.value) == f"Jalur tidak sah untuk {server.url(root)}: '../lain/index.html'."


def test_permission_error_names_host_and_fix(server: ftps_server.FtpsServer, root: str) -> None:
    host = ftps.open_host(target(server, root, ftps_server.READONLY_USER), server.env())
    try:
        with pytest.raises(DeployError) as caught:
            host.write("index.html", b"x", "text/html", "")
    finally:
        host.close()
    label = server.url(root, ftps_server.READONLY_USER)
    assert str(caught.value) == (f"Server {label} menolak membuat folder {root} (550 Not enough privileges.). "
                                 "Periksa izin tulis akun FTP pada folder itu, lalu ulangi deploy.")


def test_dropped_connection(tmp_path: Path) -> None:
    with ftps_server.FtpsServer(tmp_path) as srv:
        host = ftps.open_host(run.parse_target(srv.url("/www")), srv.env())
        srv.stop()
        with pytest.raises(DeployError) as caught:
            host.write("index.html", b"x", "text/html", "")
        host.close()
    message = str(caught.value)
    assert message.startswith(f"Sambungan ke {srv.url('/www')} terputus saat ")
    assert message.endswith("Periksa jaringan, lalu ulangi deploy: ia mengunggah lagi yang belum selesai.")


def test_upload_aborted_by_the_server_reports_its_reply(tmp_path: Path) -> None:
    """A write the server cannot store (a file-size limit, as on a full disk) resets the upload before
    the client reads the server's reply: the host still reads it, names it, and leaves no partial file.

    Plain FTP: over TLS pyftpdlib never sends that reply (it waits for a TLS shutdown that the reset
    connection cannot complete), and it relays the OS error as "None", so this is the one check here
    of a refused upload's reply; the wording for 452/552 and "No space left" replies is not exercised.
    """
    with ftps_server.FtpsServer(tmp_path, tls=False, max_file_bytes=64 * 1024) as srv:
        label = srv.url("/www")
        host = ftps.open_host(run.parse_target(label, insecure=True), srv.env())
        try:
            host.write("kecil.html", b"muat", "text/html", "")
            with pytest.raises(DeployError) as caught:
                host.write("berita/foto/besar.webp", b"x" * 200_000, "image/webp", "")
            assert sorted(host.walk("")) == ["kecil.html"]  # the partial upload did not stay behind
        finally:
            host.close()
    assert str(caught.value) == (f"Server {label} gagal menulis berita/foto/besar.webp untuk sementara (426 None; "
                                 "transfer aborted.). Ulangi deploy sebentar lagi.")


# --------------------------------------------------------------------------- refusals

def test_wrong_password(server: ftps_server.FtpsServer, root: str) -> None:
    with pytest.raises(DeployError) as caught:
        connect(server, root, DEPLOY_PASSWORD=WRONG)
    assert str(caught.value) == (f"Login ke {server.url(root)} ditolak (530): periksa nama pengguna pada TARGET "
                                 "dan kata sandi pada DEPLOY_PASSWORD.")


def test_missing_password(server: ftps_server.FtpsServer, root: str) -> None:
    with pytest.raises(DeployError) as caught:
        ftps.open_host(target(server, root), {"DEPLOY_CA_FILE": str(server.ca_file)})
    assert str(caught.value) == (f"DEPLOY_PASSWORD belum diisi: {server.url(root)} memerlukan kata sandi akun "
                                 "FTP. Isi rahasia DEPLOY_PASSWORD, lalu ulangi.")


UNVERIFIED = ("Sertifikat TLS server {label} tidak dapat diverifikasi (unable to get local issuer certificate). "
              "Jika server memakai CA sendiri, simpan sertifikat CA itu (PEM) dan tunjuk dengan DEPLOY_CA_FILE; "
              "jika sertifikat baru saja berganti tanpa pemberitahuan, hubungi pengelola server dulu.")


def test_certificate_from_unknown_ca_refused(server: ftps_server.FtpsServer, root: str, tmp_path: Path) -> None:
    other = ftps_server.write_ca_file(tmp_path / "ca-lain.pem")
    with pytest.raises(DeployError) as caught:
        connect(server, root, DEPLOY_CA_FILE=str(other))
    assert str(caught.value) == UNVERIFIED.format(label=server.url(root))


def test_certificate_refused_without_the_private_ca(server: ftps_server.FtpsServer, root: str) -> None:
    """Only the system's CAs: a private CA's server is not trusted blindly."""
    with pytest.raises(DeployError) as caught:
        ftps.open_host(target(server, root), {"DEPLOY_PASSWORD": PASSWORD})
    assert str(caught.value) == UNVERIFIED.format(label=server.url(root))


def test_unreadable_ca_file(server: ftps_server.FtpsServer, root: str, tmp_path: Path) -> None:
    (tmp_path / "bukan.pem").write_text("bukan sertifikat\n", encoding="utf-8")
    with pytest.raises(DeployError) as caught:
        connect(server, root, DEPLOY_CA_FILE=str(tmp_path / "bukan.pem"))
    assert str(caught.value).startswith(f"DEPLOY_CA_FILE ({tmp_path / 'bukan.pem'}) untuk {server.url(root)} "
                                        "tidak dapat dibaca sebagai sertifikat CA (PEM): ")


def test_no_server_at_the_port() -> None:
    with socket.socket() as probe:  # a port nothing listens on: bound, then released
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    label = f"ftps://deploy@127.0.0.1:{port}/www"
    with pytest.raises(DeployError) as caught:
        ftps.open_host(run.parse_target(label), {"DEPLOY_PASSWORD": PASSWORD})
    assert str(caught.value) == (f"Tidak dapat terhubung ke {label}: sambungan ditolak (tidak ada server FTP di "
                                 "port itu). Periksa nama host dan port pada TARGET serta jaringan, lalu ulangi.")


def test_plain_ftp_refused_without_insecure(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as caught:
        run.parse_target("ftp://deploy@127.0.0.1:2121/www")
    assert str(caught.value) == ("TARGET ftp://deploy@127.0.0.1:2121/www: FTP tanpa TLS mengirim kata sandi "
                                 "terbuka; pakai ftps://, atau --insecure bila server benar-benar tidak "
                                 "mendukung TLS.")
    site = make_site(tmp_path / "site", {"a": "v1"})
    code, output = finish(cli(site, "deploy", "ftp://deploy@127.0.0.1:2121/www", "--site-dir", str(site),
                              env={"DEPLOY_PASSWORD": PASSWORD}))
    assert code == 2
    assert "FTP tanpa TLS mengirim kata sandi terbuka" in output
    assert PASSWORD not in output


def test_ftps_to_a_server_without_tls(tmp_path: Path) -> None:
    with ftps_server.FtpsServer(tmp_path, tls=False) as plain:
        url = plain.url("/www").replace("ftp://", "ftps://")
        with pytest.raises(DeployError) as caught:
            ftps.open_host(run.parse_target(url), {"DEPLOY_PASSWORD": PASSWORD})
    assert str(caught.value) == (f"Server {url} tidak mendukung FTPS eksplisit (AUTH TLS ditolak: 500 Command "
                                 '"AUTH" not understood.). Aktifkan FTP over TLS di panel hosting, atau mintalah '
                                 "kepada penyedia hosting.")


def test_plain_ftp_with_insecure_deploys(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", {"a": "v1"})
    with ftps_server.FtpsServer(tmp_path, tls=False) as plain:
        code, output = finish(cli(site, "deploy", plain.url("/www"), "--insecure", "--site-dir", str(site),
                                  env=plain.env()))
        assert code == 0, output
        assert same_tree(site, plain.home / "www") == []
    assert PASSWORD not in output


# --------------------------------------------------------------------------- deploys (deploy_support's scenarios)

def test_first_then_incremental_deploy(server: ftps_server.FtpsServer, root: str, sample_sites) -> None:
    first = run.deploy(sample_sites.old, target(server, root), server.env(), progress=False)
    total = len(site_files(sample_sites.old))
    assert (len(first.uploaded), first.unchanged, first.deleted) == (total, 0, [])
    host = connect(server, root)
    try:
        assert_serves(host, sample_sites.old, "")
        second = run.deploy(sample_sites.new, target(server, root), server.env(), progress=False)
        assert (sorted(second.uploaded), second.unchanged, second.deleted) == (sample_sites.changed, total - 2, [])
        assert assert_serves(host, sample_sites.new, "")["build"] == second.build
        assert broken_references(host, "") == []
    finally:
        host.close()
    docroot = served(server, root)
    assert {p.stat().st_mode & 0o777 for p in docroot.rglob("*") if p.is_file()} == {0o644}
    assert {p.stat().st_mode & 0o777 for p in docroot.rglob("*") if p.is_dir()} == {0o755}
    assert not [p for p in docroot.rglob(f"*{ftps.TMP_MARK}*")]  # no temporary file left behind


def test_killed_deploy_leaves_no_broken_page_and_rerun_converges(server: ftps_server.FtpsServer, root: str,
                                                                  sample_sites) -> None:
    run.deploy(sample_sites.old, target(server, root), server.env(), progress=False)
    before, after = site_files(sample_sites.old), site_files(sample_sites.renamed)
    changed = len([p for p in after if before.get(p) != after[p]])
    proc = deploy_paused(sample_sites.project, server.url(root), sample_sites.renamed, server.env(),
                         after=changed // 2)
    output = kill_deploy(proc)
    host = connect(server, root)
    try:
        assert broken_references(host, "") == []  # every page, old or new, finds every file it names
        done = run_deploy(sample_sites.project, server.env(), "deploy", server.url(root),
                          "--site-dir", str(sample_sites.renamed))
        assert done.returncode == 0, done.stderr
        assert re.fullmatch(r"Kunci deploy lama \(\S+@\S+, sejak \S+\) ditinggalkan deploy yang sudah berhenti; "
                            r"kunci diambil alih\.\n", done.stderr)
        assert_serves(host, sample_sites.renamed, "")
        assert broken_references(host, "") == []
    finally:
        host.close()
    assert PASSWORD not in output + done.stdout + done.stderr


def test_two_deploys_at_once(server: ftps_server.FtpsServer, root: str, sample_sites) -> None:
    run.deploy(sample_sites.old, target(server, root), server.env(), progress=False)
    first = deploy_paused(sample_sites.project, server.url(root), sample_sites.new, server.env(), after=1)
    try:
        lock = json.loads((served(server, root) / ".portal-deploy" / "lock").read_text(encoding="utf-8"))
        done = run_deploy(sample_sites.project, server.env(), "deploy", server.url(root),
                          "--site-dir", str(sample_sites.new))
    finally:
        kill_deploy(first)
    assert done.returncode == 1
    assert done.stderr == (f"Galat: deploy lain sedang berjalan sejak {lock['time']} ({lock['owner']}, pid "
                           f"{lock['pid']}) di {server.url(root)}; tunggu hingga selesai lalu ulangi, atau pakai "
                           "--wait DETIK. Kunci yang lebih tua dari 30 menit diambil alih otomatis.\n")


def test_a_lock_held_elsewhere_is_waited_for_then_a_stale_one_taken(server: ftps_server.FtpsServer, root: str,
                                                                     sample_sites) -> None:
    run.deploy(sample_sites.old, target(server, root), server.env(), progress=False)
    host = connect(server, root)
    try:
        lock = foreign_lock(host)
        with pytest.raises(DeployError) as caught:
            run.deploy(sample_sites.new, target(server, root), server.env(), progress=False, wait=1.5)
        assert str(caught.value).startswith(f"deploy lain sedang berjalan sejak {lock['time']} "
                                            "(deploy@mesin-lain, pid 4242)")
        stale = foreign_lock(host, age=31 * 60)
        summary = run.deploy(sample_sites.new, target(server, root), server.env(), progress=False)
        assert summary.notes == [f"Kunci deploy lama (deploy@mesin-lain, sejak {stale['time']}) ditinggalkan "
                                 "deploy yang sudah berhenti; kunci diambil alih."]
        assert host.read(".portal-deploy/lock") is None
    finally:
        host.close()


def test_rollback_and_roll_forward(server: ftps_server.FtpsServer, root: str, sample_sites) -> None:
    first = run.deploy(sample_sites.old, target(server, root), server.env(), progress=False)
    second = run.deploy(sample_sites.new, target(server, root), server.env(), progress=False)
    host = connect(server, root)
    try:
        assert run.rollback(target(server, root), server.env()) == first.build
        assert assert_serves(host, sample_sites.old, "")["build"] == first.build
        assert broken_references(host, "") == []
        done = run_deploy(sample_sites.project, server.env(), "rollback", server.url(root), "--to", second.build)
        assert (done.returncode, done.stdout) == (0, f"Rilis {second.build} kini tayang di {server.url(root)}.\n")
        assert assert_serves(host, sample_sites.new, "")["build"] == second.build
        assert broken_references(host, "") == []
    finally:
        host.close()


def test_secrets_absent_from_all_output(server: ftps_server.FtpsServer, root: str, sample_sites,
                                        tmp_path: Path) -> None:
    other_ca = str(ftps_server.write_ca_file(tmp_path / "lain.pem"))
    runs = [run_deploy(sample_sites.project, env, "deploy", server.url(root), "--site-dir", str(sample_sites.old))
            for env in (server.env(), server.env(DEPLOY_PASSWORD=WRONG), server.env(DEPLOY_CA_FILE=other_ca))]
    runs.append(run_deploy(sample_sites.project, server.env(), "rollback", server.url(root)))
    assert [done.returncode for done in runs] == [0, 1, 1, 1]
    assert runs[1].stderr == (f"Galat: Login ke {server.url(root)} ditolak (530): periksa nama pengguna pada "
                              "TARGET dan kata sandi pada DEPLOY_PASSWORD.\n")
    assert runs[2].stderr == "Galat: " + UNVERIFIED.format(label=server.url(root)) + "\n"
    for done in runs:
        text = done.stdout + done.stderr
        assert PASSWORD not in text and WRONG not in text
        assert "Traceback" not in text
