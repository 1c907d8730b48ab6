# The README's two commands are `make build` and `make test`. Variables can be set on the command line,
# e.g. `make build SCALE=1 SEED=7`.
SCALE ?= 0.1
SEED ?= 2025
RAW_DIR ?= data/raw
WAREHOUSE ?= data/warehouse.duckdb
# The test suite builds its own small warehouse here, never touching $(WAREHOUSE).
TEST_SCALE ?= 0.02
TEST_DIR ?= data/test

VENV := .venv
PY := $(VENV)/bin/python
DBT := $(VENV)/bin/dbt
export GX_ANALYTICS_ENABLED := false
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DO_NOT_TRACK := 1

.PHONY: install extracts build test lint clean

$(VENV)/.installed: requirements.txt constraints.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt -c constraints.txt
	touch $@

install: $(VENV)/.installed

extracts: install
	$(PY) -m synthetic_registers --scale $(SCALE) --seed $(SEED) --out $(RAW_DIR)

build: extracts
	RAW_DIR=$(abspath $(RAW_DIR)) WAREHOUSE=$(abspath $(WAREHOUSE)) \
		$(DBT) build --profiles-dir . --project-dir .

test: install
	$(PY) -m pytest -q python_tests
	$(PY) -m synthetic_registers --scale $(TEST_SCALE) --seed $(SEED) --out $(TEST_DIR)/raw --quiet
	RAW_DIR=$(abspath $(TEST_DIR)/raw) WAREHOUSE=$(abspath $(TEST_DIR)/warehouse.duckdb) \
		$(DBT) build --profiles-dir . --project-dir .

clean:
	rm -rf data target logs
