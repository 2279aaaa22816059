"""Uploads from the dashboard: a safe name to keep the file under (the size cap is the
pipeline's, pipeline/limits.py)."""

from __future__ import annotations

from pathlib import Path


def safe_name(file_name: str) -> str:
    """The base name only, without path parts or control characters."""
    name = Path(file_name.replace("\\", "/")).name
    cleaned = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*')
    return cleaned.strip(" .") or "upload.csv"
