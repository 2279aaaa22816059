"""Private files: shihyo's files are readable by its own user only (umask 077), secrets are
written mode 600 from the first byte, and keys are made once and kept in $SHIHYO_HOME."""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

PRIVATE_UMASK = 0o077


def private_umask() -> int:
    """Make every file and folder this process creates from now on private to its user
    (files 600, folders 700); the previous umask."""
    return os.umask(PRIVATE_UMASK)


def write_private(path: Path, data: bytes) -> None:
    """Replace `path` atomically by `data`, through a temporary file that is mode 600 from
    its creation (never readable by others, not even for a moment)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # mkstemp creates the file with O_EXCL and mode 600, whatever the umask
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def home_key(path: Path, size: int = 32) -> bytes:
    """The secret key kept at `path` (mode 600), made at random the first time; two processes
    making it at once agree on the one that was written first."""
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(size)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # mode 600
    try:
        with os.fdopen(handle, "w", encoding="ascii") as out:
            out.write(key.hex() + "\n")
        os.link(temporary, path)  # whole or not at all, and never over another's key
    except FileExistsError:  # another process was first: theirs is the key
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    finally:
        Path(temporary).unlink(missing_ok=True)
    return key
