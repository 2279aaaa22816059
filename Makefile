# Two commands: `make run` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
export SHIHYO_HOME ?= $(CURDIR)/var

.PHONY: run test install browser lint samples clean

# The main job: warehouse + sample figures on first start, the scheduled flows on a
# local Prefect server, and the dashboard, until Ctrl-C.
run: install
	$(BIN)/shihyo up

test: install browser
	$(BIN)/ruff check .
	$(BIN)/pytest

# Headless Chromium (Debian's package) and Japanese fonts for the browser tests.
browser:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
		if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
		else \
			echo "chromium or fonts-noto-cjk missing and cannot be installed here: browser tests will be skipped"; \
		fi; \
	fi

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
