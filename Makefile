# The README's two commands are `make build` and `make test`. Variables can be set on the command line,
# e.g. `make build SCALE=1 SEED=7`, or `make warehouse RAW_DIR=/secure/extracts SCALE=1` for real extracts.
## share of the national population the synthetic extracts cover (1 = the whole country)
SCALE ?= 0.1
## random seed of the synthetic extracts
SEED ?= 2025
## the extracts the warehouse is built from (synthetic or real)
RAW_DIR ?= data/raw
## the warehouse file dbt builds
WAREHOUSE ?= data/warehouse.duckdb
## where the quality checks write their Great Expectations Data Docs: beside the warehouse they checked
## (data/quality/gx_docs; /secure/quality/gx_docs for WAREHOUSE=/secure/warehouse.duckdb), every run kept
GX_DOCS ?= $(dir $(WAREHOUSE))quality/gx_docs
## where the BI export is published: marts.duckdb and parquet/ (the marts only)
BI_DIR ?= data/bi
## where the report is rendered (a static HTML site, from the BI export alone)
REPORT_DIR ?= data/report
## the settlement plan `make plan` reads (CSV: municipality_code, settlement_month YYYY-MM, persons, and
## optionally group_key, sex, age_group); the default is the shipped plan for 2025
PLAN ?= seeds/settlement_plan_2025.csv
## where `make plan` writes planned_contacts.csv
PLAN_DIR ?= data/plan
## set to 1 to let the door accept extract files with no rows
ALLOW_EMPTY ?=
# Tables V2/V3 list municipalities with at least 200 settled Ukrainian refugees; synthetic extracts at a
# smaller scale carry proportionally fewer, so the threshold scales with them (200 at SCALE=1).
## Tables V2/V3: least settled Ukrainian refugees a municipality needs (round(SCALE x 200))
MUNICIPALITY_THRESHOLD ?= $(shell python3 -c "print(max(1, int($(SCALE) * 200 + 0.5)))")
# The test suite builds its own small warehouse here, never touching $(WAREHOUSE).
## scale of the small warehouse `make test` builds
TEST_SCALE ?= 0.02
## where `make test` puts its extracts, warehouse, export, report and Data Docs
TEST_DIR ?= data/test
TEST_THRESHOLD := $(shell python3 -c "print(max(1, int($(TEST_SCALE) * 200 + 0.5)))")
# Tables 2/3 by country of birth name a country with at least 100 persons in the group (issue 14); scaled
# the same way, so a smaller build names the same countries as the national one would.
## Tables 2/3 by country of birth: least persons a country needs in a group (round(SCALE x 100))
COUNTRY_THRESHOLD ?= $(shell python3 -c "print(max(1, int($(SCALE) * 100 + 0.5)))")
TEST_COUNTRY_THRESHOLD := $(shell python3 -c "print(max(1, int($(TEST_SCALE) * 100 + 0.5)))")
# The same --vars go to dbt and to the export, which records them in its `about` table.
DBT_VARS := {municipality_min_settled_ukrainian_refugees: $(MUNICIPALITY_THRESHOLD), min_country_persons: $(COUNTRY_THRESHOLD)}
TEST_DBT_VARS := {municipality_min_settled_ukrainian_refugees: $(TEST_THRESHOLD), min_country_persons: $(TEST_COUNTRY_THRESHOLD)}

VENV := .venv
# The libraries the Data Docs load, pinned in package-lock.json, installed here (not committed).
DOCS_ASSETS := python_checks/docs_assets
PY := $(VENV)/bin/python
DBT := $(VENV)/bin/dbt
DBT_FLAGS := --profiles-dir . --project-dir .
export GX_ANALYTICS_ENABLED := false
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DO_NOT_TRACK := 1

.PHONY: help install docs-assets chromium extracts check-extracts warehouse publish report build plan test test-suite lint lint-all clean
.DEFAULT_GOAL := help

# The project's own packages (pyproject.toml) go in editable, without dependencies: those are the pinned set.
$(VENV)/.installed: requirements.txt constraints.txt pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt -c constraints.txt
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(VENV)/.test-installed: $(VENV)/.installed requirements-test.txt constraints.txt
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-test.txt -c constraints.txt
	touch $@

