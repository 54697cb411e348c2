"""`portal publish` fails loudly, never floods, and trusts only a signed ledger (issue 12).

Each test runs `portal publish` as a subprocess against the emulators (tests/social_emulator.py), in a
small project of its own: the repository's mkdocs.yml with the settings under test, and the build record
of the two-item site that tests/test_publish.py builds and serves. `portal publish` reads nothing else.

The sample items: 2026-11-12 (Facebook, Telegram) and 2026-11-20 (all four); "today" is 2026-11-21, so
with the default cut-off (7 days after H) the first one is too old to post on its own.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from test_publish import PUBLISH_SETTINGS, RECORD, SENTINELS, apis, assert_exactly_once, project_config, site

__all__ = ["apis", "site"]  # fixtures shared with tests/test_publish.py

OLD, NEW = "2026-11-12-rdp-komisi-iv-dinas-kesehatan-layanan-puskesmas", "2026-11-20-rapat-paripurna-penetapan-apbd-2027"
OLD_ID, NEW_ID = "2026-11-12-f70ede", "2026-11-20-196bee"
SETTLED_MESSAGE = "Tidak ada yang perlu diunggah: semua berita sudah terunggah ke media sosialnya."
LEDGER_HELP = ("Baris ini tidak ditulis oleh `portal publish` dengan kunci PORTAL_LEDGER_KEY, atau ada baris "
               "sebelumnya yang dihapus atau ditukar urutannya; tidak ada yang diunggah. Periksa riwayat cabang "
               "portal-ledger (git log -p portal-ledger), lalu lihat docs/panduan-admin.md.")


def git(cwd, *args) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                            env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"})
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def env(site, apis):
    """The environment of a CI run: every credential, the ledger key, the emulators' addresses."""
    return {**os.environ, **SENTINELS, "PORTAL_TODAY": "2026-11-21", "X_API_KEY": "x-api-key",
            "FACEBOOK_PAGE_ID": apis["facebook"].owner, "FACEBOOK_GRAPH_URL": apis["facebook"].url,
            "INSTAGRAM_USER_ID": apis["instagram"].owner, "INSTAGRAM_GRAPH_URL": apis["instagram"].url,
            "X_API_URL": apis["x"].url, "TELEGRAM_API_URL": apis["telegram"].url,
            "TELEGRAM_CHAT_ID": apis["telegram"].chat_id}


@pytest.fixture
def make(site, tmp_path):
    """``make(settings, built=..., ids=...)``: a project folder with mkdocs.yml and a build record."""
    count = iter(range(100))

    def make(settings: str = "", built: dt.datetime | None = None, ids: dict[str, str | None] | None = None,
             folder: Path | None = None) -> Path:
        project = folder or tmp_path / f"proyek{next(count)}"
        project.mkdir(parents=True, exist_ok=True)
        project_config(project, settings)
        data = json.loads((site[0] / RECORD).read_text(encoding="utf-8"))
        if built is not None:
            data["built"] = built.strftime("%Y-%m-%dT%H:%M:%SZ")
        for item in data["items"]:
            name = item["path"].rsplit("/", 1)[-1]
            if ids and name in ids:
                item["id"] = ids[name] or name  # None: the id removed, the folder name is the key
        (project / ".portal").mkdir(exist_ok=True)
        (project / RECORD).write_text(json.dumps(data), encoding="utf-8")
        return project

    return make


@pytest.fixture
def publish(site, env, tmp_path):
    """``publish(project, *args, ledger=True)``: one `portal publish` run, with tmp_path/ledger.jsonl by default."""
    ledger = tmp_path / "ledger.jsonl"

    def publish(project: Path, *args: str, use_ledger: bool = True, site_url: str | None = None):
        cmd = [sys.executable, "-m", "pipeline", "publish", "--site-url", site_url or site[1], *args]
        if use_ledger:
            cmd += ["--ledger", str(ledger)]
        result = subprocess.run(cmd, cwd=project, capture_output=True, text=True, env=env, timeout=120)
        assert "Traceback" not in result.stderr, result.stderr
        return result

    publish.ledger = ledger
    return publish


