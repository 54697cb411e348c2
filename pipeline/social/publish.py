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

Nothing fails quietly and nothing floods (issue 12, ``extra.portal.publish``):
a platform in use without credentials fails the run, naming the variables;
an article not served ``live_hours`` after the build is FAILED (before: DITUNDA);
a run trusts only a ledger whose every line verifies with ``PORTAL_LEDGER_KEY``;
a missing or empty ledger while the record holds items past the cut-off stops
the run until a person starts a new one (``--new-ledger --since DATE``); each
run starts at most ``max_posts`` posts and none of an item more than
``cutoff_days`` after its day H (unless a person names it with ``--item``); a
folder already posted under another id is reported, never posted again.

An item's later life (issue 15): a retracted item is never posted, and its
posts are deleted (DELETED) where the API allows or listed for a person
(MANUAL, "hapus manual" with the link), once; a correction with
``social: true`` is replied once under each post, under its own ledger key
(``correction_key``). Neither is held back by the cut-off.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import requests

from pipeline.actions import shown
from pipeline.config import PLATFORMS, Config
from pipeline.content import urls
from pipeline.content.sop import ATTEMPTING, DELETED, FAILED, MANUAL, NEEDS_PERSON, PLANNED, POSTED, UNKNOWN
from pipeline.errors import PortalError, UsageError
from pipeline.site.record import Published, RecordedUpdate, record_path
from pipeline.social.ledger import KEY_ENV, FileStore, GitBranchStore, Ledger, LedgerError, Record, key_from_env
from pipeline.social.platforms import UNSEARCHABLE, Deferred, Manual, Result, clients_from_env
from pipeline.social.platforms.http import ApiError, Budget, OutOfTime, Redactor, Uncertain
from pipeline.social.posts import NAMES, Post, compose_post, correction_text
from pipeline.video.probe import clock, decimal

DEFERRED, SKIPPED, STOPPED, ID_CHANGED = "DITUNDA", "SUDAH", "BERHENTI", "ID BERUBAH"
# What --dry-run says per item and platform (issue 12: the same words as the reviewer summary).
WILL_SEND, SENT, EDITED = "akan dikirim", "sudah terkirim", "tidak dikirim lagi (suntingan)"
# A retracted item's posts (issue 15): what the run and --dry-run say of each.
REMOVED, WILL_REMOVE, NOT_POSTED = "dihapus", "akan dihapus (berita ditarik)", "tidak dikirim (berita ditarik)"


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


def post_for(item: Published, platform: str, site_url: str, x_link: str = "post") -> Post:
    """What ``platform`` receives for the recorded ``item`` (the same text ``portal preview`` showed)."""
    return compose_post(platform, site_url, item.url, item.title, item.caption, list(item.tags),
                        [(photo.social, photo.alt) for photo in item.photos], x_link, item.video)


def live_status(url: str, session: requests.Session) -> str | None:
    """None when the article is served at ``url`` (HTTP 200), else what was seen instead.

    Instagram and Telegram fetch its photos from there, and a post links to it.
    """
    try:
        status = session.get(url, timeout=20).status_code
    except requests.RequestException as exc:
        return f"tidak terhubung: {type(exc).__name__}"
    return None if status == 200 else f"HTTP {status}"


def is_live(url: str, session: requests.Session) -> bool:
    """Whether the article is on the site."""
    return live_status(url, session) is None


def built_at(config: Config) -> dt.datetime | None:
    """When the recorded site was built (``built`` in the build record), or None for an older record."""
    try:
        value = json.loads(record_path(config).read_text(encoding="utf-8")).get("built")
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else None
    except (OSError, ValueError, AttributeError):
        return None


def cutoff(config: Config, item: Published) -> dt.date:
    """The last day ``item`` is posted on its own: ``cutoff_days`` after its day H."""
    return dt.date.fromisoformat(item.date) + dt.timedelta(days=config.publish.cutoff_days)


def wanted_platforms(config: Config, items: list[Published], only: list[str] | None) -> list[str]:
    """The platforms this run must be able to post to: the default and every item's, minus the disabled."""
    named = set(config.social_default).union(*(item.platforms for item in items))
    return [p for p in PLATFORMS if p in named and p not in config.publish.disabled and (only is None or p in only)]


