"""Commands that keep running: serve (the schedules) and up (everything)."""

from __future__ import annotations

from typing import Annotated

import typer

from service import Service
from shihyo.cli.catalog import init, plan
from shihyo.cli.common import app, console, context, fail


@app.command()
def up(port: Annotated[int, typer.Option(help="Port of the dashboard.")] = 8501) -> None:
    """Run everything on this machine: create the warehouse (loading the synthetic sample
    figures on first start), the scheduled flows on a local Prefect server, and the
    dashboard. Prints their addresses; Ctrl-C stops them all.

    Example: shihyo up --port 8501
    """
    from service import IngestOptions
    from shihyo.launcher import run_services, sample_files

    init()
    ctx = context()
    if ctx.service.table_counts()["load"] == 0:
        samples = sample_files()
        console.print(f"first start: loading {len(samples)} synthetic sample files …")
        options = IngestOptions(keep_source=True)
        ran = ctx.service.ingest([str(p) for p in samples], options=options, direct=True)
        console.print(f"sample figures loaded: {ran.report.rows_accepted} rows")
    first_admin(ctx.service)
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
    ctx = context()
    if not ctx.service.exists():
        fail("no warehouse yet: run `shihyo init` first", code=2)
    try:
        ctx.service.serve()
    except RuntimeError as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        console.print("stopped")


def first_admin(service: Service) -> None:
    """On a machine with no users yet, an administrator with a random password, told once."""
    import secrets

    store = service.user_store()
    if store.list():
        return
    password = secrets.token_urlsafe(12)
    user = store.add("admin", password, "admin", [], service.now())
    service.record("system", "add", "user", user.name, None, user.public())
    console.print(
        f"first sign-in / 初回のサインイン: admin / {password}\n"
        "  change it with `shihyo users passwd admin`; add people with `shihyo users add`",
        highlight=False,
    )
