"""Commands that keep running: serve (the schedules) and up (everything)."""

from __future__ import annotations

from typing import Annotated

import typer

from kernel.settings import Settings
from shihyo.cli.catalog import init, plan
from shihyo.cli.common import app, console, context, fail
from warehouse import Warehouse


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
    ctx = context()
    if ctx.warehouse.loads(limit=1).empty:
        samples = sample_files()
        console.print(f"first start: loading {len(samples)} synthetic sample files …")
        report = run_ingest([str(p) for p in samples], settings=ctx.settings)
        console.print(f"sample figures loaded: {report.rows_accepted} rows")
        from flows.evaluate import run_evaluate

        run_evaluate(settings=ctx.settings)
    _first_admin(ctx.settings, ctx.warehouse)
    plan()
    try:
        run_services(ctx.settings, port, console.print)
    except RuntimeError as exc:
        fail(str(exc))


@app.command()
def serve() -> None:
    """Run the scheduled flows (inbox ingestion every SHIHYO_INGEST_EVERY_MINUTES, 15 by
    default) as Prefect deployments, against PREFECT_API_URL or a local Prefect server
    started for the purpose. Stops on Ctrl-C.

    Example: shihyo serve
    """
    from flows.serve import serve_flows

    ctx = context()
    if not ctx.warehouse.exists():
        fail("no warehouse yet: run `shihyo init` first", code=2)
    try:
        serve_flows(ctx.settings)
    except RuntimeError as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        console.print("stopped")


def _first_admin(settings: Settings, warehouse: Warehouse) -> None:
    """On a machine with no users yet, an administrator with a random password, told once."""
    import secrets

    from access.users import UserStore

    store = UserStore(settings.home / "users.json")
    if store.list():
        return
    password = secrets.token_urlsafe(12)
    user = store.add("admin", password, "admin", [], settings.clock.now())
    warehouse.audit("system", "add", "user", user.name, None, user.public())
    console.print(
        f"first sign-in / 初回のサインイン: admin / {password}\n"
        "  change it with `shihyo users passwd admin`; add people with `shihyo users add`",
        highlight=False,
    )
