"""``portal publish``: post every approved item to its platforms, exactly once.

Works from "every item live on the site and not yet posted there" (the
ledger), never from "the files of this push": quick successive merges,
a platform that was down or a run that died lose nothing on the next run.

Per (item, platform) the ledger moves PLANNED -> ATTEMPTING (written right
before the call that makes the post public) -> POSTED | FAILED | UNKNOWN.
An ATTEMPTING left by a run that died is settled first: the client looks
for the post (Facebook and X by article URL, Instagram by its container);
Telegram cannot look, so it becomes UNKNOWN for a person, never a repost.

The items and their photos come from the build record (``pipeline/site/record.py``),
never from the content: this process holds the social tokens and a
``contents: write`` token, so it decodes no photo and parses no content file.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import requests

from pipeline.actions import shown
from pipeline.config import Config
from pipeline.content import urls
from pipeline.content.sop import ATTEMPTING, FAILED, NEEDS_PERSON, PLANNED, POSTED, SETTLED, UNKNOWN
from pipeline.errors import PortalError, UsageError
from pipeline.site.record import Published
from pipeline.social.ledger import FileStore, GitBranchStore, Ledger, Record
from pipeline.social.platforms import UNSEARCHABLE, Deferred, Result, clients_from_env
from pipeline.social.platforms.http import ApiError, Budget, OutOfTime, Redactor, Uncertain
from pipeline.social.posts import NAMES, Post, compose_post

DEFERRED, SKIPPED, STOPPED = "DITUNDA", "SUDAH", "BERHENTI"


@dataclass
class Outcome:
    """One line of the summary table."""

    item: Published
    platform: str
    state: str
    detail: str = ""


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def select(items: list[Published], only: list[str] | None) -> list[tuple[Published, list[str]]]:
    """The recorded items oldest first, with the platforms each goes to."""
    chosen = []
    for item in sorted(items, key=lambda i: (i.date, i.path)):
        platforms = [p for p in item.platforms if only is None or p in only]
        if platforms:
            chosen.append((item, platforms))
    return chosen


def post_for(item: Published, platform: str, site_url: str) -> Post:
    """What ``platform`` receives for the recorded ``item`` (the same text ``portal preview`` showed)."""
    return compose_post(platform, site_url, item.url, item.title, item.caption, list(item.tags),
                        [(photo.social, photo.alt) for photo in item.photos])


def is_live(url: str, session: requests.Session) -> bool:
    """Whether the article is on the site: Instagram and Telegram fetch its photos from there."""
    try:
        return session.get(url, timeout=20).status_code == 200
    except requests.RequestException:
        return False


def open_ledger(config: Config, path: Path | None, env) -> Ledger:
    """The ledger: ``path`` as a local file, else the ``portal-ledger`` branch of the repository."""
    store = FileStore(path) if path else GitBranchStore(config.root, token=env.get("GITHUB_TOKEN") or None)
    ledger = Ledger(store)
    ledger.load()
    return ledger


def dry_run(config: Config, chosen, site_url: str, ledger: Ledger | None, out=sys.stdout) -> int:
    """Print exactly what each platform would receive; call nothing."""
    count = 0
    for item, platforms in chosen:
        for platform in platforms:
            last = ledger.latest(item.id, platform) if ledger else None
            if last and last.state in SETTLED:
                continue
            post = post_for(item, platform, site_url)
            count += 1
            print(f"=== {NAMES[platform]} · {shown(item.path)} ({post.length}/{post.limit} karakter)", file=out)
            for line in post.text.split("\n"):  # the paragraphs are the post's; anything else is escaped
                print(shown(line), file=out)
            for photo in post.photos:
                print(f"  foto: {shown(photo.url)}  (alt: {shown(photo.alt)})", file=out)
            print(file=out)
    print(f"Uji coba: {count} unggahan akan dikirim; tidak ada yang dikirim sekarang.", file=out)
    return 0


class Publisher:
    """One run of ``portal publish``."""

    def __init__(self, config: Config, ledger: Ledger, clients: dict, site_url: str, redact: Redactor,
                 out=sys.stdout, session: requests.Session | None = None):
        self.config, self.ledger, self.clients, self.site_url = config, ledger, clients, site_url
        self.redact, self.out = redact, out
        self.session = session or requests.Session()
        self.outcomes: list[Outcome] = []
        self.stopped: dict[str, str] = {}

    def say(self, text: str) -> None:
        print(shown(self.redact(text)), file=self.out, flush=True)

    def record(self, item: Published, platform: str, state: str, result: Result | None = None, message: str = "",
               data: dict | None = None) -> None:
        self.ledger.append(Record(item=item.id, platform=platform, state=state, time=_now(), path=item.path,
                                  remote_id=result.remote_id if result else "", url=result.url if result else "",
                                  message=self.redact(message), data=(result.data if result else None) or data or {}))

    def run(self, chosen) -> list[Outcome]:
        """Settle what a dead run left, then post what is missing."""
        for item, platforms in chosen:
            live = None
            for platform in platforms:
                if platform not in self.clients:
                    continue
                last = self.ledger.latest(item.id, platform)
                if last and last.state == POSTED:
                    continue
                if last and last.state in NEEDS_PERSON:
                    self.outcomes.append(Outcome(item, platform, last.state, last.message))
                    continue
                if platform in self.stopped:
                    self.outcomes.append(Outcome(item, platform, STOPPED, self.stopped[platform]))
                    continue
                if live is None:
                    live = is_live(urls.absolute(self.site_url, item.url), self.session)
                if not live:
                    self.outcomes.append(Outcome(item, platform, DEFERRED, "artikel belum tayang di situs"))
                    continue
                self.post(item, platform, last)
        return self.outcomes

    def post(self, item: Published, platform: str, last: Record | None) -> None:
        client = self.clients[platform]
        post = post_for(item, platform, self.site_url)
        attempted = []
        try:
            if last and last.state == ATTEMPTING and self.settle(item, platform, client, post, last):
                return
            self.record(item, platform, PLANNED)
            result, uncertain = None, None
            attempt: dict = {}

            def attempting(data: dict) -> None:
                attempted.append(True)
                attempt.clear()
                attempt.update(data)  # e.g. Instagram's container: what find() looks at
                self.record(item, platform, ATTEMPTING, data=data)

            for _ in range(3):  # an uncertain outcome the platform can look up, then try again
                try:
                    result = client.publish(post, attempting)
                    break
                except Uncertain as exc:
                    uncertain = exc
                    found = client.find(post, dict(attempt)) if client.searchable else UNSEARCHABLE
                    if isinstance(found, Result):
                        result = found
                        break
                    if found is UNSEARCHABLE:
                        self.finish(item, platform, UNKNOWN, message=f"{exc.message}; periksa kanal secara manual")
                        return
            if result is None:
                assert uncertain is not None  # three uncertain attempts, none found
                raise uncertain
        except Deferred as exc:
            self.outcomes.append(Outcome(item, platform, DEFERRED, str(exc)))
            return
        except OutOfTime as exc:
            self.outcomes.append(Outcome(item, platform, DEFERRED, exc.message))
            return
        except ApiError as exc:
            self.refused(item, platform, client, post, exc)
            return
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            # An answer outside the documented contract. After the publishing
            # call it may hide a post that exists: a person looks, nothing reposts.
            message = f"jawaban {NAMES[platform]} tidak sesuai kontrak API ({type(exc).__name__})"
            self.finish(item, platform, UNKNOWN if attempted else FAILED, message=message)
            return
        self.finish(item, platform, POSTED, result)

    def settle(self, item, platform, client, post, last: Record) -> bool:
        """An ATTEMPTING from a run that died: True when it is settled (posted or unknown)."""
        found = client.find(post, last.data)
        if isinstance(found, Result):
            self.say(f"{NAMES[platform]}: {item.path} ternyata sudah terunggah pada proses sebelumnya.")
            self.finish(item, platform, POSTED, found)
            return True
        if found is UNSEARCHABLE:
            self.finish(item, platform, UNKNOWN, message="proses sebelumnya berhenti saat mengunggah; "
                                                         "periksa kanal secara manual lalu catat hasilnya")
            return True
        return False

    def refused(self, item, platform, client, post, exc: ApiError) -> None:
        if exc.auth:
            reason = (f"token {NAMES[platform]} ditolak ({exc.message}); perbarui secret-nya, unggahan "
                      f"{NAMES[platform]} lain dihentikan pada proses ini")
            self.stopped[platform] = reason
            self.record(item, platform, PLANNED, message=reason)  # not posted: the next run tries again
            self.outcomes.append(Outcome(item, platform, STOPPED, reason))
            return
        if exc.duplicate and client.searchable:
            found = client.find(post, {})
            if isinstance(found, Result):
                self.finish(item, platform, POSTED, found)
                return
        self.finish(item, platform, FAILED, message=exc.message)

    def finish(self, item, platform, state, result: Result | None = None, message: str = "") -> None:
        self.record(item, platform, state, result, message)
        self.outcomes.append(Outcome(item, platform, state, result.url if result else message))


def table(outcomes: list[Outcome]) -> str:
    """The summary table printed at the end of a run."""
    if not outcomes:
        return "Tidak ada yang perlu diunggah: semua berita sudah terunggah ke media sosialnya."
    rows = [("Berita", "Platform", "Status", "Keterangan")]
    # Platform messages and names are outside text: one line each, whatever they hold.
    rows += [(shown(o.item.name), NAMES[o.platform], o.state, shown(o.detail)) for o in outcomes]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = [" | ".join(r[i].ljust(widths[i]) for i in range(3)) + " | " + r[3] for r in rows]
    lines.insert(1, "-+-".join("-" * w for w in widths) + "-+-" + "-" * 10)
    return "\n".join(lines)


def resolve(config: Config, item: Published, platform: str, action: str, url: str | None = None,
            ledger_path: Path | None = None, env=None, out=sys.stdout) -> int:
    """Record a person's decision on a FAILED or UNKNOWN post: ``posted`` (it is there) or ``retry``."""
    env = os.environ if env is None else env
    ledger = open_ledger(config, ledger_path, env)
    last = ledger.latest(item.id, platform)
    if last is None or last.state not in NEEDS_PERSON:
        state = last.state if last else "belum pernah diunggah"
        raise UsageError(f"{NAMES[platform]} untuk {shown(item.name)} berstatus {state}; --resolve hanya untuk "
                         "FAILED atau UNKNOWN.")
    folder = shown(item.path)
    if action == "posted":
        ledger.append(Record(item=item.id, platform=platform, state=POSTED, time=_now(), path=item.path,
                             url=url or "", message="dicatat manual: unggahan ada di platform"))
        print(f"Dicatat: {NAMES[platform]} untuk {folder} sudah terunggah; tidak akan diunggah lagi.", file=out)
    else:
        ledger.append(Record(item=item.id, platform=platform, state=PLANNED, time=_now(), path=item.path,
                             message="dicoba ulang atas keputusan admin"))
        print(f"Dicatat: {NAMES[platform]} untuk {folder} akan diunggah pada `portal publish` berikutnya.", file=out)
    return 0


