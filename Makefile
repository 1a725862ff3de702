# The two commands: `make run` (install, then start the dashboard on the sample data) and
# `make test` (install, then lint and run every test). Both work on a fresh Debian machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.package-lock.json

.PHONY: run test lint format install system-deps screenshots

# The package's bytecode is written first (quick when up to date): a machine set never to write it
# (PYTHONDONTWRITEBYTECODE) would otherwise compile every module in every process.
run: $(STAMP)
	$(PY) -m compileall -q innovisits
	$(PY) -m streamlit run dashboard.py

test: $(STAMP) system-deps $(NODE_STAMP)
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

# axe-core (package.json, pinned in package-lock.json) for the accessibility tests in the browser.
$(NODE_STAMP): package-lock.json | system-deps
	npm ci --no-audit --no-fund --loglevel=error

# The README's screenshots (docs/screenshots/*.png), by the same browser code the tests use.
screenshots: $(STAMP) system-deps
	$(PY) scripts/screenshots.py docs/screenshots

# Debian packages the tests need (a browser for the browser tests, CJK fonts for exports).
system-deps:
	@bash scripts/system-deps.sh
