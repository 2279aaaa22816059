"""Who runs this process: the operating system's user, by the real user id."""

from __future__ import annotations

import os
import pwd


def os_user() -> str:
    """The operating system's user of this process, by its real user id (not LOGNAME or
    USER, which the caller sets)."""
    uid = os.getuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:  # a uid without a passwd entry (some containers)
        return f"uid:{uid}"
