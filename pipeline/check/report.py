"""Print a check report as text (people), GitHub annotations (PR diffs) or JSON (tools)."""

from __future__ import annotations

import json

from pipeline.actions import shown
from pipeline.check.rules import Report
from pipeline.content.council import TERM_FILE
from pipeline.content.model import SEVERITY_LABEL, Problem

FORMATS = ("text", "github", "json")


def format_report(report: Report, fmt: str = "text") -> str:
    """Render ``report`` in ``fmt``; the text form ends with a one-line summary."""
    if fmt == "json":
        # "##[" only ever occurs inside a JSON string: written as "##\u005b" it
        # decodes the same and is no legacy workflow command (see actions.py).
        text = json.dumps([p.as_dict() for p in report.problems], ensure_ascii=False, indent=2)
        return text.replace("##[", "##\\u005b")
    if fmt == "github":
        lines = github_annotations(report)
    else:
        lines = [f"{shown(p.file)}:{p.line}: {SEVERITY_LABEL[p.severity]} [{p.rule}] {shown(p.message)}"
                 for p in report.problems]
    lines.append(summary(report))
    return "\n".join(lines)


def github_annotations(report: Report) -> list[str]:
    """One ``::error``/``::warning`` workflow command per problem (the PR diff shows them at their line)."""
    return [_annotation(p) for p in report.problems]


def summary(report: Report) -> str:
    """One line: what was checked and how many errors and warnings."""
    checked = f"{checked_text(report)} diperiksa"
    if not report.problems:
        return f"Tidak ada masalah: {checked}."
    files = len({p.file for p in report.problems})
    return f"{report.errors} galat dan {report.warnings} peringatan di {files} berkas; {checked}."


def checked_text(report: Report) -> str:
    """What ``report`` checked, by kind: ``9 berita dan 4 halaman``, then each other kind it held (not zero).

    A term counts when its ``masa-jabatan.yml`` was in scope, a member when its
    folder was; the agenda and the documents are loaded in scope only.
    """
    parts = [f"{len(report.items)} berita", f"{len(report.pages)} halaman"]
    content = report.content
    if content is not None:
        covers = content.scope.covers
        terms = content.council.terms
        counts = ((len(content.agenda), "agenda rapat"),
                  (sum(covers(t.folder / TERM_FILE) for t in terms), "masa jabatan"),
                  (sum(covers(m.source) for t in terms for m in t.members), "anggota DPRD"),
                  (len(content.documents.informasi), "dokumen informasi publik"),
                  (len(content.documents.jdih), "produk hukum"))
        parts += [f"{count} {label}" for count, label in counts if count]
    return ", ".join(parts[:-1]) + " dan " + parts[-1]


def _annotation(problem: Problem) -> str:
    # Workflow-command escaping: https://github.com/actions/toolkit/blob/main/packages/core/src/command.ts
    level = "error" if problem.severity == "error" else "warning"
    props = ",".join(f"{k}={_escape_property(v)}" for k, v in (
        ("file", problem.file), ("line", str(problem.line)), ("title", f"portal check [{problem.rule}]")))
    return f"::{level} {props}::{_escape_data(problem.message)}"


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")
