"""Shared fixtures: the real catalog, a temp SHIHYO_HOME, a warehouse on disk."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
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

from access.roles import SYSTEM
from expectations import shared_engine
from indicators.catalog import Catalog, load_catalog
from intake.isolation import prepared, stop
from kernel.settings import PACKAGE_CATALOG, Settings, load_settings
from pipeline import Loader
from pipeline.resources import Resources
from service import Service
from warehouse import Warehouse

REPO = Path(__file__).resolve().parents[1]
REALDATA = REPO.parent / "shared" / "realdata"


@pytest.fixture(autouse=True)
def parse_server_unprepared_after() -> Iterator[None]:
    """A test that ran the ingest flow leaves the parse server holding Great Expectations,
    and small files after it validated in the server's children; the next test starts
    without, so that what one test patches in this process is what validates its files."""
    yield
    if prepared(shared_engine):
        stop()


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


def ready_service(settings: Settings | None = None) -> Service:
    """The service over `settings` (default: the environment's), its warehouse initialised
    with the catalog files."""
    service = Service(settings or load_settings())
    service.init(SYSTEM)
    return service


def open_warehouse(settings: Settings) -> Warehouse:
    """The warehouse the settings name, on the tests' clock (no connection yet)."""
    return Resources.open(settings).warehouse


def loader_for(settings: Settings) -> Loader:
    """A loader as the service's direct path builds it."""
    res = Resources.open(settings)
    return Loader(res.settings, res.warehouse, res.catalog(), res.clock)


@pytest.fixture
def service(home: Path) -> Service:
    """The service over a fresh home, its warehouse initialised."""
    return ready_service()


@pytest.fixture
def warehouse(tmp_path: Path) -> Warehouse:
    """An initialised warehouse file in a temp folder."""
    settings = load_settings({**os.environ, "SHIHYO_HOME": str(tmp_path / "wh")})
    ready_service(settings)
    return open_warehouse(settings)


@pytest.fixture(scope="session")
def prefect_api() -> object:
    """One Prefect test server for the session (about 20 s to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield
