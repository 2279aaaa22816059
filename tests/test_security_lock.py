"""The lock file (issue 12, Low): every dependency pinned with its hashes, and the set that
runs is the locked one, so that a review can list exactly what runs."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import REPO

LOCK = REPO / "requirements.lock"
_PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s\\;]+)")


def locked() -> dict[str, tuple[str, list[str]]]:
    """Each locked package: (version, hashes)."""
    found: dict[str, tuple[str, list[str]]] = {}
    current = None
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        match = _PIN.match(line)
        if match:
            current = canonicalize_name(match[1])
            found[current] = (match[2], [])
        elif "--hash=sha256:" in line and current is not None:
            found[current][1].append(line.strip().split("sha256:")[1].rstrip(" \\"))
    return found


def test_every_dependency_is_pinned_with_hashes() -> None:
    pins = locked()
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    for text in wanted:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not in {LOCK.name}: run `make lock`"
        assert requirement.specifier.contains(pins[name][0], prereleases=True), name
    assert "setuptools" in pins  # the build backend too: shihyo is built with --no-deps
    assert all(len(h) == 64 for _, hashes in pins.values() for h in hashes)
    assert all(hashes for _, hashes in pins.values())


def test_what_runs_is_the_locked_set() -> None:
    pins = locked()
    different = {
        name: (version, _installed(name))
        for name, (version, _) in pins.items()
        if name not in ("pip",) and _installed(name) != version
    }
    assert different == {}, "the environment is not the lock's: run `make install`"


def _installed(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None
