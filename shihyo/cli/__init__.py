"""The `shihyo` command line: one function per command; each opens what it needs,
calls one library function and prints a table, or JSON with --json."""

from kernel.private import private_umask
from shihyo.cli import (  # noqa: F401  (they register commands)
    audit,
    catalog,
    figures,
    initiatives,
    keeping,
    services,
    users,
)
from shihyo.cli.common import app

__all__ = ["app"]


@app.callback()
def _private_files() -> None:
    # Whatever a command creates — the warehouse, archive/, rejected/, users.json, the
    # Prefect server and flows it starts — is its user's alone (files 600, folders 700).
    private_umask()
