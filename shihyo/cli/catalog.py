"""Commands about the catalog: init, plan, coverage, indicators, template, catalog export and
import."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from indicators import display
from indicators.catalog import CatalogError, Initiative, UnknownPlan
from indicators.coverage import Coverage, coverage
from indicators.evaluation import plan_counts
from kernel.errors import BilingualError
from kernel.vocabulary import Lang, word
from service import WarehouseBusy
from shihyo.cli.common import (
    AsOfOption,
    JsonOption,
    LangOption,
    PlanOption,
    WideOption,
    app,
    cli_actor,
    console,
    context,
    fail,
    plan_evaluation,
    print_json,
    synced_catalog,
    table,
)

if TYPE_CHECKING:
    from indicators.catalog_import import Changed, InitiativeImport

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
    for book in catalog.more_plans:  # the first plan's counts are those above
        console.print(
            f"  further plan {book.plan.id}: {len(book.policies)} policies, "
            f"{len(book.areas())} areas, {len(book.initiatives)} initiatives",
            highlight=False,
        )


@app.command()
def plan(
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
    lang: LangOption = Lang.ja,
    plan_id: PlanOption = None,
) -> None:
    """The plan's status counts per policy as of a day (the report's statuses, and those
    recorded since), each with the day it holds since, beside the report's own counts, with
    every mismatch of the report's item list listed (per area too); --plan chooses the plan
    where the catalog holds several.

    Example: shihyo plan --as-of 2026-03-31 --json
    """
    ctx = context()
    synced_catalog(ctx)  # a clean error when there is no warehouse yet
    result = plan_evaluation(ctx, as_of, plan_id)
    summary = result.plan_summary
    reported_on = result.plan_statuses.reported_on
    if as_json:
        print_json(
            {
                **summary.as_dict(),
                "plan_id": result.plan_id,
                "plans": result.plan_ids,
                "counts": plan_counts(summary),
                "coverage": _coverage_counts(result.coverage),
            }
        )
        return
    name = result.catalog.plan.name if lang is Lang.ja else result.catalog.plan.name_en
    title = f"{word('plan_table', lang)} ({word('as_of', lang)} {result.as_of})"
    if len(result.plan_ids) > 1:  # one plan: the table reads as it always did
        title = f"{name}: {title}"
    table = Table(title=title)
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
    # The statuses decided since the report, per policy (the table stays 80 columns wide).
    for policy in summary.policies:
        if updated := display.plan_updated(policy.since, reported_on, lang):
            name = policy.name if lang is Lang.ja else policy.name_en
            console.print(f"{word('plan_updated_col', lang)}: {name} {updated}", highlight=False)
    counts = {s: getattr(total, s) for s in ("achieved", "in_progress", "changed")}
    line = display.plan_counts_line(counts, total.since, reported_on, lang)
    # one line, unwrapped: each count and its date stay together for whoever reads or greps
    console.print(word("plan_counts_as_of", lang, line=line), highlight=False, soft_wrap=True)
    if summary.mismatches:
        console.print(f"[yellow]{word('mismatches', lang)}:[/yellow]")
        for m in summary.mismatches:
            console.print(f"  {m.level} {m.name}: {m.status} {m.counted} ≠ {m.reported}")
    else:
        key, values = summary.agreement
        console.print(word(key, lang, **values))


def _coverage_counts(found: Coverage) -> dict[str, int]:
    return {
        "initiatives": found.initiatives_total,
        "with_indicator": found.with_indicator,
        "with_target": found.with_target,
    }


def _counts(row: Any) -> list[str]:
    return [str(row.achieved), str(row.in_progress), str(row.changed), str(row.total)]


def _reported(reported: dict[str, int] | None) -> str:
    if reported is None:
        return "—"
    return " / ".join(str(reported[k]) for k in ("achieved", "in_progress", "changed", "total"))


@app.command("plans")
def plans_command(
    as_of: AsOfOption = None, as_json: JsonOption = False, lang: LangOption = Lang.ja
) -> None:
    """The plans the catalog holds, the default first (what every command shows unless
    --plan names another), each with its fiscal years and its coverage: initiatives, with an
    indicator, with a target.

    Example: shihyo plans --json
    """
    ctx = context()
    synced_catalog(ctx)  # a clean error when there is no warehouse yet
    result = plan_evaluation(ctx, as_of, None)
    rows = []
    for plan_id in result.plan_ids:
        seen = result.for_plan(plan_id)
        plan = seen.catalog.plan
        rows.append(
            {
                "id": plan.id,
                "name": plan.name,
                "name_en": plan.name_en,
                "start_fy": plan.start_fy,
                "end_fy": plan.end_fy,
                "default": plan.id == result.plan_ids[0],
                "coverage": _coverage_counts(seen.coverage),
            }
        )
    if as_json:
        print_json({"as_of": result.as_of.isoformat(), "plans": rows})
        return
    columns = [("ID", "left"), (word("plan_choice", lang), "left"), ("FY", "left")]
    columns += [(word(key, lang), "right") for key in ("initiatives", "with_indicator")]
    columns += [(word("with_target", lang), "right")]
    shown = table(word("plans_table", lang), columns)
    # The id is what --plan takes: whole, never cut; the name wraps instead.
    shown.columns[0].min_width = max(len(row["id"]) for row in rows)
    shown.columns[0].no_wrap = True
    for row in rows:
        counts = row["coverage"]
        shown.add_row(
            row["id"],
            row["name"] if lang is Lang.ja else row["name_en"],
            f"{row['start_fy']}–{row['end_fy']}",
            *(str(counts[k]) for k in ("initiatives", "with_indicator", "with_target")),
        )
    console.print(shown)
    console.print(word("plans_default", lang, id=result.plan_ids[0]), highlight=False)


@app.command("coverage")
def coverage_command(
    as_json: JsonOption = False, lang: LangOption = Lang.ja, plan_id: PlanOption = None
) -> None:
    """The initiatives that have no indicator yet, per policy and area, with the coverage
    ratio; --plan chooses the plan where the catalog holds several.

    Example: shihyo coverage --json
    """
    whole = synced_catalog(context())
    try:
        chosen = whole.for_plan(plan_id)
    except UnknownPlan as exc:
        fail(f"{exc.message_ja}\n{exc.message_en}", code=2)
    result = coverage(chosen)
    if as_json:
        print_json(result.as_dict())
        return
    title = word("coverage_table", lang)
    if whole.more_plans:  # one plan: the title reads as it always did
        title = f"{chosen.plan.name if lang is Lang.ja else chosen.plan.name_en}: {title}"
    table = Table(title=title)
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


@catalog_app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="The initiative list as .xlsx (the 別紙 layout).")],
    out: Annotated[
        Path | None,
        typer.Option(help="Write the catalog folder here, with the new initiatives.yaml."),
    ] = None,
    sheet: Annotated[
        str | None,
        typer.Option(help="The sheet to read (default: the first with the 別紙's header)."),
    ] = None,
    as_json: JsonOption = False,
    lang: LangOption = Lang.ja,
) -> None:
    """Read a plan's initiative list from Excel, laid out as the review report's 別紙
    (大項目 / 中項目 / 小項目, 取組No, 取組内容, 取組の実施結果, optionally 理由), and print what
    it would change in the catalog's initiatives: new, removed, status and text changed,
    and the counts per status before and after. Nothing is written unless --out names a
    folder: the catalog's files go there with the new initiatives.yaml, in its format and
    order, for review in git and `shihyo init`. A row that cannot be placed (unknown area,
    a status that cannot be read, a change without its reason) is refused with its row
    number, and then nothing is written (exit 1).

    Example: shihyo catalog import 取組一覧.xlsx --out /tmp/catalog
    """
    from indicators.catalog_import import SheetRefused

    if not file.is_file():
        fail(f"no such file: {file}", code=2)
    ctx = context()
    try:
        imported = ctx.service.import_initiatives(file.read_bytes(), sheet)
    except SheetRefused as exc:
        fail(exc.refusal.message(lang))
    except BilingualError as exc:  # the workbook cannot be read, or is over the limits
        fail(exc.message_ja if lang is Lang.ja else exc.message_en)
    except CatalogError as exc:
        fail(str(exc))
    if as_json:
        print_json(_import_json(imported, lang))
    else:
        _print_import(imported, lang)
    if imported.refusals:
        raise typer.Exit(1)
    if out is not None:
        try:
            written = ctx.service.write_imported(cli_actor(), imported, out)
        except CatalogError as exc:
            fail(str(exc))
        if not as_json:
            for path in written:
                console.print(word("import_written", lang, path=path), highlight=False)
            console.print(word("import_next", lang), highlight=False)
    elif not as_json:
        console.print(word("import_dry_run", lang), highlight=False)


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _text_change(before: str, after: str) -> str:
    """Two texts in a line, from a little before where they part: "…を導入 → …を導入（橋…）"."""
    same = next(
        (n for n, (a, b) in enumerate(zip(before, after, strict=False)) if a != b),
        min(len(before), len(after)),
    )
    start = max(0, same - 12)
    lead = "…" if start else ""
    return f"{lead}{_short(before[start:], 36) or '—'} → {lead}{_short(after[start:], 36) or '—'}"


def _field_change(change: Changed, field: str, lang: Lang) -> str:
    """One field's change in a line: "小項目 — → (2) 外国人観光客の…"."""
    before, after = (str(getattr(m, field) or "—") for m in (change.before, change.after))
    return f"{word('import_field_' + field, lang)} {_short(before, 24)} → {_short(after, 24)}"


