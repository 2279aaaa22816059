"""Importing Great Expectations without what shihyo's suite never uses.

`import great_expectations` registers every expectation and datasource it has, and with
them imports libraries the suite's checks (nulls, sets, bounds, column pairs, compound
uniqueness) never touch. Measured on a 2-core machine, of GX's import:

- SQLAlchemy (about 0.5 s): GX's SQL datasources and engines. It is an optional extra of
  GX, which imports it inside `try … except ImportError` and runs pandas without it; while
  GX is imported here, importing it fails as if it were not installed.
- scipy.stats (about 1–2 s) and Altair (about 0.3 s): used only by the KL-divergence
  expectation and the Kolmogorov–Smirnov metrics, which GX registers at import. They get
  stand-ins that import the real module on first use, so such a check, if the suite ever
  had one, would still run.

Only the thread that imports GX sees this (other threads import as usual), and only during
the import: afterwards `import sqlalchemy`, `import scipy.stats` and `import altair` give
the real modules to everyone, GX's own references included on their first use."""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

LEFT_OUT = ("sqlalchemy",)  # GX runs without it: imported as if not installed
DEFERRED = ("scipy", "scipy.stats", "altair")  # imported for real on first use


class Deferred(ModuleType):
    """A module GX imports but whose contents are read only when a check uses them: the
    first attribute read imports the real module and reads it there."""

    def __getattr__(self, name: str) -> object:
        if name.startswith("__"):  # the import system's probes (__path__, __file__ …)
            raise AttributeError(name)
        return getattr(_real(self.__name__), name)


def _real(name: str) -> ModuleType:
    if isinstance(sys.modules.get(name), Deferred):
        del sys.modules[name]
    return importlib.import_module(name)


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """For one thread: refuses the left-out modules and hands out the deferred ones."""

    def __init__(self) -> None:
        self.thread = threading.get_ident()
        self.made: dict[str, Deferred] = {}

    def find_spec(
        self, fullname: str, path: object = None, target: object = None
    ) -> importlib.machinery.ModuleSpec | None:
        if threading.get_ident() != self.thread:
            return None
        if fullname.partition(".")[0] in LEFT_OUT:
            raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)
        if fullname in DEFERRED:
            return importlib.machinery.ModuleSpec(fullname, self)
        return None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return self.stand_in(spec.name)

    def stand_in(self, name: str) -> Deferred:
        """The stand-in for `name`, made once, with its deferred submodules set on it (so
        that `from scipy import stats` reads nothing real)."""
        if name not in self.made:
            module = self.made[name] = Deferred(name)
            children = [d for d in DEFERRED if d.rpartition(".")[0] == name]
            if children:
                module.__path__ = []  # a package, whose submodules only this finder gives
            for child in children:
                setattr(module, child.rpartition(".")[2], self.stand_in(child))
        return self.made[name]

    def exec_module(self, module: ModuleType) -> None:
        """Nothing runs until an attribute is read."""


@contextmanager
def trimmed_imports() -> Iterator[None]:
    """Within the block, this thread imports without the left-out modules and with the
    deferred ones as stand-ins; afterwards the stand-ins leave `sys.modules` (and any real
    parent package they were set on), so that later imports find the real modules."""
    if "great_expectations" in sys.modules:
        yield
        return
    finder = _Finder()
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)
        for name, module in finder.made.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
            parent, _, child = name.rpartition(".")
            holder = sys.modules.get(parent)
            if holder is not None and getattr(holder, "__dict__", {}).get(child) is module:
                delattr(holder, child)
