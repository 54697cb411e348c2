"""``portal preview``: the reviewer summary of a proposed change, in Markdown.

The PR workflow appends it to the job summary; an editor runs the same
command locally. Per item: title, date, category, caption with its length,
photos, the H+1 deadline, every problem, and the exact text each social
platform would receive (``pipeline.posts``). Everything an editor wrote is
escaped: the summary is rendered as Markdown on GitHub.
"""

from __future__ import annotations

import datetime as dt
import re

from pipeline import schema
from pipeline.changes import ADDED, DELETED, MODIFIED, RENAMED, Change
from pipeline.config import Config
from pipeline.model import ERROR, Item, Page
from pipeline.posts import build_posts
from pipeline.stage import format_date
from pipeline.validate import Report

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#!~])")


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
    deadline = date + dt.timedelta(days=1)
    when = format_date(deadline)
    if today < date:
        return f"{when} (kegiatan belum berlangsung: tanggal H masih {(date - today).days} hari lagi)"
    if today == date:
        return f"{when} (besok)"
    if today == deadline:
        return f"{when} (hari ini)"
    late = (today - deadline).days
    return f"{when}: terlambat {late} hari"


def summary(config: Config, report: Report, changes: list[Change] | None = None, ref: str | None = None,
            site_url: str | None = None) -> str:
    """The reviewer summary of the items and pages in ``report`` (``changes``: how each changed)."""
    today = config.today()
    by_path = {c.path: c for c in changes or []}
    out = ["## Ringkasan untuk pemeriksa", ""]
    out.append(_scope_line(changes, ref, report))
    out.append(_problems_line(report))
    root = config.root
    for item in sorted(report.items, key=lambda i: (i.date or dt.date.min, i.rel), reverse=True):
        folder = item.folder.relative_to(root).as_posix()
        out += _item(config, report, item, folder, by_path.get(folder), today, site_url)
    for page in report.pages:
        out += _page(report, page, by_path.get(page.source.relative_to(root).as_posix()))
    for change in changes or []:
        if change.status == DELETED:
            out += ["", f"### Dihapus: `{md(change.path)}`", "",
                    "Berita atau halaman ini dihapus oleh perubahan ini. Bila sudah terbit, halamannya hilang "
                    "dari situs setelah digabung; unggahan media sosial yang sudah ada tidak ikut terhapus."]
    return "\n".join(out) + "\n"


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
          site_url: str | None) -> list[str]:
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
        ("Kategori", config.categories.get(category, str(category or "(kosong)"))),
        ("Lokasi", str(meta.get("location") or "(tidak diisi)")),
        ("Caption", f"{caption} ({len(caption)}/{schema.CAPTION_MAX} karakter)"),
        ("Foto", f"{len(item.photos)} foto layak terbit (minimal {schema.PHOTOS_MIN})"),
        ("Tag", ", ".join(str(t) for t in meta.get("tags") or []) or "(tidak ada)"),
    ]
    out += ["", "| | |", "|---|---|"] + [f"| {label} | {md(value)} |" for label, value in rows]
    out += ["", *_problems(report, item.source.relative_to(config.root).as_posix(), folder)]
    out += ["", "**Teks untuk media sosial** (persis yang akan dikirim setelah digabung):"]
    if report.errors and any(p.file.startswith(folder + "/") and p.severity == ERROR for p in report.problems):
        out += ["", "Belum dapat dibuat: perbaiki galat di atas lebih dulu."]
        return out
    posts = build_posts(item, config, site_url)
    if not posts:
        out += ["", "Tidak ada: berita ini hanya terbit di situs (`social: []`)."]
    for post in posts:
        cut = "; dipendekkan agar muat" if post.shortened else ""
        out += ["", f"**{post.name}** · {len(post.photos)} foto · {post.length}/{post.limit} karakter{cut}",
                "", fenced(post.text)]
    return out


def _deadline(item: Item, change: Change | None, today: dt.date) -> str:
    if item.date is None:
        return "(tidak diketahui)"
    if change is not None and change.status != ADDED:
        return "tidak berlaku: berita ini sudah ada sebelumnya, ini suntingan"
    return deadline_text(item.date, today)


def _page(report: Report, page: Page, change: Change | None) -> list[str]:
    rel = page.rel
    out = ["", f"### Halaman: {md(page.title or rel)}", "", f"`{md(rel)}`{_status(change)}", ""]
    return out + _problems(report, rel, rel)


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