def publish(config: Config, items: list[Published], *, dry: bool = False, only: list[str] | None = None,
            site_url: str | None = None, ledger_path: Path | None = None, env=None, out=sys.stdout,
            budget_seconds: float = 600.0) -> int:
    """Run ``portal publish``; the exit code: 1 when anything ended FAILED, UNKNOWN or stopped."""
    env = os.environ if env is None else env
    site = (site_url or config.site_url or "").rstrip("/")
    if not site:
        raise UsageError("alamat situs tidak diketahui: isi `site_url` di mkdocs.yml atau beri --site-url URL.")
    redact = Redactor()
    chosen = select(items, only)
    if dry:
        try:
            ledger = open_ledger(config, ledger_path, env)
        except PortalError as exc:
            print(f"Catatan: daftar publikasi tidak terbaca ({shown(exc)}); semua unggahan ditampilkan.", file=out)
            ledger = None
        return dry_run(config, chosen, site, ledger, out)
    clients, notices = clients_from_env(env, redact, Budget(budget_seconds), only)
    for notice in notices:
        print(notice, file=out)
    if not clients:
        print("Tidak ada platform dengan kredensial lengkap: tidak ada yang diunggah.", file=out)
        return 0
    ledger = open_ledger(config, ledger_path, env)
    publisher = Publisher(config, ledger, clients, site, redact, out)
    outcomes = publisher.run(chosen)
    print(redact(table(outcomes)), file=out)
    bad = [o for o in outcomes if o.state in (*NEEDS_PERSON, STOPPED)]
    if bad:
        print(f"{len(bad)} unggahan perlu perhatian (FAILED, UNKNOWN atau {STOPPED}).", file=out)
    return 1 if bad else 0
