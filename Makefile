# The README's two commands are `make build` and `make test`. Variables can be set on the command line,
# e.g. `make build SCALE=1 SEED=7`, or `make warehouse RAW_DIR=/secure/extracts SCALE=1` for real extracts.
SCALE ?= 0.1
SEED ?= 2025
RAW_DIR ?= data/raw
WAREHOUSE ?= data/warehouse.duckdb
# GX Data Docs go beside the warehouse they checked (data/quality/gx_docs; /secure/quality/gx_docs for
# WAREHOUSE=/secure/warehouse.duckdb), with every run's validation results kept in quality/gx_results.
GX_DOCS ?= $(dir $(WAREHOUSE))quality/gx_docs
# Tables V2/V3 list municipalities with at least 200 settled Ukrainian refugees; synthetic extracts at a
# smaller scale carry proportionally fewer, so the threshold scales with them (200 at SCALE=1).
MUNICIPALITY_THRESHOLD ?= $(shell python3 -c "print(max(1, int($(SCALE) * 200 + 0.5)))")
# The test suite builds its own small warehouse here, never touching $(WAREHOUSE).
TEST_SCALE ?= 0.02
TEST_DIR ?= data/test
TEST_THRESHOLD := $(shell python3 -c "print(max(1, int($(TEST_SCALE) * 200 + 0.5)))")

VENV := .venv
# The libraries the Data Docs load, pinned in package-lock.json, installed here (not committed).
DOCS_ASSETS := python_checks/docs_assets
PY := $(VENV)/bin/python
DBT := $(VENV)/bin/dbt
DBT_FLAGS := --profiles-dir . --project-dir .
export GX_ANALYTICS_ENABLED := false
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DO_NOT_TRACK := 1

.PHONY: install docs-assets extracts warehouse build test lint clean

$(VENV)/.installed: requirements.txt constraints.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt -c constraints.txt
	touch $@

$(DOCS_ASSETS)/node_modules/.installed: $(DOCS_ASSETS)/package.json $(DOCS_ASSETS)/package-lock.json
	cd $(DOCS_ASSETS) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

docs-assets: $(DOCS_ASSETS)/node_modules/.installed

install: $(VENV)/.installed docs-assets

# Synthetic extracts only.
extracts: install
	$(PY) -m synthetic_registers --scale $(SCALE) --seed $(SEED) --out $(RAW_DIR)

# The warehouse from the extracts already in RAW_DIR (synthetic or real), its quality checks and docs.
warehouse: install
	RAW_DIR=$(abspath $(RAW_DIR)) WAREHOUSE=$(abspath $(WAREHOUSE)) \
		$(DBT) build $(DBT_FLAGS) --vars '{municipality_min_settled_ukrainian_refugees: $(MUNICIPALITY_THRESHOLD)}'
	$(PY) -m python_checks --warehouse $(WAREHOUSE) --raw-dir $(RAW_DIR) --docs-dir $(GX_DOCS)
	RAW_DIR=$(abspath $(RAW_DIR)) WAREHOUSE=$(abspath $(WAREHOUSE)) \
		$(DBT) docs generate $(DBT_FLAGS) --vars '{municipality_min_settled_ukrainian_refugees: $(MUNICIPALITY_THRESHOLD)}'

build: extracts warehouse

lint: install
	$(VENV)/bin/ruff check synthetic_registers python_checks python_tests warehouse_functions benchmarks
	$(VENV)/bin/sqlfluff lint models macros tests analyses

test: install
	rm -rf $(TEST_DIR)
	$(PY) -m synthetic_registers --scale $(TEST_SCALE) --seed $(SEED) --out $(TEST_DIR)/raw --quiet
	RAW_DIR=$(abspath $(TEST_DIR)/raw) WAREHOUSE=$(abspath $(TEST_DIR)/warehouse.duckdb) \
		$(DBT) build $(DBT_FLAGS) --target-path $(TEST_DIR)/target \
		--vars '{municipality_min_settled_ukrainian_refugees: $(TEST_THRESHOLD)}'
	$(PY) -m python_checks --warehouse $(TEST_DIR)/warehouse.duckdb --raw-dir $(TEST_DIR)/raw \
		--docs-dir $(TEST_DIR)/gx_docs
	RAW_DIR=$(abspath $(TEST_DIR)/raw) WAREHOUSE=$(abspath $(TEST_DIR)/warehouse.duckdb) \
		$(DBT) docs generate $(DBT_FLAGS) --target-path $(TEST_DIR)/target \
		--vars '{municipality_min_settled_ukrainian_refugees: $(TEST_THRESHOLD)}'
	TEST_WAREHOUSE=$(abspath $(TEST_DIR)/warehouse.duckdb) TEST_RAW_DIR=$(abspath $(TEST_DIR)/raw) \
		TEST_GX_DOCS=$(abspath $(TEST_DIR)/gx_docs) $(PY) -m pytest -q python_tests
	$(MAKE) lint

clean:
	rm -rf data target logs
