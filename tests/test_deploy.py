"""``portal deploy`` / ``portal rollback`` on a local folder (an atomic host), and the procedure in place.

The scenarios (sample sites, reading a deployed site back, a deploy killed
halfway) live in deploy_support.py, shared with the SFTP, FTPS and S3 tests.
The in-place procedure (FTPS, S3) is exercised here too, over a local folder
that declares itself non-atomic, so its order and rollback are checked
without a server.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import stat
import threading
from pathlib import Path

import pytest

pytest.register_assert_rewrite("deploy_support")
from deploy_support import (  # noqa: E402 - after register_assert_rewrite
    assert_serves,
    broken_references,
    deploy_paused,
    foreign_lock,
    history,
    kill_deploy,
    live_build,
    run_deploy,
    site_files,
)

from pipeline.deploy import manifest as mf  # noqa: E402
from pipeline.deploy.hosts import DeployError  # noqa: E402
from pipeline.deploy.local import LocalHost  # noqa: E402
from pipeline.deploy.run import Summary, Target, deploy, parse_target, rollback  # noqa: E402
from pipeline.errors import UsageError  # noqa: E402

pytest_plugins = ["deploy_support"]  # the session fixture sample_sites

LINE = re.compile(r"^diunggah (\d+), tidak berubah (\d+), dihapus (\d+), \d+,\d MB, \d+,\d detik$")


def local(path: Path) -> Target:
    return parse_target(str(path))


def release_count(www: Path) -> int:
    return len(list((www / "releases").iterdir()))


# --------------------------------------------------------------------------- targets and manifest

@pytest.mark.parametrize(("text", "expected"), [
    ("sftp://deploy@web.contoh.go.id/var/www/dprd",
     Target("sftp", "deploy", "web.contoh.go.id", 22, "/var/www/dprd", "sftp://deploy@web.contoh.go.id:22/var/www/dprd")),
    ("ftps://dprd@ftp.contoh.go.id:2121/public_html",
     Target("ftps", "dprd", "ftp.contoh.go.id", 2121, "/public_html", "ftps://dprd@ftp.contoh.go.id:2121/public_html")),
    ("s3://situs-dprd/portal/", Target("s3", "", "situs-dprd", None, "portal", "s3://situs-dprd/portal")),
    ("s3://situs-dprd", Target("s3", "", "situs-dprd", None, "", "s3://situs-dprd")),
    ("file:///var/www/dprd", Target("local", "", "", None, "/var/www/dprd", "/var/www/dprd")),
    ("/var/www/dprd", Target("local", "", "", None, "/var/www/dprd", "/var/www/dprd")),
])
def test_parse_target(text, expected):
    assert parse_target(text) == expected


def test_parse_target_plain_ftp_only_when_insecure():
    with pytest.raises(UsageError) as caught:
        parse_target("ftp://dprd@ftp.contoh.go.id/public_html")
    assert str(caught.value) == ("TARGET ftp://dprd@ftp.contoh.go.id/public_html: FTP tanpa TLS mengirim kata sandi "
                                 "terbuka; pakai ftps://, atau --insecure bila server benar-benar tidak mendukung TLS.")
    assert parse_target("ftp://dprd@ftp.contoh.go.id/public_html", insecure=True).label == \
        "ftp://dprd@ftp.contoh.go.id:21/public_html"


def test_parse_target_refuses_a_password_and_never_repeats_it():
    with pytest.raises(UsageError) as caught:
        parse_target("sftp://deploy:rahasia-SENTINEL@web.contoh.go.id/var/www")
    assert "rahasia-SENTINEL" not in str(caught.value)
    assert str(caught.value) == ("TARGET tidak boleh memuat kata sandi; berikan lewat variabel lingkungan "
                                 "DEPLOY_PASSWORD (secret di GitHub).")


def test_order_puts_what_pages_need_first_and_build_json_last():
    paths = ["build.json", "sitemap.xml.gz", "index.html", "feed.xml", "assets/portal.css", "sitemap.xml",
             "berita/2026/a/foto/01-a-w1600.webp", "feed.json", "berita/2026/a/index.html"]
    assert mf.order(paths) == ["assets/portal.css", "berita/2026/a/foto/01-a-w1600.webp", "berita/2026/a/index.html",
                               "index.html", "feed.json", "feed.xml", "sitemap.xml", "sitemap.xml.gz", "build.json"]


@pytest.mark.parametrize(("path", "content_type", "cache"), [
    ("index.html", "text/html; charset=utf-8", "public, max-age=300"),
    ("feed.xml", "application/xml", "public, max-age=300"),
    ("build.json", "application/json", "public, max-age=300"),
    ("sitemap.xml.gz", "application/gzip", "public, max-age=300"),
    ("assets/portal.css", "text/css; charset=utf-8", "public, max-age=86400"),
    ("berita/2026/a/foto/01-a-thumb.webp", "image/webp", "public, max-age=86400"),
    ("berita/2026/a/foto/01-a-og.jpg", "image/jpeg", "public, max-age=86400"),
])
def test_headers(path, content_type, cache):
    assert (mf.content_type(path), mf.cache_control(path)) == (content_type, cache)


def test_plan_and_photo_variants():
    old = {"a.html": ("1", 1), "b.css": ("2", 2), "gone.html": ("3", 3)}
    new = {"a.html": ("1", 1), "b.css": ("9", 2), "c/foto/x-w1600.webp": ("4", 4)}
    plan = mf.plan(new, old)
    assert (plan.upload, plan.unchanged, plan.removed) == (["b.css", "c/foto/x-w1600.webp"], ["a.html"], ["gone.html"])
    assert mf.is_photo_variant("c/foto/x-w1600.webp") and not mf.is_photo_variant("assets/images/favicon.png")


def test_scan_refuses_symlinks(tmp_path):
    (tmp_path / "index.html").write_text("<p>x</p>")
    (tmp_path / "bocor").symlink_to("/etc/passwd")
    with pytest.raises(DeployError) as caught:
        mf.scan(tmp_path)
    assert str(caught.value) == (f"{tmp_path}/bocor adalah symlink; situs hasil build tidak boleh berisi symlink. "
                                 "Hapus lalu jalankan `portal build` lagi.")


def test_summary_line():
    summary = Summary("b", ["a.html", "b.css"], unchanged=428, deleted=["c.html"], bytes=1_234_567, seconds=1.25)
    assert summary.line() == "diunggah 2, tidak berubah 428, dihapus 1, 1,2 MB, 1,2 detik"


# --------------------------------------------------------------------------- local host, atomic

def test_first_deploy(sample_sites, tmp_path):
    www = tmp_path / "www"
    done = run_deploy(sample_sites.project, {}, "deploy", str(www), "--site-dir", str(sample_sites.old))
    assert done.returncode == 0, done.stderr
    total = len(site_files(sample_sites.old))
    first, last = done.stdout.splitlines()[-2:]
    assert re.fullmatch(r"Build \d{8}T\d{6}Z-[0-9a-f]{8} tayang di " + re.escape(str(www)) + r"\.", first)
    assert LINE.match(last).groups() == (str(total), "0", "0")
    host = LocalHost(www)
    record = assert_serves(host, sample_sites.old)
    assert broken_references(host) == []
    assert os.readlink(www / "current") == f"releases/{record['build']}"
    assert live_build(host) == record["build"] and history(host) == [record["build"]]
    modes = {stat.S_IMODE(p.stat().st_mode) for p in (www / "releases").rglob("*") if not p.is_symlink()}
    assert modes == {0o644, 0o755}


def test_second_deploy_uploads_only_the_changed_item(sample_sites, tmp_path):
    www = tmp_path / "www"
    deploy(sample_sites.old, local(www), {})
    summary = deploy(sample_sites.new, local(www), {})
    total = len(site_files(sample_sites.new))
    assert sample_sites.changed == ["berita/2026/bimtek-pelayanan-informasi-publik/index.html",
                                    "search/search_index.json"]
    assert (sorted(summary.uploaded), summary.unchanged, summary.deleted) == (sample_sites.changed, total - 2, [])
    host = LocalHost(www)
    assert_serves(host, sample_sites.new)
    first, second = history(host)
    same = "assets/portal.css"  # unchanged files are hard links into the previous release, not copies
    assert (www / "releases" / first / same).stat().st_ino == (www / "releases" / second / same).stat().st_ino


def test_no_change_redeploy_uploads_nothing(sample_sites, tmp_path):
    www = tmp_path / "www"
    deploy(sample_sites.old, local(www), {})
    summary = deploy(sample_sites.old, local(www), {})
    assert (summary.uploaded, summary.unchanged) == ([], len(site_files(sample_sites.old)))
    assert len(set(history(LocalHost(www)))) == 2  # same second, same site: still two releases


def test_dry_run_changes_nothing(sample_sites, tmp_path):
    www = tmp_path / "www"
    deploy(sample_sites.old, local(www), {})
    before = sorted((p, p.stat().st_mtime_ns) for p in www.rglob("*"))
    done = run_deploy(sample_sites.project, {}, "deploy", str(www), "--site-dir", str(sample_sites.new), "--dry-run")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[:2] == [f"akan diunggah: {p}" for p in mf.order(sample_sites.changed)]
    last = done.stdout.splitlines()[-1]
    assert last.startswith(f"Uji coba (--dry-run), tidak ada yang diubah di {www}: diunggah 2, tidak berubah ")
    assert sorted((p, p.stat().st_mtime_ns) for p in www.rglob("*")) == before


def test_killed_halfway_keeps_the_old_site_and_a_rerun_converges(sample_sites, tmp_path):
    www = tmp_path / "www"
    deploy(sample_sites.old, local(www), {})
    changed = len([p for p in site_files(sample_sites.renamed) if p.endswith(".html")])
    proc = deploy_paused(sample_sites.project, str(www), sample_sites.renamed, {}, after=changed // 2)
    kill_deploy(proc)
    host = LocalHost(www)
    assert_serves(host, sample_sites.old)  # every page: still the old version
    assert broken_references(host) == []
    done = run_deploy(sample_sites.project, {}, "deploy", str(www), "--site-dir", str(sample_sites.renamed))
    assert done.returncode == 0, done.stderr
    assert re.fullmatch(r"Kunci deploy lama \(\S+@\S+, sejak \S+\) ditinggalkan deploy yang sudah berhenti; "
                        r"kunci diambil alih\.\n", done.stderr)
    assert_serves(host, sample_sites.renamed)
    assert broken_references(host) == []


def test_two_deploys_at_once(sample_sites, tmp_path):
    www = tmp_path / "www"
    deploy(sample_sites.old, local(www), {})
    first = deploy_paused(sample_sites.project, str(www), sample_sites.new, {}, after=1)
    try:
        lock = json.loads((www / ".portal-deploy" / "lock").read_text())
        done = run_deploy(sample_sites.project, {}, "deploy", str(www), "--site-dir", str(sample_sites.new))
    finally:
        kill_deploy(first)
    assert done.returncode == 1
    assert done.stderr == (f"Galat: deploy lain sedang berjalan sejak {lock['time']} ({lock['owner']}, pid "
                           f"{lock['pid']}) di {www}; tunggu hingga selesai lalu ulangi, atau pakai --wait DETIK. "
                           "Kunci yang lebih tua dari 30 menit diambil alih otomatis.\n")
    assert_serves(LocalHost(www), sample_sites.old)


def test_a_lock_held_elsewhere_is_waited_for_then_refused(sample_sites, tmp_path):
    www = tmp_path / "www"
    deploy(sample_sites.old, local(www), {})
    lock = foreign_lock(LocalHost(www))
    with pytest.raises(DeployError) as caught:
        deploy(sample_sites.new, local(www), {}, wait=1.5)
    assert str(caught.value).startswith(f"deploy lain sedang berjalan sejak {lock['time']} (deploy@mesin-lain, "
                                        "pid 4242)")


def test_a_stale_lock_is_taken_over(sample_sites, tmp_path):
    www = tmp_path / "www"
    deploy(sample_sites.old, local(www), {})
    lock = foreign_lock(LocalHost(www), age=31 * 60)
    summary = deploy(sample_sites.new, local(www), {})
    assert summary.notes == [f"Kunci deploy lama (deploy@mesin-lain, sejak {lock['time']}) ditinggalkan deploy "
                             "yang sudah berhenti; kunci diambil alih."]
    assert not (www / ".portal-deploy" / "lock").exists()


def test_rollback_and_roll_forward(sample_sites, tmp_path):
    www = tmp_path / "www"
    old = deploy(sample_sites.old, local(www), {}).build
    new = deploy(sample_sites.new, local(www), {}).build
    host = LocalHost(www)
    done = run_deploy(sample_sites.project, {}, "rollback", str(www))
    assert (done.returncode, done.stdout) == (0, f"Rilis {old} kini tayang di {www}.\n")
    assert assert_serves(host, sample_sites.old)["build"] == old and live_build(host) == old
    with pytest.raises(DeployError) as caught:
        rollback(local(www), {})
    assert str(caught.value) == (f"Tidak ada rilis sebelum rilis yang tayang di {www}; tidak ada yang bisa "
                                 "dikembalikan.")
    assert rollback(local(www), {}, to=new) == new
    assert assert_serves(host, sample_sites.new)["build"] == new and live_build(host) == new
    with pytest.raises(DeployError) as caught:
        rollback(local(www), {}, to="20200101T000000Z-00000000")
    assert str(caught.value) == (f"Rilis 20200101T000000Z-00000000 tidak ada di {www}; rilis yang tersedia: "
                                 f"{old}, {new}.")


def test_keep_prunes_old_releases_but_never_live_or_previous(sample_sites, tmp_path):
    www = tmp_path / "www"
    builds = [deploy(site, local(www), {}, keep=2).build
              for site in (sample_sites.old, sample_sites.new, sample_sites.old, sample_sites.new)]
    assert sorted(p.name for p in (www / "releases").iterdir()) == sorted(builds[2:])
    assert history(LocalHost(www)) == builds[2:]
    rollback(local(www), {})
    deploy(sample_sites.renamed, local(www), {}, keep=2)
    assert release_count(www) == 2


def test_cli_usage_errors(sample_sites, tmp_path):
    done = run_deploy(sample_sites.project, {}, "deploy", "ftp://dprd@127.0.0.1/x")
    assert done.returncode == 2
    assert done.stderr.endswith("Galat penggunaan: TARGET ftp://dprd@127.0.0.1/x: FTP tanpa TLS mengirim kata "
                                "sandi terbuka; pakai ftps://, atau --insecure bila server benar-benar tidak "
                                "mendukung TLS.\n")
    done = run_deploy(sample_sites.project, {}, "deploy", str(tmp_path / "www"), "--site-dir", str(tmp_path / "x"))
    assert (done.returncode, done.stderr) == (1, f"Galat: Folder situs {tmp_path / 'x'} tidak ada: jalankan "
                                                 "`portal build` lebih dulu.\n")


# --------------------------------------------------------------------------- verify over HTTP

@pytest.fixture
def http_root(tmp_path):
    """A web server on 127.0.0.1 whose document root is ``tmp_path/docroot`` (a symlink we point around)."""
    root = tmp_path / "docroot"
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_verify_url_passes_and_a_wrong_site_rolls_back(sample_sites, tmp_path, http_root):
    root, url = http_root
    www = tmp_path / "www"
    old = deploy(sample_sites.old, local(www), {}).build
    root.symlink_to(www / "current")
    assert sorted(deploy(sample_sites.new, local(www), {}, verify_url=url).uploaded) == sample_sites.changed
    root.unlink()
    root.symlink_to(www / "releases" / old)  # a server still serving a fixed release: never shows the new build
    with pytest.raises(DeployError) as caught:
        deploy(sample_sites.renamed, local(www), {}, verify_url=url)
    previous = history(LocalHost(www))[-2]
    assert re.fullmatch(re.escape(f"{url}/build.json menunjukkan '{old}', bukan build ") + r"\S+" + re.escape(
        f": situs dikembalikan ke rilis {previous}. Periksa apakah document root server menunjuk ke folder current."),
        str(caught.value))
    assert assert_serves(LocalHost(www), sample_sites.new)["build"] == previous


# --------------------------------------------------------------------------- the in-place procedure

class InPlaceFolder(LocalHost):
    """A local folder deployed like FTPS/S3: no releases, no symlink; optionally dies after N site writes."""

    atomic = False

    def __init__(self, root: Path, die_after: int | None = None) -> None:
        super().__init__(root)
        self.die_after, self.writes = die_after, 0

    def write(self, path, data, content_type="", cache_control=""):
        super().write(path, data, content_type, cache_control)
        if not path.startswith(".portal-deploy/"):
            self.writes += 1
            if self.writes == self.die_after:
                raise DeployError("sambungan terputus (uji)")


@pytest.fixture
def in_place(monkeypatch, tmp_path):
    """deploy()/rollback() onto an InPlaceFolder at tmp_path/www; set ``.die_after`` to crash one deploy."""
    state = {"die_after": None}

    def opener(target, env):
        host = InPlaceFolder(Path(target.path), state.pop("die_after", None))
        return host

    monkeypatch.setattr("pipeline.deploy.run.open_host", opener)
    return tmp_path / "www", state


def test_in_place_deploys_incrementally_and_rolls_back(sample_sites, in_place):
    www, _ = in_place
    first = deploy(sample_sites.old, local(www), {}, keep=2)
    host = InPlaceFolder(www)
    assert_serves(host, sample_sites.old, "")
    second = deploy(sample_sites.new, local(www), {}, keep=2)
    assert sorted(second.uploaded) == sample_sites.changed
    assert_serves(host, sample_sites.new, "")
    assert rollback(local(www), {}) == first.build
    assert assert_serves(host, sample_sites.old, "")["build"] == first.build
    assert broken_references(host, "") == []
    assert rollback(local(www), {}, to=second.build) == second.build
    assert_serves(host, sample_sites.new, "")


def test_in_place_crash_leaves_no_page_pointing_to_a_missing_file(sample_sites, in_place):
    www, state = in_place
    deploy(sample_sites.old, local(www), {})
    before, after = site_files(sample_sites.old), site_files(sample_sites.renamed)
    state["die_after"] = len([p for p in after if before.get(p) != after[p]]) // 2
    with pytest.raises(DeployError):
        deploy(sample_sites.renamed, local(www), {})
    host = InPlaceFolder(www)
    assert broken_references(host, "") == []
    summary = deploy(sample_sites.renamed, local(www), {})  # the lock of the crashed run was released
    assert summary.uploaded  # the same set travels again: manifest.json was not yet replaced
    assert_serves(host, sample_sites.renamed, "")


def test_in_place_deletes_retired_files_only_after_keep_deploys(sample_sites, in_place, tmp_path):
    www, _ = in_place
    extra = tmp_path / "site-plus"
    shutil.copytree(sample_sites.old, extra)
    (extra / "lama.html").write_text("<p>lama</p>")
    deploy(extra, local(www), {}, keep=2)
    assert deploy(sample_sites.old, local(www), {}, keep=2).deleted == []
    assert (www / "lama.html").exists()  # a rollback may still need it
    assert deploy(sample_sites.old, local(www), {}, keep=2).deleted == ["lama.html"]
    assert not (www / "lama.html").exists()


def test_a_file_removed_by_hand_from_the_live_release_is_uploaded_again(sample_sites, tmp_path):
    www = tmp_path / "www"
    first = deploy(sample_sites.old, local(www), {}).build
    (www / "releases" / first / "assets" / "portal.css").unlink()
    deploy(sample_sites.new, local(www), {})
    assert_serves(LocalHost(www), sample_sites.new)


def test_progress_bar_on_a_terminal(sample_sites, tmp_path, capsys):
    deploy(sample_sites.old, local(tmp_path / "www"), {}, progress=True)
    total = len(site_files(sample_sites.old)) + 1  # and build.json
    assert capsys.readouterr().err.endswith(f"] {total}/{total} berkas\n")


# --------------------------------------------------------------------------- the target from mkdocs.yml

def configured(tmp_path: Path, target: str | None) -> Path:
    """A project whose mkdocs.yml names ``target`` as extra.portal.deploy_target (None: no key)."""
    from conftest import new_project

    project = new_project(tmp_path / "situs")
    if target is not None:
        text = (project / "mkdocs.yml").read_text(encoding="utf-8")
        text = text.replace("\n  portal:\n", f"\n  portal:\n    deploy_target: {target}\n", 1)
        assert f"deploy_target: {target}" in text
        (project / "mkdocs.yml").write_text(text, encoding="utf-8")
    return project


def test_print_target_is_what_publish_yml_reads(tmp_path):
    """The build job's output chooses GitHub Pages (empty) or the deploy-host job."""
    done = run_deploy(configured(tmp_path / "a", None), {}, "deploy", "--print-target")
    assert (done.returncode, done.stdout, done.stderr) == (0, "deploy-target=\n", "")
    target = "sftp://deploy@web.contoh.go.id/var/www/dprd"
    done = run_deploy(configured(tmp_path / "b", target), {}, "deploy", "--print-target")
    assert (done.returncode, done.stdout, done.stderr) == (0, f"deploy-target={target}\n", "")


