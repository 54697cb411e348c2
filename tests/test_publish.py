"""`portal publish` against emulators of the four APIs (tests/social_emulator.py): exactly once.

A two-item site is built once and served on 127.0.0.1; the emulators fetch
its photos as Meta and Telegram do. Every scenario runs `portal publish` as
a subprocess (as CI does) any number of times and then counts the posts.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from browser_support import serve
from social_emulator import FacebookEmulator, InstagramEmulator, TelegramEmulator, XEmulator

REPO = Path(__file__).resolve().parent.parent
ITEMS = {"2026-11-20-rapat-paripurna-penetapan-apbd-2027": ["facebook", "instagram", "x", "telegram"],
         "2026-11-12-rdp-komisi-iv-dinas-kesehatan-layanan-puskesmas": ["facebook", "telegram"]}
RECORD = ".portal/build-record.json"
SENTINELS = {"FACEBOOK_PAGE_TOKEN": "fb-SENTINEL-7c1d", "INSTAGRAM_TOKEN": "ig-SENTINEL-93ab",
             "X_ACCESS_TOKEN": "x-SENTINEL-55e0", "X_ACCESS_TOKEN_SECRET": "xs-SENTINEL-a1b2",
             "X_API_SECRET": "xa-SENTINEL-c3d4", "TELEGRAM_BOT_TOKEN": "123456:tg-SENTINEL-0f9e",
             "PORTAL_LEDGER_KEY": "ledger-SENTINEL-5d2e9b7c1a0f4e3d8c6b"}
# The test project posts items up to 30 days after their day H: the two sample items (H = 12 and 20
# November) are both inside it on 21 November. tests/test_publish_policy.py covers the default 7.
PUBLISH_SETTINGS = "    publish:\n      cutoff_days: 30\n"


def project_config(target: Path, settings: str = PUBLISH_SETTINGS) -> None:
    """The repository's mkdocs.yml in ``target`` with ``settings`` added under ``extra.portal``."""
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    assert text.count("\n  portal:\n") == 1
    (target / "mkdocs.yml").write_text(text.replace("\n  portal:\n", "\n  portal:\n" + settings), encoding="utf-8")


def built_project(tmp_path_factory, name: str = "publish") -> Path:
    """A new project of the two sample items (ITEMS), built; the video tests reuse it."""
    project = tmp_path_factory.mktemp(name)
    project_config(project)
    shutil.copytree(REPO / "overrides", project / "overrides")
    for item in ITEMS:
        shutil.copytree(REPO / "content/berita/2026" / item, project / "content/berita/2026" / item)
    result = subprocess.run([sys.executable, "-m", "pipeline", "build"], cwd=project, capture_output=True,
                            text=True, env={**os.environ, "PORTAL_TODAY": "2026-11-20"})
    assert result.returncode == 0, result.stdout + result.stderr
    return project


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The built two-item project, its site served on 127.0.0.1."""
    project = built_project(tmp_path_factory)
    with serve(project / "site") as url:
        yield project, url


@pytest.fixture
def apis():
    emulators = {"facebook": FacebookEmulator(token=SENTINELS["FACEBOOK_PAGE_TOKEN"]),
                 "instagram": InstagramEmulator(token=SENTINELS["INSTAGRAM_TOKEN"]),
                 "x": XEmulator(token=SENTINELS["X_ACCESS_TOKEN"], token_secret=SENTINELS["X_ACCESS_TOKEN_SECRET"],
                                api_key="x-api-key", api_secret=SENTINELS["X_API_SECRET"]),
                 "telegram": TelegramEmulator(token=SENTINELS["TELEGRAM_BOT_TOKEN"])}
    for emulator in emulators.values():
        emulator.start()
    yield emulators
    for emulator in emulators.values():
        emulator.stop()


@pytest.fixture
def run(site, apis, tmp_path):
    """``run(*args)``: one `portal publish` in the built project with a ledger file in tmp_path."""
    project, url = site
    ledger = tmp_path / "ledger.jsonl"
    env = {**os.environ, **SENTINELS, "PORTAL_TODAY": "2026-11-21",
           "FACEBOOK_PAGE_ID": apis["facebook"].owner, "FACEBOOK_GRAPH_URL": apis["facebook"].url,
           "INSTAGRAM_USER_ID": apis["instagram"].owner, "INSTAGRAM_GRAPH_URL": apis["instagram"].url,
           "X_API_URL": apis["x"].url, "X_API_KEY": "x-api-key", "TELEGRAM_API_URL": apis["telegram"].url,
           "TELEGRAM_CHAT_ID": apis["telegram"].chat_id}

    def run(*args, popen=False, cwd=None):
        cmd = [sys.executable, "-m", "pipeline", "publish", "--site-url", url, *args]
        if cwd is None and "--ledger" not in args:
            cmd += ["--ledger", str(ledger)]
        if popen:
            return subprocess.Popen(cmd, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True)
        result = subprocess.run(cmd, cwd=cwd or project, capture_output=True, text=True, env=env, timeout=120)
        run.outputs.append(result.stdout + result.stderr)
        assert "Traceback" not in result.stderr, result.stderr
        return result

    run.outputs, run.ledger, run.env = [], ledger, env
    return run


def counts(apis) -> dict[str, dict[str, int]]:
    """Posts per platform per item, found by the item's article URL in what was posted."""
    out = {}
    for platform, emulator in apis.items():
        texts = [p.get("message") or p.get("caption") or p.get("text") or "" for p in emulator.posts]
        out[platform] = {name: sum(name[11:] in t or _slug_url(name) in t for t in texts) for name in ITEMS}
    return out


