# Two commands on a fresh clone: `make run` (the demo on SQLite) and `make test` (the whole suite).
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.8
VENV := .venv
PY := $(VENV)/bin/python
UV := .tools/bin/uv
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in the demo's messages point where the server listens (override for another address).
SITE_ROOT ?= http://$(HOST):$(PORT)
DEMO_ENV = DEBUG=True SITE_ROOT=$(SITE_ROOT)
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy
# This machine sets PYTHONDONTWRITEBYTECODE=1, so without bytecode compiled at install time every
# new process (each Celery pool child, each test subprocess) recompiles what it imports.
export UV_COMPILE_BYTECODE := 1

.PHONY: install run test test-fast test-postgres lint format check bench bench-peer clean

# Installs exactly what uv.lock pins (uv itself comes from PyPI into .tools/): everything for
# the tests and lint; `make run` only what the application needs (no test or lint tools), and
# --inexact keeps dev tools a previous `make test` installed.
$(VENV)/.synced: pyproject.toml uv.lock
	@test -x $(UV) || ($(PYTHON) -m venv .tools && .tools/bin/pip install -q uv==$(UV_VERSION))
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@ $(VENV)/.synced-runtime

$(VENV)/.synced-runtime: pyproject.toml uv.lock
	@test -x $(UV) || ($(PYTHON) -m venv .tools && .tools/bin/pip install -q uv==$(UV_VERSION))
	$(UV) sync --frozen --no-dev --inexact --python $(PYTHON)
	@touch $@

install: $(VENV)/.synced

run: $(VENV)/.synced-runtime
	$(DEMO_ENV) $(PY) manage.py migrate --no-input -v0
	$(DEMO_ENV) $(PY) manage.py seed_demo
	@echo
	@echo "Yurikago demo: http://$(HOST):$(PORT)/   (staff portal: /staff/, admin: /admin/)"
	@echo "Messages are 'sent' to this console (SMS and email); the dispatcher runs beside the"
	@echo "server every minute, standing in for Celery beat (no broker needed)."
	@echo
	@$(DEMO_ENV) $(PY) manage.py dispatch_messages --loop & dispatcher=$$!; \
	trap 'kill $$dispatcher 2>/dev/null' EXIT INT TERM; \
	$(DEMO_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

# pytest exits 5 when it collects no tests; that is not a failure of the suite.
test: install
	@mkdir -p var
	$(PY) -m pytest $(PYTEST_ARGS) || [ $$? -eq 5 ]

# The edit-run loop: no browser, no Redis/Celery, no PostgreSQL-only tests, and 10 examples per
# property test. `make test-fast PYTEST_ARGS=--lf` reruns only what failed last time.
test-fast: install
	@mkdir -p var
	HYPOTHESIS_PROFILE=fast $(PY) -m pytest -m "not browser and not services and not postgres" \
		$(PYTEST_ARGS) || [ $$? -eq 5 ]

test-postgres: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(MAKE) test

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	SECRET_KEY=typecheck $(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check: install
	SECRET_KEY=check $(PY) manage.py makemigrations --check --dry-run
	SECRET_KEY=check $(PY) manage.py check

# bench_peer.py takes several minutes (it builds both worlds six times): `make bench-peer`.
bench: install
	@for b in bench/bench_*.py; do [ $$b = bench/bench_peer.py ] && continue; \
		echo "== $$b"; $(PY) $$b || exit 1; done

# Ours beside the peer (django-appointment 3.12, in its own venv var/peer-venv, made once from
# PyPI), alternately in the same minutes, on PostgreSQL at 127.0.0.1 (bench_peer, bench_peer_core)
# and Redis DB 4. `make bench-peer BENCH_PEER_ARGS="--runs 1 --rounds 10"` for a quick look.
bench-peer: install
	$(PY) bench/bench_peer.py $(BENCH_PEER_ARGS)

clean:
	rm -rf $(VENV) .tools var db.sqlite3 staticfiles
