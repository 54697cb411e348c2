"""Which news items and pages a branch changed: ``--changed-since REF``.

Compares the merge base of ``REF`` and ``HEAD`` with the working tree, so
a reviewer's CI run (``REF`` = the PR's base) and an editor's local run
(uncommitted edits and new files included) see the same set.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.config import Config
from pipeline.content import sop
from pipeline.errors import PortalError, UsageError

ADDED, MODIFIED, RENAMED, DELETED = "baru", "diubah", "dipindah", "dihapus"


@dataclass
class Change:
    """One changed item folder (or static page) and how it changed."""

    path: str  # relative to the project: an item folder or a page file
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
    """Item folders and static pages changed between merge-base(``ref``, HEAD) and the working tree."""
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
    """The item folder or page file ``path`` belongs to, or None outside the content."""
    parts = path.split("/")
    base = content.split("/")
    if parts[:len(base)] != base:
        return None
    rest = parts[len(base):]
    if len(rest) >= 4 and rest[0] == "berita":  # berita/<YYYY>/<folder>/<file>
        return "/".join(base + rest[:3])
    if len(rest) == 2 and rest[0] == "halaman" and rest[1].endswith(".md"):
        return path
    return None


def _is_main_file(path: str, unit: str) -> bool:
    return path == unit or path == f"{unit}/index.md"


def apply_change_rules(report, changes: list[Change]) -> None:
    """The rules that depend on how an item changed, applied to a ``--changed-since`` report.

    ``date-late`` stays only on new items: the SOP's H+1 deadline is about
    first publication, and correcting last month's caption is not late
    (warning on every edit would teach reviewers to ignore the warning).
    ``id-missing`` is added to new items without an ``id`` (items made in
    the GitHub web editor): the publication ledger would key them by their
    folder, so renaming it later would post them again.
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
    report.problems.sort()
