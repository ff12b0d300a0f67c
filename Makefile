# `make run` opens krant on posts/; `make test` runs the whole test suite.
# Both create .venv/ on first use, with exactly the versions in requirements.lock (hashes checked).
# `make upgrade` moves the lock to the newest releases on purpose and runs the suite on them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements.lock
TOOLS := .venv-tools
PIP := --disable-pip-version-check --progress-bar off
COMPILE := --extra test --generate-hashes --allow-unsafe --strip-extras --build-deps-for editable \
	--no-emit-index-url --no-emit-find-links --output-file $(LOCK)

.PHONY: run test lint bench upgrade clean

# A new lock gets a new environment, so nothing from the old one lingers.
$(STAMP): pyproject.toml $(LOCK)
	@echo "krant: setting up $(VENV)/ with the versions locked in $(LOCK) (first run: about half a minute)"
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install $(PIP) --require-hashes --no-deps -r $(LOCK)
	$(BIN)/python -m pip install $(PIP) --quiet --no-deps --no-build-isolation --editable .
	touch $(STAMP)
	@echo "krant: $(VENV)/ is ready"

run: $(STAMP)
	$(BIN)/krant posts/

test: $(STAMP)
	$(BIN)/ruff check tui tests benchmarks
	$(BIN)/python -m pytest --numprocesses=auto

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

# Refresh the lock to the newest versions pyproject.toml allows, then test on them: a library release
# is met here, by whoever chose to move, and never by CI. Commit requirements.lock when it passes.
upgrade:
	@echo "krant: refreshing $(LOCK) with pip-tools (in $(TOOLS)/)"
	test -x $(TOOLS)/bin/pip-compile || ($(PYTHON) -m venv $(TOOLS) && $(TOOLS)/bin/python -m pip install $(PIP) --quiet pip-tools)
	$(TOOLS)/bin/pip-compile --upgrade $(COMPILE) pyproject.toml
	git diff --stat -- $(LOCK) || true
	$(MAKE) test

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .ruff_cache .hypothesis
