# Two entry points: `make demo` (render the latest pack from records/) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test validate clean bench pages poppler

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

# The page-image tests draw PDF pages with pdftoppm (Debian: poppler-utils): installed when
# missing and this is root on Debian; otherwise those tests skip, saying why (on CI they fail).
poppler:
	@command -v pdftoppm >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  apt-get update -qq && apt-get install -y -qq poppler-utils >/dev/null; } || \
	  echo "pdftoppm not found: the page-image tests will skip (apt-get install poppler-utils)"

# The gates first (seconds), then the suite on every CPU (pytest-xdist).
test: $(STAMP) poppler
	$(BIN)/ruff check --quiet .
	$(BIN)/lint-imports --no-logo --no-cache >/dev/null || $(BIN)/lint-imports --no-logo --no-cache
	$(BIN)/mypy
	$(BIN)/python -m pytest -q -n auto

# Page images of both example bodies' packs, for review (needs pdftoppm: poppler-utils).
pages: $(STAMP) poppler
	$(BIN)/python docs/pages/regenerate.py

bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build .cspkit-cache
