"""No line `portal` prints in GitHub Actions is a workflow command, except the annotations it means.

The runner's rule is implemented here on its own, from actions/runner
(src/Runner.Common/ActionCommand.cs, src/Runner.Sdk/ProcessInvoker.cs,
src/Runner.Worker/ActionCommandManager.cs), not from pipeline/actions.py:

- the output is split into lines by .NET ``StreamReader.ReadLine``: ``\\r\\n``,
  ``\\r`` or ``\\n`` ends a line;
- ``TryParseV2``: ``TrimStart()`` (``Char.IsWhiteSpace``), then ``::``, the
  command info, a second ``::``;
- ``TryParse``: ``##[`` anywhere, then ``]``;
- a command counts when its name is registered (case-insensitive). Since
  ``::stop-commands::TOKEN`` registers any token, ``parses`` below ignores the
  name (any line of a command's shape fails), ``annotation`` asks for a name.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from conftest import REPO, jpeg_bytes
from pipeline.actions import CommandFilter, neutralize, shown

REGISTERED = {"stop-commands", "set-env", "set-output", "save-state", "add-mask", "add-path", "add-matcher",
              "remove-matcher", "debug", "warning", "error", "notice", "group", "endgroup", "echo"}
# .NET Char.IsWhiteSpace: the separator categories plus U+0009-U+000D, U+0085, U+00A0.
DOTNET_SPACE = "".join(chr(c) for c in range(0x110000)
                       if unicodedata.category(chr(c)) in ("Zs", "Zl", "Zp") or c in (*range(9, 14), 0x85, 0xA0))

HOSTILE = ["\n::error::PWNED", "\r::add-mask::rahasia", "##[error]x", "\n  ::stop-commands::tok",
           "##[set-output name=x;]y", "\r\n::warning file=a::PWNED", "\u00a0\n\u3000::notice::x",
           "\x85::error::nel", "\u2028::error::ls", "\x1b[31m::error::esc"]


def runner_lines(output: str) -> list[str]:
    return re.split(r"\r\n|\r|\n", output)


def command_name(line: str) -> str | None:
    """The name of the command the runner parses from ``line`` (any name), or None."""
    trimmed = line.lstrip(DOTNET_SPACE)
    if trimmed.startswith("::"):
        end = trimmed.find("::", 2)
        if end >= 0:
            return trimmed[2:end].split(" ", 1)[0]
    start = line.find("##[")
    if start >= 0:
        end = line.find("]", start)
        if end >= 0:
            return line[start + 3:end].split(" ", 1)[0]
    return None


def parses(line: str) -> bool:
    return command_name(line) is not None


def commands(output: str) -> list[str]:
    return [line for line in runner_lines(output) if parses(line)]


# --------------------------------------------------------------------------- the pieces

@pytest.mark.parametrize("value", HOSTILE)
def test_shown_user_text_never_breaks_a_line(value):
    text = shown(f"foto{value}.jpg")
    assert len(runner_lines(text)) == 1
    assert not any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in text)
    assert shown("Rapat Paripurna · APBD 2027 (é)") == "Rapat Paripurna · APBD 2027 (é)"
    assert shown("a\nb\tc\x1bd\u2028e\u202ef") == "a\\nb\\tc\\x1bd\\u2028e\\u202ef"


@pytest.mark.parametrize("line", ["::error::x", "  ::add-mask::x", "\u3000\u00a0::notice::x", "a ##[error]b",
                                  "##[set-output name=a;]b ##[error]c", "###[error]x", "::stop-commands::tok",
                                  "\x0b\x0c::debug::x", "\u2029::error::x"])
def test_neutralize_leaves_no_command(line):
    assert parses(line)  # the rule sees the threat
    assert not parses(neutralize(line))


def test_filter_holds_a_line_until_it_ends_and_splits_like_the_runner():
    out = io.StringIO()
    stream = CommandFilter(out)
    stream.write("  ")
    stream.write("::error::x\nok ##")
    stream.write("[error]y\rnext\r\n")
    stream.write("::warning::z")
    assert commands(out.getvalue()) == [] and out.getvalue().count("\n") == 2
    stream.command("::error file=a.md,line=3::pesan")  # ends the held line first: a command starts its line
    stream.close()
    assert commands(out.getvalue()) == ["::error file=a.md,line=3::pesan"]
    assert runner_lines(out.getvalue())[:4] == ["  \\::error::x", "ok ##\\[error]y", "next", "\\::warning::z"]


@pytest.mark.parametrize("line", ["::add-mask::x", "::stop-commands::t", "::error::a\n::add-mask::b", "x::error::y",
                                  "##[error]x", "::set-output name=a::b"])
def test_only_annotations_take_the_sanctioned_channel(line):
    with pytest.raises(ValueError):
        CommandFilter(io.StringIO()).command(line)


# --------------------------------------------------------------------------- the real risk

TITLE = "Rapat ##[error]judul dan ::stop-commands::abc Anggaran"
LOCATION = "Ruang\n::warning::PWNED-lokasi"
ALT = "##[set-output name=x;]y Ketua DPRD membuka rapat paripurna"
PHOTOS = ["01 ##[error]foto.jpg", "02\n::error::PWNED.jpg", "03\r::add-mask::rahasia.jpg",
          "04\u2028::notice::x.jpg", "05-biasa.jpg"]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A project whose only item carries workflow commands in photo names, title, location and alt text."""
    project = tmp_path_factory.mktemp("hostile")
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    (project / "overrides").mkdir()
    folder = project / "content/berita/2026/2026-11-20-rapat-anggaran"
    folder.mkdir(parents=True)
    photos = "".join(f"  - file: {json.dumps(name)}\n    alt: {json.dumps(ALT)}\n" for name in PHOTOS)
    body = " ".join(["Rapat membahas anggaran daerah bersama perangkat daerah terkait."] * 8)
    (folder / "index.md").write_text(
        f"---\ntitle: {json.dumps(TITLE)}\ndate: 2026-11-20\ncategory: paripurna\nlocation: {json.dumps(LOCATION)}\n"
        f"caption: Rapat membahas anggaran.\nphotos:\n{photos}id: 2026-11-20-a1b2c3\n---\n{body}\n",
        encoding="utf-8")
    for name in PHOTOS:
        (folder / name).write_bytes(jpeg_bytes((800, 600)))
    for name in ("06\n::error::unlisted.jpg", "07 ##[error]unlisted.jpg", "08\r\n  ::add-mask::x.jpg"):
        (folder / name).write_bytes(jpeg_bytes())
    return project


