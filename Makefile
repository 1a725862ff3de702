# The two commands: `make run` (install, then start the dashboard on the sample data) and
# `make test` (install, then lint and run every test). Both work on a fresh Debian machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint format install system-deps

run: $(STAMP)
	$(PY) -m streamlit run dashboard.py

test: $(STAMP) system-deps
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest -n 2 --dist loadgroup

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(STAMP)
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

install: $(STAMP)

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

# Debian packages the tests need (a browser for the browser tests, CJK fonts for exports).
system-deps:
	@bash scripts/system-deps.sh
