"""Which content units a branch changed: ``--changed-since REF``.

A unit is what one check covers: a news item folder, a static page, a
sitting's file, a document or legal product folder, a member's folder, or a
whole term of office when its ``masa-jabatan.yml`` changed (its factions and
districts are what every member of the term is checked against).

Compares the merge base of ``REF`` and ``HEAD`` with the working tree, so
a reviewer's CI run (``REF`` = the PR's base) and an editor's local run
(uncommitted edits and new files included) see the same set.
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.config import Config
from pipeline.content import sop
from pipeline.content.agenda import AGENDA_DIR
from pipeline.content.council import TERM_FILE
from pipeline.content.documents import INFORMASI_DIR, JDIH_DIR
from pipeline.errors import PortalError, UsageError

ADDED, MODIFIED, RENAMED, DELETED = "baru", "diubah", "dipindah", "dihapus"
COUNCIL_DIR = "anggota"  # content/anggota/<term>/ (pipeline.content.council reads it)


@dataclass
class Change:
    """One changed unit (item folder, page, sitting, document, member or term) and how it changed."""

    path: str  # relative to the project: a folder (item, document, member, term) or a file (page, sitting)
    status: str  # ADDED, MODIFIED, RENAMED or DELETED
    old_path: str = ""  # RENAMED: where it was
    files: list[str] = field(default_factory=list)  # the changed files in it


def _git(root: Path, *args: str) -> str:
    try:
        result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, encoding="utf-8",
                                errors="replace")
    except FileNotFoundError:
        raise PortalError("`--changed-since` memerlukan git, tetapi perintah git tidak ditemukan.") from None
    if result.returncode != 0:
        raise _GitError(result.stderr.strip())
    return result.stdout


class _GitError(Exception):
    pass


def merge_base(config: Config, ref: str) -> str:
    """The commit ``--changed-since REF`` compares with: merge-base(``ref``, HEAD)."""
    root = config.root
    try:
        _git(root, "rev-parse", "--is-inside-work-tree")
    except _GitError:
        raise PortalError(f"`--changed-since` memerlukan repositori git, tetapi {root} bukan repositori git.") \
            from None
    try:
        return _git(root, "merge-base", ref, "HEAD").strip()
    except _GitError:
        raise UsageError(f"`{ref}` tidak dikenal git sebagai cabang atau commit. Contoh: --changed-since "
                         "origin/main (ambil dulu dengan `git fetch origin main`).") from None


def repo_prefix(config: Config) -> str:
    """The project's folder inside its git repository (``""`` at the top, or outside git)."""
    try:
        return _git(config.root, "rev-parse", "--show-prefix").strip()
    except _GitError:
        return ""


def text_at(config: Config, commit: str, path: str) -> str | None:
    """The text of ``path`` (relative to the project) at ``commit``; None where it did not exist.

    ``git cat-file blob`` gives the stored bytes: no textconv or diff driver
    of a ``.gitattributes`` (which a pull request may add) comes between.
    """
    try:
        return _git(config.root, "cat-file", "blob", f"{commit}:./{path}")
    except _GitError:
        return None


def diff_texts(old: str, new: str) -> list[str]:
    """The hunks (``@@`` headers and lines) of a unified diff from ``old`` to ``new``; [] when equal.

    git's diff, not difflib: difflib takes quadratic time in the number of
    lines (8,000 short lines with every third one deleted: 4.6 s; git: 0.02 s
    for 60,000). The two texts are files in a temporary folder outside any
    repository, compared with ``--no-index --text --no-ext-diff --no-textconv``,
    so no ``.gitattributes`` or git configuration can hide or rewrite a change.
    """
    with tempfile.TemporaryDirectory(prefix="portal-diff-") as folder:
        for name, text in (("a", old), ("b", new)):
            Path(folder, name).write_text(text, encoding="utf-8")
        try:
            result = subprocess.run(["git", "diff", "--no-index", "--text", "--no-ext-diff", "--no-textconv",
                                     "--no-color", "--unified=3", "a", "b"], cwd=folder, capture_output=True,
                                    text=True, encoding="utf-8", errors="replace")
        except FileNotFoundError:
            raise PortalError("Membandingkan suntingan memerlukan git, tetapi perintah git tidak ditemukan.") \
                from None
    if result.returncode not in (0, 1):  # 1: the texts differ
        raise PortalError(f"git diff gagal: {result.stderr.strip()}")
    lines = result.stdout.split("\n")[:-1]  # not splitlines(): U+2028 and the like stay inside their line
    start = next((i for i, line in enumerate(lines) if line.startswith("@@")), len(lines))
    return lines[start:]