def _slug_url(name: str) -> str:
    return f"berita/2026/{name[11:]}/"


def assert_exactly_once(apis):
    for platform, by_item in counts(apis).items():
        for name, n in by_item.items():
            expected = 1 if platform in ITEMS[name] else 0
            # Telegram's caption links the article in an <a>: the visible text names no URL.
            if platform == "telegram":
                n = sum(1 for p in apis["telegram"].posts if p["caption"].startswith(_title(name)))
            assert n == expected, (platform, name, n, counts(apis))


def _title(name: str) -> str:
    text = (REPO / "content/berita/2026" / name / "index.md").read_text(encoding="utf-8")
    return next(line[7:] for line in text.splitlines() if line.startswith("title: "))


def test_posts_every_item_once_following_each_contract(run, apis):
    first = run()
    assert first.returncode == 0, first.stdout + first.stderr
    assert_exactly_once(apis)
    fb = apis["facebook"].posts
    assert all(m["format"] == "JPEG" and m["alt"] for p in fb for m in p["media"])
    assert [len(p["media"]) for p in fb] == [4, 6]  # oldest item first, every photo
    ig = apis["instagram"].posts[0]
    assert len(ig["media"]) == 6 and all(m["format"] == "JPEG" and 0.8 <= m["width"] / m["height"] <= 1.91
                                         for m in ig["media"])
    assert all(m["alt"] for m in ig["media"])
    x = apis["x"].posts[0]
    assert len(x["media"]) == 4 and all(m["alt"] for m in x["media"])
    assert x["text"].endswith("/berita/2026/rapat-paripurna-penetapan-apbd-2027/")
    assert apis["telegram"].posts[0]["caption"].endswith("Baca selengkapnya")
    # The ledger: PLANNED, ATTEMPTING, POSTED for each of the 6 (item, platform) pairs.
    records = [json.loads(line) for line in run.ledger.read_text(encoding="utf-8").splitlines()]
    assert [r["state"] for r in records] == ["PLANNED", "ATTEMPTING", "POSTED"] * 6
    assert {r["item"] for r in records} == {"2026-11-20-196bee", "2026-11-12-f70ede"}
    assert "| POSTED" in first.stdout
    # Any number of re-runs posts nothing more.
    for _ in range(2):
        again = run()
        assert again.returncode == 0
        assert again.stdout.strip().endswith("Tidak ada yang perlu diunggah: semua berita sudah terunggah ke "
                                             "media sosialnya.")
    assert_exactly_once(apis)


