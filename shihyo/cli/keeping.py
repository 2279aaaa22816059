"""Keeping the warehouse: `shihyo backup`, `shihyo restore`, `shihyo check`."""

from __future__ import annotations

from typing import Annotated

import typer

from kernel.vocabulary import Lang, word
from service import (
    CheckReport,
    IngestBusy,
    NoBackup,
    WarehouseBusy,
    WarehouseDamaged,
    WarehouseMissing,
)
from shihyo.cli.common import (
    JsonOption,
    LangOption,
    app,
    cli_actor,
    console,
    context,
    fail,
    print_json,
)


@app.command()
def backup(
    list_: Annotated[bool, typer.Option("--list", help="List the kept backups instead.")] = False,
    as_json: JsonOption = False,
    lang: LangOption = Lang.ja,
) -> None:
    """Copy the warehouse consistently into the backups folder (SHIHYO_BACKUP_DIR, default
    $SHIHYO_HOME/backups): taken while no load writes, checkpointed, then read back whole
    and compared with the original; the oldest beyond SHIHYO_BACKUP_KEEP (7) are deleted.
    `shihyo serve` takes one daily (SHIHYO_BACKUP_CRON). Copy the folder elsewhere too.

    Example: shihyo backup
    """
    ctx = context()
    if list_:
        kept = ctx.service.backups(cli_actor())
        if as_json:
            print_json([{"name": b.name, "taken_at": b.taken_at, "size": b.size} for b in kept])
        elif not kept:
            console.print(word("backup_none", lang))
        for item in [] if as_json else kept:
            console.print(f"{item.name}  {item.taken_at}  {item.size:,}", highlight=False)
        return
    if not ctx.service.exists():
        fail("no warehouse yet: run `shihyo init` first", code=2)
    try:
        taken = ctx.service.backup(cli_actor())
    except (IngestBusy, WarehouseBusy) as exc:
        fail(str(exc))
    if as_json:
        print_json(
            {
                "backup": str(taken.backup.path),
                "loads": taken.digest.loads,
                "size": taken.backup.size,
                "removed": [str(p) for p in taken.removed],
            }
        )
        return
    path, size = taken.backup.path, f"{taken.backup.size:,}"
    console.print(
        word("backup_taken", lang, path=path, loads=taken.digest.loads, size=size),
        highlight=False,
    )
    if taken.removed:
        names = ", ".join(p.name for p in taken.removed)
        console.print(word("backup_removed", lang, names=names), highlight=False)


@app.command()
def restore(
    name: Annotated[
        str | None, typer.Argument(help="The backup's file name; default: the newest that reads.")
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    lang: LangOption = Lang.ja,
) -> None:
    """Put a backup in place of the warehouse (a damaged one, most often): the newest backup
    that reads whole, or the one named. The file it replaces and its write-ahead log are set
    aside as `shihyo.duckdb.before-restore-<time>`, never deleted. Loads made after the
    backup leave the warehouse; their files stay in archive/ and `shihyo check` lists them.

    Example: shihyo restore --yes
    """
    ctx = context()
    kept = ctx.service.backups(cli_actor())
    chosen = next((b for b in kept if name is None or b.name == name), None)
    if chosen is None:
        fail(word("backup_none", lang) if name is None else f"no backup named {name}", code=2)
    if not yes and not typer.confirm(
        word("restore_confirm", lang, backup=chosen.name, taken=chosen.taken_at)
    ):
        raise typer.Exit(1)
    try:
        done = ctx.service.restore(cli_actor(), name)
    except (NoBackup, IngestBusy, WarehouseBusy) as exc:
        fail(str(exc))
    for skipped, reason in done.passed_over:
        console.print(word("restore_passed_over", lang, name=skipped, reason=reason))
    console.print(
        word(
            "restore_done",
            lang,
            backup=done.backup.path,
            taken=done.backup.taken_at,
            loads=done.digest.loads,
        ),
        highlight=False,
    )
    if done.set_aside:
        names = ", ".join(str(p) for p in done.set_aside)
        console.print(word("restore_set_aside", lang, names=names), highlight=False)
    console.print(word("restore_next", lang), highlight=False)


@app.command()
def check(as_json: JsonOption = False, lang: LangOption = Lang.ja) -> None:
    """Read the warehouse whole and compare it with the kept files: every load's file in
    archive/ or rejected/ with its SHA-256 as recorded, every row of a loaded template file
    found among the figures (rows it refused aside), no figure without its load, the audit
    trail's chain. Exit 1 when anything is wrong (a damaged warehouse included).

    Example: shihyo check
    """
    ctx = context()
    try:
        report = ctx.service.check(cli_actor())
    except (WarehouseMissing, WarehouseBusy) as exc:
        fail(str(exc), code=2)
    except WarehouseDamaged as exc:  # met before the check could read anything
        fail(f"{exc.message_ja}\n{exc.message_en}")
    if as_json:
        print_json(
            {
                "ok": report.ok,
                "schema_version": report.schema_version,
                "loads": report.loads,
                "figures": report.figures,
                "files_checked": report.files_checked,
                "rows_checked": report.rows_checked,
                "audit_entries": report.audit_entries,
                "findings": [{**f.__dict__, "problem": f.problem} for f in report.findings],
            }
        )
    else:
        _print_check(report, lang)
    if not report.ok:
        raise typer.Exit(1)


def _print_check(report: CheckReport, lang: Lang) -> None:
    counts = {
        "version": report.schema_version,
        "loads": f"{report.loads:,}",
        "figures": f"{report.figures:,}",
    }
    if not any(f.kind == "damaged" for f in report.findings):
        console.print(word("check_warehouse", lang, **counts), highlight=False)
        console.print(word("check_files", lang, files=f"{report.files_checked:,}"))
        console.print(word("check_rows", lang, rows=f"{report.rows_checked:,}"))
        console.print(word("check_audit", lang, entries=f"{report.audit_entries:,}"))
    for finding in report.findings:
        mark = "[red]✗[/red]" if finding.problem else "[yellow]![/yellow]"
        text = word(
            f"check_{finding.kind}",
            lang,
            load_id=finding.load_id,
            file=finding.file_name,
            sha=finding.sha256,
            count=finding.count,
            detail=finding.detail,
        )
        console.print(f"{mark} {text}", highlight=False)
    problems = sum(f.problem for f in report.findings)
    if problems:
        console.print(f"[red]{word('check_problems', lang, n=problems)}[/red]", highlight=False)
    else:
        console.print(f"[green]{word('check_ok', lang)}[/green]", highlight=False)
