"""Commands that keep running: serve (the schedules), worker (a host of the work pool) and
up (everything)."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from service import Service
from shihyo.cli.catalog import init, plan
from shihyo.cli.common import app, console, context, fail

PrefectDbOption = Annotated[
    str | None,
    typer.Option(
        "--prefect-db",
        help="The Prefect server's database, a postgresql:// URL (SHIHYO_PREFECT_DB); "
        "default: Prefect's SQLite file.",
    ),
]


def _prefect_db(url: str | None) -> None:
    """Hand --prefect-db to the settings of this process and of those it starts."""
    if url:
        os.environ["SHIHYO_PREFECT_DB"] = url


@app.command()
def up(
    port: Annotated[int, typer.Option(help="Port of the dashboard.")] = 8501,
    prefect_db: PrefectDbOption = None,
) -> None:
    """Run everything on this machine: create the warehouse (loading the synthetic sample
    figures on first start), the scheduled flows on a local Prefect server, and the
    dashboard. Prints their addresses; Ctrl-C stops them all.

    Example: shihyo up --port 8501 --prefect-db postgresql://prefect:secret@127.0.0.1/prefect
    """
    from shihyo.launcher import run_services

    _prefect_db(prefect_db)
    init()
    ctx = context()
    if ctx.service.table_counts()["load"] == 0:
        console.print("first start: the synthetic sample figures, sent as if month by month")
        _load_samples(ctx.service)
    first_admin(ctx.service)
    plan()
    try:
        run_services(ctx.settings, port, console.print)
    except RuntimeError as exc:
        fail(str(exc))


@app.command()
def samples() -> None:
    """Load the SYNTHETIC sample figures into a warehouse that has none: each file on the
    day its schedule sends it (data/sample/synthetic_sends.csv), so that replaying a past
    day shows what was known then; then evaluate today.

    Example: shihyo samples
    """
    ctx = context()
    if not ctx.service.exists():
        fail("no warehouse yet: run `shihyo init` first", code=2)
    if ctx.service.table_counts()["load"]:
        fail("the warehouse holds loads already: samples go only into an empty one", code=2)
    _load_samples(ctx.service)


def _load_samples(service: Service) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from shihyo.launcher import SAMPLE_SCHEDULE

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn()) as bar:
        task = bar.add_task("sample files", total=None)

        def advance(done: int, total: int, name: str) -> None:
            bar.update(task, completed=done, total=total, description=name)

        loaded = service.load_samples(SAMPLE_SCHEDULE, advance)
    console.print(
        f"sample figures loaded: {len(loaded.files)} files, {loaded.rows_accepted} rows "
        f"({loaded.rows_rejected} rejected)"
    )
    service.evaluate(direct=True)


@app.command()
def serve(prefect_db: PrefectDbOption = None) -> None:
    """Run the scheduled flows (inbox ingestion every SHIHYO_INGEST_EVERY_MINUTES, 15 by
    default) as Prefect deployments, against PREFECT_API_URL or a local Prefect server
    started for the purpose (with a password, kept in $SHIHYO_HOME/prefect-auth). With
    SHIHYO_WORK_POOL, the deployments go to that work pool for `shihyo worker` on any host.
    Stops on Ctrl-C.

    Example: shihyo serve --prefect-db postgresql://prefect:secret@127.0.0.1/prefect
    """
    _prefect_db(prefect_db)
    ctx = context()
    if not ctx.service.exists():
        fail("no warehouse yet: run `shihyo init` first", code=2)
    try:
        ctx.service.serve()
    except RuntimeError as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        console.print("stopped")


@app.command()
def worker(
    api: Annotated[
        str | None, typer.Option(help="The Prefect API (default: PREFECT_API_URL).")
    ] = None,
    limit: Annotated[int, typer.Option(help="Flow runs this host runs at once.")] = 1,
    name: Annotated[str | None, typer.Option(help="The worker's name in the UI.")] = None,
) -> None:
    """Run the flows of the work pool (SHIHYO_WORK_POOL) on this host with `prefect worker
    start`, until Ctrl-C. SHIHYO_HOME must be the folder all hosts share (warehouse, inbox,
    archive, rejected, snapshots); the API's password is read from it.

    Example: SHIHYO_WORK_POOL=shihyo shihyo worker --api http://10.0.0.5:4200/api
    """
    ctx = context()
    if not ctx.settings.work_pool:
        fail("set SHIHYO_WORK_POOL to the work pool this host works for", code=2)
    if not ctx.service.exists():
        fail("no warehouse yet: run `shihyo init` first", code=2)
    try:
        code = ctx.service.work(api, limit, name)
    except KeyboardInterrupt:
        code = 0
    raise typer.Exit(code)


def first_admin(service: Service) -> None:
    """On a machine with no users yet, an administrator with a random password, told once."""
    import secrets

    store = service.user_store()
    if store.list():
        return
    password = secrets.token_urlsafe(12)
    user = store.add("admin", password, "admin", [], service.now(), must_change=True)
    service.record("system", "add", "user", user.name, None, user.public())
    console.print(
        f"first sign-in / 初回のサインイン: admin / {password}\n"
        "  you choose your own at the first sign-in; add people with `shihyo users add`",
        highlight=False,
    )
