"""What every step works with, opened once from the settings: the clock, the warehouse
and the catalog recorded in it. The service opens one for its faces; a flow run that no
service started (a scheduled one) opens its own from the environment."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from indicators.catalog import Catalog
from kernel.clock import Clock, clock_from
from kernel.settings import Settings
from warehouse import Warehouse, WarehouseMissing


class NoCatalog(WarehouseMissing):
    """The warehouse holds no catalog yet."""


@dataclass
class Resources:
    """The settings, the clock and the warehouse of one process's work."""

    settings: Settings
    clock: Clock
    warehouse: Warehouse
    _catalogs: dict[int, Catalog] = field(default_factory=dict, repr=False)

    @classmethod
    def open(cls, settings: Settings, clock: Clock | None = None) -> Resources:
        """The one place the warehouse is opened from the settings (no connection yet)."""
        clock = clock or clock_from(settings.now)
        warehouse = Warehouse(
            settings.warehouse_path, lock_timeout=settings.lock_timeout, clock=clock
        )
        return cls(settings, clock, warehouse)

    def catalog(self, as_of: dt.date | None = None) -> Catalog:
        """The catalog in force at the end of `as_of` (None: the one in force now)."""
        until = None if as_of is None else dt.datetime.combine(as_of, dt.time.max)
        version = self.warehouse.catalog_version(until)
        if version is None:
            raise NoCatalog(f"no catalog in the warehouse {self.warehouse.path}: run `shihyo init`")
        if version.id not in self._catalogs:  # a version never changes: read it once
            self._catalogs[version.id] = Catalog.from_document(version.document)
        return self._catalogs[version.id]
