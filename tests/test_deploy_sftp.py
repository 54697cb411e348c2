"""``portal deploy sftp://…`` against a real OpenSSH server on 127.0.0.1 (tests/sshd_server.py).

The server runs as the current user and serves the local file system, so a
test checks what the host did by looking at the folder directly. One server
for the module; tests that break their server (a new host key, a killed
session, a read-only or full disk) start their own.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import deploy_support
import pytest
import sshd_server
from conftest import missing_tool
from deploy_support import (
    SampleSites,
    assert_serves,
    broken_references,
    deploy_paused,
    kill_deploy,
    run_deploy,
    site_files,
)

from pipeline.deploy import run, sftp
from pipeline.deploy.hosts import DeployError

SENTINEL = "rahasia-SENTINEL-7d1f"
sample_sites = deploy_support.sample_sites  # the shared session fixture, registered here by its name


@dataclass(frozen=True)
class FakeTarget:
    """The fields of run.Target the SFTP host reads (the contract tests open hosts directly)."""

    user: str
    host: str
    port: int
    path: str
    label: str


def _need_sshd() -> None:
    reason = sshd_server.tools_missing()
    if reason:
        missing_tool(reason)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sshd_server.SshServer]:
    """One sshd for the module."""
    _need_sshd()
    ssh = sshd_server.SshServer(tmp_path_factory.mktemp("sshd")).start()
    yield ssh
    ssh.stop()


@pytest.fixture
def own_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sshd_server.SshServer]:
    """An sshd for one test, which may break it."""
    _need_sshd()
    ssh = sshd_server.SshServer(tmp_path_factory.mktemp("sshd-own")).start()
    yield ssh
    ssh.stop()


def target_for(ssh: sshd_server.SshServer, root: Path, user: str | None = None) -> FakeTarget:
    user = user or ssh.user
    return FakeTarget(user, "127.0.0.1", ssh.port, str(root), f"sftp://{user}@127.0.0.1:{ssh.port}{root}")


def open_sftp(ssh: sshd_server.SshServer, root: Path, **env: str) -> sftp.SftpHost:
    return sftp.open_host(target_for(ssh, root), ssh.env(**env))


def refusal(ssh: sshd_server.SshServer, root: Path, env: dict[str, str]) -> str:
    """The message open_host refuses with (it must refuse)."""
    with pytest.raises(DeployError) as caught:
        sftp.open_host(target_for(ssh, root), env)
    return str(caught.value)


def host_fingerprint(public_line: str) -> str:
    out = subprocess.run(["ssh-keygen", "-lf", "-"], input=public_line, capture_output=True, text=True, check=True)
    return out.stdout.split()[1]


# --------------------------------------------------------------------------- the Host contract

def test_write_read_delete(server: sshd_server.SshServer, tmp_path: Path) -> None:
    host = open_sftp(server, tmp_path / "www")
    assert host.atomic is True
    assert host.read("index.html") is None
    host.write("berita/a/index.html", b"<p>satu</p>", "text/html", "no-cache")
    host.write("berita/a/index.html", b"<p>dua</p>", "text/html", "no-cache")
    assert host.read("berita/a/index.html") == b"<p>dua</p>"
    assert (tmp_path / "www/berita/a/index.html").read_bytes() == b"<p>dua</p>"
    assert sorted(p.name for p in (tmp_path / "www/berita/a").iterdir()) == ["index.html"]  # no temporary left
    host.delete("berita/a/index.html")
    host.delete("berita/a/index.html")  # already gone: nothing happens
    assert host.read("berita/a/index.html") is None
    host.close()


def test_write_sets_file_and_folder_modes(server: sshd_server.SshServer, tmp_path: Path) -> None:
    host = open_sftp(server, tmp_path / "www")
    host.write("a/b/c.txt", b"x", "text/plain", "")
    host.close()
    modes = {p.relative_to(tmp_path).as_posix(): stat.S_IMODE(p.stat().st_mode)
             for p in [tmp_path / "www/a", tmp_path / "www/a/b", tmp_path / "www/a/b/c.txt"]}
    assert modes == {"www/a": 0o755, "www/a/b": 0o755, "www/a/b/c.txt": 0o644}


def test_create_is_exclusive(server: sshd_server.SshServer, tmp_path: Path) -> None:
    host = open_sftp(server, tmp_path)
    assert host.create(".portal-deploy/lock", b"pemilik-1") is True
    assert host.create(".portal-deploy/lock", b"pemilik-2") is False
    assert host.read(".portal-deploy/lock") == b"pemilik-1"
    assert sorted(p.name for p in (tmp_path / ".portal-deploy").iterdir()) == ["lock"]
    host.delete(".portal-deploy/lock")
    assert host.create(".portal-deploy/lock", b"pemilik-3") is True
    host.close()


def test_create_without_hardlink_extension(server: sshd_server.SshServer, tmp_path: Path) -> None:
    host = open_sftp(server, tmp_path)
    host.can_hardlink = False  # an SFTP server without OpenSSH's extensions: O_EXCL open
    assert host.create("lock", b"satu") is True
    assert host.create("lock", b"dua") is False
    assert host.read("lock") == b"satu"
    host.close()


def test_walk_lists_regular_files(server: sshd_server.SshServer, tmp_path: Path) -> None:
    host = open_sftp(server, tmp_path)
    for path in ["r/b.html", "r/a/x.css", "r/a/y/z.js", "s/other.txt"]:
        host.write(path, b"-", "", "")
    host.switch("r/link", "a")
    assert list(host.walk("r")) == ["r/a/x.css", "r/a/y/z.js", "r/b.html"]
    assert list(host.walk("")) == ["r/a/x.css", "r/a/y/z.js", "r/b.html", "s/other.txt"]
    assert list(host.walk("tidak-ada")) == []
    host.close()


def test_link_is_a_hard_link_and_replaces(server: sshd_server.SshServer, tmp_path: Path) -> None:
    host = open_sftp(server, tmp_path)
    assert host.can_hardlink is True  # internal-sftp advertises hardlink@openssh.com
    host.write("releases/1/a.html", b"lama", "", "")
    host.write("releases/2/a.html", b"sisa deploy yang terhenti", "", "")
    host.link("releases/1/a.html", "releases/2/a.html")
    host.link("releases/1/a.html", "releases/2/sub/b.html")
    assert host.read("releases/2/a.html") == b"lama"
    source = (tmp_path / "releases/1/a.html").stat()
    assert (tmp_path / "releases/2/a.html").stat().st_ino == source.st_ino
    assert (tmp_path / "releases/2/sub/b.html").stat().st_ino == source.st_ino
    host.close()


def test_many_links_and_a_large_remove_tree(server: sshd_server.SshServer, tmp_path: Path) -> None:
    # More requests than the pipeline's window (sftp.WINDOW), across many new folders.
    count = sftp.WINDOW * 2 + 7
    host = open_sftp(server, tmp_path)
    host.write("releases/1/a.html", b"isi", "", "")
    for n in range(count):
        host.link("releases/1/a.html", f"releases/2/d{n % 40}/e{n % 3}/f{n}.html")
    listed = list(host.walk("releases/2"))
    inode = (tmp_path / "releases/1/a.html").stat().st_ino
    files = [p for p in (tmp_path / "releases/2").rglob("*") if p.is_file()]
    assert (len(listed), {p.stat().st_ino for p in files}) == (count, {inode})
    assert {stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "releases/2").rglob("*") if p.is_dir()} == {0o755}
    host.remove_tree("releases/2")
    assert (list(host.walk("releases")), sorted(p.name for p in (tmp_path / "releases").iterdir())) == (
        ["releases/1/a.html"], ["1"])
    host.close()


def test_a_failed_link_is_reported_by_the_next_call(server: sshd_server.SshServer, tmp_path: Path) -> None:
    host = open_sftp(server, tmp_path)
    host.write("releases/1/a.html", b"ada", "", "")
    host.link("releases/1/a.html", "releases/2/a.html")
    host.link("releases/1/hilang.html", "releases/2/b.html")  # pipelined: no answer awaited yet
    with pytest.raises(DeployError) as caught:
        host.read("releases/2/a.html")
    host.close()
    assert str(caught.value) == (
        f"{host.label}: releases/1/hilang.html hilang dari server, padahal rilis baru memakainya untuk "
        "releases/2/b.html. Situs yang tayang tetap utuh; periksa siapa yang mengubah folder releases/ di server, "
        "lalu jalankan `portal deploy` lagi.")
    assert (tmp_path / "releases/2/a.html").read_bytes() == b"ada"


@pytest.mark.parametrize("way", ["copy-data", "read-write"])
def test_link_falls_back_to_a_copy(server: sshd_server.SshServer, tmp_path: Path, way: str) -> None:
    host = open_sftp(server, tmp_path)
    host.can_hardlink = False
    host.can_copy_data = way == "copy-data"
    host.write("releases/1/a.html", b"isi halaman", "", "")
    host.write("releases/2/a.html", b"sisa", "", "")
    host.link("releases/1/a.html", "releases/2/a.html")
    host.link("releases/1/a.html", "releases/2/b.html")
    copy = tmp_path / "releases/2/b.html"
    assert (copy.read_bytes(), stat.S_IMODE(copy.stat().st_mode)) == (b"isi halaman", 0o644)
    assert host.read("releases/2/a.html") == b"isi halaman"
    assert copy.stat().st_ino != (tmp_path / "releases/1/a.html").stat().st_ino
    host.close()


def test_switch_readlink_remove_tree(server: sshd_server.SshServer, tmp_path: Path) -> None:
    host = open_sftp(server, tmp_path)
    assert host.readlink("current") is None
    host.write("releases/1/index.html", b"satu", "", "")
    host.write("releases/2/index.html", b"dua", "", "")
    host.switch("current", "releases/1")
    assert (host.readlink("current"), (tmp_path / "current/index.html").read_bytes()) == ("releases/1", b"satu")
    host.switch("current", "releases/2")
    assert (host.readlink("current"), (tmp_path / "current/index.html").read_bytes()) == ("releases/2", b"dua")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["current", "releases"]
    assert host.readlink("releases/1/index.html") is None  # a file, not a symlink
    host.remove_tree("releases/1")
    host.remove_tree("releases/1")  # already gone: nothing happens
    assert sorted(p.name for p in (tmp_path / "releases").iterdir()) == ["2"]
    host.close()


def test_paths_stay_under_the_root(server: sshd_server.SshServer, tmp_path: Path) -> None:
    host = open_sftp(server, tmp_path)
    with pytest.raises(ValueError):
        host.write("../luar.html", b"x", "", "")
    with pytest.raises(ValueError):
        host.read("/etc/passwd")
    host.close()


# --------------------------------------------------------------------------- connecting

def test_key_from_file(server: sshd_server.SshServer, tmp_path: Path) -> None:
    env = {"DEPLOY_SSH_KEY_FILE": str(server.user_key), "DEPLOY_KNOWN_HOSTS": server.known_hosts()}
    host = sftp.open_host(target_for(server, tmp_path), env)
    host.write("a.txt", b"ok", "", "")
    host.close()
    assert (tmp_path / "a.txt").read_bytes() == b"ok"


def test_unknown_host_key_refused(server: sshd_server.SshServer, tmp_path: Path) -> None:
    other = sshd_server.keygen(tmp_path / "lain")
    message = refusal(server, tmp_path, server.env(DEPLOY_KNOWN_HOSTS=f"web.contoh.go.id {' '.join(other.split()[:2])}\n"))
    port = server.port
    assert message == (
        f"Kunci host [127.0.0.1]:{port} tidak ada di DEPLOY_KNOWN_HOSTS (server mengirim ssh-ed25519 "
        f"{host_fingerprint(server.host_pub)}). Pastikan sidik jari itu milik server Anda, lalu tambahkan "
        f"keluaran `ssh-keyscan -p {port} 127.0.0.1` ke DEPLOY_KNOWN_HOSTS.")


def test_changed_host_key_refused(own_server: sshd_server.SshServer, tmp_path: Path) -> None:
    recorded = own_server.known_hosts()
    before = host_fingerprint(own_server.host_pub)
    own_server.rotate_host_key()
    message = refusal(own_server, tmp_path, own_server.env(DEPLOY_KNOWN_HOSTS=recorded))
    assert message == (
        f"Kunci host [127.0.0.1]:{own_server.port} BERUBAH: server mengirim ssh-ed25519 "
        f"{host_fingerprint(own_server.host_pub)}, DEPLOY_KNOWN_HOSTS mencatat {before}. Deploy dihentikan (bisa "
        "jadi server lain menyamar). Jika server memang dipasang ulang, periksa sidik jarinya di server lalu "
        "perbarui DEPLOY_KNOWN_HOSTS.")
    assert list(tmp_path.iterdir()) == []


def test_missing_known_hosts(server: sshd_server.SshServer, tmp_path: Path) -> None:
    message = refusal(server, tmp_path, {"DEPLOY_SSH_KEY": server.user_key_text()})
    assert message == (
        "DEPLOY_KNOWN_HOSTS kosong: kunci host 127.0.0.1 tidak bisa diperiksa. Isi dengan keluaran "
        f"`ssh-keyscan -p {server.port} 127.0.0.1` (bandingkan sidik jarinya dengan yang di server).")


def test_wrong_password(server: sshd_server.SshServer, tmp_path: Path) -> None:
    env = {"DEPLOY_PASSWORD": SENTINEL, "DEPLOY_KNOWN_HOSTS": server.known_hosts()}
    message = refusal(server, tmp_path, env)
    assert message == (
        f"Server 127.0.0.1:{server.port} menolak login pengguna {server.user}: periksa DEPLOY_PASSWORD, atau "
        "pakai kunci SSH (DEPLOY_SSH_KEY): banyak server menolak login dengan kata sandi.")


def test_unauthorised_key(server: sshd_server.SshServer, tmp_path: Path) -> None:
    sshd_server.keygen(tmp_path / "asing", "rsa")
    env = {"DEPLOY_SSH_KEY": (tmp_path / "asing").read_text(), "DEPLOY_KNOWN_HOSTS": server.known_hosts()}
    message = refusal(server, tmp_path / "www", env)
    assert message == (
        f"Server 127.0.0.1:{server.port} menolak login pengguna {server.user}: periksa "
        "DEPLOY_SSH_KEY/DEPLOY_SSH_KEY_FILE dan bahwa kunci publiknya ada di ~/.ssh/authorized_keys pengguna itu "
        "di server.")


def test_key_text_not_a_key(server: sshd_server.SshServer, tmp_path: Path) -> None:
    message = refusal(server, tmp_path, server.env(DEPLOY_SSH_KEY=SENTINEL))
    assert message == ("DEPLOY_SSH_KEY tidak berisi kunci privat SSH yang dikenal (Ed25519, ECDSA atau RSA): "
                       "salin seluruh isi berkas kunci privat, termasuk baris BEGIN dan END.")


def test_no_credentials(server: sshd_server.SshServer, tmp_path: Path) -> None:
    message = refusal(server, tmp_path, {"DEPLOY_KNOWN_HOSTS": server.known_hosts()})
    assert message == ("Tidak ada kredensial SFTP: isi DEPLOY_SSH_KEY (teks kunci privat), DEPLOY_SSH_KEY_FILE "
                       "(jalur berkas kunci) atau DEPLOY_PASSWORD.")


def test_nobody_listening(tmp_path: Path) -> None:
    port = sshd_server.free_port()
    key = sshd_server.keygen(tmp_path / "kunci-host").split()
    target = FakeTarget("deploy", "127.0.0.1", port, "/srv", f"sftp://deploy@127.0.0.1:{port}/srv")
    env = {"DEPLOY_PASSWORD": "x", "DEPLOY_KNOWN_HOSTS": f"[127.0.0.1]:{port} {key[0]} {key[1]}\n"}
    with pytest.raises(DeployError) as caught:
        sftp.open_host(target, env)
    assert str(caught.value) == (
        f"Tidak bisa terhubung ke 127.0.0.1:{port} (koneksi ditolak): periksa nama host, port dan bahwa "
        "layanan SSH berjalan, lalu coba lagi.")


def test_known_hosts_garbage(server: sshd_server.SshServer, tmp_path: Path) -> None:
    message = refusal(server, tmp_path, server.env(DEPLOY_KNOWN_HOSTS="# komentar\nbukan baris known_hosts\n"))
    assert message == ("DEPLOY_KNOWN_HOSTS baris 2 bukan baris known_hosts: salin baris dari "
                       "`ssh-keyscan -p PORT HOST` apa adanya.")


# --------------------------------------------------------------------------- faults

def test_permission_denied(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> None:
    _need_sshd()
    readonly = sshd_server.SshServer(tmp_path_factory.mktemp("sshd-ro"), sftp_flags="-R").start()
    try:
        host = open_sftp(readonly, tmp_path)
        with pytest.raises(DeployError) as caught:
            host.write("index.html", b"x", "text/html", "")
        host.close()
    finally:
        readonly.stop()
    assert str(caught.value) == (
        f"Izin ditolak di sftp://{readonly.user}@127.0.0.1:{readonly.port}{tmp_path} saat menulis index.html: "
        f"pastikan pengguna SSH boleh menulis ke {tmp_path} (pemiliknya, atau chmod u+w).")


def test_disk_full(server: sshd_server.SshServer, tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("a small tmpfs cannot be mounted here (needs root in a privileged container)")
    try:
        host = open_sftp(server, disk)
        with pytest.raises(DeployError) as caught:
            host.write("besar.bin", b"\0" * (1024 * 1024), "application/octet-stream", "")
        host.close()
        leftovers = sorted(p.name for p in disk.iterdir())
    finally:
        subprocess.run(["umount", str(disk)], check=True)
    assert str(caught.value) == (
        f"Disk di 127.0.0.1 penuh saat menulis besar.bin: kosongkan ruang di {disk} (atau kurangi --keep), "
        "lalu jalankan `portal deploy` lagi. Situs yang tayang tetap utuh.")
    assert leftovers == []


def test_connection_dropped(own_server: sshd_server.SshServer, tmp_path: Path) -> None:
    host = open_sftp(own_server, tmp_path)
    host.write("a.html", b"satu", "", "")
    own_server.kill_sessions()
    with pytest.raises(DeployError) as caught:
        host.write("b.html", b"dua", "", "")
    host.close()
    assert str(caught.value) == (
        "Koneksi ke 127.0.0.1 terputus saat menulis b.html. Situs yang tayang tetap utuh; jalankan "
        "`portal deploy` lagi (berkas yang sudah terunggah tidak dikirim ulang).")


# --------------------------------------------------------------------------- deploys (run.deploy and the CLI)
# The sample content built three times (deploy_support.sample_sites); the
# server's folder is read back over SFTP, page by page.

def deploy_env(ssh: sshd_server.SshServer) -> dict[str, str]:
    """Key auth, plus a sentinel password that must never be used nor printed."""
    return ssh.env(DEPLOY_PASSWORD=SENTINEL)


def secrets_of(ssh: sshd_server.SshServer) -> list[str]:
    """What must never appear in any output: the password and each line of the private key's body."""
    body = [line for line in ssh.user_key_text().splitlines() if line and not line.startswith("-----")]
    return [SENTINEL, *body]


