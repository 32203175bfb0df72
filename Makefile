# Two entry points: `make demo` (render the latest pack from records/) and `make test`.
PYTHON ?= python3
# Python keeps compiled modules (__pycache__) for the next run, whatever the shell says: without
# them every test worker and every cspkit subprocess compiles cspkit and pytest rewrites every
# test module again (seconds, each time).
unexport PYTHONDONTWRITEBYTECODE
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test validate clean bench pages system-deps

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
	$(BIN)/mypy
	$(BIN)/python -m pytest -q -n auto --dist loadgroup

# System packages some tests use: pdftoppm (page images), Chromium (browser tests), LibreOffice
# (Word files must open in it). Installed when missing, quietly, as root (or with a sudo that
# asks for no password); where that cannot be done, the tests that need one skip with one line
# saying why (under CI they fail instead).
SYSTEM_PACKAGES := poppler-utils:pdftoppm chromium:chromium libreoffice-writer-nogui:soffice
system-deps:
	@missing=""; for pair in $(SYSTEM_PACKAGES); do \
	  command -v "$${pair##*:}" >/dev/null 2>&1 || missing="$$missing $${pair%%:*}"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO=none; fi; \
	  if [ "$$SUDO" != none ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing$$missing (apt-get)"; \
	    ( $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	        --no-install-recommends $$missing ) >/dev/null 2>&1 \
	      || echo "note: apt-get could not install$$missing; the tests that need them will say so"; \
	  else \
	    echo "note:$$missing missing and cannot be installed here (apt-get as root)"; \
	  fi; \
	fi

# Page images of both example bodies' packs, for review (needs pdftoppm: poppler-utils).
pages: $(STAMP) system-deps
	$(BIN)/python docs/pages/regenerate.py

bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build .cspkit-cache