def run_in_actions(project: Path, *args: str, actions: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "PORTAL_TODAY": "2026-11-20", "PYTHONIOENCODING": "utf-8", "CI": "true"}
    env.pop("GITHUB_ACTIONS", None)
    if actions:
        env["GITHUB_ACTIONS"] = "true"
    # Bytes, decoded as they are: text mode would turn a lone "\r" into "\n" before the rule sees it.
    result = subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=project, env=env, capture_output=True,
                            timeout=300)
    result.stdout, result.stderr = result.stdout.decode("utf-8"), result.stderr.decode("utf-8")
    assert "Traceback" not in result.stderr, result.stderr
    return result


@pytest.mark.parametrize("args", [("check",), ("check", "--format", "json"), ("build",), ("preview",)])
def test_no_output_line_is_a_command(hostile, args):
    result = run_in_actions(hostile, *args)
    assert commands(result.stdout) == [] and commands(result.stderr) == [], (result.stdout, result.stderr)
    assert "PWNED" in result.stdout + result.stderr  # the hostile names were printed, as text
    if args[-1] == "json":
        # Escaped as "##\u005b" in the JSON text, the data itself is unchanged.
        assert any("`07 ##[error]unlisted.jpg`" in p["message"] for p in json.loads(result.stdout))


def test_the_rule_would_see_the_threat_without_the_filter(hostile):
    """Outside Actions nothing is filtered: the check's output then holds a legacy command (proof of the test)."""
    result = run_in_actions(hostile, "check", actions=False)
    assert commands(result.stdout)


def test_github_annotations_still_reach_the_runner(hostile):
    result = run_in_actions(hostile, "check", "--format", "github")
    assert result.returncode == 1
    found = commands(result.stdout)
    problems = json.loads(run_in_actions(hostile, "check", "--format", "json").stdout)
    assert len(found) == len(problems) > 0
    assert all(command_name(line) in ("error", "warning") for line in found)
    assert {command_name(line) for line in found} <= REGISTERED
    assert commands(result.stderr) == []
    assert result.stdout.splitlines()[-1].endswith("berita dan 0 halaman diperiksa.")
