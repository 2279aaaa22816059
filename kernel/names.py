"""File names that fit the file system: a name a sender chose (94 Japanese characters are 282
bytes in UTF-8) becomes a path only within the byte limit of one name (NAME_MAX, 255 on
Linux file systems), cut between characters and keeping the extension."""

from __future__ import annotations

import os
from pathlib import Path

NAME_MAX = 255  # bytes in one path component on ext4, xfs, btrfs, tmpfs …
_LONGEST_SUFFIX = 16  # an extension longer than this is part of the name, not a kind


def name_max(folder: Path | None = None) -> int:
    """The longest name in bytes that `folder`'s file system takes (NAME_MAX when unknown)."""
    if folder is not None:
        try:
            return min(os.pathconf(folder, "PC_NAME_MAX"), NAME_MAX)
        except (OSError, ValueError):
            pass
    return NAME_MAX


def _split(name: str) -> tuple[str, str]:
    """(stem, extension with its dot); no extension when it is too long to be a kind."""
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem or len(suffix.encode("utf-8")) > _LONGEST_SUFFIX:
        return name, ""
    return stem, f".{suffix}"


def _cut(text: str, room: int) -> str:
    return os.fsencode(text)[: max(room, 0)].decode("utf-8", errors="ignore").rstrip(" .")


def fit_name(name: str, limit: int = NAME_MAX) -> str:
    """`name` cut to at most `limit` bytes of UTF-8, between characters, keeping its
    extension (`.csv`, `.xlsx`) so that the file is still read as what it is."""
    if len(os.fsencode(name)) <= limit:
        return name
    stem, tail = _split(name)
    return (_cut(stem, limit - len(os.fsencode(tail))) or "file") + tail


def numbered(name: str, n: int, limit: int = NAME_MAX) -> str:
    """`name` with ` (n)` before its extension, cut to `limit` bytes without losing the
    number: the n-th name for a file whose name is taken."""
    stem, tail = _split(name)
    mark = f" ({n}){tail}"
    return (_cut(stem, limit - len(os.fsencode(mark))) or "file") + mark
