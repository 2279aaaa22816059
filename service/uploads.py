"""Uploads from the dashboard: the size cap, and a safe name to keep the file under."""

from __future__ import annotations

from pathlib import Path

from kernel.errors import BilingualError
from kernel.settings import Settings


class UploadTooLarge(BilingualError, ValueError):
    """An upload over SHIHYO_MAX_UPLOAD_MB, refused unread."""


def check_size(settings: Settings, data: bytes) -> None:
    """Refuse `data` when it is over the upload cap."""
    limit = settings.max_upload_mb * 1024 * 1024
    if len(data) > limit:
        raise UploadTooLarge(
            f"ファイルが大きすぎます（{len(data) / 2**20:.1f} MB、上限 "
            f"{settings.max_upload_mb:g} MB）",
            f"the file is larger than {settings.max_upload_mb:g} MB",
        )


def safe_name(file_name: str) -> str:
    """The base name only, without path parts or control characters."""
    name = Path(file_name.replace("\\", "/")).name
    cleaned = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*')
    return cleaned.strip(" .") or "upload.csv"
