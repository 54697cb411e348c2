# The two commands of the README: `make build` and `make test`.
# Each creates .venv/ on first use and reinstalls when pyproject.toml changes.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: build test serve check clean

build: $(VENV)/.installed
	$(BIN)/portal build

test: $(VENV)/.installed-test
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

clean:
	rm -rf site .portal
