# Terakoya — the two commands the README opens with: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
WORKERS ?= 2
THREADS ?= 8

.PHONY: run test install install-dev lint typecheck pytest serve messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.run-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.run-installed

install: $(VENV)/.run-installed
install-dev: $(VENV)/.dev-installed

messages: install
	$(BIN)/python -m terakoya.core.i18n_compile

## make run: set up and serve Terakoya on the embedded default (SQLite, demo data).
run: install messages
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py audit_seal --quiet
	$(MAKE) --no-print-directory serve

serve:
	$(BIN)/gunicorn terakoya.config.wsgi:application --config python:terakoya.config.gunicorn \
		--bind $(HOST):$(PORT) --workers $(WORKERS) --threads $(THREADS) \
		--worker-class gthread --access-logfile - --graceful-timeout 10

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: install-dev
	$(BIN)/mypy terakoya bench

## make test: lint, type checks and the whole suite on SQLite, then on PostgreSQL when
## TERAKOYA_TEST_DATABASE_URL is set.
test: install-dev messages lint typecheck
	TERAKOYA_DATA_DIR=$(CURDIR)/var/test DATABASE_URL= $(BIN)/python -m pytest
	@if [ -n "$$TERAKOYA_TEST_DATABASE_URL" ]; then \
		echo "== PostgreSQL: $$TERAKOYA_TEST_DATABASE_URL"; \
		TERAKOYA_DATA_DIR=$(CURDIR)/var/test DATABASE_URL="$$TERAKOYA_TEST_DATABASE_URL" \
			$(BIN)/python -m pytest; \
	fi

clean:
	rm -rf $(VENV) var
