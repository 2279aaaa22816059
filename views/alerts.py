"""アラート / Alerts: open alerts, their history, and the outbox with a resend button."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from access.roles import Actor, may_resend
from indicators import display
from indicators.evaluation import Evaluation
from kernel.vocabulary import Lang, rule_label, status_label
from ui import auth, data, door, state
from ui.frames import fit_height, owner_names
from ui.status import style_status
from ui.tables import alerts_table, outbox_table
from ui.text import t

ALERT_ROW = 90  # pixels: three lines of a message (the grid wraps text from 70 px up)


def alert_columns(lang: Lang) -> dict:
    """Widths that keep the message readable at 1280 px: the rest goes to the message."""
    return {
        t("rule", lang): st.column_config.TextColumn(width=150),
        t("recipient", lang): st.column_config.TextColumn(width=130),
        t("summary", lang): st.column_config.TextColumn(width="large"),
        t("opened_at", lang): st.column_config.TextColumn(width=125),
    }


def _resend(outbox: pd.DataFrame, owners: dict[str, str], actor: Actor, lang: Lang) -> None:
    """A resend button for a waiting message (e.g. after a failed attempt) the actor may resend."""
    mine = [may_resend(actor, r) for r in outbox["recipient"]]
    waiting = outbox[(outbox["state"] == "pending") & pd.Series(mine, index=outbox.index)]
    if waiting.empty:
        st.caption(t("nothing_to_resend", lang))
        return
    labels = {
        int(row.id): " · ".join(
            (
                f"#{row.id} {owners.get(row.recipient, row.recipient)}",
                str(row.channel),
                f"{t('attempts', lang)} {row.attempts}",
            )
        )
        for row in waiting.itertuples()
    }
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    chosen = left.selectbox(
        t("resend_choose", lang),
        list(labels),
        format_func=labels.__getitem__,
        key=f"resend_id_{lang.value}",
    )
    if right.button(t("resend", lang), icon=":material/send:", key="resend") and chosen:
        with st.spinner(t("resend", lang)):
            sent, failed = door.service().resend(chosen, actor)
        st.session_state["resent"] = (sent, failed)
        st.rerun()
    if "resent" in st.session_state:
        sent, failed = st.session_state.pop("resent")
        (st.success if failed == 0 else st.warning)(t("resent", lang, sent=sent, failed=failed))


def _summary(result: Evaluation, lang: Lang) -> None:
    """What needs action, as the one evaluation of the day has it (the tiles of the Goals
    page, in other words); the alerts below are the messages that told people so."""
    counts = result.target_counts().by_status
    tiles = [
        (rule_label("missed", lang), counts["missed"]),
        (rule_label("off_track", lang), counts["off_track"]),
        (status_label("incomplete", lang), counts["incomplete"]),
        (t("late_tile", lang), result.indicator_counts.late),
        (rule_label("no_indicator", lang), result.initiative_counts.by_status["no_indicator"]),
    ]
    # Three to a row: the labels stay whole on a laptop screen.
    for col, (label, n) in zip([*st.columns(3), *st.columns(3)], tiles, strict=False):
        col.metric(label, n, border=True)
    st.caption(
        t(
            "alerts_summary",
            lang,
            day=display.day(result.as_of, lang),
            targets=result.target_counts().total,
            missed=counts["missed"],
            off_track=counts["off_track"],
            incomplete=counts["incomplete"],
            late=result.indicator_counts.late,
            uncovered=result.initiative_counts.by_status["no_indicator"],
        )
    )


def main() -> None:
    """Lay out the alerts and the outbox."""
    lang = state.lang()
    k = data.key()
    catalog = data.catalog(k)
    alerts = data.alerts(k)
    outbox = data.outbox(k)
    st.title(t("page_alerts", lang))

    _summary(data.evaluation(k), lang)
    open_alerts = alerts[alerts["state"] == "open"]
    st.subheader(f"{t('open_alerts', lang)} ({len(open_alerts)})")
    if open_alerts.empty:
        st.info(t("no_alerts", lang))
    else:
        table, colors = alerts_table(open_alerts, catalog, lang)
        st.dataframe(
            style_status(table, t("rule", lang), colors),
            hide_index=True,
            height=min(fit_height(len(table), row=ALERT_ROW), 480),
            row_height=ALERT_ROW,  # the message wraps to three lines rather than running off
            column_config=alert_columns(lang),
        )

    st.subheader(f"{t('outbox', lang)} ({len(outbox)})")
    st.dataframe(outbox_table(outbox, catalog, lang), hide_index=True)
    actor = auth.current_actor()
    if actor is not None and actor.role != "viewer":  # leadership reads; it does not resend
        _resend(outbox, owner_names(catalog, lang), actor, lang)

    with st.expander(f"{t('alert_history', lang)} ({len(alerts)})"):
        table, colors = alerts_table(alerts, catalog, lang, history=True)
        st.dataframe(
            style_status(table, t("rule", lang), colors),
            hide_index=True,
            row_height=ALERT_ROW,
            column_config=alert_columns(lang),
        )


main()