def changed(config: Config, ref: str) -> list[Change]:
    """The units (see the module's doc) changed between merge-base(``ref``, HEAD) and the working tree."""
    root = config.root
    base = merge_base(config, ref)
    prefix = repo_prefix(config)  # the project inside the repository
    diff = _git(root, "diff", "--name-status", "-z", "--find-renames", "--no-ext-diff", base, "--", ".")
    untracked = _git(root, "ls-files", "--others", "--exclude-standard", "-z", "--", ".")

    entries: list[tuple[str, str, str]] = []  # (status letter, path, old path)
    fields = diff.split("\0")
    i = 0
    while i < len(fields) - 1:
        letter = fields[i][:1]
        if letter in "RC":
            entries.append((letter, fields[i + 2], fields[i + 1]))
            i += 3
        else:
            entries.append((letter, fields[i + 1], ""))
            i += 2
    entries += [("A", path, "") for path in untracked.split("\0") if path]

    content = config.content.relative_to(root).as_posix()
    changes: dict[str, Change] = {}
    for letter, path, old in entries:
        path, old = _strip(path, prefix), _strip(old, prefix)
        unit, old_unit = _unit(path, content), _unit(old, content) if old else None
        if unit is None:
            continue
        change = changes.setdefault(unit, Change(unit, MODIFIED))
        change.files.append(path)
        if letter == "R" and old_unit and old_unit != unit:
            change.status, change.old_path = RENAMED, old_unit
            changes.pop(old_unit, None)
        elif letter == "A" and _is_main_file(path, unit):
            change.status = ADDED
    for change in changes.values():
        if not (root / change.path).exists():
            change.status = DELETED
    return sorted(changes.values(), key=lambda c: c.path)


def _strip(path: str, prefix: str) -> str:
    return path[len(prefix):] if prefix and path.startswith(prefix) else path


def _unit(path: str, content: str) -> str | None:
    """The unit (item, page, sitting, document, member or term) ``path`` belongs to; None outside them."""
    parts = path.split("/")
    base = content.split("/")
    if parts[:len(base)] != base:
        return None
    rest = parts[len(base):]
    kind = rest[0] if rest else ""
    if len(rest) >= 4 and kind == "berita":  # berita/<YYYY>/<folder>/<file>
        return "/".join(base + rest[:3])
    if len(rest) == 2 and kind == "halaman" and rest[1].endswith(".md"):
        return path
    if len(rest) >= 2 and kind == AGENDA_DIR and rest[-1].endswith(".md"):  # agenda/<YYYY>/<file>.md
        return path  # load_agenda reads every .md below agenda/; the check says which is misplaced
    if len(rest) >= 3 and kind in (INFORMASI_DIR, JDIH_DIR):  # informasi/<slug>/<file>
        return "/".join(base + rest[:2])
    if len(rest) >= 3 and kind == COUNCIL_DIR:
        if len(rest) == 3:  # anggota/<term>/<file>: the term file, and with it every member of the term
            return "/".join(base + rest[:2]) if rest[2] == TERM_FILE else None
        return "/".join(base + rest[:3])  # anggota/<term>/<member>/<file>
    return None


def _is_main_file(path: str, unit: str) -> bool:
    return path in (unit, f"{unit}/index.md", f"{unit}/{TERM_FILE}")


def apply_change_rules(report, changes: list[Change], config: Config | None = None, ref: str | None = None) -> None:
    """The rules that depend on how an item changed, applied to a ``--changed-since`` report.

    ``date-late`` stays only on new items: the SOP's H+1 deadline is about
    first publication, and correcting last month's caption is not late
    (warning on every edit would teach reviewers to ignore the warning).
    ``id-missing`` is added to new items without an ``id`` (items made in
    the GitHub web editor): the publication ledger would key them by their
    folder, so renaming it later would post them again. With ``config`` and
    ``ref``, the rules that keep ledger keys fixed are added (``id_problems``).
    """
    from pipeline.content.model import WARNING, Problem

    new = {c.path for c in changes if c.status == ADDED}
    report.problems[:] = [p for p in report.problems
                          if p.rule != "date-late" or p.file.rsplit("/", 1)[0] in new]
    for item in report.items:
        folder = item.rel.rsplit("/", 1)[0]
        if folder in new and item.doc is not None and "id" not in item.meta:
            report.problems.append(Problem(
                item.rel, item.doc.line_of("title"), "id-missing", WARNING,
                f"Berita baru ini belum punya `id`. Tambahkan baris `id: {sop.item_id(item.folder.name)}` "
                "di front-matter: pengenal tetap untuk media sosial, agar berita tidak terunggah dua kali bila "
                "foldernya kelak diganti nama."))
    if config is not None and ref is not None:
        base = merge_base(config, ref)
        report.problems.extend(id_problems(config, base, report, changes, ref))
        report.problems.extend(deleted_item_problems(config, base, changes, ref))
    report.problems.sort()


