# Two commands: `make run` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
export SHIHYO_HOME ?= $(CURDIR)/var

.PHONY: run test install system-packages lint samples clean

# The main job: warehouse + sample figures on first start, the scheduled flows on a
# local Prefect server, and the dashboard, until Ctrl-C.
run: install
	$(BIN)/shihyo up

# The suite on the tests' own day (SHIHYO_NOW in tests/conftest.py), then the date-sensitive
# tests again under a machine clock shifted years away: whatever the machine's date, the
# judgement is the same, since nothing in shihyo reads the wall clock but its one clock.
SHIFTED_CLOCK ?= 2024-02-29 23:50:00

test: install system-packages
	$(BIN)/ruff check .
	$(BIN)/pytest
	@echo "again under a shifted machine clock ($(SHIFTED_CLOCK)): the date-sensitive tests"
	faketime '$(SHIFTED_CLOCK)' $(BIN)/pytest -m clock -q -p no:cacheprovider

# Debian packages the tests use: headless Chromium and Japanese fonts for the browser test,
# faketime for the shifted-clock run, nginx and openssl for the reverse-proxy test
# (deploy/nginx/shihyo.conf). Installed with apt when missing and run as root.
SYSTEM_PACKAGES := chromium fonts-noto-cjk faketime nginx openssl
system-packages:
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v faketime >/dev/null 2>&1 \
		|| ! [ -x /usr/sbin/nginx ] \
		|| ! command -v openssl >/dev/null 2>&1 \
		|| ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
		if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
			echo "installing Debian packages: $(SYSTEM_PACKAGES) (a minute or two) …"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; \
		else \
			echo "missing one of $(SYSTEM_PACKAGES) and cannot install it here (needs root and apt)"; \
			exit 1; \
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
