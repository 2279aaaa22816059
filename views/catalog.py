"""目録デスク / Catalog desk (administrators only): give an initiative without an indicator a
new indicator, or link an existing one; edit an indicator's owner section and targets, or a
policy's or area's goal — each as a draft another administrator approves or rejects. The
service decides who may do what and checks the change as the YAML catalog is checked; this
page only lays it out."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from access.roles import Actor, PermissionDenied
from indicators.catalog import LEVELS, Catalog, CatalogError
from indicators.coverage import coverage
from kernel.vocabulary import Lang
from service import CatalogDraft, DraftRefused, Service
from ui import auth, door, state
from ui.desk import before_after_rows, change_rows
from ui.desk_forms import (
    edit_goal_form,
    edit_indicator_form,
    goal_entry_label,
    target_rows,
    targets_from_rows,
)
from ui.text import md_escape, pick, t

FLASH = "desk_flash"  # the message of the last step, shown after the page reruns
KINDS = ("stock", "flow", "cumulative")
DIRECTIONS = ("higher", "lower")
FREQUENCIES = ("monthly", "quarterly", "fiscal_year")
TASKS = ("initiative", "indicator", "goal")  # what the desk changes; the first as before
MAX_TARGETS = 5  # target rows a new indicator's form offers


def _refused(error: PermissionDenied | DraftRefused | CatalogError, lang: Lang) -> None:
    if isinstance(error, CatalogError):
        st.error(
            t("desk_invalid", lang)
            + "\n\n"
            + "\n".join(f"- {md_escape(p)}" for p in error.problems)
        )
    else:
        st.error(pick(lang, error.message_ja, error.message_en))


def _done(message: str) -> None:
    st.session_state[FLASH] = message
    st.rerun()


def _initiative_label(catalog: Catalog, initiative_id: str) -> str:
    found = (i for book in catalog.plans for i in book.initiatives if i.id == initiative_id)
    item = next(found, None)  # of any plan: ids are unique across the instance
    if item is None:
        return initiative_id
    text = item.title if len(item.title) <= 40 else item.title[:39] + "…"
    return f"{item.number or '—'} {text}"


def _indicator_label(catalog: Catalog, indicator_id: str, lang: Lang) -> str:
    found = next((i for i in catalog.indicators if i.id == indicator_id), None)
    return indicator_id if found is None else pick(lang, found.name, found.name_en)


def _kind_word(draft: CatalogDraft, lang: Lang) -> str:
    return t(f"desk_kind_{draft.change.kind}", lang)


def _subject(draft: CatalogDraft, catalog: Catalog, lang: Lang) -> str:
    """What a draft changes: the indicator's id, or the policy or area of a goal by name."""
    if draft.change.kind == "goal":
        return goal_entry_label(catalog, draft.change.subject, lang)
    return draft.change.subject


def _change_table(draft: CatalogDraft, catalog: Catalog, lang: Lang) -> pd.DataFrame:
    """The change's fields in words: a new indicator's entry or the link as two columns; an
    edit's fields as three, before and after."""
    if draft.change.kind in ("edit", "goal"):
        after = {k: v for k, v in (draft.change.entry or {}).items() if k != "id"}
        rows3 = before_after_rows(
            draft.change.before or {}, after, catalog, lang, draft.change.indicator_id
        )
        columns = [t("desk_field", lang), t("desk_before", lang), t("desk_after", lang)]
        return pd.DataFrame(rows3, columns=columns)
    shown = draft.change.entry or {
        "indicator": draft.change.indicator_id,
        "initiative": draft.change.initiative_id,
    }
    rows = change_rows(shown, catalog, lang)
    return pd.DataFrame(rows, columns=[t("desk_field", lang), t("desk_value", lang)])


