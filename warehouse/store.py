"""`Warehouse`: one DuckDB file and the named questions asked of it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from indicators.catalog import Catalog
from warehouse import catalog_store, migrate
from warehouse.db import connect, transaction


@dataclass(frozen=True)
class InitResult:
    """What `init` did: migrations applied, whether the catalog was (re)written."""

    path: Path
    schema_version: int
    migrations_applied: list[str]
    catalog_synced: bool


class Warehouse:
    """The DuckDB file at `path`. Connections are opened per call and closed at once,
    so that another process (the dashboard, a scheduled flow) can have its turn."""

    def __init__(self, path: Path, *, lock_timeout: float = 30.0):
        self.path = path
        self.lock_timeout = lock_timeout

    def exists(self) -> bool:
        return self.path.exists()

    def init(self, catalog: Catalog) -> InitResult:
        """Create or migrate the file, then sync the catalog into it. Idempotent."""
        with connect(self.path, timeout=self.lock_timeout, create=True) as con:
            applied = migrate.migrate(con)
            version = migrate.current_version(con)
        with transaction(self.path, timeout=self.lock_timeout) as con:
            synced = catalog_store.sync_catalog(con, catalog)
        return InitResult(
            self.path, version, [f"{m.version:03d}_{m.name}" for m in applied], synced
        )

    def schema_version(self) -> int:
        with connect(self.path, timeout=self.lock_timeout) as con:
            return migrate.current_version(con)

    def catalog(self) -> Catalog:
        """The catalog as synced into the warehouse."""
        with connect(self.path, timeout=self.lock_timeout) as con:
            return catalog_store.read_catalog(con)

    def table_counts(self) -> dict[str, int]:
        """Row counts of the catalog and fact tables, for `shihyo init`'s summary."""
        names = (*catalog_store.CATALOG_TABLES, "observation", "load", "quarantine")
        with connect(self.path, timeout=self.lock_timeout) as con:
            return {
                name: con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]  # fixed names
                for name in names
            }