$(DOCS_ASSETS)/node_modules/.installed: $(DOCS_ASSETS)/package.json $(DOCS_ASSETS)/package-lock.json
	cd $(DOCS_ASSETS) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

docs-assets: $(DOCS_ASSETS)/node_modules/.installed ## the Data Docs' JavaScript and CSS, pinned (npm ci)

install: $(VENV)/.installed docs-assets ## the virtual environment .venv with the pinned packages, and docs-assets

# Synthetic extracts only.
extracts: install ## synthetic extracts only: SCALE, SEED -> RAW_DIR
	$(PY) -m synthetic_registers --scale $(SCALE) --seed $(SEED) --out $(RAW_DIR)

# The warehouse from the extracts already in RAW_DIR (synthetic or real), its quality checks and docs.
# dbt builds a new file in BUILDING_DIR (same file name, so the views name the same database) that replaces
# the warehouse only when every model and test passed: a failed, killed or out-of-memory build leaves the
# previous warehouse and BI export whole, never marts of two extract sets side by side.
BUILDING_DIR = $(dir $(abspath $(WAREHOUSE))).building
warehouse: check-extracts ## the warehouse from the extracts in RAW_DIR, checks, BI export, dbt docs
	rm -rf $(BUILDING_DIR) && mkdir -p $(BUILDING_DIR)
	RAW_DIR=$(abspath $(RAW_DIR)) WAREHOUSE=$(BUILDING_DIR)/$(notdir $(WAREHOUSE)) \
		$(DBT) build $(DBT_FLAGS) --vars '$(DBT_VARS)'
	@test ! -e $(BUILDING_DIR)/$(notdir $(WAREHOUSE)).wal || { echo "warehouse: the new file was not closed cleanly"; exit 1; }
	rm -f $(WAREHOUSE).wal && mv -f $(BUILDING_DIR)/$(notdir $(WAREHOUSE)) $(WAREHOUSE) && rm -rf $(BUILDING_DIR)
	@echo "warehouse: the new build replaced $(WAREHOUSE)"
	$(MAKE) --no-print-directory publish
	$(PY) -m python_checks --warehouse $(WAREHOUSE) --raw-dir $(RAW_DIR) --docs-dir $(GX_DOCS)
	RAW_DIR=$(abspath $(RAW_DIR)) WAREHOUSE=$(abspath $(WAREHOUSE)) \
		$(DBT) docs generate $(DBT_FLAGS) --vars '$(DBT_VARS)'

# The door: the delivery in RAW_DIR against the contract (extract_contract/contract.yml), before any model.
check-extracts: install ## check the extracts in RAW_DIR against the contract; nothing is built if it fails
	$(PY) -m extract_contract --raw-dir $(RAW_DIR) --warehouse $(WAREHOUSE) $(if $(ALLOW_EMPTY),--allow-empty)

# The BI export from the built warehouse: marts only, checked, swapped in whole.
publish: install ## publish the BI export (BI_DIR) from the built warehouse
	$(PY) -m bi_export --warehouse $(WAREHOUSE) --manifest target/manifest.json --raw-dir $(RAW_DIR) \
		--out-dir $(BI_DIR) --vars '$(DBT_VARS)'

# The settlement capacity planner on an existing warehouse: the plan is checked (file, row, rule) before
# anything runs; then only the planner's models (tag planner) are built, nothing else.
plan: install ## expected contacts of the settlement plan PLAN per municipality and month, on the built WAREHOUSE
	$(PY) -m planner --plan $(PLAN) --warehouse $(WAREHOUSE) --out $(PLAN_DIR)

# The report as a static site, from the BI export alone.
report: install ## render the report (REPORT_DIR) from the BI export
	$(PY) -m report --bi-dir $(BI_DIR) --out $(REPORT_DIR)

