"""Uploads from the dashboard: a safe name to keep the file under, within the file
system's limit (the size cap is the pipeline's, pipeline/limits.py)."""

from __future__ import annotations

from pathlib import Path

from kernel.names import fit_name, name_max


def file_name_as_sent(file_name: str) -> str:
    """The base name only, without path parts or control characters: what the load record
    shows, however long."""
    name = Path(file_name.replace("\\", "/")).name
    cleaned = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*')
    return cleaned.strip(" .") or "upload.csv"


def safe_name(file_name: str, folder: Path | None = None) -> str:
    """The cleaned base name, cut (by UTF-8 bytes, keeping the extension) to what `folder`'s
    file system takes in one name."""
    return fit_name(file_name_as_sent(file_name), name_max(folder))
