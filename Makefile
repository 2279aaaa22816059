# Two commands: `make run` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
export SHIHYO_HOME ?= $(CURDIR)/var

.PHONY: run test install lint samples clean

run: install
	$(BIN)/shihyo init
	$(BIN)/shihyo plan

test: install
	$(BIN)/ruff check .
	$(BIN)/pytest

install: $(STAMP)

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "shihyo needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

lint: install
	$(BIN)/ruff check .

samples: install
	$(BIN)/python data/sample/make_samples.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
