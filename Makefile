# `make demo` and `make test` work on a fresh clone: they build .venv from python3 first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint install clean

# Two pytest workers more than cores: a test waiting on a server, a timeout or a child process
# leaves its core to another (two workers on two cores kept them 77% busy; four, 94%).
WORKERS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 2) + 2 )))

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# pywb (the tests replay an exported WARC in it, as an archivist would) pins redis<3, which
# the cluster extra cannot live with: it gets a virtualenv of its own.
PYWB := .venv-pywb
PYWB_STAMP := $(PYWB)/.installed

$(PYWB_STAMP):
	$(PYTHON) -m venv $(PYWB)
	$(PYWB)/bin/python -m pip install --quiet --upgrade pip
	$(PYWB)/bin/python -m pip install --quiet "pywb>=2.9,<3"
	touch $(PYWB_STAMP)

install: $(STAMP) $(PYWB_STAMP)

demo: $(STAMP)
	$(BIN)/briefwatch demo

# Bytecode is written once before the suite: with PYTHONDONTWRITEBYTECODE set (as on CI
# machines), each of its ~800 Python processes would compile our modules again (60 ms each).
test: $(STAMP) $(PYWB_STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m compileall -q crawler jobs spiders storage tests
	$(BIN)/pytest -n $(WORKERS) --dist worksteal

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) $(PYWB) .pytest_cache .ruff_cache *.egg-info

# Benchmarks (on demand, not a test): writes bench/RESULTS.md; see bench/README.md.
.PHONY: bench
bench: $(STAMP)
	$(BIN)/python bench/run.py
