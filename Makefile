# Two entry points: `make demo` (render the latest pack from records/) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test validate clean bench pages poppler system-deps

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
test: $(STAMP) system-deps
	$(BIN)/ruff check --quiet .
	$(BIN)/lint-imports --no-logo --no-cache >/dev/null || $(BIN)/lint-imports --no-logo --no-cache
	$(BIN)/mypy
	$(BIN)/python -m pytest -q -n auto

# The browser tests need Debian's chromium (and the page-image tests pdftoppm, above).
# Installed only when missing, quietly, as root (or with sudo that asks for no password);
# when that cannot be done the browser tests say why in one line (in CI they fail instead).
system-deps: poppler
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO=none; fi; \
	  if [ "$$SUDO" != none ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing chromium (apt-get)"; \
	    ( $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	        --no-install-recommends chromium ) >/dev/null 2>&1 \
	      || echo "note: apt-get could not install chromium; the browser tests will say so"; \
	  else \
	    echo "note: /usr/bin/chromium is missing and cannot be installed here (apt-get as root)"; \
	  fi; \
	fi

# Page images of both example bodies' packs, for review (needs pdftoppm: poppler-utils).
pages: $(STAMP) poppler
	$(BIN)/python docs/pages/regenerate.py

bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build .cspkit-cache
