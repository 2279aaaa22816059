"""The catalog desk's change in words: each field of a proposed indicator (or of a link) by its
name in the reader's language, its codes (monthly, stock, higher …) as words, the owner and
initiatives by name, figures at the unit's precision, dates and shares as they read."""

from __future__ import annotations

import datetime as dt

from pydantic import ValidationError

from indicators import display
from indicators.catalog import Catalog, Indicator, Target
from kernel.formatting import MISSING, number, percent
from kernel.vocabulary import Lang
from ui.text import pick, t

# A field of the indicators file (nested ones by their path) → the word that names it.
FIELD_WORDS: dict[str, str] = {
    "id": "desk_field_id",
    "name": "desk_name",
    "name_en": "desk_name_en",
    "unit": "desk_unit",
    "unit_en": "desk_unit_en",
    "frequency": "desk_frequency",
    "kind": "desk_kind",
    "direction": "desk_direction",
    "owner": "desk_owner",
    "level": "desk_level",
    "initiatives": "desk_field_initiatives",
    "baseline.value": "desk_baseline",
    "baseline.date": "desk_baseline_date",
    "baseline.source": "desk_baseline_source",
    "baseline.window": "desk_field_baseline_window",
    "targets.id": "desk_field_target_id",
    "targets.value": "target",
    "targets.due": "desk_target_due",
    "targets.window": "desk_field_target_window",
    "targets.tolerance": "desk_field_tolerance",
    "targets.illustrative": "desk_field_illustrative",
    "targets.path": "desk_field_path",
    "indicator": "indicator",
    "initiative": "initiative",
    "goal": "desk_goal",
    "goal_en": "desk_goal_en",
    "outcomes": "desk_outcomes",
}
# Fields whose value is a code of the catalog, read as its word (window: fiscal_year is a
# year's total there, not the frequency "fiscal year").
CODE_PREFIX: dict[str, str] = {
    "frequency": "",
    "kind": "",
    "direction": "",
    "level": "",
    "baseline.window": "window_",
    "targets.window": "window_",
    "targets.path": "path_",
}
FIGURES = ("baseline.value", "targets.value")
DATES = ("baseline.date", "targets.due")


def _initiative(catalog: Catalog, initiative_id: str) -> str:
    item = next((i for i in catalog.initiatives if i.id == initiative_id), None)
    return initiative_id if item is None else f"{item.number or '—'} {item.title}"


def _indicator(catalog: Catalog, indicator_id: str, lang: Lang) -> str:
    found = next((i for i in catalog.indicators if i.id == indicator_id), None)
    return indicator_id if found is None else pick(lang, found.name, found.name_en)


def _as_indicator(entry: dict) -> Indicator | None:
    """The proposed entry as an indicator, to write its figures at its unit's precision (None
    when it does not read as one: its figures are then written plainly)."""
    try:
        return Indicator.model_validate(entry)
    except ValidationError:
        return None


def _day(value: object, lang: Lang) -> str:
    """A date of the entry (kept as ISO text) as a table writes it: 2028/03/31."""
    if isinstance(value, dt.date):
        return display.day(value, lang)
    try:
        return display.day(dt.date.fromisoformat(str(value)), lang)
    except ValueError:
        return str(value)


def _value(
    path: str, value: object, catalog: Catalog, indicator: Indicator | None, lang: Lang
) -> str:
    """One field's value in words."""
    if value is None:
        return MISSING
    if path in CODE_PREFIX:
        return t(f"{CODE_PREFIX[path]}{value}", lang)
    if path == "owner":
        owner = next((o for o in catalog.owners if o.id == value), None)
        return str(value) if owner is None else pick(lang, owner.name, owner.name_en)
    if path in ("initiatives", "initiative"):
        ids = value if isinstance(value, list) else [value]
        return " / ".join(_initiative(catalog, str(i)) for i in ids)
    if path == "indicator":
        return _indicator(catalog, str(value), lang)
    if path == "outcomes" and isinstance(value, list):
        return " / ".join(_indicator(catalog, str(i), lang) for i in value) or MISSING
    if isinstance(value, bool):
        return t("yes" if value else "no", lang)
    if path in FIGURES and isinstance(value, int | float):
        return display.figure(indicator, value, lang) if indicator else number(value, lang)
    if path in DATES:
        return _day(value, lang)
    if path == "targets.tolerance" and isinstance(value, int | float):
        return percent(value, lang, decimals=0)
    if isinstance(value, int | float):
        return number(value, lang)
    return str(value)