build: extracts warehouse report ## fresh machine -> .venv, extracts, warehouse, checks, export, report, docs
	@echo ""
	@echo "make build: done. Where the outputs are:"
	@echo "  extracts (Parquet, manifest.json)    $(RAW_DIR)/"
	@echo "  warehouse (restricted: person level) $(WAREHOUSE)"
	@echo "  BI export (marts only)               $(BI_DIR)/marts.duckdb and $(BI_DIR)/parquet/"
	@echo "  report (open in a browser)           $(REPORT_DIR)/index.html"
	@echo "  quality checks (GX Data Docs)        $(GX_DOCS)/index.html"
	@echo "  dbt docs (lineage)                   target/  ->  $(DBT) docs serve $(DBT_FLAGS)"
	@echo "  BI client (Superset on the export)   make bi"

## the commit `make lint` compares with (origin/main, or main without a remote); on a clean checkout of it
## everything is linted
LINT_BASE ?= $(shell git rev-parse --verify --quiet origin/main >/dev/null 2>&1 && echo origin/main || echo main)
# Each worker compiles the dbt project once; all 92 files on an idle 2-core machine: 1:47 with 2, 2:56 with 1.
## sqlfluff worker processes
LINT_PROCESSES ?= 2
PYTHON_DIRS := synthetic_registers python_checks python_tests warehouse_functions benchmarks bi_export \
	extract_contract report tools bi planner spark

lint: install ## ruff on all Python, mypy on the packages; sqlfluff on the SQL changed against LINT_BASE (all SQL if a macro or config changed)
	@echo "lint: ruff on $(PYTHON_DIRS)..."
	$(VENV)/bin/ruff check $(PYTHON_DIRS)
	@echo "lint: mypy on the packages of pyproject.toml..."
	$(VENV)/bin/mypy
	@$(PY) tools/lint_sql.py --base $(LINT_BASE) --processes $(LINT_PROCESSES)

lint-all: install ## ruff, mypy and sqlfluff on every file, whatever changed
	@echo "lint: ruff on $(PYTHON_DIRS)..."
	$(VENV)/bin/ruff check $(PYTHON_DIRS)
	@echo "lint: mypy on the packages of pyproject.toml..."
	$(VENV)/bin/mypy
	@$(PY) tools/lint_sql.py --all --processes $(LINT_PROCESSES)

# Targets: `name: prerequisites ## one line` after the name; variables: `## one line` comments right above
# `NAME ?= default`. Both are listed here, so a new target or variable documented that way shows up by itself.
HELP_VARIABLES = $(shell awk '/^\#\# /{doc=1; next} doc && /^[A-Z_]+ *[?:]?=/{print $$1} {doc=0}' $(MAKEFILE_LIST))
help: ## this list (the default goal): every target, and the main variables with their defaults
	@echo "usage: make TARGET [VARIABLE=value ...]   e.g. make build SCALE=1 SEED=7"
	@echo
	@echo "targets:"
	@awk -F ':[^#]*## ' '/^[a-zA-Z0-9_.-]+:[^=]*## / {printf "  %-15s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo
	@echo "variables (default; the value in force if set on the command line or in the environment):"
	@$(foreach v,$(HELP_VARIABLES),$(v)='$($(v))') awk ' \
		/^## / {doc = doc (doc == "" ? "" : " ") substr($$0, 4); next} \
		doc != "" && match($$0, /^[A-Z_]+ *[?:]?= */) { \
			name = $$1; default = substr($$0, RLENGTH + 1); now = ENVIRON[name]; \
			if (default ~ /\$$\(/) default = now " (computed)"; else if (now != default) default = default ", now " now; \
			if (default == "") default = "(empty)"; \
			printf "  %-24s %-32s %s\n", name, default, doc} \
		{doc = ""}' $(MAKEFILE_LIST)