def lines_of(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def no_calls(apis) -> bool:
    return all(not emulator.requests for emulator in apis.values())


# --------------------------------------------------------------------------- loud failures


def test_a_wanted_platform_without_credentials_fails_the_run_and_a_disabled_one_needs_none(make, publish, env, apis):
    for name in ("X_API_KEY", "X_ACCESS_TOKEN", "TELEGRAM_CHAT_ID"):
        del env[name]
    project = make(PUBLISH_SETTINGS)
    result = publish(project)
    assert result.returncode == 1
    assert result.stdout.splitlines()[:2] == [
        "Galat: Kredensial X belum lengkap: X_API_KEY, X_ACCESS_TOKEN belum diatur di environment. Isi secret-nya "
        "di environment production, atau matikan X di mkdocs.yml (extra.portal.publish.disabled: [x]).",
        "Galat: Kredensial Telegram belum lengkap: TELEGRAM_CHAT_ID belum diatur di environment. Isi secret-nya di "
        "environment production, atau matikan Telegram di mkdocs.yml (extra.portal.publish.disabled: [telegram])."]
    assert result.stdout.splitlines()[-1] == "Kredensial belum lengkap untuk X, Telegram: proses ini gagal."
    assert len(apis["facebook"].posts) == 2 and len(apis["instagram"].posts) == 1  # the others still went out
    # Switched off in mkdocs.yml: no credentials needed, nothing posted there, a green run.
    off = make(PUBLISH_SETTINGS + "      disabled: [x, telegram]\n")
    quiet = publish(off)
    assert quiet.returncode == 0, quiet.stdout
    assert quiet.stdout == SETTLED_MESSAGE + "\n"
    assert not apis["x"].requests and not apis["telegram"].requests


def test_an_article_not_served_hours_after_the_build_is_failed_naming_url_and_status(make, publish, site, apis):
    wrong = site[1] + "salah/"
    article = f"{wrong}berita/2026/rapat-paripurna-penetapan-apbd-2027/"
    now = dt.datetime.now(dt.UTC)
    early = publish(make(PUBLISH_SETTINGS, built=now - dt.timedelta(hours=5)), "--only", "facebook", site_url=wrong)
    assert early.returncode == 0
    assert f"| Facebook | DITUNDA | artikel belum tayang di situs ({article}: HTTP 404)" in early.stdout
    assert not publish.ledger.exists()
    late = publish(make(PUBLISH_SETTINGS, built=now - dt.timedelta(hours=7)), "--only", "facebook", site_url=wrong)
    assert late.returncode == 1
    message = (f"artikel tidak tayang di {article} (HTTP 404) lebih dari 6 jam setelah build; periksa site_url dan "
               "deploy, lalu jalankan portal publish --resolve retry")
    assert f"| Facebook | FAILED | {message}" in late.stdout
    assert late.stdout.splitlines()[-1] == "2 unggahan perlu perhatian (FAILED, UNKNOWN, BERHENTI atau ID BERUBAH)."
    failed = [json.loads(line) for line in lines_of(publish.ledger)]
    assert [(r["item"], r["state"]) for r in failed] == [(OLD_ID, "FAILED"), (NEW_ID, "FAILED")]
    assert failed[1]["message"] == message
    assert not apis["facebook"].requests
    # A site that cannot be reached at all names what happened instead of a status.
    gone = publish(make(PUBLISH_SETTINGS, built=now - dt.timedelta(hours=1)), "--only", "telegram",
                   site_url="http://127.0.0.1:9/")
    assert gone.returncode == 0
    assert ("| Telegram | DITUNDA | artikel belum tayang di situs (http://127.0.0.1:9/berita/2026/rapat-paripurna-"
            "penetapan-apbd-2027/: tidak terhubung: ConnectionError)") in gone.stdout


# --------------------------------------------------------------------------- a lost ledger never floods


def lost(where: str, state: str = "tidak ditemukan") -> str:
    return (f"Galat: Daftar publikasi {state} ({where}), padahal catatan build berisi 1 berita yang lewat batas 7 hari "
            "setelah hari H: berita itu mungkin sudah pernah diunggah, jadi tidak ada yang diunggah agar tidak "
            "terkirim ulang. Bila daftar memang hilang, mulai daftar baru dengan sengaja: portal publish "
            "--new-ledger --since 2026-11-21 (hanya berita dengan hari H sejak tanggal itu yang diunggah).\n")


def test_a_missing_or_emptied_ledger_file_is_refused_until_a_new_one_is_started_on_purpose(make, publish, apis):
    project = make()
    missing = publish(project)
    assert (missing.returncode, missing.stdout) == (1, "")
    assert missing.stderr == lost(f"berkas {publish.ledger}")
    publish.ledger.write_text("")
    emptied = publish(project)
    assert (emptied.returncode, emptied.stderr) == (1, lost(f"berkas {publish.ledger}", "kosong"))
    assert no_calls(apis)

    started = publish(project, "--new-ledger", "--since", "2026-11-20")
    assert started.returncode == 0, started.stdout + started.stderr
    assert started.stdout.splitlines()[0] == (f"Daftar publikasi baru dimulai di berkas {publish.ledger}: hanya "
                                              "berita dengan hari H sejak 2026-11-20 yang diunggah.")
    assert [len(e.posts) for e in apis.values()] == [1, 1, 1, 1]  # the new item only, everywhere it goes
    assert json.loads(lines_of(publish.ledger)[0])["since"] == "2026-11-20"
    again = publish(project)
    assert (again.returncode, again.stdout) == (0, SETTLED_MESSAGE + "\n")
    # A ledger that is intact is never replaced.
    refused = publish(project, "--new-ledger", "--since", "2026-11-01")
    assert refused.returncode == 2
    assert refused.stderr == (f"Galat penggunaan: --new-ledger hanya untuk daftar publikasi yang hilang, kosong atau "
                              f"rusak; daftar di berkas {publish.ledger} utuh (12 baris).\n")
    half = publish(project, "--new-ledger")
    assert half.returncode == 2 and half.stderr.endswith(
        "Galat penggunaan: --new-ledger dan --since YYYY-MM-DD dipakai bersama (dan tidak dengan --resolve).\n")


def test_a_deleted_ledger_branch_is_refused(make, publish, env, apis, tmp_path):
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    project = make(PUBLISH_SETTINGS, folder=tmp_path / "clone")
    git(project, "init", "-q", "-b", "main")
    git(project, "-c", "user.name=Tim", "-c", "user.email=t@example.invalid", "commit", "-q", "--allow-empty", "-m", "a")
    git(project, "remote", "add", "origin", str(origin))
    git(project, "push", "-q", "origin", "main")
    assert publish(project, "--only", "telegram", use_ledger=False).returncode == 0
    assert len(apis["telegram"].posts) == 2
    git(origin, "branch", "-D", "portal-ledger")  # what the ruleset forbids, done anyway
    project_config(project, "")  # the default cut-off again: the older item is past it
    result = publish(project, "--only", "telegram", use_ledger=False)
    assert (result.returncode, result.stderr) == (1, lost("cabang portal-ledger (ledger.jsonl)"))
    assert len(apis["telegram"].posts) == 2


def test_each_run_posts_at_most_the_cap_and_the_next_runs_post_the_rest(make, publish, apis):
    project = make(PUBLISH_SETTINGS + "      max_posts: 2\n")
    capped = "batas 2 unggahan per proses tercapai; dikirim pada proses berikutnya"
    first = publish(project)
    assert first.returncode == 0
    assert first.stdout.count(f"| DITUNDA | {capped}") == 4
    assert sum(len(e.posts) for e in apis.values()) == 2
    assert publish(project).returncode == 0
    assert sum(len(e.posts) for e in apis.values()) == 4
    third = publish(project)
    assert third.returncode == 0 and capped not in third.stdout
    assert publish(project).stdout == SETTLED_MESSAGE + "\n"
    assert_exactly_once(apis)


def test_an_item_past_the_cut_off_is_posted_only_when_a_person_names_it(make, publish, apis):
    project = make()
    assert publish(project, "--new-ledger", "--since", "2026-11-01").returncode == 0
    result = publish(project)
    assert result.returncode == 0
    assert result.stdout.splitlines()[-1] == (
        "2 unggahan tidak dikirim otomatis: beritanya lewat batas 7 hari setelah hari H (kirim satu per satu dengan "
        "portal publish --item PATH bila memang perlu).")
    assert len(apis["facebook"].posts) == 1 and len(apis["telegram"].posts) == 1  # the new item only
    named = publish(project, "--item", f"content/berita/2026/{OLD}")
    assert named.returncode == 0, named.stdout
    assert len(apis["facebook"].posts) == 2 and len(apis["telegram"].posts) == 2


# --------------------------------------------------------------------------- a ledger nobody can bend


def test_without_the_ledger_key_nothing_is_read_or_posted(make, publish, env, apis):
    del env["PORTAL_LEDGER_KEY"]
    result = publish(make(PUBLISH_SETTINGS))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        "Galat: PORTAL_LEDGER_KEY belum diatur di environment: tanpa kunci ini daftar publikasi tidak dapat diperiksa "
        "keasliannya, jadi tidak ada yang diunggah. Isi secret PORTAL_LEDGER_KEY di environment production (lihat "
        "docs/panduan-admin.md).\n")
    assert no_calls(apis)


