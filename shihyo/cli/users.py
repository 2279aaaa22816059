"""`shihyo users add|passwd|disable|list`: the local user file; every change audited."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from access.roles import ROLES
from access.users import UserError, UserStore
from kernel.identity import os_user
from kernel.vocabulary import Lang, word
from service import Service
from shihyo.cli.common import LangOption, app, cli_actor, console, context, fail, table

users_app = typer.Typer(
    help="Manage the local users who sign in to the dashboard.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)
app.add_typer(users_app, name="users")

PasswordStdin = Annotated[
    bool,
    typer.Option(
        "--password-stdin", help="Read the password from standard input instead of a prompt."
    ),
]


StatedBy = Annotated[
    str | None,
    typer.Option(
        "--as",
        help="Whom you act for (e.g. the person who asked for the change); recorded as "
        "stated, beside your operating-system user, who is the actor.",
    ),
]


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return typer.prompt("password", hide_input=True, confirmation_prompt=True)


def _store_and_service() -> tuple[UserStore, Service]:
    ctx = context()
    if not ctx.service.exists():
        fail("no warehouse yet: run `shihyo init` first", code=2)
    return ctx.service.user_store(), ctx.service


@users_app.command("add")
def add(
    name: str,
    role: Annotated[str, typer.Option(help=f"One of {', '.join(ROLES)}.")] = "viewer",
    section: Annotated[
        list[str] | None,
        typer.Option(help="A section the owner sends figures for (repeat for more)."),
    ] = None,
    password_stdin: PasswordStdin = False,
    oidc: Annotated[
        bool,
        typer.Option(
            "--oidc",
            help="No local password: the user signs in through the "
            "identity provider (OIDC); the name is their e-mail address.",
        ),
    ] = False,
    stated_by: StatedBy = None,
) -> None:
    """Add a user with a role (viewer, owner of sections, admin).

    Example: shihyo users add yamada --role owner --section joho-kikaku
    """
    store, service = _store_and_service()
    catalog_sections = {o.id for o in service.catalog().owners}
    unknown = [s for s in section or [] if s not in catalog_sections]
    if unknown:
        fail(f"unknown section(s) {unknown}; known: {sorted(catalog_sections)}", code=2)
    try:
        user = store.add(
            name,
            None if oidc else _password(password_stdin),
            role,  # type: ignore[arg-type]
            list(section or []),
            service.now(),
        )
    except UserError as exc:
        fail(str(exc), code=2)
    service.record(os_user(), "add", "user", name, None, user.public(), stated_by=stated_by)
    console.print(f"added {name} ({role})")


@users_app.command("passwd")
def passwd(name: str, password_stdin: PasswordStdin = False, stated_by: StatedBy = None) -> None:
    """Set a user's password: their open sessions end, and they choose their own at the
    next sign-in.

    Example: shihyo users passwd yamada
    """
    _, service = _store_and_service()
    try:
        service.set_password(cli_actor(), name, _password(password_stdin), stated_by)
    except UserError as exc:
        fail(str(exc), code=2)
    console.print(f"password of {name} set (to be changed at the next sign-in)")


@users_app.command("disable")
def disable(name: str, stated_by: StatedBy = None) -> None:
    """Disable a user: they can no longer sign in.

    Example: shihyo users disable yamada
    """
    _, service = _store_and_service()
    try:
        service.disable_user(cli_actor(), name, stated_by)
    except UserError as exc:
        fail(str(exc), code=2)
    console.print(f"disabled {name} (their sessions ended)")


@users_app.command("list")
def list_users(lang: LangOption = Lang.ja) -> None:
    """The users, their roles and sections (never their password hashes).

    Example: shihyo users list --lang en
    """
    store, _ = _store_and_service()
    keys = ("user_name", "role", "sections", "account_state", "sign_in_held_until")
    shown = table(word("users_table", lang), [(word(k, lang), "left") for k in keys])
    for user in store.list():
        held = store.throttle.held_until(user.name)
        flags = [word("disabled", lang)] if user.disabled else []
        flags += [word("must_change_password", lang)] if user.must_change else []
        shown.add_row(
            user.name,
            word(f"role_{user.role}", lang),
            ", ".join(user.sections),
            " ".join(flags),
            held.strftime("%Y/%m/%d %H:%M") if held else "",
        )
    console.print(shown)
