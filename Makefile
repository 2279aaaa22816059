# Two commands: `make run` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock | cksum | cut -d' ' -f1)
export SHIHYO_HOME ?= $(CURDIR)/var

.PHONY: run test install system-packages report-packages lint samples clean lock shell

# The main job: warehouse + sample figures on first start, the scheduled flows on a
# local Prefect server, and the dashboard, until Ctrl-C.
run: install report-packages
	$(BIN)/shihyo up

# The suite on the tests' own day (SHIHYO_NOW in tests/conftest.py), then the date-sensitive
# tests again under a machine clock shifted years away: whatever the machine's date, the
# judgement is the same, since nothing in shihyo reads the wall clock but its one clock.
SHIFTED_CLOCK ?= 2024-02-29 23:50:00

test: install system-packages report-packages
	@echo "checks: ruff, the floors (lint-imports), then the suite (about 15 minutes on 2 cores)"
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/pytest
	@echo "again under a shifted machine clock ($(SHIFTED_CLOCK)): the date-sensitive tests (not those timing waits between processes)"
	faketime '$(SHIFTED_CLOCK)' $(BIN)/pytest -m "clock and not processes" -q -p no:cacheprovider

# Debian packages the tests use: headless Chromium and Japanese fonts for the browser test,
# faketime for the shifted-clock run, nginx and openssl for the reverse-proxy test
# (deploy/nginx/shihyo.conf), poppler-utils (pdftoppm) to look at the PDF report's pages,
# PostgreSQL and iproute2 for the multi-host test (hosts in network namespaces,
# tests/test_multihost.py). Installed with apt when missing and run as root.
SYSTEM_PACKAGES := chromium fonts-noto-cjk faketime nginx openssl poppler-utils postgresql iproute2
system-packages:
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v faketime >/dev/null 2>&1 \
		|| ! [ -x /usr/sbin/nginx ] || ! command -v ip >/dev/null 2>&1 \
		|| ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 \
		|| ! command -v openssl >/dev/null 2>&1 \
		|| ! command -v pdftoppm >/dev/null 2>&1 \
		|| ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
		if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
			echo "installing Debian packages: $(SYSTEM_PACKAGES) (a minute or two) …"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; \
		else \
			echo "missing one of $(SYSTEM_PACKAGES) and cannot install it here (needs root and apt)"; \
			exit 1; \
		fi; \
	fi

# What the PDF report needs at run time: WeasyPrint lays out with Pango (and HarfBuzz's
# subsetter), in the Noto CJK fonts. Installed with apt when missing and run as root; else
# only the PDF format is missing, so say so and go on.
REPORT_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk
report-packages:
	@if ! ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0.so.0 \
		|| ! ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset.so.0 \
		|| ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
		if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
			echo "installing Debian packages for the PDF report: $(REPORT_PACKAGES) …"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(REPORT_PACKAGES) >/dev/null; \
		else \
			echo "the PDF report needs $(REPORT_PACKAGES) (apt, as root); other formats work without"; \
		fi; \
	fi

install: $(STAMP)

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "shihyo needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)

# Exactly the locked set, each file checked against its hash (requirements.lock), then shihyo
# itself without resolving anything more, built with the locked setuptools.
$(STAMP): pyproject.toml requirements.lock | $(BIN)/python
	@echo "installing the locked Python packages into $(VENV) (a few minutes the first time) …"
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	rm -f $(VENV)/.installed-*
	touch $@

# Regenerate requirements.lock from pyproject.toml (and its [test] extra) against PyPI, with
# pip-tools in a venv of its own; pins are kept where pyproject.toml allows them, unless
# `make lock LOCK_UPGRADE=--upgrade`. Review the diff before committing it.
LOCK_TOOLS ?= $(VENV)/lock-tools
LOCK_UPGRADE ?=
lock:
	test -x $(LOCK_TOOLS)/bin/pip-compile || ($(PYTHON) -m venv $(LOCK_TOOLS) \
		&& $(LOCK_TOOLS)/bin/pip install --quiet pip-tools)
	env -u PIP_FIND_LINKS PIP_CONFIG_FILE=/dev/null $(LOCK_TOOLS)/bin/pip-compile --quiet \
		--generate-hashes --allow-unsafe --all-build-deps --extra test --strip-extras \
		--no-emit-index-url --index-url https://pypi.org/simple $(LOCK_UPGRADE) \
		--output-file requirements.lock pyproject.toml

# A shell with the venv active: `shihyo` and the tools on PATH (exit returns).
shell: install
	@echo "shihyo is on PATH in this shell; exit to leave it"
	@SHIHYO_HOME=$(SHIHYO_HOME) PATH=$(CURDIR)/$(BIN):$$PATH VIRTUAL_ENV=$(CURDIR)/$(VENV) \
		$${SHELL:-/bin/bash} -i

lint: install
	$(BIN)/ruff check .

samples: install
	$(BIN)/python data/sample/make_samples.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
