"""What every step works with, opened once from the settings: the clock, the warehouse
and the catalog recorded in it. The service opens one for its faces; a flow run that no
service started (a scheduled one) opens its own from the environment."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from indicators.catalog import Catalog
from kernel.clock import Clock, clock_from
from kernel.settings import Settings
from warehouse import Publishing, Warehouse, WarehouseMissing, WriterSlot


class NoCatalog(WarehouseMissing):
    """The warehouse holds no catalog yet."""


@dataclass
class Resources:
    """The settings, the clock and the warehouse of one process's work; `reader` is what the
    faces read: the warehouse itself, or (SHIHYO_READ=snapshot, a dashboard replica) its
    latest published snapshot, read-only."""

    settings: Settings
    clock: Clock
    warehouse: Warehouse
    reader: Warehouse
    _catalogs: dict[int, Catalog] = field(default_factory=dict, repr=False)

    @classmethod
    def open(
        cls, settings: Settings, clock: Clock | None = None, writer: WriterSlot | None = None
    ) -> Resources:
        """The one place the warehouse is opened from the settings (no connection yet).
        `writer`: the slot every write holds (the writer limit across hosts)."""
        clock = clock or clock_from(settings.now)
        publishing = (
            Publishing(settings.snapshots, settings.snapshot_seconds)
            if settings.snapshot_seconds > 0
            else None
        )

        def opened(**how: object) -> Warehouse:
            return Warehouse(
                settings.warehouse_path, lock_timeout=settings.lock_timeout, clock=clock, **how
            )

        warehouse = opened(writer=writer, publishing=publishing)
        reader = warehouse
        if settings.read == "snapshot":
            reader = opened(snapshots=settings.snapshots)
        return cls(settings, clock, warehouse, reader)

    def catalog(self, as_of: dt.date | None = None) -> Catalog:
        """The catalog in force at the end of `as_of` (None: the one in force now)."""
        until = None if as_of is None else dt.datetime.combine(as_of, dt.time.max)
        version = self.reader.catalog_version(until)
        if version is None:
            raise NoCatalog(f"no catalog in the warehouse {self.reader.path}: run `shihyo init`")
        if version.id not in self._catalogs:  # a version never changes: read it once
            self._catalogs[version.id] = Catalog.from_document(version.document)
        return self._catalogs[version.id]