def assert_no_secret(ssh: sshd_server.SshServer, output: str) -> None:
    assert [s for s in secrets_of(ssh) if s in output] == []
    assert "Traceback" not in output


def test_first_deploy_then_only_the_changed_item(server: sshd_server.SshServer, sample_sites: SampleSites,
                                                 tmp_path: Path) -> None:
    root = tmp_path / "www"
    target = run.parse_target(server.url(root))
    first = run.deploy(sample_sites.old, target, deploy_env(server))
    files = sorted(p for p in site_files(sample_sites.old) if p != "build.json")
    assert (sorted(first.uploaded), first.unchanged, first.deleted) == (files, 0, [])
    assert os.readlink(root / "current") == f"releases/{first.build}"

    second = run.deploy(sample_sites.new, target, deploy_env(server))
    changed = [p for p in sample_sites.changed if p != "build.json"]
    assert changed  # the item's page, and the lists and feeds that show its text
    assert (sorted(second.uploaded), second.unchanged) == (changed, len(files) - len(changed))
    assert second.line().startswith(f"diunggah {len(changed)}, tidak berubah {len(files) - len(changed)}, dihapus ")
    host = run.open_host(target, deploy_env(server))
    assert assert_serves(host, sample_sites.new)["build"] == second.build
    assert broken_references(host) == []
    host.close()
    # Unchanged files were hard-linked on the server, not uploaded again.
    old_release, new_release = root / "releases" / first.build, root / "releases" / second.build
    unchanged = sorted(set(files) - set(changed))
    assert [p for p in unchanged if (old_release / p).stat().st_ino != (new_release / p).stat().st_ino] == []
    modes = {stat.S_IMODE(p.stat().st_mode) for p in new_release.rglob("*") if p.is_file()}
    folders = {stat.S_IMODE(p.stat().st_mode) for p in new_release.rglob("*") if p.is_dir()}
    assert (modes, folders) == ({0o644}, {0o755})


