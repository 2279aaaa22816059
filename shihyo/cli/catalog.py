"""Commands about the catalog: init, plan, coverage, indicators, template, catalog export."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from indicators import display
from indicators.catalog import CatalogError
from indicators.coverage import coverage
from indicators.plan import plan_summary
from kernel.vocabulary import Lang, word
from service import WarehouseBusy
from shihyo.cli.common import (
    AsOfOption,
    JsonOption,
    LangOption,
    WideOption,
    app,
    cli_actor,
    console,
    context,
    fail,
    print_json,
    synced_catalog,
    table,
)

catalog_app = typer.Typer(
    help="The catalog in force, as the reviewable YAML files.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)
app.add_typer(catalog_app, name="catalog")


@app.command()
def init() -> None:
    """Create or migrate the warehouse and sync the catalog into it. Safe to run again.

    Example: shihyo init
    """
    ctx = context()
    try:
        # Whoever can run init on this machine edits the catalog files: an administrator.
        result = ctx.service.init(cli_actor())
    except CatalogError as exc:
        fail(str(exc))
    except WarehouseBusy as exc:
        fail(str(exc))
    migrated, catalog = result.migrated, result.catalog
    console.print(f"warehouse: {migrated.path}  schema v{migrated.schema_version}")
    # One migration a line: a list joined by commas wraps mid-name in a narrow console.
    console.print(f"migrations applied: {len(migrated.applied) or 'none (schema up to date)'}")
    for name in migrated.applied:
        console.print(f"  {name}", highlight=False)
    synced = "synced" if result.catalog_recorded else "unchanged"
    console.print(
        f"catalog {synced}: {len(catalog.policies)} policies, {len(catalog.areas())} areas, "
        f"{len(catalog.initiatives)} initiatives, {len(catalog.indicators)} indicators, "
        f"{sum(len(i.targets) for i in catalog.indicators)} targets"
    )


@app.command()
def plan(as_json: JsonOption = False, lang: LangOption = Lang.ja) -> None:
    """The plan's status counts per policy, computed from the initiatives, beside the
    report's own counts, with every mismatch listed (per area too).

    Example: shihyo plan --json
    """
    summary = plan_summary(synced_catalog(context()))
    if as_json:
        print_json(summary.as_dict())
        return
    table = Table(title=word("plan_table", lang))
    table.add_column(word("policy", lang))
    for status in ("achieved", "in_progress", "changed", "total"):
        table.add_column(word(status, lang), justify="right")
    table.add_column(word("reported", lang), justify="right")
    for policy in summary.policies:
        name = policy.name if lang is Lang.ja else policy.name_en
        table.add_row(name, *_counts(policy), _reported(policy.reported))
    total = summary.total
    table.add_row(word("total", lang), *_counts(total), _reported(total.reported), style="bold")
    console.print(table)
    if summary.mismatches:
        console.print(f"[yellow]{word('mismatches', lang)}:[/yellow]")
        for m in summary.mismatches:
            console.print(f"  {m.level} {m.name}: {m.status} {m.counted} ≠ {m.reported}")
    else:
        key, values = summary.agreement
        console.print(word(key, lang, **values))


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
    result = coverage(synced_catalog(context()))
    if as_json:
        print_json(result.as_dict())
        return
    table = Table(title=word("coverage_table", lang))
    table.add_column(word("policy", lang))
    table.add_column(word("initiatives", lang), justify="right")
    table.add_column(word("with_indicator", lang), justify="right")
    table.add_column("%", justify="right")
    for group in result.policies:
        table.add_row(
            group.name, str(group.initiatives), str(group.with_indicator), f"{group.ratio:.0%}"
        )
    table.add_row(
        word("total", lang),
        str(result.initiatives_total),
        str(result.with_indicator),
        f"{result.ratio:.0%}",
        style="bold",
    )
    console.print(table)
    missing = Table(title=f"{word('without_indicator', lang)}: {len(result.without_indicator)}")
    missing.add_column("No", no_wrap=True)
    missing.add_column(word("area", lang))
    missing.add_column(word("initiative", lang))
    for item in result.without_indicator:
        text = item.text if len(item.text) <= 30 else item.text[:29] + "…"
        if item.reconstructed:
            text += word("reconstructed_mark", lang)
        missing.add_row(item.number or "—", item.area, text)
    console.print(missing)


@app.command("indicators")
def indicators_command(
    as_json: JsonOption = False, lang: LangOption = Lang.ja, wide: WideOption = False
) -> None:
    """The indicator catalog: each indicator's id (what upload files name in indicator_id),
    its section's id, unit, frequency and targets; --wide adds names, kind and baseline.

    Example: shihyo indicators --wide
    """
    catalog = synced_catalog(context())
    owners = {owner.id: owner for owner in catalog.owners}
    if as_json:
        print_json(
            [
                {**ind.model_dump(mode="json"), "owner_name": owners[ind.owner].name}
                for ind in catalog.indicators
            ]
        )
        return
    keys = ["indicator_id", "owner_id", "unit", "frequency", "targets"]
    if wide:
        keys[1:1] = ["indicator", "owner"]
        keys[-1:-1] = ["kind", "baseline"]
    shown = table(word("indicator_table", lang), [(word(k, lang), "left") for k in keys])
    for ind in catalog.indicators:
        owner = owners[ind.owner]
        goals = [
            f"{display.target(ind, goal.id, lang)} {display.day(goal.due, lang)}"
            for goal in ind.targets
        ]
        base = ind.baseline
        cells = {
            "indicator_id": ind.id,
            "owner_id": ind.owner,
            "indicator": ind.name if lang is Lang.ja else ind.name_en,
            "owner": owner.name if lang is Lang.ja else owner.name_en,
            "unit": display.unit(ind, lang),
            "frequency": word(ind.frequency, lang),
            "kind": f"{word(ind.kind, lang)} {'↑' if ind.direction == 'higher' else '↓'}",
            "baseline": f"{display.figure(ind, base.value, lang)} {display.day(base.date, lang)}",
            "targets": "\n".join(goals) or "—",
        }
        shown.add_row(*(cells[k] for k in keys))
    console.print(shown)
    if any(goal.illustrative for ind in catalog.indicators for goal in ind.targets):
        console.print(word("illustrative_note", lang), highlight=False)
    if not wide:
        console.print(word("wide_hint", lang), highlight=False)


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
    ctx = context()
    catalog = synced_catalog(ctx)
    if owner and owner not in {o.id for o in catalog.owners}:
        known = ", ".join(o.id for o in catalog.owners)
        fail(f"unknown section {owner!r}; known: {known}", code=2)
    if indicator and indicator not in {i.id for i in catalog.indicators}:
        fail(f"unknown indicator {indicator!r}", code=2)
    data = ctx.service.template(owner, indicator)
    if out is None:
        typer.echo(data.decode("utf-8-sig"), nl=False)
    else:
        out.write_bytes(data)
        console.print(f"wrote {out}")


@catalog_app.command("export")
def export(
    out: Annotated[
        Path | None,
        typer.Option(help="Folder to write the files to (default: back into the catalog's)."),
    ] = None,
    as_of: AsOfOption = None,
) -> None:
    """Write the catalog in force (changes approved on the catalog desk included) as
    plan.yaml, initiatives.yaml and indicators.yaml, in the format and order of the catalog
    files, so that a reviewer reads the change as a diff in git. Entries that did not change
    are kept as written, comments included. Without --out the files are written back.

    Example: shihyo catalog export --out /tmp/catalog && diff -r indicators/catalog /tmp/catalog
    """
    ctx = context()
    synced_catalog(ctx)  # a clean error when there is no warehouse yet
    try:
        written = ctx.service.export_catalog(out, as_of.date() if as_of else None)
    except CatalogError as exc:
        fail(str(exc))
    for path in written:
        console.print(f"wrote {path}", highlight=False, soft_wrap=True)
