# Two entry points: `make demo` (render the latest pack from records/) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test validate clean bench system-deps

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
test: $(STAMP) system-deps
	$(BIN)/ruff check --quiet .
	$(BIN)/lint-imports --no-logo --no-cache >/dev/null || $(BIN)/lint-imports --no-logo --no-cache
	$(BIN)/python -m pytest -q -n auto

# The browser tests need Debian's chromium, and looking at PDFs needs poppler-utils (pdftoppm).
# Installed only when missing, quietly, as root (or with sudo that asks for no password);
# when that cannot be done the browser tests say why in one line (in CI they fail instead).
system-deps:
	@if [ ! -x /usr/bin/chromium ] || ! command -v pdftoppm >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO=none; fi; \
	  if [ "$$SUDO" != none ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing chromium and poppler-utils (apt-get)"; \
	    ( $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	        --no-install-recommends chromium poppler-utils ) >/dev/null 2>&1 \
	      || echo "note: apt-get could not install chromium and poppler-utils; the browser tests will say so"; \
	  else \
	    echo "note: chromium or pdftoppm is missing and cannot be installed here (apt-get as root)"; \
	  fi; \
	fi

bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build .cspkit-cache
