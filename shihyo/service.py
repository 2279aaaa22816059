"""What several faces of shihyo (CLI, flows, dashboard, report) ask in the same words:
the catalog and figures from the warehouse judged by the domain rules, and the upload
desk's steps, which run the very ingestion the schedule runs."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from access.roles import SYSTEM, Actor, PermissionDenied, may_resend, require_uploader
from flows.checking import Checked
from flows.loading import IngestOptions
from indicators.evaluation import Evaluation, evaluate
from kernel.settings import Settings
from warehouse import Warehouse


def evaluation(warehouse: Warehouse, as_of: dt.date) -> Evaluation:
    """Every target judged on the figures known at the end of `as_of`."""
    totals = warehouse.indicator_totals(as_of=as_of)
    return evaluate(warehouse.catalog(), totals, as_of)


def preview_upload(
    settings: Settings,
    data: bytes,
    file_name: str,
    period: str | None = None,
    actor: Actor = SYSTEM,
) -> Checked:
    """The upload judged as a load by `actor` would judge it; nothing is written."""
    from flows.checking import check_upload

    require_uploader(actor)
    _check_size(settings, data)
    warehouse = Warehouse.of(settings)
    return check_upload(
        data,
        file_name,
        warehouse,
        actor=actor,
        period=period,
        today=settings.clock.today(),
        jump_factor=settings.jump_factor,
    )


class UploadTooLarge(ValueError):
    """An upload over SHIHYO_MAX_UPLOAD_MB; the message says so in both languages."""


def _check_size(settings: Settings, data: bytes) -> None:
    limit = settings.max_upload_mb * 1024 * 1024
    if len(data) > limit:
        raise UploadTooLarge(
            f"ファイルが大きすぎます（{len(data) / 2**20:.1f} MB、"
            f"上限 {settings.max_upload_mb:g} MB） / the file is larger than "
            f"{settings.max_upload_mb:g} MB"
        )


def ingest_now(
    settings: Settings, files: list[str] | None, inbox: str | None, options: IngestOptions
) -> tuple[dict, str | None]:
    """Run the ingestion once — as the Prefect flow when a server answers (see
    shihyo.orchestration), else the same steps directly — then evaluate and alert if
    anything changed; (the report as a dict, the Prefect API used or None)."""
    from flows.ingest import ingest as ingest_flow
    from flows.ingest import run_ingest
    from shihyo.orchestration import choose_api, prefect_api

    api = choose_api(settings.prefect)
    if api is not None:
        with prefect_api(api):
            report = ingest_flow(
                files,
                inbox,
                options.strict,
                options.period,
                options.uploaded_by,
                options.section,
                asdict(options.actor) if options.actor else None,
            )
        return report, api
    result = run_ingest(files, inbox, options, settings)
    if result.changed:
        from flows.evaluate import run_evaluate

        run_evaluate(settings=settings)
    return result.as_dict(), None


def ingest_upload(
    settings: Settings,
    data: bytes,
    file_name: str,
    *,
    uploaded_by: str | None = None,
    section: str | None = None,
    period: str | None = None,
    actor: Actor = SYSTEM,
) -> dict:
    """Load an uploaded file with the scheduled ingestion, then evaluate and alert; the
    ingestion report as a dict."""
    require_uploader(actor)  # a viewer's upload is refused before anything is kept
    _check_size(settings, data)
    # A folder of our own per upload; the file keeps the sender's (cleaned) base name,
    # which the load record shows.
    folder = Path(tempfile.mkdtemp(prefix="upload-", dir=_uploads(settings)))
    path = folder / _safe_name(file_name)
    path.write_bytes(data)
    options = IngestOptions(
        period=period, uploaded_by=uploaded_by, section=section, actor=actor, keep_source=True
    )
    try:
        return ingest_now(settings, [str(path)], None, options)[0]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _uploads(settings: Settings) -> Path:
    folder = settings.home / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _safe_name(file_name: str) -> str:
    """The base name only, without path parts or control characters."""
    name = Path(file_name.replace("\\", "/")).name
    cleaned = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*')
    return cleaned.strip(" .") or "upload.csv"


def resend_message(settings: Settings, message_id: int, actor: Actor = SYSTEM) -> tuple[int, int]:
    """Make a failed message due now and run delivery; (sent, failed). An administrator
    resends any message, an owner those to its sections."""
    from alerts.config import load_alert_config
    from alerts.engine import AppriseSender, deliver

    warehouse = Warehouse.of(settings)
    outbox = warehouse.outbox()
    recipient = outbox.loc[outbox["id"] == message_id, "recipient"]
    if not may_resend(actor, recipient.iloc[0] if len(recipient) else None):
        raise PermissionDenied(
            "この通知を再送する権限がありません", "you may not resend this message"
        )
    now = settings.clock.now()
    warehouse.retry_message(message_id, now)
    sent, failed, _ = deliver(
        warehouse, load_alert_config(settings.alert_config_path), AppriseSender(), now
    )
    return sent, failed


@dataclass(frozen=True)
class LoadFiles:
    """The kept files of one load: the raw bytes as sent, and the errors file."""

    raw: Path | None
    errors: Path | None


def load_files(settings: Settings, sha256: str) -> LoadFiles:
    """Where the raw file and the errors file of a load are kept, if they are: the
    archive holds a loaded file by its hash, rejected/ a refused one with its extension."""
    errors_name = f"{sha256}.errors.csv"
    raw = settings.archive / sha256
    if not raw.exists():
        refused = settings.rejected.glob(f"{sha256}.*") if settings.rejected.is_dir() else []
        raw = next((p for p in sorted(refused) if p.name != errors_name), None)
    errors = next(
        (
            p
            for p in (settings.archive / errors_name, settings.rejected / errors_name)
            if p.exists()
        ),
        None,
    )
    return LoadFiles(raw, errors)
