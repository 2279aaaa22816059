"""Commands about figures: ingest, status, evaluate."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from indicators import display
from indicators.catalog import UnknownPlan
from indicators.evaluation import Counts
from kernel.vocabulary import Lang, status_label, word
from service import WarehouseBusy
from shihyo.cli.common import (
    AsOfOption,
    JsonOption,
    LangOption,
    PlanOption,
    WideOption,
    app,
    console,
    context,
    fail,
    plan_evaluation,
    print_json,
    synced_catalog,
    table,
)


@app.command()
def status(
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
    lang: LangOption = Lang.ja,
    wide: WideOption = False,
    plan_id: PlanOption = None,
) -> None:
    """Every target's status (achieved, on track, at risk, off track, missed, incomplete, no
    data) with actual against the glide path, ! beside it when a figure is late; --wide adds
    the indicator's name, the due day, the forecast and the newest period. The counts are of
    targets; --plan: of the plan's indicators, where the catalog holds several plans.

    Example: shihyo status --as-of 2024-03-31
    """
    ctx = context()
    synced_catalog(ctx)  # a clean error when there is no warehouse yet
    result = plan_evaluation(ctx, as_of, plan_id)
    if as_json:
        print_json(result.as_dict())
        return
    columns = [("indicator_id", "left"), ("status", "left")]
    columns += [("indicator", "left")] if wide else []
    columns += [("actual", "right"), ("expected", "right"), ("target", "right")]
    columns += [("due", "right"), ("forecast", "right"), ("last_period", "right")] if wide else []
    title = f"{word('status_table', lang)} ({word('as_of', lang)} {result.as_of})"
    if len(result.plan_ids) > 1:  # one plan: the title reads as it always did
        plan = result.catalog.plan
        title = f"{plan.name if lang is Lang.ja else plan.name_en}: {title}"
    shown = table(title, [(word(key, lang), justify) for key, justify in columns])
    for ind in result.catalog.indicators:
        for item in result.targets[ind.id]:
            cells = {
                "indicator_id": ind.id,
                "status": status_label(item.status, lang) + (" !" if item.late else ""),
                "indicator": ind.name if lang is Lang.ja else ind.name_en,
                "actual": display.value(ind, item.actual, lang),
                "expected": display.value(ind, item.expected, lang),
                "target": display.target(ind, item.target_id, lang),
                "due": display.day(item.target_date, lang),
                "forecast": display.month(item.forecast_date, lang),
                "last_period": display.period(ind, item.last_period, lang),
            }
            shown.add_row(*(cells[key] for key, _ in columns))
    console.print(shown)
    console.print(count_line(result.target_counts(), lang), highlight=False)
    console.print(word("status_legend", lang), highlight=False)
    if result.late_indicators:
        console.print(word("late_legend", lang), highlight=False)


def count_line(counts: Counts, lang: Lang) -> str:
    """'目標 10 件: ✕ 未達成 1 …; ! 報告遅延 2': every status, zeros included, with the unit."""
    parts = [f"{status_label(k, lang)} {v}" for k, v in counts.by_status.items()]
    late = f"{word('late_mark', lang)} {counts.late}"
    return f"{word(f'n_{counts.unit}', lang, n=counts.total)}: " + "  ".join(parts) + f" ({late})"


@app.command()
def ingest(
    files: Annotated[
        list[Path] | None, typer.Argument(help="Files to load; default: the inbox.")
    ] = None,
    inbox: Annotated[
        Path | None, typer.Option(help="Inbox folder (default $SHIHYO_HOME/inbox).")
    ] = None,
    strict: Annotated[bool, typer.Option(help="Reject a whole file if any row fails.")] = False,
    period: Annotated[
        str | None, typer.Option(help="Period of an open-data list, e.g. 2019-03.")
    ] = None,
    uploaded_by: Annotated[str | None, typer.Option("--as", help="Who sent the files.")] = None,
    allow_revert: Annotated[
        bool,
        typer.Option(
            "--allow-revert",
            help="Load rows that put a figure back to its value before a correction "
            "(refused otherwise, as an old file sent again).",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Load figure files (CSV or Excel) into the warehouse: validated, revisions kept,
    bad rows quarantined with reasons, raw files archived, re-sent files skipped; a row that
    would undo a correction is refused unless --allow-revert. Inbox files are claimed one
    at a time, so a run beside the schedule shares the work; a file that cannot be kept
    (archive/ or rejected/ not writable) is held for the next run.
    Exit 0 when every row was accepted, 1 when rows or files were rejected or held, 2 for
    usage errors.

    Example: shihyo ingest data/sample/synthetic_FY2019_joho-kikaku.csv
    """
    # Imported here: Prefect and Great Expectations take seconds to import, and the
    # reporting commands need neither.
    from service import IngestBusy, IngestOptions
    from shihyo.progress import ingest_progress

    ctx = context()
    if not ctx.service.exists():
        fail("no warehouse yet: run `shihyo init` first", code=2)
    for path in files or []:
        if not path.is_file():
            fail(f"no such file: {path}", code=2)
    if inbox is not None and not inbox.is_dir():
        fail(f"no such inbox folder: {inbox}", code=2)
    options = IngestOptions(
        strict=strict,
        period=period,
        uploaded_by=uploaded_by,
        keep_source=bool(files),
        allow_revert=allow_revert,
    )
    names = [str(path) for path in files] if files else None
    try:
        with ingest_progress(enabled=not as_json) as hook:
            ran = ctx.service.ingest(names, str(inbox) if inbox else None, options, hook)
    except (IngestBusy, WarehouseBusy) as exc:
        fail(str(exc))
    report = ran.report.as_dict()
    if as_json:
        print_json(report)
    else:
        _print_ingest(report, ran.api, ctx.settings.prefect)
    raise typer.Exit(0 if ran.report.clean else 1)


