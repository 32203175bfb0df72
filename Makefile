# Two entry points: `make demo` (render the latest pack from records/) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test validate clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/cspkit validate
	$(BIN)/cspkit render pack latest --format all --output build

validate: $(STAMP)
	$(BIN)/cspkit validate

# The gates first (seconds), then the suite on every CPU (pytest-xdist).
test: $(STAMP)
	$(BIN)/ruff check --quiet .
	$(BIN)/lint-imports --no-logo --no-cache >/dev/null || $(BIN)/lint-imports --no-logo --no-cache
	$(BIN)/python -m pytest -q -n auto

bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build .cspkit-cache