def test_sigkill_halfway_keeps_the_old_site_and_a_rerun_converges(
        server: sshd_server.SshServer, sample_sites: SampleSites, tmp_path: Path) -> None:
    root = tmp_path / "www"
    url = server.url(root)
    target = run.parse_target(url)
    old = run.deploy(sample_sites.old, target, deploy_env(server))
    # "renamed": every page differs; killed after 40 uploads into the new release.
    proc = deploy_paused(sample_sites.project, url, sample_sites.renamed, deploy_env(server), 40)
    output = kill_deploy(proc)
    assert_no_secret(server, output)
    assert len(list((root / "releases").iterdir())) == 2  # the half-made release is there, not live

    host = run.open_host(target, deploy_env(server))
    assert assert_serves(host, sample_sites.old)["build"] == old.build
    assert broken_references(host) == []
    host.close()

    # The killed deploy's lock names a process that is gone: the re-run takes it over and converges.
    again = run_deploy(sample_sites.project, deploy_env(server), "deploy", url, "--site-dir",
                       str(sample_sites.renamed))
    assert again.returncode == 0, again.stderr
    assert again.stderr.startswith("Kunci deploy lama (")
    assert again.stdout.splitlines()[-1].startswith("diunggah ")
    assert_no_secret(server, again.stdout + again.stderr)
    host = run.open_host(target, deploy_env(server))
    assert assert_serves(host, sample_sites.renamed)["build"] != old.build
    assert broken_references(host) == []
    assert host.read(".portal-deploy/lock") is None
    host.close()


