# Glossator: `make build` builds the example site into output/, `make test` runs every test.
# Each target sets up its own virtual environment (.venv) from pyproject.toml, pinned by
# constraints.txt, so the two commands work on a fresh machine with Python 3.11+.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TOOLS := .tools
VNU_VERSION := 26.9.27
VNU_JAR := $(TOOLS)/node_modules/vnu-jar/build/dist/vnu.jar

.PHONY: build test check serve clean tools

build: $(VENV)/.stamp-build
	$(BIN)/python build.py build

check: $(VENV)/.stamp-build
	$(BIN)/python build.py check

serve: $(VENV)/.stamp-build
	$(BIN)/python build.py serve

test: $(VENV)/.stamp-test tools
	$(BIN)/python -m pytest

$(VENV)/.stamp-python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "Glossator needs Python 3.11 or newer; '$(PYTHON)' is: $$($(PYTHON) --version 2>&1)."; \
	  echo "Run: make PYTHON=python3.11 ..."; exit 1; }
	@$(PYTHON) -m venv $(VENV) || { \
	  echo "Could not create a virtual environment with $(PYTHON)."; \
	  echo "On Debian or Ubuntu: sudo apt install python3-venv"; rm -rf $(VENV); exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	touch $@

# An editable install runs Glossator from this folder; where PYTHONDONTWRITEBYTECODE is set
# (as on this project's machines) Python would compile its modules again on every run (about
# 0.2 s a command), so they are compiled once here.
$(VENV)/.stamp-build: $(VENV)/.stamp-python pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	$(BIN)/python -m compileall -q glossator
	touch $@

$(VENV)/.stamp-test: $(VENV)/.stamp-build pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

# The Nu HTML Checker (Java), from the npm registry, into a git-ignored folder. Without npm
# the HTML-validation tests say why they skip (and fail under CI=true).
tools:
	@if [ -f $(VNU_JAR) ]; then :; \
	elif command -v npm >/dev/null 2>&1; then \
	  mkdir -p $(TOOLS) && cd $(TOOLS) && npm install --silent --no-audit --no-fund --no-save \
	    vnu-jar@$(VNU_VERSION); \
	else echo "npm not found: the Nu HTML Checker tests will be skipped"; fi

clean:
	rm -rf output .glossator-staging .glossator-cache .pytest_cache .hypothesis
