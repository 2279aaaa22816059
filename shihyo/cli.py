"""The `shihyo` command line: one function per command; each opens what it needs,
calls one library function and prints a table, or JSON with --json."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from indicators.catalog import Catalog, CatalogError, load_catalog
from indicators.coverage import coverage
from indicators.plan import plan_summary
from shihyo.i18n import Lang, label, status_label
from shihyo.settings import Settings, load_settings
from warehouse import Warehouse, WarehouseBusy, WarehouseMissing

app = typer.Typer(
    help="shihyo (指標): goal and KPI monitoring for public action plans.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
LangOption = Annotated[Lang, typer.Option("--lang", help="Language of the table headings.")]


@dataclass(frozen=True)
class Context:
    settings: Settings
    warehouse: Warehouse


def _context() -> Context:
    try:
        settings = load_settings()
    except ValueError as exc:
        _fail(str(exc), code=2)
    return Context(settings, Warehouse(settings.warehouse_path, lock_timeout=settings.lock_timeout))


def _fail(message: str, code: int = 1) -> typer.Exit:
    console.print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(code)


def _synced_catalog(ctx: Context) -> Catalog:
    """The catalog as held in the warehouse; a clean error when there is none."""
    try:
        return ctx.warehouse.catalog()
    except WarehouseMissing as exc:
        _fail(str(exc))
    except WarehouseBusy as exc:
        _fail(str(exc))
    raise AssertionError("unreachable")


def _print_json(payload: Any) -> None:
    typer.echo(json.dumps(payload, ensure_ascii=False, indent=2, default=str))


@app.command()
def init() -> None:
    """Create or migrate the warehouse and sync the catalog into it. Safe to run again.

    Example: shihyo init
    """
    ctx = _context()
    try:
        catalog = load_catalog(ctx.settings.catalog)
        result = ctx.warehouse.init(catalog)
    except CatalogError as exc:
        _fail(str(exc))
    except WarehouseBusy as exc:
        _fail(str(exc))
    applied = ", ".join(result.migrations_applied) or "none (schema up to date)"
    console.print(f"warehouse: {result.path}  schema v{result.schema_version}")
    console.print(f"migrations applied: {applied}")
    synced = "synced" if result.catalog_synced else "unchanged"
    counts = ctx.warehouse.table_counts()
    console.print(
        f"catalog {synced}: {counts['policy']} policies, {counts['area']} areas, "
        f"{counts['initiative']} initiatives, {counts['indicator']} indicators, "
        f"{counts['target']} targets"
    )


@app.command()
def plan(as_json: JsonOption = False, lang: LangOption = Lang.ja) -> None:
    """The plan's status counts per policy, computed from the initiatives, beside the
    report's own counts, with every mismatch listed (per area too).

    Example: shihyo plan --json
    """
    summary = plan_summary(_synced_catalog(_context()))
    if as_json:
        _print_json(summary.as_dict())
        return
    table = Table(title=label("plan_table", lang))
    table.add_column(label("policy", lang))
    for status in ("achieved", "in_progress", "changed", "total"):
        table.add_column(label(status, lang), justify="right")
    table.add_column(label("reported", lang), justify="right")
    for policy in summary.policies:
        name = policy.name if lang is Lang.ja else policy.name_en
        table.add_row(name, *_counts(policy), _reported(policy.reported))
    total = summary.total
    table.add_row(label("total", lang), *_counts(total), _reported(total.reported), style="bold")
    console.print(table)
    if summary.mismatches:
        console.print(f"[yellow]{label('mismatches', lang)}:[/yellow]")
        for m in summary.mismatches:
            console.print(f"  {m.level} {m.name}: {m.status} {m.counted} ≠ {m.reported}")
    else:
        console.print(label("no_mismatch", lang))


def _counts(row: Any) -> list[str]:
    return [str(row.achieved), str(row.in_progress), str(row.changed), str(row.total)]


def _reported(reported: dict[str, int] | None) -> str:
    if reported is None:
        return "—"
    return " / ".join(str(reported[k]) for k in ("achieved", "in_progress", "changed", "total"))


@app.command("coverage")
def coverage_command(as_json: JsonOption = False, lang: LangOption = Lang.ja) -> None:
    """The initiatives that have no indicator yet, per policy and area, with the coverage ratio.

    Example: shihyo coverage --json
    """
    result = coverage(_synced_catalog(_context()))
    if as_json:
        _print_json(result.as_dict())
        return
    table = Table(title=label("coverage_table", lang))
    table.add_column(label("policy", lang))
    table.add_column(label("initiatives", lang), justify="right")
    table.add_column(label("with_indicator", lang), justify="right")
    table.add_column("%", justify="right")
    for group in result.policies:
        table.add_row(
            group.name, str(group.initiatives), str(group.with_indicator), f"{group.ratio:.0%}"
        )
    table.add_row(
        label("total", lang),
        str(result.initiatives_total),
        str(result.with_indicator),
        f"{result.ratio:.0%}",
        style="bold",
    )
    console.print(table)
    missing = Table(title=f"{label('without_indicator', lang)}: {len(result.without_indicator)}")
    missing.add_column("No", no_wrap=True)
    missing.add_column(label("area", lang))
    missing.add_column(label("initiative", lang))
    for item in result.without_indicator:
        text = item.text if len(item.text) <= 30 else item.text[:29] + "…"
        missing.add_row(item.number or "—", item.area, text)
    console.print(missing)


@app.command("indicators")
def indicators_command(as_json: JsonOption = False, lang: LangOption = Lang.ja) -> None:
    """The indicator catalog: unit, frequency, kind, direction, owner, baseline and targets.

    Example: shihyo indicators
    """
    catalog = _synced_catalog(_context())
    owners = {owner.id: owner for owner in catalog.owners}
    if as_json:
        _print_json(
            [
                {**ind.model_dump(mode="json"), "owner_name": owners[ind.owner].name}
                for ind in catalog.indicators
            ]
        )
        return
    table = Table(title=label("indicator_table", lang), expand=True)
    for key in ("indicator", "unit", "frequency", "kind", "owner", "baseline", "targets"):
        table.add_column(label(key, lang))
    for ind in catalog.indicators:
        owner = owners[ind.owner]
        targets = (
            "\n".join(
                f"{t.value:,.10g} ({t.due}){'*' if t.illustrative else ''}" for t in ind.targets
            )
            or "—"
        )
        table.add_row(
            ind.name if lang is Lang.ja else ind.name_en,
            ind.unit if lang is Lang.ja else ind.unit_en,
            label(ind.frequency, lang),
            f"{label(ind.kind, lang)} {'↑' if ind.direction == 'higher' else '↓'}",
            owner.name if lang is Lang.ja else owner.name_en,
            f"{ind.baseline.value:,.10g} ({ind.baseline.date})",
            targets,
        )
    console.print(table)
    console.print(label("illustrative_note", lang))


AsOfOption = Annotated[
    datetime | None,
    typer.Option("--as-of", formats=["%Y-%m-%d"], help="Replay the day: figures known then."),
]


@app.command()
def status(
    as_of: AsOfOption = None, as_json: JsonOption = False, lang: LangOption = Lang.ja
) -> None:
    """Every target's status (achieved, on track, at risk, off track, missed, late, no data)
    with actual against the glide path and a forecast; initiatives rolled up.

    Example: shihyo status --as-of 2024-03-31
    """
    from shihyo.service import evaluation

    ctx = _context()
    _synced_catalog(ctx)  # a clean error when there is no warehouse yet
    result = evaluation(ctx.warehouse, as_of.date() if as_of else None)
    if as_json:
        _print_json(result.as_dict())
        return
    table = Table(title=f"{label('status_table', lang)} ({label('as_of', lang)} {result.as_of})")
    for key in (
        "indicator",
        "status",
        "actual",
        "expected",
        "target",
        "due",
        "forecast",
        "last_period",
    ):
        table.add_column(
            label(key, lang), justify="left" if key in ("indicator", "status") else "right"
        )
    for ind in result.catalog.indicators:
        for item in result.targets[ind.id]:
            table.add_row(
                ind.name if lang is Lang.ja else ind.name_en,
                status_label(item.status, lang)
                + (" !" if item.late and item.status != "late" else ""),
                _num(item.actual),
                _num(item.expected),
                _num(item.target_value),
                str(item.target_date or "—"),
                str(item.forecast_date or "—"),
                str(item.last_period or "—"),
            )
    console.print(table)
    counts = "  ".join(f"{status_label(k, lang)} {v}" for k, v in result.counts.items() if v)
    console.print(counts)


def _num(value: float | None) -> str:
    return (
        "—" if value is None else f"{value:,.10g}" if float(value).is_integer() else f"{value:,.1f}"
    )


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
    as_json: JsonOption = False,
) -> None:
    """Load figure files (CSV or Excel) into the warehouse: validated, revisions kept,
    bad rows quarantined with reasons, raw files archived, re-sent files skipped.
    Exit 0 when every row was accepted, 1 when rows or files were rejected, 2 for usage errors.

    Example: shihyo ingest data/sample/synthetic_FY2019_joho-kikaku.csv
    """
    # Imported here: Prefect and Great Expectations take seconds to import, and the
    # reporting commands need neither.
    from flows.ingest import ingest as ingest_flow
    from flows.ingest import progress_hook, run_ingest
    from flows.loading import IngestBusy, IngestOptions
    from shihyo.orchestration import choose_api, prefect_api
    from shihyo.progress import ingest_progress

    ctx = _context()
    if not ctx.warehouse.exists():
        _fail("no warehouse yet: run `shihyo init` first", code=2)
    for path in files or []:
        if not path.is_file():
            _fail(f"no such file: {path}", code=2)
    if inbox is not None and not inbox.is_dir():
        _fail(f"no such inbox folder: {inbox}", code=2)
    names = [str(path) for path in files] if files else None
    options = IngestOptions(
        strict=strict, period=period, uploaded_by=uploaded_by, keep_source=bool(files)
    )
    api = choose_api(ctx.settings.prefect)
    try:
        with ingest_progress(enabled=not as_json) as hook:
            token = progress_hook.set(hook)
            try:
                if api is None:
                    result = run_ingest(names, str(inbox) if inbox else None, options)
                    report = result.as_dict()
                    if result.changed:
                        from flows.evaluate import run_evaluate

                        run_evaluate()
                else:
                    with prefect_api(api):
                        report = ingest_flow(
                            names, str(inbox) if inbox else None, strict, period, uploaded_by
                        )
            finally:
                progress_hook.reset(token)
    except (IngestBusy, WarehouseBusy) as exc:
        _fail(str(exc))
    if as_json:
        _print_json(report)
    else:
        _print_ingest(report, api, ctx.settings.prefect)
    clean = all(f["status"] in ("loaded", "duplicate") for f in report["files"])
    raise typer.Exit(0 if clean else 1)


@app.command()
def evaluate(as_of: AsOfOption = None, as_json: JsonOption = False) -> None:
    """Judge every target, open and resolve alerts, and send one message per recipient
    through the configured channels (retrying those that were down).

    Example: shihyo evaluate --json
    """
    from alerts.config import AlertConfigError
    from flows.evaluate import evaluate as evaluate_flow
    from flows.evaluate import run_evaluate
    from shihyo.orchestration import choose_api, prefect_api

    ctx = _context()
    _synced_catalog(ctx)
    day = as_of.date() if as_of else None
    api = choose_api(ctx.settings.prefect)
    try:
        if api is None:
            result, report = run_evaluate(day)
            summary = {
                "as_of": result.as_of.isoformat(),
                "counts": result.counts,
                **report.as_dict(),
            }
        else:
            with prefect_api(api):
                summary = evaluate_flow(day.isoformat() if day else None)
    except (AlertConfigError, WarehouseBusy) as exc:
        _fail(str(exc))
    if as_json:
        _print_json(summary)
        return
    console.print(
        f"as of {summary['as_of']}: alerts opened {summary['alerts_opened']}, resolved "
        f"{summary['alerts_resolved']}; messages written {summary['messages_written']}, "
        f"sent {summary['messages_sent']}, failed {summary['messages_failed']}"
    )
    for error in summary["errors"]:
        console.print(f"  [yellow]![/yellow] {error}", highlight=False)


@app.command()
def up(port: Annotated[int, typer.Option(help="Port of the dashboard.")] = 8501) -> None:
    """Run everything on this machine: create the warehouse (loading the synthetic sample
    figures on first start), the scheduled flows on a local Prefect server, and the
    dashboard. Prints their addresses; Ctrl-C stops them all.

    Example: shihyo up --port 8501
    """
    from flows.ingest import run_ingest
    from shihyo.launcher import run_services, sample_files

    init()
    ctx = _context()
    if ctx.warehouse.loads(limit=1).empty:
        samples = sample_files()
        console.print(f"first start: loading {len(samples)} synthetic sample files …")
        report = run_ingest([str(p) for p in samples], settings=ctx.settings)
        console.print(f"sample figures loaded: {report.rows_accepted} rows")
        from flows.evaluate import run_evaluate

        run_evaluate(settings=ctx.settings)
    plan()
    try:
        run_services(ctx.settings, port, console.print)
    except RuntimeError as exc:
        _fail(str(exc))


@app.command()
def template(
    owner: Annotated[str | None, typer.Option(help="Section id, e.g. joho-kikaku.")] = None,
    indicator: Annotated[str | None, typer.Option(help="One indicator id.")] = None,
    out: Annotated[Path | None, typer.Option(help="Write to this file (default: stdout).")] = None,
) -> None:
    """The upload template for a section's (or one) indicator: the header and a row per
    indicator for the latest period due, to fill in and send back.

    Example: shihyo template --owner joho-kikaku --out joho-kikaku.csv
    """
    from intake.template import template_csv

    catalog = _synced_catalog(_context())
    if owner and owner not in {o.id for o in catalog.owners}:
        known = ", ".join(o.id for o in catalog.owners)
        _fail(f"unknown section {owner!r}; known: {known}", code=2)
    if indicator and indicator not in {i.id for i in catalog.indicators}:
        _fail(f"unknown indicator {indicator!r}", code=2)
    data = template_csv(catalog, owner, indicator)
    if out is None:
        typer.echo(data.decode("utf-8-sig"), nl=False)
    else:
        out.write_bytes(data)
        console.print(f"wrote {out}")


@app.command()
def serve() -> None:
    """Run the scheduled flows (inbox ingestion every SHIHYO_INGEST_EVERY_MINUTES, 15 by
    default) as Prefect deployments, against PREFECT_API_URL or a local Prefect server
    started for the purpose. Stops on Ctrl-C.

    Example: shihyo serve
    """
    from flows.serve import serve_flows

    ctx = _context()
    if not ctx.warehouse.exists():
        _fail("no warehouse yet: run `shihyo init` first", code=2)
    try:
        serve_flows(ctx.settings)
    except RuntimeError as exc:
        _fail(str(exc))
    except KeyboardInterrupt:
        console.print("stopped")


def _print_ingest(report: dict, api: str | None, mode: str) -> None:
    table = Table(title="取込結果 / Ingestion")
    for column in ("file", "status", "accepted", "rejected", "new", "revised", "unchanged"):
        table.add_column(column, justify="left" if column in ("file", "status") else "right")
    for f in report["files"]:
        table.add_row(
            f["name"],
            f["status"],
            str(f["rows_accepted"]),
            str(f["rows_rejected"]),
            str(f["rows_new"]),
            str(f["rows_revised"]),
            str(f["rows_unchanged"]),
        )
    console.print(table)
    for f in report["files"]:
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


if __name__ == "__main__":
    app()
