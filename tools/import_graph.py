"""How shihyo's imports stand against its floors: imports that point up, and cycles between
packages and between modules. Run: `.venv/bin/python tools/import_graph.py` (prints counts,
then each upward import and each cycle). The floors themselves are checked by `lint-imports`
(contracts in pyproject.toml), which `make test` runs."""

from __future__ import annotations

import sys
from collections.abc import Iterable

import grimp

# Top to bottom; an import may only point down (or sideways within a floor).
FLOORS: list[list[str]] = [
    ["shihyo", "ui"],
    ["service"],
    ["flows"],
    ["pipeline"],
    ["intake", "expectations", "alerts", "report"],
    ["indicators", "access"],
    ["warehouse"],
    ["kernel"],
]
PACKAGES = [name for floor in FLOORS for name in floor]


def floor_of(module: str) -> int:
    top = module.split(".")[0]
    return next(i for i, floor in enumerate(FLOORS) if top in floor)


def strongly_connected(nodes: Iterable[str], edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's components of more than one node (or a node importing itself)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for node in nodes:
        if node not in index:
            visit(node)
    return found


def main() -> int:
    present = [p for p in PACKAGES if _importable(p)]
    graph = grimp.build_graph(*present)
    upward: list[str] = []
    module_edges: dict[str, set[str]] = {}
    package_edges: dict[str, set[str]] = {}
    for module in sorted(graph.modules):
        targets = graph.find_modules_directly_imported_by(module)
        module_edges[module] = set(targets)
        for target in sorted(targets):
            top, target_top = module.split(".")[0], target.split(".")[0]
            if top != target_top:
                package_edges.setdefault(top, set()).add(target_top)
            if floor_of(target) < floor_of(module):
                upward.append(f"{module} -> {target}")
    package_cycles = strongly_connected(present, package_edges)
    module_cycles = strongly_connected(sorted(graph.modules), module_edges)
    print(f"upward imports: {len(upward)}")
    print(f"package cycles: {len(package_cycles)}")
    print(f"module cycles: {len(module_cycles)}")
    for line in upward:
        print(f"  up: {line}")
    for cycle in package_cycles + module_cycles:
        print(f"  cycle: {' <-> '.join(cycle)}")
    return 1 if upward or package_cycles or module_cycles else 0


def _importable(name: str) -> bool:
    try:
        __import__(name)
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    sys.exit(main())
