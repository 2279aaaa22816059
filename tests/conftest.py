"""Shared fixtures: the real catalog, a temp SHIHYO_HOME, a warehouse on disk."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

# Before anything imports Prefect: its home in a temp folder, no analytics, and
# on-demand commands run directly unless a test asks for the harness.
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="shihyo-prefect-"))
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["SHIHYO_PREFECT"] = "never"
# The day the tests live on, whatever the machine's date: every "now" in shihyo comes from
# this clock (tests that need another day set their own). `.ci/run` also runs the suite
# under faketime at other dates to show that nothing reads the machine's clock instead.
os.environ["SHIHYO_NOW"] = "2026-11-20T09:00:00"

import pytest

from indicators.catalog import Catalog, load_catalog
from kernel.settings import PACKAGE_CATALOG
from warehouse import Warehouse

REPO = Path(__file__).resolve().parents[1]
REALDATA = REPO.parent / "shared" / "realdata"


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog(PACKAGE_CATALOG)


@pytest.fixture
def catalog_dir(tmp_path: Path) -> Path:
    """A writable copy of the catalog files, for tests that break them."""
    target = tmp_path / "catalog"
    shutil.copytree(PACKAGE_CATALOG, target)
    return target


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh SHIHYO_HOME for the test."""
    path = tmp_path / "home"
    monkeypatch.setenv("SHIHYO_HOME", str(path))
    monkeypatch.setenv("SHIHYO_INBOX_SETTLE", "0")
    monkeypatch.delenv("SHIHYO_CATALOG", raising=False)
    return path


@pytest.fixture
def warehouse(tmp_path: Path, catalog: Catalog) -> Warehouse:
    """An initialised warehouse file in a temp folder."""
    store = Warehouse(tmp_path / "wh" / "shihyo.duckdb", lock_timeout=5)
    store.init(catalog)
    return store


@pytest.fixture(scope="session")
def prefect_api() -> object:
    """One Prefect test server for the session (about 20 s to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield
