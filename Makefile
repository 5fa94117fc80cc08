# `make demo` and `make test` work on a fresh clone: they build .venv from python3 first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/briefwatch demo

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/pytest -n auto

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info

# Benchmarks (on demand, not a test): writes bench/RESULTS.md; see bench/README.md.
.PHONY: bench
bench: $(STAMP)
	$(BIN)/python bench/run.py
