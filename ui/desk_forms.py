"""The catalog desk's forms for what is in force: an indicator's owner section and targets,
and a policy's or area's goal; and the target rows the new-indicator form shares with them.
Each form only gathers the fields and hands them to the service, which decides who may
propose and checks the change as the YAML catalog is checked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import streamlit as st

from access.roles import Actor, PermissionDenied
from indicators.catalog import Area, Catalog, CatalogError, Indicator, Policy, Target
from kernel.vocabulary import Lang
from service import Service
from ui.text import pick, t

MAX_NEW_TARGETS = 3  # rows offered beyond an indicator's targets (more: approve, edit again)


def fiscal_year(day: dt.date) -> int:
    """The fiscal year (April–March) a day falls in, as target ids name it (fy2027)."""
    return day.year if day.month >= 4 else day.year - 1


def target_rows(
    key: str, count: int, lang: Lang, defaults: list[Target], numbered: bool, first: str = "_1"
) -> list[dict]:
    """`count` rows of a target's fields (value, due day, tolerance, illustrative) in a form,
    the first rows filled from `defaults`; each row as entered. Rows are named with their
    number when `numbered`, else the one-target form's words; the first row's keys end in
    `first` (the new-indicator form keeps its one target's keys: `{key}target` …), the
    others' in their number."""
    rows = []
    for n in range(1, count + 1):
        was = defaults[n - 1] if n <= len(defaults) else None
        suffix = first if n == 1 else f"_{n}"
        plain_words = n == 1 and not numbered
        left, middle, right = st.columns(3)
        value = left.number_input(
            t("desk_target", lang) if plain_words else t("desk_target_n", lang, n=n),
            value=was.value if was else None,
            key=f"{key}target{suffix}",
        )
        due = middle.date_input(
            t("desk_target_due", lang) if plain_words else t("desk_target_due_n", lang, n=n),
            value=was.due if was else None,
            key=f"{key}due{suffix}",
        )
        tolerance = right.number_input(
            t("desk_tolerance", lang) if plain_words else t("desk_tolerance_n", lang, n=n),
            min_value=0.01,
            max_value=0.99,
            # a new target offers the catalog's usual 10 %; an edited one shows its own
            # (blank: the indicator's tolerance applies)
            value=(was.tolerance if was else 0.10),
            step=0.01,
            key=f"{key}tolerance{suffix}",
        )
        left, right = st.columns(2)
        illustrative = left.checkbox(
            t("desk_illustrative", lang) if plain_words else t("desk_illustrative_n", lang, n=n),
            value=was.illustrative if was else True,  # no invented figure passes as the plan's
            key=f"{key}illus{suffix}",
        )
        # A filled number field cannot be emptied in the page: a target in force is removed
        # by ticking it off instead.
        removed = was is not None and right.checkbox(
            t("desk_remove_n", lang, n=n), value=False, key=f"{key}remove{suffix}"
        )
        rows.append(
            {
                "value": None if removed else value,
                "due": due if isinstance(due, dt.date) else None,
                "tolerance": tolerance,
                "illustrative": illustrative,
                "was": was,
            }
        )
    return rows


def targets_from_rows(indicator_id: str, kind: str, rows: list[dict]) -> list[dict]:
    """The targets the rows give, as the indicators file holds them: a row without a value
    is no target (an edited one is so removed); an edited target keeps its id and the fields
    the form does not show while its due day stays in the same fiscal year; a new one is
    named `<indicator>-fy<year>` and, for a flow, spans the fiscal year."""
    targets = []
    for row in rows:
        if row["value"] is None:
            continue
        was: Target | None = row["was"]
        due: dt.date | None = row["due"]
        year = fiscal_year(due) if due else None
        fresh = {
            "id": f"{indicator_id}-fy{year}" if year else None,
            "window": "fiscal_year" if kind == "flow" else None,
        }
        if was is not None:
            kept = was.model_dump(mode="json", exclude_defaults=True)
            if due is None or fiscal_year(was.due) == year:
                fresh = {"id": was.id, "window": kept.get("window")}
            kept.pop("tolerance", None)
            kept.pop("illustrative", None)
        else:
            kept = {}
        targets.append(
            {
                **kept,
                **fresh,
                "value": row["value"],
                "due": due.isoformat() if due else None,
                "tolerance": row["tolerance"],
                "illustrative": row["illustrative"] or None,
            }
        )
    return [{k: v for k, v in target.items() if v is not None} for target in targets]


def _edited_fields(found: Indicator, owner: str, targets: list[dict]) -> dict:
    """Only the fields that differ from the indicator in force (both when nothing does: the
    service then says the edit changes nothing)."""
    fields: dict = {}
    if owner != found.owner:
        fields["owner"] = owner
    try:
        same = [Target.model_validate(target) for target in targets] == found.targets
    except ValueError:  # a target the checks will refuse, with the files' words
        same = False
    if not same:
        fields["targets"] = targets
    return fields or {"owner": owner, "targets": targets}


def edit_indicator_form(
    service: Service,
    actor: Actor,
    catalog: Catalog,
    lang: Lang,
    refused: Callable[[Exception], None],
    done: Callable[[int], None],
) -> None:
    """An indicator in force: its owner section and its targets, proposed as a draft."""
    st.caption(t("desk_edit_help", lang))
    by_id = {i.id: i for i in catalog.indicators}
    indicator_id = st.selectbox(
        t("desk_edit_pick", lang),
        list(by_id),
        format_func=lambda i: f"{pick(lang, by_id[i].name, by_id[i].name_en)} ({i})",
        key="desk_edit_indicator",
    )
    found = by_id[indicator_id]
    key = f"desk_edit_{indicator_id}_"  # per indicator, so that its own values fill the form
    count = st.selectbox(
        t("desk_target_count", lang),
        list(range(len(found.targets) + MAX_NEW_TARGETS + 1)),
        index=len(found.targets),
        key=f"{key}count",
    )
    owners = {o.id: pick(lang, o.name, o.name_en) for o in catalog.owners}
    with st.form("desk_edit", border=True):
        owner = st.selectbox(
            t("desk_owner", lang),
            list(owners),
            index=list(owners).index(found.owner),
            format_func=owners.__getitem__,
            key=f"{key}owner",
        )
        rows = target_rows(key, count, lang, found.targets, numbered=True)
        submitted = st.form_submit_button(t("desk_propose", lang), type="primary")
    if not submitted:
        return
    targets = targets_from_rows(indicator_id, found.kind, rows)
    try:
        draft_id = service.propose_edit(actor, indicator_id, _edited_fields(found, owner, targets))
    except (PermissionDenied, CatalogError) as error:
        refused(error)
    else:
        done(draft_id)


def goal_entry_label(catalog: Catalog, entry_id: str, lang: Lang) -> str:
    """A policy or area by its kind and name (its id where there is none such)."""
    for policy in catalog.policies:
        if policy.id == entry_id:
            return f"{t('policy', lang)} {pick(lang, policy.name, policy.name_en)}"
        for area in policy.areas:
            if area.id == entry_id:
                return f"{t('area', lang)} {pick(lang, area.name, area.name_en)}"
    return entry_id


def edit_goal_form(
    service: Service,
    actor: Actor,
    catalog: Catalog,
    lang: Lang,
    refused: Callable[[Exception], None],
    done: Callable[[int], None],
) -> None:
    """A policy's or area's goal (目指すべき姿, in both languages) and the outcome indicators
    that show it, proposed as a draft."""
    entries: dict[str, Policy | Area] = {}
    for policy in catalog.policies:
        entries[policy.id] = policy
        entries.update({area.id: area for area in policy.areas})
    entry_id = st.selectbox(
        t("desk_goal_pick", lang),
        list(entries),
        format_func=lambda i: goal_entry_label(catalog, i, lang),
        key="desk_goal_entry",
    )
    found = entries[entry_id]
    outcomes = {i.id: pick(lang, i.name, i.name_en) for i in catalog.indicators}
    outcome_ids = [i.id for i in catalog.indicators if i.level == "outcome"]
    key = f"desk_goal_{entry_id}_"
    with st.form("desk_goal", border=True):
        goal = st.text_area(t("desk_goal", lang), value=found.goal or "", key=f"{key}ja")
        goal_en = st.text_area(t("desk_goal_en", lang), value=found.goal_en or "", key=f"{key}en")
        chosen = st.multiselect(
            t("desk_outcomes", lang),
            outcome_ids,
            default=[o for o in found.outcomes if o in outcome_ids],
            format_func=outcomes.__getitem__,
            key=f"{key}outcomes",
        )
        submitted = st.form_submit_button(t("desk_propose", lang), type="primary")
    if not submitted:
        return
    fields = {"goal": goal, "goal_en": goal_en, "outcomes": chosen}
    try:
        draft_id = service.propose_goal(actor, entry_id, fields)
    except (PermissionDenied, CatalogError) as error:
        refused(error)
    else:
        done(draft_id)