def _import_json(imported: InitiativeImport, lang: Lang) -> dict:
    def entry(item: Initiative) -> dict:
        return {"id": item.id, "number": item.number, "area": item.area, "status": item.status,
                "text": item.text}  # fmt: skip

    return {
        "sheet": imported.sheet,
        "notes": [ja if lang is Lang.ja else en for ja, en in imported.notes],
        "initiatives": len(imported.initiatives),
        "rows_read": imported.rows_read,
        "refused": [{"row": r.row, "reason": r.reason(lang)} for r in imported.refusals],
        "unchanged": imported.unchanged,
        "added": [entry(item) for item in imported.added],
        "removed": [entry(item) for item in imported.removed],
        "changed": [
            {
                "id": c.after.id,
                "fields": list(c.fields),
                "before": {k: getattr(c.before, k) for k in c.fields},
                "after": {k: getattr(c.after, k) for k in c.fields},
            }
            for c in imported.changed
        ],
        "counts": {"before": imported.before, "after": imported.after},
    }


def _print_import(imported: InitiativeImport, lang: Lang) -> None:
    """The refusals, else the changes and the counts per status before and after."""
    count = len(imported.initiatives)
    read = word("import_read", lang, sheet=imported.sheet, rows=imported.rows_read, count=count)
    console.print(read, highlight=False)
    for ja, en in imported.notes:
        console.print(ja if lang is Lang.ja else en, highlight=False)
    if imported.refusals:
        for refusal in imported.refusals:
            console.print(f"[red]✕[/red] {refusal.message(lang)}", highlight=False)
        console.print(word("import_refused", lang, count=len(imported.refusals)), highlight=False)
        return
    if imported.unchanged:
        console.print(word("import_no_change", lang, count=count), highlight=False)
        return

    def line(item: Initiative) -> str:
        return f"{item.id}  [{item.area}]  {word(item.status, lang)}  {_short(item.text)}"

    sections = [
        ("import_added", "+", [line(item) for item in imported.added]),
        ("import_removed", "-", [line(item) for item in imported.removed]),
        (
            "import_status_changed",
            "~",
            [
                f"{c.after.id}: {word(c.before.status, lang)} → {word(c.after.status, lang)}"
                for c in imported.status_changed
            ],
        ),
        (
            "import_text_changed",
            "~",
            [
                f"{c.after.id}: {_text_change(c.before.text, c.after.text)}"
                for c in imported.text_changed
            ],
        ),
        (
            "import_other_changed",
            "~",
            [
                f"{c.after.id}: "
                + ", ".join(
                    _field_change(c, k, lang) for k in c.fields if k not in ("status", "text")
                )
                for c in imported.other_changed
            ],
        ),
    ]
    for key, mark, lines in sections:
        if lines:
            console.print(f"{word(key, lang)} ({len(lines)})", highlight=False)
            for text in lines:
                console.print(f"  {mark} {text}", highlight=False)
    counts = table(
        word("import_counts", lang),
        [
            ("", "left"),
            (word("import_before", lang), "right"),
            (word("import_after", lang), "right"),
        ],
    )
    for status in ("achieved", "in_progress", "changed", "total"):
        counts.add_row(
            word(status, lang), str(imported.before[status]), str(imported.after[status])
        )
    console.print(counts)