def test_two_deploys_at_once(server: sshd_server.SshServer, sample_sites: SampleSites, tmp_path: Path) -> None:
    root = tmp_path / "www"
    url = server.url(root)
    target = run.parse_target(url)
    first = deploy_paused(sample_sites.project, url, sample_sites.old, deploy_env(server), 10)
    try:
        with pytest.raises(DeployError) as caught:
            run.deploy(sample_sites.new, target, deploy_env(server))
    finally:
        kill_deploy(first)
    message = str(caught.value)
    assert message.startswith("deploy lain sedang berjalan sejak ")
    assert message.endswith(f" di {target.label}; tunggu hingga selesai lalu ulangi, atau pakai --wait DETIK. "
                            "Kunci yang lebih tua dari 30 menit diambil alih otomatis.")
    assert not (root / "current").exists()  # neither went live


def test_rollback_and_roll_forward(server: sshd_server.SshServer, sample_sites: SampleSites,
                                   tmp_path: Path) -> None:
    root = tmp_path / "www"
    url = server.url(root)
    target = run.parse_target(url)
    one = run.deploy(sample_sites.old, target, deploy_env(server))
    two = run.deploy(sample_sites.new, target, deploy_env(server))

    back = run_deploy(sample_sites.project, deploy_env(server), "rollback", url)
    assert (back.returncode, back.stdout) == (0, f"Rilis {one.build} kini tayang di {target.label}.\n")
    assert_no_secret(server, back.stdout + back.stderr)
    host = run.open_host(target, deploy_env(server))
    assert assert_serves(host, sample_sites.old)["build"] == one.build
    assert os.readlink(root / "current") == f"releases/{one.build}"

    assert run.rollback(target, deploy_env(server), to=two.build) == two.build
    assert assert_serves(host, sample_sites.new)["build"] == two.build
    assert broken_references(host) == []
    host.close()


