"""One vocabulary: every label, status, rule and report phrase in Japanese (the default)
and English, kept as gettext catalogs (kernel/locale/<lang>/LC_MESSAGES/shihyo.po) read
with Babel, and used by the command line, the dashboard, the report and the messages.

Parsing a catalog with Babel takes about 40 ms, and every command and page needs both
languages; what it reads is kept beside the catalog as JSON named by the catalog's hash
(`__pycache__/`, like Python's compiled modules), read in under a millisecond and read again
from the .po whenever the .po changes."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from enum import StrEnum
from functools import cache
from pathlib import Path

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


Words = dict[tuple[str | None, str], str]


@cache
def catalog(lang: Lang) -> Words:
    """The words of one language, by (context, key)."""
    return read_words(LOCALE / lang.value / "LC_MESSAGES" / f"{DOMAIN}.po", lang.value)


def read_words(po: Path, locale: str) -> Words:
    """A catalog's words, from the JSON kept for its exact text when there is one; else
    parsed with Babel and kept (where the folder cannot be written, parsed every time)."""
    text = po.read_bytes()
    kept = po.parent / "__pycache__" / f"{po.name}.{hashlib.sha256(text).hexdigest()[:16]}.json"
    try:
        return {(c, k): v for c, k, v in json.loads(kept.read_text(encoding="utf-8"))}
    except (OSError, ValueError):
        pass
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        messages = read_po(handle, locale=locale, domain=DOMAIN)
    words = {(m.context, str(m.id)): str(m.string) for m in messages if m.id}
    _keep(kept, [[c, k, v] for (c, k), v in words.items()])
    return words


def _keep(path: Path, rows: list[list]) -> None:
    """Write the JSON whole or not at all (a reader never sees half a file); the older
    versions of it go."""
    temporary: str | None = None
    try:
        path.parent.mkdir(exist_ok=True)
        for old in path.parent.glob(path.name.split(".", 2)[0] + ".po.*.json"):
            old.unlink(missing_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(rows, out, ensure_ascii=False)
        os.replace(temporary, path)
    except OSError:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)


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
