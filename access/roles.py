"""Roles and the rules of who may do what. Checked where the action happens (the
ingestion, the catalog and target changes), not by hiding buttons."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from kernel.errors import BilingualError

Role = Literal["viewer", "owner", "admin"]
ROLES: tuple[Role, ...] = ("viewer", "owner", "admin")


class PermissionDenied(BilingualError, PermissionError):
    """The acting user may not do this; the message says why, in Japanese and English."""


@dataclass(frozen=True)
class Actor:
    """Who is acting: a signed-in user, a section's inbox folder, or the system."""

    name: str
    role: Role
    sections: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


SYSTEM = Actor("system", "admin")


# The name a file dropped in a section's inbox folder is sent under: INBOX_PREFIX + section.
INBOX_PREFIX = "inbox:"


def inbox_actor(section: str) -> Actor:
    """A file dropped in inbox/<section>/ acts as that section."""
    return Actor(f"{INBOX_PREFIX}{section}", "owner", (section,))


def may_send_figures_for(actor: Actor, owner_section: str) -> bool:
    """An admin sends any figure; an owner only its sections' indicators; a viewer none."""
    return actor.is_admin or (actor.role == "owner" and owner_section in actor.sections)


def require_owner_of(actor: Actor, owner_section: str) -> None:
    """The owner's words on an indicator (commentary, improvement actions) are its section's
    to write, or an administrator's; everyone reads them."""
    if not may_send_figures_for(actor, owner_section):
        raise PermissionDenied(
            "担当外の指標です（コメント・改善策は担当課または管理者のみ記入できます）",
            "not your indicator: only its owner section or an administrator may write its "
            "commentary and actions",
        )


def require_uploader(actor: Actor) -> None:
    if actor.role == "viewer":
        raise PermissionDenied("閲覧者は実績を登録できません", "a viewer cannot upload figures")


def require_admin(actor: Actor, action_ja: str, action_en: str) -> None:
    if not actor.is_admin:
        raise PermissionDenied(
            f"{action_ja}は管理者のみ行えます", f"only an administrator may {action_en}"
        )


def may_resend(actor: Actor, recipient: str | None) -> bool:
    """An administrator resends any message; an owner those addressed to its sections."""
    return actor.is_admin or (actor.role == "owner" and recipient in actor.sections)


def may_see_load(actor: Actor, load_section: str | None) -> bool:
    """Viewers and admins read every load; an owner its own sections' loads."""
    if actor.role in ("viewer", "admin"):
        return True
    return load_section in actor.sections


def may_read_raw(actor: Actor, load_section: str | None) -> bool:
    """A load's raw file, byte for byte as sent, goes to administrators and to the owners of
    the section that sent it; everyone else who may see the load gets its errors file and
    its counts, not the bytes (they may hold what a section did not mean to publish)."""
    return actor.is_admin or (actor.role == "owner" and load_section in actor.sections)