def test_cli_deploy_prints_the_summary_and_no_secret(server: sshd_server.SshServer, sample_sites: SampleSites,
                                                     tmp_path: Path) -> None:
    url = server.url(tmp_path / "www")
    done = run_deploy(sample_sites.project, deploy_env(server), "deploy", url, "--site-dir", str(sample_sites.old))
    assert done.returncode == 0, done.stderr
    label = run.parse_target(url).label
    first, last = done.stdout.splitlines()
    assert first.startswith("Build ") and first.endswith(f" tayang di {label}.")
    files = sorted(p for p in site_files(sample_sites.old) if p != "build.json")
    assert last.startswith(f"diunggah {len(files)}, tidak berubah 0, dihapus 0, ")
    assert_no_secret(server, done.stdout + done.stderr)


def test_cli_wrong_password(server: sshd_server.SshServer, sample_sites: SampleSites, tmp_path: Path) -> None:
    env = {"DEPLOY_PASSWORD": SENTINEL, "DEPLOY_KNOWN_HOSTS": server.known_hosts(), "DEPLOY_SSH_KEY": "",
           "DEPLOY_SSH_KEY_FILE": ""}
    done = run_deploy(sample_sites.project, env, "deploy", server.url(tmp_path / "www"), "--site-dir",
                      str(sample_sites.old))
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        f"Galat: Server 127.0.0.1:{server.port} menolak login pengguna {server.user}: periksa DEPLOY_PASSWORD, "
        "atau pakai kunci SSH (DEPLOY_SSH_KEY): banyak server menolak login dengan kata sandi.\n")
    assert not (tmp_path / "www").exists()


