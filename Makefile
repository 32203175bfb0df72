# Two entry points: `make demo` (render the latest pack from records/) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test validate clean bench pages

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

test: $(STAMP)
	$(BIN)/python -m pytest -q

# Page images of both example bodies' packs, for review (needs pdftoppm: poppler-utils).
pages: $(STAMP)
	$(BIN)/python docs/pages/regenerate.py

bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build .cspkit-cache
