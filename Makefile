# maatwerk — `make demo` and `make test` set up a fresh machine (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SHARED ?= ../shared
EUTL_NL := $(SHARED)/data/eutl/installations-NL.csv
NEA_FILE := $(SHARED)/data/nea/emissiecijfers-2013-2020.ods
PG_URL ?= postgres://postgres@127.0.0.1:5432/maatwerk
PYTEST_ARGS ?=

.PHONY: install system-packages demo serve test test-sqlite test-postgres bench fuzz load clean

install: $(STAMP) system-packages

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

$(STAMP): pyproject.toml requirements.lock package.json package-lock.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

demo: install
	$(BIN)/maatwerk migrate --noinput
	$(BIN)/maatwerk load_demo
	@if [ -f "$(EUTL_NL)" ]; then $(BIN)/maatwerk import_eutl "$(EUTL_NL)"; \
	else echo "$(EUTL_NL) not found: the demo runs on the curated figures only."; fi
	@if [ -f "$(NEA_FILE)" ]; then $(BIN)/maatwerk import_nea "$(NEA_FILE)"; \
	else echo "$(NEA_FILE) not found: rankings use the EU Transaction Log only."; fi
	$(BIN)/maatwerk runserver 127.0.0.1:8000

serve: install
	$(BIN)/maatwerk runserver 127.0.0.1:8000

test: install test-sqlite test-postgres

test-sqlite: install
	@echo "== test suite on SQLite =="
	DATABASE_URL= $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: install
	@if $(BIN)/python -c "import psycopg; psycopg.connect('host=127.0.0.1 port=5432 user=postgres dbname=postgres', connect_timeout=3).close()" 2>/dev/null; then \
		echo "== test suite on PostgreSQL (127.0.0.1:5432) =="; \
		DATABASE_URL=$(PG_URL) $(BIN)/pytest $(PYTEST_ARGS); \
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
	rm -rf $(VENV) node_modules var .pytest_cache
