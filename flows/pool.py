"""Past one machine: the flows as deployments in a Prefect process work pool, run by
`prefect worker start` on any number of hosts (`shihyo worker`), and the global concurrency
limit that lets one of them write the warehouse at a time."""

from __future__ import annotations

import contextlib
import os
import subprocess

from flows.orchestration import client_environment, prefect_api
from kernel.processes import python_module, stop
from kernel.settings import Settings

WORKER_TYPE = "process"


def ensure_pool(name: str) -> None:
    """The process work pool `name`, created if missing."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            client.read_work_pool(name)
        except ObjectNotFound:
            with contextlib.suppress(ObjectAlreadyExists):  # another host was first
                client.create_work_pool(WorkPoolCreate(name=name, type=WORKER_TYPE))


def ensure_writer_limit(name: str) -> None:
    """The global concurrency limit `name` with one slot (the one warehouse writer), created
    if missing and set back to one slot if someone changed it; it shows in the Prefect UI
    under Concurrency, with the run holding it."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import (
        GlobalConcurrencyLimitCreate,
        GlobalConcurrencyLimitUpdate,
    )
    from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            limit = client.read_global_concurrency_limit_by_name(name)
        except ObjectNotFound:
            with contextlib.suppress(ObjectAlreadyExists):
                client.create_global_concurrency_limit(
                    GlobalConcurrencyLimitCreate(name=name, limit=1, active=True)
                )
            return
        if limit.limit != 1 or not limit.active:
            client.update_global_concurrency_limit(
                name, GlobalConcurrencyLimitUpdate(limit=1, active=True)
            )


def register(settings: Settings, deployments: list) -> list:
    """Create or update the deployments in the settings' work pool (with the pool and the
    writer limit); their ids. The caller points Prefect at the API."""
    from prefect.deployments.runner import deploy

    pool = settings.work_pool
    assert pool, "register needs SHIHYO_WORK_POOL"
    ensure_pool(pool)
    if settings.writer_limit:
        ensure_writer_limit(settings.writer_limit)
    return deploy(
        *deployments,
        work_pool_name=pool,
        build=False,
        push=False,
        print_next_steps_message=False,
        ignore_warnings=True,
    )


def run_worker(settings: Settings, api: str, limit: int = 1, name: str | None = None) -> int:
    """`prefect worker start` on the settings' pool against `api`, until it stops; its exit
    code. Each flow run is a child process that inherits this environment (the SHIHYO_*
    settings, the API and its password)."""
    pool = settings.work_pool
    assert pool, "a worker needs SHIHYO_WORK_POOL"
    with prefect_api(api, settings):
        ensure_pool(pool)
        if settings.writer_limit:
            ensure_writer_limit(settings.writer_limit)
    env = {
        **os.environ,
        **client_environment(settings),
        "PREFECT_API_URL": api,
        "SHIHYO_HOME": str(settings.home.resolve()),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    command = python_module(
        "prefect", "worker", "start", "--pool", pool, "--type", WORKER_TYPE, "--limit", str(limit)
    )
    if name:
        command += ["--name", name]
    worker = subprocess.Popen(command, env=env)
    try:
        return worker.wait()
    except KeyboardInterrupt:
        return stop(worker, 30)