def test_deploy_without_a_target_says_where_to_name_one(tmp_path):
    done = run_deploy(configured(tmp_path, None), {}, "deploy")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == ("Galat penggunaan: Tujuan deploy belum ada: tulis TARGET (misalnya `portal deploy "
                           "sftp://deploy@web.contoh.go.id/var/www/dprd`) atau isi `extra.portal.deploy_target` "
                           "di mkdocs.yml.\n")


def test_a_configured_target_is_used_and_a_password_in_it_refused(tmp_path, sample_sites):
    www = tmp_path / "www"
    project = configured(tmp_path, str(www))
    done = run_deploy(project, {}, "deploy", "--site-dir", str(sample_sites.old))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Build ") and f" tayang di {www}.\n" in done.stdout
    assert (www / "current" / "build.json").is_file()

    leaky = configured(tmp_path / "bocor", "sftp://deploy:rahasia@web.contoh.go.id/var/www/dprd")
    done = run_deploy(leaky, {}, "deploy", "--print-target")
    assert done.returncode == 1 and "rahasia" not in done.stdout + done.stderr
    assert done.stderr == ("Galat: mkdocs.yml tidak valid:\n  - `extra.portal.deploy_target` harus satu alamat tanpa "
                           "spasi dan tanpa kata sandi, misalnya `sftp://deploy@web.contoh.go.id/var/www/dprd` (kata "
                           "sandi dan kunci hanya di secret)\n")
