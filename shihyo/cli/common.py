"""What every command shares: the app, the console, the options, the context, and
turning domain errors into clean command-line errors."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, NoReturn

import click
import typer
from rich import box
from rich.console import Console
from rich.table import Table
from typer.core import TyperGroup

from access.roles import Actor
from indicators.catalog import Catalog, UnknownPlan
from indicators.evaluation import Evaluation
from kernel.identity import os_user
from kernel.settings import Settings
from kernel.vocabulary import Lang
from service import Service, WarehouseBusy, WarehouseDamaged, WarehouseMissing

console = Console()


class Commands(TyperGroup):
    """The commands, with one answer for a damaged warehouse whichever command meets it:
    what is wrong and how to restore it, in both languages, instead of DuckDB's error."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except WarehouseDamaged as exc:
            console.print(f"[red]error:[/red] {exc.message_ja}\n{exc.message_en}", highlight=False)
            raise typer.Exit(1) from exc


app = typer.Typer(
    cls=Commands,
    help="shihyo (指標): goal and KPI monitoring for public action plans.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="markdown",  # joins the docstrings' wrapped lines
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
LangOption = Annotated[Lang, typer.Option("--lang", help="Language of the table headings.")]
WideOption = Annotated[
    bool, typer.Option("--wide", help="Every column (names, dates); wider than 80 columns.")
]


def table(title: str, columns: list[tuple[str, str]]) -> Table:
    """A table that reads in a terminal 80 columns wide: a rule under the heading instead of
    a box (two characters a column, not three), cells not wrapped mid-number. `columns` are
    (heading, "left" | "right")."""
    made = Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False, title_justify="left")
    for heading, justify in columns:
        made.add_column(heading, justify=justify)  # type: ignore[arg-type]
    return made


@dataclass(frozen=True)
class Context:
    """What a command works with: the service over the warehouse the settings name."""

    service: Service

    @property
    def settings(self) -> Settings:
        return self.service.settings


def context() -> Context:
    try:
        return Context(Service.from_environment())
    except ValueError as exc:
        fail(str(exc), code=2)


def fail(message: str, code: int = 1) -> NoReturn:
    console.print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(code)


def synced_catalog(ctx: Context) -> Catalog:
    """The catalog the warehouse holds; a clean error when there is none."""
    try:
        return ctx.service.catalog()
    except (WarehouseMissing, WarehouseBusy) as exc:
        fail(str(exc))


def cli_actor() -> Actor:
    """Whoever runs an administrative command on this machine: the operating system's user,
    an administrator (they can edit the catalog files and the warehouse anyway)."""
    return Actor(os_user(), "admin")


def print_json(payload: Any) -> None:
    typer.echo(json.dumps(payload, ensure_ascii=False, indent=2, default=str))


AsOfOption = Annotated[
    datetime | None,
    typer.Option("--as-of", formats=["%Y-%m-%d"], help="Replay the day: figures known then."),
]


PlanOption = Annotated[
    str | None,
    typer.Option("--plan", help="The plan, by its id (default: the catalog's first plan)."),
]


def plan_evaluation(ctx: Context, as_of: datetime | None, plan: str | None) -> Evaluation:
    """The one evaluation as `plan` sees it; a clean error (exit code 2) naming the plans the
    catalog holds when it holds no such plan."""
    try:
        return ctx.service.evaluation(as_of.date() if as_of else None, plan)
    except UnknownPlan as exc:
        fail(f"{exc.message_ja}\n{exc.message_en}", code=2)
