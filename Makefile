# Rejoinder developer entry point. `make help` lists the targets.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PG_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help install demo serve test test-sqlite test-pg lint format typecheck bench docs docs-check screenshots clean

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Rejoinder needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) ## create the virtualenv and install Rejoinder with its dev tools

demo: $(STAMP) ## run the demo publication on http://127.0.0.1:8000 (SQLite, no other server)
	$(BIN)/rejoinder demo --port 8000

serve: $(STAMP) ## serve with your own configuration (REJOINDER_CONFIG=rejoinder.toml)
	$(BIN)/rejoinder serve

test: $(STAMP) lint ## the whole suite: lint, SQLite, then PostgreSQL when it is reachable
	@$(MAKE) --no-print-directory test-sqlite
	@if $(BIN)/python scripts/pg_reachable.py "$(PG_URL)"; then \
		$(MAKE) --no-print-directory test-pg; \
	else \
		echo "PostgreSQL at $(PG_URL) is not reachable: the PostgreSQL run was skipped"; \
	fi

test-sqlite: $(STAMP) ## the suite on SQLite
	@echo "== tests on SQLite =="
	REJOINDER_TEST_DB=sqlite $(BIN)/pytest -q -p no:cacheprovider $(PYTEST_ARGS)

test-pg: $(STAMP) ## the suite on PostgreSQL (a fresh database of a unique name, dropped after)
	@echo "== tests on PostgreSQL =="
	REJOINDER_TEST_DB=postgresql REJOINDER_TEST_PG_URL=$(PG_URL) $(BIN)/pytest -q -p no:cacheprovider $(PYTEST_ARGS)

lint: $(STAMP) ## ruff (lint + format check) and mypy strict
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy

format: $(STAMP) ## apply ruff's formatter and safe fixes
	$(BIN)/ruff format src tests bench scripts
	$(BIN)/ruff check --fix src tests bench scripts

docs: $(STAMP) ## regenerate docs/configuration.md and docs/openapi.json
	$(BIN)/rejoinder config-reference > docs/configuration.md
	$(BIN)/rejoinder openapi > docs/openapi.json
	$(BIN)/python scripts/api_reference.py docs/openapi.json > docs/api.md

clean: ## remove the virtualenv, caches and local databases
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