@pytest.fixture
def posted(make, publish, apis):
    """A project whose two items are on Facebook, with the six signed lines of the ledger."""
    project = make(PUBLISH_SETTINGS)
    assert publish(project, "--only", "facebook").returncode == 0
    assert len(apis["facebook"].posts) == 2
    return project, lines_of(publish.ledger)


def refused(publish, project, apis, lines: list[str], number: int, why: str) -> None:
    """The tampered ledger ``lines`` stop every run at line ``number``, nothing is posted or written."""
    publish.ledger.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = [len(e.posts) for e in apis.values()]
    result = publish(project)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (f"Galat: baris {number} daftar publikasi tidak sah ({why}): "
                             f"{lines[number - 1][:80]!r}. {LEDGER_HELP}\n")
    assert [len(e.posts) for e in apis.values()] == before
    assert lines_of(publish.ledger) == lines


def test_a_forged_planned_line_is_refused(posted, publish, apis):
    # Forged to re-post the 2026-11-20 item: the state a person's --resolve retry would write.
    project, lines = posted
    forged = json.dumps({"item": NEW_ID, "platform": "facebook", "state": "PLANNED", "time": "2026-11-21T09:00:00Z",
                         "message": "dicoba ulang atas keputusan admin", "mac": "ab" * 32}, sort_keys=True)
    refused(publish, project, apis, [*lines, forged], 7, "tanda tangan tidak cocok")


