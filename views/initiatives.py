"""取組 / Initiatives: the plan's initiatives as one searchable table per policy (the tree as
grouping), each with its status in the plan since when, and by its indicators; a chosen row
(or `?id=`) opens its details: its status history, links to its indicators and, for
administrators, the form that records a new status (owners and viewers read it)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from access.roles import PermissionDenied
from indicators import display
from indicators.catalog import INITIATIVE_STATUSES, Initiative
from indicators.evaluation import Evaluation
from kernel.vocabulary import Lang, status_label
from service import StatusRefused
from ui import auth, data, door, state
from ui.frames import fit_height, indicator_choices
from ui.status import badge, plan_badge, plan_label
from ui.tables import initiatives_table
from ui.text import md_escape, pick, t

ROW = 70  # pixels: the grid wraps text from 70 px rows up (two lines)
# Columns the page uses to filter and find rows; never shown.
_HIDDEN = ["id", "policy", "search"]
FLASH = "initiatives_said"  # the message after a status is recorded, shown after the rerun


def _details(item: Initiative, result: Evaluation, lang: Lang) -> None:
    """One initiative in full: statuses, text, the report's sub-heading, reason, note, and a
    link to each indicator evidencing it."""
    rollup = next(i for i in result.initiatives if i.initiative_id == item.id)
    names = indicator_choices(result.catalog, lang)
    plan = result.plan_statuses
    since = display.plan_since(plan[item.id], plan.reported_on, lang)
    with st.container(border=True):
        line = f"**{md_escape(item.number or '–')}** {plan_badge(item.status, lang)} "
        line += f"{md_escape(since)} " + badge(rollup.status, lang)
        if rollup.inconsistent:
            line += f" :red[**{md_escape(t('inconsistent', lang))}**]"
        st.markdown(line)
        st.markdown(md_escape(item.title))
        if item.reconstructed:
            st.caption(t("reconstructed_note", lang))
        details = [md_escape(item.subitem)] if item.subitem else []
        if item.reason:
            details.append(f"{t('reason', lang)}: {md_escape(item.reason)}")
        if item.note:
            details.append(f"{t('note', lang)}: {md_escape(item.note)}")
        if details:
            st.caption("  \n".join(details))
        if item.serves:
            st.caption(md_escape(t("serves_links", lang, links=_served(item, result, lang))))
        if not rollup.indicator_ids:
            st.caption(t("no_indicator_yet", lang))
        for ind_id in rollup.indicator_ids:
            status = status_label(result.headlines[ind_id].status, lang)
            st.page_link(
                "views/indicator.py",
                label=f"{md_escape(names[ind_id])} — {t('status', lang)}: {status}",
                icon=":material/show_chart:",
                query_params=state.link_params(id=ind_id),
            )
        _history(item, result, lang)
        _status_form(item, result, lang)


def _served(item: Initiative, result: Evaluation, lang: Lang) -> str:
    """The items of other plans an initiative serves, named: 計画名 › 項目名."""
    whole = (result.whole or result).catalog  # the chosen plan's view holds no other plan
    named = []
    for link in item.serves:
        found = whole.aligned(link)
        if found is None:  # not in force on the day: the link as written
            named.append(f"{link.plan} › {link.item}")
            continue
        plan, entry = found
        name = (
            entry.title if isinstance(entry, Initiative) else pick(lang, entry.name, entry.name_en)
        )
        named.append(f"{pick(lang, plan.name, plan.name_en)} › {name}")
    return "、".join(named) if lang is Lang.ja else "; ".join(named)


def _history(item: Initiative, result: Evaluation, lang: Lang) -> None:
    """The initiative's statuses in the plan up to the day: the report's, then each
    decision in force by then, in the order they took effect."""
    plan = result.plan_statuses
    found = plan[item.id]
    st.markdown(f"**{t('plan_history', lang)}**")
    when = display.month(plan.reported_on, lang)
    rows = [
        {
            t("decided_on", lang): t("plan_history_report", lang, when=when),
            t("plan_status", lang): plan_label(found.reported, lang),
            t("status_reason", lang): found.reported_reason or "",
            t("recorded_by_col", lang): "",
            t("recorded_at_col", lang): "",
        }
    ]
    rows += [
        {
            t("decided_on", lang): display.day(d.decided_on, lang),
            t("plan_status", lang): plan_label(d.status, lang),
            t("status_reason", lang): d.reason or "",
            t("recorded_by_col", lang): d.recorded_by,
            t("recorded_at_col", lang): d.recorded_at.strftime("%Y-%m-%d %H:%M"),
        }
        for d in found.history
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True)


def _status_form(item: Initiative, result: Evaluation, lang: Lang) -> None:
    """An administrator records a new status with the day it was decided and its reason;
    others read that administrators do (the service refuses them whatever the page shows)."""
    actor = auth.current_actor()
    if actor is None or not actor.is_admin:
        st.caption(t("status_read_only", lang))
        return
    today = door.today()
    earliest = result.plan_statuses.reported_on + dt.timedelta(days=1)
    with st.form(f"status_form_{item.id}", border=True):
        st.markdown(f"**{t('record_status', lang)}**")
        left, right = st.columns(2)
        status = left.selectbox(
            t("plan_status", lang),
            INITIATIVE_STATUSES,
            format_func=lambda s: plan_label(s, lang),
            key="status_new",
        )
        on = right.date_input(
            t("decided_on", lang),
            value=today,
            min_value=earliest,
            max_value=today,
            key="status_on",
        )
        reason = st.text_area(t("status_reason", lang), key="status_reason", max_chars=2000)
        st.caption(t("record_status_help", lang))
        submitted = st.form_submit_button(t("record_status", lang), type="primary")
    if not submitted:
        return
    try:
        door.service().record_initiative_status(actor, item.id, status, on, reason)
    except (PermissionDenied, StatusRefused) as refused:
        st.error(pick(lang, refused.message_ja, refused.message_en))
        return
    st.session_state[FLASH] = t("status_recorded", lang, day=display.day(on, lang))
    st.rerun()


def _mismatches(result: Evaluation, lang: Lang) -> None:
    summary = result.plan_summary
    if not summary.mismatches:
        key, values = summary.agreement
        st.caption(t(key, lang, **values))
        return
    st.warning(t("mismatches", lang))
    st.dataframe(
        [
            {
                t("area", lang): m.name,
                t("status", lang): t(m.status, lang),
                t("initiatives", lang): m.counted,
                t("reported", lang): m.reported,
            }
            for m in summary.mismatches
        ],
        hide_index=True,
    )


def _filtered(frame: pd.DataFrame, query: str, only_without: bool, lang: Lang) -> pd.DataFrame:
    """The rows matching every word of the query (number, text, heading, note, indicator)."""
    keep = pd.Series(True, index=frame.index)
    for term in query.casefold().split():
        keep &= frame["search"].str.contains(term, regex=False)
    if only_without:
        keep &= frame[t("indicators", lang)] == ""
    return frame[keep]


def main() -> None:
    """Lay out the plan's initiatives."""
    lang = state.lang()
    k = data.key()
    result = data.evaluation(k)
    catalog = result.catalog
    st.title(t("page_initiatives", lang))

    without = [i for i in result.initiatives if not i.indicator_ids]
    inconsistent = [i for i in result.initiatives if i.inconsistent]
    tiles = st.columns(4)
    tiles[0].metric(t("initiatives", lang), len(catalog.initiatives), border=True)
    tiles[1].metric(t("with_indicator", lang), len(result.initiatives) - len(without), border=True)
    tiles[2].metric(t("no_indicator", lang), len(without), border=True)
    tiles[3].metric(t("inconsistent_count", lang), len(inconsistent), border=True)
    total = result.plan_summary.total
    line = display.plan_counts_line(
        {s: getattr(total, s) for s in INITIATIVE_STATUSES},
        total.since,
        result.plan_statuses.reported_on,
        lang,
    )
    st.caption(md_escape(t("plan_counts_as_of", lang, line=line)))
    _mismatches(result, lang)
    if said := st.session_state.pop(FLASH, None):
        st.success(said)
    by_id = {item.id: item for item in catalog.initiatives}
    if (asked := st.query_params.get("id")) in by_id:  # a link to one initiative
        _details(by_id[asked], result, lang)

    # ?without=1 (the link in the administrator's digest) opens the list of those without one.
    if "only_without" not in st.session_state:
        st.session_state["only_without"] = st.query_params.get("without") == "1"
    left, right = st.columns([3, 2], vertical_alignment="bottom")
    query = left.text_input(
        t("search_initiatives", lang), placeholder=t("search_placeholder", lang), key="query"
    )
    only_without = right.toggle(t("only_without", lang), key="only_without")

    frame = _filtered(initiatives_table(result, lang), query, only_without, lang)
    st.caption(t("initiatives_shown", lang, n=len(frame), total=len(catalog.initiatives)))
    for policy in sorted(catalog.policies, key=lambda p: p.seq):
        rows = frame[frame["policy"] == policy.id]
        if rows.empty:
            continue
        st.subheader(md_escape(f"{pick(lang, policy.name, policy.name_en)} ({len(rows)})"))
        picked = st.dataframe(
            rows.drop(columns=_HIDDEN),
            hide_index=True,
            height=min(fit_height(len(rows), row=ROW), 560),
            row_height=ROW,  # two lines: the initiative's text wraps
            on_select="rerun",
            selection_mode="single-row",
            key=f"initiatives_{policy.id}_{lang.value}",
            column_config={  # widths that fit 1280 px; the text shows whole on hover
                t("number", lang): st.column_config.TextColumn(width=50),
                t("area", lang): st.column_config.TextColumn(width=95),
                t("initiative", lang): st.column_config.TextColumn(width=210),
                t("plan_status", lang): st.column_config.TextColumn(width=85),
                t("plan_since_col", lang): st.column_config.TextColumn(width=110),
                t("indicator_status", lang): st.column_config.TextColumn(width=100),
                t("indicators", lang): st.column_config.TextColumn(width=120),
            },
        )
        chosen = picked.selection.rows if picked else []  # type: ignore[attr-defined]
        if chosen:
            _details(by_id[rows.iloc[chosen[0]]["id"]], result, lang)
        else:
            st.caption(t("choose_row_hint", lang))


main()
