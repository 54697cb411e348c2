"""``portal preview``: the reviewer summary of a proposed change, in Markdown.

The PR workflow appends it to the job summary; an editor runs the same
command locally. Per item: title, date, category, caption with its length,
the H+1 deadline, every problem, every photo with its alt text and credit
(a link to the file at the PR's head commit), the narrative in full with a
diff for an edit, and the exact text each social platform would receive
(``pipeline.social.posts``); per static page its body and diff. A reviewer approves
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
from pipeline.check.rules import Report
from pipeline.check.safety import unsafe_path
from pipeline.config import Config
from pipeline.content import schema, sop
from pipeline.content.model import ERROR, Item, Page, Photo
from pipeline.errors import UsageError
from pipeline.site.record import item_id
from pipeline.site.stage import format_date
from pipeline.social.posts import X_COST_WITH_URL, X_COST_WITHOUT_URL, Post, build_posts

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
    for change in changes or []:
        if change.status == DELETED:
            sections.append("\n".join([
                "", f"### Dihapus: `{md(change.path)}`", "",
                "Berita atau halaman ini dihapus oleh perubahan ini. Bila sudah terbit, halamannya hilang "
                "dari situs setelah digabung; unggahan media sosial yang sudah ada tidak ikut terhapus."]))
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
        return f"{len(report.items)} berita dan {len(report.pages)} halaman."
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
    out += _text_and_diff(item.source, item.doc, "Narasi", f"{folder}/index.md", change,
                          f"{change.old_path}/index.md" if change and change.old_path else None, ref, old_text)
    out += ["", "**Teks untuk media sosial** (persis yang akan dikirim setelah digabung):"]
    if report.errors and any(p.file.startswith(folder + "/") and p.severity == ERROR for p in report.problems):
        out += ["", "Belum dapat dibuat: perbaiki galat di atas lebih dulu."]
        return "\n".join(out)
    posts = build_posts(item, config, site_url)
    if not posts:
        out += ["", "Tidak ada: berita ini hanya terbit di situs (`social: []`)."]
    for post in posts:
        cut = "; dipendekkan agar muat" if post.shortened else ""
        status = sent.status(item_id(item), (folder, change.old_path if change else ""), post.platform, change)
        out += ["", f"**{post.name}** · {len(post.photos)} foto · {post.length}/{post.limit} karakter{cut} · "
                f"{status}", "", fenced(post.text)]
        if post.platform == "x":
            out += _x_link(post, config.x_link)
    return "\n".join(out)


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
        if entry is None or entry.state not in sop.SETTLED:
            return "**akan dikirim**"
        if entry.state != sop.POSTED:
            return (f"**belum terkirim**: status {entry.state} menunggu keputusan admin (lihat Panduan Admin, "
                    "*Status FAILED atau UNKNOWN*)")
        link = f"[tautan]({entry.url})" if _POST_URL.fullmatch(entry.url) else md(entry.url or "tanpa tautan")
        if change is not None and change.status in (MODIFIED, RENAMED):
            return f"**tidak dikirim lagi (suntingan)**: sudah terkirim ({link}), unggahan itu tidak ikut berubah"
        return f"**sudah terkirim** ({link})"


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


def _photo_cell(file: str, folder: str, valid: bool, links: Links | None) -> str:
    if not file:
        return "(tanpa `file:`)"
    name = md(file)
    if links is not None and not unsafe_path(file):
        name = f"[{name}]({links.blob(f'{folder}/{file}')})"
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