@app.command()
def evaluate(as_of: AsOfOption = None, as_json: JsonOption = False) -> None:
    """Judge every target, open and resolve alerts, and send one message per recipient
    through the configured channels (retrying those that were down). With --as-of a day
    other than today it is a dry run: what would open and resolve, nothing sent.

    Example: shihyo evaluate --json
    """
    from alerts.config import AlertConfigError

    ctx = context()
    synced_catalog(ctx)
    try:
        ran = ctx.service.evaluate(as_of.date() if as_of else None)
    except (AlertConfigError, WarehouseBusy) as exc:
        fail(str(exc))
    summary = ran.as_dict()
    if as_json:
        print_json(summary)
        return
    if ran.dry_run:
        console.print(
            f"dry run as of {summary['as_of']} (not today): would open "
            f"{len(ran.would_open)}, would resolve {len(ran.would_resolve)}; nothing was "
            "written or sent",
            highlight=False,
        )
        for alert in ran.would_open:
            console.print(f"  + {alert['summary']}", highlight=False)
        for alert in ran.would_resolve:
            console.print(f"  - {alert['summary']}", highlight=False)
        return
    console.print(
        f"as of {summary['as_of']}: alerts opened {summary['alerts_opened']}, resolved "
        f"{summary['alerts_resolved']}; messages written {summary['messages_written']}, "
        f"sent {summary['messages_sent']}, failed {summary['messages_failed']}"
    )
    for error in summary["errors"]:
        console.print(f"  [yellow]![/yellow] {error}", highlight=False)


def _print_ingest(report: dict, api: str | None, mode: str) -> None:
    table = Table(title="取込結果 / Ingestion")
    for column in ("file", "status", "accepted", "rejected", "new", "revised", "unchanged"):
        table.add_column(column, justify="left" if column in ("file", "status") else "right")
    for f in report["files"]:
        table.add_row(
            f["name"],
            f["status"],
            *(
                f"{f[key]:,}"
                for key in (
                    "rows_accepted",
                    "rows_rejected",
                    "rows_new",
                    "rows_revised",
                    "rows_unchanged",
                )
            ),
        )
    console.print(table)
    for f in report["files"]:
        if f["status"] == "held":
            console.print(f"  [yellow]…[/yellow] {f['name']}: {f['message']}", highlight=False)
        for error in f["errors"][:20]:
            where = f"row {error['row']}" if error["row"] else "file"
            console.print(
                f"  [red]✗[/red] {f['name']} {where} {error['column']}: {error['reason']}",
                highlight=False,
            )
        if len(f["errors"]) > 20:
            console.print(f"  … {len(f['errors']) - 20} more (see the errors file)")
        for warning in f["warnings"][:10]:
            console.print(
                f"  [yellow]![/yellow] {f['name']} row {warning['row']}: {warning['reason']}",
                highlight=False,
            )
    if not report["files"]:
        console.print("inbox is empty: nothing to load")
    if api is not None:
        how = f"as a Prefect flow at {api or 'a temporary local API'}"
    elif mode == "never":
        how = "directly (SHIHYO_PREFECT=never)"
    else:
        how = "directly: no Prefect server answered (`shihyo serve` starts one)"
    console.print(f"ran {how}", style="dim")


@app.command()
def report(
    as_of: AsOfOption = None,
    fmt: Annotated[str, typer.Option("--format", help="md, html, xlsx or pdf.")] = "md",
    lang: LangOption = Lang.ja,
    out: Annotated[
        Path | None,
        typer.Option(help="Write to this file (default: a dated file name in the current folder)."),
    ] = None,
    plan_id: PlanOption = None,
) -> None:
    """Draft the review report (点検報告書) from the data, in the structure of the
    prefecture's own: purpose and method, results per area, overall summary, and the
    list of initiatives; as of any day, of the plan --plan names (default: the first).

    Example: shihyo report --as-of 2026-03-31 --format html --out report.html
    """
    import report as review

    if fmt not in review.FORMATS:
        fail(f"unknown format {fmt!r}; choose one of {', '.join(review.FORMATS)}", code=2)
    ctx = context()
    synced_catalog(ctx)
    day = as_of.date() if as_of else ctx.service.today()
    try:
        data = ctx.service.report(day, lang.value, fmt, plan_id)
    except UnknownPlan as exc:
        fail(f"{exc.message_ja}\n{exc.message_en}", code=2)
    except WarehouseBusy as exc:
        fail(str(exc))
    target = out or Path(review.file_name(day, fmt, lang.value, plan_id))
    target.write_bytes(data)
    console.print(f"wrote {target} ({len(data):,} bytes)")
