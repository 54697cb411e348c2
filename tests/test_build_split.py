"""`portal build` on two CPUs: the rules beside the stage, the articles on two processes.

Each test runs a short script in a fresh interpreter (one thread, as
``portal build`` runs) on a copy of the sample project, with the pipeline's
own functions wrapped to see which process did what.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, in_ci

from pipeline import forked

PRELUDE = """
import json, logging, os, sys
from pathlib import Path
from pipeline.config import load_config
from pipeline.errors import PortalError
from pipeline.site import build, split
from pipeline.site.mkdocs_plugin import PortalPlugin
"""


@pytest.fixture(scope="module")
def warm(tmp_path_factory):
    """The sample project, built once (its photo cache is warm)."""
    if forked.cpus() < 2:
        if in_ci():
            pytest.fail("CI runs on two CPUs: the two-process build must be tested there", pytrace=False)
        pytest.skip("one CPU: portal build runs on one process here")
    project = tmp_path_factory.mktemp("split")
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    for name in ("overrides", "content"):
        shutil.copytree(REPO / name, project / name)
    result = _script(project, "build.build(load_config('.'))")
    assert result.returncode == 0, result.stderr
    return project


@pytest.fixture
def project(warm, tmp_path):
    copy = tmp_path / "project"
    shutil.copytree(warm, copy, symlinks=True)
    return copy


def _script(project: Path, body: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PORTAL_TODAY": "2026-11-20", "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-c", PRELUDE + body], cwd=project, env=env, capture_output=True,
                          text=True, encoding="utf-8", timeout=300)


def _files(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def test_a_site_built_on_two_processes_is_the_same_as_on_one(project):
    result = _script(project, """
helpers = []
start = split.start
def spy(articles, others):
    made = start(articles, others)
    if made is not None and not made.helper:
        helpers.append((len(made.helper_pages), len(articles)))
    return made
split.start = spy
run = build.run_mkdocs
for parallel in (True, False):
    build.run_mkdocs = lambda *a, **k: run(*a, **{**k, "parallel": parallel})
    assert build.build(load_config("."), Path("site-" + str(parallel))).site
print(json.dumps(helpers))
""")
    assert result.returncode == 0, result.stderr
    [(helper, articles)] = json.loads(result.stdout)
    assert 0 < helper <= articles  # the helper built articles (all of them in a small site: the lists weigh more)
    two, one = _files(project / "site-True"), _files(project / "site-False")
    assert sorted(two) == sorted(one)
    assert [name for name in one if two[name] != one[name]] == []
    assert sum(name.endswith(".html") for name in one) > articles


def test_the_helpers_warnings_are_shown_once_by_the_main_process(project):
    result = _script(project, """
content = PortalPlugin.on_page_content
def warn(self, html, page, config, files):
    if self._helper and not self._stub(page):
        logging.getLogger("mkdocs.plugins.portal").warning("dari proses pembantu: %s", page.file.src_uri)
    return content(self, html, page, config, files)
PortalPlugin.on_page_content = warn
assert build.build(load_config(".")).site
""")
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if "dari proses pembantu" in line]
    assert lines and len(lines) == len(set(lines))
    assert all(line.startswith("MkDocs WARNING: dari proses pembantu: ") for line in lines)
    assert any(line.startswith("MkDocs WARNING: dari proses pembantu: berita/") for line in lines)


def test_a_failing_helper_fails_the_build_and_keeps_the_old_site(project):
    before = _files(project / "site")
    result = _script(project, """
content = PortalPlugin.on_page_content
def fail(self, html, page, config, files):
    if self._helper and not self._stub(page):
        raise RuntimeError("rusak di proses pembantu")
    return content(self, html, page, config, files)
PortalPlugin.on_page_content = fail
try:
    build.build(load_config("."))
except PortalError as exc:
    print(exc)
""")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "MkDocs gagal membangun situs: Aborted with a BuildError!\n"
    errors = [line for line in result.stderr.splitlines() if line.startswith("MkDocs ERROR")]
    assert errors[-1] == "MkDocs ERROR: Proses pembantu build gagal: rusak di proses pembantu"
    assert errors[0].startswith("MkDocs ERROR: Error reading page 'berita/") and errors[0].endswith(
        "': rusak di proses pembantu")
    assert _files(project / "site") == before
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".site-")) == []


def test_a_helper_killed_by_the_system_fails_the_build_with_how_it_ended(project):
    before = _files(project / "site")
    result = _script(project, """
import signal
content = PortalPlugin.on_page_content
def die(self, html, page, config, files):
    if self._helper and not self._stub(page):
        os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's out-of-memory killer would
    return content(self, html, page, config, files)
PortalPlugin.on_page_content = die
try:
    build.build(load_config("."))
except PortalError as exc:
    print(exc)
""")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "MkDocs gagal membangun situs: Aborted with a BuildError!\n"
    errors = [line for line in result.stderr.splitlines() if line.startswith("MkDocs ERROR")]
    assert errors == ["MkDocs ERROR: Proses pembantu build gagal: proses anak dihentikan oleh sinyal SIGKILL "
                      "(kehabisan memori?)"]
    assert _files(project / "site") == before


def test_a_failing_main_process_stops_its_helper(project):
    result = _script(project, """
content = PortalPlugin.on_page_content
def fail(self, html, page, config, files):
    if self._split is not None and not self._helper:
        raise RuntimeError("rusak di proses utama")
    return content(self, html, page, config, files)
PortalPlugin.on_page_content = fail
try:
    build.build(load_config("."))
except RuntimeError as exc:  # not MkDocs' own error: it reaches the caller as it is
    print(exc)
try:
    print(os.waitpid(-1, os.WNOHANG))
except ChildProcessError:
    print("no child left")
""")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "rusak di proses utama\nno child left\n"
    errors = [line for line in result.stderr.splitlines() if line.startswith("MkDocs ERROR")]
    assert len(errors) == 1 and errors[0].endswith("': rusak di proses utama")


def _break_an_item(project: Path) -> str:
    item = sorted((project / "content" / "berita").rglob("index.md"))[0]
    text = item.read_text(encoding="utf-8")
    item.write_text(text.replace("\ntitle:", "\ntitle_:", 1), encoding="utf-8")
    return item.relative_to(project).as_posix()


def test_the_rules_run_in_a_child_and_their_errors_come_before_a_failing_stage(project):
    broken = _break_an_item(project)
    result = _script(project, """
findings = build._findings
def where(*args):
    Path("rules-pid").write_text(str(os.getpid()))
    return findings(*args)
build._findings = where
def stage(*args, **kwargs):
    raise TypeError("stage tidak sanggup membaca konten yang rusak")
build.stage = stage
result = build.build(load_config("."))
print(result.site, result.report.errors, sorted({p.rule for p in result.report.problems if p.severity == "error"}))
print(int(Path("rules-pid").read_text()) != os.getpid())
""")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    site, errors, rules = lines[0].split(" ", 2)
    assert (site, int(errors) > 0) == ("None", True), (broken, lines)
    assert lines[1] == "True"  # the rules ran in another process


def test_a_failing_stage_of_sound_content_still_fails(project):
    result = _script(project, """
def stage(*args, **kwargs):
    raise TypeError("stage rusak")
build.stage = stage
build.build(load_config("."))
""")
    assert result.returncode == 1
    assert result.stderr.rstrip().splitlines()[-1] == "TypeError: stage rusak"
