# Harbor Portal. On a fresh Debian 12 machine:
#   make run     install what is missing, migrate, load the demo practice, serve on http://127.0.0.1:8000
#   make test    the same set-up plus chromium and poppler-utils, then the suite on SQLite and PostgreSQL
#
# Variables: HOST, PORT (make run), PYTEST_ARGS (make test, e.g. PYTEST_ARGS="-k login"), PYTHON.

HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
VENV := .venv
PORTAL := $(VENV)/bin/portal

# CI and PYTHON reach the scripts from the environment or the command line (`make test CI=true`);
# scripts/run-tests.sh exports CI to pytest: with CI=true a missing PostgreSQL or chromium is a failure.

.DEFAULT_GOAL := help
.PHONY: help setup setup-test run test test-sqlite test-postgres lint format ci clean

help:
	@echo "make run      set up, migrate, load the demo when empty, serve with the worker on http://$(HOST):$(PORT)"
	@echo "make test     set up, then the whole suite on SQLite and PostgreSQL (PYTEST_ARGS=... to pass options)"
	@echo "make test-sqlite / make test-postgres   one suite only"
	@echo "make lint     ruff check, ruff format --check, mypy portal"
	@echo "make format   ruff format and ruff check --fix"
	@echo "make ci       what CI runs (.ci/run)"
	@echo "make clean    remove var/ (the local database, files, outbox, demo password) and caches"

setup:
	@scripts/setup.sh

setup-test:
	@scripts/setup.sh --test

# The base URL goes into e-mail links and decides the cookie's Secure flag; follow HOST/PORT unless set.
run: setup
	@mkdir -p "$${PORTAL_VAR_DIR:-var}"
	$(PORTAL) migrate
	$(PORTAL) demo --if-empty
	PORTAL_BASE_URL="$${PORTAL_BASE_URL:-http://$(HOST):$(PORT)}" \
		exec $(PORTAL) serve --with-worker --host $(HOST) --port $(PORT)

test: setup-test
	@scripts/run-tests.sh $(PYTEST_ARGS)

test-sqlite: setup-test
	@TEST_ENGINES=sqlite scripts/run-tests.sh $(PYTEST_ARGS)

test-postgres: setup-test
	@TEST_ENGINES=postgres scripts/run-tests.sh $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy portal

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

ci:
	bash .ci/run

clean:
	rm -rf var .mypy_cache .ruff_cache .hypothesis tests/e2e/artifacts
