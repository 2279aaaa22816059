"""Published snapshots of the warehouse, for dashboard replicas on other hosts.

A snapshot is taken by the one writer (holding the writer slot, so that no host writes
meanwhile): CHECKPOINT, so that the file holds every committed transaction and its
write-ahead log is empty, then a byte copy to `snapshots/.<n>.duckdb.part`, flushed to disk
and renamed to `<n>.duckdb`; only then is the pointer `snapshots/CURRENT` replaced, again by
writing a temporary file and renaming it over the old one. A reader follows the pointer to a
file that is complete and never written again, and opens it read-only: it sees one committed
state, never a load half-written. The last few versions are kept, so that a reader still on
an older one finishes its query."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

POINTER = "CURRENT"
KEEP = 4


@dataclass(frozen=True)
class Snapshot:
    """One published version: its number, file and when it was published."""

    version: int
    path: Path
    published_at: dt.datetime


def current(folder: Path) -> Snapshot | None:
    """The version the pointer names, or None before the first publication."""
    try:
        pointer = json.loads((folder / POINTER).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    return Snapshot(
        int(pointer["version"]),
        folder / pointer["file"],
        dt.datetime.fromisoformat(pointer["published_at"]),
    )


def _fsync(path: Path) -> None:
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _replace_durably(data: bytes, target: Path) -> None:
    temporary = target.with_name(f".{target.name}.tmp")
    with temporary.open("wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, target)


def publish(con: duckdb.DuckDBPyConnection, live: Path, folder: Path, now: dt.datetime) -> Snapshot:
    """Copy the live file `live`, held open by `con` (so that no other process on this host
    opens it meanwhile), to the next version and switch the pointer to it."""
    con.execute("CHECKPOINT")
    folder.mkdir(parents=True, exist_ok=True)
    before = current(folder)
    version = before.version + 1 if before else 1
    name = f"{version:08d}.duckdb"
    part = folder / f".{name}.part"
    shutil.copyfile(live, part)
    _fsync(part)
    os.replace(part, folder / name)
    pointer = {"version": version, "file": name, "published_at": now.isoformat()}
    _replace_durably(json.dumps(pointer).encode(), folder / POINTER)
    _fsync(folder)
    _prune(folder, version)
    return Snapshot(version, folder / name, now)


def _prune(folder: Path, newest: int) -> None:
    """Remove versions older than the last KEEP (a reader holding one open keeps reading it:
    the file goes when it closes)."""
    for path in folder.glob("*.duckdb"):
        stem = path.name.removesuffix(".duckdb")
        if stem.isdigit() and int(stem) <= newest - KEEP:
            path.unlink(missing_ok=True)


def connect_read_only(folder: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the current snapshot (FileNotFoundError before the first).
    If the version named is pruned between reading the pointer and opening it, the pointer
    is read again."""
    for _ in range(5):
        found = current(folder)
        if found is None:
            raise FileNotFoundError(f"no snapshot published in {folder} yet")
        try:
            return duckdb.connect(str(found.path), read_only=True)
        except duckdb.IOException:
            if found.path.exists():
                raise
    raise FileNotFoundError(f"the snapshots in {folder} change faster than they can be opened")