def test_a_forged_posted_line_is_refused(posted, publish, apis):
    # Forged to keep the 2026-11-20 item off Telegram for ever; copied from a real line, state and all.
    project, lines = posted
    values = json.loads(lines[-1])
    values.update(platform="telegram", url="https://t.me/c/1/1")
    refused(publish, project, apis, [*lines, json.dumps(values, sort_keys=True)], 7, "tanda tangan tidak cocok")


def test_a_forged_line_without_a_mac_is_refused(posted, publish, apis):
    project, lines = posted
    forged = json.dumps({"item": NEW_ID, "platform": "x", "state": "POSTED", "time": "2026-11-21T09:00:00Z"})
    refused(publish, project, apis, [*lines, forged], 7, "tanpa tanda tangan")


def test_a_deleted_line_is_refused(posted, publish, apis):
    project, lines = posted
    refused(publish, project, apis, [*lines[:3], *lines[4:]], 4, "tanda tangan tidak cocok")


def test_reordered_lines_are_refused(posted, publish, apis):
    project, lines = posted
    refused(publish, project, apis, [*lines[:3], lines[4], lines[3], lines[5]], 4, "tanda tangan tidak cocok")


@pytest.mark.parametrize("new_id", ["2026-11-20-ffffff", None], ids=["changed", "removed"])
def test_an_item_whose_id_changed_after_posting_is_not_posted_again(posted, make, publish, apis, new_id):
    _, lines = posted
    link = json.loads(lines[-1])["url"]
    assert json.loads(lines[-1])["item"] == NEW_ID and link
    key = new_id or NEW
    project = make(PUBLISH_SETTINGS, ids={NEW: new_id})
    result = publish(project, "--only", "facebook")
    assert result.returncode == 1
    assert (f"{NEW} | Facebook | ID BERUBAH | folder ini sudah terunggah dengan id {NEW_ID} ({link}); id berita "
            f"berubah menjadi {key}, jadi tidak diunggah lagi. Kembalikan `id: {NEW_ID}` di index.md") in result.stdout
    assert len(apis["facebook"].posts) == 2
    assert lines_of(publish.ledger) == lines  # nothing planned, nothing written


# --------------------------------------------------------------------------- --dry-run tells the truth


