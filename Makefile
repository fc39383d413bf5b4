# The two commands a newcomer needs: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
UV_VERSION := 0.13.8
UV := .tools/bin/uv
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export UV_PYTHON_DOWNLOADS := never

.PHONY: install run test test-fast lint format contract bench bench-scale label-truth clean

# uv lives in its own small venv so `uv sync` never removes it from the project venv.
$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.installed: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/sidefx db upgrade
	$(BIN)/sidefx seed
	$(BIN)/sidefx serve --host $(HOST) --port $(PORT)

# The whole suite on SQLite; when SIDEFX_TEST_DATABASE_URL is set, once more on PostgreSQL;
# and the TypeScript contract check where npm is installed.
test: install lint contract
	@echo "== tests on SQLite"
	env -u SIDEFX_TEST_DATABASE_URL $(BIN)/pytest -q -p no:cacheprovider
	@if [ -n "$$SIDEFX_TEST_DATABASE_URL" ]; then \
		echo "== tests on PostgreSQL"; \
		$(BIN)/pytest -q -p no:cacheprovider; \
	else \
		echo "== PostgreSQL run skipped: set SIDEFX_TEST_DATABASE_URL (see README) or run .ci/run"; \
	fi

# The inner loop: the suite on SQLite without the tests marked slow (the real SIDER release,
# server processes); `make test` runs them all.
test-fast: install
	env -u SIDEFX_TEST_DATABASE_URL $(BIN)/pytest -q -p no:cacheprovider -m "not slow"

# TypeScript types generated from the OpenAPI document; a small client must type-check.
contract: install
	@if command -v npm >/dev/null; then tests/contract/check.sh; \
	else echo "== TypeScript contract check skipped: npm not installed"; fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy app tests benchmarks
	$(BIN)/hadolint Dockerfile

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Real-scale benchmark (needs the SIDER files; default ../shared/data/sider) and wrk.
SIDER ?= ../shared/data/sider
bench: install
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
	$(UV) sync --frozen --group bench
	touch $(VENV)/.installed
	$(BIN)/python benchmarks/run.py $(SIDER)

# Cost as the data grows: SIDER-shaped files at 1x, 10x, 50x (SCALES="1 10 50"), fresh databases.
bench-scale: install
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
	$(BIN)/python -m benchmarks.scale $(SIDER)

# The API held against hand-annotated FDA labels (a fresh database with the seed and SIDER):
# top-10 precision, flagged records the labels list, symptom checks; updates
# benchmarks/label-truth.md (HEADING="After (...)" names the section; DUMP=file for details).
GOLD ?= ../shared/data/label-gold/tac2017-adr-train.json
label-truth: install
	$(BIN)/python -m benchmarks.label_truth $(SIDER) --gold $(GOLD) \
		$(if $(HEADING),--heading "$(HEADING)") $(if $(DUMP),--dump $(DUMP))

clean:
	rm -rf $(VENV) .tools var .pytest_cache .mypy_cache .ruff_cache