# --------------------------------------------------------------------------- published items stay
#
# A published item is withdrawn with `retracted: {date, reason}` (issue 15), never deleted: a deleted
# folder kills its URL without a word to readers and leaves its social posts up, while a withdrawn one
# keeps a notice at its URL and has its posts deleted (or listed for manual deletion) by `portal publish`.

_DRAFT = re.compile(r"^draft:[ \t]*true[ \t]*(?:#.*)?$", re.MULTILINE)


def deleted_items(changes: list[Change]) -> list[Change]:
    """The news item folders (``<content>/berita/<YYYY>/<folder>``) a branch deletes."""
    return [c for c in changes if c.status == DELETED and c.path.split("/")[-3:-2] == ["berita"]]


def deleted_item_problems(config: Config, base: str, changes: list[Change], ref: str) -> list:
    """``item-deleted``: an item folder whose ``index.md`` ``base`` holds (not a draft) is gone.

    A folder moved where git could not see a rename (edited too much) is not
    deleted: its ledger key (``id``, else the folder name) is still held by an item.
    """
    from pipeline.content.model import ERROR, Problem

    gone = deleted_items(changes)
    if not gone:
        return []
    keys = {declared_id(p.read_text(encoding="utf-8", errors="replace")) or p.parent.name
            for p in config.content.glob("berita/*/*/index.md")}
    problems = []
    for change in gone:
        old = text_at(config, base, f"{change.path}/index.md")
        head = old[:old.find("\n---", 3)] if old else ""
        if old is None or _DRAFT.search(head) or (declared_id(old) or change.path.rsplit("/", 1)[-1]) in keys:
            continue
        problems.append(Problem(
            f"{change.path}/index.md", 1, "item-deleted", ERROR,
            f"Folder berita ini dihapus, padahal berita ini sudah ada di `{ref}` (sudah terbit). Berita yang sudah "
            "terbit jangan dihapus: alamatnya mati tanpa penjelasan dan unggahan media sosialnya tetap ada. "
            f"Kembalikan foldernya (misalnya `git checkout {ref} -- {change.path}`) lalu tarik beritanya dengan "
            "`retracted:` di front-matter, misalnya `retracted: {date: "
            f"{config.today().isoformat()}, reason: Alasan berita ditarik.}}`; fotonya boleh dihapus dari folder."))
    return problems



# --------------------------------------------------------------------------- ids are for ever
#
# The publication ledger keys every post by the item's `id` (or, without one,
# its folder name: pipeline.site.record.item_id). A key that changes makes the
# item new to the ledger, so it is posted again; a key that was used before
# makes a new item look posted already, so it is never posted. Found by
# attacking the ledger (issue 12, item 5): these rules refuse both before merge.

LEDGER_REFS = ("refs/heads/portal-ledger", "refs/remotes/origin/portal-ledger")
LEDGER_FILE = "ledger.jsonl"
_ID_LINE = re.compile(r"^id:[ \t]*[\"']?([^\"'\s#]+)", re.MULTILINE)
_DIFF_ID = re.compile(r"^[+-]id:[ \t]*[\"']?([^\"'\s#]+)")


@dataclass(frozen=True)
class LedgerEntry:
    """What the review needs of one ledger line: the item key, platform, state, path and post URL."""

    item: str
    platform: str
    state: str
    path: str = ""
    url: str = ""


