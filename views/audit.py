"""監査ログ / Audit (administrators only): the append-only audit trail, filtered, as CSV."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from kernel.vocabulary import Lang
from ui import auth, door, state
from ui.export import csv_bytes
from ui.tables import audit_table, audit_word
from ui.text import t


def _filters(everything: pd.DataFrame, lang: Lang) -> tuple[str | None, str | None, dt.date | None]:
    """Entity kind, actor and first day (None: all), offered from what the trail holds."""
    left, middle, right = st.columns(3)
    entity = left.selectbox(
        t("audit_entity", lang),
        [None, *sorted(everything["entity"].dropna().unique())],
        format_func=lambda e: t("all", lang) if e is None else audit_word(e, lang),
        key="audit_entity",
    )
    actor = middle.selectbox(
        t("audit_actor", lang),
        [None, *sorted(everything["actor"].dropna().unique())],
        format_func=lambda a: t("all", lang) if a is None else audit_word(a, lang),
        key="audit_actor",
    )
    since = right.date_input(
        t("audit_since", lang), value=None, max_value=door.today(), key="audit_since"
    )
    return entity, actor, since if isinstance(since, dt.date) else None


def main() -> None:
    """Lay out the audit trail."""
    lang = state.lang()
    st.title(t("page_audit", lang))
    actor = auth.current_actor()
    # The page is registered for administrators only; checked again where it is read.
    if actor is None or not actor.is_admin:
        st.error(t("admin_only", lang))
        return
    st.caption(t("audit_caption", lang))
    service = door.service()
    entity, who, since = _filters(service.audit_trail(actor), lang)
    start = dt.datetime.combine(since, dt.time.min) if since else None
    trail = service.audit_trail(actor, entity=entity, who=who, since=start)
    st.subheader(t("audit_count", lang, n=len(trail)))
    if trail.empty:
        st.info(t("audit_none", lang))
        return
    st.dataframe(
        audit_table(trail, lang),
        hide_index=True,
        row_height=70,  # two lines (the grid wraps text from 70 px up)
        column_config={
            "id": st.column_config.NumberColumn(width=50),
            t("changed_at", lang): st.column_config.TextColumn(width=120),
            t("audit_actor", lang): st.column_config.TextColumn(width=110),
            t("action", lang): st.column_config.TextColumn(width=90),
            t("entity", lang): st.column_config.TextColumn(width=90),
            t("entity_id", lang): st.column_config.TextColumn(width=90),
            t("what_changed", lang): st.column_config.TextColumn(width=240),
        },
    )
    st.download_button(
        t("download_csv", lang),
        csv_bytes(audit_table(trail, lang, seconds=True)),
        file_name=f"audit_{door.today().isoformat()}.csv",
        mime="text/csv",
        icon=":material/download:",
        key="audit_csv",
    )


main()
