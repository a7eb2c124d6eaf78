# Two commands: `make run` serves the demo, `make test` runs the whole suite.
# Everything else (the virtualenv, installs, translations, migrations) happens on the way.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := app

.PHONY: run test bench translations migration clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installs are redone only when pyproject.toml changes (stamps in the virtualenv).
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

# Without a catalogue there is nothing to compile; the suite then says the French one is missing.
translations: $(VENV)/.installed
	if ls translations/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then $(BIN)/flask translate compile; fi

run: $(VENV)/.installed translations
	$(BIN)/flask db upgrade
	$(BIN)/flask demo --if-empty
	$(BIN)/flask run --host 127.0.0.1 --port 5000

test: $(VENV)/.installed-test translations
	$(BIN)/python -m pytest

bench: $(VENV)/.installed translations
	$(BIN)/python -m bench

# Regenerate the single initial migration from the models (before the first release only).
migration: $(VENV)/.installed
	PYTHON=$(abspath $(BIN)/python) bin/regen-migration

clean:
	rm -rf $(VENV) instance bench/out
