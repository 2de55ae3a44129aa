# Rejoinder developer entry point. `make help` lists the targets.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
RUNTIME := $(VENV)/.installed-runtime  # Rejoinder and what it needs to run (demo, serve)
STAMP  := $(VENV)/.installed          # ... and the dev tools (test, lint, bench, docs)
PG_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
PYTEST_ARGS ?= -n 2  # two workers: this machine has two cores
CHROMIUM ?= /usr/bin/chromium
PORT   ?= 8000

.DEFAULT_GOAL := help
.PHONY: help install demo serve test test-sqlite test-pg lint format typecheck bench bench-notifications bench-pipeline model eval-moderation docs docs-check screenshots chromium nginx clean

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Rejoinder needs Python 3.11 or newer"'
	@echo "==> creating the virtualenv in $(VENV)"
	$(PYTHON) -m venv $(VENV)

# pip names each package as it fetches and installs it: a first install takes a minute or two.
# `make demo` installs only what Rejoinder needs to run; the dev tools (pytest, Playwright,
# mypy, schemathesis...) come with the first target that uses them.
$(RUNTIME): pyproject.toml | $(BIN)/python
	@echo "==> upgrading pip"
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@echo "==> installing Rejoinder into $(VENV) (first time: about a minute)"
	@bash -o pipefail -c "$(BIN)/python -m pip install --progress-bar off -e . 2>&1 \
		| grep --line-buffered -E '^(Collecting|Installing|Successfully|ERROR)'"
	@touch $(RUNTIME)
	@echo "==> installed"

$(STAMP): $(RUNTIME) pyproject.toml
	@echo "==> installing the dev tools into $(VENV) (first time: about a minute)"
	@bash -o pipefail -c "$(BIN)/python -m pip install --progress-bar off -e '.[dev]' 2>&1 \
		| grep --line-buffered -E '^(Collecting|Installing|Successfully|ERROR)'"
	@touch $(STAMP)
	@echo "==> installed"

install: $(STAMP) ## create the virtualenv and install Rejoinder with its dev tools

demo: $(RUNTIME) ## run the demo publication on http://127.0.0.1:8000 (SQLite, no other server; PORT=8101 for another port)
	$(BIN)/rejoinder demo --port $(PORT)

serve: $(RUNTIME) ## serve with your own configuration (REJOINDER_CONFIG=rejoinder.toml)
	$(BIN)/rejoinder serve

test: $(STAMP) lint ## the whole suite: lint, SQLite, then PostgreSQL when it is reachable
	@$(MAKE) --no-print-directory test-sqlite
	@if $(BIN)/python scripts/pg_reachable.py "$(PG_URL)"; then \
		$(MAKE) --no-print-directory test-pg; \
	else \
		echo "PostgreSQL at $(PG_URL) is not reachable: the PostgreSQL run was skipped"; \
	fi

test-sqlite: $(STAMP) chromium nginx ## the suite on SQLite (browser tests included)
	@echo "== tests on SQLite =="
	REJOINDER_TEST_DB=sqlite $(BIN)/pytest -q -p no:cacheprovider $(PYTEST_ARGS)

test-pg: $(STAMP) nginx ## the suite on PostgreSQL (a fresh database of a unique name, dropped after)
	@echo "== tests on PostgreSQL (the browser suite drives the UI and runs once, on SQLite) =="
	REJOINDER_TEST_DB=postgresql REJOINDER_TEST_PG_URL=$(PG_URL) $(BIN)/pytest -q -p no:cacheprovider -m "not browser" $(PYTEST_ARGS)

lint: $(STAMP) ## ruff (lint + format check), mypy strict, and the layers (import-linter)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(STAMP) ## apply ruff's formatter and safe fixes
	$(BIN)/ruff format src tests bench scripts
	$(BIN)/ruff check --fix src tests bench scripts

BENCH_ARGS ?=

bench: $(STAMP) ## benchmarks side by side with ratios: raw ASGI, cached and uncached pages, Isso 0.14 (BENCH_ARGS=--quick)
	@command -v wrk >/dev/null || { echo "installing wrk (apt), the load generator"; \
		apt-get update -qq && apt-get install -y -qq wrk >/dev/null; } || \
		{ echo "make bench needs wrk: apt-get install -y wrk"; exit 1; }
	$(BIN)/python bench/run.py $(BENCH_ARGS)

bench-notifications: $(STAMP) ## notifications alone: digests for 100,000 readers into an SMTP sink, posting with fan-out (both databases; about an hour on a busy machine)
	$(BIN)/python bench/notifications.py $(BENCH_ARGS)

bench-pipeline: $(STAMP) ## the moderation pipeline alone: comments/s through every phase, word-list timings
	$(BIN)/python bench/pipeline_bench.py

model: $(STAMP) ## rebuild the toxicity model from data/moderation (fixed seeds; ~4 min of CPU)
	$(BIN)/python -m pip install --quiet -e '.[train]'
	$(BIN)/python -m rejoinder.moderation.training.train

eval-moderation: $(STAMP) ## the pipeline's decisions on the dev split: per category and language, false holds per group
	$(BIN)/python -m rejoinder.moderation.training.evaluate

docs: $(STAMP) ## regenerate docs/configuration.md and docs/openapi.json
	$(BIN)/rejoinder config-reference > docs/configuration.md
	$(BIN)/rejoinder openapi > docs/openapi.json
	$(BIN)/python scripts/api_reference.py docs/openapi.json > docs/api.md

chromium: ## install Debian's chromium for the browser tests, when it is missing
	@if [ ! -x $(CHROMIUM) ]; then \
		echo "installing chromium for the browser tests (apt)"; \
		(apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || \
		echo "could not install chromium: the browser tests will fail"; \
	fi

nginx: ## install Debian's nginx for the deployment tests, when it is missing (tests start their own)
	@if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then \
		echo "installing nginx for the deployment tests (apt)"; \
		(apt-get update -qq && apt-get install -y -qq nginx >/dev/null) || \
		echo "could not install nginx: the deployment tests will fail"; \
	fi

screenshots: $(STAMP) chromium ## regenerate docs/screenshots/*.png (the README's pictures) from the demo
	@fc-list 2>/dev/null | grep -qi "noto sans cjk" || \
		(apt-get install -y -qq fonts-noto-cjk >/dev/null 2>&1 || echo "no CJK font: Japanese will not render")
	$(BIN)/python scripts/screenshots.py docs/screenshots

clean: ## remove the virtualenv, caches and local databases
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
