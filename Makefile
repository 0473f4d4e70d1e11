# Lantern: `make demo` serves a generated sample consortium; `make test` runs the tests.
# Both install what they need into .venv first (a fresh machine needs only Python 3.11+).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: demo test lint install bench clean browser-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

demo: install
	$(BIN)/lantern demo --host $(HOST) --port $(PORT)

# Browser tests (tests/browser) drive Debian's chromium with the npm packages pinned in
# tests/browser/package-lock.json; without npm they skip and say why.
tests/browser/node_modules/.installed: tests/browser/package-lock.json
	cd tests/browser && npm ci --no-audit --no-fund --silent
	touch $@

browser-deps:
	@if command -v npm >/dev/null; then $(MAKE) --no-print-directory tests/browser/node_modules/.installed; \
	else echo "npm not found: the browser tests will be skipped"; fi

test: install browser-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: install
	$(BIN)/python -m bench.load_bench --records 100000
	$(BIN)/python -m bench.load_bench --records 1000000

clean:
	rm -rf $(VENV) instance .pytest_cache
