# Loopdesk: `make run` (product with demo data) and `make test` (whole suite, SQLite + PostgreSQL).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/loopdesk
HOST ?= 127.0.0.1
PORT ?= 8000
export LOOPDESK_DATA_DIR ?= $(CURDIR)/var
# Test processes (pytest-xdist); each gets its own test database.
PYTEST_WORKERS ?= 2

.PHONY: run test test-sqlite test-postgres lint format venv dev-deps browser mailserver messages bench clean

$(BIN)/activate:
	@scripts/ensure-python.sh $(PYTHON)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/activate pyproject.toml
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

venv: $(VENV)/.installed
dev-deps: $(VENV)/.installed-dev

## run: set up, migrate, load demo data once, run a worker and serve on http://$(HOST):$(PORT)
run: venv
	$(BIN)/loopdesk migrate --noinput -v0
	$(BIN)/loopdesk demo --if-empty
	@# The worker (mail, SLA and automation schedulers, IMAP poller) runs beside the web
	@# server and stops with it. Mail goes to files in $(LOOPDESK_DATA_DIR)/mail, not out.
	@export EMAIL_BACKEND=$${EMAIL_BACKEND:-django.core.mail.backends.filebased.EmailBackend}; \
	  $(BIN)/loopdesk worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  DEBUG=1 $(BIN)/loopdesk serve --dev --host $(HOST) --port $(PORT)

## test: the whole suite on SQLite, then on PostgreSQL (required when CI=true)
test: dev-deps browser mailserver
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite: dev-deps
	@echo "== test suite on SQLite =="
	env -u DATABASE_URL LOOPDESK_DATA_DIR= $(PY) -m pytest -q -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

test-postgres: dev-deps
	@if scripts/service-up.sh postgres; then \
	  echo "== test suite on PostgreSQL =="; \
	  DATABASE_URL=$(PG_URL) LOOPDESK_DATA_DIR= $(PY) -m pytest -q -n $(PYTEST_WORKERS) $(PYTEST_ARGS); \
	elif [ -n "$$CI" ]; then echo "PostgreSQL is required in CI and is not reachable at 127.0.0.1:5432"; exit 1; \
	else echo "!! PostgreSQL not reachable at 127.0.0.1:5432: PostgreSQL pass NOT run (CI requires it)"; fi

browser:
	@scripts/ensure-chromium.sh

mailserver:
	@scripts/ensure-dovecot.sh

lint: dev-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run -v0

format: dev-deps
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## messages: refresh the zh-hans catalogues from code and templates (then translate new msgids)
# Apps with their own catalogue (loopdesk/<app>/locale); the rest share loopdesk/locale.
APP_CATALOGUES := channels routing automation knowledge portal
messages: dev-deps
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete -i '.venv/*' -i 'bench/*' -i 'tests/*' -i 'var/*' $(foreach a,$(APP_CATALOGUES),-i 'loopdesk/$(a)/*')
	for a in $(APP_CATALOGUES); do (cd loopdesk/$$a && ../../$(PY) ../../manage.py makemessages -l zh_Hans --no-obsolete -i 'tests/*') || exit 1; done
	$(PY) manage.py compilemessages -l zh_Hans -i '.venv/*'

bench: dev-deps
	$(PY) -m bench --help

clean:
	rm -rf $(VENV) var .pytest_cache
