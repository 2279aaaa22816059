"""取込履歴 / Loads: every ingested file, its quarantined rows and its kept files."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from access.roles import Actor, may_see_load
from kernel.i18n import Lang
from shihyo import service
from ui import auth, data, state
from ui.tables import loads_table, quarantine_table
from ui.text import t


def _kept_files(sha256: str, file_name: str, load_id: int, lang: Lang) -> None:
    """Download buttons for the archived raw file and the errors file, when kept."""
    kept = service.load_files(data.settings(), sha256)
    left, right = st.columns(2)
    if kept.raw is not None:
        left.download_button(
            t("raw_file", lang),
            kept.raw.read_bytes(),
            file_name=file_name,
            icon=":material/download:",
            key=f"raw_{load_id}",
        )
    else:
        left.caption(f"{t('raw_file', lang)}: {t('not_kept', lang)}")
    if kept.errors is not None:
        right.download_button(
            t("errors_file", lang),
            kept.errors.read_bytes(),
            file_name=f"{file_name}.errors.csv",
            mime="text/csv",
            icon=":material/download:",
            key=f"errors_{load_id}",
        )


def _visible(loads: pd.DataFrame, actor: Actor | None) -> pd.DataFrame:
    """The loads the actor may see: all for viewers and admins, an owner's own sections'."""
    if actor is None:
        return loads.iloc[0:0]
    sections = [None if pd.isna(s) else str(s) for s in loads["section"]]
    return loads[[may_see_load(actor, s) for s in sections]]


def main() -> None:
    """Lay out the load history."""
    lang = state.lang()
    k = data.key()
    catalog = data.catalog(k)
    loads = _visible(data.loads(k), auth.current_actor())
    st.title(t("page_loads", lang))
    if loads.empty:
        st.info(t("no_loads", lang))
        return
    st.subheader(f"{t('loads', lang)} ({len(loads)})")
    st.dataframe(
        loads_table(loads, catalog, lang),
        hide_index=True,
        column_config={t("uploaded_by", lang): st.column_config.TextColumn(width=130)},
    )

    records = {int(row.id): row for row in loads.itertuples()}
    chosen = st.selectbox(
        t("choose_load", lang),
        list(records),
        format_func=lambda i: f"#{i} {records[i].file_name} ({t(records[i].status, lang)})",
        key=f"load_id_{lang.value}",
    )
    if chosen is not None:
        record = records[chosen]
        st.caption(f"{t('sha256', lang)}: {record.sha256}")
        if record.message:
            st.text(record.message)
        _kept_files(record.sha256, record.file_name, chosen, lang)
        rows = data.quarantine(k, chosen)
        st.markdown(f"**{t('quarantine', lang)} ({len(rows)})**")
        if not rows.empty:
            st.dataframe(quarantine_table(rows, lang), hide_index=True)

    everything = data.quarantine(k)
    everything = everything[everything["load_id"].isin(records)]
    with st.expander(f"{t('all_quarantine', lang)} ({len(everything)})"):
        st.dataframe(quarantine_table(everything, lang), hide_index=True)


main()
