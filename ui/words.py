"""The owners' words on the dashboard: commentary and improvement actions as tables, and
the forms an owner section (or an administrator) writes them with. Writing goes through
the service, which checks who may write and keeps the audit trail."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from access.roles import Actor, PermissionDenied, may_send_figures_for
from indicators import display
from indicators.catalog import Indicator
from indicators.evaluation import Evaluation
from indicators.status import first_period, latest_reportable_period, needs_action
from indicators.trend import shift_period
from kernel.vocabulary import Lang, word
from service import WordsRefused
from ui import data, door
from ui.text import md_escape, pick, t

PERIODS_OFFERED = 12  # the recent periods a comment can be written for


def _day(value: object) -> dt.date:
    return pd.Timestamp(str(value)).date()


def commentary_table(indicator: Indicator, frame: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """The commentary in force, newest period first."""
    return pd.DataFrame(
        {
            t("words_period", lang): [
                display.period(indicator, _day(p), lang) for p in frame["period"]
            ],
            t("words_commentary", lang): frame["body"],
            t("words_revision", lang): frame["revision"],
            t("words_author", lang): frame["author"],
            t("words_recorded_at", lang): frame["recorded_at"].astype(str).str[:16],
        }
    )


def state_label(state: str, overdue: bool, lang: Lang) -> str:
    if overdue:
        return f"! {t('words_overdue', lang)}"
    return t("words_done" if state == "done" else "words_open", lang)


def actions_table(
    frame: pd.DataFrame, lang: Lang, names: dict[str, str] | None = None
) -> pd.DataFrame:
    """Actions as a table: the indicator (when `names` is given), cause, what, who, by when,
    state."""
    columns: dict[str, object] = {}
    if names is not None:
        columns[t("words_indicator", lang)] = [names.get(i, i) for i in frame["indicator_id"]]
    columns.update(
        {
            t("words_cause", lang): frame["cause"],
            t("words_action_what", lang): frame["action"],
            t("words_action_who", lang): frame["assignee"],
            t("words_action_due", lang): [display.day(_day(d), lang) for d in frame["due"]],
            t("words_state", lang): [
                state_label(s, bool(o), lang)
                for s, o in zip(frame["state"], frame["overdue"], strict=True)
            ],
            t("words_outcome", lang): frame["outcome"].fillna(""),
        }
    )
    return pd.DataFrame(columns)


def _periods(indicator: Indicator, today: dt.date) -> list[dt.date]:
    latest = latest_reportable_period(indicator, today)
    found: list[dt.date] = []
    period = latest
    while period is not None and period >= first_period(indicator):
        found.append(period)
        if len(found) == PERIODS_OFFERED:
            break
        period = shift_period(indicator, period, -1)
    return found


def _refused(error: PermissionDenied | WordsRefused, lang: Lang) -> None:
    st.error(pick(lang, error.message_ja, error.message_en))


def _comment_form(indicator: Indicator, actor: Actor, lang: Lang, today: dt.date) -> None:
    periods = _periods(indicator, today)
    if not periods:
        return
    st.markdown(f"**{t('words_commentary', lang)}**")
    period = st.selectbox(
        t("words_period", lang),
        periods,
        format_func=lambda p: display.period(indicator, p, lang),
        key="words_comment_period",
    )
    body = st.text_area(t("words_comment_text", lang), key="words_comment_body", max_chars=2000)
    if st.button(t("words_comment_save", lang), key="words_comment_save"):
        try:
            revision = door.service().comment(actor, indicator.id, period, body)
        except (PermissionDenied, WordsRefused) as refused:
            _refused(refused, lang)
            return
        if revision is None:
            st.info(t("words_unchanged", lang))
        else:
            st.session_state["words_said"] = t("words_comment_saved", lang, revision=revision)
            st.rerun()


def _action_form(indicator: Indicator, actor: Actor, lang: Lang, today: dt.date) -> None:
    st.markdown(f"**{t('words_actions', lang)}**")
    cause = st.text_area(t("words_cause", lang), key="words_action_cause", max_chars=2000)
    what = st.text_area(t("words_action_what", lang), key="words_action_what", max_chars=2000)
    left, right = st.columns(2)
    who = left.text_input(t("words_action_who", lang), key="words_action_who", max_chars=200)
    due = right.date_input(
        t("words_action_due", lang),
        value=today + dt.timedelta(days=30),
        min_value=today,
        key="words_action_due",
    )
    if st.button(t("words_action_save", lang), key="words_action_save"):
        try:
            door.service().record_action(actor, indicator.id, cause, what, who, due)
        except (PermissionDenied, WordsRefused) as refused:
            _refused(refused, lang)
            return
        st.session_state["words_said"] = t("words_action_saved", lang)
        st.rerun()


def _close_form(actions: pd.DataFrame, actor: Actor, lang: Lang) -> None:
    still = actions[actions["state"] == "open"]
    if still.empty:
        return
    labels = {int(r.id): f"#{int(r.id)} {r.action}"[:80] for r in still.itertuples()}
    left, right = st.columns([2, 3], vertical_alignment="bottom")
    chosen = left.selectbox(
        t("words_which_action", lang),
        list(labels),
        format_func=labels.__getitem__,
        key="words_close_which",
    )
    outcome = right.text_input(t("words_outcome", lang), key="words_close_outcome")
    if st.button(t("words_action_close", lang), key="words_action_close"):
        try:
            door.service().close_action(actor, int(chosen), outcome)
        except (PermissionDenied, WordsRefused) as refused:
            _refused(refused, lang)
            return
        st.session_state["words_said"] = t("words_action_closed", lang)
        st.rerun()


def indicator_words(
    indicator: Indicator, result: Evaluation, k: data.Key, actor: Actor | None, lang: Lang
) -> None:
    """The Indicator page's section: the commentary and actions as of the page's day, and,
    today, the forms for the indicator's owner section or an administrator."""
    st.subheader(t("words_heading", lang))
    said = st.session_state.pop("words_said", None)
    if said:
        st.success(said)
    actions = data.actions(k, indicator.id)
    reasons = needs_action(result.targets[indicator.id], result.headlines[indicator.id])
    if reasons and not (actions["state"] == "open").any():
        named = "・".join(word(r, lang) for r in reasons)
        st.warning(md_escape(t("words_asked", lang, reasons=named)))
    comments = data.commentary(k, indicator.id)
    st.markdown(f"**{t('words_commentary', lang)}**")
    if comments.empty:
        st.caption(t("words_no_commentary", lang))
    else:
        st.dataframe(commentary_table(indicator, comments, lang), hide_index=True)
    st.markdown(f"**{t('words_actions', lang)}**")
    if actions.empty:
        st.caption(t("words_no_actions", lang))
    else:
        st.dataframe(actions_table(actions, lang), hide_index=True)
    today = door.today()
    if actor is None or not may_send_figures_for(actor, indicator.owner):
        st.caption(t("words_readonly", lang))
        return
    if result.as_of != today:
        return  # a replay shows what was said then; words are written today
    with st.expander(t("words_comment_save", lang) + " / " + t("words_action_save", lang)):
        _comment_form(indicator, actor, lang, today)
        st.divider()
        _action_form(indicator, actor, lang, today)
        _close_form(actions, actor, lang)