def _pending(service: Service, actor: Actor, catalog: Catalog, lang: Lang) -> None:
    """The drafts awaiting approval, one chosen to approve or reject."""
    st.subheader(t("desk_drafts", lang))
    drafts = service.catalog_drafts(actor, "draft")
    if not drafts:
        st.info(t("desk_no_drafts", lang))
        return
    st.dataframe(
        pd.DataFrame(
            {
                "id": [d.id for d in drafts],
                t("desk_kind", lang): [_kind_word(d, lang) for d in drafts],
                t("initiative", lang): [
                    _initiative_label(catalog, d.change.initiative_id) for d in drafts
                ],
                t("desk_subject", lang): [_subject(d, catalog, lang) for d in drafts],
                t("desk_proposed_by", lang): [d.proposed_by for d in drafts],
                t("desk_proposed_at", lang): [
                    d.proposed_at.strftime("%Y-%m-%d %H:%M") for d in drafts
                ],
            }
        ),
        hide_index=True,
    )
    by_id = {d.id: d for d in drafts}
    chosen = st.selectbox(
        t("desk_draft_pick", lang),
        list(by_id),
        format_func=lambda i: (
            f"{i}: {_kind_word(by_id[i], lang)} — {_subject(by_id[i], catalog, lang)}"
        ),
        key="desk_draft",
    )
    draft = by_id[chosen]
    with st.expander(t("desk_change", lang), expanded=True):
        st.dataframe(_change_table(draft, catalog, lang), hide_index=True)
    own = draft.proposed_by == actor.name
    if own:
        st.caption(t("desk_own_draft", lang))
    left, right = st.columns(2)
    if left.button(t("desk_approve", lang), key="desk_approve", disabled=own, type="primary"):
        try:
            version = service.approve_draft(actor, draft.id)
        except (PermissionDenied, DraftRefused, CatalogError) as refused:
            _refused(refused, lang)
        else:
            _done(t("desk_approved", lang, id=draft.id, version=version))
    reason = right.text_input(t("desk_reject_reason", lang), key="desk_reason")
    if right.button(t("desk_reject", lang), key="desk_reject"):
        try:
            service.reject_draft(actor, draft.id, reason)
        except (PermissionDenied, DraftRefused) as refused:
            _refused(refused, lang)
        else:
            _done(t("desk_rejected", lang, id=draft.id))


def _new_indicator_form(
    service: Service, actor: Actor, catalog: Catalog, initiative_id: str, lang: Lang
) -> None:
    """The fields of a new indicator, its baseline and its targets; saved as a draft."""
    today = service.today()
    owners = {o.id: pick(lang, o.name, o.name_en) for o in catalog.owners}
    # outside the form: a form reruns only when sent, and the rows follow the count
    count = st.selectbox(
        t("desk_target_count", lang), list(range(1, MAX_TARGETS + 1)), key="desk_targets"
    )
    with st.form("desk_create", border=True):
        indicator_id = st.text_input(t("desk_id", lang), key="desk_id")
        left, right = st.columns(2)
        name = left.text_input(t("desk_name", lang), key="desk_name")
        name_en = right.text_input(t("desk_name_en", lang), key="desk_name_en")
        unit = left.text_input(t("desk_unit", lang), key="desk_unit")
        unit_en = right.text_input(t("desk_unit_en", lang), key="desk_unit_en")
        kind = left.selectbox(
            t("desk_kind", lang), KINDS, format_func=lambda k: t(k, lang), key="desk_kind"
        )
        direction = right.selectbox(
            t("desk_direction", lang),
            DIRECTIONS,
            format_func=lambda d: t(d, lang),
            key="desk_direction",
        )
        frequency = left.selectbox(
            t("desk_frequency", lang),
            FREQUENCIES,
            format_func=lambda f: t(f, lang),
            key="desk_frequency",
        )
        level = right.selectbox(
            t("desk_level", lang), LEVELS, format_func=lambda v: t(v, lang), key="desk_level"
        )
        owner = left.selectbox(
            t("desk_owner", lang), list(owners), format_func=owners.__getitem__, key="desk_owner"
        )
        st.divider()
        left, middle, right = st.columns(3)
        base_value = left.number_input(t("desk_baseline", lang), value=None, key="desk_base")
        base_date = middle.date_input(
            t("desk_baseline_date", lang), value=None, max_value=today, key="desk_base_date"
        )
        source = right.text_input(t("desk_baseline_source", lang), key="desk_source")
        rows = target_rows("desk_", count, lang, [], numbered=count > 1, first="")
        submitted = st.form_submit_button(t("desk_propose", lang), type="primary")
    if not submitted:
        return

    def given(text: str) -> str | None:  # a blank field is a field not given
        return text.strip() or None

    indicator_id = (indicator_id or "").strip()
    targets = targets_from_rows(indicator_id, kind, rows)
    entry = {
        "id": indicator_id or None,
        "name": given(name),
        "name_en": given(name_en),
        "unit": given(unit),
        "unit_en": given(unit_en),
        "frequency": frequency,
        "kind": kind,
        "direction": direction,
        "owner": owner,
        "level": level,
        "baseline": {
            "value": base_value,
            "date": base_date if isinstance(base_date, dt.date) else None,
            "source": given(source),
            "window": "fiscal_year" if kind == "flow" else None,
        },
        "targets": targets,
    }
    try:
        draft_id = service.propose_indicator(actor, initiative_id, entry)
    except (PermissionDenied, CatalogError) as refused:
        _refused(refused, lang)
    else:
        _done(t("desk_proposed", lang, id=draft_id))


