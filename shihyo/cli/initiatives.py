"""Commands about the plan's initiatives: record a new status (達成 / 実施中 / 変更) with the
day it was decided."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from access.roles import PermissionDenied
from indicators import display
from kernel.vocabulary import Lang, word
from service import StatusRefused, WarehouseBusy
from service.plan_desk import status_code
from shihyo.cli.common import LangOption, app, cli_actor, console, context, fail, synced_catalog
from shihyo.cli.users import StatedBy

initiatives_app = typer.Typer(
    help="The plan's initiatives and their statuses.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)
app.add_typer(initiatives_app, name="initiatives")


@initiatives_app.command("status")
def status(
    initiative: Annotated[str, typer.Argument(help="The initiative's id, e.g. 3-1.")],
    new_status: Annotated[
        str,
        typer.Argument(
            metavar="STATUS", help="achieved | in_progress | changed (or 達成 / 実施中 / 変更)."
        ),
    ],
    on: Annotated[
        datetime,
        typer.Option(
            "--on", formats=["%Y-%m-%d"], help="The day it was decided (not later than today)."
        ),
    ],
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why; required for changed (変更).")
    ] = None,
    stated_by: StatedBy = None,
    lang: LangOption = Lang.ja,
) -> None:
    """Record a new status in the plan for an initiative, decided on the day --on says, with
    its reason (required for a change). An administrator's act (whoever runs this on the
    machine), audited with the status before it. Every count as of that day or later shows
    it; `--as-of` the day before still shows the status before.

    Example: shihyo initiatives status 3-1 achieved --on 2026-11-02 --reason "ZEH補助を完了"
    """
    ctx = context()
    synced_catalog(ctx)  # a clean error when there is no warehouse yet
    day = on.date()
    try:
        decision = ctx.service.record_initiative_status(
            cli_actor(), initiative, new_status, day, reason, stated_by
        )
    except (StatusRefused, PermissionDenied) as refused:
        fail(refused.message_ja if lang is Lang.ja else refused.message_en, code=2)
    except WarehouseBusy as exc:
        fail(str(exc))
    decided = word("plan_since_decided", lang, day=display.day(day, lang))
    said = word(status_code(new_status), lang)
    console.print(f"#{decision} {initiative}: {said} ({decided})", highlight=False)