def missing_credentials(env: Mapping[str, str], platforms: list[str]) -> dict[str, list[str]]:
    """Per platform of ``platforms``, the credential variables not set in ``env`` (only those with some missing)."""
    from pipeline.social.platforms import facebook, instagram, telegram, x

    variables = {module.PLATFORM: module.ENV for module in (facebook, instagram, x, telegram)}
    missing = {p: [name for name in variables[p] if not env.get(name)] for p in platforms}
    return {p: names for p, names in missing.items() if names}


def credentials_message(platform: str, names: list[str]) -> str:
    """The message that fails a run: which variables are missing, and how to switch the platform off instead."""
    return (f"Kredensial {NAMES[platform]} belum lengkap: {', '.join(names)} belum diatur di environment. Isi "
            f"secret-nya di environment production, atau matikan {NAMES[platform]} di mkdocs.yml "
            f"(extra.portal.publish.disabled: [{platform}]).")


def _where(store) -> str:
    return f"berkas {store.path}" if isinstance(store, FileStore) else f"cabang {store.branch} ({store.filename})"


def open_ledger(config: Config, path: Path | None, env, key: bytes | None = None, load: bool = True) -> Ledger:
    """The ledger: ``path`` as a local file, else the ``portal-ledger`` branch of the repository."""
    store = FileStore(path) if path else GitBranchStore(config.root, token=env.get("GITHUB_TOKEN") or None)
    ledger = Ledger(store, key)
    if load:
        ledger.load()
    return ledger


def lost_ledger(config: Config, ledger: Ledger, items: list[Published]) -> str | None:
    """Why this run must not post at all because the ledger is gone, or None.

    With no ledger, every recorded item of every year looks new. When the
    build record holds items past the cut-off, a ledger existed before and was
    lost: posting would flood the platforms, so a person starts a new one on
    purpose (``--new-ledger --since DATE``).
    """
    if ledger.records() or ledger.since is not None:
        return None
    today = config.today()
    old = [item for item in items if cutoff(config, item) < today]
    if not old:
        return None  # a new site: its first ledger starts now
    state = "kosong" if ledger.found else "tidak ditemukan"
    return (f"Daftar publikasi {state} ({_where(ledger.store)}), padahal catatan build berisi {len(old)} berita "
            f"yang lewat batas {config.publish.cutoff_days} hari setelah hari H: berita itu mungkin sudah pernah "
            "diunggah, jadi tidak ada yang diunggah agar tidak terkirim ulang. Bila daftar memang hilang, mulai "
            f"daftar baru dengan sengaja: portal publish --new-ledger --since {today.isoformat()} (hanya berita "
            "dengan hari H sejak tanggal itu yang diunggah).")


def dry_status(config: Config, ledger: Ledger | None, item: Published, platform: str) -> str:
    """What a real run would do with ``item`` on ``platform``, in the words of the reviewer summary."""
    if item.retracted is not None:
        return retracted_status(ledger, item, platform)
    if ledger is not None:
        last = ledger.latest(item.id, platform)
        if last and last.state == POSTED:
            return f"{SENT} ({last.url or 'tanpa tautan'})" if last.path in ("", item.path) else EDITED
        if last is None and ledger.posted_under_other_id(item.id, item.path, platform):
            return EDITED
        if last and last.state in NEEDS_PERSON:
            return f"menunggu keputusan admin ({last.state}: portal publish --resolve)"
        if last and last.state == ATTEMPTING:
            return "dicek dulu di platform (proses sebelumnya berhenti saat mengunggah)"
        if ledger.since and item.date < ledger.since:
            return f"tidak dikirim (hari H sebelum --since {ledger.since})"
    if cutoff(config, item) < config.today():
        return f"tidak dikirim otomatis (lewat batas {config.publish.cutoff_days} hari setelah hari H)"
    return WILL_SEND


def retracted_status(ledger: Ledger | None, item: Published, platform: str) -> str:
    """What becomes of a retracted item's post on ``platform``: nothing (never posted), deleted, or manual."""
    last = ledger.latest(item.id, platform) if ledger is not None else None
    if last is None or last.state in (PLANNED, FAILED):
        return NOT_POSTED
    if last.state == DELETED:
        return REMOVED
    if last.state == MANUAL:
        return f"hapus manual: {last.url or 'tanpa tautan'}"
    return WILL_REMOVE


