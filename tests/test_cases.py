"""The rule-case corpus: one broken item per case in tests/cases/, exact expected output.

See conftest.py for the layout of a case. Per-case tests run the CLI in-process;
the corpus-wide tests run ``python -m pipeline check`` once over every case at once.
"""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from conftest import (REPO, all_cases, expected, install, new_project, run_cli, run_main, split_summary,
                      xfail_reason)

CASES = all_cases()
GOOD = [c for c in CASES if not xfail_reason(c)]
LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): (?P<label>galat|peringatan) \[(?P<rule>[a-z-]+)\] (?P<msg>.+)$")
LABEL = {"error": "galat", "warning": "peringatan"}


def _param(case):
    reason = xfail_reason(case)
    marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
    return pytest.param(case, id=case.name, marks=marks)


def _sort_key(line: str):
    match = LINE.match(line)
    return (match["file"], int(match["line"]), match["rule"], line) if match else ("", 0, "", line)


def test_corpus_is_big_and_well_formed():
    assert len(GOOD) >= 35
    for case in CASES:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", case.name), case.name
        assert (case / "expected.txt").is_file(), f"{case.name}: expected.txt missing"
        for line in expected(case):
            assert LINE.match(line), f"{case.name}: not a problem line: {line!r}"


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_case(case, tmp_path, monkeypatch, capsys):
    project = new_project(tmp_path / "site")
    install(case, project)
    code, out, err = run_main(project, monkeypatch, capsys, "check")
    lines, summary = split_summary(out)
    want = expected(case)
    assert "Traceback" not in err and err == ""
    assert lines == want
    assert code == (1 if any(" galat [" in line for line in want) else 0)
    if not want:
        assert summary.startswith("Tidak ada masalah: ")


# --------------------------------------------------------------------------- the whole corpus at once

