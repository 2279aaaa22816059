"""The floors stay drawn: what `lint-imports` cannot see (the Streamlit pages are not a
package), the one place the warehouse is opened, and no private name crossing a module."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGES = (
    "kernel",
    "warehouse",
    "indicators",
    "access",
    "intake",
    "expectations",
    "alerts",
    "report",
    "pipeline",
    "flows",
    "service",
    "shihyo",
    "ui",
)
PAGES = [REPO / "app.py", *sorted((REPO / "views").glob("*.py"))]
# A page lays out what the service answers: it may read the domain's types and the kernel's
# words, never the floors below the door.
PAGE_MAY_IMPORT = {"ui", "service", "kernel", "indicators", "access", "report"}
BELOW_THE_DOOR = {"warehouse", "pipeline", "flows", "intake", "expectations", "alerts"}


def _sources(*folders: str) -> Iterator[Path]:
    for folder in folders:
        yield from sorted((REPO / folder).rglob("*.py"))


def _imports(path: Path) -> Iterator[tuple[str, list[str]]]:
    """(module, names) of every import in `path`, at any depth (function-level ones too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module, [alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, []


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_pages_go_through_the_service(page: Path) -> None:
    tops = {module.split(".")[0] for module, _ in _imports(page)}
    ours = tops & (set(PACKAGES) | BELOW_THE_DOOR)
    assert ours <= PAGE_MAY_IMPORT, f"{page.name} imports {sorted(ours - PAGE_MAY_IMPORT)}"
    assert not tops & {"duckdb", "prefect"}


def test_the_warehouse_is_opened_in_one_place() -> None:
    sites = []
    for path in _sources(*PACKAGES):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            called = isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            if called and node.func.id == "Warehouse":
                sites.append(path.relative_to(REPO).as_posix())
    assert sites == ["pipeline/resources.py"]


def test_no_private_name_crosses_a_module_boundary() -> None:
    crossings = []
    for path in [*_sources(*PACKAGES, "tests", "bench"), *PAGES]:
        for module, names in _imports(path):
            if module.split(".")[0] not in PACKAGES:
                continue
            private = [n for n in names if n.startswith("_") and not n.startswith("__")]
            if private:
                crossings.append(f"{path.relative_to(REPO)}: from {module} import {private}")
    # nor is one reached from a test by name (a private name patched on a module)
    for path in _sources("tests"):
        for match in PATCHED_PRIVATE.finditer(path.read_text(encoding="utf-8")):
            crossings.append(f"{path.relative_to(REPO)}: patches {match[1]}")
    assert crossings == []


PATCHED_PRIVATE = re.compile(r"\.setattr\(\s*[a-z_.]+,\s*[\"'](_[a-z][\w]*)[\"']")


def test_shihyo_starts_its_python_processes_in_one_way() -> None:
    # `python -m` puts the working directory first on the import path; kernel.processes
    # starts a module without it (-P), and every process shihyo starts goes through it.
    found = [
        f"{path.relative_to(REPO)}:{number}"
        for path in _sources(*PACKAGES)
        if path != REPO / "kernel" / "processes.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"""["']-m["']""", line)
    ]
    assert found == []