def dry_run(config: Config, chosen, site_url: str, ledger: Ledger | None, out=sys.stdout,
            missing: dict[str, list[str]] | None = None) -> int:
    """Print per item and platform what a real run would do, and exactly what each platform would receive."""
    missing = missing or {}
    count = 0
    for item, platforms in chosen:
        for platform in platforms:
            if platform in config.publish.disabled:
                continue
            status = dry_status(config, ledger, item, platform)
            if status == WILL_SEND and count >= config.publish.max_posts:
                status = f"{WILL_SEND} pada proses berikutnya (batas {config.publish.max_posts} unggahan per proses)"
            elif status == WILL_SEND:
                count += 1
                if platform in missing:
                    status += " (setelah kredensialnya diatur)"
            print(f"{shown(item.path)} · {NAMES[platform]}: {shown(status)}", file=out)
            if not status.startswith(WILL_SEND) or "berikutnya" in status:
                continue
            post = post_for(item, platform, site_url, config.x_link)
            print(f"=== {NAMES[platform]} · {shown(item.path)} ({post.length}/{post.limit} karakter)", file=out)
            for line in post.text.split("\n"):  # the paragraphs are the post's; anything else is escaped
                print(shown(line), file=out)
            if post.video is not None:  # issue 16: the video goes instead of the photos
                video = post.video
                print(f"  video: {shown(video.url)}  ({shown(video.title)}; {video.width}x{video.height}, "
                      f"{clock(video.duration)}, {decimal(video.bytes / 1_000_000)} MB)", file=out)
            else:
                for photo in post.photos:
                    print(f"  foto: {shown(photo.url)}  (alt: {shown(photo.alt)})", file=out)
            print(file=out)
    print(f"Uji coba: {count} unggahan akan dikirim; tidak ada yang dikirim sekarang.", file=out)
    return 0


