"""Settings, declared once: name, default, meaning. Each is overridable by an
environment variable of the same name in upper case with the prefix SHIHYO_."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path

PACKAGE_CATALOG = Path(__file__).resolve().parent.parent / "indicators" / "catalog"


@dataclass(frozen=True)
class Settings:
    home: Path = Path("var")
    """Folder for the warehouse, inbox, archive and logs (SHIHYO_HOME)."""

    catalog: Path = PACKAGE_CATALOG
    """Folder of the catalog YAML files (SHIHYO_CATALOG)."""

    lock_timeout: float = 30.0
    """Seconds to wait for another process to release the warehouse (SHIHYO_LOCK_TIMEOUT)."""

    @property
    def warehouse_path(self) -> Path:
        return self.home / "shihyo.duckdb"

    @property
    def inbox(self) -> Path:
        return self.home / "inbox"

    @property
    def archive(self) -> Path:
        return self.home / "archive"

    @property
    def rejected(self) -> Path:
        return self.home / "rejected"


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Settings from the environment, falling back to the declared defaults."""
    env = os.environ if environ is None else environ
    values: dict[str, object] = {}
    for field in fields(Settings):
        raw = env.get(f"SHIHYO_{field.name.upper()}")
        if raw is None:
            continue
        if field.type in ("Path", Path):
            values[field.name] = Path(raw)
        elif field.type in ("float", float):
            try:
                values[field.name] = float(raw)
            except ValueError as exc:
                raise ValueError(
                    f"SHIHYO_{field.name.upper()} must be a number, got {raw!r}"
                ) from exc
        else:
            values[field.name] = raw
    return Settings(**values)  # type: ignore[arg-type]