def _link_form(
    service: Service, actor: Actor, catalog: Catalog, initiative_id: str, lang: Lang
) -> None:
    """An existing indicator to evidence the initiative too; saved as a draft."""
    ids = [i.id for i in catalog.indicators]
    with st.form("desk_link", border=True):
        chosen = st.selectbox(
            t("desk_link_to", lang),
            ids,
            format_func=lambda i: f"{_indicator_label(catalog, i, lang)} ({i})",
            key="desk_link_to",
        )
        submitted = st.form_submit_button(t("desk_propose", lang), type="primary")
    if submitted:
        try:
            draft_id = service.propose_link(actor, initiative_id, chosen)
        except (PermissionDenied, CatalogError) as refused:
            _refused(refused, lang)
        else:
            _done(t("desk_proposed", lang, id=draft_id))


def _propose(service: Service, actor: Actor, catalog: Catalog, lang: Lang) -> None:
    """What to change: an initiative without an indicator (a new indicator or a link), an
    indicator's owner section and targets, or a policy's or area's goal."""
    task = st.radio(
        t("desk_task", lang),
        TASKS,
        format_func=lambda k: t(f"desk_task_{k}", lang),
        horizontal=True,
        key="desk_task",
    )

    def refused(error: Exception) -> None:
        _refused(error, lang)  # type: ignore[arg-type]

    def done(draft_id: int) -> None:
        _done(t("desk_proposed", lang, id=draft_id))

    if task == "indicator":
        edit_indicator_form(service, actor, catalog, lang, refused, done)
    elif task == "goal":
        edit_goal_form(service, actor, catalog, lang, refused, done)
    else:
        _uncovered(service, actor, catalog, lang)


def _uncovered(service: Service, actor: Actor, catalog: Catalog, lang: Lang) -> None:
    """The initiatives of the plan chosen in the sidebar without an indicator; for one, a new
    indicator or a link."""
    chosen = state.plan()
    plan = catalog.for_plan(chosen if chosen in catalog.plan_ids else None)
    uncovered = coverage(plan).without_indicator
    st.subheader(t("desk_without", lang, n=len(uncovered)))
    if not uncovered:
        st.info(t("desk_all_covered", lang))
        return
    with st.expander(t("desk_without", lang, n=len(uncovered))):
        st.dataframe(
            pd.DataFrame(
                {
                    t("number", lang): [u.number or "—" for u in uncovered],
                    t("area", lang): [u.area for u in uncovered],
                    t("initiative", lang): [u.text for u in uncovered],
                }
            ),
            hide_index=True,
        )
    ids = [u.id for u in uncovered]
    initiative_id = st.selectbox(
        t("desk_initiative", lang),
        ids,
        format_func=lambda i: _initiative_label(catalog, i),
        key="desk_initiative",
    )
    mode = st.radio(
        t("desk_mode", lang),
        ("create", "link"),
        format_func=lambda m: t(f"desk_kind_{m}", lang),
        horizontal=True,
        key="desk_mode",
    )
    if mode == "create":
        _new_indicator_form(service, actor, catalog, initiative_id, lang)
    else:
        _link_form(service, actor, catalog, initiative_id, lang)


def _decided(service: Service, actor: Actor, catalog: Catalog, lang: Lang) -> None:
    decided = [d for d in service.catalog_drafts(actor) if d.state != "draft"][:20]
    if not decided:
        return
    st.subheader(t("desk_decided", lang))

    def when(moment: dt.datetime | None) -> str:
        return moment.strftime("%Y-%m-%d %H:%M") if moment else ""

    st.dataframe(
        pd.DataFrame(
            {
                "id": [d.id for d in decided],
                t("desk_kind", lang): [_kind_word(d, lang) for d in decided],
                t("desk_subject", lang): [_subject(d, catalog, lang) for d in decided],
                t("desk_state", lang): [t(f"desk_state_{d.state}", lang) for d in decided],
                t("desk_proposed_by", lang): [d.proposed_by for d in decided],
                t("desk_decided_by", lang): [d.decided_by or "" for d in decided],
                t("desk_decided_at", lang): [when(d.decided_at) for d in decided],
                t("desk_note", lang): [d.decision_note or "" for d in decided],
            }
        ),
        hide_index=True,
    )


def main() -> None:
    """Lay out the desk."""
    lang = state.lang()
    st.title(t("page_catalog", lang))
    actor = auth.current_actor()
    # The page is registered for administrators only; the service checks every step again.
    if actor is None or not actor.is_admin:
        st.error(t("admin_only", lang))
        return
    st.caption(t("desk_caption", lang))
    flash = st.session_state.pop(FLASH, None)
    if flash:
        st.success(flash)
    service = door.service()
    if state.as_of() != service.today():
        st.caption(t("desk_today_only", lang, day=state.as_of().isoformat()))
    catalog = service.catalog()  # the desk changes the catalog in force now
    _pending(service, actor, catalog, lang)
    st.divider()
    _propose(service, actor, catalog, lang)
    _decided(service, actor, catalog, lang)


main()