class Publisher:
    """One run of ``portal publish``."""

    def __init__(self, config: Config, ledger: Ledger, clients: dict, site_url: str, redact: Redactor,
                 out=sys.stdout, session: requests.Session | None = None, built: dt.datetime | None = None,
                 explicit: bool = False):
        self.config, self.ledger, self.clients, self.site_url = config, ledger, clients, site_url
        self.redact, self.out = redact, out
        self.session = session or requests.Session()
        self.outcomes: list[Outcome] = []
        self.stopped: dict[str, str] = {}
        self.built = built  # when the recorded site was built: an article not live hours later is FAILED
        self.explicit = explicit  # --item: a person chose the item, so the cut-off does not hold it back
        self.posts = 0  # posts started by this run, against the cap (extra.portal.publish.max_posts)
        self.past_cutoff = 0  # posts not made because the item is past the cut-off

    def say(self, text: str) -> None:
        print(shown(self.redact(text)), file=self.out, flush=True)

    def record(self, item: Published, platform: str, state: str, result: Result | None = None, message: str = "",
               data: dict | None = None) -> None:
        self.ledger.append(Record(item=item.id, platform=platform, state=state, time=_now(), path=item.path,
                                  remote_id=result.remote_id if result else "", url=result.url if result else "",
                                  message=self.redact(message), data=(result.data if result else None) or data or {}))

    def run(self, chosen) -> list[Outcome]:
        """Settle what a dead run left, then post what is missing."""
        today = self.config.today()
        for item, platforms in chosen:
            seen: list[str | None] = []  # what the article's URL answered, asked once per item
            for platform in platforms:
                if platform not in self.clients:
                    continue
                last = self.ledger.latest(item.id, platform)
                if item.retracted is not None:
                    self.retract(item, platform, last)
                    continue
                if last and last.state == POSTED:
                    self.correct(item, platform, last)
                    continue
                if last and last.state in NEEDS_PERSON:
                    self.outcomes.append(Outcome(item, platform, last.state, last.message))
                    continue
                if last is None and self.id_changed(item, platform):
                    continue
                if self.ledger.since and item.date < self.ledger.since:
                    continue  # a ledger started on purpose: only items from --since on
                if not self.explicit and cutoff(self.config, item) < today:
                    self.past_cutoff += 1
                    continue
                if platform in self.stopped:
                    self.outcomes.append(Outcome(item, platform, STOPPED, self.stopped[platform]))
                    continue
                if self.posts >= self.config.publish.max_posts:
                    self.outcomes.append(Outcome(item, platform, DEFERRED, (
                        f"batas {self.config.publish.max_posts} unggahan per proses tercapai; "
                        "dikirim pada proses berikutnya")))
                    continue
                if not seen:
                    seen.append(live_status(urls.absolute(self.site_url, item.url), self.session))
                if seen[0] is not None:
                    self.not_live(item, platform, seen[0])
                    continue
                self.posts += 1
                self.post(item, platform, last)
        return self.outcomes

    def id_changed(self, item: Published, platform: str) -> bool:
        """True (and reported) when the item's folder was posted under another id: never posted again."""
        other = self.ledger.posted_under_other_id(item.id, item.path, platform)
        if other is None:
            return False
        self.outcomes.append(Outcome(item, platform, ID_CHANGED, (
            f"folder ini sudah terunggah dengan id {other.item} ({other.url or 'tanpa tautan'}); id berita "
            f"berubah menjadi {item.id}, jadi tidak diunggah lagi. Kembalikan `id: {other.item}` di index.md")))
        return True

    def not_live(self, item: Published, platform: str, seen: str) -> None:
        """The article is not served: DITUNDA for ``live_hours`` after the build, then FAILED."""
        url = urls.absolute(self.site_url, item.url)
        hours = self.config.publish.live_hours
        now = dt.datetime.now(dt.UTC)
        if self.built is None or now - self.built < dt.timedelta(hours=hours):
            self.outcomes.append(Outcome(item, platform, DEFERRED, f"artikel belum tayang di situs ({url}: {seen})"))
            return
        self.finish(item, platform, FAILED, message=(
            f"artikel tidak tayang di {url} ({seen}) lebih dari {hours} jam setelah build; periksa site_url dan "
            "deploy, lalu jalankan portal publish --resolve retry"))

    def post(self, item: Published, platform: str, last: Record | None) -> None:
        client = self.clients[platform]
        post = post_for(item, platform, self.site_url, self.config.x_link)
        attempted = []
        uncertain: Uncertain | None = None
        try:
            if last and last.state == ATTEMPTING and self.settle(item, platform, client, post, last):
                return
            self.record(item, platform, PLANNED)
            result = None
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
                    try:
                        found = client.find(post, dict(attempt)) if client.searchable else UNSEARCHABLE
                    except ApiError as lookup:  # the post may exist: a person looks, nothing reposts
                        self.finish(item, platform, UNKNOWN, message=f"{exc.message}; pencarian unggahan gagal: "
                                                                     f"{lookup.message}")
                        return
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
            if attempted and uncertain is None:
                # The publishing call itself was refused "not now" (a throttle, a used-up quota): nothing was
                # posted, so the post is PLANNED again. Left ATTEMPTING, the next run would have to settle it,
                # and Telegram, which cannot look, would make it UNKNOWN: a person's work for nothing.
                self.record(item, platform, PLANNED, message=str(exc))
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

    def retract(self, item: Published, platform: str, last: Record | None) -> None:
        """A retracted item's post: deleted (DELETED) or listed for a person (MANUAL), exactly once.

        Nothing is done for a post never made (no record, PLANNED, FAILED) or already
        handled (DELETED, MANUAL). A post that may exist without a known id (UNKNOWN,
        ATTEMPTING) is MANUAL: a person looks. A refused DELETE stays POSTED, so
        the next run tries again; a DELETE repeated after a lost answer finds the
        post gone and counts as deleted (each client's ``delete``).
        """
        if last is None or last.state not in (POSTED, UNKNOWN, ATTEMPTING):
            return
        if last.state != POSTED:
            self.removed(item, platform, MANUAL, last, f"status {last.state}: unggahan mungkin ada, periksa platform")
            return
        if platform in self.stopped:
            self.outcomes.append(Outcome(item, platform, STOPPED, self.stopped[platform]))
            return
        try:
            self.clients[platform].delete(last, self.config.now())
        except Manual as exc:
            self.removed(item, platform, MANUAL, last, exc.reason)
            return
        except (Deferred, OutOfTime) as exc:
            self.outcomes.append(Outcome(item, platform, DEFERRED, getattr(exc, "message", None) or str(exc)))
            return
        except ApiError as exc:
            if exc.auth:
                self.outcomes.append(Outcome(item, platform, STOPPED, self.stop(platform, exc)))
            elif exc.status is None or exc.status >= 500:  # not refused: the next run deletes it
                self.outcomes.append(Outcome(item, platform, FAILED, f"belum dihapus, dicoba lagi: {exc.message}"))
            else:
                self.removed(item, platform, MANUAL, last, f"{NAMES[platform]} menolak menghapus: {exc.message}")
            return
        self.removed(item, platform, DELETED, last, REMOVED)

    def removed(self, item: Published, platform: str, state: str, last: Record, reason: str) -> None:
        """Record DELETED or MANUAL for the post of ``last`` and report it in the summary."""
        self.ledger.append(Record(item=item.id, platform=platform, state=state, time=_now(), path=item.path,
                                  remote_id=last.remote_id, url=last.url, message=self.redact(reason)))
        detail = REMOVED if state == DELETED else f"hapus manual: {last.url or 'tanpa tautan'} ({reason})"
        self.outcomes.append(Outcome(item, platform, state, detail))

    def correct(self, item: Published, platform: str, posted: Record) -> None:
        """Reply once under the post for each correction with ``social: true`` made since the post's day.

        Each reply has its own ledger key (``correction_key``). A reply is never
        repeated: an uncertain outcome (dropped answer, a run that died) is
        UNKNOWN for a person to look at, a refusal FAILED, both reported once.
        """
        day = posted_day(self.config, posted)
        for key, update in corrections(item):
            last = self.ledger.latest(key, platform)
            if last is not None and last.state != PLANNED:
                if last.state == ATTEMPTING:
                    self.reply_done(item, key, platform, UNKNOWN, message=(
                        "proses sebelumnya berhenti saat mengirim koreksi; periksa apakah balasannya ada"))
                continue
            if update.date < day:
                continue  # the post was made after this correction, from the corrected text
            if platform in self.stopped or self.posts >= self.config.publish.max_posts:
                continue  # the next run sends it
            self.posts += 1
            self.reply(item, key, platform, posted, update)

    def reply(self, item: Published, key: str, platform: str, posted: Record, update) -> None:
        text = correction_text(platform, self.site_url, item.url, update.date, update.note)
        self.ledger.append(Record(item=key, platform=platform, state=ATTEMPTING, time=_now()))
        try:
            result = self.clients[platform].reply(posted, text)
        except (Deferred, OutOfTime) as exc:
            self.ledger.append(Record(item=key, platform=platform, state=PLANNED, time=_now()))
            self.outcomes.append(Outcome(item, platform, DEFERRED, getattr(exc, "message", None) or str(exc)))
            return
        except Uncertain as exc:
            self.reply_done(item, key, platform, UNKNOWN, message=f"{exc.message}; periksa apakah balasan koreksi ada")
            return
        except ApiError as exc:
            if exc.auth:
                self.ledger.append(Record(item=key, platform=platform, state=PLANNED, time=_now()))
                self.outcomes.append(Outcome(item, platform, STOPPED, self.stop(platform, exc)))
                return
            self.reply_done(item, key, platform, FAILED, message=f"koreksi {update.date} gagal: {exc.message}")
            return
        self.reply_done(item, key, platform, POSTED, result, f"koreksi {update.date}")

    def reply_done(self, item: Published, key: str, platform: str, state: str, result: Result | None = None,
                   message: str = "") -> None:
        """The final line of a correction's reply, and its row in the summary."""
        self.ledger.append(Record(item=key, platform=platform, state=state, time=_now(),
                                  remote_id=result.remote_id if result else "", url=result.url if result else "",
                                  message=self.redact(message)))
        detail = f"{message}: {result.url}" if result else message
        self.outcomes.append(Outcome(item, platform, state, detail))

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

    def stop(self, platform: str, exc: ApiError, more: str = "") -> str:
        """Stop ``platform`` for this run after its token was refused; the reason, as reported."""
        self.stopped[platform] = f"token {NAMES[platform]} ditolak ({exc.message}); perbarui secret-nya{more}"
        return self.stopped[platform]

    def refused(self, item, platform, client, post, exc: ApiError) -> None:
        if exc.auth:
            reason = self.stop(platform, exc, f", unggahan {NAMES[platform]} lain dihentikan pada proses ini")
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


