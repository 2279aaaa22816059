"""Copies of the warehouse file: taken consistent (checkpointed, copied while this process
holds DuckDB's lock on the file, so no other process writes meanwhile), proven by reading
every row of every table in the copy and the original alike, and put back in place of a
damaged file, which is set aside rather than deleted."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse import migrate
from warehouse.db import WarehouseDamaged, is_damage


@dataclass(frozen=True)
class Digest:
    """What a warehouse file holds, read to the last block: its schema version and, per
    table, the number of rows and a digest of them all."""

    schema_version: int
    tables: dict[str, tuple[int, int]]  # table: (rows, digest)

    @property
    def loads(self) -> int:
        return self.tables.get("load", (0, 0))[0]

    @property
    def observations(self) -> int:
        return self.tables.get("observation", (0, 0))[0]


def digest(con: duckdb.DuckDBPyConnection) -> Digest:
    """Every table of the open file read whole (each block's checksum checked on the way)."""
    names = [
        row[0]
        for row in con.execute(
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = 'main' AND table_type = 'BASE TABLE' ORDER BY table_name"
        ).fetchall()
    ]
    tables = {}
    for name in names:
        quoted = '"' + name.replace('"', '""') + '"'  # a name the file itself holds
        rows, hashed = con.execute(
            f"SELECT count(*), coalesce(bit_xor(hash(t)), 0) FROM {quoted} t"
        ).fetchone()
        tables[name] = (int(rows), int(hashed))
    return Digest(migrate.current_version(con), tables)


def snapshot(con: duckdb.DuckDBPyConnection, source: Path, target: Path) -> Digest:
    """Copy the warehouse file `source`, open in `con`, to `target` consistently: checkpoint
    (the write-ahead log folded into the file), copy the bytes while `con` keeps other
    processes out, then read the copy whole and compare it with the original. The copy
    appears at `target` only once proven; its digest."""
    con.execute("CHECKPOINT")
    original = digest(con)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.part")
    try:
        with source.open("rb") as src, partial.open("wb") as out:
            shutil.copyfileobj(src, out, 1 << 20)
            out.flush()
            os.fsync(out.fileno())
        copied = file_digest(partial)
        if copied != original:
            raise RuntimeError(
                f"the copy of {source} does not read back the same as the original; "
                "nothing was kept"
            )
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return original


def file_digest(path: Path) -> Digest:
    """The digest of a warehouse file that no process holds (a backup), opened read-only;
    WarehouseDamaged when it cannot be read whole."""
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            return digest(con)
    except duckdb.Error as exc:
        if is_damage(exc) or isinstance(exc, duckdb.IOException):
            raise WarehouseDamaged(path, str(exc)) from exc
        raise


def companions(path: Path) -> list[Path]:
    """The files DuckDB keeps beside the warehouse file: its write-ahead log."""
    return [path.with_name(path.name + ".wal")]


def put_back(path: Path, backup: Path, aside_suffix: str) -> list[Path]:
    """Replace the warehouse file `path` by a copy of `backup`: the file there now and its
    write-ahead log (which must never be replayed onto another file) are moved aside with
    `aside_suffix`, never deleted; the copy is complete before it takes the name. Returns
    the paths set aside. The caller holds the locks."""
    partial = path.with_name(f".{path.name}.restoring")
    try:
        with backup.open("rb") as src, partial.open("wb") as out:
            shutil.copyfileobj(src, out, 1 << 20)
            out.flush()
            os.fsync(out.fileno())
        aside = []
        for current in (path, *companions(path)):
            if current.exists():
                moved = current.with_name(current.name + aside_suffix)
                current.replace(moved)
                aside.append(moved)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return aside