def change_rows(
    entry: dict, catalog: Catalog, lang: Lang | str, indicator: Indicator | None = None
) -> list[tuple[str, str]]:
    """A change's fields as (name, value) in words, in the entry's order: a baseline's and each
    target's fields one a row, a target's named with its number when there are several.
    Figures at the unit's precision of the entry (a new indicator) or of `indicator` (the
    one an edit changes)."""
    lang = Lang(lang)
    if indicator is None and "baseline" in entry:
        indicator = _as_indicator(entry)
    rows: list[tuple[str, str]] = []

    def add(path: str, value: object, suffix: str = "") -> None:
        name = t(FIELD_WORDS[path], lang) if path in FIELD_WORDS else path
        rows.append((name + suffix, _value(path, value, catalog, indicator, lang)))

    for key, value in entry.items():
        if key == "baseline" and isinstance(value, dict):
            for sub, inner in value.items():
                add(f"baseline.{sub}", inner)
        elif key == "targets" and isinstance(value, list):
            for n, target in enumerate(value, 1):
                suffix = f" {n}" if len(value) > 1 else ""
                for sub, inner in (target or {}).items():
                    add(f"targets.{sub}", inner, suffix)
        else:
            add(key, value)
    return rows


def _aligned_targets(before: dict, after: dict) -> tuple[dict, dict]:
    """Both sides' targets matched by id, each in its file form without the fields left at
    their defaults (a target the form wrote without `path` is the same target as one read
    with `path: linear`): the edit's order first, then the targets it removes, a side that
    lacks a target holding None at its place."""

    def plain(target: dict) -> dict:
        try:
            return Target.model_validate(target).model_dump(mode="json", exclude_defaults=True)
        except ValidationError:  # shown as given
            return dict(target)

    was = {str(t.get("id")): plain(t) for t in before.get("targets") or []}
    now = {str(t.get("id")): plain(t) for t in after.get("targets") or []}
    order = list(dict.fromkeys([*now, *was]))
    return (
        {**before, "targets": [was.get(i) for i in order]},
        {**after, "targets": [now.get(i) for i in order]},
    )


def before_after_rows(
    before: dict, after: dict, catalog: Catalog, lang: Lang | str, indicator_id: str = ""
) -> list[tuple[str, str, str]]:
    """An edit's fields in words as (name, before, after), only those it changes: targets
    matched by id (numbered in the edit's order, then those it removes), a target added or
    removed shown whole against missing, a changed one by its id and the fields that
    change; the figures of `indicator_id` at its unit's precision."""
    indicator = next((i for i in catalog.indicators if i.id == indicator_id), None)
    if "targets" in before or "targets" in after:
        before, after = _aligned_targets(before, after)
    was = change_rows(before, catalog, lang, indicator)
    now = change_rows(after, catalog, lang, indicator)
    names = list(dict.fromkeys([name for name, _ in now] + [name for name, _ in was]))
    old, new = dict(was), dict(now)
    rows = [(name, old.get(name, MISSING), new.get(name, MISSING)) for name in names]
    changed = {name for name, a, b in rows if a != b}
    id_word = t(FIELD_WORDS["targets.id"], Lang(lang))
    # A changed target keeps its id's row beside what changes, to say which target it is.
    return [row for row in rows if row[0] in changed or _target_of(row[0], id_word, changed)]


def _target_of(name: str, id_word: str, changed: set[str]) -> bool:
    """Whether `name` is a target's id row (目標ID 2) whose target has a changed field."""
    suffix = name[len(id_word) :] if name.startswith(id_word) else ""
    return bool(suffix) and any(other.endswith(suffix) for other in changed)