def correction_key(item_id: str, date: str, number: int) -> str:
    """The ledger key of the reply for an item's correction: ``<id>#update-<date>`` (``-<n>`` for the n-th that day).

    Apart from the item's own key, so the post's state (POSTED, DELETED) never
    moves; records under it carry no ``path``, so they never look like the
    folder posted under another id.
    """
    return f"{item_id}#update-{date}" + (f"-{number}" if number > 1 else "")


def corrections(item: Published) -> list[tuple[str, RecordedUpdate]]:
    """``(ledger key, update)`` for each of ``item``'s corrections that goes to social media, oldest first."""
    seen: dict[str, int] = {}
    found = []
    for update in item.updates:
        seen[update.date] = seen.get(update.date, 0) + 1
        if update.social:
            found.append((correction_key(item.id, update.date, seen[update.date]), update))
    return found


def due_corrections(config: Config, ledger: Ledger, item: Published, platform: str) -> list[str]:
    """Keys of the corrections a run would reply now under ``item``'s post on ``platform``."""
    posted = ledger.latest(item.id, platform)
    if item.retracted is not None or posted is None or posted.state != POSTED:
        return []
    day = posted_day(config, posted)
    unsent = (None, PLANNED)
    return [key for key, update in corrections(item)
            if update.date >= day and getattr(ledger.latest(key, platform), "state", None) in unsent]


