"""``portal preview``: the reviewer summary of a proposed change, in Markdown.

The PR workflow appends it to the job summary; an editor runs the same
command locally. Per item: title, date, category, caption with its length,
the H+1 deadline, every problem, every photo with its alt text and credit
(a link to the file at the PR's head commit), the narrative in full with a
diff for an edit, and the exact text each social platform would receive
(``pipeline.social.posts``); per static page its body and diff; per sitting, document,
legal product, member or term its facts, files and diff (``other_sections``). A reviewer approves
what the public gets, so nothing that will be published is left out.

Everything an editor wrote stays inert on GitHub, which renders the summary
as Markdown: one-line values are escaped (``md``), multi-line text sits in a
fence no backtick run inside can close (``fenced``), link targets are
percent-encoded (``Links``).

GitHub refuses a job summary over 1 MiB, and a failed summary step leaves the
reviewer with nothing. ``Summary.text`` keeps the head and whole items within
a byte budget and says where the rest is (the workflow uploads the full text
as the artifact ``ringkasan-pemeriksa``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import quote

from pipeline.check.captions import mentions
from pipeline.check.changes import (
    ADDED,
    DELETED,
    MODIFIED,
    RENAMED,
    Change,
    LedgerEntry,
    diff_texts,
    read_ledger,
    text_at,
)
from pipeline.check.report import checked_text
from pipeline.check.rules import Report
from pipeline.check.safety import unsafe_path
from pipeline.config import Config
from pipeline.content import schema, sop
from pipeline.content.agenda import STATUSES, Sitting
from pipeline.content.council import TERM_FILE, Member, Term
from pipeline.content.documents import INFORMASI_DIR, KIP, LEGAL_STATUSES, LEGAL_TYPES, SERTA_MERTA, Record, exists
from pipeline.content.frontmatter import read_document
from pipeline.content.model import ERROR, Item, Page, Photo, Retraction
from pipeline.content.updates import read_updates
from pipeline.errors import UsageError
from pipeline.site.documents import MEDIA, legal_title, size_text
from pipeline.site.record import RecordedVideo, item_id, platforms_of, recorded_video
from pipeline.site.stage import format_date
from pipeline.social.posts import X_COST_WITH_URL, X_COST_WITHOUT_URL, Post, build_posts
from pipeline.video.memo import PROBE_CACHE, ProbeMemo
from pipeline.video.probe import VideoError, clock, decimal
from pipeline.video.renditions import LIMITS, MB, expected

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#!~])")
_REPO_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:/[A-Za-z0-9_.-]+)+")
_SHA = re.compile(r"[0-9a-fA-F]{7,64}")
# A post's URL from the ledger shown as a link only when nothing in it can end the Markdown link early.
_POST_URL = re.compile(r"https://[A-Za-z0-9.-]+(?:/[A-Za-z0-9_.~%/?&=+:-]*)?")

# GitHub refuses a step summary over 1 MiB (1,048,576 bytes); the margin is for
# the lines the workflow appends after the summary (the site preview's link).
BUDGET = 1_000_000
ARTIFACT = "ringkasan-pemeriksa"
# GitHub shows JPEG, PNG and WebP in its file view; not HEIC/HEIF or AVIF.
_SHOWN_BY_GITHUB = {"jpeg", "png", "webp"}
# `portal check` refuses files over 1 MB; a diff of anything larger would not
# fit in the summary anyway: the summary points to the PR's file view instead.
DIFF_MAX_BYTES = 2 * 1024 * 1024


def md(text: str) -> str:
    """``text`` shown literally in Markdown (GitHub's job summary renders Markdown and some HTML)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def fenced(text: str, info: str = "text") -> str:
    """``text`` in a code block whose fence no backtick run inside it can close."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{text}\n{fence}"


def deadline_text(date: dt.date, today: dt.date) -> str:
    """The SOP's H+1 publication deadline of an activity on ``date``, as seen ``today``."""
    deadline = sop.deadline(date)
    when = format_date(deadline)
    if today < date:
        return f"{when} (kegiatan belum berlangsung: tanggal H masih {(date - today).days} hari lagi)"
    if today == date:
        return f"{when} (besok)"
    if today == deadline:
        return f"{when} (hari ini)"
    late = (today - deadline).days
    return f"{when}: terlambat {late} hari"


@dataclass(frozen=True)
class Links:
    """Where the pull request's files are on GitHub: ``<repo_url>/blob/<head>/<prefix><path>``."""

    repo_url: str  # e.g. https://github.com/dprd-kabupaten-contoh/portal-situs
    head: str  # the PR's head commit (not the merge commit: it is what the editor pushed)
    prefix: str = ""  # the project's folder inside the repository, "" at its top

    def blob(self, path: str) -> str:
        """The URL of the file ``path`` (relative to the project), safe inside Markdown's ``(...)``."""
        return f"{self.repo_url}/blob/{self.head}/{quote(self.prefix + path, safe='/')}"


def github_repo_url(environ) -> str | None:
    """The repository's URL in GitHub Actions (``GITHUB_SERVER_URL``/``GITHUB_REPOSITORY``), else None."""
    server, repository = environ.get("GITHUB_SERVER_URL"), environ.get("GITHUB_REPOSITORY")
    return f"{server.rstrip('/')}/{repository}" if server and repository else None


def photo_links(repo_url: str | None, head: str | None, prefix: str = "") -> Links | None:
    """``Links`` from ``--repo-url`` and ``--head``; None (paths only) when neither is given."""
    if not head:
        return None
    if not repo_url:
        raise UsageError("--head memerlukan --repo-url (atau variabel GITHUB_SERVER_URL dan GITHUB_REPOSITORY). "
                         "Contoh: --repo-url https://github.com/pemilik/repositori --head 3f2a1b0")
    repo_url = repo_url.rstrip("/")
    if not _REPO_URL.fullmatch(repo_url):
        raise UsageError(f"--repo-url {repo_url!r} bukan alamat repositori. Contoh: "
                         "https://github.com/pemilik/repositori")
    if not _SHA.fullmatch(head):
        raise UsageError(f"--head {head!r} bukan SHA commit (7 sampai 64 digit heksadesimal).")
    return Links(repo_url, head.lower(), prefix)


@dataclass
class Summary:
    """The reviewer summary as a head (counts) and one section per item, page or deletion."""

    head: str
    sections: list[str]

    def text(self, budget: int | None = BUDGET) -> str:
        """The Markdown, within ``budget`` UTF-8 bytes (None: all of it).

        Keeps the head and whole sections in order while they fit, then ends
        with a line saying how many were left out and where they are. The
        budget must leave room for the head and that line.
        """
        full = self.head + "".join("\n" + s for s in self.sections) + "\n"
        if budget is None or _size(full) <= budget:
            return full
        total = len(self.sections)
        # Room for the cut line with the most digits it can have, and its "\n\n" and "\n".
        used = _size(self.head) + _size(_cut_line(total, total)) + 3
        kept = 0
        for section in self.sections:
            used += 1 + _size(section)  # "\n" + section
            if used > budget:
                break
            kept += 1
        cut = _cut_line(total - kept, total)
        return self.head + "".join("\n" + s for s in self.sections[:kept]) + "\n\n" + cut + "\n"


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def _cut_line(left_out: int, total: int) -> str:
    return (f"**Ringkasan dipotong karena melebihi batas GitHub (1 MiB)**: {left_out} dari {total} berita dan "
            f"halaman tidak ditampilkan; selengkapnya di artefak `{ARTIFACT}`.")


def collect(config: Config, report: Report, changes: list[Change] | None = None, ref: str | None = None,
            site_url: str | None = None, base: str | None = None, links: Links | None = None,
            ledger: list[LedgerEntry] | None = None) -> Summary:
    """The reviewer summary of the items and pages in ``report``.

    ``changes``: how each changed since ``ref``; ``base``: the commit an edit
    is diffed against (``changes.merge_base``); ``links``: where photos link;
    ``ledger``: the publication ledger's lines (default: read from the
    ``portal-ledger`` branch of this clone, when it has one).
    """
    today = config.today()
    by_path = {c.path: c for c in changes or []}
    old_text = _old_text(config, base)
    sent = Sent(ledger if ledger is not None else read_ledger(config))
    head = "\n".join(["## Ringkasan untuk pemeriksa", "", _scope_line(changes, ref, report), _problems_line(report)
                      + sent.line()])
    sections = []
    root = config.root
    for item in sorted(report.items, key=lambda i: (i.date or dt.date.min, i.rel), reverse=True):
        folder = item.folder.relative_to(root).as_posix()
        change = by_path.get(folder)
        sections.append(_item(config, report, item, folder, change, today, site_url, links, ref, old_text, sent))
    for page in report.pages:
        change = by_path.get(page.source.relative_to(root).as_posix())
        sections.append(_page(report, page, change, ref, old_text))
    sections += other_sections(config, report, changes, ref, old_text, links)
    for change in changes or []:
        if change.status == DELETED:
            sections.append("\n".join([
                "", f"### Dihapus: `{md(change.path)}`", "", _deleted_text(config, change.path)]))
    return Summary(head, sections)


def summary(config: Config, report: Report, changes: list[Change] | None = None, ref: str | None = None,
            site_url: str | None = None, base: str | None = None, links: Links | None = None,
            budget: int | None = BUDGET) -> str:
    """The reviewer summary as Markdown, within ``budget`` bytes (see ``collect`` and ``Summary.text``)."""
    return collect(config, report, changes, ref, site_url, base, links).text(budget)


def _old_text(config: Config, base: str | None) -> Callable[[str], str | None]:
    """A reader of files (relative to the project) as they were at ``base``."""
    return (lambda path: text_at(config, base, path)) if base else (lambda path: None)


def _scope_line(changes, ref, report) -> str:
    if changes is None:
        return f"{checked_text(report)}."
    counts: dict[str, int] = {}
    for change in changes:
        counts[change.status] = counts.get(change.status, 0) + 1
    if not counts:
        return f"Tidak ada berita atau halaman yang berubah sejak `{md(ref)}`."
    parts = ", ".join(f"{counts[s]} {s}" for s in (ADDED, MODIFIED, RENAMED, DELETED) if s in counts)
    return f"Berubah sejak `{md(ref)}`: {parts}."


def _problems_line(report: Report) -> str:
    if not report.problems:
        return "Pemeriksaan otomatis: tidak ada galat atau peringatan.\n"
    verdict = "belum boleh digabung" if report.errors else "boleh digabung bila peringatan sudah dipertimbangkan"
    return f"Pemeriksaan otomatis: **{report.errors} galat**, {report.warnings} peringatan ({verdict}).\n"


def _status(change: Change | None) -> str:
    if change is None:
        return ""
    if change.status == RENAMED:
        return f" · **dipindah** dari `{md(change.old_path)}` (alamat beritanya berubah)"
    return f" · **{change.status}**"


def _scheduled(config: Config, item: Item) -> list[tuple[str, str]]:
    """The row of a scheduled item (``publish_at``): when it goes on the site and to social media."""
    if item.publish_at is None:
        return []
    when = f"{format_date(item.publish_at.date())} pukul {item.publish_at:%H.%M} {sop.zone_name(config.timezone)}"
    return [("Terjadwal terbit", f"{when} (situs dan media sosial; sebelum itu tidak tampil di mana pun)")]


def _item(config: Config, report: Report, item: Item, folder: str, change: Change | None, today: dt.date,
          site_url: str | None, links: Links | None, ref: str | None, old_text, sent: Sent) -> str:
    meta = item.meta
    title = item.title or "(tanpa judul)"
    out = ["", f"### {md(title)}", "", f"`{md(folder)}`{_status(change)}"]
    if item.draft:
        out[-1] += " · **draf** (tidak terbit sampai `draft: false`)"
    caption = str(meta.get("caption") or "")
    category = meta.get("category")
    rows = [
        ("Tanggal kegiatan (H)", format_date(item.date) if item.date else "(tidak valid)"),
        ("Batas terbit (H+1, SOP)", _deadline(item, change, today)),
        *_scheduled(config, item),
        ("Kategori", config.categories.get(str(category), str(category or "(kosong)"))),
        ("Lokasi", str(meta.get("location") or "(tidak diisi)")),
        ("Caption", f"{caption} ({len(caption)}/{schema.CAPTION_MAX} karakter)"),
        ("Foto", f"{len(report.publishable_photos(item))} foto layak terbit (minimal {schema.PHOTOS_MIN})"),
        ("Tag", ", ".join(str(t) for t in meta.get("tags") or []) or "(tidak ada)"),
        ("Akun yang disebut (@; periksa ejaannya)", ", ".join(mentions(item)) or "(tidak ada)"),
    ]
    out += ["", "| | |", "|---|---|"] + [f"| {label} | {md(value)} |" for label, value in rows]
    out += ["", *_problems(report, item.source.relative_to(config.root).as_posix(), folder)]
    out += _photos(item, report.publishable_photos(item), folder, links)
    out += _videos(item, folder, links)
    out += _text_and_diff(item.source, item.doc, "Narasi", f"{folder}/index.md", change,
                          f"{change.old_path}/index.md" if change and change.old_path else None, ref, old_text)
    out += _corrections(config, item, folder, change, old_text)
    if item.retraction is not None:
        return "\n".join(out + _retracted(item.retraction))
    out += ["", "**Teks untuk media sosial** (persis yang akan dikirim setelah digabung):"]
    if report.errors and any(p.file.startswith(folder + "/") and p.severity == ERROR for p in report.problems):
        out += ["", "Belum dapat dibuat: perbaiki galat di atas lebih dulu."]
        return "\n".join(out)
    posts = build_posts(item, config, site_url, _expected_video(config, item))
    if not posts:
        out += ["", "Tidak ada: berita ini hanya terbit di situs (`social: []`)."]
    for post in posts:
        cut = "; dipendekkan agar muat" if post.shortened else ""
        status = sent.status(item_id(item), (folder, change.old_path if change else ""), post.platform, change)
        out += ["", f"**{post.name}** · {_media(item, post)} · {post.length}/{post.limit} karakter{cut} · "
                f"{status}", "", fenced(post.text)]
        if post.platform == "x":
            out += _x_link(post, config.x_link)
    return "\n".join(out)


# The narrative's diff beside a correction note: enough to judge the note, the whole file's diff is above.
CORRECTION_DIFF_LINES = 60


def _corrections(config: Config, item: Item, folder: str, change: Change | None, old_text) -> list[str]:
    """For an edited item: its new ``updates`` entries (the public change notes) and the narrative's diff."""
    if change is None or change.status not in (MODIFIED, RENAMED) or item.doc is None:
        return []
    old = old_text(f"{change.old_path or folder}/index.md")
    old_doc = read_document(old.encode("utf-8"))[0] if old is not None else None
    if old_doc is None or old == item.source.read_text(encoding="utf-8", errors="replace"):
        return []  # a move or a photo change: no text to correct
    before = {(u.date, u.note) for u in read_updates(Item(item.source, item.rel, old_doc), config)}
    new = [u for u in item.updates if (u.date, u.note) not in before]
    if not new:
        return ["", "**Koreksi**: tidak ada entri baru di `updates`, jadi ini perubahan kecil: tanggal "
                "\"Diperbarui\" dan riwayat perubahan di situs tidak berubah."]
    out = ["", "**Koreksi penting** (entri baru di `updates`; situs menampilkan \"Diperbarui\" dan catatannya di "
           "\"Riwayat perubahan\"):", ""]
    out += [f"- {format_date(u.date)}: {md(u.note)}" + (" · juga dibalas di bawah unggahan media sosial"
                                                       if u.social else "") for u in new]
    hunks = diff_texts(old_doc.body.strip("\n") + "\n", item.doc.body.strip("\n") + "\n")
    if not hunks:
        return out + ["", "Narasi tidak berubah: periksa apakah catatan koreksi sesuai dengan perubahannya."]
    shown = hunks[:CORRECTION_DIFF_LINES]
    if len(hunks) > len(shown):
        shown.append(f"... ({len(hunks) - len(shown)} baris lagi: lihat perubahan lengkap di atas)")
    return out + ["", "Perubahan narasi (baris `-` dihapus, `+` ditambahkan):", "",
                  fenced("\n".join(["--- a/narasi", "+++ b/narasi", *shown]), "diff")]


def _expected_video(config: Config, item: Item) -> RecordedVideo | None:
    """What the build will record of the item's first video, estimated without encoding (None: no video).

    The check probed the video already (its memo answers); a video the probe refuses has an error above.
    """
    if not item.videos:
        return None
    video = item.videos[0]
    try:
        info = ProbeMemo(config.root / PROBE_CACHE)(video.path, config.limits.video_seconds)
    except VideoError:
        return None
    platforms = platforms_of(item, config)
    return recorded_video(item, platforms, {p: c for p in platforms if (c := expected(info, video.path, p))})


def _media(item: Item, post: Post) -> str:
    """What ``post`` carries besides its text: the video (issue 16), else the photos and, for an item
    with a video, why this platform gets the photos instead."""
    if post.video is not None:
        return (f"video {md(post.video.title)} ({clock(post.video.duration)}, "
                f"{decimal(post.video.bytes / MB)} MB)")
    photos = f"{len(post.photos)} foto"
    if not item.videos:
        return photos
    return f"{photos}, bukan video: {md(item.videos[0].title)} tidak muat ketentuan {post.name} ({_rule(post.platform)})"


def _rule(platform: str) -> str:
    """``platform``'s video limits in words (``renditions.LIMITS``): what a video must be to be posted there."""
    limits = LIMITS[platform]
    parts = [f"{_num(limits.min_seconds)} detik sampai {clock(limits.max_seconds)}"
             if limits.max_seconds != float("inf") else f"minimal {_num(limits.min_seconds)} detik"]
    if limits.min_aspect > 0 or limits.max_aspect != float("inf"):
        parts.append(f"lebar:tinggi {_num(limits.min_aspect)} sampai {_num(limits.max_aspect)}")
    if limits.min_fps > 0:
        parts.append(f"{_num(limits.min_fps)} sampai {_num(limits.max_fps)} fps")
    return ", ".join(parts)


def _num(value: float) -> str:
    """``value`` with at most two decimals, the Indonesian comma and no trailing zeros: ``0,01``, ``3``."""
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def _dollars(amount: float) -> str:
    return f"US${amount:.3f}".replace(".", ",")


def _x_link(post: Post, x_link: str) -> list[str]:
    """Where the article's link goes on X (``x_link`` in mkdocs.yml) and what that costs."""
    times = round(X_COST_WITH_URL / X_COST_WITHOUT_URL)  # 13: the "13x"
    cost = (f"di X, posting bertautan berbiaya {_dollars(X_COST_WITH_URL)}, {times}× posting tanpa tautan "
            f"({_dollars(X_COST_WITHOUT_URL)})")
    if x_link == "reply":
        return ["", f"Tautan berita dikirim sebagai balasan atas posting di atas (`x_link: reply` di mkdocs.yml); "
                f"{cost}. Balasannya:", "", fenced(post.reply)]
    if x_link == "none":
        return ["", f"Tautan berita tidak dikirim ke X (`x_link: none` di mkdocs.yml); {cost}."]
    return ["", f"Tautan berita ada di posting (`x_link: post` di mkdocs.yml); {cost}."]


def _retracted(retraction: Retraction) -> list[str]:
    """What merging a withdrawal does, in place of the social texts: nothing is posted, posts are deleted."""
    return ["", f"**Berita ditarik** pada {format_date(retraction.date)}. Alasan yang tampil di situs: "
            f"{md(retraction.reason)}", "",
            "Setelah digabung, alamat berita hanya berisi pemberitahuan penarikan (tanpa narasi dan foto), dan "
            "berita keluar dari daftar, feed, pencarian dan peta situs. Tidak ada yang dikirim ke media sosial; "
            "unggahan yang sudah terkirim dihapus (Facebook, X, dan Telegram bila belum 48 jam) atau didaftar "
            "untuk **hapus manual** oleh admin (Instagram, Telegram sesudah 48 jam)."]


class Sent:
    """What the publication ledger says of each item's posts, for the reviewer."""

    def __init__(self, entries: list[LedgerEntry] | None):
        self.entries = entries
        self.by_key: dict[tuple[str, str], LedgerEntry] = {}
        self.by_path: dict[tuple[str, str], LedgerEntry] = {}
        for entry in entries or []:  # in ledger order: the last line of an item and platform wins
            self.by_key[(entry.item, entry.platform)] = entry
            if entry.path:
                self.by_path[(entry.path, entry.platform)] = entry

    def line(self) -> str:
        """The head's line on where the statuses come from."""
        if self.entries is None:
            return ("Daftar publikasi (cabang `portal-ledger`) tidak ada di clone ini: \"akan dikirim\" di bawah "
                    "berarti bila belum pernah terkirim.\n")
        return "Status kiriman media sosial menurut daftar publikasi (cabang `portal-ledger`).\n"

    def status(self, key: str, paths: tuple[str, str], platform: str, change: Change | None) -> str:
        """``akan dikirim``, ``sudah terkirim (tautan)`` or ``tidak dikirim lagi (suntingan)``, and why not."""
        entry = self.by_key.get((key, platform)) or next(
            (self.by_path[(p, platform)] for p in paths if p and (p, platform) in self.by_path), None)
        if entry is not None and entry.state == sop.DELETED:
            return "**dihapus** (berita ditarik)"
        if entry is not None and entry.state == sop.MANUAL:
            return f"**hapus manual** (berita ditarik): {self._link(entry)}"
        if entry is None or entry.state not in sop.SETTLED:
            return "**akan dikirim**"
        if entry.state != sop.POSTED:
            return (f"**belum terkirim**: status {entry.state} menunggu keputusan admin (lihat Panduan Admin, "
                    "*Status FAILED atau UNKNOWN*)")
        link = self._link(entry)
        if change is not None and change.status in (MODIFIED, RENAMED):
            return f"**tidak dikirim lagi (suntingan)**: sudah terkirim ({link}), unggahan itu tidak ikut berubah"
        return f"**sudah terkirim** ({link})"


    @staticmethod
    def _link(entry: LedgerEntry) -> str:
        return f"[tautan]({entry.url})" if _POST_URL.fullmatch(entry.url) else md(entry.url or "tanpa tautan")


def _photos(item: Item, publishable: list[Photo], folder: str, links: Links | None) -> list[str]:
    """Every photo listed in ``photos:``, in site order, with its alt text and credit."""
    listed = item.meta.get("photos")
    entries = [e for e in listed if isinstance(e, dict)] if isinstance(listed, list) else []
    if not entries:
        return []
    valid = {photo.file for photo in publishable}
    out = ["", "**Foto** (urutan di situs; foto pertama menjadi foto utama dan gambar pratinjau saat dibagikan):",
           "", "| # | Berkas | Teks alt | Kredit |", "|---|---|---|---|"]
    for number, entry in enumerate(entries, 1):
        file = entry.get("file")
        credit = entry.get("credit")
        shown = _photo_cell(str(file) if file is not None else "", folder, file in valid, links)
        out.append(f"| {number} | {shown} | {md(entry.get('alt') or '(kosong)')} | "
                   f"{md(credit if credit not in (None, '') else '(tidak diisi)')} |")
    if links is None:
        out += ["", "Foto tidak ditautkan: tanpa `--repo-url` dan `--head` (di pull request tautannya dibuat "
                "otomatis), buka fotonya di folder berita."]
    return out


def _videos(item: Item, folder: str, links: Links | None) -> list[str]:
    """Every valid video of ``videos:`` (issue 16): its file, title and captions file, linked like the photos.

    GitHub plays an MP4 in its file view, so the reviewer watches it there; an entry with an error is
    named by the check above instead.
    """
    if not item.videos:
        return []
    out = ["", "**Video** (tampil di bawah narasi; video pertama juga dikirim ke media sosial sebagai pengganti "
           "foto, lihat di bawah):", "", "| # | Berkas | Judul | Teks (takarir) |", "|---|---|---|---|"]
    for number, video in enumerate(item.videos, 1):
        captions = _link(video.caption_file, folder, links) if video.captions and video.caption_file else \
            "(tidak ada: penonton tunarungu tidak dapat mengikuti)"
        out.append(f"| {number} | {_link(video.file, folder, links)} | {md(video.title)} | {captions} |")
    return out


def _link(file: str, folder: str, links: Links | None) -> str:
    """``file`` of the item folder, linked to the pull request's head commit when links are known."""
    return f"[{md(file)}]({links.blob(f'{folder}/{file}')})" if links is not None else md(file)


def _photo_cell(file: str, folder: str, valid: bool, links: Links | None) -> str:
    if not file:
        return "(tanpa `file:`)"
    name = md(file) if unsafe_path(file) else _link(file, folder, links)
    kind = schema.IMAGE_EXTENSIONS.get(PurePosixPath(file).suffix.lower())
    if kind and kind not in _SHOWN_BY_GITHUB:
        name += " (GitHub tidak dapat menampilkan format ini; lihat fotonya di pratinjau situs)"
    if not valid:
        name += " · **tidak terbit**: lihat galat di atas"
    return name


def _text_and_diff(source, doc, label: str, rel: str, change: Change | None, old_rel: str | None,
                   ref: str | None, old_text) -> list[str]:
    """The body of an item or page in full and, for an edit, the diff of its file against the base."""
    if doc is None:
        out = ["", f"**{label}**: tidak dapat dibaca; lihat galat di atas."]
    else:
        body = doc.body.strip("\n")
        out = ["", f"**{label}** (teks lengkap yang akan terbit, apa adanya):", "",
               fenced(body) if body.strip() else "(kosong)"]
    if change is None or change.status not in (MODIFIED, RENAMED):
        return out
    return out + _diff(source, rel, old_rel or rel, ref, old_text)


def _diff(source, rel: str, old_rel: str, ref: str | None, old_text) -> list[str]:
    name = rel.rsplit("/", 1)[-1]
    title = f"**Perubahan `{md(name)}`** dibanding `{md(ref or 'versi sebelumnya')}`"
    old = old_text(old_rel)
    if old is None:
        return ["", f"{title}: versi sebelumnya tidak ditemukan."]
    if source.stat().st_size + len(old.encode("utf-8")) > DIFF_MAX_BYTES:
        return ["", f"{title}: terlalu besar untuk ditampilkan di sini; lihat tab **Files changed**."]
    hunks = diff_texts(old, source.read_text(encoding="utf-8", errors="replace"))
    if not hunks:
        return ["", f"{title}: isi `{md(name)}` tidak berubah (yang berubah berkas lain, misalnya foto)."]
    lines = [f"--- a/{old_rel}", f"+++ b/{rel}", *hunks]
    return ["", f"{title} (baris `-` dihapus, `+` ditambahkan):", "", fenced("\n".join(lines), "diff")]


def _deadline(item: Item, change: Change | None, today: dt.date) -> str:
    if item.date is None:
        return "(tidak diketahui)"
    if change is not None and change.status != ADDED:
        return "tidak berlaku: berita ini sudah ada sebelumnya, ini suntingan"
    return deadline_text(item.date, today)


def _page(report: Report, page: Page, change: Change | None, ref: str | None, old_text) -> str:
    rel = page.rel
    out = ["", f"### Halaman: {md(page.title or rel)}", "", f"`{md(rel)}`{_status(change)}", ""]
    if page.doc is not None:
        description = page.doc.meta.get("description") or "(tidak diisi)"
        out += ["| | |", "|---|---|", f"| Judul | {md(page.title or '(tanpa judul)')} |",
                f"| Deskripsi (mesin pencari, pratinjau tautan) | {md(description)} |", ""]
    out += _problems(report, rel, rel)
    out += _text_and_diff(page.source, page.doc, "Isi halaman", rel, change, change.old_path if change else None,
                          ref, old_text)
    return "\n".join(out)


def _problems(report: Report, file: str, folder: str) -> list[str]:
    mine = [p for p in report.problems if p.file == file or p.file.startswith(folder + "/")]
    if not mine:
        return ["Tidak ada galat atau peringatan."]
    lines = ["**Galat dan peringatan:**", ""]
    for p in mine:
        label = "Galat" if p.severity == ERROR else "Peringatan"
        where = f"`{md(p.file)}` baris {p.line}" if p.file != file else f"baris {p.line}"
        lines.append(f"- {label} `{p.rule}` ({where}): {md(p.message)}")
    return lines


# --------------------------------------------------------------------------- agenda, council, documents
#
# Issue 17: a pull request that adds a sitting, a member or a document gets its
# section too, with what the reviewer must judge before the public sees it.


def other_sections(config: Config, report: Report, changes: list[Change] | None, ref: str | None,
                   old_text, links: Links | None) -> list[str]:
    """The sections of the sittings, documents, legal products, terms and members ``report`` checked.

    With ``changes``, only the changed ones (a changed term file puts its whole
    term in the check's scope; only the members that changed are shown).
    """
    content = report.content
    if content is None:
        return []
    by_path = {c.path: c for c in changes or []}
    root = config.root

    def shown(path) -> tuple[bool, Change | None]:
        rel = path.relative_to(root).as_posix()
        return (changes is None or rel in by_path), by_path.get(rel)

    out = []
    for sitting in sorted(content.agenda, key=lambda s: (s.date or dt.date.min, s.rel), reverse=True):
        wanted, change = shown(sitting.source)
        if wanted:
            out.append(_sitting(config, report, sitting, change, ref, old_text))
    for record in content.documents.informasi + content.documents.jdih:
        wanted, change = shown(record.folder)
        if wanted:
            out.append(_record(report, record, change, ref, old_text, links))
    for term in content.council.terms:
        wanted, change = shown(term.folder)
        if wanted and content.scope.covers(term.folder / TERM_FILE):
            out.append(_term(report, term, change, ref, old_text))
        for member in term.members:
            wanted, change = shown(member.folder)
            if wanted and content.scope.covers(member.source):
                out.append(_member(config, report, term, member, change, ref, old_text, links))
    return out


def _deleted_text(config: Config, path: str) -> str:
    """What a deletion does, for the kind of unit at ``path`` (news and pages: their posts stay)."""
    kind = PurePosixPath(path).relative_to(config.content.relative_to(config.root).as_posix()).parts[0]
    what = {"agenda": "Rapat ini", "anggota": "Anggota atau masa jabatan ini", "informasi": "Dokumen ini",
            "jdih": "Produk hukum ini"}.get(kind)
    if kind == "berita":
        return ("Berita ini dihapus oleh perubahan ini. Berita yang sudah terbit tidak boleh dihapus "
                "(`item-deleted`): foldernya tetap, dan berita ditarik dengan `retracted: {date, reason}`, yang "
                "meninggalkan pemberitahuan di alamatnya dan menghapus unggahan media sosialnya.")
    if what is None:
        return ("Halaman ini dihapus oleh perubahan ini. Bila sudah terbit, halamannya hilang dari situs setelah "
                "digabung.")
    return (f"{what} dihapus oleh perubahan ini. Bila sudah terbit, halamannya (dan berkas unduhannya) hilang "
            "dari situs setelah digabung.")


def _table(rows: list[tuple[str, str]]) -> list[str]:
    return ["| | |", "|---|---|", *(f"| {label} | {md(value)} |" for label, value in rows), ""]


def _sitting(config: Config, report: Report, sitting: Sitting, change: Change | None, ref: str | None,
             old_text) -> str:
    """A sitting: day, time, place, body, public or not, status (with the change), the news item."""
    meta = sitting.meta
    title = str(meta.get("title") or "") or "(tanpa judul)"
    out = ["", f"### Agenda: {md(title)}", "", f"`{md(sitting.rel)}`{_status(change)}", ""]
    if sitting.doc is not None:
        start, end = sitting.at("start", config.tz), sitting.at("end", config.tz)
        time = "–".join(f"{t:%H.%M}" for t in (start, end) if t) or "(tidak valid)"
        status = STATUSES.get(sitting.status, sitting.status)
        if meta.get("change"):
            status += f": {meta.get('change')}"
        previous = sitting.at("previous_start", config.tz)
        body = str(meta.get("body") or "")
        out += _table([
            ("Tanggal", format_date(sitting.date) if sitting.date else "(tidak valid: lihat nama berkas)"),
            ("Waktu", f"{time} {sop.zone_name(config.timezone)}" if start else time),
            ("Tempat", str(meta.get("place") or "(tidak diisi)")),
            ("Alat kelengkapan", config.bodies.get(body, body or "(tidak diisi)")),
            ("Terbuka untuk umum", "tidak" if meta.get("public") is False else "ya"),
            ("Status", status),
            *([("Jadwal semula", f"{format_date(previous.date())} {previous:%H.%M}")] if previous else []),
            ("Berita kegiatannya", str(meta.get("news") or "(belum ada)")),
        ])
    out += _problems(report, sitting.rel, sitting.rel)
    out += _text_and_diff(sitting.source, sitting.doc, "Acara rapat", sitting.rel, change,
                          change.old_path if change else None, ref, old_text)
    return "\n".join(out)


def _record(report: Report, record: Record, change: Change | None, ref: str | None, old_text,
            links: Links | None) -> str:
    """A document or legal product: its facts, every file with type, size and what the check found in it."""
    informasi = record.kind == INFORMASI_DIR
    folder = record.rel.rsplit("/", 1)[0]
    title = (record.text("title") if informasi else legal_title(record)) if record.doc is not None else ""
    label = "Dokumen" if informasi else "Produk hukum"
    out = ["", f"### {label}: {md(title or '(tanpa judul)')}", "", f"`{md(folder)}`{_status(change)}", ""]
    if record.doc is not None:
        out += _table(_document_rows(record) if informasi else _legal_rows(record))
    out += _problems(report, record.rel, folder)
    out += _files(report, record, folder, links)
    out += _text_and_diff(record.source, record.doc, "Isi halaman dokumen", record.rel, change,
                          f"{change.old_path}/index.md" if change and change.old_path else None, ref, old_text)
    return "\n".join(out)


def _document_rows(record: Record) -> list[tuple[str, str]]:
    kip = record.text("kip")
    until = record.day("until")
    day = record.day("date")
    return [
        ("Kategori informasi (KIP)", KIP.get(kip, f"{kip or '(kosong)'} (tidak dikenal)")),
        ("Ringkasan", record.text("summary") or "(kosong)"),
        ("Pejabat/unit yang menguasai", record.text("owner") or "(kosong)"),
        ("Penanggung jawab", record.text("responsible") or "(kosong)"),
        ("Waktu dan tempat pembuatan", ", ".join(p for p in (record.text("place"), format_date(day) if day else "")
                                                 if p) or "(kosong)"),
        ("Bentuk", record.text("form") or "(kosong)"),
        ("Jangka waktu penyimpanan", record.text("retention") or "(kosong)"),
        *([("Pengumuman di setiap halaman sampai", format_date(until))] if kip == SERTA_MERTA and until else []),
    ]


def _legal_rows(record: Record) -> list[tuple[str, str]]:
    kind = record.text("type")
    enacted, promulgated = record.day("enacted"), record.day("promulgated")
    subject = record.meta.get("subject")
    return [
        ("Jenis", LEGAL_TYPES.get(kind, (f"{kind or '(kosong)'} (tidak dikenal)", ""))[0]),
        ("Nomor dan tahun", f"{record.text('number') or '?'} tahun {record.text('year') or '?'}"),
        ("Status", LEGAL_STATUSES.get(record.text("status"), record.text("status") or "(kosong)")),
        ("Ditetapkan", format_date(enacted) if enacted else "(tidak valid)"),
        ("Diundangkan", format_date(promulgated) if promulgated else "(tidak diisi)"),
        ("Subjek", ", ".join(str(s) for s in subject) if isinstance(subject, list) else "(kosong)"),
        ("Bidang hukum", record.text("field") or "(kosong)"),
        ("Abstrak", record.text("abstract") or "(kosong)"),
    ]


def _files(report: Report, record: Record, folder: str, links: Links | None) -> list[str]:
    """Every file the document lists: its title, type, size and the check's findings at its line."""
    if not record.files:
        return []
    out = ["", "**Berkas** (yang diunduh pengunjung; PDF disajikan tanpa metadata dokumen):", "",
           "| # | Berkas | Judul | Jenis dan ukuran | Temuan pemeriksaan |", "|---|---|---|---|---|"]
    for number, attachment in enumerate(record.files, 1):
        name = md(attachment.file)
        if links is not None and attachment.path is not None:
            name = f"[{name}]({links.blob(f'{folder}/{attachment.file}')})"
        path = attachment.path
        there = path is not None and exists(path)
        kind = MEDIA.get(PurePosixPath(attachment.file).suffix.lower(), "jenis tidak diterbitkan")
        size = f"{kind}, {size_text(path.stat().st_size)}" if there and path is not None else "**tidak ada**"
        found = [f"{'galat' if p.severity == ERROR else 'peringatan'} `{p.rule}`" for p in report.problems
                 if p.file == record.rel and p.line == attachment.line]
        title = attachment.title or {"naskah": "Naskah peraturan", "abstrak": "Abstrak"}.get(attachment.role, "")
        out.append(f"| {number} | {name} | {md(title or '(tidak diisi)')} | {size} | "
                   f"{', '.join(found) or 'tidak ada'} |")
    return out


def _term(report: Report, term: Term, change: Change | None, ref: str | None, old_text) -> str:
    """A term of office: its dates, factions, electoral districts and members; the diff of its file."""
    out = ["", f"### Masa jabatan {md(term.label)}", "", f"`{md(term.rel)}`{_status(change)}", ""]
    if term.doc is not None:
        out += _table([
            ("Mulai", format_date(term.start) if term.start else "(tidak valid)"),
            ("Selesai", format_date(term.end) if term.end else "(tidak valid)"),
            ("Fraksi", ", ".join(f"{f.name} ({f.short})" for f in term.factions.values()) or "(tidak ada)"),
            ("Daerah pemilihan", "; ".join(term.districts.values()) or "(tidak ada)"),
            ("Anggota (folder)", str(len(term.members))),
        ])
    out += _problems(report, term.rel, term.rel)
    if change is not None and change.status in (MODIFIED, RENAMED) and term.found:
        out += _diff(term.folder / TERM_FILE, term.rel, term.rel, ref, old_text)
    return "\n".join(out)


def _member(config: Config, report: Report, term: Term, member: Member, change: Change | None, ref: str | None,
            old_text, links: Links | None) -> str:
    """A member: name, faction, district, position, bodies, the portrait's status; the profile and its diff."""
    folder = member.rel.rsplit("/", 1)[0]
    out = ["", f"### Anggota DPRD: {md(member.name or '(tanpa nama)')}", "", f"`{md(folder)}`{_status(change)}", ""]
    if member.doc is not None:
        faction = term.factions.get(member.faction)
        seats = ", ".join(f"{config.bodies.get(s.body, s.body)} ({s.role})" for s in member.seats)
        out += _table([
            ("Masa jabatan", term.label),
            ("Fraksi", faction.name if faction else f"{member.faction or '(kosong)'} (tidak dikenal)"),
            ("Daerah pemilihan", term.districts.get(member.district, member.district or "(kosong)")),
            ("Jabatan", member.position),
            ("Alat kelengkapan", seats or "(tidak ada)"),
            ("Tag berita", member.tag or "(tidak diisi)"),
            *([("Berhenti sebelum akhir masa jabatan", format_date(member.until))] if member.until else []),
        ])
        out += [f"**Foto potret**: {_portrait(report, member, folder, links)}", ""]
    out += _problems(report, member.rel, folder)
    out += _text_and_diff(member.source, member.doc, "Profil", member.rel, change,
                          f"{change.old_path}/index.md" if change and change.old_path else None, ref, old_text)
    return "\n".join(out)


def _portrait(report: Report, member: Member, folder: str, links: Links | None) -> str:
    file = member.photo.get("file")
    if not isinstance(file, str) or not file.strip():
        return "belum dicantumkan"
    name = _photo_cell(file, folder, True, links)
    path = member.photo_path
    line = member.doc.line_of("photo", "file") if member.doc is not None else 0
    broken = any(p.file == member.rel and p.line == line and p.severity == ERROR for p in report.problems)
    if path is None or not exists(path):
        state = "**tidak ditemukan**"
    elif broken:
        state = "**tidak terbit**: lihat galat di bawah"
    else:
        state = "ada, lolos pemeriksaan"
    return f"{name} · {state} · teks alt: {md(member.photo_alt or '(kosong)')}"
