# maatwerk — `make demo` and `make test` set up a fresh machine (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BASE_STAMP := $(VENV)/.installed-base
SHARED ?= ../shared
EUTL_NL := $(SHARED)/data/eutl/installations-NL.csv
NEA_FILE := $(SHARED)/data/nea/emissiecijfers-2013-2020.ods
PG_URL ?= postgres://postgres@127.0.0.1:5432/maatwerk
PYTEST_ARGS ?=

.PHONY: install install-base system-packages demo serve check lint contracts types test test-fast test-sqlite test-postgres bench fuzz load clean

# install: everything (the app and the development tools); install-base: only what the app needs to run.
install: $(STAMP) system-packages
install-base: $(BASE_STAMP) system-packages

# System packages from Debian: chromium for the browser tests (never a downloaded browser build),
# pango for WeasyPrint's PDFs, poppler-utils (pdftotext) for the PDF tests.
DEBIAN_PACKAGES := chromium poppler-utils libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
system-packages:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installing Debian packages: $$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else \
			echo "Missing Debian packages (not root, so not installed): $$missing; the tests that need them are skipped."; \
		fi; \
	fi

$(BASE_STAMP): pyproject.toml requirements.lock package.json package-lock.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(STAMP): $(BASE_STAMP) requirements-dev.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	touch $@

demo: install-base
	$(BIN)/maatwerk migrate --noinput
	$(BIN)/maatwerk load_demo
	@if [ -f "$(EUTL_NL)" ]; then $(BIN)/maatwerk import_eutl "$(EUTL_NL)"; \
	else echo "$(EUTL_NL) not found: the demo runs on the curated figures only."; fi
	@if [ -f "$(NEA_FILE)" ]; then $(BIN)/maatwerk import_nea "$(NEA_FILE)"; \
	else echo "$(NEA_FILE) not found: rankings use the EU Transaction Log only."; fi
	$(BIN)/maatwerk runserver 127.0.0.1:8000

serve: install-base
	$(BIN)/maatwerk runserver 127.0.0.1:8000

# The checks: ruff (lint and import order), import-linter (the architecture's contracts), mypy (types).
check: lint contracts types

lint: install
	@echo "== ruff =="
	$(BIN)/ruff check .

contracts: install
	@echo "== import-linter =="
	PYTHONPATH=src $(BIN)/lint-imports

types: install
	@echo "== mypy =="
	PYTHONPATH=src $(BIN)/mypy

# The complete suite, as CI runs it: the checks, then every test on SQLite and on PostgreSQL. The two
# runs go side by side (a machine has two cores or more; each run has its own var/ directory) and their
# output is printed one after the other when both are done.
TEST_DIR := var/test
test: install
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory check || exit 1; \
	suite=$$(date +%s); rm -rf $(TEST_DIR); mkdir -p $(TEST_DIR); \
	echo "== test suites on SQLite and PostgreSQL, side by side (output follows when both are done) =="; \
	for db in sqlite postgres; do \
		( MAATWERK_VAR_DIR=$(CURDIR)/$(TEST_DIR)/$$db $(MAKE) --no-print-directory test-$$db > $(TEST_DIR)/$$db.log 2>&1; \
		  echo $$? > $(TEST_DIR)/$$db.status; date +%s > $(TEST_DIR)/$$db.end ) & \
	done; \
	wait; \
	cat $(TEST_DIR)/sqlite.log $(TEST_DIR)/postgres.log; \
	s1=$$(cat $(TEST_DIR)/sqlite.status); s2=$$(cat $(TEST_DIR)/postgres.status); \
	echo "== time: test suites $$(( $$(date +%s) - suite )) s side by side (SQLite $$(( $$(cat $(TEST_DIR)/sqlite.end) - suite )) s, PostgreSQL $$(( $$(cat $(TEST_DIR)/postgres.end) - suite )) s), checks $$((suite - start)) s =="; \
	echo "== SQLite: $$(if [ $$s1 = 0 ]; then echo passed; else echo FAILED; fi); PostgreSQL: $$(if [ $$s2 = 0 ]; then echo passed or skipped; else echo FAILED; fi) =="; \
	[ $$s1 = 0 ] && [ $$s2 = 0 ]

# The inner loop: the suite on SQLite without the browser (e2e), fuzz and load tests.
test-fast: install
	@start=$$(date +%s); \
	DATABASE_URL= $(BIN)/pytest -m "not e2e and not fuzz and not load" $(PYTEST_ARGS); status=$$?; \
	echo "== time: fast suite $$(( $$(date +%s) - start )) s (without e2e, fuzz and load tests) =="; \
	exit $$status

test-sqlite: install
	@echo "== test suite on SQLite =="
	DATABASE_URL= $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: install
	@if $(BIN)/python -c "import psycopg; psycopg.connect('host=127.0.0.1 port=5432 user=postgres dbname=postgres', connect_timeout=3).close()" 2>/dev/null; then \
		echo "== test suite on PostgreSQL (127.0.0.1:5432); the every-page browser walk ran on SQLite =="; \
		DATABASE_URL=$(PG_URL) $(BIN)/pytest --deselect tests/e2e/test_every_page.py $(PYTEST_ARGS); \
	else \
		echo "PostgreSQL is not reachable at 127.0.0.1:5432 (user postgres): the PostgreSQL run is SKIPPED."; \
	fi

bench: install
	@for script in benchmarks/bench_*.py; do echo "== $$script =="; $(BIN)/python $$script || exit 1; done

fuzz: install
	FUZZ_RANDOM=1 FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-500} $(BIN)/pytest tests/api -q

load: install
	$(BIN)/python benchmarks/load.py --users $${LOAD_USERS:-50} --seconds $${LOAD_SECONDS:-60} --think $${LOAD_THINK:-1} --write-every $${LOAD_WRITE_EVERY:-0}

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