def posted_day(config: Config, posted: Record) -> str:
    """The day (site zone, YYYY-MM-DD) the POSTED record ``posted`` was written: corrections before it need no reply."""
    return dt.datetime.fromisoformat(posted.time.replace("Z", "+00:00")).astimezone(config.tz).date().isoformat()


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
    ledger = open_ledger(config, ledger_path, env, key_from_env(env))
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


def _dry_ledger(config: Config, ledger_path: Path | None, env, items: list[Published],
                new_ledger: str | None, out) -> Ledger | None:
    """The ledger as --dry-run sees it, saying plainly what it could not find or check."""
    try:
        key: bytes | None = key_from_env(env)
    except LedgerError:
        print(f"Catatan: {KEY_ENV} belum diatur: daftar publikasi dibaca tanpa diperiksa keasliannya, dan "
              "proses sungguhan akan berhenti tanpa kunci ini.", file=out)
        key = None
    try:
        ledger = open_ledger(config, ledger_path, env, key)
    except PortalError as exc:
        if new_ledger:
            ledger = None
        else:
            print(f"Catatan: daftar publikasi tidak terbaca ({shown(exc)}); semua unggahan ditampilkan.", file=out)
            return None
    if new_ledger:
        print(f"Catatan: --new-ledger memulai daftar publikasi baru; hanya berita dengan hari H sejak {new_ledger} "
              "yang diunggah.", file=out)
        fresh = Ledger(None, key)
        fresh.since = new_ledger
        return fresh
    assert ledger is not None
    if not ledger.found:
        print(f"Catatan: daftar publikasi tidak ditemukan ({_where(ledger.store)}).", file=out)
    refusal = lost_ledger(config, ledger, items)
    if refusal:
        print(f"Catatan: proses sungguhan akan berhenti. {refusal}", file=out)
    return ledger


def pending(config: Config, items: list[Published], ledger_path: Path | None, env=None, out=sys.stdout) -> int:
    """Print ``pending=N``: the posts a real run would start now (``--pending``, for the hourly workflow).

    The scheduled workflow asks for the ``production`` approval only when N > 0,
    so it runs without the key: the ledger is read unverified here (a forged
    line can at most delay this check; the real run verifies every line). A
    ledger that cannot be read counts as pending, so the real run says why.
    """
    env = os.environ if env is None else env
    try:
        key: bytes | None = key_from_env(env)
    except LedgerError:
        key = None
    try:
        ledger = open_ledger(config, ledger_path, env, key)
    except PortalError:
        print("pending=1", file=out)
        return 0
    count = 0
    for item, platforms in select(items, None):
        for platform in platforms:
            if platform not in config.publish.disabled:
                status = dry_status(config, ledger, item, platform)
                count += status in (WILL_SEND, WILL_REMOVE) or status.startswith("dicek dulu")
                count += len(due_corrections(config, ledger, item, platform))
    print(f"pending={count}", file=out)
    return 0