def test_cli_changed_host_key_refused(own_server: sshd_server.SshServer, sample_sites: SampleSites,
                                      tmp_path: Path) -> None:
    url = own_server.url(tmp_path / "www")
    assert run_deploy(sample_sites.project, deploy_env(own_server), "deploy", url, "--site-dir",
                      str(sample_sites.old)).returncode == 0
    recorded = own_server.known_hosts()
    own_server.rotate_host_key()
    env = {**deploy_env(own_server), "DEPLOY_KNOWN_HOSTS": recorded}
    done = run_deploy(sample_sites.project, env, "deploy", url, "--site-dir", str(sample_sites.new))
    assert done.returncode == 1
    assert done.stderr.startswith(f"Galat: Kunci host [127.0.0.1]:{own_server.port} BERUBAH: server mengirim "
                                  f"ssh-ed25519 {host_fingerprint(own_server.host_pub)}, DEPLOY_KNOWN_HOSTS mencatat ")
    assert_no_secret(own_server, done.stdout + done.stderr)
    assert len(list((tmp_path / "www" / "releases").iterdir())) == 1  # nothing was sent


# A deploy that stops after its N-th site upload until told to go on (a line on stdin).
_HELD = r"""
import sys
import pipeline.deploy.run as run
after, opened = int(sys.argv[1]), run.open_host
def open_host(target, env):
    host = opened(target, env)
    write, count = host.write, [0]
    def held(path, data, content_type="", cache_control=""):
        write(path, data, content_type, cache_control)
        if not path.startswith(".portal-deploy/"):
            count[0] += 1
            if count[0] == after:
                print("HELD", flush=True)
                sys.stdin.readline()
    host.write = held
    return host
run.open_host = open_host
from pipeline.cli import main
sys.exit(main(sys.argv[2:]))
"""