# The browser test drives Debian's chromium (never a browser download); CI runs as root.
chromium: ## Debian's chromium for the browser tests, installed where missing (apt-get, as root)
	@test -x /usr/bin/chromium || { echo "test: installing Debian's chromium for the browser tests..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# Two jobs at a time where they do not depend on each other (the machine has two cores and each job leaves
# one partly idle): the Superset venv installs while the test build and pytest run, and the lint runs
# while Superset serves the dashboard test. --output-sync keeps each job's output together.
test: install $(VENV)/.test-installed chromium ## everything CI runs: a TEST_SCALE build, export, report, checks, pytest, lint
	$(MAKE) --no-print-directory -j2 --output-sync=target test-suite $(SUPERSET_VENV)/.installed
	$(MAKE) --no-print-directory -j2 --output-sync=target bi-test lint BI_DIR=$(TEST_DIR)/bi

# The test build at TEST_SCALE, its export, report, checks and docs, and pytest (part of make test).
test-suite: install $(VENV)/.test-installed chromium
	rm -rf $(TEST_DIR)
	$(PY) -m synthetic_registers --scale $(TEST_SCALE) --seed $(SEED) --out $(TEST_DIR)/raw --quiet
	$(PY) -m extract_contract --raw-dir $(TEST_DIR)/raw
	RAW_DIR=$(abspath $(TEST_DIR)/raw) WAREHOUSE=$(abspath $(TEST_DIR)/warehouse.duckdb) \
		$(DBT) build $(DBT_FLAGS) --target-path $(TEST_DIR)/target --vars '$(TEST_DBT_VARS)'
	$(PY) -m bi_export --warehouse $(TEST_DIR)/warehouse.duckdb --manifest $(TEST_DIR)/target/manifest.json \
		--raw-dir $(TEST_DIR)/raw --out-dir $(TEST_DIR)/bi --vars '$(TEST_DBT_VARS)'
	$(PY) -m report --bi-dir $(TEST_DIR)/bi --out $(TEST_DIR)/report
	$(PY) -m python_checks --warehouse $(TEST_DIR)/warehouse.duckdb --raw-dir $(TEST_DIR)/raw \
		--docs-dir $(TEST_DIR)/gx_docs
	RAW_DIR=$(abspath $(TEST_DIR)/raw) WAREHOUSE=$(abspath $(TEST_DIR)/warehouse.duckdb) \
		$(DBT) docs generate $(DBT_FLAGS) --target-path $(TEST_DIR)/target --vars '$(TEST_DBT_VARS)'
	TEST_WAREHOUSE=$(abspath $(TEST_DIR)/warehouse.duckdb) TEST_RAW_DIR=$(abspath $(TEST_DIR)/raw) \
		TEST_BI_DIR=$(abspath $(TEST_DIR)/bi) TEST_MANIFEST=$(abspath $(TEST_DIR)/target/manifest.json) \
		TEST_GX_DOCS=$(abspath $(TEST_DIR)/gx_docs) \
		BI_DIR=$(abspath $(TEST_DIR)/bi) REPORT_DIR=$(abspath $(TEST_DIR)/report) $(PY) -m pytest -q --durations=15 python_tests

clean: ## remove data/ (extracts, warehouses, exports, reports, Data Docs), target/ and logs/
	rm -rf data target logs

# ---- Spark engine: the same models on dbt-spark (its own venv; README "Spark") -------------------------
SPARK_VENV := .venv-spark

$(SPARK_VENV)/.installed: spark/requirements.txt
	python3 -m venv $(SPARK_VENV)
	$(SPARK_VENV)/bin/pip install --quiet --disable-pip-version-check -r spark/requirements.txt
	touch $@

## scale of make test-spark's extracts
SPARK_TEST_SCALE ?= 0.005
SPARK_TEST_DIR ?= data/spark-test
SPARK_TEST_THRESHOLD := $(shell python3 -c "print(max(1, int($(SPARK_TEST_SCALE) * 200 + 0.5)))")
SPARK_TEST_COUNTRY_THRESHOLD := $(shell python3 -c "print(max(1, int($(SPARK_TEST_SCALE) * 100 + 0.5)))")
SPARK_TEST_DBT_VARS := {municipality_min_settled_ukrainian_refugees: $(SPARK_TEST_THRESHOLD), min_country_persons: $(SPARK_TEST_COUNTRY_THRESHOLD)}
SPARK_DBT := SPARK_LOCAL_IP=127.0.0.1 RAW_DIR=$(abspath $(SPARK_TEST_DIR)/raw) \
	SPARK_WAREHOUSE_DIR=$(abspath $(SPARK_TEST_DIR)/spark/warehouse) $(SPARK_VENV)/bin/python spark/run_dbt.py

.PHONY: test-spark

# The same extracts built on DuckDB and on Spark (`dbt build`: every seed, model, data test and unit test;
# the one unit test of packed counts is DuckDB's only), then every mart and aggregate compared row by row.
test-spark: install $(SPARK_VENV)/.installed ## every model on Spark and on DuckDB from the same extracts, marts compared row by row
	rm -rf $(SPARK_TEST_DIR)
	$(PY) -m synthetic_registers --scale $(SPARK_TEST_SCALE) --seed $(SEED) --out $(SPARK_TEST_DIR)/raw --quiet
	$(PY) -m extract_contract --raw-dir $(SPARK_TEST_DIR)/raw
	RAW_DIR=$(abspath $(SPARK_TEST_DIR)/raw) WAREHOUSE=$(abspath $(SPARK_TEST_DIR)/duckdb.duckdb) \
		$(DBT) build $(DBT_FLAGS) --target-path $(SPARK_TEST_DIR)/duckdb-target --vars '$(SPARK_TEST_DBT_VARS)'
	$(SPARK_DBT) build $(DBT_FLAGS) --target spark --target-path $(SPARK_TEST_DIR)/spark/target \
		--vars '$(SPARK_TEST_DBT_VARS)'
	$(PY) -m python_checks.compare_marts $(SPARK_TEST_DIR)/duckdb.duckdb --spark-warehouse $(SPARK_TEST_DIR)/spark/warehouse
	$(PY) -m python_checks.compare_marts $(SPARK_TEST_DIR)/duckdb.duckdb --spark-warehouse $(SPARK_TEST_DIR)/spark/warehouse \
		--schema aggregates

# ---- BI client: Apache Superset on the BI export (its own venv; README "BI client") --------------------
# make bi: install (.venv-superset), fresh metadata DB, import bi/superset/dashboard/, serve on 127.0.0.1.
# Login from SUPERSET_ADMIN_USER / SUPERSET_ADMIN_PASSWORD (default admin / admin), SUPERSET_SECRET_KEY.
SUPERSET_VENV := .venv-superset
SUPERSET_PY := $(SUPERSET_VENV)/bin/python
## port of the Superset that make bi starts
SUPERSET_PORT ?= 8088
SUPERSET_STATE_DIR ?= data/superset
SUPERSET_TEST_PORT ?= 8089

.PHONY: bi bi-test bi-stop

$(SUPERSET_VENV)/.installed: bi/superset/requirements.txt bi/superset/constraints.txt
	python3 -m venv $(SUPERSET_VENV)
	$(SUPERSET_VENV)/bin/pip install --quiet --disable-pip-version-check \
		-r bi/superset/requirements.txt -c bi/superset/constraints.txt
	touch $@

bi: $(SUPERSET_VENV)/.installed ## start Superset on the BI export (http://127.0.0.1:SUPERSET_PORT, admin/admin)
	$(SUPERSET_PY) bi/superset/serve.py start --export $(BI_DIR)/marts.duckdb \
		--port $(SUPERSET_PORT) --state-dir $(SUPERSET_STATE_DIR)

bi-stop: ## stop the Superset that make bi started
	@if [ -x $(SUPERSET_PY) ]; then $(SUPERSET_PY) bi/superset/serve.py stop --state-dir $(SUPERSET_STATE_DIR); \
	else echo "Superset is not installed ($(SUPERSET_VENV))"; fi

# Starts its own Superset (port SUPERSET_TEST_PORT, fresh metadata DB in data/superset-test), compares every
# chart's data with the export, screenshots the dashboard ($(BI_DIR)/superset_dashboard.png), stops it.
bi-test: $(SUPERSET_VENV)/.installed chromium ## Superset's chart data against the BI export, and a dashboard screenshot
	BI_EXPORT=$(abspath $(BI_DIR)/marts.duckdb) BI_TEST_PORT=$(SUPERSET_TEST_PORT) \
		BI_SCREENSHOT=$(abspath $(BI_DIR)/superset_dashboard.png) \
		$(SUPERSET_PY) -m pytest -q -p no:cacheprovider -rA bi/superset/test_dashboard.py
