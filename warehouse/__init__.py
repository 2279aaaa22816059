"""The warehouse: the only package that talks to DuckDB. Callers ask named
questions of `Warehouse`; every statement binds its parameters."""

from warehouse.db import WarehouseBusy, WarehouseMissing
from warehouse.store import InitResult, Warehouse

__all__ = ["InitResult", "Warehouse", "WarehouseBusy", "WarehouseMissing"]
