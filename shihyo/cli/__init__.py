"""The `shihyo` command line: one function per command; each opens what it needs,
calls one library function and prints a table, or JSON with --json."""

from shihyo.cli import catalog, figures, services, users  # noqa: F401  (they register commands)
from shihyo.cli.common import app

__all__ = ["app"]