def test_dry_run_prints_what_each_platform_gets_and_calls_nothing(run, apis):
    result = run("--dry-run")
    assert result.returncode == 0
    assert "=== X · content/berita/2026/2026-11-20-rapat-paripurna-penetapan-apbd-2027 (" in result.stdout
    assert "foto: http://127.0.0.1:" in result.stdout and "-social.jpg  (alt: " in result.stdout
    assert result.stdout.endswith("Uji coba: 6 unggahan akan dikirim; tidak ada yang dikirim sekarang.\n")
    assert all(not e.requests for e in apis.values())


FAULTS = [
    ("facebook", "feed", "rate_limit"), ("facebook", "photos", "server_error"),
    ("facebook", "feed", "server_error"), ("facebook", "feed", "drop_after_commit"),
    ("instagram", "media", "rate_limit"), ("instagram", "publish", "drop_after_commit"),
    ("instagram", "publish", "server_error"),
    ("x", "tweets", "rate_limit"), ("x", "media_upload", "server_error"), ("x", "tweets", "drop_after_commit"),
    ("x", "tweets", "server_error"),
    ("telegram", "sendMediaGroup", "rate_limit"), ("telegram", "sendMediaGroup", "server_error"),
]


@pytest.mark.parametrize("platform, endpoint, fault", FAULTS)
def test_transient_faults_end_with_exactly_one_post(run, apis, platform, endpoint, fault):
    apis[platform].inject(endpoint, fault, wait=1)
    first = run()
    assert first.returncode == 0, first.stdout + first.stderr
    run()
    assert_exactly_once(apis)


def test_telegram_dropped_after_commit_is_unknown_never_reposted(run, apis):
    apis["telegram"].inject("sendMediaGroup", "drop_after_commit")
    first = run("--only", "telegram")
    assert first.returncode == 1
    assert "UNKNOWN" in first.stdout and "periksa kanal secara manual" in first.stdout
    assert run("--only", "telegram").returncode == 1  # still reported, still not reposted
    assert len(apis["telegram"].posts) == 2  # the dropped one (first item) and the second item
    assert_exactly_once({"telegram": apis["telegram"]})
    # A person finds the album in the channel and records it; the next run is clean.
    item = "content/berita/2026/2026-11-12-rdp-komisi-iv-dinas-kesehatan-layanan-puskesmas"
    resolved = run("--resolve", "posted", "--only", "telegram", "--item", item, "--url", "https://t.me/c/123/100")
    assert resolved.stdout == (f"Dicatat: Telegram untuk {item} sudah terunggah; tidak akan diunggah lagi.\n")
    assert run("--only", "telegram").returncode == 0
    assert len(apis["telegram"].posts) == 2


@pytest.mark.parametrize("platform, endpoint, said", [
    ("facebook", "photos", "token Facebook ditolak (HTTP 400: Error validating access token: Session has expired"),
    ("instagram", "limit", "token Instagram ditolak (HTTP 400: Error validating access token: Session has expired"),
    ("x", "media_upload", "token X ditolak (HTTP 401: Unauthorized; periksa X_API_KEY, X_API_SECRET, "
                          "X_ACCESS_TOKEN dan X_ACCESS_TOKEN_SECRET"),
    ("telegram", "sendMediaGroup", "token Telegram ditolak (HTTP 401: Unauthorized); perbarui secret-nya"),
])
def test_expired_token_stops_that_platform_only_and_the_next_run_catches_up(run, apis, platform, endpoint, said):
    apis[platform].inject(endpoint, "expired_token")
    first = run()
    assert first.returncode == 1
    assert said in first.stdout
    assert not apis[platform].posts
    for other, emulator in apis.items():  # the others went on
        if other != platform:
            assert len(emulator.posts) == sum(other in p for p in ITEMS.values()), other
    assert run().returncode == 0
    assert_exactly_once(apis)


