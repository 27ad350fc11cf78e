# The two commands a newcomer needs: `make demo` (run Kiban with demo data) and `make test` (run every test).
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.kiban-installed

.PHONY: demo test lint messages bench-genome

demo: $(STAMP)
	$(BIN)/kiban demo
	$(BIN)/kiban serve

# Every core runs tests; a module (the browser tests: their package) stays on one worker, so module- and
# package-scoped fixtures (demo data, Spark, Chromium) are built once. PYTEST_ARGS="-n 0" runs serially.
PYTEST_ARGS ?= -n auto --dist loadgroup
test: $(STAMP)
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench conftest.py
	$(BIN)/ruff format --check src tests bench conftest.py

# The genome engine's benchmarks beside bcftools and cyvcf2 (README, Benchmarks); ARGS="--sizes 1000" etc.
bench-genome: $(STAMP)
	$(BIN)/python bench/genome_bench.py $(ARGS)

# Rebuilds the compiled catalogs from the .po files (no gettext tools needed).
messages: $(STAMP)
	$(BIN)/python scripts/compile_messages.py

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || "$$(scripts/find-python)" -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@
