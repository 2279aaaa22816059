"""Keeping a file's raw bytes and its errors: `archive/<sha256>` for a loaded file,
`rejected/<sha256>.<ext>` for one refused whole, each with `<sha256>.errors.csv`. They are
written before the load record is committed, so that a folder that cannot be written to
costs a clear message and no record (the file stays for the next run), and what was written
for a load that then failed is taken back."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from kernel.errors import BilingualError
from kernel.exports import write_errors_csv


class StorageUnwritable(BilingualError):
    """archive/ or rejected/ cannot be written to: the file is left where it was."""

    def __init__(self, folder: Path, file_name: str, sha256: str, cause: OSError) -> None:
        reason = cause.strerror or type(cause).__name__
        super().__init__(
            f"保管フォルダ {folder} に書き込めません（{reason}）。「{file_name}」は取り込まず、"
            "元の場所に残しました。フォルダの権限と空き容量を直せば、次回の取込で読み込まれます",
            f"cannot write to the storage folder {folder} ({reason}): {file_name} was not "
            "loaded and stays where it was; once the folder's permissions or free space are "
            "put right, the next run loads it",
        )
        self.folder = folder
        self.sha256 = sha256


@dataclass
class Kept:
    """The files written for one load, to take back if its record is not committed."""

    created: list[Path] = field(default_factory=list)

    def undo(self) -> None:
        for path in self.created:
            path.unlink(missing_ok=True)


def _write(path: Path, write: bytes | BinaryIO) -> bool:
    """Write `path` whole through a hidden partial file; False if it was there already."""
    if path.exists():
        return False
    partial = path.with_name(f".{path.name}.part")
    try:
        with partial.open("wb") as out:
            if isinstance(write, bytes):
                out.write(write)
            else:
                shutil.copyfileobj(write, out, 1 << 20)  # an open file too big to hold
            out.flush()
            os.fsync(out.fileno())
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return True


def _errors(path: Path, file_name: str, issues: Iterable[Mapping[str, object]]) -> None:
    partial = path.with_name(f".{path.name}.part")
    try:
        write_errors_csv(partial, file_name, issues)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def keep(
    folder: Path,
    stored_name: str,
    content: bytes | BinaryIO,
    file_name: str,
    sha256: str,
    issues: list[Mapping[str, object]] | None = None,
) -> Kept:
    """Keep `content` as `folder/stored_name` (unless kept already) and, with `issues`, the
    errors file `folder/<sha256>.errors.csv` beside it; StorageUnwritable when the folder
    cannot be written to (nothing is left half-written)."""
    kept = Kept()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / stored_name
        if _write(target, content):
            kept.created.append(target)
        if issues:
            errors = folder / f"{sha256}.errors.csv"
            existed = errors.exists()
            _errors(errors, file_name, issues)
            if not existed:
                kept.created.append(errors)
    except OSError as exc:
        kept.undo()
        raise StorageUnwritable(folder, file_name, sha256, exc) from exc
    return kept