def test_a_duplicate_refusal_for_a_post_this_run_did_not_make_is_failed_not_claimed(run, apis, tmp_path):
    assert run("--only", "x").returncode == 0
    # Another ledger (here: an empty file): X refuses the same text again. Reconciliation matches only the
    # post of this attempt (its own media), never "a post with the same URL", so a person decides.
    result = run("--only", "x", "--ledger", str(tmp_path / "kosong.jsonl"))
    assert result.returncode == 1, result.stdout
    assert "| FAILED | HTTP 403: You are not allowed to create a Tweet with duplicate content." in result.stdout
    assert len(apis["x"].posts) == 1
    assert json.loads((tmp_path / "kosong.jsonl").read_text().splitlines()[-1])["state"] == "FAILED"


def test_a_refusal_is_failed_with_the_platforms_message_and_not_retried(run, apis):
    apis["facebook"].inject("feed", "duplicate")
    first = run("--only", "facebook")
    assert first.returncode == 1
    assert "FAILED | HTTP 400: Duplicate status message" in first.stdout
    second = run("--only", "facebook")
    assert second.returncode == 1 and "FAILED" in second.stdout
    assert len(apis["facebook"].posts) == 1  # the other item; the refused one waits for a person
    assert apis["facebook"].calls("feed") == 2
    item = "content/berita/2026/2026-11-12-rdp-komisi-iv-dinas-kesehatan-layanan-puskesmas"
    assert run("--resolve", "retry", "--only", "facebook", "--item", item).returncode == 0
    assert run("--only", "facebook").returncode == 0
    assert len(apis["facebook"].posts) == 2
    again = run("--resolve", "retry", "--only", "facebook", "--item", item)
    assert again.returncode == 2 and again.stderr.endswith(
        "Galat penggunaan: Facebook untuk 2026-11-12-rdp-komisi-iv-dinas-kesehatan-layanan-puskesmas berstatus "
        "POSTED; --resolve hanya untuk FAILED atau UNKNOWN.\n")


def test_instagram_in_progress_then_finished(run, apis):
    apis["instagram"].status_sequence = ["IN_PROGRESS", "IN_PROGRESS", "FINISHED"]
    assert run("--only", "instagram").returncode == 0
    assert len(apis["instagram"].posts) == 1
    assert apis["instagram"].calls("status") >= 3


def test_instagram_publishing_limit_defers_without_failing(run, apis):
    apis["instagram"].quota_usage = 100
    first = run("--only", "instagram")
    assert first.returncode == 0
    assert "DITUNDA" in first.stdout and "batas unggahan Instagram 24 jam sudah terpakai (100 dari 100)" in first.stdout
    assert apis["instagram"].calls("media") == 0
    apis["instagram"].quota_usage = 0
    assert run("--only", "instagram").returncode == 0
    assert len(apis["instagram"].posts) == 1


@pytest.mark.parametrize("platform, endpoint", [("facebook", "feed"), ("instagram", "publish"), ("x", "tweets"),
                                                ("telegram", "sendMediaGroup")])
def test_killed_between_the_platforms_success_and_the_ledger(run, apis, platform, endpoint):
    """SIGKILL the process the moment the platform has stored the post, before it can answer."""
    holder = {}

    def kill(post):
        if not holder.get("done"):
            holder["done"] = True
            os.kill(holder["proc"].pid, signal.SIGKILL)

    apis[platform].on_commit = kill
    proc = run("--only", platform, popen=True)
    holder["proc"] = proc
    proc.communicate(timeout=120)
    assert proc.returncode == -signal.SIGKILL
    apis[platform].on_commit = None
    last = [json.loads(line) for line in run.ledger.read_text().splitlines()][-1]
    assert last["state"] == "ATTEMPTING"  # what the ledger knew when the process died
    second = run("--only", platform)
    run("--only", platform)
    assert len(apis[platform].posts) == sum(platform in p for p in ITEMS.values())
    if platform == "telegram":  # no history to look in: a person decides, nothing is reposted
        assert second.returncode == 1 and "UNKNOWN" in second.stdout
    else:
        assert second.returncode == 0, second.stdout


