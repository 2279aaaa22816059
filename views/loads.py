"""取込履歴 / Loads: every ingested file, its quarantined rows and its kept files."""

from __future__ import annotations

import streamlit as st

from access.roles import Actor
from kernel.vocabulary import Lang
from ui import auth, data, door, state
from ui.tables import loads_table, quarantine_table
from ui.text import t


def _kept_files(actor: Actor, sha256: str, file_name: str, load_id: int, lang: Lang) -> None:
    """Download buttons for the archived raw file and the errors file, when kept."""
    kept = door.service().load_files(actor, sha256)
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
        why = t("raw_withheld" if kept.raw_withheld else "not_kept", lang)
        left.caption(f"{t('raw_file', lang)}: {why}")
    if kept.errors is not None:
        right.download_button(
            t("errors_file", lang),
            kept.errors.read_bytes(),
            file_name=f"{file_name}.errors.csv",
            mime="text/csv",
            icon=":material/download:",
            key=f"errors_{load_id}",
        )


def main() -> None:
    """Lay out the load history."""
    lang = state.lang()
    actor = auth.current_actor()
    if actor is None:
        return
    k = data.key()
    catalog = data.catalog(k)
    loads = data.loads(k, actor)
    st.title(t("page_loads", lang))
    if loads.empty:
        st.info(t("no_loads", lang))
        return
    st.subheader(f"{t('loads', lang)} ({len(loads)})")
    st.dataframe(
        loads_table(loads, catalog, lang),
        hide_index=True,
        column_config={
            t("received_at", lang): st.column_config.TextColumn(width=110),
            t("file", lang): st.column_config.TextColumn(width=160),
            t("state", lang): st.column_config.TextColumn(width=70),
            t("validation", lang): st.column_config.TextColumn(width=85),
            **{
                t(count, lang): st.column_config.NumberColumn(width=60)
                for count in ("accepted_short", "rejected_short", "rows_unchanged", "rows_total")
            },
            t("uploaded_by", lang): st.column_config.TextColumn(width=140),
        },
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
        _kept_files(actor, record.sha256, record.file_name, chosen, lang)
        rows = data.quarantine(k, actor, chosen)
        st.markdown(f"**{t('quarantine', lang)} ({len(rows)})**")
        if not rows.empty:
            st.dataframe(quarantine_table(rows, lang), hide_index=True)

    everything = data.quarantine(k, actor)
    with st.expander(f"{t('all_quarantine', lang)} ({len(everything)})"):
        st.dataframe(quarantine_table(everything, lang), hide_index=True)


main()