def read_ledger(config: Config) -> list[LedgerEntry] | None:
    """The lines of the ledger branch as this clone has it (``portal-ledger``, else ``origin/portal-ledger``).

    None when neither ref holds ``ledger.jsonl`` (no ledger yet, or not
    fetched; the PR workflow's full-history checkout fetches it). Read
    without the signing key, which a pull request never gets: what it says is
    shown to reviewers and used to refuse more, never to allow anything.
    Lines that are not records are skipped; ``portal publish`` reports them.
    """
    for ref in LEDGER_REFS:
        try:
            text = _git(config.root, "cat-file", "blob", f"{ref}:{LEDGER_FILE}")
        except (_GitError, PortalError):
            continue
        return _ledger_entries(text)
    return None


def _ledger_entries(text: str) -> list[LedgerEntry]:
    entries = []
    for line in text.split("\n"):
        try:
            values = json.loads(line)
        except ValueError:
            continue
        if not isinstance(values, dict):
            continue
        fields = {name: values.get(name, "") for name in ("item", "platform", "state", "path", "url")}
        if all(isinstance(v, str) for v in fields.values()) and fields["item"] and fields["platform"]:
            entries.append(LedgerEntry(**fields))
    return entries


def declared_id(text: str | None) -> str | None:
    """The ``id:`` of an ``index.md`` text's front-matter, without parsing it (None when it has none)."""
    if not text or not text.startswith("---"):
        return None
    end = text.find("\n---", 3)
    match = _ID_LINE.search(text, 0, end if end > 0 else len(text))
    return match.group(1) if match else None


def used_ids(config: Config, commit: str) -> tuple[dict[str, str], set[str]]:
    """Every id any ``index.md`` held in the history of ``commit`` ({id: item folder}), and every item folder.

    One ``git log -p`` of the news folder: an id added and later deleted
    (its item deleted) was used all the same. Renames are not followed, so
    a moved item's old folder is among the folders too.
    """
    content = config.content.relative_to(config.root).as_posix()
    prefix = repo_prefix(config)
    log = _git(config.root, "log", "-p", "--unified=0", "--no-renames", "--no-ext-diff", "--no-textconv",
               "--no-color", "--format=", commit, "--", f"{content}/berita")
    ids: dict[str, str] = {}
    folders: set[str] = set()
    folder = None
    for line in log.split("\n"):
        if line.startswith(("--- a/", "+++ b/")):
            unit = _unit(_strip(line[6:], prefix), content)
            if unit is not None and unit.count("/") >= 3:
                folder = unit
                folders.add(unit)
        elif folder and line.startswith(("+id:", "-id:")):
            match = _DIFF_ID.match(line)
            if match:
                ids.setdefault(match.group(1), folder)
    return ids, folders


def id_problems(config: Config, base: str, report, changes: list[Change], ref: str) -> list:
    """``id-changed``, ``id-reused`` and ``id-folder`` for the checked items of a ``--changed-since`` report."""
    from pipeline.content.model import ERROR, Problem

    by_path = {c.path: c for c in changes}
    deleted = {c.path for c in changes if c.status == DELETED}
    history, folders = used_ids(config, base)
    ledger = read_ledger(config) or []
    ledger_keys = {e.item: e.path for e in ledger}
    folders |= {e.path for e in ledger if e.path}
    duplicates = {p.file for p in report.problems if p.rule == "id-duplicate"}
    current = {i.folder.relative_to(config.root).as_posix() for i in report.items}
    folders |= {p.parent.relative_to(config.root).as_posix()
                for p in config.content.glob("berita/*/*/index.md")}
    problems = []
    for item in report.items:
        folder = item.folder.relative_to(config.root).as_posix()
        change = by_path.get(folder)
        if change is None or item.doc is None or item.rel in duplicates:
            continue  # id-duplicate names the other item already
        value = item.meta.get("id")
        item_id = value if isinstance(value, str) and value else None
        if change.status in (MODIFIED, RENAMED):
            old_folder = change.old_path or folder
            old_text = text_at(config, base, f"{old_folder}/index.md")
            if old_text is None:
                continue  # no item there at the base (a folder of photos only): nothing was keyed
            found = ("id-changed", _changed_key(declared_id(old_text), item_id, old_folder, folder, ref))
        elif change.status == ADDED:
            found = _new_item_key(item, folder, item_id, Known(history, ledger_keys, folders, deleted, current), ref)
        else:
            continue
        if found[1]:
            line = item.doc.line_of("id") if item_id else item.doc.line_of("title")
            problems.append(Problem(item.rel, line, found[0], ERROR, found[1]))
    return problems


