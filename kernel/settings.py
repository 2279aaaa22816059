"""Settings, declared once: name, default, meaning. Each is overridable by an
environment variable of the same name in upper case with the prefix SHIHYO_."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path

from kernel.clock import clock_from

PACKAGE_CATALOG = Path(__file__).resolve().parent.parent / "indicators" / "catalog"


@dataclass(frozen=True)
class Settings:
    home: Path = Path("var")
    """Folder for the warehouse, inbox, archive and logs (SHIHYO_HOME)."""

    catalog: Path = PACKAGE_CATALOG
    """Folder of the catalog YAML files (SHIHYO_CATALOG)."""

    lock_timeout: float = 30.0
    """Seconds to wait for another process to release the warehouse (SHIHYO_LOCK_TIMEOUT)."""

    session_minutes: float = 480.0
    """A dashboard session ends after this many minutes without activity
    (SHIHYO_SESSION_MINUTES)."""

    dashboard_address: str = "127.0.0.1"
    """The address the dashboard listens on: loopback, behind a TLS reverse proxy; 0.0.0.0
    for every interface, over plain HTTP (SHIHYO_DASHBOARD_ADDRESS)."""

    session_max_hours: float = 12.0
    """A dashboard session ends this many hours after it began, however active
    (SHIHYO_SESSION_MAX_HOURS)."""

    max_upload_mb: float = 20.0
    """Files above this size are rejected whole, unread (SHIHYO_MAX_UPLOAD_MB)."""

    max_rows: int = 1_000_000
    """Data rows read from one upload; a longer file is refused (SHIHYO_MAX_ROWS)."""

    max_cell_chars: int = 32_767
    """Characters in one cell (Excel's own limit); a longer cell refuses its row
    (SHIHYO_MAX_CELL_CHARS)."""

    jump_factor: float = 10.0
    """A figure this many times above or below the previous one is flagged (SHIHYO_JUMP_FACTOR)."""

    inbox_settle: float = 2.0
    """Seconds a file must sit unchanged in the inbox before it is picked up, so that a file
    still being copied is not read half-written (SHIHYO_INBOX_SETTLE)."""

    claim_timeout: float = 300.0
    """Seconds after which a file claimed by an inbox run that stopped giving signs of life
    (a killed process, a host lost mid-load) is given back to the inbox for the next run, on
    this host or another that shares the inbox (SHIHYO_CLAIM_TIMEOUT). A live run renews its
    claims, and looks for those of dead runs, every quarter of this."""

    ingest_every_minutes: float = 15.0
    """How often `shihyo serve` ingests the inbox (SHIHYO_INGEST_EVERY_MINUTES)."""

    deliver_every_minutes: float = 5.0
    """How often `shihyo serve` sends what is due in the outbox (messages whose channel was
    down wait there on a doubling back-off) (SHIHYO_DELIVER_EVERY_MINUTES)."""

    evaluate_cron: str = "0 7 * * *"
    """When `shihyo serve` evaluates targets and sends alerts (SHIHYO_EVALUATE_CRON)."""

    backup_cron: str = "30 6 * * *"
    """When `shihyo serve` takes the daily backup of the warehouse (SHIHYO_BACKUP_CRON)."""

    backup_keep: int = 7
    """How many backups of the warehouse are kept; older ones are deleted (SHIHYO_BACKUP_KEEP)."""

    backup_dir: Path | None = None
    """Where backups of the warehouse go (SHIHYO_BACKUP_DIR; default $SHIHYO_HOME/backups).
    Another disk is better: a backup beside the file it copies shares its fate."""

    alert_config: Path | None = None
    """Alert channels and options, YAML (SHIHYO_ALERT_CONFIG; default $SHIHYO_HOME/alerts.yaml)."""

    prefect: str = "auto"
    """auto: run on-demand commands as Prefect flows when a Prefect server answers, else
    directly; always: always as flows; never: always directly (SHIHYO_PREFECT)."""

    remind_days_before: int = 3
    """How many days before a due day an owner section whose figures for the period have not
    arrived is reminded, once, as is the owner of an improvement action before its due day;
    0: no reminders (SHIHYO_REMIND_DAYS_BEFORE)."""

    prefect_address: str = "127.0.0.1"
    """Where the Prefect server that `shihyo serve` / `shihyo up` starts listens: loopback by
    default; the address of this host's interface when workers on other hosts reach it
    (SHIHYO_PREFECT_ADDRESS)."""

    prefect_port: int = 4200
    """The port of that Prefect server (SHIHYO_PREFECT_PORT)."""

    prefect_db: str | None = None
    """The Prefect server's database as a PostgreSQL URL (postgresql://user:password@host/db);
    unset: Prefect's own SQLite file in PREFECT_HOME (SHIHYO_PREFECT_DB)."""

    work_pool: str | None = None
    """A Prefect process work pool: `shihyo serve` registers the flows there as deployments
    instead of running them itself, and `shihyo worker` on any host runs them
    (SHIHYO_WORK_POOL; unset: the embedded default, `serve` runs them)."""

    ingest_runs: int = 1
    """Inbox runs that drain the inbox at once: the scheduled run starts this many minus one
    more, each claiming files one by one (SHIHYO_INGEST_RUNS; the number of workers)."""

    writer_limit: str | None = None
    """The Prefect global concurrency limit (of 1) that serialises warehouse writes across
    hosts, e.g. warehouse-writes; waited for up to SHIHYO_LOCK_TIMEOUT. Unset: the file lock
    on one host only (SHIHYO_WRITER_LIMIT)."""

    snapshot_seconds: float = 0.0
    """Publish a read-only snapshot of the warehouse for dashboard replicas after a committed
    load or evaluation, at most this often during a run and always at its end (0: never)
    (SHIHYO_SNAPSHOT_SECONDS)."""

    read: str = "live"
    """What the dashboard reads: live, the warehouse file; snapshot, the latest published
    snapshot, read-only (a replica on another host) (SHIHYO_READ)."""

    now: str | None = None
    """An ISO date or date and time that shihyo takes as the present when it starts, then runs
    on from at the wall clock's pace: for demonstrations and tests, never in service
    (SHIHYO_NOW; unset: the wall clock)."""

    @property
    def warehouse_path(self) -> Path:
        return self.home / "shihyo.duckdb"

    @property
    def alert_config_path(self) -> Path:
        return self.alert_config or self.home / "alerts.yaml"

    @property
    def inbox(self) -> Path:
        return self.home / "inbox"

    @property
    def archive(self) -> Path:
        return self.home / "archive"

    @property
    def rejected(self) -> Path:
        return self.home / "rejected"

    @property
    def backups(self) -> Path:
        return self.backup_dir or self.home / "backups"

    @property
    def snapshots(self) -> Path:
        return self.home / "snapshots"


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Settings from the environment, falling back to the declared defaults."""
    env = os.environ if environ is None else environ
    values: dict[str, object] = {}
    for field in fields(Settings):
        raw = env.get(f"SHIHYO_{field.name.upper()}")
        if raw is None:
            continue
        if field.type in ("Path", Path, "Path | None"):
            values[field.name] = Path(raw)
        elif field.type in ("float", float, "int", int):
            number = int if field.type in ("int", int) else float
            try:
                values[field.name] = number(raw)
            except ValueError as exc:
                kind = "a whole number" if number is int else "a number"
                raise ValueError(
                    f"SHIHYO_{field.name.upper()} must be {kind}, got {raw!r}"
                ) from exc
        else:
            values[field.name] = raw
    settings = Settings(**values)  # type: ignore[arg-type]
    clock_from(settings.now)  # a bad SHIHYO_NOW is reported here, with the other settings
    if settings.remind_days_before < 0:
        raise ValueError(
            f"SHIHYO_REMIND_DAYS_BEFORE must be 0 or more, got {settings.remind_days_before}"
        )
    if settings.prefect not in ("auto", "always", "never"):
        raise ValueError(f"SHIHYO_PREFECT must be auto, always or never, got {settings.prefect!r}")
    if settings.backup_keep < 1:
        raise ValueError(f"SHIHYO_BACKUP_KEEP must be 1 or more, got {settings.backup_keep}")
    if settings.read not in ("live", "snapshot"):
        raise ValueError(f"SHIHYO_READ must be live or snapshot, got {settings.read!r}")
    if settings.prefect_db and not settings.prefect_db.startswith(("postgresql:", "postgresql+")):
        raise ValueError("SHIHYO_PREFECT_DB must be a postgresql:// URL")
    if settings.ingest_runs < 1:
        raise ValueError("SHIHYO_INGEST_RUNS must be 1 or more")
    return settings
