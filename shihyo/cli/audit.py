"""`shihyo audit verify`: check the audit trail's hash chain."""

from __future__ import annotations

import typer

from service import WarehouseBusy, WarehouseMissing
from shihyo.cli.common import JsonOption, app, cli_actor, console, context, fail, print_json

audit_app = typer.Typer(
    help="The audit trail: check that no entry was changed, deleted or inserted.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def verify(as_json: JsonOption = False) -> None:
    """Check every entry of the audit trail against its hash and the one before it; exit
    code 1 naming the first bad entry when any was changed, deleted or inserted outside
    shihyo. Keep the head it prints elsewhere now and then: a rewrite of the whole tail
    shows as a different head.

    Example: shihyo audit verify
    """
    ctx = context()
    try:
        result = ctx.service.verify_audit(cli_actor())
    except (WarehouseMissing, WarehouseBusy) as exc:
        fail(str(exc), code=2)
    first = result.problems[0] if result.problems else None
    if as_json:
        print_json(
            {
                "ok": result.ok,
                "entries": result.entries,
                "head": result.head,
                "first_bad_entry": first.entry_id if first else None,
                "problems": [p.__dict__ for p in result.problems],
            }
        )
    elif first is None:
        console.print(f"audit trail intact: {result.entries} entries, head {result.head}")
    else:
        for problem in result.problems:
            console.print(f"entry {problem.entry_id}: {problem.kind}: {problem.detail}")
        console.print(
            f"[red]audit trail broken[/red]: first bad entry {first.entry_id} "
            f"({len(result.problems)} problem(s) in {result.entries} entries)",
            highlight=False,
        )
    if first is not None:
        raise typer.Exit(1)
