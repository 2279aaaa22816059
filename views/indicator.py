"""指標 / Indicator (?id=…): the series against its targets, statuses, figures and revisions."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from indicators import display
from indicators.catalog import Indicator
from kernel.vocabulary import Lang
from ui import auth, data, state
from ui.charts import annual, indicator_chart, org_unit_chart
from ui.export import csv_bytes
from ui.frames import find_indicator, indicator_choices, owner_names
from ui.status import style_status
from ui.tables import (
    evidenced_table,
    figures_table,
    grade_table,
    revisions_table,
    target_table,
    value_header,
)
from ui.text import md_escape, t
from ui.words import indicator_words


def _facts(indicator: Indicator, owner: str, lang: Lang) -> None:
    base = indicator.baseline
    facts = [
        f"{t('owner', lang)}: {owner}",
        f"{t('unit', lang)}: {display.unit(indicator, lang)}",
        f"{t('frequency', lang)}: {t(indicator.frequency, lang)}",
        f"{t('kind', lang)}: {t(indicator.kind, lang)}",
        f"{t('direction', lang)}: {t(indicator.direction, lang)}",
        f"{t('baseline', lang)}: {display.figure(indicator, base.value, lang)}"
        f" ({display.day(base.date, lang)})",
    ]
    st.caption(md_escape(" · ".join(facts)))
    if indicator.description:
        st.text(indicator.description)


def _org_units(indicator: Indicator, figures: pd.DataFrame, lang: Lang) -> None:
    units = figures[figures["org_unit"] != ""]
    if units.empty:
        return
    st.subheader(t("org_units", lang))
    latest = units[units["period"] == units["period"].max()]
    newest = latest["period"].iloc[0]
    st.caption(f"{t('period', lang)}: {display.period(indicator, _day(newest), lang)}")
    bars = latest[["org_unit", "value"]].assign(
        value=latest["value"] * display.scale(indicator, lang)
    )
    left, right = st.columns([3, 2])
    left.altair_chart(org_unit_chart(bars, display.unit(indicator, lang)), width="stretch")
    pivot = units.pivot_table(index="org_unit", columns="period", values="value", aggfunc="sum")
    pivot.columns = [display.period(indicator, _day(p), lang) for p in pivot.columns]
    shown = pivot.map(lambda v: display.value(indicator, v, lang))
    right.dataframe(shown.rename_axis(t("org_unit", lang)))


def _day(value: object) -> dt.date:
    """A period cell (a Timestamp from the warehouse) as a date."""
    return value.date() if isinstance(value, pd.Timestamp) else value  # type: ignore[return-value]


def main() -> None:
    """Lay out one indicator's page."""
    lang = state.lang()
    k = data.key()
    catalog = data.catalog(k)
    result = data.evaluation(k)
    choices = indicator_choices(catalog, lang)
    # ?id= names the indicator (alert links, the goal list); the choice is written back.
    # The widget is per language: a selectbox keeps the label it was given, not the id.
    widget = f"indicator_{lang.value}"
    state.synced_choice("id", list(choices), widget)
    chosen = st.selectbox(
        t("choose_indicator", lang),
        list(choices),
        format_func=choices.__getitem__,
        key=widget,
        on_change=state.to_url,
        args=("id", widget),
    )
    state.to_url("id", widget)
    indicator = find_indicator(catalog, chosen or next(iter(choices)))
    owners = owner_names(catalog, lang)
    owner = owners.get(indicator.owner, indicator.owner)
    st.title(md_escape(choices[indicator.id]))
    _facts(indicator, owner, lang)

    statuses = result.targets[indicator.id]
    table, codes = target_table(result, indicator, lang)
    st.dataframe(style_status(table, t("status", lang), codes), hide_index=True)
    if any(x.illustrative for x in indicator.targets):
        st.caption(t("illustrative_note", lang))

    st.subheader(t("grade_heading", lang))
    st.dataframe(grade_table(result, indicator, lang), hide_index=True)
    st.caption(display.grade_note(result.catalog.plan.grades, lang))

    st.subheader(t("chart", lang))
    totals = data.totals(k)
    series = totals[totals["indicator_id"] == indicator.id]
    chart = indicator_chart(indicator, statuses, series, result.as_of, lang)
    st.altair_chart(chart, width="stretch")
    st.caption(t("chart_note", lang))
    if annual(indicator):
        st.caption(t("annual_note", lang))

    figures = data.figures(k, indicator.id)
    revisions = data.revisions(k, indicator.id)
    st.subheader(t("figures_table", lang))
    if figures.empty:
        st.info(t("no_figures", lang))
    else:
        number = {value_header(indicator, lang): st.column_config.NumberColumn(format="localized")}
        st.dataframe(
            figures_table(indicator, figures, revisions, owners, lang),
            hide_index=True,
            column_config=number,
        )
        history = revisions_table(indicator, revisions, owners, lang)
        with st.expander(f"{t('revisions', lang)} ({len(history)})"):
            st.dataframe(history, hide_index=True, column_config=number)
        st.download_button(
            t("download_csv", lang),
            csv_bytes(history),
            file_name=f"{indicator.id}_{result.as_of.isoformat()}.csv",
            mime="text/csv",
            icon=":material/download:",
        )
        _org_units(indicator, figures, lang)

    indicator_words(indicator, result, k, auth.current_actor(), lang)

    st.subheader(t("evidences", lang))
    st.dataframe(evidenced_table(result, indicator, lang), hide_index=True)


main()
