# iop: `make extract` reads data/raw into data/extracted; `make test` runs the tests.
# Every target creates the virtual environment first if it is missing.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help setup extract report test lint bench eval clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-9s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@bash scripts/system-deps.sh ocr
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP) ## create .venv with the pinned dependencies (idempotent)
	@$(BIN)/python -c "from pipeline.ingest.ocr import describe; print(describe())"

extract: $(STAMP) ## read data/raw -> data/extracted (CSV, Parquet, DuckDB)
	$(BIN)/iop extract data/raw --out data/extracted

report: $(STAMP) ## write the HTML report data/extracted -> data/report (after make extract)
	$(BIN)/iop report --tables data/extracted --out data/report

# The suite runs on every core (pytest-xdist): about half the time on two.
test: $(STAMP) ## run the test suite (on every core)
	$(BIN)/python -m pytest -n auto

N   ?= 1000
BIG ?= 10000

# bench/run_bench.py is the archive-scale benchmark (N documents, BIG=0 skips the 10 000-
# document memory run); generate_archive.py and naive_baseline.py are its helpers.
bench: $(STAMP) ## run the benchmarks under bench/ (figures printed; archive scale: N=1000 BIG=10000)
	@command -v pdftotext >/dev/null || echo "pdftotext not installed (apt-get install poppler-utils): its column is skipped"
	@status=0; for script in bench/*.py; do \
		case $$script in bench/generate_archive.py|bench/naive_baseline.py|bench/eval.py|bench/funding_check.py) continue;; esac; \
		echo "== $$script"; args=""; \
		[ $$script = bench/run_bench.py ] && args="--n $(N) --big $(BIG)"; \
		$(BIN)/python $$script $$args || status=1; done; exit $$status

FUNDING ?= 200

eval: $(STAMP) ## score the tables against gold (../shared), and the funding views against a generated archive (FUNDING=200 families)
	$(BIN)/python bench/eval.py
	$(BIN)/python bench/funding_check.py --n $(FUNDING)

lint: $(STAMP) ## ruff
	$(BIN)/ruff check pipeline tests bench

clean: ## remove outputs and caches (never data/raw)
	rm -rf data/extracted data/cache data/report data/eval .pytest_cache
