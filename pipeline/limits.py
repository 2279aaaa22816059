"""The upload cap (SHIHYO_MAX_UPLOAD_MB), checked in one place: on the dashboard before a
file is kept, and in a load before a file is read."""

from __future__ import annotations

from kernel.errors import BilingualError
from kernel.settings import Settings


class UploadTooLarge(BilingualError, ValueError):
    """A file over SHIHYO_MAX_UPLOAD_MB, refused unread."""


def check_size(settings: Settings, size: int) -> None:
    """Refuse a file of `size` bytes when it is over the cap."""
    if size > settings.max_upload_mb * 1024 * 1024:
        raise UploadTooLarge(
            f"ファイルが大きすぎます（{size / 2**20:.1f} MB、上限 {settings.max_upload_mb:g} MB）",
            f"the file is larger than {settings.max_upload_mb:g} MB",
        )
