"""Shared helpers: throwaway site projects and the rule-case corpus of tests/cases/.

A case is a folder ``tests/cases/<name>/`` holding ``index.md`` (one item broken in
one way) and ``expected.txt`` (the exact ``portal check`` lines, ``{dir}`` standing
for the item folder relative to the project root). Optional files:

- ``folder.txt``: where the case goes under ``content/`` (default
  ``berita/2026/2026-11-20-<name>``). A path ending in ``.md`` installs index.md
  under that name (static pages, misplaced files). Further lines ``<sub>=<path>``
  install the case's subfolder ``<sub>/`` there too (e.g. a second item).
- ``xfail.txt``: the reason the pipeline is known to get this case wrong
  (expected.txt then holds the *right* output).

Every ``foto-*.jpg`` listed in index.md and absent from the case folder is created
as a valid 1200×800 JPEG of its own colour (distinct bytes, no `photo-small`); all other files of the case are copied as they are.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import zlib
from functools import lru_cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CASES = Path(__file__).resolve().parent / "cases"
TODAY = "2026-11-20"
META_FILES = {"expected.txt", "folder.txt", "xfail.txt"}
_LISTED_JPEG = re.compile(r"^[ ]*(?:-[ ]+)?file:[ ]*[\"']?(foto-[A-Za-z0-9_-]+\.jpg)[\"']?[ ]*\r?$", re.MULTILINE)


@lru_cache(maxsize=None)
def jpeg_bytes(size: tuple[int, int] = (32, 24)) -> bytes:
    """A tiny but real JPEG."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(buffer, "JPEG", quality=70)
    return buffer.getvalue()


@lru_cache(maxsize=None)
def listed_jpeg(name: str) -> bytes:
    """A real JPEG for a case's listed photo ``name``: large enough for `photo-small`, distinct per name."""
    from PIL import Image

    shade = zlib.crc32(name.encode("utf-8"))
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 800), (shade & 255, (shade >> 8) & 255, (shade >> 16) & 255)).save(buffer, "JPEG",
                                                                                             quality=70)
    return buffer.getvalue()


def new_project(root: Path) -> Path:
    """A site project in ``root``: the real mkdocs.yml, overrides/, an empty content/."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    (root / "overrides").mkdir(exist_ok=True)
    (root / "content").mkdir(exist_ok=True)
    return root


# --------------------------------------------------------------------------- cases

def all_cases() -> list[Path]:
    return sorted(p for p in CASES.iterdir() if (p / "index.md").is_file())


def xfail_reason(case: Path) -> str | None:
    path = case / "xfail.txt"
    return path.read_text(encoding="utf-8").strip() if path.exists() else None


def destinations(case: Path) -> list[tuple[Path, str]]:
    """(source folder, destination under content/) of a case; the first is the case itself."""
    path = case / "folder.txt"
    if not path.exists():
        return [(case, f"berita/2026/2026-11-20-{case.name}")]
    first, *rest = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    pairs = [(case, first)]
    for line in rest:
        sub, dest = line.split("=", 1)
        pairs.append((case / sub.strip(), dest.strip()))
    return pairs


def case_dir(case: Path) -> str:
    """What ``{dir}`` stands for: the case's folder relative to the project root."""
    dest = destinations(case)[0][1]
    folder = dest.rsplit("/", 1)[0] if dest.endswith(".md") else dest
    return f"content/{folder}"


def install(case: Path, project: Path) -> None:
    """Put ``case`` (and its extra folders) into ``project``'s content tree."""
    for source, dest in destinations(case):
        target = project / "content" / dest
        folder, index_name = (target.parent, target.name) if dest.endswith(".md") else (target, "index.md")
        folder.mkdir(parents=True, exist_ok=True)
        for file in source.iterdir():
            if file.is_file() and file.name not in META_FILES:
                shutil.copyfile(file, folder / (index_name if file.name == "index.md" else file.name))
        text = (source / "index.md").read_bytes().decode("utf-8", "replace")
        for name in _LISTED_JPEG.findall(text):
            if not (source / name).exists():
                (folder / name).write_bytes(listed_jpeg(name))


def expected(case: Path) -> list[str]:
    text = (case / "expected.txt").read_text(encoding="utf-8")
    return [line.replace("{dir}", case_dir(case)) for line in text.splitlines() if line.strip()]


# --------------------------------------------------------------------------- running

def run_cli(project: Path, *args: str, today: str = TODAY) -> subprocess.CompletedProcess:
    """``python -m pipeline ARGS`` in ``project``, as CI runs it."""
    env = {**os.environ, "PORTAL_TODAY": today, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=project, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=120)


def run_main(project: Path, monkeypatch, capsys, *args: str, today: str = TODAY) -> tuple[int, str, str]:
    """The same, in-process (fast): (exit code, stdout, stderr)."""
    from pipeline.cli import main

    monkeypatch.chdir(project)
    monkeypatch.setenv("PORTAL_TODAY", today)
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# --------------------------------------------------------------------------- tools

def in_ci() -> bool:
    """True under CI (GitHub Actions and .ci/run set ``CI=true``); ``CI=false`` or unset is a developer machine."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def missing_tool(reason: str) -> None:
    """Skip on a developer machine; under CI, where .ci/run installs every tool, fail.

    A test that needs a tool (Chromium, Playwright, axe-core, exiftool, ICC
    profiles) calls this when the tool is absent, so CI can never pass by
    skipping what it was meant to check. Works inside a test and at module level.
    """
    if in_ci():
        pytest.fail(f"{reason} (CI is set: .ci/run is expected to install it)", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


def split_summary(stdout: str) -> tuple[list[str], str]:
    """Problem lines and the summary line of a text report."""
    lines = stdout.rstrip("\n").split("\n")
    return lines[:-1], lines[-1]