def test_dry_run_says_it_found_no_ledger_and_no_credentials(make, publish, env, apis):
    for name in ("FACEBOOK_PAGE_TOKEN", "TELEGRAM_BOT_TOKEN", "TELEGRAM_CHAT_ID"):
        del env[name]
    result = publish(make(), "--dry-run")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[:4] == [
        "Catatan: Kredensial Facebook belum lengkap: FACEBOOK_PAGE_TOKEN belum diatur di environment. Isi secret-nya "
        "di environment production, atau matikan Facebook di mkdocs.yml (extra.portal.publish.disabled: [facebook]).",
        "Catatan: Kredensial Telegram belum lengkap: TELEGRAM_BOT_TOKEN, TELEGRAM_CHAT_ID belum diatur di "
        "environment. Isi secret-nya di environment production, atau matikan Telegram di mkdocs.yml "
        "(extra.portal.publish.disabled: [telegram]).",
        f"Catatan: daftar publikasi tidak ditemukan (berkas {publish.ledger}).",
        "Catatan: proses sungguhan akan berhenti. " + lost(f"berkas {publish.ledger}")[len("Galat: "):-1]]
    assert f"content/berita/2026/{OLD} · Facebook: tidak dikirim otomatis (lewat batas 7 hari setelah hari H)" in lines
    assert f"content/berita/2026/{NEW} · Facebook: akan dikirim (setelah kredensialnya diatur)" in lines
    assert f"content/berita/2026/{NEW} · X: akan dikirim" in lines
    assert lines[-1] == "Uji coba: 4 unggahan akan dikirim; tidak ada yang dikirim sekarang."
    assert no_calls(apis)
    del env["PORTAL_LEDGER_KEY"]
    unkeyed = publish(make(PUBLISH_SETTINGS), "--dry-run")
    assert unkeyed.returncode == 0
    assert ("Catatan: PORTAL_LEDGER_KEY belum diatur: daftar publikasi dibaca tanpa diperiksa keasliannya, dan proses "
            "sungguhan akan berhenti tanpa kunci ini.") in unkeyed.stdout.splitlines()


def test_dry_run_says_per_item_and_platform_what_was_sent_and_what_is_an_edit(posted, make, publish, apis):
    _, lines = posted
    links = {json.loads(line)["item"]: json.loads(line)["url"] for line in lines if '"POSTED"' in line}
    project = make(PUBLISH_SETTINGS, ids={NEW: "2026-11-20-ffffff"})  # the newer item's id changed since
    result = publish(project, "--dry-run")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    statuses = [line for line in lines if line.startswith("content/berita/")]
    assert statuses == [
        f"content/berita/2026/{OLD} · Facebook: sudah terkirim ({links[OLD_ID]})",
        f"content/berita/2026/{OLD} · Telegram: akan dikirim",
        f"content/berita/2026/{NEW} · Facebook: tidak dikirim lagi (suntingan)",
        f"content/berita/2026/{NEW} · Instagram: akan dikirim",
        f"content/berita/2026/{NEW} · X: akan dikirim",
        f"content/berita/2026/{NEW} · Telegram: akan dikirim"]
    assert lines[-1] == "Uji coba: 4 unggahan akan dikirim; tidak ada yang dikirim sekarang."
    assert sum(line.startswith("=== ") for line in lines) == 4  # the text of each post that would go out
    assert len(apis["facebook"].posts) == 2 and not apis["telegram"].requests


def test_the_settings_are_checked(make, publish):
    project = make("    publish:\n      max_posts: 0\n      cutoff: 7\n      disabled: [tiktok]\n")
    result = publish(project)
    assert result.returncode == 1
    assert result.stderr == (
        "Galat: mkdocs.yml tidak valid:\n"
        "  - `extra.portal.publish.max_posts` harus bilangan bulat positif, misalnya 10\n"
        "  - kunci `extra.portal.publish.cutoff` tidak dikenal (yang dikenal: max_posts, cutoff_days, live_hours, "
        "disabled)\n"
        "  - `extra.portal.publish.disabled` harus daftar dari: facebook, instagram, x, telegram\n")


# --------------------------------------------------------------------------- the hourly run's question


def test_pending_counts_what_a_run_would_post_without_the_key_and_posts_nothing(make, publish, env, apis):
    project = make(PUBLISH_SETTINGS + "      max_posts: 4\n")
    assert publish(project, "--pending").stdout == "pending=6\n"
    assert no_calls(apis)
    assert publish(project).returncode == 0  # the cap leaves two for later
    del env["PORTAL_LEDGER_KEY"]  # the pending job holds no secret
    assert publish(project, "--pending").stdout == "pending=2\n"
    env["PORTAL_LEDGER_KEY"] = SENTINELS["PORTAL_LEDGER_KEY"]
    assert publish(project).returncode == 0
    result = publish(project, "--pending")
    assert (result.returncode, result.stdout) == (0, "pending=0\n")
    # A ledger that does not verify counts as pending: the real run says why, loudly.
    publish.ledger.write_text(publish.ledger.read_text(encoding="utf-8") + '{"rusak"\n', encoding="utf-8")
    assert publish(project, "--pending").stdout == "pending=1\n"
    assert_exactly_once(apis)