def test_secrets_never_appear_in_output_or_files(run, apis, site):
    apis["facebook"].inject("photos", "expired_token")
    apis["telegram"].inject("sendMediaGroup", "server_error", times=5)  # errors that echo URLs
    apis["x"].inject("tweets", "server_error", times=5)
    run()
    run()
    seen = "\n".join(run.outputs) + run.ledger.read_text(encoding="utf-8")
    project = site[0]
    for path in [*project.rglob("*"), run.ledger]:
        if path.is_file() and path.stat().st_size < 5_000_000:
            seen += path.read_bytes().decode("utf-8", "replace")
    for secret in SENTINELS.values():
        assert secret not in seen and "SENTINEL" not in seen


def copy_record(project: Path, target: Path) -> None:
    (target / ".portal").mkdir(parents=True, exist_ok=True)
    shutil.copy(project / RECORD, target / RECORD)


def git(cwd, *args):
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                            env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"})
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_ledger_branch_carries_over_to_a_fresh_clone(run, apis, site, tmp_path):
    """CI runs on a fresh clone each time: the portal-ledger branch pushed to origin is the memory."""
    origin, first = tmp_path / "origin.git", tmp_path / "first"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    first.mkdir()
    shutil.copy(site[0] / "mkdocs.yml", first / "mkdocs.yml")
    shutil.copy(REPO / ".gitignore", first / ".gitignore")
    shutil.copytree(site[0] / "content", first / "content")
    copy_record(site[0], first)  # as CI does: the build job's artifact, never committed
    git(first, "init", "-q", "-b", "main")
    git(first, "add", "-A")
    git(first, "-c", "user.name=Tim", "-c", "user.email=t@example.invalid", "commit", "-q", "-m", "Konten")
    git(first, "remote", "add", "origin", str(origin))
    git(first, "push", "-q", "origin", "main")
    before = (git(first, "rev-parse", "HEAD"), git(first, "branch", "--show-current"), git(first, "status", "--short"))
    run.env["GITHUB_TOKEN"] = "ghs-SENTINEL-4b1c"  # as in CI: handed to git, never stored

    assert run(cwd=first).returncode == 0
    assert_exactly_once(apis)
    # The checkout it ran in is untouched: same commit, same branch, clean tree.
    assert (git(first, "rev-parse", "HEAD"), git(first, "branch", "--show-current"),
            git(first, "status", "--short")) == before
    lines = git(origin, "show", "portal-ledger:ledger.jsonl").splitlines()
    assert len(lines) == 18 and json.loads(lines[-1])["state"] == "POSTED"

    fresh = tmp_path / "fresh"
    git(tmp_path, "clone", "-q", str(origin), str(fresh))
    copy_record(site[0], fresh)
    again = run(cwd=fresh)
    assert again.returncode == 0 and "Tidak ada yang perlu diunggah" in again.stdout
    assert_exactly_once(apis)
    stored = "".join(p.read_bytes().decode("utf-8", "replace") for repo in (first / ".git", fresh / ".git", origin)
                     for p in repo.rglob("*") if p.is_file())
    stored += git(origin, "show", "portal-ledger:ledger.jsonl") + git(origin, "log", "--format=%B", "portal-ledger")
    assert "SENTINEL" not in stored + "\n".join(run.outputs)


def test_a_renamed_folder_keeps_its_id_and_is_not_posted_again(run, apis, site, tmp_path):
    assert run("--only", "facebook").returncode == 0
    moved = tmp_path / "moved"
    moved.mkdir()
    shutil.copy(site[0] / "mkdocs.yml", moved / "mkdocs.yml")
    shutil.copytree(site[0] / "content", moved / "content")
    shutil.copytree(site[0] / "overrides", moved / "overrides")
    shutil.copytree(site[0] / ".portal/cache", moved / ".portal/cache")
    old = moved / "content/berita/2026/2026-11-20-rapat-paripurna-penetapan-apbd-2027"
    old.rename(old.with_name("2026-11-20-paripurna-apbd-2027"))  # a new URL, the same id
    built = subprocess.run([sys.executable, "-m", "pipeline", "build"], cwd=moved, capture_output=True, text=True,
                           env=run.env)
    assert built.returncode == 0, built.stdout + built.stderr
    result = run("--only", "facebook", "--ledger", str(run.ledger), cwd=moved)
    assert result.returncode == 0 and "Tidak ada yang perlu diunggah" in result.stdout
    assert len(apis["facebook"].posts) == 2