@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Every case (minus known pipeline bugs) in one content tree."""
    project = new_project(tmp_path_factory.mktemp("corpus") / "site")
    for case in GOOD:
        install(case, project)
    want = sorted((line for case in GOOD for line in expected(case)), key=_sort_key)
    return project, want


def test_corpus_in_one_run(corpus):
    project, want = corpus
    result = run_cli(project, "check")
    assert "Traceback" not in result.stderr and result.stderr == ""
    assert result.returncode == 1
    lines, summary = split_summary(result.stdout)
    assert sorted(lines) == sorted(want)
    assert lines == sorted(lines, key=_sort_key), "problems are listed by file, then line"

    parsed = [LINE.match(line) for line in want]
    errors = sum(m["label"] == "galat" for m in parsed)
    warnings = sum(m["label"] == "peringatan" for m in parsed)
    files = len({m["file"] for m in parsed})
    items = sum(1 for p in (project / "content" / "berita").rglob("index.md"))
    pages = sum(1 for p in (project / "content" / "halaman").glob("*.md"))
    sittings = sum(1 for p in (project / "content" / "agenda").rglob("*.md"))
    assert errors >= 30
    assert summary == (f"{errors} galat dan {warnings} peringatan di {files} berkas; "
                       f"{items} berita, {pages} halaman dan {sittings} agenda rapat diperiksa.")


def test_corpus_as_json(corpus):
    project, want = corpus
    text = run_cli(project, "check")
    result = run_cli(project, "check", "--format", "json")
    assert result.returncode == 1 and result.stderr == ""
    problems = json.loads(result.stdout)
    assert isinstance(problems, list) and len(problems) == len(want)
    for problem in problems:
        assert set(problem) == {"file", "line", "rule", "severity", "message"}
        assert isinstance(problem["line"], int) and problem["line"] >= 1
        assert problem["severity"] in LABEL
        assert "\n" not in problem["message"]
    as_text = [f"{p['file']}:{p['line']}: {LABEL[p['severity']]} [{p['rule']}] {p['message']}" for p in problems]
    assert as_text == split_summary(text.stdout)[0]


def _unescape_data(value: str) -> str:
    return value.replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%")


def _unescape_property(value: str) -> str:
    return _unescape_data(value.replace("%3A", ":").replace("%2C", ","))


ANNOTATION = re.compile(r"^::(?P<level>error|warning) file=(?P<file>[^,:]+),line=(?P<line>\d+),"
                        r"title=portal check \[(?P<rule>[a-z-]+)\]::(?P<msg>.*)$")


def test_corpus_as_github_annotations(corpus):
    project, want = corpus
    result = run_cli(project, "check", "--format", "github")
    assert result.returncode == 1 and result.stderr == ""
    lines, summary = split_summary(result.stdout)
    assert summary == split_summary(run_cli(project, "check").stdout)[1]  # the text format's line
    back = []
    for line in lines:
        match = ANNOTATION.match(line)
        assert match, line
        assert "%" not in match["msg"].replace("%25", "").replace("%0A", "").replace("%0D", "")
        label = "galat" if match["level"] == "error" else "peringatan"
        back.append(f"{_unescape_property(match['file'])}:{match['line']}: {label} [{match['rule']}] "
                    f"{_unescape_data(match['msg'])}")
    assert sorted(back) == sorted(want)
    # A message with a literal `%` (the `%2F` of path-percent-encoded) is escaped as `%25`.
    percent = [line for line in lines if "path-unsafe" in line and "foto%252F..%252F" in line]
    assert len(percent) == 1 and "mengandung kode persen seperti `%252F`" in percent[0]


def test_github_escapes_comma_and_colon_in_file(tmp_path):
    project = new_project(tmp_path / "site")
    page = project / "content" / "halaman" / "tanya,jawab:ppid.md"
    page.parent.mkdir(parents=True)
    page.write_text("# Tanya Jawab PPID\n\n<script>alert(1)</script>\n", encoding="utf-8")
    result = run_cli(project, "check", "--format", "github")
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        "::error file=content/halaman/tanya%2Cjawab%3Appid.md,line=3,title=portal check [html-tag]::"
        "Tag HTML `<script>` tidak diizinkan di narasi. Hapus tag itu; tulis narasi dengan Markdown biasa.")


# --------------------------------------------------------------------------- --strict

def test_strict_fails_on_warnings_only(tmp_path):
    warning_only = [c for c in GOOD if expected(c) and all(" peringatan [" in line for line in expected(c))]
    assert {c.name for c in warning_only} >= {"date-late", "file-bom", "photo-alt-short", "photo-unlisted"}
    project = new_project(tmp_path / "site")
    for case in warning_only:
        install(case, project)
    plain = run_cli(project, "check")
    strict = run_cli(project, "check", "--strict")
    assert plain.returncode == 0 and strict.returncode == 1
    assert plain.stdout == strict.stdout
    assert split_summary(plain.stdout)[1].startswith(f"0 galat dan {len(warning_only)} peringatan")


def test_every_item_rule_of_the_readme_has_a_case():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme.split("### Rules of `portal check`", 1)[1].split("\n## ", 1)[0]
    # The codes are the first column of each row (the others name values, e.g. reserved page names).
    codes = [row.split("|")[1] for row in table.splitlines() if row.startswith("| `")]
    rules = {code for cell in codes for code in re.findall(r"`([a-z]+(?:-[a-z]+)+)`", cell)}
    covered = Counter(LINE.match(line)["rule"] for case in GOOD for line in expected(case))
    # Generated in test_hostile.py: too big (or too odd) to store as a case.
    hostile = {"file-too-large", "frontmatter-too-large", "photo-too-large", "symlink", "narrative-too-large"}
    # Needs `--changed-since` (a new item on a branch): tests/test_review.py.
    branch = {"id-missing", "id-changed", "id-reused", "id-folder",  # and tests/test_changes_ids.py
              "item-deleted"}  # tests/test_retraction.py
    # The rules of the other content kinds (a member needs its term folder, a document its PDF) and of videos
    # (made by ffmpeg in the test): their own
    # test files pin each message.
    own = "".join((REPO / "tests" / name).read_text(encoding="utf-8")
                  for name in ("test_council.py", "test_agenda.py", "test_documents.py", "test_jdih.py",
                                "test_video_check.py", "test_video.py"))
    own_file = {rule for rule in rules if f'"{rule}"' in own or f"[{rule}]" in own}
    assert rules - set(covered) - hostile - branch - own_file == set()