@dataclass(frozen=True)
class Known:
    """What was ever used as a ledger key: ids (git history, ledger) and item folders."""

    history: dict[str, str]  # id -> the folder that held it
    ledger: dict[str, str]  # ledger key -> the article folder recorded with it
    folders: set[str]  # every item folder, now, in history or in the ledger
    deleted: set[str]  # folders this change deletes
    current: set[str]  # folders of the checked items


def _new_item_key(item, folder: str, item_id: str | None, known: Known, ref: str) -> tuple[str, str | None]:
    """The rule and message when a new item's ledger key was used before, else (rule, None)."""
    suggestion = sop.item_id(item.folder.name)
    if item_id is None:
        clash = known.history.get(item.folder.name) or known.ledger.get(item.folder.name)
        if clash is None:
            return "id-folder", None
        return "id-folder", (
            f"Berita baru ini belum punya `id` dan nama foldernya `{item.folder.name}` sama dengan `id` berita "
            f"lain{_where(clash)}. Tanpa `id`, daftar publikasi mencatat berita dengan nama foldernya, jadi berita "
            f"ini dianggap sudah terkirim dan tidak akan pernah terkirim. Tambahkan baris `id: {suggestion}` di "
            "front-matter.")
    earlier = known.history.get(item_id)
    # The id of an item this change deletes, on a new folder: a move git did not see as one (edited too much).
    moved = earlier in known.deleted and earlier not in known.current
    if moved:
        return "id-reused", None
    if earlier is not None:
        return "id-reused", (
            f"`id: {item_id}` sudah pernah dipakai oleh {earlier} (riwayat git `{ref}`). Id yang pernah dipakai "
            "tidak boleh dipakai lagi: daftar publikasi menganggap berita ini sudah terkirim, jadi berita ini tidak "
            f"akan pernah terkirim. Pakai id baru, misalnya `id: {suggestion}`.")
    if item_id in known.ledger:
        return "id-reused", (
            f"`id: {item_id}` sudah tercatat di daftar publikasi (cabang portal-ledger){_where(known.ledger[item_id])}. "
            "Id yang pernah dipakai tidak boleh dipakai lagi: daftar publikasi menganggap berita ini sudah terkirim, "
            f"jadi berita ini tidak akan pernah terkirim. Pakai id baru, misalnya `id: {suggestion}`.")
    others = sorted(f for f in known.folders if f.rsplit("/", 1)[-1] == item_id and f != folder)
    if others:
        return "id-folder", (
            f"`id: {item_id}` sama dengan nama folder berita lain, {others[0]}. Berita tanpa `id` dicatat di daftar "
            "publikasi dengan nama foldernya, jadi kiriman kedua berita akan tertukar. Pakai id lain, misalnya "
            f"`id: {suggestion}`.")
    return "id-folder", None


def _where(path: str) -> str:
    return f", {path}" if path else ""


def _changed_key(old_id: str | None, new_id: str | None, old_folder: str, folder: str, ref: str) -> str | None:
    """Why the ledger key of an item that ``ref`` has changed, or None when it did not."""
    if old_id is not None:
        if new_id == old_id:
            return None
        if new_id is None:
            return (f"Baris `id: {old_id}` dihapus dari berita ini (ada di `{ref}`). Id berita yang sudah ada tidak "
                    "boleh dihapus atau diubah: kiriman media sosialnya tercatat dengan id itu, jadi berita ini akan "
                    f"terkirim lagi. Kembalikan baris `id: {old_id}` di front-matter.")
        return (f"`id` berita ini diubah dari `{old_id}` (di `{ref}`) menjadi `{new_id}`. Id berita yang sudah ada "
                "tidak boleh dihapus atau diubah: kiriman media sosialnya tercatat dengan id itu, jadi berita ini "
                f"akan terkirim lagi. Kembalikan `id: {old_id}`.")
    old_key, new_key = old_folder.rsplit("/", 1)[-1], new_id or folder.rsplit("/", 1)[-1]
    if new_key == old_key:
        return None
    how = "`id` yang baru ditambahkan" if new_id else "nama folder yang baru"
    return (f"Berita ini sudah ada di `{ref}` tanpa `id`, jadi kiriman media sosialnya tercatat dengan nama foldernya "
            f"`{old_key}`; {how} membuat berita ini terkirim lagi. Tulis `id: {old_key}` di front-matter.")