def test_an_answer_outside_the_contract_after_posting_is_unknown(run, apis):
    original = apis["telegram"].send
    apis["telegram"].send = lambda body: (original(body), {"ok": True, "result": []})[1]  # posted, no messages
    first = run("--only", "telegram")
    assert first.returncode == 1
    assert ("UNKNOWN | jawaban Telegram tidak sesuai kontrak API (result[0] tidak ada); periksa kanal secara "
            "manual") in first.stdout
    assert "Traceback" not in first.stdout + first.stderr
    assert run("--only", "telegram").returncode == 1 and len(apis["telegram"].posts) == 2


def test_missing_credentials_not_yet_live_and_bad_options_are_said_plainly(run, apis, site):
    for name in ("X_ACCESS_TOKEN", "INSTAGRAM_USER_ID", "TELEGRAM_BOT_TOKEN", "TELEGRAM_CHAT_ID"):
        del run.env[name]
    # The site has not been deployed yet at this address (built minutes ago): nothing is posted, all is kept
    # for later; the missing credentials fail the run, naming the variables.
    early = run("--site-url", site[1] + "belum/")
    assert early.returncode == 1
    lines = early.stdout.splitlines()
    assert lines[:3] == [
        "Galat: Kredensial Instagram belum lengkap: INSTAGRAM_USER_ID belum diatur di environment. Isi secret-nya "
        "di environment production, atau matikan Instagram di mkdocs.yml (extra.portal.publish.disabled: "
        "[instagram]).",
        "Galat: Kredensial X belum lengkap: X_ACCESS_TOKEN belum diatur di environment. Isi secret-nya di "
        "environment production, atau matikan X di mkdocs.yml (extra.portal.publish.disabled: [x]).",
        "Galat: Kredensial Telegram belum lengkap: TELEGRAM_BOT_TOKEN, TELEGRAM_CHAT_ID belum diatur di "
        "environment. Isi secret-nya di environment production, atau matikan Telegram di mkdocs.yml "
        "(extra.portal.publish.disabled: [telegram])."]
    article = f"{site[1]}belum/berita/2026/rapat-paripurna-penetapan-apbd-2027/"
    assert f"| Facebook | DITUNDA | artikel belum tayang di situs ({article}: HTTP 404)" in early.stdout
    assert sum("| Facebook | DITUNDA | artikel belum tayang di situs (" in line for line in lines) == 2
    assert lines[-1] == "Kredensial belum lengkap untuk Instagram, X, Telegram: proses ini gagal."
    assert not apis["facebook"].requests and not run.ledger.exists()

    del run.env["FACEBOOK_PAGE_TOKEN"]
    none = run()
    assert none.returncode == 1
    assert none.stdout.splitlines()[-2:] == [
        "Tidak ada platform dengan kredensial lengkap: tidak ada yang diunggah.",
        "Kredensial belum lengkap untuk Facebook, Instagram, X, Telegram: proses ini gagal."]

    wrong = run("--only", "facebook,tiktok")
    assert wrong.returncode == 2
    assert wrong.stderr.endswith("Galat penggunaan: --only: platform tiktok tidak dikenal; pilih dari facebook, "
                                 "instagram, x, telegram.\n")
    half = run("--resolve", "posted", "--only", "x")
    assert half.returncode == 2
    assert half.stderr.endswith("Galat penggunaan: --resolve memerlukan --item PATH dan tepat satu platform di "
                                "--only.\n")


# No image library in the publishing process: any import of one fails it.
NO_IMAGES = """\
import sys

class _NoImages:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("PIL", "pillow_heif"):
            raise ImportError(f"{name} imported by the publishing process")

sys.meta_path.insert(0, _NoImages())
"""


