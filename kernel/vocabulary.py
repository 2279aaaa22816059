"""One vocabulary: every label, status, rule and report phrase in Japanese (the default)
and English, kept as gettext catalogs (kernel/locale/<lang>/LC_MESSAGES/shihyo.po) read
with Babel, and used by the command line, the dashboard, the report and the messages."""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parent / "locale"
DOMAIN = "shihyo"


class Lang(StrEnum):
    ja = "ja"
    en = "en"


# Statuses read by icon and label as well as colour (grey print, colour-blind readers).
STATUS_ICONS: dict[str, str] = {
    "missed": "✕",
    "off_track": "▼",
    "incomplete": "◌",
    "late": "!",
    "at_risk": "△",
    "no_data": "–",
    "on_track": "○",
    "achieved": "◎",
    "no_target": "·",
    "no_indicator": "?",
}


@cache
def catalog(lang: Lang) -> dict[tuple[str | None, str], str]:
    """The words of one language, by (context, key)."""
    with (LOCALE / lang.value / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as handle:
        messages = read_po(handle, locale=lang.value, domain=DOMAIN)
    return {(m.context, str(m.id)): str(m.string) for m in messages if m.id}


def word(key: str, lang: Lang | str = Lang.ja, context: str | None = None, **values: object) -> str:
    """The word or phrase for `key` in `lang` — as `context` (e.g. "report") words it when
    it has its own, else the common one — filled with `values`; the key itself when
    unknown, so that a gap shows instead of failing."""
    words = catalog(Lang(lang))
    text = words.get((context, key)) or words.get((None, key), key)
    return text.format(**values) if values else text


def status_label(status: str, lang: Lang | str = Lang.ja) -> str:
    """Icon and label of a status, e.g. '△ 要注意'."""
    return f"{STATUS_ICONS.get(status, '')} {word(status, lang)}".strip()


def rule_label(rule: str, lang: Lang | str = Lang.ja, icon: bool = True) -> str:
    """An alert rule's one name, e.g. '▼ 目標に対して遅れ' (with the icon of the status it
    reports; ⚠ for rejected rows)."""
    mark = "⚠" if rule == "validation_failed" else STATUS_ICONS.get(rule, "")
    name = word(f"rule_{rule}", lang)
    return f"{mark} {name}".strip() if icon else name