def _start_ledger(config: Config, ledger_path: Path | None, env, key: bytes, since: str, out) -> Ledger:
    """``--new-ledger --since DATE``: a new signed ledger, only where the old one is missing, empty or refused."""
    ledger = open_ledger(config, ledger_path, env, key, load=False)
    try:
        ledger.load()
    except LedgerError as exc:
        print(f"Daftar publikasi lama ditolak ({shown(exc)}); daftar baru dimulai di atasnya (riwayatnya tetap "
              "tersimpan).", file=out)
    else:
        if ledger.records():
            raise UsageError(f"--new-ledger hanya untuk daftar publikasi yang hilang, kosong atau rusak; daftar di "
                             f"{_where(ledger.store)} utuh ({len(ledger.records())} baris).")
    ledger.start(since, _now())
    print(f"Daftar publikasi baru dimulai di {_where(ledger.store)}: hanya berita dengan hari H sejak {since} yang "
          "diunggah.", file=out)
    return ledger


def publish(config: Config, items: list[Published], *, dry: bool = False, only: list[str] | None = None,
            site_url: str | None = None, ledger_path: Path | None = None, env=None, out=sys.stdout,
            budget_seconds: float = 600.0, new_ledger: str | None = None, explicit: bool = False) -> int:
    """Run ``portal publish``; the exit code: 1 when anything ended FAILED, UNKNOWN or stopped,
    or a wanted platform has no credentials.

    ``new_ledger`` (``--new-ledger --since DATE``) starts a new ledger that posts
    only items from DATE on; ``explicit`` (``--item``): a person chose the items,
    so the cut-off does not hold them back (the cap still holds).
    """
    env = os.environ if env is None else env
    site = (site_url or config.site_url or "").rstrip("/")
    if not site:
        raise UsageError("alamat situs tidak diketahui: isi `site_url` di mkdocs.yml atau beri --site-url URL.")
    redact = Redactor()
    chosen = select(items, only)
    missing = missing_credentials(env, wanted_platforms(config, items, only))
    if dry:
        for platform, names in missing.items():
            print(f"Catatan: {credentials_message(platform, names)}", file=out)
        ledger = _dry_ledger(config, ledger_path, env, items, new_ledger, out)
        return dry_run(config, chosen, site, ledger, out, missing)
    key = key_from_env(env)  # before anything else: a run that cannot trust its ledger posts nothing
    if new_ledger:
        ledger = _start_ledger(config, ledger_path, env, key, new_ledger, out)
    else:
        ledger = open_ledger(config, ledger_path, env, key)
        refusal = lost_ledger(config, ledger, items)
        if refusal:
            raise PortalError(refusal)
    for platform, names in missing.items():
        print(f"Galat: {credentials_message(platform, names)}", file=out)
    wanted = [p for p in wanted_platforms(config, items, only) if p not in missing]
    clients, _ = clients_from_env(env, redact, Budget(budget_seconds), wanted)
    publisher = Publisher(config, ledger, clients, site, redact, out, built=built_at(config), explicit=explicit)
    outcomes = publisher.run(chosen) if clients else []
    if clients:
        print(redact(table(outcomes)), file=out)
    else:
        print("Tidak ada platform dengan kredensial lengkap: tidak ada yang diunggah.", file=out)
    if publisher.past_cutoff:
        print(f"{publisher.past_cutoff} unggahan tidak dikirim otomatis: beritanya lewat batas "
              f"{config.publish.cutoff_days} hari setelah hari H (kirim satu per satu dengan "
              "portal publish --item PATH bila memang perlu).", file=out)
    manual = sum(o.state == MANUAL for o in outcomes)
    if manual:
        print(f"{manual} unggahan berita yang ditarik perlu dihapus manual oleh admin di platformnya (tautan di "
              "atas; lihat Panduan Admin, *Hapus manual*).", file=out)
    bad = [o for o in outcomes if o.state in (*NEEDS_PERSON, STOPPED, ID_CHANGED)]
    if bad:
        print(f"{len(bad)} unggahan perlu perhatian (FAILED, UNKNOWN, {STOPPED} atau {ID_CHANGED}).", file=out)
    if missing:
        print(f"Kredensial belum lengkap untuk {', '.join(NAMES[p] for p in missing)}: proses ini gagal.", file=out)
    return 1 if bad or missing else 0