def test_publish_decodes_no_photo_it_posts_from_the_build_record(run, apis, site, tmp_path):
    """Every photo in content/ is garbage and Pillow cannot even be imported: the posts are still right."""
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copy(site[0] / "mkdocs.yml", copy / "mkdocs.yml")
    shutil.copytree(site[0] / "content", copy / "content")
    copy_record(site[0], copy)
    photos = [p for p in (copy / "content").rglob("*") if p.suffix.lower() in (".jpg", ".jpeg", ".png")]
    assert len(photos) == 10
    for photo in photos:
        photo.write_bytes(b"\xff\xd8\xff not a photo: decoding this would fail")
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(NO_IMAGES, encoding="utf-8")
    run.env["PYTHONPATH"] = str(hook)
    probe = subprocess.run([sys.executable, "-c", "import PIL"], env=run.env, capture_output=True, text=True)
    assert "imported by the publishing process" in probe.stderr  # the hook is in force

    dry = run("--dry-run", "--ledger", str(run.ledger), cwd=copy)
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.endswith("Uji coba: 6 unggahan akan dikirim; tidak ada yang dikirim sekarang.\n")
    first = run("--ledger", str(run.ledger), cwd=copy)
    assert first.returncode == 0, first.stdout + first.stderr
    assert_exactly_once(apis)
    fb = apis["facebook"].posts
    assert [len(p["media"]) for p in fb] == [4, 6]
    assert all(m["format"] == "JPEG" and m["alt"] for p in fb for m in p["media"])
    x = apis["x"].posts[0]
    assert len(x["media"]) == 4 and x["text"].endswith("/berita/2026/rapat-paripurna-penetapan-apbd-2027/")


def test_without_a_build_record_publish_says_to_build_first(run, apis, site, tmp_path):
    shutil.copy(site[0] / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(site[0] / "content", tmp_path / "content")
    for args in ((), ("--dry-run",)):
        result = run(*args, "--ledger", str(run.ledger), cwd=tmp_path)
        assert result.returncode == 1
        assert result.stdout == ""
        assert result.stderr == (
            "Galat: Catatan build .portal/build-record.json tidak ada: `portal publish` hanya mengirim berita yang "
            "sudah dibangun. Jalankan `portal build` dulu (di GitHub Actions: job build mengunggahnya sebagai "
            "artefak catatan-build).\n")
    assert all(not e.requests for e in apis.values())


def test_the_record_lists_exactly_the_published_items(site):
    data = json.loads((site[0] / RECORD).read_text(encoding="utf-8"))
    assert data["version"] == 1
    first, second = data["items"]  # oldest first
    assert first["id"] == "2026-11-12-f70ede" and second["id"] == "2026-11-20-196bee"
    assert second["path"] == "content/berita/2026/2026-11-20-rapat-paripurna-penetapan-apbd-2027"
    assert second["url"] == "berita/2026/rapat-paripurna-penetapan-apbd-2027/"
    assert second["platforms"] == ITEMS["2026-11-20-rapat-paripurna-penetapan-apbd-2027"]
    assert second["photos"][0] == {
        "social": "berita/2026/rapat-paripurna-penetapan-apbd-2027/foto/01-pembukaan-social.jpg",
        "alt": "Ketua DPRD membuka rapat paripurna di ruang sidang utama"}
    for item in data["items"]:  # every recorded photo is on the site
        assert all((site[0] / "site" / photo["social"]).is_file() for photo in item["photos"])


def test_item_names_a_recorded_folder(run, apis):
    wrong = run("--resolve", "posted", "--only", "x", "--item", "content/berita/2026/tidak-ada")
    assert wrong.returncode == 2
    assert wrong.stderr.endswith(
        "Galat penggunaan: --item content/berita/2026/tidak-ada bukan folder berita yang tercatat di build terakhir "
        "(.portal/build-record.json). Periksa path-nya, atau jalankan `portal build` bila beritanya baru.\n")
    item = "content/berita/2026/2026-11-12-rdp-komisi-iv-dinas-kesehatan-layanan-puskesmas/index.md"
    dry = run("--dry-run", "--item", item)
    assert dry.returncode == 0 and "Uji coba: 2 unggahan akan dikirim" in dry.stdout