def test_cli_connection_dropped_mid_deploy(own_server: sshd_server.SshServer, sample_sites: SampleSites,
                                           tmp_path: Path) -> None:
    root = tmp_path / "www"
    url = own_server.url(root)
    assert run_deploy(sample_sites.project, deploy_env(own_server), "deploy", url, "--site-dir",
                      str(sample_sites.old)).returncode == 0
    env = {**os.environ, **deploy_env(own_server), "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.Popen([sys.executable, "-c", _HELD, "20", "deploy", url, "--site-dir",
                             str(sample_sites.renamed)], cwd=sample_sites.project, env=env, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline() == "HELD\n"
    own_server.kill_sessions()  # the server side of the connection dies mid-deploy
    out, err = proc.communicate("lanjut\n", timeout=120)
    assert proc.returncode == 1
    # (which call notices first depends on run.py: the upload, or the lock release after it)
    assert err.startswith("Galat: Koneksi ke 127.0.0.1 terputus saat "), err
    assert err.endswith("Situs yang tayang tetap utuh; jalankan `portal deploy` lagi (berkas yang sudah "
                        "terunggah tidak dikirim ulang).\n")
    assert_no_secret(own_server, out + err)

    host = run.open_host(run.parse_target(url), deploy_env(own_server))
    assert_serves(host, sample_sites.old)
    assert broken_references(host) == []
    host.close()
    # The lock of the dropped deploy names a process that is gone: the re-run converges.
    again = run_deploy(sample_sites.project, deploy_env(own_server), "deploy", url, "--site-dir",
                       str(sample_sites.renamed))
    assert again.returncode == 0, again.stderr
    host = run.open_host(run.parse_target(url), deploy_env(own_server))
    assert_serves(host, sample_sites.renamed)
    host.close()
